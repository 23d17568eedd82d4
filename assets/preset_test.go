package assets

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPresetsOrderAndEndpoints(t *testing.T) {
	t.Parallel()
	want := []struct {
		typ      AIType
		label    string
		endpoint string
	}{
		{OpenAI, "OpenAI", "https://api.openai.com/v1"},
		{Google, "Google Gemini", "https://generativelanguage.googleapis.com/v1beta"},
		{Anthropic, "Anthropic", "https://api.anthropic.com"},
		{AWS, "AWS Bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com"},
		{Other, "Other (OpenAI-compatible)", ""},
	}
	got := Presets()
	require.Len(t, got, len(want))
	for i, w := range want {
		require.Equal(t, w.typ, got[i].Type)
		require.Equal(t, w.label, got[i].Label)
		require.Equal(t, w.endpoint, got[i].DefaultEndpoint)
	}
}

func TestPresetFieldSemantics(t *testing.T) {
	t.Parallel()
	aws, ok := PresetFor(AWS)
	require.True(t, ok)
	require.Equal(t, "Access key ID", aws.Key.Label)
	require.True(t, aws.Key.Required)
	require.Equal(t, "Secret access key", aws.Secret.Label)

	openai, ok := PresetFor(OpenAI)
	require.True(t, ok)
	require.Equal(t, "OpenAI API key", openai.Secret.Label)
	require.False(t, openai.Key.Required)
	require.True(t, openai.Key.Unused, "OpenAI takes one API key: the form asks no key")
	require.False(t, aws.Key.Unused)
	require.Equal(t, "https://platform.openai.com/api-keys", openai.KeyPage.URL)

	other, ok := PresetFor(Other)
	require.True(t, ok)
	require.Equal(t, Link{}, other.KeyPage)
}

func TestPresetFor(t *testing.T) {
	t.Parallel()
	for _, typ := range AITypes() {
		p, ok := PresetFor(typ)
		require.True(t, ok, typ)
		require.Equal(t, typ, p.Type)
	}
	p, ok := PresetFor("AZURE")
	require.False(t, ok)
	require.Equal(t, Preset{}, p)
}

func TestPresetsReturnCopies(t *testing.T) {
	t.Parallel()
	got := Presets()
	got[0].Label = "changed"
	got[0].Docs[0].URL = "changed"
	p, _ := PresetFor(OpenAI)
	p.Docs[0].Title = "changed"

	again, _ := PresetFor(OpenAI)
	require.Equal(t, "OpenAI", again.Label)
	require.NotEqual(t, "changed", again.Docs[0].URL)
	require.NotEqual(t, "changed", again.Docs[0].Title)
}
