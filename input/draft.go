package input

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

// Field keys of the configuration form (and of InputError.Field). The UI uses them to know which field
// has focus (for live hints) and to jump back to a field that needs fixing.
const (
	FieldType     = "type"
	FieldServer   = "server" // which well-known server, under OTHER
	FieldName     = "name"
	FieldEndpoint = "endpoint"
	FieldKey      = "key"
	FieldSecret   = "secret"
	FieldConfirm  = "confirm"

	// Answers of the review step (Draft.Action).
	ActionSave = "save"
	ActionTest = "test"
	ActionBack = "back"
)

// Draft is what the user is typing into the configuration form. The form
// writes into it on every keystroke (huh binds fields to these pointers), so
// the UI can read live values for hints and keep them when a save fails and
// the form has to be rebuilt.
type Draft struct {
	Type assets.AIType
	// Server is the id of the well-known server chosen under OTHER
	// (assets.Servers), or "" for "something else".
	Server   string
	Name     string
	Endpoint string
	Key      string
	Secret   string
	Confirm  bool
	// Action is the answer of the review step: ActionSave, ActionTest or
	// ActionBack.
	Action string

	// Editing is true when the draft edits a stored configuration: an empty
	// key or secret then means "keep what is stored".
	Editing bool
	// OriginalName is the stored name when editing; it does not collide
	// with itself in the uniqueness check.
	OriginalName string
	// ExistingNames are the names already used in the target workspace.
	ExistingNames []string
	// StoredKeyFingerprint and StoredSecretFingerprint describe the stored
	// credentials when editing, so the form can say what "keep" keeps.
	StoredKeyFingerprint    string
	StoredSecretFingerprint string
	// Destination says where the configuration will be saved, in words
	// ("this machine · encrypted file keyring"). It is shown on the review
	// step so nobody types a secret without knowing where it goes.
	Destination string

	// ToFlashback is true when the configuration is saved to a Flashback
	// workspace: the platform, not this machine, then calls the endpoint,
	// so a local address (localhost, a private IP) cannot work there.
	ToFlashback bool

	// keyFromEndpoint is the secret MoveKeyFromEndpoint took out of the
	// endpoint, so the hint and the review can say where it came from.
	keyFromEndpoint string
}

// UnreachableFromFlashback is the warning for an endpoint on a local
// address saved to a Flashback workspace, "" otherwise.
func (d *Draft) UnreachableFromFlashback() string {
	if !d.ToFlashback {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(d.Endpoint))
	if err != nil || u.Hostname() == "" {
		return ""
	}
	why, local := localReason(strings.ToLower(u.Hostname()))
	if !local {
		return ""
	}
	return fmt.Sprintf("%s is %s: Flashback calls the endpoint from its own servers, where it does not lead here. Use an address Flashback can reach, or keep this configuration on this machine.", u.Host, why)
}

// MoveKeyFromEndpoint takes an API key pasted into the endpoint as ?key=
// (Gemini's examples do that) out of the URL, where it would be shown and
// stored in clear, and makes it the secret when no secret was typed yet.
// It reports whether the endpoint changed.
func (d *Draft) MoveKeyFromEndpoint() bool {
	ep, err := NormalizeEndpoint(d.Type, d.Endpoint)
	if err != nil || ep.ExtractedKey == "" {
		return false
	}
	u, err := url.Parse(strings.TrimSpace(d.Endpoint))
	if err != nil {
		return false
	}
	u.RawQuery = removeParam(u.RawQuery, "key")
	u.ForceQuery = false
	d.Endpoint = u.String()
	if strings.TrimSpace(d.Secret) == "" {
		d.Secret = ep.ExtractedKey
		d.keyFromEndpoint = ep.ExtractedKey
	}
	return true
}

// secretFromEndpoint reports whether the secret is still the one moved out
// of the endpoint.
func (d *Draft) secretFromEndpoint() bool {
	return d.keyFromEndpoint != "" && d.Secret == d.keyFromEndpoint
}

// NewDraft returns a draft for a new configuration of the first preset type
// with that type's default endpoint prefilled.
func NewDraft(existing []string, destination string) *Draft {
	d := &Draft{Type: assets.OpenAI, ExistingNames: existing, Destination: destination}
	if p, ok := assets.PresetFor(d.Type); ok {
		d.Endpoint = p.DefaultEndpoint
	}
	return d
}

