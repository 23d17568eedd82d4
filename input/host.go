package input

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

// localReason says why host may be reached over plain http, or returns
// false for a host that must use https. It looks only at the name: no DNS,
// because validators run inside the TUI's Update. Single-label names count
// as local because they only resolve on a private network (docker compose
// services such as http://ollama:11434, intranet names).
func localReason(host string) (string, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		switch {
		case ip.IsLoopback():
			return "a loopback address", true
		case ip.IsPrivate():
			return "a private address", true
		case ip.IsLinkLocalUnicast():
			return "a link-local address", true
		case ip.IsUnspecified():
			return "the unspecified address (this machine)", true
		}
		return "", false
	}
	switch {
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return "this machine", true
	case strings.HasSuffix(host, ".local"):
		return "a local network (.local) name", true
	case strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".home.arpa"):
		return "a private network name", true
	case !strings.Contains(strings.TrimSuffix(host, "."), "."):
		return "a local network name", true
	}
	return "", false
}

// knownHost is a provider API host fbllm recognises.
type knownHost struct {
	Vendor string        // matches assets.TokenShape.Vendor for OTHER vendors
	Type   assets.AIType // the type that speaks this host's native API
}

var (
	azureHostRe  = regexp.MustCompile(`^[a-z0-9-]+\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$`)
	vertexHostRe = regexp.MustCompile(`^([a-z0-9-]+-)?aiplatform\.googleapis\.com$`)
	// bedrockHostRe is provider-probes §5.2's host rule; group 2 is the region.
	bedrockHostRe = regexp.MustCompile(`^(bedrock|bedrock-runtime|bedrock-fips|bedrock-runtime-fips)\.([a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+)\.amazonaws\.com(\.cn)?$`)
	// bedrockVPCERe matches interface VPC endpoint names, which carry the
	// region in a fixed position (vpce-ID.SERVICE.REGION.vpce.amazonaws.com).
	bedrockVPCERe = regexp.MustCompile(`^vpce-[a-z0-9-]+\.(bedrock|bedrock-runtime)(-fips)?\.([a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+)\.vpce\.amazonaws\.com(\.cn)?$`)
)

// Vendor names of hosts that have no token shape of their own.
const (
	vendorAzure  = "Azure OpenAI"
	vendorVertex = "Vertex AI"
)

// hostVendor identifies provider hosts. It drives the https upgrade (these
// hosts only speak https) and the type/host mismatch warnings (§6.9).
func hostVendor(host string) (knownHost, bool) {
	switch {
	case host == "api.openai.com" || strings.HasSuffix(host, ".api.openai.com"):
		return knownHost{"OpenAI", assets.OpenAI}, true
	case host == "api.anthropic.com":
		return knownHost{"Anthropic", assets.Anthropic}, true
	case host == "generativelanguage.googleapis.com":
		return knownHost{"Google", assets.Google}, true
	case vertexHostRe.MatchString(host):
		return knownHost{vendorVertex, assets.Google}, true
	case host == "amazonaws.com" || strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn"):
		return knownHost{"AWS", assets.AWS}, true
	case host == "openrouter.ai":
		return knownHost{"OpenRouter", assets.Other}, true
	case azureHostRe.MatchString(host):
		return knownHost{vendorAzure, assets.Other}, true
	case host == "api.groq.com":
		return knownHost{"Groq", assets.Other}, true
	case host == "api.x.ai":
		return knownHost{"xAI", assets.Other}, true
	}
	return knownHost{}, false
}

// bedrockRegion returns the region of a Bedrock runtime, control-plane or
// VPC endpoint host.
func bedrockRegion(host string) (string, bool) {
	if m := bedrockHostRe.FindStringSubmatch(host); m != nil {
		return m[2], true
	}
	if m := bedrockVPCERe.FindStringSubmatch(host); m != nil {
		return m[3], true
	}
	return "", false
}

// localServerPorts are the default ports of local OpenAI-compatible
// servers (§6.9): Ollama, vLLM, LM Studio, LiteLLM.
var localServerPorts = map[string]bool{"11434": true, "8000": true, "1234": true, "4000": true}

// CheckAPIURL applies the endpoint rule of PRODUCT §1 to the Flashback API
// URL (FLASHBACK_API_URL, or the one saved at sign-in): every request
// carries the access token, so http:// is refused unless the host is this
// machine or a private network. A URL that does not parse is left to the
// client, which reports it.
func CheckAPIURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Scheme, "http") || u.Hostname() == "" {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if _, local := localReason(host); local {
		return nil
	}
	return &InputError{Code: CodeInsecureScheme, Field: "FLASHBACK_API_URL", Msg: fmt.Sprintf(
		"the Flashback API URL http://%s would send the Flashback token in clear text: use https:// (plain http is only allowed to this machine or a private network); nothing was sent",
		u.Host)}
}

// FirstPartyHost reports whether host is type t's own provider API host,
// where an answer to the probe comes from the provider itself. Anywhere
// else — a gateway, a local server, an OpenAI-compatible stand-in — the
// server may accept any key, so the probe runs its negative control
// (provider-probes §6.1). OTHER has no first-party host.
func FirstPartyHost(t assets.AIType, host string) bool {
	k, ok := hostVendor(strings.TrimSuffix(strings.ToLower(host), "."))
	if !ok || t == assets.Other {
		return false
	}
	switch t {
	case assets.OpenAI:
		return k.Vendor == "OpenAI"
	case assets.Anthropic:
		return k.Vendor == "Anthropic"
	case assets.Google:
		return k.Vendor == "Google" || k.Vendor == vendorVertex
	case assets.AWS:
		return k.Vendor == "AWS"
	}
	return false
}
