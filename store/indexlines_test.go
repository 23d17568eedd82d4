package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// jsonLine is a configuration's line as encodeIndex writes it.
func jsonLine(t testing.TB, c Config) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(c))
	return strings.TrimSuffix(buf.String(), "\n")
}

// requireLineAgrees checks decodeLine against encoding/json: a line it
// accepts decodes to what encoding/json makes of it and is exactly the
// line encodeIndex writes for the result.
func requireLineAgrees(t testing.TB, line string) bool {
	t.Helper()
	got, ok := decodeLine(line)
	if !ok {
		return false
	}
	var want Config
	require.NoError(t, json.Unmarshal([]byte(line), &want), "accepted a line encoding/json refuses: %s", line)
	require.Equal(t, want, got, "decoded differently from encoding/json: %s", line)
	require.True(t, reflect.DeepEqual(want, got), "times differ in representation: %s", line)
	require.Equal(t, line, jsonLine(t, got), "accepted a line encodeIndex would not write")
	return true
}

// fullConfig has every field of Config and Check set, by reflection, so a
// field added later is set too.
func fullConfig(t testing.TB) Config {
	t.Helper()
	var c Config
	fill(t, reflect.ValueOf(&c).Elem(), "")
	return c
}

func fill(t testing.TB, v reflect.Value, name string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("value of " + name)
	case reflect.Int:
		v.SetInt(int64(len(name)) + 3)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), fmt.Sprintf("%s[%d]", name, i))
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), name)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 26, 12, len(name)%60, 7, 120_000_000, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("fill: field %s of kind %s: teach fill (and decodeLine) about it", name, v.Kind())
	}
}

// TestDecodeLineReadsEveryField fails when Config or Check gains a field
// that decodeLine does not read: a line with it would go the slow way and
// never be reused.
func TestDecodeLineReadsEveryField(t *testing.T) {
	t.Parallel()
	line := jsonLine(t, fullConfig(t))
	require.True(t, requireLineAgrees(t, line), "decodeLine refused a line with every field set:\n%s", line)
}

func TestDecodeLineAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	base := Config{ID: "abc", Name: "prod", AIType: "OPENAI", Endpoint: "https://api.openai.com/v1",
		Workspace: "local", SecretBackend: "file", Generation: 1, CreatedAt: at, UpdatedAt: at}
	with := func(edit func(*Config)) Config {
		c := base
		edit(&c)
		return c
	}
	// Forms the store writes: each must be read without encoding/json.
	accepted := []Config{
		base,
		{},
		with(func(c *Config) { c.Generation = 0 }),
		with(func(c *Config) { c.Generation = 1 << 40 }),
		with(func(c *Config) { c.Generation = -1 }),
		with(func(c *Config) { c.Name, c.Endpoint = "Café ☕ 東京", "" }),
		with(func(c *Config) { c.Name = "b <&> 'x'" }),
		with(func(c *Config) {
			c.Region, c.KeyFingerprint, c.SecretFingerprint = "eu-west-1", "AKIA…WXYZ", "sk-proj-…abcd #1a2b3c"
		}),
		with(func(c *Config) { c.UpdatedAt = at.Add(123 * time.Millisecond) }),
		with(func(c *Config) { c.UpdatedAt = at.Add(1) }),
		with(func(c *Config) { c.CreatedAt = time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.UTC) }),
		with(func(c *Config) { c.LastCheck = &Check{} }),
		with(func(c *Config) {
			c.LastCheck = &Check{Status: "verified", At: at, Models: 3, ModelIDs: []string{"gpt-4o", "", "o3"}}
		}),
		with(func(c *Config) { c.LastCheck = &Check{Status: "rejected", At: at.In(time.FixedZone("", 2*3600))} }),
		with(func(c *Config) {
			c.LastCheck = &Check{Status: "verified", At: at.In(time.FixedZone("", -(5*3600 + 30*60)))}
		}),
	}
	for _, c := range accepted {
		line := jsonLine(t, c)
		require.True(t, requireLineAgrees(t, line), "decodeLine refused a line the store writes:\n%s", line)
	}
	// Forms that need encoding/json (escapes) or that it would not write:
	// refused, so they take the general path.
	refused := []string{
		jsonLine(t, with(func(c *Config) { c.Name = `say "hi"` })),
		jsonLine(t, with(func(c *Config) { c.Name = `back\slash` })),
		jsonLine(t, with(func(c *Config) { c.Name = "tab\there" })),
		jsonLine(t, with(func(c *Config) { c.Name = "line\u2028sep" })),
		jsonLine(t, with(func(c *Config) { c.Name = "bad \xff utf-8" })),
		strings.Replace(jsonLine(t, base), `"name":"prod"`, `"Name":"prod"`, 1),
		strings.Replace(jsonLine(t, base), `"name":"prod"`, `"name": "prod"`, 1),
		strings.Replace(jsonLine(t, base), `,"workspace"`, `,"region":"","workspace"`, 1),
		strings.Replace(jsonLine(t, base), `"generation":1`, `"generation":01`, 1),
		strings.Replace(jsonLine(t, base), `"generation":1`, `"generation":1.0`, 1),
		strings.Replace(jsonLine(t, base), `"generation":1`, `"generation":0`, 1),
		strings.Replace(jsonLine(t, base), `09:30:00Z`, `09:30:00.500Z`, 1),
		strings.Replace(jsonLine(t, base), `09:30:00Z`, `09:30:00+00:00`, 1),
		strings.Replace(jsonLine(t, base), `09:30:00Z`, `09:30:60Z`, 1),
		strings.Replace(jsonLine(t, base), `2026-11-26`, `2026-02-30`, 1),
		strings.Replace(jsonLine(t, base), `}`, `,"extra":1}`, 1),
		jsonLine(t, base) + " ",
		strings.Replace(jsonLine(t, with(func(c *Config) { c.LastCheck = &Check{Status: "x", At: at} })), `"lastCheck":{`, `"lastCheck":null,"x":{`, 1),
		strings.Replace(jsonLine(t, with(func(c *Config) { c.LastCheck = &Check{Status: "x", At: at, ModelIDs: []string{"a"}} })), `["a"]`, `[]`, 1),
	}
	for _, line := range refused {
		_, ok := decodeLine(line)
		require.False(t, ok, "accepted a line that is not in encodeIndex's form:\n%s", line)
	}
}

// FuzzDecodeLine: whatever decodeLine accepts, encoding/json reads the
// same way, and encodeIndex writes back byte for byte.
func FuzzDecodeLine(f *testing.F) {
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	for _, c := range []Config{
		{ID: "abc", Name: "prod", AIType: "OPENAI", Endpoint: "https://x", Workspace: "local", SecretBackend: "file", Generation: 2, CreatedAt: at, UpdatedAt: at,
			LastCheck: &Check{Status: "verified", At: at.Add(5 * time.Millisecond), Models: 2, ModelIDs: []string{"a", "b"}}},
		{Name: "Café", Region: "r", KeyFingerprint: "k", SecretFingerprint: "s", CreatedAt: at.In(time.FixedZone("", 3600))},
		fullConfig(f),
	} {
		f.Add(jsonLine(f, c))
	}
	f.Fuzz(func(t *testing.T, line string) {
		requireLineAgrees(t, line)
	})
}

// generalParse is parseIndex without the canonical reader.
func generalParse(t testing.TB, data []byte) ([]Config, error) {
	t.Helper()
	configs, err := parseGeneral("configs.json", data)
	if err != nil {
		return nil, err
	}
	for i, c := range configs {
		if c.ID == "" || c.Generation < 0 {
			return nil, fmt.Errorf("config #%d is impossible", i+1)
		}
	}
	sorted := slices.Clone(configs)
	sortWithLines(sorted, make([][]byte, len(sorted)))
	return sorted, nil
}

