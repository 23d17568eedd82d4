package input

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fbllm/fbllm/assets"
)

// Rewrite is one change NormalizeEndpoint made, so the UI can say "using To
// instead of From" (PRODUCT §6 input.endpoint_rewritten). From and To never
// contain user:pass@ or query values other than api-version.
type Rewrite struct {
	From, To string
	Reason   string // short phrase, e.g. "added the /v1 version segment"
}

// Endpoint is a normalised endpoint with everything the user should be
// told about it.
type Endpoint struct {
	URL      string    // the normalised URL to store and use
	Rewrites []Rewrite // every change, in order
	Warnings []string  // full sentences: plain http, type/host mismatch (§6.9), Vertex, …
	Region   string    // AWS: parsed from the host when present
	// ExtractedKey is a ?key= value moved out of the URL (Gemini examples
	// put the key there); the caller may offer it as the secret. It never
	// appears in Rewrites or Warnings.
	ExtractedKey string
}

// NormalizeEndpoint turns what the user pasted into the canonical base URL
// for type t (provider-probes §1.3 and the per-type sections), recording
// every rewrite. Known provider hosts get their version segment (/v1 for
// api.openai.com, /v1beta for Gemini); OTHER never gets one, because
// OpenAI-compatible servers disagree about it (§6.1).
//
// Without a scheme, https:// is assumed, or http:// for a local host:
// loopback, RFC 1918/ULA, link-local and unspecified addresses, localhost,
// *.local, *.internal, *.home.arpa and single-label names (docker compose
// services such as ollama:11434). No DNS is used to decide.
// https is required except for those local hosts: http:// to any public
// host, known provider hosts included, is refused (endpoint.insecure_scheme,
// PRODUCT §1) rather than silently upgraded, so the user learns their
// setting is wrong before it is copied anywhere else; the message gives the
// https:// URL to use instead.
// Errors are *InputError and never echo the input: it may hold a password.
func NormalizeEndpoint(t assets.AIType, raw string) (Endpoint, error) {
	if !t.Valid() {
		return Endpoint{}, fmt.Errorf("normalise endpoint: invalid AI type %q", t)
	}
	n := normalizer{t: t}
	if err := n.run(raw); err != nil {
		return Endpoint{}, err
	}
	return n.ep, nil
}

// maxEndpointLen bounds the work a validator does inside the TUI's Update;
// a base URL is far shorter, and many servers refuse longer URLs anyway.
const maxEndpointLen = 2048

type normalizer struct {
	t  assets.AIType
	ep Endpoint
	u  *url.URL
}

// errUserinfo never says what the user info was: it is usually a password.
func errUserinfo() error {
	return invalidURL("the endpoint must not contain a user name or password (…@); put credentials in the key and secret fields")
}

func errTooLong() error {
	return invalidURL(fmt.Sprintf("the endpoint is longer than %d characters; paste only the base URL", maxEndpointLen))
}

func invalidURL(msg string) error {
	return &InputError{Code: CodeInvalidURL, Field: "endpoint", Msg: msg}
}

var (
	schemeRe      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
	badSchemeRe   = regexp.MustCompile(`^(?i:https?[:/]|[a-z][a-z0-9+.-]*:[^0-9])`)
	hostnameRe    = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$`)
	repeatSlashRe = regexp.MustCompile(`//+`)
)

func (n *normalizer) rewrite(from, to, reason string) {
	n.ep.Rewrites = append(n.ep.Rewrites, Rewrite{From: displayURL(from), To: displayURL(to), Reason: reason})
}

func (n *normalizer) warn(format string, args ...any) {
	n.ep.Warnings = append(n.ep.Warnings, fmt.Sprintf(format, args...))
}

