package diagnose

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
	"github.com/fbllm/fbllm/internal/redact"
)

// seedFixtures adds every captured body to a fuzz corpus, beside the
// files in testdata/fuzz.
func seedFixtures(f *testing.F, add func(fx providertest.Fixture)) {
	fixtures, err := providertest.Fixtures()
	if err != nil {
		f.Fatal(err)
	}
	for _, fx := range fixtures {
		add(fx)
	}
}

var fuzzTypes = []assets.AIType{assets.OpenAI, assets.Google, assets.Anthropic, assets.AWS, assets.Other}

// FuzzClassify feeds arbitrary statuses, headers and bodies to the
// classifier. It must never panic, must always name a PRODUCT §6 code
// (or "" only for a 2xx), and must never call a non-provider refusal (an
// HTML 401/403) a key problem.
func FuzzClassify(f *testing.F) {
	seedFixtures(f, func(fx providertest.Fixture) {
		f.Add(uint8(0), fx.Status, fx.Header.Get("Content-Type"), fx.Header.Get("x-amzn-ErrorType"), "", fx.Body)
	})
	f.Add(uint8(4), 200, "application/json", "", "", []byte(`{"object":"list","data":[]}`))
	f.Add(uint8(1), 302, "text/html", "", "https://login.example/portal", []byte("<html>"))
	f.Add(uint8(2), 403, "text/html", "", "", []byte("<html>Zscaler</html>"))
	f.Fuzz(func(t *testing.T, typ uint8, status int, contentType, errorType, location string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		h := http.Header{}
		h.Set("Content-Type", contentType)
		if errorType != "" {
			h.Set("X-Amzn-ErrorType", errorType)
		}
		if location != "" {
			h.Set("Location", location)
		}
		res := &client.ProbeResult{Method: "GET", URL: "https://api.example.com/v1/models", StatusCode: status, Header: h, Body: body, Phase: client.PhaseBody}
		at := fuzzTypes[int(typ)%len(fuzzTypes)]
		fd := Classify(at, res)
		if fd.Code == "" {
			if status < 200 || status >= 300 {
				t.Fatalf("no code for HTTP %d", status)
			}
		} else if !isKnownCode(fd.Code) {
			t.Fatalf("unknown code %q", fd.Code)
		}
		trimmed := strings.TrimSpace(strings.ToLower(string(body)))
		if (status == 401 || status == 403) && strings.HasPrefix(trimmed, "<html") && strings.HasPrefix(fd.Code, "auth.") {
			t.Fatalf("an HTML %d was called %s", status, fd.Code)
		}
		// Rendering the finding never leaves a placeholder or panics.
		d := render(fd.Code, fd.Variant, "", fd.Vars, "x", redact.New())
		if fd.Code != "" && placeholderRe.MatchString(d.Title+d.Explanation+strings.Join(d.Steps, "")) {
			t.Fatalf("unfilled placeholder in %+v", d)
		}
	})
}

// FuzzDecodeEnvelope checks the error-envelope decoder on arbitrary
// bodies: no panic, and a dialect only from the known set.
func FuzzDecodeEnvelope(f *testing.F) {
	seedFixtures(f, func(fx providertest.Fixture) { f.Add(fx.Header.Get("x-amzn-ErrorType"), fx.Body) })
	f.Add("", []byte(`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}`))
	f.Add("", []byte(`{"error":null}`))
	f.Add("", []byte(`{"error":{"code":1e999}}`))
	f.Add("Foo#Bar:http://x", []byte(`{"Message":1}`))
	known := map[string]bool{"": true, DialectOpenAI: true, DialectAnthropic: true, DialectGoogle: true, DialectAWS: true,
		DialectVLLM: true, DialectLiteLLM: true, DialectOpenRouter: true, DialectAzure: true, DialectAPIM: true, DialectFastAPI: true}
	f.Fuzz(func(t *testing.T, errorType string, body []byte) {
		h := http.Header{}
		if errorType != "" {
			h.Set("X-Amzn-ErrorType", errorType)
		}
		env := DecodeEnvelope(h, body)
		if !known[env.Dialect] {
			t.Fatalf("unknown dialect %q", env.Dialect)
		}
		if errorType != "" && env.Dialect != DialectAWS {
			t.Fatalf("x-amzn-ErrorType must make the dialect aws, got %q", env.Dialect)
		}
		_, _ = successSchema(body)
		_ = responseEvidence(400, env, body, "")
	})
}

func isKnownCode(code string) bool {
	for _, c := range assets.DiagnosisCodes {
		if c == code {
			return true
		}
	}
	return false
}
