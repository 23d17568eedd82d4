package keyscan

import (
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/internal/redact"
)

// KindEnv selects the environment itself; the file kinds are
// assets.KeyFileKinds (dotenv, aws, tools, shell).
const KindEnv = "env"

// Options says where to look.
type Options struct {
	// Environ is the environment in os.Environ form: scanned itself (kind
	// env) and used to expand ${VAR} in file paths.
	Environ []string
	// Home and Cwd are absolute: the home and current directories.
	Home, Cwd string
	// GOOS picks the OS-specific paths; "" means runtime.GOOS.
	GOOS string
	// Extra are more .env files to read (`import --from dotenv PATH`),
	// relative to Cwd when not absolute. Symbolic links in them are
	// followed anywhere: the user named them.
	Extra []string
	// Kinds limits the scan to KindEnv and assets.KeyFileKinds values;
	// nil means all. Extra files are read whenever "dotenv" is selected.
	Kinds []string
	// FS reads files; nil means OSFS.
	FS FS
}

// Problem is a file that holds no usable result because it could not be
// read or parsed. Msg never quotes the file's content.
type Problem struct {
	Path string `json:"path"` // "~/"-abbreviated and escape-sanitised
	Msg  string `json:"message"`

	abs string
}

// String is "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Msg }

// Result is what a scan found.
type Result struct {
	Candidates []Candidate `json:"candidates"`
	Problems   []Problem   `json:"problems"`
}

// Scan looks in every selected place and returns the secrets found, one
// Candidate per distinct secret with all its locations. Missing files are
// not problems; unreadable or malformed ones are.
func Scan(opts Options) Result {
	s := newScanner(opts)
	if s.wants(KindEnv) {
		var env []assignment
		for _, kv := range opts.Environ {
			if name, value, ok := strings.Cut(kv, "="); ok && name != "" {
				env = append(env, assignment{name, value})
			}
		}
		for _, f := range fromVariables(env) {
			s.add(f, Location{Source: "environment " + f.entry, Entry: f.entry, Kind: KindEnv, Tool: "the environment"})
		}
	}
	var awsFiles []awsFile
	for _, kf := range assets.KeySourceData().Files {
		if !s.wants(kf.Kind) {
			continue
		}
		for _, p := range kf.Paths {
			path, ok := p.Expand(s.getenv, opts.Home, opts.Cwd, s.goos)
			if !ok {
				continue
			}
			path = filepath.Clean(filepath.FromSlash(path))
			if kf.Format == "aws-credentials" || kf.Format == "aws-config" {
				if data, ok := s.read(path, s.roots); ok {
					awsFiles = append(awsFiles, awsFile{kf, path, data})
				}
				continue
			}
			s.readFormat(kf, path, s.roots)
		}
	}
	s.addAWS(awsFiles)
	if s.wants("dotenv") {
		dotenv := assets.KeyFile{ID: "extra", Tool: "a .env file", Kind: "dotenv", Format: "dotenv"}
		for _, p := range opts.Extra {
			if !filepath.IsAbs(p) {
				p = filepath.Join(opts.Cwd, p)
			}
			s.readFormat(dotenv, filepath.Clean(p), nil)
		}
	}
	return Result{Candidates: s.candidates, Problems: s.problems}
}

type awsFile struct {
	kf   assets.KeyFile
	path string
	data []byte
}

type scanner struct {
	opts       Options
	fs         FS
	goos       string
	env        map[string]string
	roots      []string // where a symbolic link may point
	visited    map[string]bool
	candidates []Candidate
	bySecret   map[string]int // key+secret → index in candidates
	problems   []Problem
}

func newScanner(opts Options) *scanner {
	s := &scanner{opts: opts, fs: opts.FS, goos: opts.GOOS, env: map[string]string{}, visited: map[string]bool{}, bySecret: map[string]int{}}
	if s.fs == nil {
		s.fs = OSFS{}
	}
	if s.goos == "" {
		s.goos = runtime.GOOS
	}
	for _, kv := range opts.Environ {
		if name, value, ok := strings.Cut(kv, "="); ok {
			s.env[name] = value
		}
	}
	for _, r := range []string{opts.Home, opts.Cwd} {
		if r == "" {
			continue
		}
		s.roots = append(s.roots, filepath.Clean(r))
		// Compare resolved with resolved: HOME itself may be a link
		// (/home → /usr/home, /var → /private/var).
		if real, err := s.fs.EvalSymlinks(r); err == nil {
			s.roots = append(s.roots, real)
		}
	}
	return s
}