// requireParseAgrees checks parseIndex against the general parser: the
// same configurations, or both refuse. It returns how many lines came
// with their canonical text.
func requireParseAgrees(t testing.TB, data []byte) int {
	t.Helper()
	got, lines, err := parseIndex("configs.json", data)
	want, wantErr := generalParse(t, data)
	if wantErr != nil {
		require.Error(t, err, "accepted a file the general parser refuses:\n%s", data)
		return 0
	}
	require.NoError(t, err, "refused a file the general parser reads:\n%s", data)
	require.Equal(t, want, got)
	require.Len(t, lines, len(got))
	n := 0
	for i, l := range lines {
		if l != nil {
			require.Equal(t, jsonLine(t, got[i]), string(l), "line %d is not its configuration's encoding", i)
			n++
		}
	}
	return n
}

func TestParseIndexAgreesWithGeneralParser(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	configs := []Config{
		{ID: "a1", Name: "alpha", AIType: "OPENAI", Workspace: "local", CreatedAt: at, UpdatedAt: at},
		{ID: "b2", Name: `say "beta"`, AIType: "OPENAI", Workspace: "local", CreatedAt: at, UpdatedAt: at},
		{ID: "c3", Name: "Gamma", AIType: "AWS", Workspace: "local", Generation: 4, CreatedAt: at, UpdatedAt: at, LastCheck: &Check{Status: "verified", At: at}},
	}
	canonical, _, err := encodeIndex(configs, nil, nil)
	require.NoError(t, err)
	require.Equal(t, 2, requireParseAgrees(t, canonical), "the escaped name is the only line read the slow way")

	indented, err := json.MarshalIndent(indexFile{Version: 2, Configs: configs}, "", "  ")
	require.NoError(t, err)
	reversed := []Config{configs[2], configs[1], configs[0]}
	unsorted, _, err := encodeIndex(reversed, nil, nil)
	require.NoError(t, err)
	empty, _, err := encodeIndex(nil, nil, nil)
	require.NoError(t, err)
	cases := map[string][]byte{
		"indented":           indented,
		"unsorted":           unsorted,
		"empty":              empty,
		"version 1":          bytes.Replace(bytes.Replace(canonical, []byte(`"version":2`), []byte(`"version":1`), 1), []byte(`"generation":4,`), nil, 1),
		"version 1, gen":     bytes.Replace(canonical, []byte(`"version":2`), []byte(`"version":1`), 1),
		"version 3":          bytes.Replace(canonical, []byte(`"version":2`), []byte(`"version":3`), 1),
		"no trailing comma":  bytes.Replace(canonical, []byte("},\n"), []byte("}\n"), 1),
		"trailing comma":     bytes.Replace(canonical, []byte("}\n]}"), []byte("},\n]}"), 1),
		"blank line":         bytes.Replace(canonical, []byte(",\n"), []byte(",\n\n"), 1),
		"split entry":        bytes.Replace(canonical, []byte(`,"name":"alpha"`), []byte(",\n"+`"name":"alpha"`), 1),
		"no id":              bytes.Replace(canonical, []byte(`"id":"a1"`), []byte(`"id":""`), 1),
		"negative gen":       bytes.Replace(canonical, []byte(`"generation":4`), []byte(`"generation":-4`), 1),
		"not an object":      bytes.Replace(canonical, []byte(`{"id":"a1"`), []byte(`[{"id":"a1"`), 1),
		"number entry":       bytes.Replace(canonical, []byte("\n]}"), []byte(",\n7\n]}"), 1),
		"wrong type":         bytes.Replace(canonical, []byte(`"generation":4`), []byte(`"generation":"4"`), 1),
		"bad time":           bytes.Replace(canonical, []byte(`2026-11-26T09:30:00Z`), []byte(`yesterday`), 1),
		"extra after":        append(append([]byte{}, canonical...), "{}"...),
		"no final newline":   bytes.TrimSuffix(canonical, []byte("\n")),
		"CRLF":               bytes.ReplaceAll(canonical, []byte("\n"), []byte("\r\n")),
		"duplicate key":      bytes.Replace(canonical, []byte(`"name":"alpha"`), []byte(`"name":"alpha","name":"zeta"`), 1),
		"key in other case":  bytes.Replace(canonical, []byte(`"name":"alpha"`), []byte(`"NAME":"alpha"`), 1),
		"truncated":          canonical[:len(canonical)/2],
		"header only":        canonicalHead,
		"head and tail only": append(append([]byte{}, canonicalHead...), canonicalTail...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) { requireParseAgrees(t, data) })
	}
}

