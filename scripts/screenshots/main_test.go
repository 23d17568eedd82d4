package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScreenshotsStillRun runs the script as the README's pictures are
// made: if fbllm's screens change so that the script can no longer drive
// them, this fails instead of leaving stale pictures.
func TestScreenshotsStillRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs fbllm; skipped with -short")
	}
	dir := t.TempDir()
	require.NoError(t, run(context.Background(), "", dir, io.Discard))
	for name, want := range map[string]string{
		"setup":        "Where should configurations live?",
		"browser":      "support-bot",
		"troubleshoot": "auth.invalid_secret",
		"form":         "Review",
	} {
		b, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		require.NoError(t, err, name)
		svg := string(b)
		require.True(t, strings.HasPrefix(svg, "<svg"), name)
		require.Contains(t, svg, want, name)
		require.NotContains(t, svg, "ScreenshotOnlyNotARealKey", "%s shows the typed secret", name)
	}
}
