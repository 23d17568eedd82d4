package assets

import (
	_ "embed"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed key_sources.json
var keySourcesJSON []byte

// KeyProvider maps a provider id used by other tools (models.dev ids in
// OpenCode, catwalk ids in Crush, llm aliases, mods API names) to an AI
// type, with the endpoint to use when the tool does not name one. Endpoint
// is "" where the type's preset default applies.
type KeyProvider struct {
	ID       string `json:"id"`
	Type     AIType `json:"type"`
	Endpoint string `json:"endpoint"`
}

// KeyEnvVar is an environment variable that holds a provider secret, with
// the variables that go with it.
type KeyEnvVar struct {
	Name     string `json:"name"`
	Provider string `json:"provider"` // a KeyProvider id
	// KeyVar holds the key that pairs with the secret (the AWS access key
	// ID); "" when the type has no key.
	KeyVar string `json:"keyVar"`
	// EndpointVars and RegionVars are read in order; the first one set wins.
	EndpointVars []string `json:"endpointVars"`
	RegionVars   []string `json:"regionVars"`
	Source       string   `json:"source"`
}

// KeyFilePath is one place a tool keeps its file, as a template:
// "~/…" (the home directory), "./…" (the current directory), or
// "${VAR}/…" / "${VAR:-~/…}/…" (an environment variable, with a default
// when it is unset). OS limits it to "darwin" or "!darwin"; "" is every OS.
type KeyFilePath struct {
	Path   string `json:"path"`
	OS     string `json:"os"`
	Source string `json:"source"` // "" means the KeyFile's Source
}

// KeyFile is a file format in which a tool keeps provider keys in clear.
type KeyFile struct {
	ID     string        `json:"id"`
	Tool   string        `json:"tool"`   // shown to the user: "simonw/llm", "a .env file"
	Kind   string        `json:"kind"`   // one of KeyFileKinds: what `fbllm import --from` selects
	Format string        `json:"format"` // one of KeyFileFormats
	Paths  []KeyFilePath `json:"paths"`
	Source string        `json:"source"` // the tool's source or docs defining path and format
}

// KeySources is the embedded key_sources.json: where keys are found in
// clear on a machine.
type KeySources struct {
	Providers   []KeyProvider `json:"providers"`
	Environment []KeyEnvVar   `json:"environment"`
	Files       []KeyFile     `json:"files"`
}

// KeyFileKinds are the groups `fbllm import --from` selects (env is the
// environment itself, not a file).
var KeyFileKinds = []string{"dotenv", "aws", "tools", "shell"}

// KeyFileFormats are the file formats a scanner must read.
var KeyFileFormats = []string{
	"dotenv", "aws-credentials", "aws-config", "llm-keys-json",
	"opencode-auth-json", "crush-json", "aider-conf-yml", "codex-auth-json",
	"mods-yml",
}

// KeySourceData returns a deep copy of the embedded key sources.
func KeySourceData() KeySources {
	k := mustKeySources()
	out := KeySources{
		Providers:   slices.Clone(k.Providers),
		Environment: make([]KeyEnvVar, len(k.Environment)),
		Files:       make([]KeyFile, len(k.Files)),
	}
	for i, e := range k.Environment {
		e.EndpointVars = slices.Clone(e.EndpointVars)
		e.RegionVars = slices.Clone(e.RegionVars)
		out.Environment[i] = e
	}
	for i, f := range k.Files {
		f.Paths = slices.Clone(f.Paths)
		out.Files[i] = f
	}
	return out
}

// KeyProviderByID returns the provider with this id (compared
// case-insensitively), and false for an unknown id.
func KeyProviderByID(id string) (KeyProvider, bool) {
	for _, p := range mustKeySources().Providers {
		if strings.EqualFold(p.ID, id) {
			return p, true
		}
	}
	return KeyProvider{}, false
}

// ParseKeySources decodes a key_sources.json strictly; see Validate.
func ParseKeySources(data []byte) (KeySources, error) {
	var k KeySources
	if err := decodeStrict(data, &k); err != nil {
		return KeySources{}, fmt.Errorf("parse key sources: %w", err)
	}
	return k, nil
}

// Validate checks every rule a scanner relies on and returns all
// violations joined.
func (k KeySources) Validate() error {
	var errs []error
	providers := map[string]bool{}
	for i, p := range k.Providers {
		where := fmt.Sprintf("provider %d (%s)", i, p.ID)
		if !shapeIDRe.MatchString(p.ID) {
			errs = append(errs, fmt.Errorf("%s: id must be lower-case kebab-case", where))
		}
		if providers[p.ID] {
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		providers[p.ID] = true
		if !p.Type.Valid() {
			errs = append(errs, fmt.Errorf("%s: invalid type %q", where, p.Type))
		}
		// OTHER has no preset endpoint, so its providers must bring one.
		if p.Type == Other && p.Endpoint == "" {
			errs = append(errs, fmt.Errorf("%s: an OTHER provider needs an endpoint", where))
		}
		if p.Endpoint != "" {
			if err := checkEndpoint(p.Endpoint); err != nil {
				errs = append(errs, fmt.Errorf("%s: endpoint: %w", where, err))
			}
		}
	}
	vars := map[string]bool{}
	for i, e := range k.Environment {
		where := fmt.Sprintf("environment %d (%s)", i, e.Name)
		if vars[e.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate variable", where))
		}
		vars[e.Name] = true
		for _, n := range append([]string{e.Name}, append(append([]string{}, e.EndpointVars...), e.RegionVars...)...) {
			if !ValidEnvName(n) {
				errs = append(errs, fmt.Errorf("%s: invalid variable name %q", where, n))
			}
		}
		if e.KeyVar != "" && !ValidEnvName(e.KeyVar) {
			errs = append(errs, fmt.Errorf("%s: invalid key variable %q", where, e.KeyVar))
		}
		if !providers[e.Provider] {
			errs = append(errs, fmt.Errorf("%s: unknown provider %q", where, e.Provider))
		}
		if err := checkHTTPS(e.Source); err != nil {
			errs = append(errs, fmt.Errorf("%s: source: %w", where, err))
		}
	}
	ids := map[string]bool{}
	for i, f := range k.Files {
		where := fmt.Sprintf("file %d (%s)", i, f.ID)
		if !shapeIDRe.MatchString(f.ID) {
			errs = append(errs, fmt.Errorf("%s: id must be lower-case kebab-case", where))
		}
		if ids[f.ID] {
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		ids[f.ID] = true
		errs = append(errs, requireLine(where+": tool", f.Tool, 0)...)
		if !slices.Contains(KeyFileKinds, f.Kind) {
			errs = append(errs, fmt.Errorf("%s: kind %q is not one of %s", where, f.Kind, strings.Join(KeyFileKinds, ", ")))
		}
		if !slices.Contains(KeyFileFormats, f.Format) {
			errs = append(errs, fmt.Errorf("%s: format %q is not one of %s", where, f.Format, strings.Join(KeyFileFormats, ", ")))
		}
		if err := checkHTTPS(f.Source); err != nil {
			errs = append(errs, fmt.Errorf("%s: source: %w", where, err))
		}
		if len(f.Paths) == 0 {
			errs = append(errs, fmt.Errorf("%s: no paths", where))
		}
		for j, p := range f.Paths {
			w := fmt.Sprintf("%s: paths[%d] %s", where, j, p.Path)
			if err := checkPathTemplate(p.Path); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", w, err))
			}
			if p.OS != "" && p.OS != "darwin" && p.OS != "!darwin" {
				errs = append(errs, fmt.Errorf("%s: os %q is not \"\", \"darwin\" or \"!darwin\"", w, p.OS))
			}
			if p.Source != "" {
				if err := checkHTTPS(p.Source); err != nil {
					errs = append(errs, fmt.Errorf("%s: source: %w", w, err))
				}
			}
		}
	}
	for _, format := range KeyFileFormats {
		if !slices.ContainsFunc(k.Files, func(f KeyFile) bool { return f.Format == format }) {
			errs = append(errs, fmt.Errorf("format %s is used by no file", format))
		}
	}
	return errors.Join(errs...)
}

// templateRe splits a path template into its root and the rest.
var templateRe = regexp.MustCompile(`^(?:(~)|(\.)|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(~[^}]*))?\})(/.*)?$`)

func checkPathTemplate(t string) error {
	m := templateRe.FindStringSubmatch(t)
	if m == nil {
		return errors.New(`must start with "~", "." or "${VAR}" / "${VAR:-~…}"`)
	}
	if m[4] != "" && m[4] != "~" && !strings.HasPrefix(m[4], "~/") {
		return errors.New(`a default must be "~" or start with "~/"`)
	}
	// "${AWS_CONFIG_FILE:-~/.aws/config}": the variable names the file.
	if m[3] != "" && m[5] == "" {
		if m[4] == "~" {
			return errors.New(`a variable naming the file needs a default file, not "~"`)
		}
		return checkRest(strings.TrimPrefix(m[4], "~"), true)
	}
	if err := checkRest(strings.TrimPrefix(m[4], "~"), true); err != nil {
		return err
	}
	return checkRest(m[5], false)
}

// checkRest accepts "" (when allowed) or a clean "/a/b" without "..".
func checkRest(rest string, emptyOK bool) error {
	if rest == "" && emptyOK {
		return nil
	}
	if rest == "" || rest == "/" || path.Clean(rest) != rest || slices.Contains(strings.Split(rest, "/"), "..") {
		return errors.New("must name a file below its root, in clean form")
	}
	return nil
}

// Expand resolves the template for one machine: getenv reads the
// environment, home and cwd are absolute directories, goos is runtime.GOOS.
// It returns false when the path does not apply (another OS, or a ${VAR}
// without default that is unset or empty). The result uses forward
// slashes; callers convert with filepath.FromSlash.
func (p KeyFilePath) Expand(getenv func(string) string, home, cwd, goos string) (string, bool) {
	switch {
	case p.OS == "darwin" && goos != "darwin", p.OS == "!darwin" && goos == "darwin":
		return "", false
	}
	m := templateRe.FindStringSubmatch(p.Path)
	if m == nil {
		return "", false
	}
	var root string
	switch {
	case m[1] != "":
		root = home
	case m[2] != "":
		root = cwd
	default:
		root = getenv(m[3])
		// The tools ignore a relative XDG-style directory, and so do we:
		// relative to what would be a guess.
		if !filepath.IsAbs(root) {
			root = ""
		}
		if root == "" {
			if m[4] == "" {
				return "", false
			}
			root = home + strings.TrimPrefix(m[4], "~")
		}
	}
	if root == "" {
		return "", false
	}
	return strings.TrimRight(root, "/") + m[5], true
}

var loadKeySources = sync.OnceValues(func() (KeySources, error) {
	k, err := ParseKeySources(keySourcesJSON)
	if err != nil {
		return KeySources{}, err
	}
	return k, k.Validate()
})

func mustKeySources() KeySources {
	k, err := loadKeySources()
	if err != nil {
		panic("assets: embedded key sources are invalid: " + err.Error())
	}
	return k
}
