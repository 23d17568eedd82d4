package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// ProbeEmptyPayloadHash is the SHA-256 of an empty body, the payload hash
// of a signed GET.
const ProbeEmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// ProbeSigningService is the SigV4 service name of the Bedrock control
// plane (ListFoundationModels).
const ProbeSigningService = "bedrock"

// buildAWSProbe builds ListFoundationModels. The probe targets the control
// plane (bedrock.REGION…) even when the endpoint is the runtime host
// (bedrock-runtime.REGION…), because the runtime has no cheap read-only
// operation and mixing the two only yields "operation not recognized".
func buildAWSProbe(ctx context.Context, req ProbeRequest, base *url.URL) (*http.Request, string, error) {
	host := strings.ToLower(base.Hostname())
	u := *base
	switch {
	case strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn"):
		if req.Region == "" {
			return nil, "", ErrProbeRegion
		}
		service := "bedrock"
		if first, _, _ := strings.Cut(host, "."); strings.Contains(first, "fips") {
			service = "bedrock-fips"
		}
		suffix := ".amazonaws.com"
		if strings.HasSuffix(host, ".cn") {
			suffix += ".cn"
		}
		u = url.URL{Scheme: "https", Host: service + "." + req.Region + suffix, Path: "/foundation-models"}
	default:
		// A gateway or test server under type AWS: sign for the explicit
		// region and keep its path.
		if req.Region == "" {
			return nil, "", ErrProbeRegion
		}
		u.Path = strings.TrimRight(u.Path, "/") + "/foundation-models"
		u.RawQuery = ""
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("probe: build request: %w", err)
	}
	if req.BearerAuth {
		r.Header.Set("Authorization", "Bearer "+req.Secret)
		probeCommonHeaders(r)
		return r, "bearer", nil
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	// Sign only host, x-amz-date, x-amz-content-sha256 and the session
	// token: a header a proxy may rewrite must not be signed, or AWS
	// answers InvalidSignatureException (provider-probes §5.3). Accept and
	// User-Agent are therefore added after signing.
	r.Header.Set("X-Amz-Content-Sha256", ProbeEmptyPayloadHash)
	creds := aws.Credentials{AccessKeyID: req.Key, SecretAccessKey: req.Secret, SessionToken: req.SessionToken, Source: "fbllm"}
	if err := v4.NewSigner().SignHTTP(ctx, creds, r, ProbeEmptyPayloadHash, ProbeSigningService, req.Region, now().UTC()); err != nil {
		return nil, "sigv4", fmt.Errorf("probe: sign request: %w", err)
	}
	probeCommonHeaders(r)
	return r, "sigv4", nil
}
