package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fbllm/fbllm/assets"
)

// LLM is an AI LLM configuration as Flashback returns it. The secret is
// never part of it: the platform cannot return it.
type LLM struct {
	// ID is the configuration's id.
	ID string
	// OrgID and WorkspaceID say where it lives; UserID who created it.
	OrgID, WorkspaceID, UserID string
	// Name is unique within the workspace (case-insensitively).
	Name string
	// AIType is the provider family.
	AIType assets.AIType
	// Endpoint is the provider base URL.
	Endpoint string
	// MaskedKey is the key as the API returns it: "" when null, otherwise
	// masked by the server (PRODUCT §5 passes it through as
	// keyFingerprint).
	MaskedKey string
	// APIKeyID references a stored provider credential, if one is used.
	APIKeyID string
	// CreatedAt is zero when the API did not say.
	CreatedAt time.Time
	// Repos are the repositories the configuration is attached to.
	Repos []RepoRef
}

// RepoRef is a repository as listed inside an LLM.
type RepoRef struct {
	ID, Name  string
	CreatedAt time.Time
}

// wireLLM is the AiLlm DTO.
type wireLLM struct {
	ID          string  `json:"id"`
	OrgID       string  `json:"orgId"`
	WorkspaceID string  `json:"workspaceId"`
	UserID      string  `json:"userId"`
	Name        string  `json:"name"`
	AIType      string  `json:"aiType"`
	Endpoint    *string `json:"endpoint"`
	Key         *string `json:"key"`
	APIKeyID    *string `json:"apiKeyId"`
	CreatedAt   string  `json:"createdAt"`
	Repos       []struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		CreatedAt string `json:"createdAt"`
	} `json:"repos"`
}

func (w *wireLLM) llm() LLM {
	l := LLM{
		ID:          clean(w.ID),
		OrgID:       clean(w.OrgID),
		WorkspaceID: clean(w.WorkspaceID),
		UserID:      clean(w.UserID),
		Name:        clean(w.Name),
		AIType:      assets.AIType(clean(w.AIType)),
		CreatedAt:   parseTime(w.CreatedAt),
	}
	if w.Endpoint != nil {
		l.Endpoint = clean(*w.Endpoint)
	}
	if w.Key != nil {
		l.MaskedKey = clean(*w.Key)
	}
	if w.APIKeyID != nil {
		l.APIKeyID = clean(*w.APIKeyID)
	}
	if len(w.Repos) > 0 {
		l.Repos = make([]RepoRef, len(w.Repos))
		for i, r := range w.Repos {
			l.Repos[i] = RepoRef{ID: clean(r.ID), Name: clean(r.Name), CreatedAt: parseTime(r.CreatedAt)}
		}
	}
	return l
}

// parseTime reads an ISO-8601 timestamp; anything else is the zero time
// (timestamps are informational, never worth failing a list for).
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return expiryFromField(n, time.Time{})
	}
	return time.Time{}
}

// llmList is GET /ai/llm's and GET /ai/llm/available's answer.
type llmList struct {
	envelope
	AILLMs []wireLLM `json:"aiLlms"`
}

func (l *llmList) llms() []LLM {
	out := make([]LLM, len(l.AILLMs))
	for i := range l.AILLMs {
		out[i] = l.AILLMs[i].llm()
	}
	return out
}

// ListLLMs returns the configurations of a workspace, or of every
// workspace the user can reach when workspaceID is "".
func (c *Client) ListLLMs(ctx context.Context, workspaceID string) ([]LLM, error) {
	op := "list ai llms"
	var q url.Values
	if workspaceID != "" {
		op += " of workspace " + workspaceID
		q = url.Values{"workspaceId": {workspaceID}}
	}
	var ans llmList
	_, err := c.do(ctx, &call{op: op, method: http.MethodGet, path: "/ai/llm", query: q, auth: true, retry: true}, &ans)
	if err != nil {
		return nil, c.seal(err)
	}
	return ans.llms(), nil
}

// AvailableLLMs returns the configurations that passed validation and can
// be attached to repositories, newest first, across workspaces (the API
// has no workspace filter here; filter by WorkspaceID).
func (c *Client) AvailableLLMs(ctx context.Context) ([]LLM, error) {
	var ans llmList
	_, err := c.do(ctx, &call{op: "list available ai llms", method: http.MethodGet, path: "/ai/llm/available", auth: true, retry: true}, &ans)
	if err != nil {
		return nil, c.seal(err)
	}
	return ans.llms(), nil
}

