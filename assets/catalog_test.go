package assets

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestValidateEmbedded loads and validates every embedded preset and token
// shape; a bad edit to the JSON files fails here.
func TestValidateEmbedded(t *testing.T) {
	t.Parallel()
	require.NoError(t, Validate())
	c, err := ParseCatalog(presetsJSON, tokenShapesJSON)
	require.NoError(t, err)
	require.Len(t, c.Presets, len(allTypes))
	require.NotEmpty(t, c.TokenShapes)
}

// validCatalog returns a fresh, deep-copied catalog of the embedded data for
// a test case to break.
func validCatalog(t *testing.T) Catalog {
	t.Helper()
	c, err := ParseCatalog(presetsJSON, tokenShapesJSON)
	require.NoError(t, err)
	return c
}

func presetIndex(t *testing.T, c Catalog, typ AIType) int {
	t.Helper()
	for i, p := range c.Presets {
		if p.Type == typ {
			return i
		}
	}
	t.Fatalf("no preset %s", typ)
	return -1
}

func shapeIndex(t *testing.T, c Catalog, id string) int {
	t.Helper()
	for i, s := range c.TokenShapes {
		if s.ID == id {
			return i
		}
	}
	t.Fatalf("no token shape %s", id)
	return -1
}

func TestCatalogValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		breakIt func(t *testing.T, c *Catalog)
		wantErr string // "" means the change is allowed
	}{
		{
			name: "missing type",
			breakIt: func(t *testing.T, c *Catalog) {
				i := presetIndex(t, *c, Google)
				c.Presets = append(c.Presets[:i], c.Presets[i+1:]...)
			},
			wantErr: "no preset for type GOOGLE",
		},
		{
			name: "duplicated type",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Google)].Type = OpenAI
			},
			wantErr: "preset 1 (OPENAI): duplicate type",
		},
		{
			name: "invalid type",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Other)].Type = "AZURE"
			},
			wantErr: `preset 4 (AZURE): invalid type "AZURE"`,
		},
		{
			name: "default endpoint over http",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, OpenAI)].DefaultEndpoint = "http://api.openai.com/v1"
			},
			wantErr: `preset 0 (OPENAI): default endpoint: "http://api.openai.com/v1" is not an absolute https URL`,
		},
		{
			name: "default endpoint relative",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, OpenAI)].DefaultEndpoint = "api.openai.com/v1"
			},
			wantErr: `default endpoint: "api.openai.com/v1" is not an absolute https URL`,
		},
		{
			name: "default endpoint with trailing slash",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, OpenAI)].DefaultEndpoint = "https://api.openai.com/v1/"
			},
			wantErr: "is not canonical",
		},
		{
			name: "default endpoint empty outside OTHER",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Anthropic)].DefaultEndpoint = ""
			},
			wantErr: "preset 2 (ANTHROPIC): default endpoint is empty",
		},
		{
			name: "OTHER may set a default endpoint",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Other)].DefaultEndpoint = "https://openrouter.ai/api/v1"
			},
		},
		{
			name: "description too long",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, AWS)].Description = strings.Repeat("é", 61)
			},
			wantErr: "preset 3 (AWS): description is 61 characters (at most 60)",
		},
		{
			name: "description of exactly 60 characters",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, AWS)].Description = strings.Repeat("é", 60)
			},
		},
		{
			name: "description on two lines",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, AWS)].Description = "Bedrock\nmodels"
			},
			wantErr: "preset 3 (AWS): description spans several lines",
		},
		{
			name: "empty label",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, AWS)].Label = " "
			},
			wantErr: "preset 3 (AWS): label is empty",
		},
		{
			name: "doc link over http",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Google)].Docs[0].URL = "http://ai.google.dev/"
			},
			wantErr: `preset 1 (GOOGLE): docs[0]: "http://ai.google.dev/" is not an absolute https URL`,
		},
		{
			name: "no doc links",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Google)].Docs = nil
			},
			wantErr: "preset 1 (GOOGLE): no documentation links",
		},
		{
			name: "key page not https",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Anthropic)].KeyPage.URL = "ftp://console.anthropic.com/"
			},
			wantErr: "preset 2 (ANTHROPIC): key page:",
		},
		{
			name: "key page missing outside OTHER",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Anthropic)].KeyPage = Link{}
			},
			wantErr: "preset 2 (ANTHROPIC): key page: title is empty",
		},
		{
			name: "key page of OTHER not https",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, Other)].KeyPage = Link{Title: "Keys", URL: "http://example.com/"}
			},
			wantErr: "preset 4 (OTHER): key page:",
		},
		{
			name: "key required outside AWS",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, OpenAI)].Key.Required = true
			},
			wantErr: "preset 0 (OPENAI): key must be required exactly for AWS",
		},
		{
			name: "secret optional",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, OpenAI)].Secret.Required = false
			},
			wantErr: "preset 0 (OPENAI): secret must be required",
		},
		{
			name: "real-looking placeholder",
			breakIt: func(t *testing.T, c *Catalog) {
				c.Presets[presetIndex(t, *c, AWS)].Key.Placeholder = "AKIA" + strings.Repeat("Q", 16)
			},
			wantErr: "preset AWS: key placeholder looks like a real AWS access key ID",
		},
		{
			name: "token pattern does not compile",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "groq")].Pattern = "^gsk_[A-Z$"
			},
			wantErr: `token shape 9 (groq): pattern "^gsk_[A-Z$" does not compile`,
		},
		{
			name: "token pattern without ^",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "groq")].Pattern = "gsk_[A-Za-z0-9]{20,}$"
			},
			wantErr: `token shape 9 (groq): pattern "gsk_[A-Za-z0-9]{20,}$" is not anchored with ^…$`,
		},
		{
			name: "token pattern without $",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "groq")].Pattern = "^gsk_[A-Za-z0-9]{20,}"
			},
			wantErr: "is not anchored with ^…$",
		},
		{
			name: "token pattern anchored only per alternative",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "groq")].Pattern = "^gsk_x|y$"
			},
			wantErr: "is not anchored with ^…$",
		},
		{
			name: "token pattern with a multi-line anchor",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "groq")].Pattern = "(?m)^gsk_[a-z]+$"
			},
			wantErr: "is not anchored with ^…$",
		},
		{
			name: "prefix longer than 8",
			breakIt: func(t *testing.T, c *Catalog) {
				i := shapeIndex(t, *c, "openai-service-account")
				c.TokenShapes[i].Prefix = "sk-svcacct-"
			},
			wantErr: `token shape 6 (openai-service-account): prefix "sk-svcacct-" is 11 characters (at most 8)`,
		},
		{
			name: "prefix not matching the pattern",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].Prefix = "xAI-"
			},
			wantErr: `token shape 10 (xai): pattern "^xai-[A-Za-z0-9]{20,}$" does not start with the literal prefix "xAI-"`,
		},
		{
			name: "empty prefix",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].Prefix = ""
			},
			wantErr: "token shape 10 (xai): prefix is empty",
		},
		{
			name: "shape with invalid type",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].Type = "XAI"
			},
			wantErr: `token shape 10 (xai): invalid type "XAI"`,
		},
		{
			name: "shape with invalid field",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].Field = "token"
			},
			wantErr: `token shape 10 (xai): field must be "key" or "secret", not "token"`,
		},
		{
			name: "duplicate shape id",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].ID = "groq"
			},
			wantErr: "token shape 10 (groq): duplicate id",
		},
		{
			name: "shape id not kebab-case",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].ID = "xAI_key"
			},
			wantErr: "token shape 10 (xAI_key): id must be lower-case kebab-case",
		},
		{
			name: "less specific shape first",
			breakIt: func(t *testing.T, c *Catalog) {
				legacy := c.TokenShapes[shapeIndex(t, *c, "openai-legacy")]
				c.TokenShapes = append([]TokenShape{legacy}, c.TokenShapes...)
				c.TokenShapes = append(c.TokenShapes[:shapeIndex(t, *c, "openai-admin")+1], c.TokenShapes[shapeIndex(t, *c, "openai-admin")+2:]...)
			},
			wantErr: "token shape 1 (anthropic-api): must come before the less specific openai-legacy (prefix \"sk-\")",
		},
		{
			name: "unsupported shape without a note",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "openai-admin")].Note = ""
			},
			wantErr: "token shape 7 (openai-admin): an unsupported shape needs a note",
		},
		{
			name: "shape without a name",
			breakIt: func(t *testing.T, c *Catalog) {
				c.TokenShapes[shapeIndex(t, *c, "xai")].Name = ""
			},
			wantErr: "token shape 10 (xai): name is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validCatalog(t)
			tt.breakIt(t, &c)
			err := c.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestCatalogValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := validCatalog(t)
	c.Presets[0].Description = "two\nlines"
	c.TokenShapes[0].Prefix = "sk-ant-api03-"
	err := c.Validate()
	require.ErrorContains(t, err, "description spans several lines")
	require.ErrorContains(t, err, "prefix \"sk-ant-api03-\" is 13 characters")
}

func TestParseCatalogRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		presets, shapes string
		wantErr         string
	}{
		{"unknown preset field", `[{"type":"OPENAI","labl":"x"}]`, `[]`, `parse presets: json: unknown field "labl"`},
		{"unknown shape field", `[]`, `[{"id":"x","regex":"^x$"}]`, `parse token shapes: json: unknown field "regex"`},
		{"not JSON", `{`, `[]`, "parse presets: unexpected EOF"},
		{"trailing data", `[] []`, `[]`, "parse presets: trailing data after the JSON value"},
		{"wrong shape", `{"type":"OPENAI"}`, `[]`, "parse presets: json: cannot unmarshal object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCatalog([]byte(tt.presets), []byte(tt.shapes))
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}