// Preset returns the preset of the draft's type, or an empty one.
func (d *Draft) Preset() assets.Preset {
	p, _ := assets.PresetFor(d.Type)
	return p
}

// AsksKey reports whether the form asks for a key: only for types that use
// one (AWS's access key ID, an unknown OTHER server's optional second
// credential; the well-known servers take one key, the secret).
func (d *Draft) AsksKey() bool {
	if _, ok := d.ServerChoice(); ok {
		return false
	}
	return !d.Preset().Key.Unused
}

// ServerChoice is the well-known server chosen under OTHER, if any.
func (d *Draft) ServerChoice() (assets.Server, bool) {
	if d.Type != assets.Other || d.Server == "" {
		return assets.Server{}, false
	}
	return assets.ServerByID(d.Server)
}

// ApplyServer prefills the endpoint of the chosen server unless the user
// typed one of their own, and the name when none was typed and the
// server's is free. It reports whether anything changed.
func (d *Draft) ApplyServer() bool {
	s, ok := d.ServerChoice()
	if !ok && d.Type == assets.Other && d.endpointIsDefault() {
		// "Something else": take back what a server choice filled in.
		changed := d.Endpoint != "" || d.Name != "" && d.nameIsDefault()
		d.Endpoint = ""
		if d.nameIsDefault() {
			d.Name = ""
		}
		return changed
	}
	if !ok || !d.endpointIsDefault() || d.Endpoint == s.Endpoint {
		return false
	}
	d.Endpoint = s.Endpoint
	if d.nameIsDefault() {
		d.Name = ""
		if _, err := ValidateName(s.Label, d.ExistingNames, d.OriginalName); err == nil {
			d.Name = s.Label
		}
	}
	return true
}

// nameIsDefault reports whether the name is empty or still a server's
// label that ApplyServer put there.
func (d *Draft) nameIsDefault() bool {
	if strings.TrimSpace(d.Name) == "" {
		return true
	}
	for _, s := range assets.Servers() {
		if d.Name == s.Label {
			return true
		}
	}
	return false
}

// endpointIsDefault reports whether the endpoint is empty or still a
// prefill (a type's or a server's default), so it may be replaced.
func (d *Draft) endpointIsDefault() bool {
	if strings.TrimSpace(d.Endpoint) == "" {
		return true
	}
	for _, p := range assets.Presets() {
		if d.Endpoint == p.DefaultEndpoint {
			return true
		}
	}
	for _, s := range assets.Servers() {
		if d.Endpoint == s.Endpoint {
			return true
		}
	}
	return false
}

// ApplyTypeDefaults prefills the endpoint for a newly chosen type when the
// user has not typed one of their own (it is empty or still another type's
// default). It reports whether the endpoint changed.
func (d *Draft) ApplyTypeDefaults() bool {
	if !d.endpointIsDefault() {
		return false
	}
	want := d.Preset().DefaultEndpoint
	if d.Endpoint == want {
		return false
	}
	d.Endpoint = want
	return true
}

// Result is a validated draft: every value sanitised and normalised, with
// everything that was changed on the way, so the UI can tell the user.
type Result struct {
	Type     assets.AIType
	Name     string
	Endpoint Endpoint
	Key      Sanitized
	Secret   Sanitized
	// KeepKey and KeepSecret are true when editing and the field was left
	// empty: the stored value stays untouched.
	KeepKey    bool
	KeepSecret bool
	Hints      []Hint
}

// Notices lists every human-readable remark about the result, one line per
// subject: how the endpoint was normalised ("using X instead of Y"), what
// was removed from pasted credentials, and key-shape hints. None of them
// contains a credential.
func (r Result) Notices() []string {
	var out []string
	if s := r.Endpoint.RewriteSummary(); s != "" {
		out = append(out, "Endpoint: "+s+".")
	}
	out = append(out, prefixAll("Endpoint: ", r.Endpoint.Warnings)...)
	if len(r.Key.Removed) > 0 {
		out = append(out, "Key: removed "+joinAnd(r.Key.Removed)+".")
	}
	out = append(out, prefixAll("Key: ", r.Key.Warnings)...)
	if len(r.Secret.Removed) > 0 {
		out = append(out, "Secret: removed "+joinAnd(r.Secret.Removed)+".")
	}
	out = append(out, prefixAll("Secret: ", r.Secret.Warnings)...)
	for _, h := range r.Hints {
		out = append(out, h.Message)
	}
	return out
}

