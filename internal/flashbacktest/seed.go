package flashbacktest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Workspace roles, as the API spells them.
const (
	RoleRead  = "READ"
	RoleWrite = "WRITE"
	RoleAdmin = "ADMIN"
)

// Org is an organisation.
type Org struct {
	ID, Name string
}

// User is an account. Password is compared as is; MFASecret, when set, is
// the base32 TOTP secret of a second factor (see TOTP).
type User struct {
	ID, Email, Password string
	Name, LastName      string
	OrgID               string
	// OrgRole is the organisation role (0 user … 0xff owner).
	OrgRole int
	// Inactive accounts are refused with USER_INACTIVE.
	Inactive bool
	// NoPassword accounts (OAuth sign-up) are refused with
	// NO_PASSWORD_SET.
	NoPassword bool
	// MFASecret enables the second factor.
	MFASecret string
}

// Member is a user's role in a workspace.
type Member struct {
	UserID string
	// Role is RoleRead, RoleWrite or RoleAdmin.
	Role string
}

// Workspace is a workspace of an organisation.
type Workspace struct {
	ID, Name, OrgID string
	Members         []Member
}

// LLM is a stored AI LLM configuration, secret included (the simulator
// keeps it; the API never returns it).
type LLM struct {
	ID, OrgID, WorkspaceID, UserID string
	Name                           string
	// AIType is OPENAI, GOOGLE, ANTHROPIC, AWS or OTHER.
	AIType   string
	Endpoint string
	Key      string
	Secret   string
	// CreatedAt defaults to the load time.
	CreatedAt time.Time
	// Validated marks a configuration that passed validation (listed by
	// GET /ai/llm/available). Changing credentials or the endpoint clears
	// it.
	Validated bool
}

// Repo is a repository; LLMIDs are the configurations attached to it.
type Repo struct {
	ID, Name, WorkspaceID string
	LLMIDs                []string
	CreatedAt             time.Time
}

// Policy is an AI policy. WorkspaceID and RepoID set its scope: both empty
// for the organisation, WorkspaceID for a workspace, both for a repository.
type Policy struct {
	ID, OrgID, WorkspaceID, RepoID string
	Name, Content                  string
	// Risk is LOW, MEDIUM or HIGH.
	Risk string
	// Action is 0 log, 1 alert, 2 block.
	Action int
	// CreatedBy is a user id.
	CreatedBy string
	CreatedAt time.Time
}

// Violation is one policy violation. WorkspaceID decides who may see it;
// LLMID (optional) ties it to a configuration's counters.
type Violation struct {
	ID, PolicyID, WorkspaceID, RepoID, UserID, LLMID string
	At                                               time.Time
	Explanation                                      string
	// Severity is LOW, MEDIUM, HIGH or "".
	Severity                string
	Block                   bool
	LLMType, LLMModel, Host string
}

// Stats are a configuration's usage counters.
type Stats struct {
	LLMID                                                    string
	APICalls, TokensIn, TokensOut, LLMTokensIn, LLMTokensOut uint64
	PolicyViolations, Alerts, Blocks                         uint64
}

// Seed is a batch of objects for Load. Missing ids are generated.
type Seed struct {
	Orgs       []Org
	Users      []User
	Workspaces []Workspace
	LLMs       []LLM
	Repos      []Repo
	Policies   []Policy
	Violations []Violation
	Stats      []Stats
}

