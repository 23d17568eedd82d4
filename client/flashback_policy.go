package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Scope is the level a policy applies at. Lower levels add rules; they
// cannot override higher ones.
type Scope int

// Policy scopes.
const (
	// ScopeOrganization applies to every workspace and repository.
	ScopeOrganization Scope = iota
	// ScopeWorkspace applies to every repository of a workspace.
	ScopeWorkspace
	// ScopeRepository applies to one repository.
	ScopeRepository
)

// String returns "organization", "workspace" or "repository" (the words
// PRODUCT §6 uses for policy.flashback_block).
func (s Scope) String() string {
	switch s {
	case ScopeWorkspace:
		return "workspace"
	case ScopeRepository:
		return "repository"
	}
	return "organization"
}

// Action is what a policy does on a match.
type Action int

// Policy actions (the API's actionType integers).
const (
	// ActionLog only records the violation.
	ActionLog Action = 0
	// ActionAlert records it and notifies admins.
	ActionAlert Action = 1
	// ActionBlock stops the call and notifies admins.
	ActionBlock Action = 2
)

// String returns "log", "alert" or "block".
func (a Action) String() string {
	switch a {
	case ActionAlert:
		return "alert"
	case ActionBlock:
		return "block"
	case ActionLog:
		return "log"
	}
	return "action " + strconv.Itoa(int(a))
}

// Policy is an AI policy: a natural-language rule evaluated on AI traffic.
type Policy struct {
	ID, OrgID, Name string
	// Content is the rule text.
	Content string
	// Risk is LOW, MEDIUM or HIGH.
	Risk string
	// Action is what happens on a match.
	Action Action
	// Scope follows from WorkspaceID and RepoID.
	Scope Scope
	// WorkspaceID/WorkspaceName and RepoID/RepoName locate the scope.
	WorkspaceID, WorkspaceName, RepoID, RepoName string
	// CreatedAt and UpdatedAt are zero when the API did not say.
	CreatedAt, UpdatedAt time.Time
}

type wirePolicy struct {
	ID          string  `json:"id"`
	OrgID       string  `json:"orgId"`
	Name        string  `json:"name"`
	Content     string  `json:"content"`
	RiskType    string  `json:"riskType"`
	ActionType  int     `json:"actionType"`
	WorkspaceID *string `json:"workspaceId"`
	RepoID      *string `json:"repoId"`
	Workspace   *struct {
		Name string `json:"name"`
	} `json:"workspace"`
	Repo *struct {
		Name string `json:"name"`
	} `json:"repo"`
	CreatedAt     string `json:"createdAt"`
	LastUpdatedAt string `json:"lastUpdatedAt"`
}

func (w *wirePolicy) policy() Policy {
	p := Policy{ID: clean(w.ID), OrgID: clean(w.OrgID), Name: clean(w.Name), Content: clean(w.Content),
		Risk: clean(w.RiskType), Action: Action(w.ActionType),
		CreatedAt: parseTime(w.CreatedAt), UpdatedAt: parseTime(w.LastUpdatedAt)}
	if w.WorkspaceID != nil && *w.WorkspaceID != "" {
		p.WorkspaceID, p.Scope = clean(*w.WorkspaceID), ScopeWorkspace
	}
	if w.RepoID != nil && *w.RepoID != "" {
		p.RepoID, p.Scope = clean(*w.RepoID), ScopeRepository
	}
	if w.Workspace != nil {
		p.WorkspaceName = clean(w.Workspace.Name)
	}
	if w.Repo != nil {
		p.RepoName = clean(w.Repo.Name)
	}
	return p
}

// PolicyQuery selects one scope level, as GET /policy does: OrgID only
// gives organisation-level policies, with WorkspaceID workspace-level
// ones, with RepoID too repository-level ones.
type PolicyQuery struct {
	// OrgID is the organisation; "" means the signed-in user's.
	OrgID string
	// WorkspaceID and RepoID narrow the level.
	WorkspaceID, RepoID string
}

// Policies returns the policies of one scope level.
func (c *Client) Policies(ctx context.Context, q PolicyQuery) ([]Policy, error) {
	ps, err := c.policies(ctx, q)
	return ps, c.seal(err)
}

