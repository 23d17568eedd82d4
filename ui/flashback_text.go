package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// flashbackErrorText turns a platform error into a sentence that says what
// to do. ok is false for errors that are not about Flashback.
func flashbackErrorText(err error) (string, bool) {
	var le *client.LoginError
	if errors.As(err, &le) {
		return le.Message, true
	}
	var inUse *client.InUseError
	if errors.As(err, &inUse) {
		names := make([]string, len(inUse.Repos))
		for i, r := range inUse.Repos {
			names[i] = r.Name
		}
		if len(names) == 0 {
			return "Flashback refused: repositories still use this configuration. Detach it from them first.", true
		}
		return fmt.Sprintf("Flashback refused: still used by %s. Detach it from %s first.", strings.Join(names, ", "), plural(len(names), "that repository", "those repositories")), true
	}
	var choose *session.ChooseWorkspaceError
	if errors.As(err, &choose) {
		return "Several workspaces are reachable: press w to choose one.", true
	}
	var nf *session.WorkspaceNotFoundError
	if errors.As(err, &nf) {
		return nf.Error(), true
	}
	if errors.Is(err, session.ErrNoWorkspace) {
		return session.ErrNoWorkspace.Error(), true
	}
	switch client.Code(err) {
	case "flashback.unauthenticated":
		return "Not signed in to Flashback (or the sign-in expired): press w to sign in.", true
	case "flashback.forbidden":
		return "Your role in this workspace does not allow that (adding, changing and deleting need WRITE or ADMIN).", true
	case "flashback.unreachable":
		return "Flashback could not be reached: " + err.Error(), true
	case "config.duplicate_name":
		return "That name is already used in this workspace. Choose another one.", true
	case "workspace.not_visible":
		return "That configuration is not in this workspace any more (someone may have moved or deleted it): press r to refresh.", true
	}
	if errors.Is(err, store.ErrLocked) {
		return "The keyring is locked.", true
	}
	return "", false
}

// errorText is flashbackErrorText with a fallback.
func errorText(prefix string, err error) string {
	if text, ok := flashbackErrorText(err); ok {
		return text
	}
	return prefix + err.Error()
}
