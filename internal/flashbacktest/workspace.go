package flashbacktest

import (
	"net/http"
	"slices"
)

// workspaceJSON renders a Workspace with its members.
func (s *Server) workspaceJSON(w *Workspace) map[string]any {
	users := []map[string]any{}
	for _, m := range w.Members {
		u := s.users[m.UserID]
		if u == nil {
			continue
		}
		users = append(users, map[string]any{"userId": u.ID, "role": m.Role, "user": map[string]any{
			"id": u.ID, "name": u.Name, "lastName": u.LastName, "email": u.Email, "orgRole": u.OrgRole,
		}})
	}
	return map[string]any{"id": w.ID, "name": w.Name, "orgId": w.OrgID, "users": users}
}

// listWorkspaces is GET /workspace: every workspace the caller is a member
// of.
func (s *Server) listWorkspaces(w http.ResponseWriter, _ *http.Request, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, ws := range s.workspaces {
		if _, ok := visible(ws, u); ok {
			out = append(out, s.workspaceJSON(ws))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "workspaces": out})
}

// getWorkspace is GET /workspace/{id}; 404 also when not a member, as
// documented.
func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.findWorkspace(r.PathValue("id"))
	if ws == nil {
		writeError(w, http.StatusNotFound, "Workspace not found or access denied")
		return
	}
	if _, ok := visible(ws, u); !ok {
		writeError(w, http.StatusNotFound, "Workspace not found or access denied")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "workspace": s.workspaceJSON(ws)})
}

// listRepos is GET /repo: repositories of the caller's workspaces, each
// with its attached configurations (the SDK's aiLlms field).
func (s *Server) listRepos(w http.ResponseWriter, r *http.Request, u *User) {
	wsID := r.URL.Query().Get("workspaceId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.workspaceFilterAllowed(w, u, wsID) {
		return
	}
	out := []map[string]any{}
	for _, rp := range s.repos {
		if wsID != "" && rp.WorkspaceID != wsID {
			continue
		}
		ws := s.findWorkspace(rp.WorkspaceID)
		if ws == nil {
			continue
		}
		if _, ok := visible(ws, u); !ok {
			continue
		}
		llms := []map[string]any{}
		for _, id := range rp.LLMIDs {
			if l := s.findLLM(id); l != nil {
				llms = append(llms, map[string]any{"aiLlmId": id, "aiLlm": s.llmJSON(l)})
			}
		}
		out = append(out, map[string]any{
			"id": rp.ID, "name": rp.Name, "storageType": "S3", "mode": "NORMAL", "workspaceId": rp.WorkspaceID,
			"buckets": []any{}, "aiLlms": llms, "createdAt": iso(rp.CreatedAt), "disabled": false,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "repos": out})
}

// repoName returns a repository's name; s.mu held.
func (s *Server) repoName(id string) string {
	i := slices.IndexFunc(s.repos, func(r *Repo) bool { return r.ID == id })
	if i < 0 {
		return ""
	}
	return s.repos[i].Name
}

// workspaceFilterAllowed checks a ?workspaceId= filter the way the API
// does: an unknown workspace and one the caller is not a member of both get
// 403 "Access denied to workspace" (written here). "" means no filter.
// The caller holds s.mu.
func (s *Server) workspaceFilterAllowed(w http.ResponseWriter, u *User, wsID string) bool {
	if wsID == "" {
		return true
	}
	if ws := s.findWorkspace(wsID); ws != nil {
		if _, ok := visible(ws, u); ok {
			return true
		}
	}
	writeError(w, http.StatusForbidden, "Access denied to workspace")
	return false
}
