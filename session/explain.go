package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fbllm/fbllm/assets"
	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/store"
)

// Explanation is what fbllm tells a person about an error: the stable code
// and the catalog's words and decisions for it (assets/diagnoses.json),
// with this error's facts filled in. The CLI, the TUI and accessible mode
// only render it; none of them inspects an error itself.
type Explanation struct {
	// Code is the stable code scripts match on.
	Code string
	// Message is one line, lower-case, without a final period: what
	// happened, with the error's facts.
	Message string
	// Detail is the error's own text when Message does not already carry
	// it: what the platform, the keyring or the file system said.
	Detail string
	// CLI and TUI say what to do next, on the command line and in the app.
	CLI, TUI string
	// Field is the configuration field to change, "" when the fix is
	// elsewhere.
	Field string
	// Repos are the repositories that still use a configuration
	// (flashback.in_use), for the JSON error object.
	Repos []client.Repo

	exit, exitNoInput int
}

// CodeOperationFailed is the catalog's code for an error nothing more
// specific describes; its message is the error's own text.
const CodeOperationFailed = "operation.failed"

// Explain turns any error into its Explanation. It is the one place that
// inspects client, store, input and session errors; a nil error explains
// as nothing (Code "").
func Explain(err error) Explanation {
	if err == nil {
		return Explanation{}
	}
	code, facts := classifyError(err)
	rec, ok := assets.DiagnosisFor(code)
	if !ok {
		code = CodeOperationFailed
		rec, _ = assets.DiagnosisFor(code)
	}
	detail := oneLine(err.Error())
	facts["error"] = detail
	message := fill(rec.Message, facts)
	if layer := facts["layer"]; layer != "" {
		// Which layer failed, in the words of its diagnosis.
		message += ": " + layer
	}
	e := Explanation{
		Code:    code,
		Message: message,
		CLI:     fill(rec.CLI, facts),
		TUI:     fill(rec.TUI, facts),
		Field:   rec.Field,
		exit:    rec.Exit,
	}
	e.exitNoInput = rec.ExitNoInput
	if !strings.Contains(rec.Message, "{error}") && !strings.EqualFold(detail, e.Message) {
		e.Detail = detail
	}
	var inUse *client.InUseError
	if errors.As(err, &inUse) {
		e.Repos = inUse.Repos
	}
	var ie *input.InputError
	if errors.As(err, &ie) && ie.Field != "" {
		e.Field = ie.Field
	}
	return e
}

// ExitCode is the exit code of a command that ends with the error (PRODUCT
// §3); noInput selects the code's --no-input exit where it has one
// (keyring.locked: input was needed but forbidden).
func (e Explanation) ExitCode(noInput bool) int {
	if noInput && e.exitNoInput != 0 {
		return e.exitNoInput
	}
	if e.exit == 0 {
		return 1
	}
	return e.exit
}

// Line is the error as one line for the command line: the message, then
// what to do.
func (e Explanation) Line() string {
	if e.CLI == "" {
		return e.Message
	}
	return e.Message + ": " + e.CLI
}

// Sentence is the error as a sentence for the app: "Message. Remedy."
func (e Explanation) Sentence() string {
	s := capitalise(strings.TrimSuffix(e.Message, ".")) + "."
	if e.TUI != "" {
		s += " " + capitalise(strings.TrimSuffix(e.TUI, ".")) + "."
	}
	return s
}

