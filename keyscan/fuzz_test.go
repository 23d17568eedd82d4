package keyscan

import (
	"strings"
	"testing"
)

// FuzzParseDotenv: any input parses without panicking, names are valid,
// and a value written in double quotes with escapes reads back as written.
func FuzzParseDotenv(f *testing.F) {
	f.Add("A=1\nexport B=\"x\\ny\"\n# c\nC='z'", "sk-Ab3\"\\\n$x")
	f.Add("A=\"unterminated\nB=2", "")
	f.Add("\r\n\r\nexport\texport=1", "v")
	f.Fuzz(func(t *testing.T, doc, value string) {
		for _, a := range parseDotenv(doc) {
			if nameLen(a.Name) != len(a.Name) || a.Name == "" {
				t.Fatalf("bad name %q", a.Name)
			}
		}
		if strings.ContainsAny(value, "\r") {
			return // CRLF is folded to LF on purpose
		}
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`).Replace(value)
		got := parseDotenv("X=1\nNAME=\"" + quoted + "\"\nY=2\n")
		if len(got) != 3 || got[1].Name != "NAME" || got[1].Value != value || got[2] != (assignment{"Y", "2"}) {
			t.Fatalf("round trip of %q: %q", value, got)
		}
	})
}

// FuzzParseFormats: no reader panics or quotes its input in an error.
func FuzzParseFormats(f *testing.F) {
	f.Add([]byte(`{"providers":{"x":{"api_key":"k"}}}`))
	f.Add([]byte("apis:\n  openai:\n    api-key: k\n"))
	f.Add([]byte("api-key: a=b,c=d\nset-env: [X=1]\n"))
	f.Add([]byte("[default]\naws_secret_access_key=s\n"))
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range assetsFormats() {
			if format == "aws-credentials" || format == "aws-config" {
				parseAWSINI(string(data), format == "aws-config")
				continue
			}
			if _, err := parseFormat(format, data); err != nil && !strings.HasPrefix(err.Error(), "is not valid ") {
				t.Fatalf("%s: unexpected error %q", format, err)
			}
		}
	})
}