func (n *normalizer) run(raw string) error {
	s, err := n.cleanText(raw)
	if err != nil {
		return err
	}
	if s, err = n.addScheme(s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse errors quote the whole input, password included.
		return invalidURL("the endpoint is not a valid URL; check the host name and port")
	}
	n.u = u
	if u.User != nil {
		return errUserinfo()
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return invalidURL("the endpoint must start with https:// or http://")
	}
	host, local, err := n.checkHost()
	if err != nil {
		return err
	}
	if err := n.checkScheme(host, local); err != nil {
		return err
	}
	n.dropFragment()
	n.cleanQuery(host)
	n.cleanPath(host)
	n.ep.URL = n.u.String()
	// Percent-encoding can make the URL longer than what was pasted; the
	// limit applies to what is stored, so that normalising it again works.
	if len(n.ep.URL) > maxEndpointLen {
		return errTooLong()
	}
	n.hostWarnings(host, local)
	return nil
}

// cleanText trims the paste and removes wrapping quotes or angle brackets
// (Markdown writes <https://…>).
func (n *normalizer) cleanText(raw string) (string, error) {
	s := trimEdges(raw)
	start := s
	reason := ""
	for {
		prev := s
		for _, w := range [][2]string{{`"`, `"`}, {"'", "'"}, {"`", "`"}, {"“", "”"}, {"<", ">"}} {
			if len(s) >= len(w[0])+len(w[1]) && strings.HasPrefix(s, w[0]) && strings.HasSuffix(s, w[1]) {
				s = trimEdges(s[len(w[0]) : len(s)-len(w[1])])
				reason = "removed surrounding quotes"
				if w[0] == "<" {
					reason = "removed surrounding angle brackets"
				}
				break
			}
		}
		if s == prev {
			break
		}
	}
	if s == "" {
		return "", invalidURL("the endpoint is required")
	}
	if len(s) > maxEndpointLen {
		return "", errTooLong()
	}
	if !utf8.ValidString(s) {
		return "", invalidURL("the endpoint has bytes that are not valid text (UTF-8); copy it again")
	}
	for i, r := range []rune(s) {
		if unicode.IsSpace(r) || unicode.IsControl(r) || isInvisible(r) {
			return "", invalidURL(fmt.Sprintf("the endpoint has %s at character %d; paste only the URL", describeRune(r), i+1))
		}
	}
	if s != start {
		n.rewrite(start, s, reason)
	}
	return s, nil
}

// addScheme supplies a missing scheme: https:// for public hosts, http://
// for local ones, where servers rarely have certificates.
func (n *normalizer) addScheme(s string) (string, error) {
	if _, ok := assets.MatchTokenShape(s); ok {
		return "", invalidURL("this looks like an API key, not a URL; paste it into the secret field")
	}
	if m := schemeRe.FindString(s); m != "" {
		if lower := strings.ToLower(m); lower != m {
			n.rewrite(s, lower+s[len(m):], "lower-cased the scheme")
			s = lower + s[len(m):]
		}
		return s, nil
	}
	if end := strings.IndexAny(s+"/", "/?#"); strings.Contains(s[:end], "@") {
		return "", errUserinfo()
	}
	if badSchemeRe.MatchString(s) {
		return "", invalidURL("the endpoint must start with https:// or http://")
	}
	bare := strings.TrimPrefix(s, "//")
	u, err := url.Parse("http://" + bare)
	if err != nil || u.User != nil || u.Hostname() == "" {
		// Let the full parse report it with the usual message.
		return "https://" + bare, nil
	}
	host := strings.ToLower(u.Hostname())
	if !strings.Contains(host, ".") && !strings.Contains(host, ":") && len(host) >= 32 {
		return "", invalidURL("this looks like an API key, not a URL; paste it into the secret field")
	}
	if _, local := localReason(host); local {
		n.rewrite(s, "http://"+bare, "assumed http:// for a local address")
		return "http://" + bare, nil
	}
	n.rewrite(s, "https://"+bare, "added https://")
	return "https://" + bare, nil
}

