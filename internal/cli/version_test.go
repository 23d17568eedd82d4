package cli

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVersionFromBuildInfo: a binary reports the version stamped at release,
// else what the go command recorded: the module version from go install,
// the VCS revision from a clone, "dev" otherwise.
func TestVersionFromBuildInfo(t *testing.T) {
	t.Parallel()
	require.Equal(t, "v1.2.3", buildVersion("v1.2.3"))
	for _, tc := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "v0.4.0"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "75a975c0123456789abcdef"}, {Key: "vcs.modified", Value: "false"}}}, "dev-75a975c01234"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "75a975c0123456789abcdef"}, {Key: "vcs.modified", Value: "true"}}}, "dev-75a975c01234-dirty"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	} {
		require.Equal(t, tc.want, versionFromBuildInfo(&tc.info))
	}
}
