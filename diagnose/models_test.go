package diagnose

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/internal/providertest"
)

// TestVerifiedReportNamesTheModels: a verified report carries how many
// models the key reaches and the first ids, which the models check names
// too, for every provider's list shape.
func TestVerifiedReportNamesTheModels(t *testing.T) {
	t.Parallel()
	for _, typ := range []assets.AIType{assets.OpenAI, assets.Anthropic, assets.Google, assets.AWS} {
		srv := providertest.NewProviderServer(providerOptions(typ, ""))
		t.Cleanup(srv.Close)
		target := Target{Config: ConfigRef{Name: "m", AIType: typ, Endpoint: srv.URL + map[assets.AIType]string{
			assets.OpenAI: "/v1", assets.Anthropic: "", assets.Google: "/v1beta", assets.AWS: ""}[typ]}}
		switch typ {
		case assets.OpenAI:
			target.Secret = openAIKey
		case assets.Anthropic:
			target.Secret = anthropicKey
		case assets.Google:
			target.Secret = geminiKey
		case assets.AWS:
			target.Secret, target.Region = bedrockAPIKey, "us-east-1"
		}
		rep := runOne(t, target, testTransport(t, nil, client.TransportOptions{}))
		require.Equal(t, StatusVerified, rep.Status, "%s: %v", typ, rep.Diagnoses)
		require.NotNil(t, rep.Models, typ)
		require.Positive(t, rep.Models.Count, typ)
		require.NotEmpty(t, rep.Models.First, typ)
		c, ok := rep.Check(CheckModels)
		require.True(t, ok)
		require.Contains(t, c.Detail, rep.Models.First[0], typ)
	}
}

// TestModelIDsAreCappedAndCleaned: a server's model list is outside data:
// only the first few ids are kept, cut short and free of control
// characters.
func TestModelIDsAreCappedAndCleaned(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"object":"list","data":[`)
	for i := range 40 {
		if i > 0 {
			b.WriteString(",")
		}
		if i == 0 {
			b.WriteString(`{"id":"evil\u001b[31m-model` + strings.Repeat("x", 200) + `"}`)
			continue
		}
		b.WriteString(`{"id":"model-` + strings.Repeat("a", i%3) + `"}`)
	}
	b.WriteString(`]}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+otherKey {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"error":{"message":"bad key"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(b.String()))
	}))
	t.Cleanup(srv.Close)
	rep := runOne(t, Target{Config: ConfigRef{Name: "m", AIType: assets.Other, Endpoint: srv.URL + "/v1"}, Secret: otherKey},
		testTransport(t, nil, client.TransportOptions{}))
	require.NotNil(t, rep.Models, "%v", rep.Diagnoses)
	require.Equal(t, 40, rep.Models.Count)
	require.LessOrEqual(t, len(rep.Models.First), maxModelIDs)
	for _, id := range rep.Models.First {
		require.NotContains(t, id, "\x1b")
		require.LessOrEqual(t, len(id), maxModelIDLen+len("…"))
	}
}
