package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Role is a user's role in a workspace. Roles are ordered: a higher role
// can do everything a lower one can.
type Role int

// Workspace roles.
const (
	// RoleNone: not a member (an organisation admin may still see the
	// workspace).
	RoleNone Role = iota
	// RoleRead can list and view configurations.
	RoleRead
	// RoleWrite can also create, edit, validate and delete them.
	RoleWrite
	// RoleAdmin can also manage members and settings.
	RoleAdmin
)

// String returns the API's spelling (READ, WRITE, ADMIN) or "NONE".
func (r Role) String() string {
	switch r {
	case RoleRead:
		return "READ"
	case RoleWrite:
		return "WRITE"
	case RoleAdmin:
		return "ADMIN"
	}
	return "NONE"
}

// ParseRole reads the API's spelling; anything else is RoleNone.
func ParseRole(s string) Role {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "READ":
		return RoleRead
	case "WRITE":
		return RoleWrite
	case "ADMIN":
		return RoleAdmin
	}
	return RoleNone
}

// CanWrite reports whether the role may create, change or delete
// configurations.
func (r Role) CanWrite() bool { return r >= RoleWrite }

// Member is a user's membership of a workspace.
type Member struct {
	UserID      string
	Role        Role
	Name, Email string
}

// Workspace is a workspace the user can reach, with the user's own role.
type Workspace struct {
	ID, Name, OrgID string
	// Role is the signed-in user's role, from the members list.
	Role Role
	// Members is the members list as the API returned it.
	Members []Member
	// Default is the SDK's optional default flag ([S][U]).
	Default bool
}

type wireWorkspace struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	OrgID   string `json:"orgId"`
	Default bool   `json:"default"`
	Users   []struct {
		UserID any    `json:"userId"`
		Role   string `json:"role"`
		User   struct {
			Name     string `json:"name"`
			LastName string `json:"lastName"`
			Email    string `json:"email"`
		} `json:"user"`
	} `json:"users"`
}

func (w *wireWorkspace) workspace(me string) Workspace {
	ws := Workspace{ID: clean(w.ID), Name: clean(w.Name), OrgID: clean(w.OrgID), Default: w.Default}
	for _, u := range w.Users {
		m := Member{
			UserID: claimString(u.UserID),
			Role:   ParseRole(u.Role),
			Name:   clean(strings.TrimSpace(u.User.Name + " " + u.User.LastName)),
			Email:  clean(u.User.Email),
		}
		if me != "" && m.UserID == me {
			ws.Role = m.Role
		}
		ws.Members = append(ws.Members, m)
	}
	return ws
}

// Workspaces returns every workspace the user can reach, with the user's
// role in each.
func (c *Client) Workspaces(ctx context.Context) ([]Workspace, error) {
	var ans struct {
		envelope
		Workspaces []wireWorkspace `json:"workspaces"`
	}
	if _, err := c.do(ctx, &call{op: "list workspaces", method: http.MethodGet, path: "/workspace", auth: true, retry: true}, &ans); err != nil {
		return nil, c.seal(err)
	}
	me, err := c.userID(ctx)
	if err != nil {
		return nil, c.seal(fmt.Errorf("list workspaces: %w", err))
	}
	out := make([]Workspace, len(ans.Workspaces))
	for i := range ans.Workspaces {
		out[i] = ans.Workspaces[i].workspace(me)
	}
	return out, nil
}

// Workspace returns one workspace. Flashback answers 404 both for a
// missing workspace and for one the user cannot reach (ErrNotFound).
func (c *Client) Workspace(ctx context.Context, id string) (Workspace, error) {
	var ans struct {
		envelope
		Workspace wireWorkspace `json:"workspace"`
	}
	op := "get workspace " + id
	if _, err := c.do(ctx, &call{op: op, method: http.MethodGet, path: "/workspace/" + url.PathEscape(id), auth: true, retry: true}, &ans); err != nil {
		return Workspace{}, c.seal(err)
	}
	me, err := c.userID(ctx)
	if err != nil {
		return Workspace{}, c.seal(fmt.Errorf("%s: %w", op, err))
	}
	return ans.Workspace.workspace(me), nil
}

// Profile is the signed-in user's profile (GET /user/profile).
type Profile struct {
	ID, Name, LastName, Email string
	// OrgID is the user's organisation ("" when none).
	OrgID string
	// OrgRole is the organisation role (0 user … 0xff owner).
	OrgRole            int
	OrgRoleDescription string
	// Validated is false until the email address is confirmed.
	Validated bool
	// MFARequired says the account must use a second factor.
	MFARequired bool
}