func (s *scanner) getenv(name string) string { return s.env[name] }

func (s *scanner) wants(kind string) bool {
	return s.opts.Kinds == nil || slices.Contains(s.opts.Kinds, kind)
}

// read reads a file once per scan; a failure becomes a Problem.
func (s *scanner) read(path string, roots []string) ([]byte, bool) {
	if s.visited[path] {
		return nil, false
	}
	s.visited[path] = true
	data, err := readFile(s.fs, path, roots)
	if err != nil {
		s.problems = append(s.problems, Problem{Path: s.displayPath(path), Msg: err.Error(), abs: path})
		return nil, false
	}
	return data, data != nil
}

func (s *scanner) readFormat(kf assets.KeyFile, path string, roots []string) {
	data, ok := s.read(path, roots)
	if !ok {
		return
	}
	fs, err := parseFormat(kf.Format, data)
	if err != nil {
		s.problems = append(s.problems, Problem{Path: s.displayPath(path), Msg: err.Error(), abs: path})
		return
	}
	for _, f := range fs {
		s.add(f, s.fileLocation(kf, path, f.entry))
	}
}

func (s *scanner) fileLocation(kf assets.KeyFile, path, entry string) Location {
	shown := s.displayPath(path)
	return Location{Source: shown + " " + entry, Path: shown, Entry: entry, Kind: kf.Kind, Tool: kf.Tool, abs: path}
}

// addAWS merges the profiles of the AWS config and credentials files as
// the SDKs do: keys from the credentials file win, the region comes from
// the config file.
func (s *scanner) addAWS(files []awsFile) {
	type merged struct {
		p    awsProfile
		from awsFile
	}
	var order []string
	profiles := map[string]*merged{}
	regions := map[string]string{}
	// Config first, then credentials over it ("aws-config" sorts first).
	slices.SortStableFunc(files, func(a, b awsFile) int { return strings.Compare(a.kf.Format, b.kf.Format) })
	for _, f := range files {
		for _, p := range parseAWSINI(string(f.data), f.kf.Format == "aws-config") {
			if p.Region != "" {
				regions[p.Name] = p.Region
			}
			if p.SecretKey == "" {
				continue
			}
			if _, ok := profiles[p.Name]; !ok {
				order = append(order, p.Name)
			}
			profiles[p.Name] = &merged{p, f}
		}
	}
	for _, name := range order {
		m := profiles[name]
		f := found{
			entry: "profile " + name, provider: "amazon-bedrock",
			secret: m.p.SecretKey, key: m.p.AccessKeyID,
			region: cmpOr(regions[name], m.p.Region), sessionToken: m.p.SessionToken != "",
		}
		s.add(f, s.fileLocation(m.from.kf, m.from.path, f.entry))
	}
}

// add classifies f and merges it with an earlier candidate holding the
// same secret.
func (s *scanner) add(f found, loc Location) {
	secret, ok := usable(f.secret)
	if !ok {
		return
	}
	key := ""
	if k, err := input.SanitizeKey(f.key); err == nil && len(k.Warnings) == 0 {
		key = k.Value
	}
	red := redact.New(secret, key)
	loc.Source, loc.Path, loc.Entry = red.Display(loc.Source), red.Display(loc.Path), red.Display(loc.Entry)

	id := key + "\x00" + secret
	if i, seen := s.bySecret[id]; seen {
		c := &s.candidates[i]
		c.Locations = append(c.Locations, loc)
		// A later place may say more (a .env with the base URL too).
		if c.Endpoint == "" {
			c.Endpoint = endpointOf(f.endpoint, red)
		}
		if c.Region == "" {
			c.Region = regionOf(f.region)
		}
		return
	}
	c := classify(f, secret, key, red)
	c.Locations = []Location{loc}
	s.bySecret[id] = len(s.candidates)
	s.candidates = append(s.candidates, c)
}

// usable returns the cleaned secret, and false for what is not a literal
// key: an empty value, a reference to another variable or command ($VAR,
// ${VAR}, $(cmd): Crush and shell files hold those), a placeholder, a
// masked copy, or a value too short to be a credential.
func usable(raw string) (string, bool) {
	if strings.Contains(raw, "$") {
		return "", false
	}
	s, err := input.SanitizeSecret(raw)
	if err != nil || len(s.Warnings) > 0 || len(s.Value) < minSecretLen || placeholderRe.MatchString(s.Value) {
		return "", false
	}
	return s.Value, true
}