// GetLLM returns one configuration by id. The API has no single-item read,
// so it lists every reachable workspace; ErrNotFound when none has it.
func (c *Client) GetLLM(ctx context.Context, id string) (LLM, error) {
	all, err := c.ListLLMs(ctx, "")
	if err != nil {
		return LLM{}, err
	}
	for _, l := range all {
		if l.ID == id {
			return l, nil
		}
	}
	return LLM{}, c.seal(fmt.Errorf("get ai llm %s: in no workspace you can reach: %w", id, ErrNotFound))
}

// NewLLM is a configuration to create.
type NewLLM struct {
	// WorkspaceID is required: the API has no current workspace.
	WorkspaceID string
	// Name, AIType, Endpoint and Secret are required.
	Name     string
	AIType   assets.AIType
	Endpoint string
	// Key is optional (AWS: the access key ID).
	Key string
	// Secret is write-only: sent once, never returned.
	Secret string
}

// createBody is CreateAiLlmRequest; optional fields are omitted when empty
// because the schema forbids unknown and rejects empty values.
type createBody struct {
	Name        string `json:"name"`
	AIType      string `json:"aiType"`
	Endpoint    string `json:"endpoint"`
	Key         string `json:"key,omitempty"`
	Secret      string `json:"secret"`
	WorkspaceID string `json:"workspaceId"`
}

type createAnswer struct {
	envelope
	AILLMID string `json:"aiLlmId"`
}

// CreateLLM creates a configuration and returns it (built from the input
// and the new id; the secret is not in it).
//
// A create is never retried blindly: if the answer is lost (connection
// cut, timeout, 5xx), the workspace is listed and a configuration with the
// same name, type and endpoint is taken as this one — the server stored it
// before the answer got lost. Only when none is there is the request sent
// once more. A same-named configuration with another type or endpoint is
// reported as ErrDuplicateName.
func (c *Client) CreateLLM(ctx context.Context, in NewLLM) (LLM, error) {
	l, err := c.createLLM(ctx, in)
	return l, c.seal(err, in.Secret, in.Key)
}

func (c *Client) createLLM(ctx context.Context, in NewLLM) (LLM, error) {
	op := fmt.Sprintf("create ai llm %q", in.Name)
	if err := checkNew(in); err != nil {
		return LLM{}, fmt.Errorf("%s: %w", op, err)
	}
	c.remember(in.Secret, in.Key)
	body := createBody{Name: in.Name, AIType: string(in.AIType), Endpoint: in.Endpoint, Key: in.Key,
		Secret: in.Secret, WorkspaceID: in.WorkspaceID}
	cl := &call{op: op, method: http.MethodPost, path: "/ai/llm", body: body, auth: true,
		secrets: []string{in.Secret, in.Key}}
	for try := 1; ; try++ {
		var ans createAnswer
		_, err := c.do(ctx, cl, &ans)
		if err == nil {
			if ans.AILLMID == "" {
				return LLM{}, &APIError{Op: op, Status: http.StatusOK, kind: ErrBadResponse, Message: "the answer carries no id"}
			}
			return created(in, clean(ans.AILLMID)), nil
		}
		markDuplicate(err)
		if !ambiguous(err) || ctx.Err() != nil {
			return LLM{}, err
		}
		existing, found, lerr := c.findCreated(ctx, in)
		switch {
		case errors.Is(lerr, ErrDuplicateName):
			return LLM{}, lerr
		case lerr != nil:
			// The create's error decides what the user is told; the failed
			// lookup is context only, so it is not wrapped.
			return LLM{}, fmt.Errorf("%w (checking whether it was created anyway also failed: %v)", err, lerr) //nolint:errorlint // see above
		case found:
			return existing, nil
		case try >= 2:
			return LLM{}, err
		}
	}
}

// created is the LLM a successful create describes.
func created(in NewLLM, id string) LLM {
	return LLM{ID: id, WorkspaceID: in.WorkspaceID, Name: in.Name, AIType: in.AIType, Endpoint: in.Endpoint}
}

// ambiguous reports whether a failed request may nevertheless have been
// carried out: no answer, or a 5xx.
func ambiguous(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrServer) || errors.Is(err, ErrBadResponse)
}