// Profile returns the signed-in user's profile.
func (c *Client) Profile(ctx context.Context) (Profile, error) {
	var ans struct {
		envelope
		Data struct {
			ID                 any     `json:"id"`
			Name               string  `json:"name"`
			LastName           string  `json:"lastName"`
			Email              string  `json:"email"`
			OrgID              *string `json:"orgId"`
			OrgRole            *int    `json:"orgRole"`
			OrgRoleDescription string  `json:"orgRoleDescription"`
			Validated          bool    `json:"validated"`
			MFARequired        bool    `json:"mfaRequired"`
		} `json:"data"`
	}
	if _, err := c.do(ctx, &call{op: "get user profile", method: http.MethodGet, path: "/user/profile", auth: true, retry: true}, &ans); err != nil {
		return Profile{}, c.seal(err)
	}
	d := ans.Data
	p := Profile{ID: claimString(d.ID), Name: clean(d.Name), LastName: clean(d.LastName), Email: clean(d.Email),
		OrgRoleDescription: clean(d.OrgRoleDescription), Validated: d.Validated, MFARequired: d.MFARequired}
	if d.OrgID != nil {
		p.OrgID = clean(*d.OrgID)
	}
	if d.OrgRole != nil {
		p.OrgRole = *d.OrgRole
	}
	c.mu.Lock()
	c.sess.id = mergeIdentity(c.sess.id, Identity{UserID: p.ID, Email: p.Email, Name: strings.TrimSpace(p.Name + " " + p.LastName), OrgID: p.OrgID})
	c.mu.Unlock()
	return p, nil
}

// userID returns the signed-in user's id: from the sign-in answer or the
// token's claims, else (an opaque FLASHBACK_TOKEN) from the profile.
func (c *Client) userID(ctx context.Context) (string, error) {
	c.mu.Lock()
	id := c.sess.id.UserID
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	p, err := c.Profile(ctx)
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

// orgID returns the signed-in user's organisation, like userID.
func (c *Client) orgID(ctx context.Context) (string, error) {
	c.mu.Lock()
	id := c.sess.id.OrgID
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	p, err := c.Profile(ctx)
	if err != nil {
		return "", err
	}
	if p.OrgID == "" {
		return "", fmt.Errorf("the account belongs to no organisation: %w", ErrNotFound)
	}
	return p.OrgID, nil
}

// Repo is a repository, with the AI LLM configurations attached to it.
type Repo struct {
	ID, Name, WorkspaceID string
	// LLMIDs are the ids of the attached configurations.
	LLMIDs []string
	// Disabled is true for a disabled repository.
	Disabled bool
	// CreatedAt is zero when the API did not say.
	CreatedAt time.Time
}

type wireRepo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	WorkspaceID string `json:"workspaceId"`
	Disabled    bool   `json:"disabled"`
	CreatedAt   string `json:"createdAt"`
	AILLMs      []struct {
		AILLMID string   `json:"aiLlmId"`
		AILLM   *wireLLM `json:"aiLlm"`
	} `json:"aiLlms"`
}

// Repos returns the repositories of a workspace ("" = every reachable
// workspace).
func (c *Client) Repos(ctx context.Context, workspaceID string) ([]Repo, error) {
	op := "list repositories"
	var q url.Values
	if workspaceID != "" {
		op += " of workspace " + workspaceID
		q = url.Values{"workspaceId": {workspaceID}}
	}
	var ans struct {
		envelope
		Repos []wireRepo `json:"repos"`
	}
	if _, err := c.do(ctx, &call{op: op, method: http.MethodGet, path: "/repo", query: q, auth: true, retry: true}, &ans); err != nil {
		return nil, c.seal(err)
	}
	out := make([]Repo, len(ans.Repos))
	for i, w := range ans.Repos {
		r := Repo{ID: clean(w.ID), Name: clean(w.Name), WorkspaceID: clean(w.WorkspaceID), Disabled: w.Disabled,
			CreatedAt: parseTime(w.CreatedAt)}
		for _, a := range w.AILLMs {
			id := a.AILLMID
			if id == "" && a.AILLM != nil {
				id = a.AILLM.ID
			}
			if id != "" {
				r.LLMIDs = append(r.LLMIDs, clean(id))
			}
		}
		out[i] = r
	}
	return out, nil
}
