//go:build linux

package realsys

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/internal/providertest"
)

// The suite's credentials: the key nginx's key-checking locations accept,
// and the proxy account squid's helper accepts.
const (
	apiKey    = "sk-realsys-7f3c9b2e8a714d6c9e0f1a2b3c4d5e6f"
	proxyUser = "alice"
	proxyPass = "Sq1d-pass-4e7b"
	// The names squid resolves to 127.0.0.1 (its own hosts file; .internal
	// names may use http://, as private-network names): the
	// probe never resolves a proxied host, and Go never proxies loopback.
	llmHost    = "llm.realsys.internal"
	downHost   = "down.realsys.internal"
	deniedHost = "denied.realsys.internal"
)

// need fails under .ci/run (FBLLM_CI=1), which installs squid and nginx,
// and skips loudly elsewhere, naming what is missing.
func need(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("FBLLM_CI") == "1" {
		t.Fatalf("CI must run the real-systems suite, but: %s", reason)
	}
	t.Skipf("SKIPPING the real-systems suite: %s (apt-get install squid nginx; .ci/run installs them)", reason)
}

// findBinary looks a system daemon up in PATH and the sbin directories,
// which are not in every user's PATH.
func findBinary(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// freePorts returns n distinct free loopback ports.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		require.NoError(t, l.Close())
	}
	return ports
}

