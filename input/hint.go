package input

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

// Hint is a non-blocking finding about which credential went where. Hints
// never stop the user: key formats change, and a gateway may legitimately
// accept another vendor's key.
type Hint struct {
	Field      string        // the field to look at: "key", "secret" or "endpoint"
	LikelyType assets.AIType // the type the evidence points to; "" when unknown
	Vendor     string        // e.g. "Anthropic"
	// Message is one or two sentences for the user. It names a credential
	// by its recognised prefix ("sk-ant-…") and never shows more of it.
	Message string
}

var (
	// awsSecretRe is the shape of a secret access key (provider-probes §7).
	awsSecretRe = regexp.MustCompile(`^[A-Za-z0-9/+]{40}$`)
	// awsCSVRe is a line of the credentials CSV the AWS console offers.
	awsCSVRe = regexp.MustCompile(`^(AKIA|ASIA)[A-Z2-7]{16},\S+$`)
	// azureKeyRe is the classic 32-hex Azure OpenAI key or the newer
	// 84-character one (§6.9; the format is not documented).
	azureKeyRe = regexp.MustCompile(`^([0-9a-fA-F]{32}|[A-Za-z0-9]{84})$`)
)

// KeyShapeHints compares the shapes of key and secret (already sanitised)
// with type t and the endpoint's host, per provider-probes §7 and the
// key-dependent rows of the mismatch matrix §6.9. Host-only findings (a
// Vertex host, an Anthropic host under OPENAI) are NormalizeEndpoint's
// warnings and are not repeated here. A Bedrock API key with an empty key
// under AWS is the bearer path and yields no hint.
func KeyShapeHints(t assets.AIType, endpoint, key, secret string) []Hint {
	if !t.Valid() {
		return nil
	}
	h := hinter{t: t}
	h.host, h.hostKnown = hostVendor(endpointHost(endpoint))

	secretShape, secretOK := assets.MatchTokenShape(secret)
	keyShape, keyOK := assets.MatchTokenShape(key)

	// AWS: the two fields swapped is one mistake, so one hint.
	if t == assets.AWS && secretOK && secretShape.Field == "key" && awsSecretRe.MatchString(key) {
		h.add("key", assets.AWS, "AWS", fmt.Sprintf(
			"The key and secret look swapped: the key takes the access key ID (%s…), the secret the 40-character secret access key.", secretShape.Prefix))
		return h.hints
	}

	switch {
	case secret == "":
	case secretOK && secretShape.Field == "key":
		msg := fmt.Sprintf("The secret looks like %s (%s…): it belongs in the key field; the secret is the 40-character secret access key.", withArticle(secretShape.Name), secretShape.Prefix)
		if t != secretShape.Type {
			msg = fmt.Sprintf("The secret looks like %s (%s…); did you mean type %s? It belongs in the key field.", withArticle(secretShape.Name), secretShape.Prefix, secretShape.Type)
		}
		h.add("secret", secretShape.Type, secretShape.Vendor, msg)
	case secretOK:
		h.shape("secret", secretShape)
	case t == assets.AWS && awsCSVRe.MatchString(secret):
		h.add("secret", assets.AWS, "AWS", "The secret looks like a line from the AWS credentials CSV: put the part before the comma in the key field and the rest in the secret field.")
	case t == assets.OpenAI && h.hostKnown && h.host.Vendor == vendorAzure && azureKeyRe.MatchString(secret):
		h.add("secret", assets.Other, vendorAzure, "This looks like an Azure OpenAI key: Azure needs its api-key header, so choose type OTHER.")
	}

	switch {
	case key == "":
	case t == assets.AWS && isBedrockAPIKey(secret) && (!keyOK || keyShape.Field != "secret"):
		h.add("key", assets.AWS, "Amazon Bedrock", "With a Bedrock API key as the secret, leave the key empty: it isn't used.")
	case keyOK && keyShape.Field == "secret" && keyShape.Type == t:
		where := fmt.Sprintf("%s doesn't use the key field", t)
		if t == assets.AWS {
			where = "leave the key empty"
		}
		h.add("key", t, keyShape.Vendor, fmt.Sprintf("The key looks like %s (%s…): it belongs in the secret field; %s.", withArticle(keyShape.Name), keyShape.Prefix, where))
	case keyOK && keyShape.Field == "secret" && !keyShape.Generic:
		h.add("key", keyShape.Type, keyShape.Vendor, fmt.Sprintf("The key looks like %s (%s…): it belongs in the secret field, under type %s.", withArticle(keyShape.Name), keyShape.Prefix, keyShape.Type))
	case keyOK && keyShape.Field == "key":
		h.shape("key", keyShape)
	case t == assets.AWS && awsSecretRe.MatchString(key):
		h.add("key", assets.AWS, "AWS", "The key looks like a 40-character secret access key: the key field takes the access key ID (AKIA…). Are the two swapped?")
	}
	return h.hints
}

