package providertest

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
)

// TestFixturesMatchReadme checks the replayer's status table against the
// README that documents each capture, so the two cannot drift.
func TestFixturesMatchReadme(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("testdata/fixtures/README.md")
	require.NoError(t, err)
	rows := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| \\**(\\d{3})").FindAllStringSubmatch(string(readme), -1)
	fixtures, err := Fixtures()
	require.NoError(t, err)
	require.Len(t, rows, len(fixtures), "every fixture has a README row")
	byName := map[string]Fixture{}
	for _, f := range fixtures {
		byName[f.Name] = f
	}
	for _, row := range rows {
		f, ok := byName[row[1]]
		require.True(t, ok, "README lists %s but it is not served", row[1])
		want, _ := strconv.Atoi(row[2])
		require.Equal(t, want, f.Status, f.Name)
	}
	// The copies are byte-identical to the shared reference when it is
	// beside the repository.
	for _, dir := range []string{"../../../shared/reference/fixtures", "/work/shared/reference/fixtures"} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		for _, f := range fixtures {
			orig, err := os.ReadFile(dir + "/" + f.Name)
			require.NoError(t, err)
			require.Equal(t, string(orig), string(f.Body), f.Name)
		}
		break
	}
}

func TestFixtureHandlerEchoesLikeProviders(t *testing.T) {
	t.Parallel()
	fixtures, err := Fixtures()
	require.NoError(t, err)
	for _, f := range fixtures {
		if f.Name != "openai_401_invalid_api_key.json" {
			continue
		}
		srv := NewFixtureServer(f)
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/models", nil)
		req.Header.Set("Authorization", "Bearer sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 401, resp.StatusCode)
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		require.Contains(t, string(body), "sk-proj-*")
		require.Contains(t, string(body), "WXYZ.")
		return
	}
	t.Fatal("fixture not found")
}

// TestBedrockVerifiesSignatures: the fake accepts a request signed with
// the right secret and refuses one signed with another, like AWS.
func TestBedrockVerifiesSignatures(t *testing.T) {
	t.Parallel()
	const akid, secret = "AKIAZ7TESTFBLLM23456", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYfbllmTEST1"
	srv := NewProviderServer(ProviderOptions{Type: assets.AWS, AWSCredentials: map[string]string{akid: secret}})
	defer srv.Close()
	tr, err := client.NewTransport(client.TransportOptions{Getenv: func(string) string { return "" }})
	require.NoError(t, err)
	defer tr.CloseIdleConnections()
	probe := func(key, sec string, now time.Time) (int, string) {
		res := client.Probe(context.Background(), tr, client.ProbeRequest{Type: assets.AWS, Endpoint: srv.URL, Key: key, Secret: sec, Region: "us-east-1", Now: func() time.Time { return now }})
		require.NoError(t, res.Err)
		return res.StatusCode, res.Header.Get("X-Amzn-Errortype")
	}
	st, _ := probe(akid, secret, time.Now())
	require.Equal(t, 200, st)
	st, et := probe(akid, secret[:39]+"X", time.Now())
	require.Equal(t, 403, st)
	require.True(t, strings.HasPrefix(et, "InvalidSignatureException:"))
	st, et = probe("AKIAZ7TESTFBLLM00000", secret, time.Now())
	require.Equal(t, 403, st)
	require.True(t, strings.HasPrefix(et, "UnrecognizedClientException:"))
	st, et = probe(akid, secret, time.Now().Add(-time.Hour))
	require.Equal(t, 403, st)
	require.True(t, strings.HasPrefix(et, "InvalidSignatureException:"))
}

func TestConnectProxy(t *testing.T) {
	t.Parallel()
	ca, err := NewCA("Proxy CA", "fbllm tests")
	require.NoError(t, err)
	p, err := NewConnectProxy(ConnectProxyOptions{CA: ca, Hosts: map[string]http.Handler{
		"api.openai.com": NewProvider(ProviderOptions{Type: assets.OpenAI, ValidSecrets: []string{"sk-good"}}),
	}})
	require.NoError(t, err)
	defer p.Close()
	tr, err := client.NewTransport(client.TransportOptions{RootCAs: ca.Pool(), Getenv: func(k string) string {
		if k == "HTTPS_PROXY" {
			return p.URL
		}
		return ""
	}})
	require.NoError(t, err)
	defer tr.CloseIdleConnections()
	res := client.Probe(context.Background(), tr, client.ProbeRequest{Type: assets.OpenAI, Endpoint: "https://api.openai.com/v1", Secret: "sk-good"})
	require.NoError(t, res.Err)
	require.Equal(t, 200, res.StatusCode)
	require.Equal(t, []string{"api.openai.com:443"}, p.Connects())
	require.NotNil(t, res.TLS)
	require.Contains(t, res.TLS.Issuer, "Proxy CA")
	require.Equal(t, "HTTPS_PROXY", res.Proxy.Source)

	res = client.Probe(context.Background(), tr, client.ProbeRequest{Type: assets.Other, Endpoint: "https://unknown.example.com/v1", Secret: "x"})
	require.NoError(t, res.Err)
	require.Equal(t, http.StatusBadGateway, res.StatusCode)
}

func TestScenariosAnswerWithoutAKey(t *testing.T) {
	t.Parallel()
	for _, typ := range []assets.AIType{assets.OpenAI, assets.Anthropic, assets.Google, assets.AWS, assets.Other} {
		srv := NewProviderServer(ProviderOptions{Type: typ, Scenario: ScenarioServerError})
		resp, err := http.Get(srv.URL + map[assets.AIType]string{assets.OpenAI: "/v1/models", assets.Anthropic: "/v1/models",
			assets.Google: "/v1beta/models", assets.AWS: "/foundation-models", assets.Other: "/v1/models"}[typ])
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, 500, resp.StatusCode, typ)
		srv.Close()
	}
}
