package forms

import (
	"io"
	"strings"
	"testing"

	"charm.land/huh/v2"
	"github.com/stretchr/testify/require"
)

// TestAskAccessibleSurvivesAnEndedInput: an invalid number and then the end
// of the input made huh panic; it is the end of the answers instead.
func TestAskAccessibleSurvivesAnEndedInput(t *testing.T) {
	v := ""
	f := huh.NewSelect[string]().Title("Which?").Options(huh.NewOption("a", "a"), huh.NewOption("b", "b")).Value(&v)
	require.ErrorIs(t, AskAccessible(f, io.Discard, strings.NewReader("9\n")), ErrNoAnswer)
}