type hinter struct {
	t         assets.AIType
	host      knownHost
	hostKnown bool
	hints     []Hint
}

func (h *hinter) add(field string, likely assets.AIType, vendor, msg string) {
	h.hints = append(h.hints, Hint{Field: field, LikelyType: likely, Vendor: vendor, Message: msg})
}

// shape adds the hint for a credential of shape s found in field.
func (h *hinter) shape(field string, s assets.TokenShape) {
	looks := fmt.Sprintf("The %s looks like %s (%s…)", field, withArticle(s.Name), s.Prefix)
	hostName := h.host.Vendor
	otherHost := h.hostKnown && hostName != vendorVertex && !sameProvider(s, h.host)
	switch {
	case s.Generic:
		// A JWT says nothing about the vendor; it only matters where an
		// API key is expected instead (Type).
		if h.t == s.Type {
			h.add(field, "", s.Vendor, fmt.Sprintf("%s: %s.", looks, s.Note))
		}
	case s.Unsupported:
		h.add(field, s.Type, s.Vendor, fmt.Sprintf("%s: %s.", looks, s.Note))
	case s.Type == h.t && s.Note != "":
		h.add(field, s.Type, s.Vendor, fmt.Sprintf("%s: %s.", looks, s.Note))
	case s.Type == h.t && h.t == assets.Other && otherHost:
		h.add("endpoint", s.Type, s.Vendor, fmt.Sprintf("%s, but the endpoint is %s's: use %s's base URL.", looks, hostName, s.Vendor))
	case s.Type == h.t:
	case h.t == assets.Other && s.Field == "secret":
		// OTHER may front any provider (a gateway passing keys through,
		// Gemini's OpenAI-compatible surface); only a known host of a
		// different vendor is a real conflict.
		if otherHost {
			h.add("endpoint", s.Type, s.Vendor, fmt.Sprintf("%s, but the endpoint is %s's.", looks, hostName))
		}
	case s.Type == assets.Other && h.hostKnown && h.host.Type == h.t:
		h.add("endpoint", s.Type, s.Vendor, fmt.Sprintf("%s, but the endpoint is %s's: set %s's base URL and choose type OTHER.", looks, hostName, s.Vendor))
	case s.Type == assets.Other:
		h.add(field, s.Type, s.Vendor, fmt.Sprintf("%s: with %s's base URL, choose type OTHER.", looks, s.Vendor))
	case h.hostKnown && sameProvider(s, h.host) && hostName != vendorVertex:
		h.add(field, s.Type, s.Vendor, fmt.Sprintf("%s and the endpoint is %s's: choose type %s.", looks, hostName, s.Type))
	default:
		h.add(field, s.Type, s.Vendor, fmt.Sprintf("%s; did you mean type %s?", looks, s.Type))
	}
}

// sameProvider reports whether credential shape s belongs to host k.
func sameProvider(s assets.TokenShape, k knownHost) bool {
	if s.Type != assets.Other || k.Type != assets.Other {
		return s.Type == k.Type
	}
	return s.Vendor == k.Vendor
}

// endpointHost extracts the lower-cased host from a raw or normalised
// endpoint, or "" when there is none.
func endpointHost(endpoint string) string {
	e := trimEdges(endpoint)
	if e == "" {
		return ""
	}
	if !schemeRe.MatchString(e) {
		e = "https://" + strings.TrimPrefix(e, "//")
	}
	u, err := url.Parse(e)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// withArticle prefixes a credential name with "a" or "an".
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiox", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// RequiresKey reports whether type t needs the key field for this secret:
// AWS needs the access key ID for SigV4, except when the secret is a Bedrock
// API key (ABSK… or bedrock-api-key-…), which is sent as a bearer token on
// its own (provider-probes §5.1).
func RequiresKey(t assets.AIType, secret string) bool {
	return t == assets.AWS && !isBedrockAPIKey(secret)
}

func isBedrockAPIKey(secret string) bool {
	return strings.HasPrefix(secret, "ABSK") || strings.HasPrefix(secret, "bedrock-api-key-")
}