// FuzzParseIndex: parseIndex reads a file exactly as the general parser
// does, or refuses it when that does.
func FuzzParseIndex(f *testing.F) {
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	data, _, err := encodeIndex([]Config{
		{ID: "a1", Name: "alpha", AIType: "OPENAI", Workspace: "local", CreatedAt: at, UpdatedAt: at},
		{ID: "b2", Name: "beta", AIType: "OPENAI", Workspace: "w", CreatedAt: at, UpdatedAt: at, LastCheck: &Check{Status: "verified", At: at}},
	}, nil, nil)
	require.NoError(f, err)
	f.Add(data)
	f.Add(canonicalHead)
	f.Fuzz(func(t *testing.T, data []byte) {
		requireParseAgrees(t, data)
	})
}

// TestSameConfigSeesEveryField fails when a field of Config or Check can
// change without sameConfig noticing: the write would keep the old line.
func TestSameConfigSeesEveryField(t *testing.T) {
	t.Parallel()
	base := fullConfig(t)
	same := base.clone()
	require.True(t, sameConfig(&base, &same))
	var paths [][]int
	var walk func(typ reflect.Type, path []int)
	walk = func(typ reflect.Type, path []int) {
		for i := range typ.NumField() {
			p := append(append([]int{}, path...), i)
			ft := typ.Field(i).Type
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				walk(ft.Elem(), p)
				continue
			}
			paths = append(paths, p)
		}
	}
	walk(reflect.TypeFor[Config](), nil)
	for _, p := range paths {
		changed := base.clone()
		v := reflect.ValueOf(&changed).Elem()
		name := ""
		for _, i := range p {
			if v.Kind() == reflect.Pointer {
				v = v.Elem()
			}
			name += "." + v.Type().Field(i).Name
			v = v.Field(i)
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "!")
		case reflect.Int:
			v.SetInt(v.Int() + 1)
		case reflect.Slice:
			v.Set(reflect.Append(v, v.Index(0)))
		case reflect.Struct: // time.Time: the same instant in another zone encodes differently
			v.Set(reflect.ValueOf(v.Interface().(time.Time).In(time.FixedZone("", 3600))))
		default:
			t.Fatalf("field %s of kind %s: teach this test about it", name, v.Kind())
		}
		require.False(t, sameConfig(&base, &changed), "sameConfig missed a change of Config%s", name)
	}
	noCheck := base.clone()
	noCheck.LastCheck = nil
	require.False(t, sameConfig(&base, &noCheck))
	require.False(t, sameConfig(&noCheck, &base))
}

