package flashbacktest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Validator checks a configuration the way Flashback's validation does: a
// real call to the provider. nil means the configuration works; an error's
// text becomes the tail of the failure message ("… Error: <text>").
type Validator func(ctx context.Context, l LLM) error

// ValidationTimeout bounds DefaultValidator's provider call.
const ValidationTimeout = 5 * time.Second

// DefaultValidator returns a Validator that sends GET {endpoint}/models with
// the secret as a Bearer token through hc (nil: a plain http.Client), with
// a 5 s timeout: 200 passes; any other status fails with "<code> <text>",
// and a transport error with its message. It is the only part of the
// package that reaches the network, and only the configured endpoint.
func DefaultValidator(hc *http.Client) Validator {
	if hc == nil {
		hc = &http.Client{}
	}
	return func(ctx context.Context, l LLM) error {
		ctx, cancel := context.WithTimeout(ctx, ValidationTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(l.Endpoint, "/")+"/models", nil)
		if err != nil {
			return fmt.Errorf("invalid endpoint")
		}
		req.Header.Set("Authorization", "Bearer "+l.Secret)
		resp, err := hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("timeout after %s", ValidationTimeout)
			}
			return fmt.Errorf("endpoint unreachable")
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		}
		return nil
	}
}

// SecretValidator returns a Validator that never touches the network: it
// fails with "401 Unauthorized" for the listed secrets and passes every
// other configuration. The demo uses it until simulated providers exist.
func SecretValidator(rejected ...string) Validator {
	bad := map[string]bool{}
	for _, s := range rejected {
		bad[s] = true
	}
	return func(_ context.Context, l LLM) error {
		if bad[l.Secret] {
			return fmt.Errorf("401 Unauthorized")
		}
		return nil
	}
}