// daemon starts cmd in its own process group and stops the group when the
// test ends (SIGTERM, then SIGKILL after a grace period).
func daemon(t *testing.T, name string, cmd *exec.Cmd, ready []int) {
	t.Helper()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start(), "start %s", name)
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for _, port := range ready {
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
			if err == nil {
				_ = c.Close()
				break
			}
			select {
			case <-exited:
				t.Fatalf("%s exited at start:\n%s", name, out.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s is not listening on %d after 15 s:\n%s", name, port, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// writePEM writes a certificate chain and its key for nginx.
func writePEM(t *testing.T, dir, name string, c *tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	var chain []byte
	for _, der := range c.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	require.NoError(t, os.WriteFile(certFile, chain, 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600))
	return certFile, keyFile
}

// world is the running software of the suite.
type world struct {
	bin     string // the built fbllm
	caFile  string // the CA of nginx's good certificate, for FBLLM_CA_FILE
	home    string
	tls     int // nginx, good certificate
	expired int // nginx, expired certificate
	wrong   int // nginx, certificate for another host
	http    int // nginx, plain http
	closed  int // nothing listens (upstream down)
	denied  int // a TLS port squid's CONNECT policy refuses
	squid   int // squid, open
	squidAu int // squid, basic auth
}

const openAIList = `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]}`

const invalidKey = `{"error":{"message":"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`

const prismUnauthorized = `{"type":"https://stoplight.io/prism/errors#UNAUTHORIZED","title":"Invalid security scheme used","status":401,"detail":"Your request does not fullfil the security requirements and no HTTP unauthorized response was found in the spec, so Prism is generating this error for you."}`

func startWorld(t *testing.T) *world {
	t.Helper()
	nginx, squid := findBinary("nginx"), findBinary("squid")
	var missing []string
	if nginx == "" {
		missing = append(missing, "nginx")
	}
	if squid == "" {
		missing = append(missing, "squid")
	}
	if len(missing) > 0 {
		need(t, strings.Join(missing, " and ")+" not installed")
	}
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// squid refuses to run as root and drops to nobody, which must
		// reach its helper and hosts file under the test's temp dir.
		for _, d := range []string{filepath.Dir(dir), dir} {
			require.NoError(t, os.Chmod(d, 0o755))
		}
	}
	w := &world{home: filepath.Join(dir, "home")}
	require.NoError(t, os.MkdirAll(w.home, 0o700))

	// Build the binary while the servers start.
	var build sync.WaitGroup
	var buildOut []byte
	var buildErr error
	w.bin = filepath.Join(dir, "fbllm")
	build.Add(1)
	go func() {
		defer build.Done()
		buildOut, buildErr = exec.Command("go", "build", "-o", w.bin, "github.com/fbllm/fbllm").CombinedOutput()
	}()

	ports := freePorts(t, 8)
	w.tls, w.expired, w.wrong, w.http, w.closed, w.denied, w.squid, w.squidAu = ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7]
	hang, err := providertest.Blackhole("http") // an upstream that never answers: nginx's 504
	require.NoError(t, err)
	t.Cleanup(hang.Close)
	hangAddr := strings.TrimSuffix(strings.TrimPrefix(hang.URL, "http://"), "/v1")

	w.startNginx(t, nginx, filepath.Join(dir, "nginx"), hangAddr)
	w.startSquid(t, squid, filepath.Join(dir, "squid"))
	build.Wait()
	require.NoError(t, buildErr, "go build: %s", buildOut)
	return w
}

func (w *world) startNginx(t *testing.T, bin, dir, hangAddr string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "www"), 0o755))
	ca, err := providertest.NewCA("FBLLM Real Systems Test CA", "fbllm tests")
	require.NoError(t, err)
	caFile, err := ca.WritePEM(dir)
	require.NoError(t, err)
	w.caFile = caFile
	good, err := ca.Issue(llmHost, "localhost", "127.0.0.1")
	require.NoError(t, err)
	expired, err := ca.IssueValid(time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), llmHost, "127.0.0.1")
	require.NoError(t, err)
	other, err := ca.Issue("other.realsys.test")
	require.NoError(t, err)
	goodCrt, goodKey := writePEM(t, dir, "good", good)
	expCrt, expKey := writePEM(t, dir, "expired", expired)
	othCrt, othKey := writePEM(t, dir, "other", other)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "www", "models.json"), []byte(openAIList), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "htpasswd"), []byte("gateway:{PLAIN}gateway-pass\n"), 0o644))

	// api is the OpenAI-compatible part: a key-checking /v1/models in
	// OpenAI's format, and the locations of the failure cases.
	api := fmt.Sprintf(`
		location = /v1/models {
			default_type application/json;
			if ($http_authorization != "Bearer %[1]s") { return 401 '%[2]s'; }
			return 200 '%[3]s';
		}
		location = /open/v1/models { default_type application/json; return 200 '%[3]s'; }
		location = /empty/v1/models { default_type application/json; return 200 '{"object":"list","data":null}'; }
		location /bad502/ { proxy_pass http://127.0.0.1:%[4]d; }
		location /slow504/ { proxy_pass http://%[5]s; proxy_connect_timeout 1s; proxy_read_timeout 1s; }
		location /big/ { return 413; }
		location /basic/ {
			auth_basic "LLM gateway";
			auth_basic_user_file %[6]s/htpasswd;
			default_type application/json;
			alias %[6]s/www/models.json;
		}
		location /mock/ {
			default_type application/problem+json;
			add_header WWW-Authenticate Bearer always;
			return 401 '%[7]s';
		}
		location /moved/ { return 301 https://$host:%[8]d$request_uri; }
		location /portal/ { return 302 http://login.captive.realsys.test/login?next=$request_uri; }
	`, apiKey, invalidKey, openAIList, w.closed, hangAddr, dir, prismUnauthorized, w.tls)
	conf := fmt.Sprintf(`
daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	server { listen 127.0.0.1:%[2]d ssl; ssl_certificate %[3]s; ssl_certificate_key %[4]s; %[11]s }
	server { listen 127.0.0.1:%[5]d ssl; ssl_certificate %[6]s; ssl_certificate_key %[7]s; %[11]s }
	server { listen 127.0.0.1:%[8]d ssl; ssl_certificate %[9]s; ssl_certificate_key %[10]s; %[11]s }
	server { listen 127.0.0.1:%[12]d; %[11]s }
	server { listen 127.0.0.1:%[13]d ssl; ssl_certificate %[3]s; ssl_certificate_key %[4]s; %[11]s }
}
`, dir, w.tls, goodCrt, goodKey, w.expired, expCrt, expKey, w.wrong, othCrt, othKey, api, w.http, w.denied)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644))
	daemon(t, "nginx", exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")),
		[]int{w.tls, w.expired, w.wrong, w.http, w.denied})
}

