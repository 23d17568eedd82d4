package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/input"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file is `fbllm test` (not cmd_test.go, which Go would take for a
// test file).

func (c *cli) testCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "test [REF]",
		Short: "Test a connection from this machine and explain what failed",
		Long: `Test a configuration from this machine: DNS, TCP, TLS, HTTP, the
credential and the model list, each layer checked and, when one fails,
explained with the steps to fix it.

With REF, test a saved configuration (a local one reads its secret from the
keyring). A Flashback configuration has no secret on this machine: give one
with --secret-env or --secret-stdin, or use "fbllm validate" to let Flashback
check it. Without REF, test the configuration given by --type, --endpoint and
a secret source, without saving it. --all tests every configuration of the
current view.

Exit codes: 0 the connection works (verified, verified_limited, unverified),
3 it does not, 4 not signed in to Flashback, 1 other failures, 2 usage.`,
		Example: `  fbllm test prod
  OPENAI_KEY=… fbllm test --type OPENAI --endpoint https://api.openai.com/v1 --secret-env OPENAI_KEY
  fbllm test --all --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			adhoc := f.typ != "" || f.endpoint != "" || f.name != "" || f.region != ""
			switch {
			case f.all && (len(args) > 0 || adhoc || f.hasSecretSource()):
				return c.maybeJSONError(f.asJSON, usageErrorf("--all tests saved configurations: it takes no REF, config flags or secret"))
			case f.all:
				return c.testAll(ctx, &f)
			case len(args) == 1 && adhoc:
				return c.maybeJSONError(f.asJSON, usageErrorf("give either REF or --type/--endpoint for an ad-hoc test, not both"))
			case len(args) == 1:
				return c.testRef(ctx, args[0], &f)
			}
			return c.testAdhoc(ctx, &f)
		},
	}
	f.register(cmd, true, true)
	cmd.Flags().BoolVar(&f.all, "all", false, "test every configuration of the current view concurrently")
	return cmd
}

func (c *cli) testRef(ctx context.Context, ref string, f *checkFlags) error {
	return c.checkRef(ctx, ref, f, (*session.Session).Test)
}

// checkRef resolves REF, reads the credentials the check needs (unlocking
// the keyring when they are local) and runs check: test and doctor share
// everything but the check itself.
func (c *cli) checkRef(ctx context.Context, ref string, f *checkFlags,
	check func(*session.Session, context.Context, session.Item, *store.Credentials) (diagnose.Report, error)) error {
	sc, err := f.scope()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	it, err := c.resolveForCheck(ctx, sess, ref, sc)
	if err != nil {
		return c.failOrReport(err, f.asJSON)
	}
	cred, err := c.overrideFor(ctx, sess, it, f)
	if err == nil {
		err = c.unlockFor(ctx, it, cred)
	}
	if err != nil {
		return c.maybeJSONError(f.asJSON, checkError(err))
	}
	rep, err := check(sess, ctx, it, cred)
	return c.finishReport(rep, err, f.asJSON)
}

// testAdhoc tests the configuration given by flags, saving nothing. The
// values go to diagnose as typed: it normalises the endpoint and cleans
// the paste, and reports each change in the report.
func (c *cli) testAdhoc(ctx context.Context, f *checkFlags) error {
	var missing []string
	if f.typ == "" {
		missing = append(missing, "--type")
	}
	if f.endpoint == "" {
		missing = append(missing, "--endpoint")
	}
	if !f.hasSecretSource() {
		missing = append(missing, "--secret-env or --secret-stdin")
	}
	if len(missing) > 0 {
		return c.maybeJSONError(f.asJSON, usageErrorf("give REF, or %s for an ad-hoc test", strings.Join(missing, ", ")))
	}
	typ, err := input.ParseType(f.typ)
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	cred, err := c.rawCredentials(&f.credFlags)
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	name := f.name
	if name == "" {
		name = "ad-hoc"
	}
	rep, err := diagnose.Run(ctx, diagnose.Target{
		Config: diagnose.ConfigRef{Name: name, AIType: typ, Endpoint: f.endpoint},
		Key:    cred.Key, Secret: cred.Secret, Region: f.region,
	}, sess.ProbeOptions())
	return c.finishReport(rep, err, f.asJSON)
}

// testAll tests every configuration of the view concurrently, within
// diagnose.DefaultLimits (256 at a time, 8 per host), and prints one line per
// configuration (or an array of reports with --json) in listing order.
func (c *cli) testAll(ctx context.Context, f *checkFlags) error {
	sc, err := f.scope()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	sess, err := c.session()
	if err != nil {
		return c.maybeJSONError(f.asJSON, err)
	}
	l, err := sess.List(ctx, sc)
	if err != nil {
		return c.maybeJSONError(f.asJSON, checkError(err))
	}
	if l.Problem != nil {
		ce := classify(l.Problem, c.noInput)
		c.warnf("Flashback configurations are not included: %s [%s]", ce.Error(), ce.diag)
	}
	for _, it := range l.Items {
		if !it.IsRemote() {
			// One passphrase prompt for all of them, before the workers
			// start reading the keyring.
			if err := c.unlockFor(ctx, it, nil); err != nil {
				return c.maybeJSONError(f.asJSON, checkError(err))
			}
			break
		}
	}
	reps := make([]diagnose.Report, len(l.Items))
	errs := make([]error, len(l.Items))
	// The outcomes are recorded together at the end: one write of the
	// index instead of one per configuration.
	flush := sess.BatchChecks()
	diagnose.ForEach(ctx, len(l.Items), func(i int) string { return diagnose.HostKey(l.Items[i].Endpoint) },
		diagnose.DefaultLimits,
		func(i int) { reps[i], errs[i] = sess.Test(ctx, l.Items[i], nil) },
		func(i int) { errs[i] = ctx.Err() })
	if err := flush(); err != nil {
		c.notef("warning: the outcomes could not be recorded for the list view: %v", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	code, failed := exitOK, 0
	for i, err := range errs {
		if err != nil {
			code = exitFailed
			c.notef("error: %s: %v", l.Items[i].Name, err)
			reps[i] = diagnose.Report{}
			continue
		}
		if reps[i].ExitCode() != exitOK {
			failed++
			if code == exitOK {
				code = exitNotWorking
			}
		}
	}
	if f.asJSON {
		out := make([]diagnose.Report, 0, len(reps))
		for i, r := range reps {
			if errs[i] == nil {
				out = append(out, r)
			}
		}
		if err := c.printJSON(out); err != nil {
			return err
		}
	} else {
		t := newTable("STATUS", "NAME", "WHERE", "CODE")
		for i, r := range reps {
			if errs[i] != nil {
				continue
			}
			primary := ""
			if d, ok := r.Primary(); ok {
				primary = d.Code
			}
			it := l.Items[i]
			t.add(string(r.Status), it.Name, it.WorkspaceName, primary)
		}
		t.render(c.env.stdout, c.width())
	}
	if code == exitOK {
		return nil
	}
	msg := fmt.Sprintf("%d of %d configurations do not work", failed, len(l.Items))
	if code == exitFailed {
		msg = "some configurations could not be tested"
	}
	return &cliError{code: code, msg: msg, silent: true, err: errors.Join(errs...)}
}