// classifyError names the catalog code of err and the facts its texts
// need. The order matters where one error matches several classes: a
// *NotVisibleError is also store.ErrNotFound, and a refused sign-in is
// also client.ErrUnauthenticated but a failed attempt, not a missing
// sign-in.
func classifyError(err error) (string, map[string]string) {
	facts := map[string]string{}
	var (
		ie     *input.InputError
		pe     *PlatformError
		nv     *NotVisibleError
		samb   *AmbiguousError
		stamb  *store.AmbiguousError
		choose *ChooseWorkspaceError
		wnf    *WorkspaceNotFoundError
		login  *client.LoginError
		inUse  *client.InUseError
		wo     *WriteOnlyError
		notAPI *NotTheAPIError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled", facts
	case errors.As(err, &ie):
		return ie.Code, facts
	case errors.As(err, &pe):
		return pe.Code, facts
	case errors.As(err, &nv):
		return "workspace.not_visible", facts
	case errors.As(err, &samb):
		names := make([]string, len(samb.Candidates))
		for i, c := range samb.Candidates {
			names[i] = fmt.Sprintf("%s (%s, %s)", c.Name, c.ID, c.WorkspaceName)
		}
		facts["ref"], facts["candidates"] = fmt.Sprintf("%q", samb.Ref), strings.Join(names, "; ")
		return "config.ambiguous", facts
	case errors.As(err, &stamb):
		names := make([]string, len(stamb.Candidates))
		for i, c := range stamb.Candidates {
			names[i] = fmt.Sprintf("%s (%s)", c.Name, c.ID)
		}
		facts["ref"], facts["candidates"] = fmt.Sprintf("%q", stamb.Ref), strings.Join(names, ", ")
		return "config.ambiguous", facts
	case errors.As(err, &choose):
		return "workspace.choose", facts
	case errors.As(err, &wnf):
		return "workspace.not_found", facts
	case errors.Is(err, ErrNoWorkspace):
		return "workspace.none", facts
	case errors.Is(err, ErrNotFlashback):
		return "usage", facts
	case errors.As(err, &wo):
		return "exec.secret_write_only", facts
	case errors.As(err, &login):
		facts["reason"] = login.Message
		return "flashback.login_failed", facts
	case errors.As(err, &notAPI):
		facts["layer"] = notAPI.Error() + " (check FLASHBACK_API_URL)"
		return diagnose.CodeFlashbackUnreachable, facts
	case errors.As(err, &inUse):
		names := make([]string, len(inUse.Repos))
		for i, r := range inUse.Repos {
			names[i] = r.Name
		}
		facts["repos"] = "repositories"
		if len(names) > 0 {
			facts["repos"] = "repositories " + strings.Join(names, ", ")
		}
		return "flashback.in_use", facts
	}
	if code := client.Code(err); code != "" {
		if code == diagnose.CodeFlashbackUnreachable {
			if layer := networkLayer(err); layer != "" {
				facts["layer"] = layer
			}
		}
		return code, facts
	}
	if code := keyringCode(err); code != "" {
		return code, facts
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "config.not_found", facts
	case errors.Is(err, store.ErrDuplicateName):
		return "config.duplicate_name", facts
	case errors.Is(err, store.ErrCorrupt):
		return "store.corrupt", facts
	case errors.Is(err, store.ErrNewerVersion):
		return "store.newer_version", facts
	case errors.Is(err, store.ErrTooLarge):
		return "store.too_large", facts
	case errors.Is(err, store.ErrWeakPassphrase):
		return "keyring.weak_passphrase", facts
	}
	return CodeOperationFailed, facts
}

// networkLayer says which layer stopped a request to the Flashback API, in
// the words of the diagnosis of the same failure on a provider's endpoint
// ("nothing is listening on that port", "the host name does not resolve",
// "the server's certificate is not trusted"); "" when err is not a network
// failure.
func networkLayer(err error) string {
	var ne *client.NetworkError
	if !errors.As(err, &ne) {
		return ""
	}
	if ne.Timeout {
		return "no answer in time"
	}
	f := diagnose.Classify("", &client.ProbeResult{Err: ne.Err})
	text, ok := assets.DiagnosisFor(f.Code)
	if !ok || text.Title == "" {
		return ""
	}
	title, _, _ := strings.Cut(text.Title, " (")
	r, n := utf8.DecodeRuneInString(title)
	return string(unicode.ToLower(r)) + title[n:]
}

// fill replaces {name} with facts[name]; unknown names stay as written.
func fill(text string, facts map[string]string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	for k, v := range facts {
		text = strings.ReplaceAll(text, "{"+k+"}", v)
	}
	return text
}

// oneLine folds an error text onto one line: a status line and a JSON
// message have no room for the line breaks of a wrapped error chain.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// keyringCode is the PRODUCT §6 code of a keyring error, "" for others.
// An unsafe path comes first: a refused keyring directory also arrives as
// a backend that cannot be used. A damaged item is also store.ErrCorrupt.
func keyringCode(err error) string {
	switch {
	case errors.Is(err, store.ErrUnsafePath):
		return diagnose.CodeStoreUnsafePath
	case errors.Is(err, store.ErrVerifierMissing):
		return diagnose.CodeKeyringVerifierMissing
	case errors.Is(err, store.ErrItemMismatch):
		return diagnose.CodeKeyringItemMismatch
	case errors.Is(err, store.ErrDamaged):
		return diagnose.CodeKeyringDamaged
	case errors.Is(err, store.ErrLocked):
		return diagnose.CodeKeyringLocked
	case errors.Is(err, store.ErrWrongPassphrase):
		return diagnose.CodeKeyringWrongPassphrase
	case errors.Is(err, store.ErrBackendUnavailable), errors.Is(err, store.ErrTimeout):
		return diagnose.CodeKeyringUnavailable
	}
	return ""
}
