package assets

import (
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
)

//go:embed servers.json
var serversJSON []byte

// Server is a well-known OpenAI-compatible server, offered under type OTHER
// so that a first-time user picks a name instead of typing a URL. Each
// default endpoint is the one its project documents (Source).
type Server struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description"` // one line, shown next to the label
	// Endpoint is the documented base URL. Placeholder, when set, is a part
	// of it the user must replace (Azure's resource name).
	Endpoint     string `json:"endpoint"`
	Placeholder  string `json:"placeholder,omitempty"`
	EndpointHint string `json:"endpointHint,omitempty"`
	// APIKey says whether the server checks a key: "required", "optional"
	// (only when the server was set up with one) or "ignored". fbllm stores
	// a secret either way; KeyNote tells the user what to type.
	APIKey  string `json:"apiKey"`
	KeyNote string `json:"keyNote"`
	// Source is the project's documentation page that gives Endpoint.
	Source string `json:"source"`
}

// Values of Server.APIKey.
const (
	KeyRequired = "required"
	KeyOptional = "optional"
	KeyIgnored  = "ignored"
)

var servers = sync.OnceValues(func() ([]Server, error) {
	var s []Server
	if err := decodeStrict(serversJSON, &s); err != nil {
		return nil, fmt.Errorf("parse servers: %w", err)
	}
	return s, errors.Join(ValidateServers(s)...)
})

// Servers returns the well-known servers in display order. The result is a
// copy. It panics if the embedded data is broken, which the package tests
// rule out.
func Servers() []Server {
	s, err := servers()
	if err != nil {
		panic(err)
	}
	return append([]Server(nil), s...)
}

// ServerByID returns the server with that id.
func ServerByID(id string) (Server, bool) {
	for _, s := range Servers() {
		if s.ID == id {
			return s, true
		}
	}
	return Server{}, false
}

// ValidateServers checks every rule the form relies on and returns every
// violation.
func ValidateServers(list []Server) []error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range list {
		where := fmt.Sprintf("server %d (%s)", i, s.ID)
		if !shapeIDRe.MatchString(s.ID) {
			errs = append(errs, fmt.Errorf("%s: id must be lower-case kebab-case", where))
		}
		if seen[s.ID] {
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		seen[s.ID] = true
		errs = append(errs, requireLine(where+": label", s.Label, 0)...)
		errs = append(errs, requireLine(where+": description", s.Description, maxDescriptionLen)...)
		errs = append(errs, requireLine(where+": key note", s.KeyNote, 0)...)
		switch s.APIKey {
		case KeyRequired, KeyOptional, KeyIgnored:
		default:
			errs = append(errs, fmt.Errorf("%s: apiKey %q is not required, optional or ignored", where, s.APIKey))
		}
		if err := checkHTTPS(s.Source); err != nil {
			errs = append(errs, fmt.Errorf("%s: source: %w", where, err))
		}
		if err := checkServerEndpoint(s.Endpoint); err != nil {
			errs = append(errs, fmt.Errorf("%s: endpoint: %w", where, err))
		}
		if s.Placeholder != "" && !strings.Contains(s.Endpoint, s.Placeholder) {
			errs = append(errs, fmt.Errorf("%s: the endpoint does not contain its placeholder %q", where, s.Placeholder))
		}
		if (s.Placeholder != "") != (s.EndpointHint != "") {
			errs = append(errs, fmt.Errorf("%s: a placeholder needs an endpoint hint that says what to put there, and only then", where))
		}
	}
	return errs
}

// checkServerEndpoint accepts a canonical base URL: https, or http to a
// loopback host only (a local server); no credentials, query, fragment or
// trailing slash.
func checkServerEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", s)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (u.Hostname() == "localhost" || net.ParseIP(u.Hostname()).IsLoopback()):
	default:
		return fmt.Errorf("%q must be https (or http to localhost)", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Path, "/") {
		return fmt.Errorf("%q is not canonical (no credentials, query, fragment or trailing slash)", s)
	}
	return nil
}