// findCreated looks for the configuration a lost create may have stored.
func (c *Client) findCreated(ctx context.Context, in NewLLM) (LLM, bool, error) {
	all, err := c.ListLLMs(ctx, in.WorkspaceID)
	if err != nil {
		return LLM{}, false, err
	}
	for _, l := range all {
		if !strings.EqualFold(strings.TrimSpace(l.Name), strings.TrimSpace(in.Name)) {
			continue
		}
		if l.AIType != in.AIType || strings.TrimRight(l.Endpoint, "/") != strings.TrimRight(in.Endpoint, "/") {
			return LLM{}, false, &APIError{Op: fmt.Sprintf("create ai llm %q", in.Name), Status: http.StatusBadRequest,
				kind: ErrDuplicateName, Message: fmt.Sprintf("the workspace already has %q with another type or endpoint", l.Name)}
		}
		return l, true, nil
	}
	return LLM{}, false, nil
}

// checkNew refuses a create the API would reject, before anything is sent.
func checkNew(in NewLLM) error {
	switch {
	case strings.TrimSpace(in.WorkspaceID) == "":
		return fmt.Errorf("workspace id is required: %w", ErrBadRequest)
	case strings.TrimSpace(in.Name) == "":
		return fmt.Errorf("name is required: %w", ErrBadRequest)
	case !in.AIType.Valid():
		return fmt.Errorf("unknown ai type %q: %w", in.AIType, ErrBadRequest)
	case !httpURL(in.Endpoint):
		return fmt.Errorf("endpoint must be an http(s) URL: %w", ErrBadRequest)
	case in.Secret == "":
		return fmt.Errorf("secret is required: %w", ErrBadRequest)
	}
	return nil
}

func httpURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// markDuplicate reclassifies a 400/409 whose message says the name is
// taken; the API documents no code for it ([U]).
func markDuplicate(err error) {
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusConflict || ae.Status == http.StatusOK) &&
		(ae.Status == http.StatusConflict || duplicateMessage.MatchString(ae.Message)) {
		ae.kind = ErrDuplicateName
	}
}

// LLMPatch lists the fields of an update; nil fields are left unchanged and
// are not sent (PUT /ai/llm/{id} is a partial update).
type LLMPatch struct {
	// Name renames the configuration.
	Name *string
	// AIType changes the provider family.
	AIType *assets.AIType
	// Endpoint changes the base URL.
	Endpoint *string
	// Key replaces the key; a pointer to "" removes it (sent as null).
	Key *string
	// Secret replaces the secret; it must not be empty. Leave it nil to
	// keep the stored one — the platform never returns it.
	Secret *string
}

// IsZero reports whether the patch changes nothing.
func (p LLMPatch) IsZero() bool {
	return p.Name == nil && p.AIType == nil && p.Endpoint == nil && p.Key == nil && p.Secret == nil
}

// body renders the patch as UpdateAiLlmRequest.
func (p LLMPatch) body() (map[string]any, error) {
	b := map[string]any{}
	if p.Name != nil {
		if strings.TrimSpace(*p.Name) == "" {
			return nil, fmt.Errorf("name must not be empty: %w", ErrBadRequest)
		}
		b["name"] = *p.Name
	}
	if p.AIType != nil {
		if !p.AIType.Valid() {
			return nil, fmt.Errorf("unknown ai type %q: %w", *p.AIType, ErrBadRequest)
		}
		b["aiType"] = string(*p.AIType)
	}
	if p.Endpoint != nil {
		if !httpURL(*p.Endpoint) {
			return nil, fmt.Errorf("endpoint must be an http(s) URL: %w", ErrBadRequest)
		}
		b["endpoint"] = *p.Endpoint
	}
	if p.Key != nil {
		if *p.Key == "" {
			b["key"] = nil
		} else {
			b["key"] = *p.Key
		}
	}
	if p.Secret != nil {
		if *p.Secret == "" {
			return nil, fmt.Errorf("a new secret must not be empty (leave it unset to keep the stored one): %w", ErrBadRequest)
		}
		b["secret"] = *p.Secret
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("nothing to change: %w", ErrBadRequest)
	}
	return b, nil
}

// UpdateLLM changes the fields set in p, and only those.
func (c *Client) UpdateLLM(ctx context.Context, id string, p LLMPatch) error {
	var secrets []string
	if p.Secret != nil {
		secrets = append(secrets, *p.Secret)
	}
	if p.Key != nil {
		secrets = append(secrets, *p.Key)
	}
	op := "update ai llm " + id
	body, err := p.body()
	if err != nil {
		return c.seal(fmt.Errorf("%s: %w", op, err), secrets...)
	}
	c.remember(secrets...)
	_, err = c.do(ctx, &call{op: op, method: http.MethodPut, path: "/ai/llm/" + url.PathEscape(id), body: body,
		auth: true, retry: true, secrets: secrets}, nil)
	markDuplicate(err)
	return c.seal(err, secrets...)
}

