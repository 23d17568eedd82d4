package assets

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeySourcesEmbedded(t *testing.T) {
	t.Parallel()
	k, err := ParseKeySources(keySourcesJSON)
	require.NoError(t, err)
	require.NoError(t, k.Validate())
	// The variables and tools issue 13 names must be covered.
	for _, name := range []string{"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_BEARER_TOKEN_BEDROCK"} {
		require.Contains(t, envNames(k), name)
	}
	for _, id := range []string{"dotenv", "aws-credentials", "aws-config", "llm", "opencode", "crush", "aider", "codex", "gemini-cli", "mods"} {
		require.Contains(t, fileIDs(k), id)
	}
}

func envNames(k KeySources) []string {
	var out []string
	for _, e := range k.Environment {
		out = append(out, e.Name)
	}
	return out
}

func fileIDs(k KeySources) []string {
	var out []string
	for _, f := range k.Files {
		out = append(out, f.ID)
	}
	return out
}

func TestKeySourcesValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		breakIt func(k *KeySources)
		wantErr string
	}{
		{"provider id", func(k *KeySources) { k.Providers[0].ID = "Open AI" }, "id must be lower-case kebab-case"},
		{"duplicate provider", func(k *KeySources) { k.Providers[1].ID = k.Providers[0].ID }, "duplicate id"},
		{"provider type", func(k *KeySources) { k.Providers[0].Type = "AZURE" }, `invalid type "AZURE"`},
		{"other without endpoint", func(k *KeySources) {
			for i := range k.Providers {
				if k.Providers[i].Type == Other {
					k.Providers[i].Endpoint = ""
				}
			}
		}, "an OTHER provider needs an endpoint"},
		{"endpoint not canonical", func(k *KeySources) {
			for i := range k.Providers {
				if k.Providers[i].Type == Other {
					k.Providers[i].Endpoint += "/"
				}
			}
		}, "is not canonical"},
		{"duplicate variable", func(k *KeySources) { k.Environment[1].Name = k.Environment[0].Name }, "duplicate variable"},
		{"bad endpoint var", func(k *KeySources) { k.Environment[0].EndpointVars[0] = "BASE URL" }, `invalid variable name "BASE URL"`},
		{"bad key var", func(k *KeySources) { k.Environment[0].KeyVar = "1KEY" }, `invalid key variable "1KEY"`},
		{"unknown provider", func(k *KeySources) { k.Environment[0].Provider = "nope" }, `unknown provider "nope"`},
		{"env source", func(k *KeySources) { k.Environment[0].Source = "" }, "source:"},
		{"file kind", func(k *KeySources) { k.Files[0].Kind = "cloud" }, `kind "cloud"`},
		{"file format", func(k *KeySources) { k.Files[0].Format = "toml" }, `format "toml"`},
		{"format unused", func(k *KeySources) {
			for i := range k.Files {
				if k.Files[i].Format == "mods-yml" {
					k.Files[i].Format = "dotenv"
				}
			}
		}, "format mods-yml is used by no file"},
		{"no paths", func(k *KeySources) { k.Files[0].Paths = nil }, "no paths"},
		{"absolute path", func(k *KeySources) { k.Files[0].Paths[0].Path = "/etc/passwd" }, `must start with "~", "."`},
		{"dot-dot path", func(k *KeySources) { k.Files[0].Paths[0].Path = "~/../x" }, "must name a file below its root"},
		{"bare root", func(k *KeySources) { k.Files[0].Paths[0].Path = "~" }, "must name a file below its root"},
		{"default not home", func(k *KeySources) { k.Files[0].Paths[0].Path = "${X:-/etc}/a" }, `must start with`},
		{"file var default home", func(k *KeySources) { k.Files[0].Paths[0].Path = "${X:-~}" }, "needs a default file"},
		{"bad os", func(k *KeySources) { k.Files[0].Paths[0].OS = "linux" }, `os "linux"`},
		{"path source", func(k *KeySources) { k.Files[0].Paths[0].Source = "ftp://x" }, "source:"},
		{"file source", func(k *KeySources) { k.Files[0].Source = "" }, "source:"},
		{"tool", func(k *KeySources) { k.Files[0].Tool = "" }, "tool is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParseKeySources(keySourcesJSON)
			require.NoError(t, err)
			tt.breakIt(&k)
			require.ErrorContains(t, k.Validate(), tt.wantErr)
		})
	}
}

func TestKeyFilePathExpand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"XDG_CONFIG_HOME": "/xdg", "REL": "relative/dir", "AWS_CONFIG_FILE": "/etc/aws.cfg"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		path, os, goos string
		want           string
		ok             bool
	}{
		{"~/.aider.conf.yml", "", "linux", "/home/u/.aider.conf.yml", true},
		{"./.env", "", "linux", "/work/p/.env", true},
		{"${XDG_CONFIG_HOME:-~/.config}/mods/mods.yml", "", "linux", "/xdg/mods/mods.yml", true},
		{"${XDG_DATA_HOME:-~/.local/share}/opencode/auth.json", "", "linux", "/home/u/.local/share/opencode/auth.json", true},
		{"${LLM_USER_PATH}/keys.json", "", "linux", "", false},
		{"${REL:-~/d}/f", "", "linux", "/home/u/d/f", true}, // a relative value counts as unset
		{"${AWS_CONFIG_FILE:-~/.aws/config}", "", "linux", "/etc/aws.cfg", true},
		{"${AWS_SHARED_CREDENTIALS_FILE:-~/.aws/credentials}", "", "linux", "/home/u/.aws/credentials", true},
		{"${GEMINI_CLI_HOME:-~}/.gemini/.env", "", "linux", "/home/u/.gemini/.env", true},
		{"~/Library/Application Support/mods/mods.yml", "darwin", "linux", "", false},
		{"~/Library/Application Support/mods/mods.yml", "darwin", "darwin", "/home/u/Library/Application Support/mods/mods.yml", true},
		{"${XDG_CONFIG_HOME:-~/.config}/x", "!darwin", "darwin", "", false},
		{"/abs", "", "linux", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.goos, func(t *testing.T) {
			t.Parallel()
			got, ok := KeyFilePath{Path: tt.path, OS: tt.os}.Expand(getenv, "/home/u", "/work/p", tt.goos)
			require.Equal(t, tt.ok, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestKeyProviderByID(t *testing.T) {
	t.Parallel()
	p, ok := KeyProviderByID("OpenRouter")
	require.True(t, ok)
	require.Equal(t, Other, p.Type)
	require.Equal(t, "https://openrouter.ai/api/v1", p.Endpoint)
	_, ok = KeyProviderByID("nope")
	require.False(t, ok)
}

func TestKeySourceDataReturnsCopy(t *testing.T) {
	t.Parallel()
	k := KeySourceData()
	k.Files[0].Paths[0].Path = "changed"
	k.Environment[0].EndpointVars[0] = "changed"
	again := KeySourceData()
	require.NotEqual(t, "changed", again.Files[0].Paths[0].Path)
	require.NotEqual(t, "changed", again.Environment[0].EndpointVars[0])
}
