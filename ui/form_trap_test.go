package ui

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"charm.land/huh/v2"
	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/client"
	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
)

// offlineSession is a session whose probes never leave the process: every
// dial fails at once (the test-before-save of a random walk must not reach
// the network, not even for a DNS query).
func offlineSession(t *testing.T) Deps {
	t.Helper()
	st := newTestStore(t)
	sess, err := session.New(session.Options{Store: st, Probe: diagnose.Options{
		TransportOptions: client.TransportOptions{
			Getenv: func(string) string { return "" },
			DialContext: func(context.Context, string, string) (net.Conn, error) {
				return nil, errors.New("offline test")
			},
		},
	}})
	require.NoError(t, err)
	return Deps{Store: st, Session: sess}
}

// requireTakesInput fails unless the form's focused field takes a key:
// typed text lands in an input, an arrow moves a choice. It leaves the form
// as it found it.
func requireTakesInput(t *testing.T, d *driver, trail []string) {
	t.Helper()
	f := d.app.form
	if f.leaving {
		// "Discard?" is up: it takes y, n and esc.
		require.Contains(t, d.screen(), "Discard", "keys %q", trail)
		return
	}
	require.Equal(t, huh.StateNormal, f.cf.Form.State, "keys %q", trail)
	field := f.cf.Focused()
	draft := f.cf.Draft
	value := map[string]*string{input.FieldName: &draft.Name, input.FieldEndpoint: &draft.Endpoint,
		input.FieldKey: &draft.Key, input.FieldSecret: &draft.Secret}[field]
	if value == nil {
		// A choice (type, review): its view must show a focused field.
		require.NotEmpty(t, field, "no focused field after keys %q:\n%s", trail, d.screen())
		return
	}
	before := *value
	if field == input.FieldName && len([]rune(before)) >= 64 {
		// The name is full: take a character away and put it back.
		r := []rune(before)
		d.press("backspace")
		require.Equal(t, string(r[:len(r)-1]), *value, "the name took no input after keys %q:\n%s", trail, d.screen())
		d.typeText(string(r[len(r)-1]))
		require.Equal(t, before, *value)
		return
	}
	d.typeText("z")
	require.Equal(t, before+"z", *value, "the %s field took no input after keys %q:\n%s", field, trail, d.screen())
	d.press("backspace")
	require.Equal(t, before, *value)
}