// checkHost validates and lower-cases the host and port.
func (n *normalizer) checkHost() (host string, local bool, err error) {
	u := n.u
	host = u.Hostname()
	if host == "" {
		return "", false, invalidURL("the endpoint has no host name")
	}
	for _, r := range host {
		if r > unicode.MaxASCII {
			return "", false, invalidURL("the endpoint host name is not ASCII; use its xn-- (punycode) form")
		}
	}
	host = strings.ToLower(host)
	ipv6 := strings.HasPrefix(u.Host, "[")
	switch {
	case ipv6 && strings.Contains(host, "%"):
		return "", false, invalidURL("the endpoint has an IPv6 zone (%…); remove it")
	case ipv6:
		// url.Parse has checked the brackets; localReason checks the address.
	case !hostnameRe.MatchString(host):
		return "", false, invalidURL("the endpoint host name can only have letters, digits, '-', '_' and '.'")
	}
	port := u.Port()
	if port != "" {
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return "", false, invalidURL("the endpoint port must be a number from 1 to 65535")
		}
	}
	hostport := host
	if ipv6 {
		hostport = "[" + host + "]"
	}
	if port != "" {
		hostport += ":" + port
	}
	if hostport != u.Host {
		before := u.String()
		emptyPort := strings.HasSuffix(u.Host, ":")
		lowered := hostport != strings.TrimSuffix(u.Host, ":")
		u.Host = hostport
		reason := "lower-cased the host name"
		switch {
		case emptyPort && lowered:
			reason = "lower-cased the host name and removed an empty port"
		case emptyPort:
			reason = "removed an empty port"
		}
		n.rewrite(before, u.String(), reason)
	}
	_, local = localReason(host)
	return host, local, nil
}

// checkScheme applies the https policy of PRODUCT §1.
func (n *normalizer) checkScheme(host string, local bool) error {
	if n.u.Scheme != "http" || local {
		return nil
	}
	// The suggestion keeps the path (an OTHER server's /v1) but never the
	// query or user info, which may hold credentials.
	https := "https://" + n.u.Host + strings.TrimRight(n.u.EscapedPath(), "/")
	if vendor, known := hostVendor(host); known {
		return &InputError{Code: CodeInsecureScheme, Field: "endpoint",
			Msg: fmt.Sprintf("%s accepts only HTTPS: use %s", vendor.Vendor, https)}
	}
	return &InputError{Code: CodeInsecureScheme, Field: "endpoint",
		Msg: fmt.Sprintf("http:// is only allowed for local addresses; use %s", https)}
}

func (n *normalizer) dropFragment() {
	if n.u.Fragment == "" {
		return
	}
	before := n.u.String()
	n.u.Fragment, n.u.RawFragment = "", ""
	n.rewrite(before, n.u.String(), "removed the #fragment")
}

// cleanQuery moves a Gemini ?key= out of the URL, keeps Azure's
// api-version and drops everything else: fbllm adds what each request needs,
// and stray parameters (a copied ?alt=sse) would be sent with every probe.
func (n *normalizer) cleanQuery(host string) {
	u := n.u
	if u.RawQuery == "" && !u.ForceQuery {
		return
	}
	values, _ := url.ParseQuery(u.RawQuery)
	keep := ""
	dropped := false
	for _, name := range slices.Sorted(maps.Keys(values)) {
		vs := values[name]
		switch {
		case strings.EqualFold(name, "key"):
			for _, v := range vs {
				if v != "" && n.ep.ExtractedKey == "" {
					n.ep.ExtractedKey = v
				}
			}
		case name == "api-version" && azureHostRe.MatchString(host) && len(vs) > 0 && vs[0] != "":
			keep = "api-version=" + url.QueryEscape(vs[0])
			dropped = dropped || len(vs) > 1
		default:
			dropped = true
		}
	}
	if keep == u.RawQuery && !u.ForceQuery {
		return
	}
	if n.ep.ExtractedKey != "" {
		before := u.String()
		u.RawQuery = removeParam(u.RawQuery, "key")
		n.rewrite(before, u.String(), "moved the ?key= parameter out of the URL")
		n.warn("The endpoint carried an API key (?key=); fbllm sends keys in a header, never in the URL.")
	}
	if u.RawQuery == keep && !u.ForceQuery {
		return
	}
	before := u.String()
	u.RawQuery, u.ForceQuery = keep, false
	switch {
	case !dropped && keep != "":
		n.rewrite(before, u.String(), "re-encoded the api-version parameter")
	case keep != "":
		n.rewrite(before, u.String(), "removed query parameters other than api-version")
	default:
		n.rewrite(before, u.String(), "removed the query string")
	}
}