// placeholderRe catches the template values forms' rules let through
// ("your-api-key-here"). A random key holds such a word by chance about
// once in a million.
var placeholderRe = regexp.MustCompile(`(?i)your|here|example|placeholder|changeme|xxxx|[<>]`)

// minSecretLen: below it a value is a placeholder such as "ollama" or
// "dummy", which local servers accept and nobody needs to protect.
const minSecretLen = 8

func classify(f found, secret, key string, red *redact.Redactor) Candidate {
	c := Candidate{cred: &credential{key: key, secret: secret}, SessionToken: f.sessionToken}
	c.Fingerprint = input.Fingerprint(secret)
	if key != "" {
		c.KeyFingerprint = input.Fingerprint(key)
	}
	provider, known := assets.KeyProviderByID(f.provider)
	shape, shaped := assets.MatchTokenShape(secret)
	switch {
	case shaped && !shape.Generic && shape.Field == assets.FieldSecret:
		c.Type, c.TypeFrom = shape.Type, "key shape"
	case known && isVariable(f.entry):
		c.Type, c.TypeFrom = provider.Type, "variable name"
	case known:
		c.Type, c.TypeFrom = provider.Type, "provider"
	default:
		c.Type, c.TypeFrom = assets.Other, "unknown"
	}
	if shaped {
		c.ShapeID, c.Unsupported, c.Note = shape.ID, shape.Unsupported, shape.Note
	}
	c.Endpoint = endpointOf(f.endpoint, red)
	c.Region = regionOf(f.region)
	// OPENAI_BASE_URL pointing at Ollama or a gateway: an OpenAI-style
	// variable does not make the server OpenAI.
	if c.Type == assets.OpenAI && c.TypeFrom != "key shape" && c.Endpoint != "" && !isOpenAIHost(c.Endpoint) {
		c.Type, c.TypeFrom = assets.Other, "endpoint"
	}
	if c.Type == assets.Other && c.Endpoint == "" {
		for _, id := range []string{f.provider, shape.ID} {
			if p, ok := assets.KeyProviderByID(id); ok && p.Type == assets.Other {
				c.Endpoint = p.Endpoint
				break
			}
		}
	}
	return c
}

func isVariable(entry string) bool {
	for _, e := range assets.KeySourceData().Environment {
		if e.Name == entry {
			return true
		}
	}
	return false
}

// endpointOf keeps a literal absolute URL, redacted and sanitised; a
// reference or anything else is dropped.
func endpointOf(raw string, red *redact.Redactor) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if raw == "" || strings.Contains(raw, "$") || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return red.Display(raw)
}

var regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+){1,3}-[0-9]{1,2}$`)

func regionOf(raw string) string {
	raw = strings.TrimSpace(raw)
	if regionRe.MatchString(raw) {
		return raw
	}
	return ""
}

func isOpenAIHost(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "api.openai.com" || strings.HasSuffix(h, ".openai.com")
}

// displayPath abbreviates the home directory to "~" and removes escape
// sequences and control characters: directory names are not ours.
func (s *scanner) displayPath(path string) string {
	shown := path
	if s.opts.Home != "" && inside(path, s.opts.Home) {
		if rel, err := filepath.Rel(filepath.Clean(s.opts.Home), path); err == nil {
			shown = "~" + string(filepath.Separator) + rel
			if rel == "." {
				shown = "~"
			}
		}
	}
	return redact.Terminal(shown)
}

// MarkHeld sets Held on every candidate whose fingerprint is among the
// fingerprints fbllm stores (store.Config.SecretFingerprint). The masked
// form of short secrets ("••••") and "" match nothing.
func (r *Result) MarkHeld(fingerprints []string) {
	held := heldSet(fingerprints)
	for i := range r.Candidates {
		r.Candidates[i].Held = held[r.Candidates[i].Fingerprint]
	}
}

func heldSet(fingerprints []string) map[string]bool {
	held := map[string]bool{}
	for _, f := range fingerprints {
		if f != "" && f != "••••" { // the masked form of every short secret
			held[f] = true
		}
	}
	return held
}
