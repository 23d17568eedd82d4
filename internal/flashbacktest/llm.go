package flashbacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxNameLen is the longest configuration name accepted (PRODUCT §1).
const maxNameLen = 64

// llmJSON renders an AiLlm: the secret is never included and the key is
// masked.
func (s *Server) llmJSON(l *LLM) map[string]any {
	m := map[string]any{
		"id": l.ID, "orgId": l.OrgID, "workspaceId": l.WorkspaceID, "userId": l.UserID,
		"name": l.Name, "aiType": l.AIType, "endpoint": l.Endpoint, "key": mask(l.Key),
		"createdAt": iso(l.CreatedAt),
	}
	var repos []map[string]any
	for _, r := range s.repos {
		if slices.Contains(r.LLMIDs, l.ID) {
			repos = append(repos, map[string]any{"id": r.ID, "name": r.Name, "createdAt": iso(r.CreatedAt)})
		}
	}
	// The docs list repos only "when attached".
	if len(repos) > 0 {
		m["repos"] = repos
	}
	return m
}

// mask renders a key the way the overview page describes ("null or
// masked"): the first and last four characters of a long key.
func mask(key string) any {
	switch {
	case key == "":
		return nil
	case len(key) < 12:
		return "****"
	}
	return key[:4] + "****" + key[len(key)-4:]
}

// visible reports whether u can see w, and u's role there.
func visible(w *Workspace, u *User) (string, bool) {
	r := role(w, u.ID)
	return r, r != ""
}