// removeParam drops every name=… pair from a raw query, keeping the rest
// as written so the next rewrite shows only its own change.
func removeParam(rawQuery, name string) string {
	var kept []string
	for _, pair := range strings.Split(rawQuery, "&") {
		k, _, _ := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil && strings.EqualFold(uk, name) {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(kept, "&")
}

// cleanPath repeats the path rules until none applies, so that normalising
// the result again changes nothing (stripping /v1/messages can expose a
// trailing /v1, and so on).
func (n *normalizer) cleanPath(host string) {
	u := n.u
	if u.RawPath != "" {
		u.RawPath = ""
	}
	// Every step shortens the path, except adding a version segment to an
	// empty one, which no step undoes; so the loop ends.
	for {
		prev := u.Path
		n.pathStep(host)
		if u.Path == prev {
			return
		}
	}
}

func (n *normalizer) setPath(p, reason string) {
	before := n.u.String()
	n.u.Path = p
	n.u.RawPath = ""
	n.rewrite(before, n.u.String(), reason)
}

// pathStep applies the first path rule that changes something.
func (n *normalizer) pathStep(host string) {
	p := n.u.Path
	if c := repeatSlashRe.ReplaceAllString(p, "/"); c != p {
		n.setPath(c, "collapsed repeated slashes")
		return
	}
	if hasDotSegment(p) {
		n.setPath(path.Clean("/"+p), "resolved ./ and ../ in the path")
		return
	}
	if t := strings.TrimRight(p, "/"); t != p {
		n.setPath(t, "removed a trailing slash")
		return
	}
	if base, op, ok := stripOperation(p); ok {
		// Anthropic's base has no /v1, so "/v1/messages" is one paste.
		if n.t == assets.Anthropic && strings.HasSuffix(asciiLower(base), "/v1") {
			base, op = base[:len(base)-3], base[len(base)-3:]+op
		}
		n.setPath(base, "removed the pasted "+op)
		if d, ok := azureDeployment(op); ok {
			n.warn("The Azure deployment %q isn't part of the endpoint; use it as the model name.", d)
		}
		return
	}
	lower := asciiLower(p)
	switch n.t {
	case assets.OpenAI:
		if p == "" && isOpenAIHost(host) {
			n.setPath("/v1", "added the /v1 version segment")
		}
	case assets.Anthropic:
		if strings.HasSuffix(lower, "/v1") {
			n.setPath(p[:len(p)-3], "removed /v1: fbllm adds /v1/models itself")
		}
	case assets.Google:
		if host != geminiHost {
			return
		}
		switch {
		case p == "":
			n.setPath("/v1beta", "added the /v1beta version segment")
		case strings.HasSuffix(lower, "/openai"):
			n.setPath(p[:len(p)-len("/openai")], "removed /openai: type GOOGLE uses the native Gemini API")
			n.warn("…/openai is Gemini's OpenAI-compatible surface; to use it as is, choose type OTHER.")
		}
	case assets.AWS:
		if _, ok := bedrockRegion(host); ok && p != "" {
			n.setPath("", "removed "+p+": Bedrock endpoints have no path")
		}
	}
}

const geminiHost = "generativelanguage.googleapis.com"

func isOpenAIHost(host string) bool {
	k, ok := hostVendor(host)
	return ok && k.Type == assets.OpenAI
}

// asciiLower lower-cases A–Z only. Unlike strings.ToLower it keeps every
// byte offset, so an index found in the result can slice the original (the
// Kelvin sign, for one, lower-cases to a shorter "k").
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

var (
	geminiOpRe  = regexp.MustCompile(`(?i)/models/[^/]+:[a-z]+$`)
	bedrockOpRe = regexp.MustCompile(`(?i)/model/.+/(invoke|invoke-with-response-stream|converse|converse-stream)$`)
	modelsRe    = regexp.MustCompile(`(?i)/(models|foundation-models)(/[^/]+)?$`)
)

// operationSuffixes are API operations people paste after the base URL
// (§1.3 step 5), longest first so /chat/completions wins over /completions.
var operationSuffixes = []string{
	"/chat/completions", "/completions", "/responses", "/embeddings",
	"/messages/count_tokens", "/messages", "/complete",
}

// stripOperation removes one pasted operation from the end of p and
// returns the base and the removed part.
func stripOperation(p string) (base, op string, ok bool) {
	lower := asciiLower(p)
	// Azure: …/openai/deployments/{d}/… keeps /openai, the API root.
	if i := strings.Index(lower, "/openai/deployments/"); i >= 0 {
		cut := i + len("/openai")
		return p[:cut], p[cut:], true
	}
	if loc := bedrockOpRe.FindStringIndex(p); loc != nil {
		return p[:loc[0]], p[loc[0]:], true
	}
	if loc := geminiOpRe.FindStringIndex(p); loc != nil {
		return p[:loc[0]], p[loc[0]:], true
	}
	for _, s := range operationSuffixes {
		if strings.HasSuffix(lower, s) {
			return p[:len(p)-len(s)], p[len(p)-len(s):], true
		}
	}
	if loc := modelsRe.FindStringIndex(p); loc != nil {
		return p[:loc[0]], p[loc[0]:], true
	}
	return p, "", false
}

// azureDeployment returns the deployment name of a stripped
// "/deployments/{d}/…" suffix.
func azureDeployment(op string) (string, bool) {
	rest, ok := strings.CutPrefix(op, "/deployments/")
	if !ok {
		return "", false
	}
	d, _, _ := strings.Cut(rest, "/")
	return d, d != ""
}

// displayURL makes a URL safe to show: no user:pass@, no fragment, and no
// query values except api-version, which is not a secret and which the user
// needs to see. It works on strings that did not parse, too.
func displayURL(s string) string {
	start := len(schemeRe.FindString(s))
	authEnd := strings.IndexAny(s[start:], "/?#")
	if authEnd < 0 {
		authEnd = len(s) - start
	}
	if at := strings.LastIndex(s[start:start+authEnd], "@"); at >= 0 {
		s = s[:start] + s[start+at+1:]
	}
	s, fragment, hasFragment := strings.Cut(s, "#")
	base, query, hasQuery := strings.Cut(s, "?")
	var b strings.Builder
	b.WriteString(base)
	if hasQuery {
		b.WriteByte('?')
		for i, part := range strings.Split(query, "&") {
			if i > 0 {
				b.WriteByte('&')
			}
			name, value, _ := strings.Cut(part, "=")
			switch {
			case part == "" || name == "api-version" || (value == "" && strings.HasSuffix(part, "=")):
				b.WriteString(part)
			case value == "":
				b.WriteString("…") // a bare ?token is as sensitive as a value
			default:
				b.WriteString(name + "=…")
			}
		}
	}
	if hasFragment && fragment != "" {
		b.WriteString("#…")
	} else if hasFragment {
		b.WriteByte('#')
	}
	return b.String()
}

// hostWarnings adds what the user should know about the host: why plain
// http is accepted, and the host half of the type/host mismatch matrix
// (§6.9), which needs no key. KeyShapeHints covers the key half.
func (n *normalizer) hostWarnings(host string, local bool) {
	reason, _ := localReason(host)
	if n.u.Scheme == "http" && local {
		n.warn("http:// is only allowed because %s is %s.", host, reason)
	}
	if n.t != assets.Other && (local || localServerPorts[n.u.Port()]) {
		n.warn("%s looks like a local server (Ollama, vLLM, LM Studio, LiteLLM); those usually belong under type OTHER.", n.u.Host)
		return
	}
	known, isKnown := hostVendor(host)
	p := n.u.Path
	switch {
	case isKnown && known.Vendor == vendorVertex:
		n.warn("Vertex AI doesn't accept API keys; for a Gemini API key use https://%s/v1beta with type GOOGLE.", geminiHost)
		return
	case n.t == assets.Other:
		n.otherHostWarnings(host, known, isKnown)
		return
	case isKnown && known.Type != n.t:
		n.warn("%s", mismatchWarning(host, known))
		return
	}
	switch n.t {
	case assets.OpenAI:
		switch {
		case !isKnown:
			n.warn("%s isn't OpenAI's API host; for an OpenAI-compatible server choose type OTHER.", host)
		case p != "/v1":
			n.warn("%s serves the API under /v1, not %s.", host, p)
		}
	case assets.Anthropic:
		if isKnown && p != "" {
			n.warn("%s serves the API at the root (fbllm adds /v1); %s may not work.", host, p)
		}
	case assets.Google:
		if isKnown && p != "/v1beta" && p != "/v1" && p != "/v1alpha" {
			n.warn("%s serves the API under /v1beta or /v1, not %s.", host, p)
		}
	case assets.AWS:
		if n.ep.Region, _ = bedrockRegion(host); n.ep.Region == "" {
			if isKnown {
				n.warn("%s isn't a Bedrock endpoint; use https://bedrock-runtime.REGION.amazonaws.com.", host)
			} else {
				n.warn("Bedrock endpoints are *.amazonaws.com; for a gateway in front of Bedrock choose type OTHER.")
			}
		}
	}
}

// mismatchWarning says which type a known provider host belongs to.
func mismatchWarning(host string, known knownHost) string {
	switch {
	case known.Vendor == vendorAzure:
		return "Azure OpenAI needs its api-key header: choose type OTHER, which fbllm handles for Azure hosts."
	case known.Type == assets.Google:
		return fmt.Sprintf("%s is the Gemini API: choose type GOOGLE (or OTHER with …/v1beta/openai).", host)
	case known.Type == assets.AWS:
		return fmt.Sprintf("%s is an AWS endpoint: choose type AWS.", host)
	case known.Type == assets.Other:
		return fmt.Sprintf("%s is %s's API, which is OpenAI-compatible: choose type OTHER.", host, known.Vendor)
	default:
		return fmt.Sprintf("%s is %s's API: choose type %s.", host, known.Vendor, known.Type)
	}
}

// otherHostWarnings steers OTHER configs that point at a provider with a
// precise native probe (§6.8), and checks the two gateways whose base path
// is fixed (§6.5, §6.6). It never adds a path itself (§6.1).
func (n *normalizer) otherHostWarnings(host string, known knownHost, isKnown bool) {
	p := asciiLower(n.u.Path)
	switch {
	case !isKnown:
	case known.Type == assets.Google && strings.HasSuffix(p, "/openai"):
		n.warn("This is Gemini's OpenAI-compatible endpoint; type GOOGLE checks the key more precisely.")
	case known.Type == assets.Google:
		n.warn("%s is the Gemini API: choose type GOOGLE, or use …/v1beta/openai for its OpenAI-compatible surface.", host)
	case known.Type == assets.OpenAI || known.Type == assets.Anthropic:
		n.warn("%s is %s's API; type %s checks the key more precisely.", host, known.Vendor, known.Type)
	case known.Type == assets.AWS && p == "":
		n.warn("%s is Amazon Bedrock's native API: choose type AWS, or use …/openai/v1 for its OpenAI-compatible surface.", host)
	case known.Vendor == "OpenRouter" && p != "/api/v1":
		n.warn("OpenRouter's API base is https://openrouter.ai/api/v1.")
	case known.Vendor == vendorAzure && p == "":
		n.warn("Azure OpenAI's API lives under /openai/v1 (or /openai with ?api-version=…).")
	case known.Vendor == vendorAzure && p == "/openai" && n.u.RawQuery == "":
		n.warn("Azure's /openai path needs ?api-version=…; or use /openai/v1, which needs none.")
	}
}