// TestEscAfterAValidationErrorGoesBack: an error on a step never stops esc
// from going back one step, and the step it lands on takes input.
func TestEscAfterAValidationErrorGoesBack(t *testing.T) {
	t.Parallel()
	t.Run("empty name", func(t *testing.T) {
		t.Parallel()
		d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
		d.press("enter", "enter") // OpenAI, then Enter on the empty name
		d.requireScreen("required")
		d.press("esc")
		require.Equal(t, input.FieldType, d.app.form.cf.Focused(), d.screen())
		d.requireScreen("AI LLM type")
		d.press("enter")
		require.Equal(t, input.FieldName, d.app.form.cf.Focused())
		requireTakesInput(t, d, nil)
	})
	t.Run("invalid endpoint", func(t *testing.T) {
		t.Parallel()
		d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
		d.press("enter")
		d.typeText("plain")
		d.press("enter")
		d.clearField(80)
		d.typeText("http://api.openai.com/v1")
		d.press("enter")
		require.Equal(t, input.FieldEndpoint, d.app.form.cf.Focused())
		d.press("esc")
		require.Equal(t, input.FieldName, d.app.form.cf.Focused(), d.screen())
		requireTakesInput(t, d, nil)
		require.Equal(t, "plain", d.app.form.cf.Draft.Name, "going back keeps what was typed")
	})
	t.Run("aws needs the access key id", func(t *testing.T) {
		t.Parallel()
		d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
		d.press("down", "down", "down", "enter") // AWS
		d.typeText("bedrock")
		d.press("enter", "enter", "enter") // default endpoint, no key
		d.paste("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
		d.press("enter")
		d.requireScreen("press esc to go back and enter it")
		d.press("esc")
		require.Equal(t, input.FieldKey, d.app.form.cf.Focused(), d.screen())
		d.requireScreen("Access key ID")
		requireTakesInput(t, d, nil)
	})
	t.Run("shift+tab too", func(t *testing.T) {
		t.Parallel()
		d := newDriver(t, newTestStore(t), Options{Start: StartAdd}, 80, 24)
		d.press("enter", "enter", "shift+tab")
		require.Equal(t, input.FieldType, d.app.form.cf.Focused(), d.screen())
	})
}

// formKeys are the keys a random walk through the form draws from: the
// form's own keys, text, and pastes that are valid, invalid or carry a
// credential in the wrong place.
var formKeys = []string{
	"enter", "enter", "enter", "esc", "esc", "shift+tab", "tab", "up", "down", "down",
	"backspace", "a", "q", "space", "/",
	"paste:sk-proj-AbCdEfGhIjKlMnOpQrStT3BlbkFJuvwxyz0123456789",
	"paste:http://api.openai.com/v1",
	"paste:https://generativelanguage.googleapis.com/v1beta?key=AIzaSyDemoDemoDemoDemoDemoDemoDemo12",
	"paste:not a url",
	"paste:AKIAIOSFODNN7EXAMPLE",
	"paste:  \"Bearer x\"  ",
}

// TestFormNeverTraps drives random key sequences through the form and
// checks, after every key, that the form still takes input, and at the
// end that esc always leads out of it (answering y when it asks whether
// to discard what was typed).
func TestFormNeverTraps(t *testing.T) {
	t.Parallel()
	runs := 80
	if testing.Short() {
		runs = 20
	}
	for seed := range runs {
		rng := rand.New(rand.NewPCG(uint64(seed), 12))
		d := newDriverDeps(t, offlineSession(t), Options{Start: StartAdd}, 80, 24, nil)
		var trail []string
		for range 1 + rng.IntN(40) {
			k := formKeys[rng.IntN(len(formKeys))]
			trail = append(trail, k)
			if text, ok := strings.CutPrefix(k, "paste:"); ok {
				d.paste(text)
			} else {
				d.press(k)
			}
			if d.quit {
				break // saved, or left from the first step
			}
			switch d.app.screen {
			case screenForm:
				requireTakesInput(t, d, trail)
			case screenReport:
				// The test before saving opened the panel; esc leads back.
			default:
				t.Fatalf("seed %d: the form led to %s after keys %q", seed, d.app.screen, trail)
			}
		}
		for i := 0; !d.quit && i < 10; i++ {
			if d.app.screen == screenForm && d.app.form.leaving {
				d.press("y")
				continue
			}
			d.press("esc")
		}
		require.True(t, d.quit, "seed %d: esc did not lead out of the form after keys %q:\n%s", seed, trail, d.screen())
		require.True(t, d.app.result.Cancelled || d.app.result.Saved != nil, fmt.Sprint(seed))
	}
}

// TestJumpToAFieldKeepsEveryPageLabelled: after "e fix secret" on the
// troubleshooting panel, esc steps back to a page that has its title
// (huh works titles out only for a page that gets a message).
func TestJumpToAFieldKeepsEveryPageLabelled(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	d := newDriver(t, st, Options{Start: StartAdd}, 80, 24)
	fillForm(d, 3, "bedrock", "", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	cfgs, err := st.List()
	require.NoError(t, err)
	require.Len(t, cfgs, 1)

	d = newDriver(t, st, Options{}, 80, 24)
	it := session.LocalItem(cfgs[0])
	r := goldenReport()
	r.Config = it.Ref()
	d.send(checkDoneMsg{req: checkRequest{item: it, kind: checkTest}, report: r})
	require.Equal(t, screenReport, d.app.screen)
	d.press("e")
	require.Equal(t, input.FieldSecret, d.app.form.cf.Focused())
	d.requireScreen("Secret access key")
	d.press("esc")
	require.Equal(t, input.FieldKey, d.app.form.cf.Focused())
	d.requireScreen("Access key ID")
	d.press("esc")
	d.requireScreen("API endpoint")
	d.requireScreen("bedrock-runtime.REGION")
}