// TestEncodeIndexReusesUnchangedLines: an unchanged configuration's line is
// copied from the file being replaced (here a marked copy, to see it was);
// a changed, new or renamed one is encoded.
func TestEncodeIndexReusesUnchangedLines(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	mk := func(id, name string) Config {
		return Config{ID: id, Name: name, AIType: "OPENAI", Workspace: "local", CreatedAt: at, UpdatedAt: at}
	}
	prev := []Config{mk("a", "alpha"), mk("b", "beta"), mk("c", "gamma"), mk("d", "delta-old")}
	sortWithLines(prev, make([][]byte, len(prev)))
	prevLines := make([][]byte, len(prev))
	for i, c := range prev {
		prevLines[i] = []byte(strings.Replace(jsonLine(t, c), `"aiType":"OPENAI"`, `"aiType":"REUSED"`, 1))
	}
	beta := mk("b", "beta")
	beta.LastCheck = &Check{Status: "verified", At: at}
	next := []Config{mk("a", "alpha"), beta, mk("c", "gamma"), mk("d", "delta"), mk("e", "epsilon")}
	sortWithLines(next, make([][]byte, len(next)))
	data, lines, err := encodeIndex(next, prev, prevLines)
	require.NoError(t, err)
	require.Len(t, lines, len(next))
	for i, c := range next {
		reused := c.Name == "alpha" || c.Name == "gamma"
		require.Equal(t, reused, bytes.Contains(lines[i], []byte("REUSED")), "%s: reused=%v", c.Name, reused)
		require.True(t, bytes.Contains(data, lines[i]))
	}
}

// TestIndexWritesEqualFreshEncoding: after every kind of change the file
// is exactly what encoding every configuration afresh gives, so a reused
// line is never stale.
func TestIndexWritesEqualFreshEncoding(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	s, _ := memStore(t)
	requireFresh := func(step string) {
		t.Helper()
		raw, err := os.ReadFile(s.indexPath)
		require.NoError(t, err)
		configs, err := generalParse(t, raw)
		require.NoError(t, err)
		fresh, _, err := encodeIndex(configs, nil, nil)
		require.NoError(t, err)
		require.Equal(t, string(fresh), string(raw), "after %s", step)
		_, lines, err := parseIndex(s.indexPath, raw)
		require.NoError(t, err)
		for i, l := range lines {
			require.NotNil(t, l, "after %s: line %d not read as canonical", step, i)
		}
	}
	var ids []string
	for i := range 5 {
		c, err := s.Add(ctx, cfg(fmt.Sprintf("config %d", i)), Credentials{Secret: "s"})
		require.NoError(t, err)
		ids = append(ids, c.ID)
		requireFresh("add")
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	require.NoError(t, s.SetLastChecks(map[string]Check{ids[0]: {Status: "verified", At: at}, ids[3]: {Status: "rejected", At: at}}))
	requireFresh("set last checks")
	require.NoError(t, s.SetLastCheck(ids[0], Check{Status: "verified", At: at.Add(time.Minute), Models: 2, ModelIDs: []string{"m1", "m2"}}))
	requireFresh("set last check again")
	_, err := s.Update(ctx, ids[1], func(c *Config) error { c.Name = "a renamed one"; return nil }, nil)
	require.NoError(t, err)
	requireFresh("rename")
	_, err = s.Update(ctx, ids[2], func(c *Config) error { c.Endpoint = "https://elsewhere"; return nil }, &Credentials{Secret: "s2"})
	require.NoError(t, err)
	requireFresh("rotate")
	require.NoError(t, s.Delete(ctx, ids[4]))
	requireFresh("delete")

	// Another process rewrites the file: the next write starts from it.
	other, err := Open(Options{ConfigDir: s.configDir, DataDir: s.dataDir, Env: envMap{}.get, Keyring: s.injected, Timeout: testTimeout, LockTimeout: testTimeout})
	require.NoError(t, err)
	require.NoError(t, other.SetLastCheck(ids[3], Check{Status: "verified", At: at.Add(time.Hour)}))
	require.NoError(t, s.SetLastCheck(ids[1], Check{Status: "verified", At: at.Add(2 * time.Hour)}))
	requireFresh("a write after another process's")
	list, err := s.List()
	require.NoError(t, err)
	for _, c := range list {
		if c.ID == ids[3] {
			require.Equal(t, at.Add(time.Hour), c.LastCheck.At, "the other process's change was lost")
		}
	}
}
