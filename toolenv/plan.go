package toolenv

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/redact"
	"github.com/fbllm/fbllm/store"
)

// Source is one local configuration to hand to the program, with its
// credentials as read from the keyring.
type Source struct {
	Config      store.Config
	Credentials store.Credentials
}

// Var is one variable the program gets.
type Var struct {
	Name   string
	Field  string // one of assets.ExecFields
	Config string // name of the configuration it comes from
	// value sits behind a pointer: fmt prints a nested pointer as an
	// address, so %v, %+v, %#v, %x or %d of a Var or a Plan cannot show it.
	value *string
}

// Shown is the display form of the value: a fingerprint for the secret
// and the key, the value itself for the endpoint and the region.
func (v Var) Shown() string {
	if v.value == nil {
		return ""
	}
	if v.Field == assets.FieldSecret || v.Field == assets.FieldKey {
		return input.Fingerprint(*v.value)
	}
	return *v.value
}

// Unset is an inherited variable removed from the program's environment.
type Unset struct {
	Name   string
	Reason string
}

// Plan is what exec adds to and removes from the environment.
type Plan struct {
	Vars  []Var
	Unset []Unset
}

// Build maps each source's fields to the variables of its type (assets
// ExecEnvFor), then adds the --env specs. It returns a *UsageError when a
// spec is malformed or names a field the configuration lacks, or when two
// sources (or a source and a spec) would set one variable to different
// values; and a plain error when a configuration cannot be used (no
// secret, unknown type, AWS keys without the access key ID).
func Build(sources []Source, specs []string) (*Plan, error) {
	if len(sources) == 0 {
		return nil, usagef("exec needs at least one configuration")
	}
	p := &Plan{}
	fields := make([]map[string]string, len(sources))
	for i, src := range sources {
		f, err := sourceFields(src)
		if err != nil {
			return nil, err
		}
		fields[i] = f
		if err := p.addMapping(src, f); err != nil {
			return nil, err
		}
	}
	for _, raw := range specs {
		s, err := ParseSpec(raw)
		if err != nil {
			return nil, err
		}
		if err := p.addSpec(s, sources, fields); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sourceFields returns the field values of a source, trimmed, and checks
// that they can be handed over.
func sourceFields(src Source) (map[string]string, error) {
	c := src.Config
	t, err := assets.ParseAIType(c.AIType)
	if err != nil {
		return nil, fmt.Errorf("configuration %q: %w", display(c.Name), err)
	}
	f := map[string]string{
		assets.FieldSecret:   strings.TrimSpace(src.Credentials.Secret),
		assets.FieldKey:      strings.TrimSpace(src.Credentials.Key),
		assets.FieldEndpoint: strings.TrimSpace(c.Endpoint),
		assets.FieldRegion:   strings.TrimSpace(c.Region),
	}
	if f[assets.FieldSecret] == "" {
		return nil, fmt.Errorf("configuration %q has no secret", display(c.Name))
	}
	f[assets.FieldRegion] = regionOf(t, f[assets.FieldEndpoint], f[assets.FieldRegion])
	for field, v := range f {
		// execve cannot pass a NUL, and a line break in a variable is
		// never part of a credential, URL or region.
		if strings.ContainsAny(v, "\x00\r\n") {
			return nil, fmt.Errorf("configuration %q: the %s holds a control character and cannot be passed in the environment", display(c.Name), field)
		}
	}
	if t == assets.AWS && credentialKind(f[assets.FieldSecret]) == assets.CredentialAccessKey && f[assets.FieldKey] == "" {
		return nil, fmt.Errorf("configuration %q has an AWS secret access key but no access key ID", display(c.Name))
	}
	return f, nil
}

// regionOf is the region an AWS configuration is used in: the stored one,
// else the one its Bedrock host carries (the store keeps Region only when
// the endpoint does not).
func regionOf(t assets.AIType, endpoint, region string) string {
	if t != assets.AWS || region != "" || endpoint == "" {
		return region
	}
	if ep, err := input.NormalizeEndpoint(assets.AWS, endpoint); err == nil {
		return ep.Region
	}
	return ""
}

// credentialKind tells a Bedrock API key (sent alone as a bearer token)
// from the secret half of an access key pair.
func credentialKind(secret string) string {
	if input.RequiresKey(assets.AWS, secret) {
		return assets.CredentialAccessKey
	}
	return assets.CredentialBedrockAPIKey
}

func (p *Plan) addMapping(src Source, f map[string]string) error {
	t := assets.AIType(strings.ToUpper(strings.TrimSpace(src.Config.AIType)))
	kind := ""
	if t == assets.AWS {
		kind = credentialKind(f[assets.FieldSecret])
	}
	set, unset, ok := envFor(t, kind)
	if !ok {
		return fmt.Errorf("configuration %q: no variables for type %s", display(src.Config.Name), t)
	}
	for _, v := range set {
		value := f[v.Field]
		if value == "" {
			continue // no endpoint or region stored: the SDK default applies
		}
		if err := p.add(Var{Name: v.Name, Field: v.Field, Config: display(src.Config.Name), value: &value}); err != nil {
			return err
		}
	}
	for _, u := range unset {
		if i := p.indexOf(u.Name); i >= 0 {
			return usagef("configuration %q removes %s, which configuration %q sets; use them in separate commands", display(src.Config.Name), u.Name, p.Vars[i].Config)
		}
		if !p.unsets(u.Name) {
			p.Unset = append(p.Unset, Unset{Name: u.Name, Reason: u.Reason})
		}
	}
	return nil
}

// envFor is the variables type t sets and removes for a kind of credential
// ("" but for AWS): Build and Preview map a configuration alike.
func envFor(t assets.AIType, kind string) ([]assets.ExecVar, []assets.ExecUnset, bool) {
	env, ok := assets.ExecEnvFor(t)
	if !ok {
		return nil, nil, false
	}
	var set []assets.ExecVar
	for _, v := range env.Set {
		if v.Credential == "" || v.Credential == kind {
			set = append(set, v)
		}
	}
	var unset []assets.ExecUnset
	for _, u := range env.Unset {
		if u.Credential == "" || u.Credential == kind {
			unset = append(unset, u)
		}
	}
	return set, unset, true
}

func (p *Plan) addSpec(s Spec, sources []Source, fields []map[string]string) error {
	i := s.Config
	switch {
	case i < 0 && len(sources) > 1:
		return usagef("--env %s: with %d configurations, say which one: --env %s=N:%s (N = 1 for the first)", s, len(sources), s.Name, s.Field)
	case i < 0:
		i = 0
	case i >= len(sources):
		return usagef("--env %s: there are only %d configurations", s, len(sources))
	}
	value := fields[i][s.Field]
	name := display(sources[i].Config.Name)
	if value == "" {
		return usagef("--env %s: configuration %q has no %s", s, name, s.Field)
	}
	return p.add(Var{Name: s.Name, Field: s.Field, Config: name, value: &value})
}

// add appends v unless the variable is already planned: the same value
// from the same configuration is harmless, anything else a usage error.
func (p *Plan) add(v Var) error {
	if p.unsets(v.Name) {
		return usagef("%s is removed for one configuration and set by %q; use them in separate commands", v.Name, v.Config)
	}
	i := p.indexOf(v.Name)
	if i < 0 {
		p.Vars = append(p.Vars, v)
		return nil
	}
	old := p.Vars[i]
	if old.Config == v.Config && *old.value == *v.value {
		return nil
	}
	if old.Config == v.Config {
		return usagef("%s would get both the %s and the %s of %q", v.Name, old.Field, v.Field, v.Config)
	}
	return usagef("configurations %q and %q both set %s; use them in separate commands", old.Config, v.Config, v.Name)
}

func (p *Plan) indexOf(name string) int {
	for i, v := range p.Vars {
		if sameName(v.Name, name) {
			return i
		}
	}
	return -1
}

func (p *Plan) unsets(name string) bool {
	for _, u := range p.Unset {
		if sameName(u.Name, name) {
			return true
		}
	}
	return false
}

// sameName compares variable names as the OS does: Windows ignores case.
func sameName(a, b string) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// Environ returns base (os.Environ form, "NAME=value") without the planned
// and removed variables, followed by the planned ones in plan order.
// Entries of base that are not NAME=value (Windows' "=C:=C:\") are kept.
func (p *Plan) Environ(base []string) []string {
	out := make([]string, 0, len(base)+len(p.Vars))
	for _, kv := range base {
		name, _, ok := strings.Cut(kv, "=")
		if ok && name != "" && (p.indexOf(name) >= 0 || p.unsets(name)) {
			continue
		}
		out = append(out, kv)
	}
	for _, v := range p.Vars {
		out = append(out, v.Name+"="+*v.value)
	}
	return out
}

// Values returns the planned variables by name. The map holds secrets:
// pass it to the process and nowhere else.
func (p *Plan) Values() map[string]string {
	out := make(map[string]string, len(p.Vars))
	for _, v := range p.Vars {
		out[v.Name] = *v.value
	}
	return out
}

// Secrets returns the values --mask must hide: every planned secret and
// key (an AWS access key ID is not secret, but tools print it next to the
// secret, and hiding it costs nothing).
func (p *Plan) Secrets() []string {
	var out []string
	for _, v := range p.Vars {
		if v.Field == assets.FieldSecret || v.Field == assets.FieldKey {
			out = append(out, *v.value)
		}
	}
	return out
}

// display makes a configuration name safe to print: names are validated
// when saved, but the index file could have been edited by hand.
func display(s string) string { return redact.Terminal(s) }