func (w *world) startSquid(t *testing.T, bin, dir string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hosts"),
		[]byte(fmt.Sprintf("127.0.0.1 %s %s %s\n", llmHost, downHost, deniedHost)), 0o644))
	helper := fmt.Sprintf("#!/bin/sh\n# squid's basic auth helper protocol: \"user password\" in, OK or ERR out.\nwhile read -r u p; do if [ \"$u\" = %q ] && [ \"$p\" = %q ]; then echo OK; else echo ERR; fi; done\n", proxyUser, proxyPass)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "auth.sh"), []byte(helper), 0o755))
	user := ""
	if os.Geteuid() == 0 {
		user = "cache_effective_user nobody"
		require.NoError(t, os.Chmod(dir, 0o777)) // nobody writes its log here
	}
	conf := fmt.Sprintf(`
http_port 127.0.0.1:%[2]d name=open
http_port 127.0.0.1:%[3]d name=auth
%[4]s
pid_filename none
cache_log %[1]s/cache.log
access_log none
cache deny all
cache_mem 4 MB
memory_cache_shared off
coredump_dir %[1]s
hosts_file %[1]s/hosts
dns_nameservers 127.0.0.1
pinger_enable off
netdb_filename none
icp_port 0
htcp_port 0
shutdown_lifetime 0 seconds
auth_param basic program %[1]s/auth.sh
auth_param basic children 1
auth_param basic realm fbllm real systems
acl authport myportname auth
acl authed proxy_auth REQUIRED
acl CONNECT method CONNECT
acl SSL_ports port %[5]d %[6]d
acl denied dstdomain %[7]s
http_access deny CONNECT !SSL_ports
http_access deny denied
http_access deny authport !authed
http_access allow all
`, dir, w.squid, w.squidAu, user, w.tls, w.closed, deniedHost)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "squid.conf"), []byte(conf), 0o644))
	daemon(t, "squid", exec.Command(bin, "-N", "-f", filepath.Join(dir, "squid.conf")), []int{w.squid, w.squidAu})
}

// report is what the suite reads of fbllm test --json.
type report struct {
	Status string `json:"status"`
	Checks []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		MS     int64  `json:"ms"`
		Detail string `json:"detail"`
	} `json:"checks"`
	Diagnoses []struct {
		Code        string `json:"code"`
		Severity    string `json:"severity"`
		Title       string `json:"title"`
		Explanation string `json:"explanation"`
		Evidence    string `json:"evidence"`
	} `json:"diagnoses"`
}

// primary is the deciding code: the first error, else the first warning
// that is not about the input.
func (r report) primary() string {
	for _, sev := range []string{"error", "warning"} {
		for _, d := range r.Diagnoses {
			if d.Severity == sev && !strings.HasPrefix(d.Code, "input.") {
				return d.Code
			}
		}
	}
	return ""
}

func (r report) check(id string) (string, string) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c.Status, c.Detail
		}
	}
	return "", ""
}

// probe runs the built binary's ad-hoc test with a clean environment.
func (w *world) probe(t *testing.T, typ, endpoint, secret string, env ...string) (report, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.bin, "test", "--type", typ, "--endpoint", endpoint, "--secret-env", "RS_SECRET", "--json", "--no-input")
	cmd.Env = append([]string{
		"HOME=" + w.home, "PATH=/usr/bin:/bin", "FBLLM_CONFIG_DIR=" + filepath.Join(w.home, "config"),
		"FBLLM_DATA_DIR=" + filepath.Join(w.home, "data"), "FBLLM_NO_INPUT=1", "NO_COLOR=1", "RS_SECRET=" + secret,
	}, env...)
	out, err := cmd.Output()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	var rep report
	require.NoError(t, json.Unmarshal(out, &rep), "fbllm printed: %s", out)
	return rep, string(out), code
}