// listLLMs is GET /ai/llm.
func (s *Server) listLLMs(w http.ResponseWriter, r *http.Request, u *User) {
	wsID := r.URL.Query().Get("workspaceId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.workspaceFilterAllowed(w, u, wsID) {
		return
	}
	out := []map[string]any{}
	for _, l := range s.llms {
		if wsID != "" && l.WorkspaceID != wsID {
			continue
		}
		if ws := s.findWorkspace(l.WorkspaceID); ws != nil {
			if _, ok := visible(ws, u); ok {
				out = append(out, s.llmJSON(l))
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlms": out})
}

// availableLLMs is GET /ai/llm/available: validated configurations, newest
// first.
func (s *Server) availableLLMs(w http.ResponseWriter, _ *http.Request, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for i := len(s.llms) - 1; i >= 0; i-- {
		l := s.llms[i]
		if ws := s.findWorkspace(l.WorkspaceID); ws != nil && l.Validated {
			if _, ok := visible(ws, u); ok {
				out = append(out, s.llmJSON(l))
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlms": out})
}

// field is a request field that tells absent from null from a value.
type field struct {
	set, null bool
	v         string
}

// UnmarshalJSON implements json.Unmarshaler; it is called for null too.
func (f *field) UnmarshalJSON(b []byte) error {
	f.set = true
	if string(b) == "null" {
		f.null = true
		return nil
	}
	if err := json.Unmarshal(b, &f.v); err != nil {
		return errors.New("expected a string")
	}
	return nil
}

// str is the value of a field that is set and not null.
func (f field) str() (string, bool) { return f.v, f.set && !f.null }

// llmBody is the union of CreateAiLlmRequest and UpdateAiLlmRequest.
type llmBody struct {
	Name        field `json:"name"`
	AIType      field `json:"aiType"`
	Endpoint    field `json:"endpoint"`
	Key         field `json:"key"`
	Secret      field `json:"secret"`
	WorkspaceID field `json:"workspaceId"`
	APIKeyUUID  field `json:"apiKeyUuid"`
}

// checkName validates a name and its uniqueness in a workspace; s.mu held.
func (s *Server) checkName(name, wsID, selfID string) (string, bool) {
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return "Invalid request: name is required", false
	case utf8.RuneCountInString(n) > maxNameLen:
		return fmt.Sprintf("Invalid request: name must be at most %d characters", maxNameLen), false
	}
	for _, o := range s.llms {
		if o.WorkspaceID == wsID && o.ID != selfID && sameName(o.Name, n) {
			return fmt.Sprintf("An AI LLM configuration named %q already exists in this workspace", o.Name), false
		}
	}
	return "", true
}

func validEndpoint(e string) bool {
	u, err := url.Parse(e)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// createLLM is POST /ai/llm (200, not 201, as documented).
func (s *Server) createLLM(w http.ResponseWriter, r *http.Request, u *User) {
	var b llmBody
	if err := decodeStrict(r, &b); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error())
		return
	}
	wsID, _ := b.WorkspaceID.str()
	aiType, _ := b.AIType.str()
	endpoint, _ := b.Endpoint.str()
	secret, _ := b.Secret.str()
	name, hasName := b.Name.str()
	switch {
	case wsID == "":
		writeError(w, http.StatusBadRequest, "Invalid request: workspaceId is required")
		return
	case !validType(aiType):
		writeError(w, http.StatusBadRequest, "Invalid request: aiType must be one of OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER")
		return
	case b.APIKeyUUID.set:
		writeError(w, http.StatusBadRequest, "Invalid request: apiKeyUuid is not supported here")
		return
	case !validEndpoint(endpoint):
		writeError(w, http.StatusBadRequest, "Invalid request: endpoint must be a valid URL")
		return
	case secret == "":
		writeError(w, http.StatusBadRequest, "Invalid request: secret is required")
		return
	case !hasName:
		writeError(w, http.StatusBadRequest, "Invalid request: name is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.findWorkspace(wsID)
	if ws == nil {
		writeError(w, http.StatusForbidden, "You do not have access to this workspace")
		return
	}
	rl, ok := visible(ws, u)
	switch {
	case !ok:
		writeError(w, http.StatusForbidden, "You do not have access to this workspace")
		return
	case !canWrite(rl):
		writeError(w, http.StatusForbidden, "Insufficient permissions: WRITE or ADMIN role required in this workspace")
		return
	}
	if msg, ok := s.checkName(name, ws.ID, ""); !ok {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	l := &LLM{ID: newID(), OrgID: ws.OrgID, WorkspaceID: ws.ID, UserID: u.ID, Name: strings.TrimSpace(name),
		AIType: aiType, Endpoint: endpoint, Secret: secret, CreatedAt: s.now()}
	l.Key, _ = b.Key.str()
	s.llms = append(s.llms, l)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlmId": l.ID, "message": "AI LLM configuration created successfully"})
}

// lookupLLM finds a configuration and the caller's role in its workspace;
// it answers 404 (not found or not visible) itself. s.mu held.
func (s *Server) lookupLLM(w http.ResponseWriter, r *http.Request, u *User) (*LLM, string, bool) {
	l := s.findLLM(r.PathValue("id"))
	if l != nil {
		if ws := s.findWorkspace(l.WorkspaceID); ws != nil {
			if rl, ok := visible(ws, u); ok {
				return l, rl, true
			}
		}
	}
	writeError(w, http.StatusNotFound, "AI LLM configuration not found")
	return nil, "", false
}

// updateLLM is PUT /ai/llm/{id}: a partial update.
func (s *Server) updateLLM(w http.ResponseWriter, r *http.Request, u *User) {
	var b llmBody
	if err := decodeStrict(r, &b); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, rl, ok := s.lookupLLM(w, r, u)
	if !ok {
		return
	}
	if !canWrite(rl) {
		writeError(w, http.StatusForbidden, "Insufficient permissions: WRITE or ADMIN role required in this workspace")
		return
	}
	switch {
	case b.WorkspaceID.set:
		writeError(w, http.StatusBadRequest, "Invalid request: workspaceId cannot be changed")
		return
	case b.APIKeyUUID.set:
		writeError(w, http.StatusBadRequest, "Invalid request: apiKeyUuid is not supported here")
		return
	case b == (llmBody{}):
		writeError(w, http.StatusBadRequest, "Invalid request: no fields to update")
		return
	case b.Name.set && b.Name.null:
		writeError(w, http.StatusBadRequest, "Invalid request: name must be a string")
		return
	case b.AIType.set && !validType(b.AIType.v):
		writeError(w, http.StatusBadRequest, "Invalid request: aiType must be one of OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER")
		return
	case b.Endpoint.set && !validEndpoint(b.Endpoint.v):
		writeError(w, http.StatusBadRequest, "Invalid request: endpoint must be a valid URL")
		return
	case b.Secret.set && b.Secret.v == "":
		writeError(w, http.StatusBadRequest, "Invalid request: the secret cannot be removed, only replaced")
		return
	}
	if name, ok := b.Name.str(); ok {
		if msg, ok := s.checkName(name, l.WorkspaceID, l.ID); !ok {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		l.Name = strings.TrimSpace(name)
	}
	if b.AIType.set {
		l.AIType, l.Validated = b.AIType.v, false
	}
	if b.Endpoint.set {
		l.Endpoint, l.Validated = b.Endpoint.v, false
	}
	if b.Key.set {
		l.Key, l.Validated = b.Key.v, false // null removes it
	}
	if b.Secret.set {
		l.Secret, l.Validated = b.Secret.v, false
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlmId": l.ID, "message": "AI LLM configuration updated successfully"})
}

// deleteLLM is DELETE /ai/llm/{id}; refused (403) while attached.
func (s *Server) deleteLLM(w http.ResponseWriter, r *http.Request, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, rl, ok := s.lookupLLM(w, r, u)
	if !ok {
		return
	}
	if !canWrite(rl) {
		writeError(w, http.StatusForbidden, "Insufficient permissions to delete this AI LLM configuration")
		return
	}
	var names []string
	for _, rp := range s.repos {
		if slices.Contains(rp.LLMIDs, l.ID) {
			names = append(names, rp.Name)
		}
	}
	if len(names) > 0 {
		writeError(w, http.StatusForbidden, fmt.Sprintf("AI LLM configuration is in use by repositories: %s. Detach it before deleting.", strings.Join(names, ", ")))
		return
	}
	s.llms = slices.DeleteFunc(s.llms, func(o *LLM) bool { return o.ID == l.ID })
	delete(s.stats, l.ID)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "AI LLM configuration deleted successfully"})
}

// validateLLM is POST /ai/llm/{id}/validate: 200 either way, with success
// telling the outcome.
func (s *Server) validateLLM(w http.ResponseWriter, r *http.Request, u *User) {
	s.mu.Lock()
	l, rl, ok := s.lookupLLM(w, r, u)
	if !ok {
		s.mu.Unlock()
		return
	}
	if !canWrite(rl) {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "Insufficient permissions to validate this AI LLM configuration")
		return
	}
	cfg := *l
	s.mu.Unlock()

	// The provider call runs without the lock: it may take seconds.
	err := s.validator(r.Context(), cfg)

	s.mu.Lock()
	if cur := s.findLLM(cfg.ID); cur != nil && cur.Secret == cfg.Secret && cur.Endpoint == cfg.Endpoint {
		cur.Validated = err == nil
	}
	s.mu.Unlock()
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"success": false,
			"message": "Validation failed: Invalid API key or endpoint unreachable. Error: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true,
		"message": "AI LLM configuration validated successfully. Connection established and credentials verified."})
}

// llmStats is GET /ai/llm/stats: counters as strings (serialised BigInt),
// one row per visible configuration.
func (s *Server) llmStats(w http.ResponseWriter, r *http.Request, u *User) {
	only := r.URL.Query().Get("aiLlmId")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, l := range s.llms {
		if only != "" && l.ID != only {
			continue
		}
		ws := s.findWorkspace(l.WorkspaceID)
		if ws == nil {
			continue
		}
		if _, ok := visible(ws, u); !ok {
			continue
		}
		st := s.stats[l.ID]
		if st == nil {
			st = &Stats{}
		}
		n := func(v uint64) string { return fmt.Sprint(v) }
		out = append(out, map[string]any{
			"aiLlmId": l.ID, "totalApiCalls": n(st.APICalls), "totalTokensIn": n(st.TokensIn),
			"totalTokensOut": n(st.TokensOut), "totalLlmTokensIn": n(st.LLMTokensIn),
			"totalLlmTokensOut": n(st.LLMTokensOut), "totalPolicyViolations": n(st.PolicyViolations),
			"totalAlerts": n(st.Alerts), "totalBlocks": n(st.Blocks),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "stats": out})
}