// RewriteSummary says in one sentence how the endpoint was normalised:
// "using X instead of Y (reason; reason)". It is empty when nothing changed.
func (e Endpoint) RewriteSummary() string {
	n := len(e.Rewrites)
	if n == 0 {
		return ""
	}
	reasons := make([]string, 0, n)
	for _, rw := range e.Rewrites {
		reasons = append(reasons, rw.Reason)
	}
	return fmt.Sprintf("using %s instead of %s (%s)", e.Rewrites[n-1].To, e.Rewrites[0].From, strings.Join(reasons, "; "))
}

// joinAnd joins phrases as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func prefixAll(prefix string, in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, prefix+s)
	}
	return out
}

// CheckName, CheckEndpoint, CheckKey and CheckSecret validate one field as
// the user types it. They are pure and cheap, because huh runs validators
// synchronously inside Update on every keystroke.
func (d *Draft) CheckName(s string) error {
	_, err := ValidateName(s, d.ExistingNames, d.OriginalName)
	return err
}

// CheckEndpoint validates the endpoint field for the draft's type, and
// refuses a chosen server's placeholder left in (Azure's resource name).
func (d *Draft) CheckEndpoint(s string) error {
	if srv, ok := d.ServerChoice(); ok && srv.Placeholder != "" && strings.Contains(s, srv.Placeholder) {
		return &InputError{Code: "endpoint.invalid_url", Field: FieldEndpoint, Msg: strings.ToLower(srv.EndpointHint[:1]) + strings.TrimSuffix(srv.EndpointHint[1:], ".")}
	}
	_, err := NormalizeEndpoint(d.Type, s)
	return err
}

// EndpointHint is the endpoint field's description: the chosen server's
// instruction, or the type's.
func (d *Draft) EndpointHint() string {
	if srv, ok := d.ServerChoice(); ok {
		if srv.EndpointHint != "" {
			return srv.EndpointHint
		}
		return srv.Label + "'s documented base URL; change it if yours differs."
	}
	return d.Preset().EndpointHint
}

// CheckKey validates the key field.
func (d *Draft) CheckKey(s string) error {
	_, err := SanitizeKey(s)
	return err
}

// CheckSecret validates the secret field, including the one cross-field
// rule that can only be told from the secret: AWS needs the access key ID
// unless the secret is a Bedrock API key. That error has Code
// auth.missing_key and Field FieldKey, so the UI can send the user there.
func (d *Draft) CheckSecret(s string) error {
	if d.Editing && strings.TrimSpace(s) == "" {
		return nil
	}
	clean, err := SanitizeSecret(s)
	if err != nil {
		return err
	}
	if d.Key == "" && (!d.Editing || d.StoredKeyFingerprint == "") && RequiresKey(d.Type, clean.Value) {
		return &InputError{Code: "auth.missing_key", Field: FieldKey,
			Msg: fmt.Sprintf("%s also needs the %s", d.Type, strings.ToLower(d.Preset().Key.Label))}
	}
	return nil
}

// Result validates and cleans the whole draft. It is pure and cheap, so the
// form's validators and the review step can call it on every keystroke.
func (d *Draft) Result() (Result, error) {
	r := Result{Type: d.Type}
	if !d.Type.Valid() {
		return r, &InputError{Code: "input.invalid_type", Field: FieldType, Msg: "choose an AI LLM type"}
	}
	name, err := ValidateName(d.Name, d.ExistingNames, d.OriginalName)
	if err != nil {
		return r, fieldErr(FieldName, err)
	}
	r.Name = name
	if err := d.CheckEndpoint(d.Endpoint); err != nil {
		return r, fieldErr(FieldEndpoint, err)
	}
	if r.Endpoint, err = NormalizeEndpoint(d.Type, d.Endpoint); err != nil {
		return r, fieldErr(FieldEndpoint, err)
	}
	// A key typed for another type before the type changed is not used:
	// the form no longer shows it.
	if d.AsksKey() {
		if r.Key, err = SanitizeKey(d.Key); err != nil {
			return r, fieldErr(FieldKey, err)
		}
	}
	r.KeepKey = d.Editing && r.Key.Value == ""
	if d.Editing && strings.TrimSpace(d.Secret) == "" {
		r.KeepSecret = true
	} else if r.Secret, err = SanitizeSecret(d.Secret); err != nil {
		return r, fieldErr(FieldSecret, err)
	}
	// A Gemini key pasted as ?key= in the endpoint is the secret when the
	// secret field was left empty on a new configuration.
	if r.Secret.Value == "" && !r.KeepSecret && r.Endpoint.ExtractedKey != "" {
		r.Secret = Sanitized{Value: r.Endpoint.ExtractedKey, Removed: []string{"nothing (the secret was taken from the endpoint's ?key= parameter)"}}
	}
	if err := d.checkKeyRequired(r); err != nil {
		return r, err
	}
	r.Hints = KeyShapeHints(d.Type, r.Endpoint.URL, r.Key.Value, r.Secret.Value)
	return r, nil
}

