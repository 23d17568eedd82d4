package ui

import (
	"github.com/fbllm/fbllm/session"
)

// errorText is the sentence the app shows for err: the catalog's message
// and what to do here, through session.Explain, the one translator of
// errors. prefix leads an error that has no more specific code than
// operation.failed ("Could not delete …: "), so the user still knows which
// action failed.
func errorText(prefix string, err error) string {
	e := session.Explain(err)
	if e.Code == session.CodeOperationFailed {
		return prefix + e.Message
	}
	return e.Sentence()
}