// TestRealSystems runs the built fbllm against real squid and nginx and
// checks each case's status and deciding code (and, where the issue named
// the words, the words).
func TestRealSystems(t *testing.T) {
	w := startWorld(t)
	squid := fmt.Sprintf("http://127.0.0.1:%d", w.squid)
	squidAuth := func(user, pass string) string {
		if user == "" {
			return fmt.Sprintf("http://127.0.0.1:%d", w.squidAu)
		}
		return fmt.Sprintf("http://%s:%s@127.0.0.1:%d", user, pass, w.squidAu)
	}
	ca := "FBLLM_CA_FILE=" + w.caFile
	tlsURL := func(port int, path string) string { return fmt.Sprintf("https://127.0.0.1:%d%s", port, path) }
	httpURL := fmt.Sprintf("http://127.0.0.1:%d", w.http)
	type tc struct {
		name, typ, endpoint, secret string
		env                         []string
		status, code                string
		says                        []string // in the primary diagnosis (title, explanation, evidence)
	}
	cases := []tc{
		// nginx
		{"nginx TLS, own CA, right key", "OPENAI", tlsURL(w.tls, "/v1"), apiKey, []string{ca}, "verified", "", nil},
		{"nginx TLS, wrong key", "OPENAI", tlsURL(w.tls, "/v1"), apiKey + "x", []string{ca}, "rejected", "auth.invalid_secret", nil},
		{"nginx TLS, CA not trusted", "OTHER", tlsURL(w.tls, "/v1"), apiKey, nil, "unreachable", "endpoint.tls_untrusted", []string{"FBLLM Real Systems Test CA"}},
		{"nginx expired certificate", "OTHER", tlsURL(w.expired, "/v1"), apiKey, []string{ca}, "unreachable", "endpoint.tls_expired", nil},
		{"nginx certificate for another host", "OTHER", tlsURL(w.wrong, "/v1"), apiKey, []string{ca}, "unreachable", "endpoint.tls_hostname", []string{"other.realsys.test"}},
		{"nginx 502 page (upstream down)", "OTHER", tlsURL(w.tls, "/bad502/v1"), apiKey, []string{ca}, "provider_error", "provider.server_error", []string{"gateway", "nginx"}},
		{"nginx 504 page (upstream hangs)", "OTHER", tlsURL(w.tls, "/slow504/v1"), apiKey, []string{ca}, "provider_error", "provider.server_error", []string{"gateway", "504"}},
		{"nginx 413 page", "OTHER", tlsURL(w.tls, "/big/v1"), apiKey, []string{ca}, "misconfigured", "endpoint.not_api", []string{"413", "nginx"}},
		{"nginx basic auth", "OTHER", tlsURL(w.tls, "/basic/v1"), apiKey, []string{ca}, "rejected", "auth.missing_secret", []string{"Basic"}},
		{"nginx http→https redirect, same host", "OTHER", httpURL + "/moved/v1", apiKey, nil, "misconfigured", "endpoint.redirect", []string{"wants https://"}},
		{"nginx redirect to a sign-in page", "OTHER", httpURL + "/portal/v1", apiKey, nil, "misconfigured", "endpoint.redirect", []string{"sign-in page"}},
		{"nginx accepts any key, type OPENAI", "OPENAI", tlsURL(w.tls, "/open/v1"), apiKey, []string{ca}, "unverified", "auth.unverifiable", nil},
		{"nginx empty model list (data: null)", "OTHER", tlsURL(w.tls, "/empty/v1"), apiKey, []string{ca}, "unverified", "auth.unverifiable", nil},
		{"nginx OpenAPI-mock 401 (Bearer) for GOOGLE", "GOOGLE", tlsURL(w.tls, "/mock/v1beta"), "AIzaSyD-FbLlMtEsTkEy0123456789abcdefghi", []string{ca}, "misconfigured", "endpoint.wrong_type", []string{"x-goog-api-key"}},
		{"plain http to nginx's TLS port", "OTHER", fmt.Sprintf("http://127.0.0.1:%d/v1", w.tls), apiKey, nil, "misconfigured", "endpoint.tls_mismatch", nil},
		// squid
		{"squid HTTP_PROXY, right key", "OTHER", fmt.Sprintf("http://%s:%d/v1", llmHost, w.http), apiKey, []string{"HTTP_PROXY=" + squid}, "verified", "", nil},
		{"squid HTTP_PROXY, upstream down", "OTHER", fmt.Sprintf("http://%s:%d/v1", downHost, w.closed), apiKey, []string{"HTTP_PROXY=" + squid}, "unreachable", "endpoint.proxy", []string{"squid could not connect: ERR_CONNECT_FAIL 111"}},
		{"squid HTTP_PROXY, destination denied", "OTHER", fmt.Sprintf("http://%s:%d/v1", deniedHost, w.http), apiKey, []string{"HTTP_PROXY=" + squid}, "blocked", "endpoint.proxy", []string{"ERR_ACCESS_DENIED"}},
		{"squid CONNECT, right key", "OTHER", fmt.Sprintf("https://%s:%d/v1", llmHost, w.tls), apiKey, []string{"HTTPS_PROXY=" + squid, ca}, "verified", "", nil},
		{"squid CONNECT, upstream down", "OTHER", fmt.Sprintf("https://%s:%d/v1", downHost, w.closed), apiKey, []string{"HTTPS_PROXY=" + squid}, "unreachable", "endpoint.proxy", []string{"squid could not connect: ERR_CONNECT_FAIL 111"}},
		{"squid CONNECT denied (port)", "OTHER", fmt.Sprintf("https://%s:%d/v1", llmHost, w.denied), apiKey, []string{"HTTPS_PROXY=" + squid, ca}, "blocked", "endpoint.proxy", []string{"CONNECT → 403"}},
		{"squid basic auth, no credentials", "OTHER", fmt.Sprintf("http://%s:%d/v1", llmHost, w.http), apiKey, []string{"HTTP_PROXY=" + squidAuth("", "")}, "unreachable", "endpoint.proxy", []string{"wants a user name and password"}},
		{"squid basic auth, wrong credentials", "OTHER", fmt.Sprintf("http://%s:%d/v1", llmHost, w.http), apiKey, []string{"HTTP_PROXY=" + squidAuth(proxyUser, "wrong-pass-123")}, "unreachable", "endpoint.proxy", []string{"refused the user name and password"}},
		{"squid basic auth, right credentials", "OTHER", fmt.Sprintf("http://%s:%d/v1", llmHost, w.http), apiKey, []string{"HTTP_PROXY=" + squidAuth(proxyUser, proxyPass)}, "verified", "", nil},
		{"squid CONNECT basic auth, no credentials", "OTHER", fmt.Sprintf("https://%s:%d/v1", llmHost, w.tls), apiKey, []string{"HTTPS_PROXY=" + squidAuth("", ""), ca}, "unreachable", "endpoint.proxy", []string{"407"}},
	}
	var mu sync.Mutex
	var table []string
	t.Cleanup(func() {
		if !t.Failed() {
			t.Logf("cases run against real software:\n| case | status | code |\n|---|---|---|\n%s", strings.Join(table, "\n"))
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rep, out, exit := w.probe(t, c.typ, c.endpoint, c.secret, c.env...)
			if dir := os.Getenv("RS_DUMP"); dir != "" {
				// A look at the whole reports: RS_DUMP=/some/dir.
				_ = os.WriteFile(filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(c.name)+".json"), []byte(out), 0o600)
			}
			require.Equal(t, c.status, rep.Status, "%s", out)
			require.Equal(t, c.code, rep.primary(), "%s", out)
			wantExit := 3
			if c.status == "verified" || c.status == "verified_limited" || c.status == "unverified" {
				wantExit = 0
			}
			require.Equal(t, wantExit, exit, "%s", out)
			for _, s := range []string{c.secret, proxyPass} {
				require.NotContains(t, out, s[len(s)-12:], "a secret piece leaked")
			}
			if len(c.says) > 0 {
				d := rep.Diagnoses[0]
				for _, x := range rep.Diagnoses {
					if x.Code == c.code {
						d = x
						break
					}
				}
				for _, s := range c.says {
					require.Contains(t, d.Title+" "+d.Explanation+" "+d.Evidence, s, "%s", out)
				}
			}
			mu.Lock()
			table = append(table, fmt.Sprintf("| %s | %s | %s |", c.name, rep.Status, cmpOr(rep.primary(), "—")))
			mu.Unlock()
		})
	}
	t.Run("empty model list is reachable with no models yet", func(t *testing.T) {
		rep, out, _ := w.probe(t, "OTHER", tlsURL(w.tls, "/empty/v1"), apiKey, ca)
		st, detail := rep.check("models")
		require.Equal(t, "warn", st, out)
		require.Contains(t, detail, "no models available yet")
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