// checkKeyRequired enforces the one cross-field rule: AWS needs the access
// key ID unless the secret is a Bedrock API key (a bearer token).
func (d *Draft) checkKeyRequired(r Result) error {
	if r.KeepSecret || r.Key.Value != "" || r.KeepKey && d.StoredKeyFingerprint != "" {
		return nil
	}
	if RequiresKey(d.Type, r.Secret.Value) {
		label := strings.ToLower(d.Preset().Key.Label)
		if label == "" {
			label = "key"
		}
		return &InputError{Code: "auth.missing_key", Field: FieldKey,
			Msg: fmt.Sprintf("%s needs the %s (press esc to go back to it), unless the secret is a Bedrock API key", d.Type, label)}
	}
	return nil
}

// fieldErr makes sure an error carries the field it belongs to, so the UI
// can jump to it.
func fieldErr(field string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		if ie.Field == "" {
			cp := *ie
			cp.Field = field
			return &cp
		}
		return ie
	}
	return &InputError{Code: "input.invalid_" + field, Field: field, Msg: err.Error()}
}

func placeholderOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// KeyTitle is the key field's title; the preset's label already says when
// the key is optional or unused for the type.
func (d *Draft) KeyTitle() string {
	return placeholderOr(d.Preset().Key.Label, "Key (optional)")
}

// KeyDescription is the key field's description; when editing it says what
// leaving the field empty keeps.
func (d *Draft) KeyDescription() string {
	desc := d.Preset().Key.Description
	if d.Editing {
		keep := "Leave empty to keep the stored key"
		if d.StoredKeyFingerprint != "" {
			keep += " (" + d.StoredKeyFingerprint + ")"
		}
		desc = strings.TrimSpace(desc + " " + keep + ".")
	}
	return desc
}

// SecretTitle is the secret field's title: what the provider calls it.
func (d *Draft) SecretTitle() string {
	return placeholderOr(d.Preset().Secret.Label, "API secret")
}

// EndpointPlaceholder is the endpoint field's placeholder: the type's
// default endpoint, or the shape of one.
func (d *Draft) EndpointPlaceholder() string {
	return placeholderOr(d.Preset().DefaultEndpoint, "https://host/v1")
}

// SecretDescription is the secret field's description; when editing it says
// what leaving the field empty keeps.
func (d *Draft) SecretDescription() string {
	desc := d.Preset().Secret.Description
	if srv, ok := d.ServerChoice(); ok {
		desc = srv.KeyNote
	}
	if d.Editing {
		keep := "Leave empty to keep the stored secret"
		if d.StoredSecretFingerprint != "" {
			keep += " (" + d.StoredSecretFingerprint + ")"
		}
		desc = strings.TrimSpace(desc + " " + keep + "; type a new one to rotate it.")
	}
	return desc
}