func (c *Client) policies(ctx context.Context, q PolicyQuery) ([]Policy, error) {
	op := "list policies"
	if q.OrgID == "" {
		org, err := c.orgID(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		q.OrgID = org
	}
	v := url.Values{"orgId": {q.OrgID}}
	switch {
	case q.RepoID != "":
		op += " of repository " + q.RepoID
		v.Set("workspaceId", q.WorkspaceID)
		v.Set("repoId", q.RepoID)
	case q.WorkspaceID != "":
		op += " of workspace " + q.WorkspaceID
		v.Set("workspaceId", q.WorkspaceID)
	default:
		op += " of the organisation"
	}
	var ans struct {
		envelope
		Policies []wirePolicy `json:"policies"`
	}
	if _, err := c.do(ctx, &call{op: op, method: http.MethodGet, path: "/policy", query: v, auth: true, retry: true}, &ans); err != nil {
		return nil, err
	}
	out := make([]Policy, len(ans.Policies))
	for i := range ans.Policies {
		out[i] = ans.Policies[i].policy()
	}
	return out, nil
}

// ApplicablePolicies returns every policy that applies to a configuration
// in workspaceID attached to the repositories repoIDs: organisation level,
// workspace level and each repository's level, in that order.
func (c *Client) ApplicablePolicies(ctx context.Context, workspaceID string, repoIDs []string) ([]Policy, error) {
	all, err := c.policies(ctx, PolicyQuery{})
	if err != nil {
		return nil, c.seal(err)
	}
	if workspaceID == "" {
		return all, nil
	}
	ws, err := c.policies(ctx, PolicyQuery{WorkspaceID: workspaceID})
	if err != nil {
		return nil, c.seal(err)
	}
	all = append(all, ws...)
	for _, r := range repoIDs {
		rp, err := c.policies(ctx, PolicyQuery{WorkspaceID: workspaceID, RepoID: r})
		if err != nil {
			return nil, c.seal(err)
		}
		all = append(all, rp...)
	}
	return all, nil
}

// Violation is one policy violation.
type Violation struct {
	ID, PolicyID, PolicyName string
	// At is when it happened.
	At time.Time
	// Explanation says why the policy matched.
	Explanation string
	// Severity is LOW, MEDIUM, HIGH or "".
	Severity string
	// Blocked is true when the call was stopped.
	Blocked bool
	// Where and who.
	RepoID, RepoName, UserID, UserName string
	// LLMType, LLMModel and Host describe the call.
	LLMType, LLMModel, Host string
}

type wireViolation struct {
	ID          string  `json:"id"`
	PolicyID    string  `json:"policyId"`
	PolicyName  string  `json:"policyName"`
	Timestamp   string  `json:"timestamp"`
	Explanation string  `json:"explanation"`
	Severity    *string `json:"severity"`
	Block       bool    `json:"block"`
	RepoID      string  `json:"repoId"`
	RepoName    string  `json:"repoName"`
	UserID      any     `json:"userId"`
	UserName    string  `json:"userName"`
	LLMType     string  `json:"llmType"`
	LLMModel    string  `json:"llmModel"`
	Host        string  `json:"host"`
}

// ViolationQuery filters violations. The zero value asks for all
// violations the user may see, newest first.
type ViolationQuery struct {
	WorkspaceID, RepoID, PolicyID string
	// From and To bound the time range; zero means open.
	From, To time.Time
	// Blocked, when set, asks only for blocked (true) or non-blocked
	// (false) violations.
	Blocked *bool
	// Limit caps how many are fetched; 0 means MaxViolations.
	Limit int
}

// Paging limits of GET /policy/violations.
const (
	// violationPage is the API's maximum take.
	violationPage = 100
	// MaxViolations caps what Violations fetches when no Limit is given,
	// to bound time and memory for a busy organisation.
	MaxViolations = 5000
)

// Violations pages through GET /policy/violations (at most 100 per
// request, the API's limit) and returns what it found plus the total the
// API reported, which may be larger than len(result) when Limit cut the
// list short.
func (c *Client) Violations(ctx context.Context, q ViolationQuery) ([]Violation, int, error) {
	limit := q.Limit
	if limit <= 0 || limit > MaxViolations {
		limit = MaxViolations
	}
	v := url.Values{}
	for k, s := range map[string]string{"workspaceId": q.WorkspaceID, "repoId": q.RepoID, "policyId": q.PolicyID} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if !q.From.IsZero() {
		v.Set("from", q.From.UTC().Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.UTC().Format(time.RFC3339))
	}
	if q.Blocked != nil {
		v.Set("block", strconv.FormatBool(*q.Blocked))
	}
	var out []Violation
	seen := map[string]bool{}
	total := 0
	for skip := 0; len(out) < limit; {
		take := min(violationPage, limit-len(out))
		v.Set("skip", strconv.Itoa(skip))
		v.Set("take", strconv.Itoa(take))
		var ans struct {
			envelope
			Violations []wireViolation `json:"violations"`
			Total      int             `json:"total"`
		}
		op := fmt.Sprintf("list policy violations (from %d)", skip)
		if _, err := c.do(ctx, &call{op: op, method: http.MethodGet, path: "/policy/violations", query: v, auth: true, retry: true}, &ans); err != nil {
			return nil, 0, c.seal(err)
		}
		total = max(ans.Total, skip+len(ans.Violations))
		if len(ans.Violations) > 0 && seen[ans.Violations[0].ID] {
			break // the server ignored skip and sent a page again
		}
		for _, w := range ans.Violations {
			if len(out) == limit {
				break
			}
			seen[w.ID] = true
			out = append(out, w.violation())
		}
		skip += len(ans.Violations)
		// Stop on an empty page or at the reported total: a server that
		// ignores skip must not keep us looping.
		if len(ans.Violations) == 0 || skip >= ans.Total {
			break
		}
	}
	return out, total, nil
}

func (w *wireViolation) violation() Violation {
	v := Violation{ID: clean(w.ID), PolicyID: clean(w.PolicyID), PolicyName: clean(w.PolicyName),
		At: parseTime(w.Timestamp), Explanation: clean(w.Explanation), Blocked: w.Block,
		RepoID: clean(w.RepoID), RepoName: clean(w.RepoName), UserID: claimString(w.UserID), UserName: clean(w.UserName),
		LLMType: clean(w.LLMType), LLMModel: clean(w.LLMModel), Host: clean(w.Host)}
	if w.Severity != nil {
		v.Severity = strings.ToUpper(clean(*w.Severity))
	}
	return v
}