// DeleteLLM deletes a configuration. Flashback refuses (403) while
// repositories use it; that refusal is returned as an *InUseError naming
// them, found through the configuration's repos and GET /repo.
func (c *Client) DeleteLLM(ctx context.Context, id string) error {
	op := "delete ai llm " + id
	_, err := c.do(ctx, &call{op: op, method: http.MethodDelete, path: "/ai/llm/" + url.PathEscape(id), auth: true, retry: true}, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden {
		return c.seal(err)
	}
	if permissionMessage.MatchString(ae.Message) && !inUseMessage.MatchString(ae.Message) {
		return c.seal(err)
	}
	repos, _ := c.reposUsing(ctx, id)
	if len(repos) == 0 && !inUseMessage.MatchString(ae.Message) {
		return c.seal(err)
	}
	ae.kind = ErrInUse
	return c.seal(&InUseError{ID: id, Repos: repos, Err: ae})
}

// The wording of the two kinds of 403 on delete ([U]: only "insufficient
// permissions or configuration in use" is documented).
var (
	inUseMessage      = regexp.MustCompile(`(?i)in use|attached|used by|still (?:used|linked)|repositor`)
	permissionMessage = regexp.MustCompile(`(?i)permission|not allowed|insufficient|access denied|role`)
)

// reposUsing finds the repositories a configuration is attached to: first
// its own repos list, then the workspace's repositories.
func (c *Client) reposUsing(ctx context.Context, id string) ([]Repo, error) {
	all, err := c.ListLLMs(ctx, "")
	if err != nil {
		return nil, err
	}
	ws := ""
	for _, l := range all {
		if l.ID != id {
			continue
		}
		ws = l.WorkspaceID
		if len(l.Repos) > 0 {
			out := make([]Repo, len(l.Repos))
			for i, r := range l.Repos {
				out[i] = Repo{ID: r.ID, Name: r.Name, WorkspaceID: l.WorkspaceID}
			}
			return out, nil
		}
	}
	repos, err := c.Repos(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []Repo
	for _, r := range repos {
		for _, lid := range r.LLMIDs {
			if lid == id {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

// ValidationResult is the outcome of Flashback's own validation of a
// configuration. An HTTP 200 with success:false is a failed validation,
// not a successful call that can be ignored.
type ValidationResult struct {
	// Success is true when the provider accepted the configuration.
	Success bool
	// Message is Flashback's explanation, sanitised and redacted.
	Message string
	// ProviderStatus is the provider's HTTP status when the message
	// carries one ("… Error: 401 Unauthorized" → 401), else 0.
	ProviderStatus int
}

// Err returns nil for a successful validation and an error matching
// ErrValidationFailed otherwise.
func (r ValidationResult) Err() error {
	if r.Success {
		return nil
	}
	if r.Message == "" {
		return ErrValidationFailed
	}
	return fmt.Errorf("%w: %s", ErrValidationFailed, r.Message)
}

type validateAnswer struct {
	envelope
}

// providerStatus finds "Error: 401" (or "status 401") in a message.
var providerStatus = regexp.MustCompile(`(?i)(?:error|status)[:\s]+(\d{3})\b`)

// ValidateLLM asks Flashback to test a configuration with a real provider
// call (which may cost provider credits). It is not retried. A failed
// validation is a result with Success false, not an error; errors mean
// the validation could not run.
func (c *Client) ValidateLLM(ctx context.Context, id string) (ValidationResult, error) {
	var ans validateAnswer
	cl := &call{op: "validate ai llm " + id, method: http.MethodPost, path: "/ai/llm/" + url.PathEscape(id) + "/validate",
		auth: true, timeout: c.validateTimeout, successFalseOK: true}
	if _, err := c.do(ctx, cl, &ans); err != nil {
		return ValidationResult{}, c.seal(err)
	}
	r := ValidationResult{Success: ans.Success != nil && *ans.Success, Message: c.serverText(ans.Message)}
	if m := providerStatus.FindStringSubmatch(r.Message); m != nil {
		r.ProviderStatus, _ = strconv.Atoi(m[1])
	}
	return r, nil
}
