package providertest

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var (
	sigv4AuthRe = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$`)
)

const amzErrorSuffix = ":http://internal.amazon.com/coral/com.amazon.coral.service/"

func awsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("x-amzn-ErrorType", code+amzErrorSuffix)
	w.Header().Set("x-amzn-RequestId", "5e1d2c3b-aaaa-4bbb-8ccc-000000000000")
	writeJSON(w, status, map[string]string{"message": msg})
}

// serveBedrock is ListFoundationModels. A SigV4 request is verified the way
// AWS does it: the fake re-signs the same request with the secret it
// expects for the access key ID and compares signatures, so a wrong secret
// fails exactly like InvalidSignatureException and a right one passes.
func (p *Provider) serveBedrock(w http.ResponseWriter, r *http.Request) {
	o := p.opts
	if !strings.HasSuffix(r.URL.Path, "/foundation-models") {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(404)
		_, _ = w.Write([]byte("<UnknownOperationException/>"))
		return
	}
	switch o.Scenario {
	case ScenarioServerError:
		awsError(w, 500, "InternalServerException", "Internal server error")
		return
	case ScenarioOverloaded:
		awsError(w, 503, "ServiceUnavailableException", "Service is temporarily unavailable.")
		return
	}
	auth := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(auth, "Bearer "); ok {
		switch {
		case !strings.HasPrefix(token, "ABSK") && !strings.HasPrefix(token, "bedrock-api-key-"):
			awsError(w, 403, "AccessDeniedException", "Invalid API Key format: Must start with pre-defined prefix")
		case !p.valid(token):
			awsError(w, 403, "AccessDeniedException", "Authentication failed: Please make sure your API Key is valid.")
		default:
			p.bedrockAuthorized(w)
		}
		return
	}
	m := sigv4AuthRe.FindStringSubmatch(auth)
	if m == nil {
		awsError(w, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	akid, region, service, signed, sig := m[1], m[3], m[4], m[5], m[6]
	secret, known := o.AWSCredentials[akid]
	if want, temp := o.AWSSessionTokens[akid]; temp && r.Header.Get("X-Amz-Security-Token") != want {
		known = false
	}
	if !known {
		writeFixture(w, r, "bedrock_403_unrecognized_client.json")
		return
	}
	if region != o.Region {
		awsError(w, 403, "InvalidSignatureException", "Credential should be scoped to a valid region, not '"+region+"'. ")
		return
	}
	if service != "bedrock" {
		awsError(w, 403, "InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'. ")
		return
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		awsError(w, 400, "IncompleteSignatureException", "The request signature does not conform to AWS standards.")
		return
	}
	now := o.Now().UTC()
	if d := now.Sub(at); d > 5*time.Minute || d < -5*time.Minute {
		awsError(w, 403, "InvalidSignatureException", "Signature expired: "+at.Format("20060102T150405Z")+" is now earlier than "+
			now.Add(-5*time.Minute).Format("20060102T150405Z")+" ("+now.Format("20060102T150405Z")+" - 5 min.)")
		return
	}
	if !signatureMatches(r, signed, sig, aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}, region, at) {
		// AWS quotes the canonical request it computed: here, the probe's
		// own signed headers (the captured fixture shows a proxy's).
		awsError(w, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"+
			"The Canonical String for this request should have been\n'"+r.Method+"\n"+r.URL.Path+"\n\n"+signed+"'\n")
		return
	}
	p.bedrockAuthorized(w)
}

// signatureMatches rebuilds the request from the signed headers only and
// signs it with the expected secret.
func signatureMatches(r *http.Request, signedHeaders, sig string, creds aws.Credentials, region string, at time.Time) bool {
	u := *r.URL
	u.Scheme = "https"
	if r.TLS == nil {
		u.Scheme = "http"
	}
	u.Host = r.Host
	clone, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return false
	}
	names := strings.Split(signedHeaders, ";")
	for _, n := range names {
		if n == "host" || n == "x-amz-date" || n == "authorization" {
			continue
		}
		clone.Header[http.CanonicalHeaderKey(n)] = r.Header.Values(n)
	}
	if !slices.Contains(names, "x-amz-security-token") {
		creds.SessionToken = ""
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, clone, payload, "bedrock", region, at); err != nil {
		return false
	}
	got := sigv4AuthRe.FindStringSubmatch(clone.Header.Get("Authorization"))
	return got != nil && got[6] == sig
}

func (p *Provider) bedrockAuthorized(w http.ResponseWriter) {
	switch p.opts.Scenario {
	case ScenarioLimited:
		w.Header().Set("x-amzn-ErrorType", "AccessDeniedException"+amzErrorSuffix)
		writeJSON(w, 403, map[string]string{"Message": "User: arn:aws:iam::123456789012:user/probe is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action"})
	case ScenarioRateLimit:
		w.Header().Set("Retry-After", "2")
		awsError(w, 429, "ThrottlingException", "Too many requests, please wait before trying again.")
	case ScenarioQuota:
		awsError(w, 400, "ServiceQuotaExceededException", "Your account has exceeded its service quota for this operation.")
	case ScenarioRegionBlock:
		awsError(w, 403, "AccessDeniedException", "Your account is not authorized to invoke this API operation in this region.")
	default:
		writeJSON(w, 200, map[string]any{"modelSummaries": []map[string]any{{
			"modelArn":  "arn:aws:bedrock:" + p.opts.Region + "::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",
			"modelId":   "anthropic.claude-sonnet-4-20250514-v1:0",
			"modelName": "Claude Sonnet 4", "providerName": "Anthropic",
			"inputModalities": []string{"TEXT", "IMAGE"}, "outputModalities": []string{"TEXT"},
			"modelLifecycle": map[string]string{"status": "ACTIVE"},
		}}}, "x-amzn-RequestId", "8f1d2c3b-aaaa-4bbb-8ccc-000000000000")
	}
}
