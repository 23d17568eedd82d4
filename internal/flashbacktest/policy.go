package flashbacktest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxTake is the API's page size limit for violations.
const maxTake = 100

// userRef renders the createdBy/lastUpdatedBy object; s.mu held.
func (s *Server) userRef(id string) map[string]any {
	u := s.users[id]
	if u == nil {
		return map[string]any{"id": id}
	}
	return map[string]any{"id": u.ID, "name": u.Name, "lastName": u.LastName, "email": u.Email}
}

// policyJSON renders a Policy; s.mu held.
func (s *Server) policyJSON(p *Policy) map[string]any {
	m := map[string]any{
		"id": p.ID, "orgId": p.OrgID, "name": p.Name, "content": p.Content, "riskType": p.Risk,
		"actionType": p.Action, "createdBy": s.userRef(p.CreatedBy), "createdAt": iso(p.CreatedAt),
		"lastUpdatedBy": s.userRef(p.CreatedBy), "lastUpdatedAt": iso(p.CreatedAt),
		"workspaceId": nil, "repoId": nil, "workspace": nil, "repo": nil,
	}
	if p.WorkspaceID != "" {
		m["workspaceId"] = p.WorkspaceID
		if ws := s.findWorkspace(p.WorkspaceID); ws != nil {
			m["workspace"] = map[string]any{"id": ws.ID, "name": ws.Name}
		}
	}
	if p.RepoID != "" {
		m["repoId"] = p.RepoID
		m["repo"] = map[string]any{"id": p.RepoID, "name": s.repoName(p.RepoID)}
	}
	return m
}

// listPolicies is GET /policy: one scope level, chosen by which of orgId,
// workspaceId and repoId are given.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	orgID, wsID, repoID := q.Get("orgId"), q.Get("workspaceId"), q.Get("repoId")
	if orgID == "" {
		writeError(w, http.StatusBadRequest, "Invalid request: orgId is required")
		return
	}
	if repoID != "" && wsID == "" {
		writeError(w, http.StatusBadRequest, "Invalid request: repoId requires workspaceId")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if orgID != u.OrgID {
		writeError(w, http.StatusForbidden, "Access denied to organization")
		return
	}
	if wsID != "" {
		ws := s.findWorkspace(wsID)
		if ws == nil || ws.OrgID != orgID {
			writeError(w, http.StatusForbidden, "Access denied to workspace")
			return
		}
		if _, ok := visible(ws, u); !ok {
			writeError(w, http.StatusForbidden, "Access denied to workspace")
			return
		}
	}
	out := []map[string]any{}
	for _, p := range s.policies {
		if p.OrgID == orgID && p.WorkspaceID == wsID && p.RepoID == repoID {
			out = append(out, s.policyJSON(p))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "policies": out})
}

// listViolations is GET /policy/violations: newest first, paged, only of
// the caller's workspaces.
func (s *Server) listViolations(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	skip, take := 0, 50
	if v := q.Get("skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "Invalid request: skip must be a non-negative integer")
			return
		}
		skip = n
	}
	if v := q.Get("take"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTake {
			writeError(w, http.StatusBadRequest, "Invalid request: take must be between 1 and 100")
			return
		}
		take = n
	}
	var from, to time.Time
	for k, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := q.Get(k); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "Invalid request: "+k+" must be an ISO-8601 date")
				return
			}
			*dst = t
		}
	}
	var block *bool
	if v := q.Get("block"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid request: block must be true or false")
			return
		}
		block = &b
	}
	var severities []string
	if v := q.Get("severity"); v != "" {
		severities = strings.Split(v, ",")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*Violation
	for _, v := range s.violations {
		ws := s.findWorkspace(v.WorkspaceID)
		if ws == nil {
			continue
		}
		if _, ok := visible(ws, u); !ok {
			continue
		}
		switch {
		case q.Get("workspaceId") != "" && v.WorkspaceID != q.Get("workspaceId"),
			q.Get("repoId") != "" && v.RepoID != q.Get("repoId"),
			q.Get("policyId") != "" && v.PolicyID != q.Get("policyId"),
			!from.IsZero() && v.At.Before(from),
			!to.IsZero() && v.At.After(to),
			block != nil && v.Block != *block,
			severities != nil && !slices.Contains(severities, v.Severity):
			continue
		}
		match = append(match, v)
	}
	slices.SortStableFunc(match, func(a, b *Violation) int { return b.At.Compare(a.At) })
	page := []map[string]any{}
	for i := skip; i < len(match) && i < skip+take; i++ {
		page = append(page, s.violationJSON(match[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "violations": page, "total": len(match), "skip": skip, "take": take})
}

// violationJSON renders a PolicyViolationDTO; s.mu held.
func (s *Server) violationJSON(v *Violation) map[string]any {
	m := map[string]any{
		"id": v.ID, "policyId": v.PolicyID, "timestamp": iso(v.At), "explanation": v.Explanation,
		"conversationId": nil, "block": v.Block, "llmType": v.LLMType, "llmModel": v.LLMModel, "host": v.Host,
		"severity": nil,
	}
	if v.Severity != "" {
		m["severity"] = v.Severity
	}
	if i := slices.IndexFunc(s.policies, func(p *Policy) bool { return p.ID == v.PolicyID }); i >= 0 {
		m["policyName"] = s.policies[i].Name
	}
	if v.RepoID != "" {
		m["repoId"], m["repoName"] = v.RepoID, s.repoName(v.RepoID)
	}
	if u := s.users[v.UserID]; u != nil {
		m["userId"], m["userName"] = u.ID, strings.TrimSpace(u.Name+" "+u.LastName)
	}
	return m
}