// Load adds a seed to the server, checking every reference (a workspace's
// organisation, a member's user, a configuration's workspace, …) against
// what is loaded already or in the same seed. Nothing is added on error.
func (s *Server) Load(seed Seed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	orgs := cloneMap(s.orgs)
	users := cloneMap(s.users)
	ws := index(s.workspaces, func(w *Workspace) string { return w.ID })
	llms := index(s.llms, func(l *LLM) string { return l.ID })
	repos := index(s.repos, func(r *Repo) string { return r.ID })
	pols := index(s.policies, func(p *Policy) string { return p.ID })

	var nWS []*Workspace
	var nLLM []*LLM
	var nRepo []*Repo
	var nPol []*Policy
	var nViol []*Violation
	for _, o := range seed.Orgs {
		o.ID = orID(o.ID)
		orgs[o.ID] = &o
	}
	emails := map[string]bool{}
	for _, u := range users {
		emails[strings.ToLower(u.Email)] = true
	}
	for _, u := range seed.Users {
		u.ID = orID(u.ID)
		switch {
		case u.Email == "":
			return errors.New("load: a user needs an email")
		case emails[strings.ToLower(u.Email)]:
			return fmt.Errorf("load: user %s exists", u.Email)
		case u.OrgID != "" && orgs[u.OrgID] == nil:
			return fmt.Errorf("load: user %s: no organisation %s", u.Email, u.OrgID)
		}
		emails[strings.ToLower(u.Email)] = true
		users[u.ID] = &u
	}
	for _, w := range seed.Workspaces {
		w.ID = orID(w.ID)
		if orgs[w.OrgID] == nil {
			return fmt.Errorf("load: workspace %s: no organisation %q", w.Name, w.OrgID)
		}
		for _, m := range w.Members {
			if users[m.UserID] == nil {
				return fmt.Errorf("load: workspace %s: no user %q", w.Name, m.UserID)
			}
			if m.Role != RoleRead && m.Role != RoleWrite && m.Role != RoleAdmin {
				return fmt.Errorf("load: workspace %s: role %q", w.Name, m.Role)
			}
		}
		w.Members = slices.Clone(w.Members)
		ws[w.ID] = &w
		nWS = append(nWS, &w)
	}
	for _, l := range seed.LLMs {
		l.ID = orID(l.ID)
		w := ws[l.WorkspaceID]
		if w == nil {
			return fmt.Errorf("load: ai llm %s: no workspace %q", l.Name, l.WorkspaceID)
		}
		if !validType(l.AIType) {
			return fmt.Errorf("load: ai llm %s: type %q", l.Name, l.AIType)
		}
		for _, o := range llms {
			if o.WorkspaceID == l.WorkspaceID && sameName(o.Name, l.Name) {
				return fmt.Errorf("load: ai llm %s: name taken in workspace %s", l.Name, w.Name)
			}
		}
		if l.OrgID == "" {
			l.OrgID = w.OrgID
		}
		if l.CreatedAt.IsZero() {
			l.CreatedAt = now
		}
		llms[l.ID] = &l
		nLLM = append(nLLM, &l)
	}
	for _, r := range seed.Repos {
		r.ID = orID(r.ID)
		if ws[r.WorkspaceID] == nil {
			return fmt.Errorf("load: repo %s: no workspace %q", r.Name, r.WorkspaceID)
		}
		for _, id := range r.LLMIDs {
			if l := llms[id]; l == nil || l.WorkspaceID != r.WorkspaceID {
				return fmt.Errorf("load: repo %s: no ai llm %q in its workspace", r.Name, id)
			}
		}
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		r.LLMIDs = slices.Clone(r.LLMIDs)
		repos[r.ID] = &r
		nRepo = append(nRepo, &r)
	}
	for _, p := range seed.Policies {
		p.ID = orID(p.ID)
		if orgs[p.OrgID] == nil {
			return fmt.Errorf("load: policy %s: no organisation %q", p.Name, p.OrgID)
		}
		if p.WorkspaceID != "" && ws[p.WorkspaceID] == nil {
			return fmt.Errorf("load: policy %s: no workspace %q", p.Name, p.WorkspaceID)
		}
		if p.RepoID != "" && (repos[p.RepoID] == nil || repos[p.RepoID].WorkspaceID != p.WorkspaceID) {
			return fmt.Errorf("load: policy %s: repo %q is not in workspace %q", p.Name, p.RepoID, p.WorkspaceID)
		}
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		pols[p.ID] = &p
		nPol = append(nPol, &p)
	}
	for _, v := range seed.Violations {
		v.ID = orID(v.ID)
		if pols[v.PolicyID] == nil {
			return fmt.Errorf("load: violation: no policy %q", v.PolicyID)
		}
		if ws[v.WorkspaceID] == nil {
			return fmt.Errorf("load: violation: no workspace %q", v.WorkspaceID)
		}
		if v.RepoID != "" && repos[v.RepoID] == nil {
			return fmt.Errorf("load: violation: no repo %q", v.RepoID)
		}
		nViol = append(nViol, &v)
	}
	for _, st := range seed.Stats {
		if llms[st.LLMID] == nil {
			return fmt.Errorf("load: stats: no ai llm %q", st.LLMID)
		}
	}

	s.orgs, s.users = orgs, users
	s.workspaces = append(s.workspaces, nWS...)
	s.llms = append(s.llms, nLLM...)
	s.repos = append(s.repos, nRepo...)
	s.policies = append(s.policies, nPol...)
	s.violations = append(s.violations, nViol...)
	for _, st := range seed.Stats {
		s.stats[st.LLMID] = &st
	}
	return nil
}