// Review renders the review step: every field, credentials as fingerprints
// only, then what was cleaned up or looks wrong. It never contains a
// credential.
func (d *Draft) Review() string {
	r, err := d.Result()
	var b strings.Builder
	row := func(k, v string) { fmt.Fprintf(&b, "%-9s %s\n", k, v) }
	p := d.Preset()
	row("Name", strings.TrimSpace(d.Name))
	typ := placeholderOr(p.Label, string(d.Type))
	if srv, ok := d.ServerChoice(); ok {
		typ += " · " + srv.Label
	}
	row("Type", typ)
	endpoint := r.Endpoint.URL
	if endpoint == "" {
		endpoint = strings.TrimSpace(d.Endpoint)
	}
	row("Endpoint", endpoint)
	switch {
	case r.KeepSecret:
		row("Secret", placeholderOr(d.StoredSecretFingerprint, "stored")+" (unchanged)")
	case r.Secret.Value != "" && d.secretFromEndpoint():
		row("Secret", fmt.Sprintf("%s (%d characters, from the endpoint's ?key=)", Fingerprint(r.Secret.Value), len(r.Secret.Value)))
	case r.Secret.Value != "":
		row("Secret", fmt.Sprintf("%s (%d characters)", Fingerprint(r.Secret.Value), len(r.Secret.Value)))
	}
	switch {
	case r.KeepKey && d.StoredKeyFingerprint != "":
		row("Key", d.StoredKeyFingerprint+" (unchanged)")
	case r.Key.Value != "":
		row("Key", Fingerprint(r.Key.Value))
	case p.Key.Required:
		row("Key", "none")
	}
	if r.Endpoint.Region != "" {
		row("Region", r.Endpoint.Region)
	}
	if d.Destination != "" {
		row("Saved to", d.Destination)
	}
	if err != nil {
		b.WriteString("\n✗ " + err.Error() + "\n")
		return b.String()
	}
	notices := r.Notices()
	if w := d.UnreachableFromFlashback(); w != "" {
		notices = append([]string{"Endpoint: " + w}, notices...)
	}
	if len(notices) > 0 {
		b.WriteString("\n")
		for _, n := range notices {
			b.WriteString("! " + n + "\n")
		}
	}
	return b.String()
}

// LiveHint is the one-line remark the UI shows under the focused field while
// the user types: what the endpoint will be normalised to, how many
// characters of a secret arrived and what will be stripped from it. It is
// pure and never contains a credential.
func (d *Draft) LiveHint(field string) string {
	switch field {
	case FieldEndpoint:
		if strings.TrimSpace(d.Endpoint) == "" {
			return ""
		}
		ep, err := NormalizeEndpoint(d.Type, d.Endpoint)
		if err != nil {
			return "✗ " + err.Error()
		}
		if w := d.UnreachableFromFlashback(); w != "" {
			return "! " + w
		}
		if len(ep.Rewrites) > 0 {
			return fmt.Sprintf("→ using %s (%s)", ep.URL, ep.Rewrites[len(ep.Rewrites)-1].Reason)
		}
		if len(ep.Warnings) > 0 {
			return "! " + ep.Warnings[0]
		}
	case FieldKey:
		if d.Key == "" {
			return ""
		}
		k, err := SanitizeKey(d.Key)
		if err != nil {
			return "✗ " + err.Error()
		}
		return credentialHint(k, d.Type, "", k.Value, "key")
	case FieldSecret:
		if d.Secret == "" {
			return ""
		}
		s, err := SanitizeSecret(d.Secret)
		msg := fmt.Sprintf("received %d characters", len([]rune(d.Secret)))
		if d.secretFromEndpoint() {
			msg = "moved here from the endpoint's ?key= (keys go in a header, never in the URL) · " + msg
		}
		if err != nil {
			return msg + " · ✗ " + err.Error()
		}
		if hint := credentialHint(s, d.Type, d.Key, s.Value, "secret"); hint != "" {
			return msg + " · " + hint
		}
		return msg
	}
	return ""
}

func credentialHint(s Sanitized, t assets.AIType, key, value, field string) string {
	var parts []string
	if len(s.Removed) > 0 {
		parts = append(parts, "will remove "+strings.Join(s.Removed, ", "))
	}
	var hints []Hint
	if field == "key" {
		hints = KeyShapeHints(t, "", value, "")
	} else {
		hints = KeyShapeHints(t, "", key, value)
	}
	for _, h := range hints {
		if h.Field == field {
			parts = append(parts, h.Message)
			break
		}
	}
	if len(parts) == 0 && len(s.Warnings) > 0 {
		parts = append(parts, s.Warnings[0])
	}
	return strings.Join(parts, " · ")
}

// DraftFromConfig returns a draft that edits a stored configuration: every
// non-secret field prefilled, key and secret empty (empty means "keep").
func DraftFromConfig(name, aiType, endpoint, keyFingerprint, secretFingerprint string, existing []string, destination string) *Draft {
	return &Draft{
		Type:                    assets.AIType(aiType),
		Name:                    name,
		Endpoint:                endpoint,
		Editing:                 true,
		OriginalName:            name,
		ExistingNames:           existing,
		StoredKeyFingerprint:    keyFingerprint,
		StoredSecretFingerprint: secretFingerprint,
		Destination:             destination,
	}
}