func orID(id string) string {
	if id == "" {
		return newID()
	}
	return id
}

func cloneMap[T any](m map[string]*T) map[string]*T {
	out := make(map[string]*T, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func index[T any](list []*T, key func(*T) string) map[string]*T {
	out := make(map[string]*T, len(list))
	for _, v := range list {
		out[key(v)] = v
	}
	return out
}

// LLMs returns a copy of every stored configuration, secrets included.
func (s *Server) LLMs() []LLM {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]LLM, len(s.llms))
	for i, l := range s.llms {
		out[i] = *l
	}
	return out
}

// LLM returns a copy of one stored configuration, secret included.
func (s *Server) LLM(id string) (LLM, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.findLLM(id); l != nil {
		return *l, true
	}
	return LLM{}, false
}

// UserByEmail returns a copy of a user (tests: its id).
func (s *Server) UserByEmail(email string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByEmail(email); u != nil {
		return *u, true
	}
	return User{}, false
}

// AttachLLM attaches a configuration to a repository of its workspace
// (the UI does this through PUT /repo, which is not simulated).
func (s *Server) AttachLLM(repoID, llmID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.findLLM(llmID)
	for _, r := range s.repos {
		if r.ID != repoID {
			continue
		}
		if l == nil || l.WorkspaceID != r.WorkspaceID {
			return fmt.Errorf("attach: no ai llm %q in the repository's workspace", llmID)
		}
		if !slices.Contains(r.LLMIDs, llmID) {
			r.LLMIDs = append(r.LLMIDs, llmID)
		}
		return nil
	}
	return fmt.Errorf("attach: no repo %q", repoID)
}

// DetachLLM removes a configuration from every repository.
func (s *Server) DetachLLM(llmID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.repos {
		r.LLMIDs = slices.DeleteFunc(r.LLMIDs, func(id string) bool { return id == llmID })
	}
}

func (s *Server) findLLM(id string) *LLM {
	for _, l := range s.llms {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func (s *Server) findWorkspace(id string) *Workspace {
	for _, w := range s.workspaces {
		if w.ID == id {
			return w
		}
	}
	return nil
}

func (s *Server) userByEmail(email string) *User {
	for _, u := range s.users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u
		}
	}
	return nil
}

// role returns u's role in w, or "" when u is not a member.
func role(w *Workspace, userID string) string {
	for _, m := range w.Members {
		if m.UserID == userID {
			return m.Role
		}
	}
	return ""
}

func canWrite(r string) bool { return r == RoleWrite || r == RoleAdmin }

func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func validType(t string) bool {
	switch t {
	case "OPENAI", "GOOGLE", "ANTHROPIC", "AWS", "OTHER":
		return true
	}
	return false
}
