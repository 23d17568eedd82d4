package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/fbllm/fbllm/diagnose"
	"github.com/fbllm/fbllm/session"
	"github.com/fbllm/fbllm/store"
)

// This file holds the import flow: the first-run setup's offer, the
// checklist of keys found in clear (browser i), a test of one before it is
// stored, and the import itself.

// importState is the checklist's plan: the keys found, with the
// credentials a test or the import needs. No view reads it, and it is
// forgotten when the checklist closes or the import is done.
type importState struct {
	plan session.ImportPlan
	// scanID numbers the scans; only the latest one's result is shown.
	scanID int
	// reports are the tests run on rows, recorded as the last check of the
	// configurations they become.
	reports map[int]diagnose.Report
	// from is where esc on the checklist returns (the browser or setup).
	from screenID
	// firstRun: the scan answers the first-run setup, which offers the
	// import when it found keys.
	firstRun bool
}

// offerImport starts the first-run scan: its result lets setup offer the
// import. It runs as a Cmd after the store is read, so the welcome is
// drawn before any file is.
func (a App) offerImport() (App, tea.Cmd) {
	if a.deps.Scan == nil || a.keyring.err != nil {
		return a, nil
	}
	a.found.scanID++
	a.found.firstRun = true
	return a, scanKeysCmd(context.Background(), a.sess, *a.deps.Scan, a.found.scanID)
}

// onOpenImport opens the checklist and scans again, so it lists what is
// on the machine now.
func (a App) onOpenImport(openImportMsg) (App, tea.Cmd) {
	if a.deps.Scan == nil {
		return a, nil
	}
	from := a.screen
	if from != screenSetup {
		from = screenBrowser
	}
	a.found = importState{scanID: a.found.scanID + 1, from: from}
	*a.importer = newImportScreen(a.styles, a.width, a.contentHeight())
	a.show(screenImport)
	return a, scanKeysCmd(context.Background(), a.sess, *a.deps.Scan, a.found.scanID)
}

func (a App) onKeysScanned(msg keysScannedMsg) (App, tea.Cmd) {
	if msg.id != a.found.scanID {
		return a, nil // a newer scan is under way
	}
	if a.found.firstRun {
		// Only the offer is kept: the credentials are read again if the
		// user opens the checklist.
		a.found.firstRun = false
		if msg.err == nil {
			a.setup.offerImport(foundSentence(msg.plan.Rows))
		}
		return a, nil
	}
	if a.screen != screenImport {
		return a, nil
	}
	if msg.err != nil {
		a.importer.scanFailed(errorText("Could not look for keys: ", msg.err))
		return a, nil
	}
	a.found.plan = msg.plan
	a.importer.setPlan(msg.plan)
	return a, nil
}

// row is the plan's row i, when it can still be imported.
func (a App) row(i int) (session.ImportRow, bool) {
	if i < 0 || i >= len(a.found.plan.Rows) || a.found.plan.Rows[i].Action != session.ImportNew {
		return session.ImportRow{}, false
	}
	return a.found.plan.Rows[i], true
}

// onTestCandidate probes the provider with a found key, as it would be
// stored. It needs no keyring: the credentials are the ones found.
func (a App) onTestCandidate(msg testCandidateMsg) (App, tea.Cmd) {
	r, ok := a.row(msg.row)
	if !ok {
		return a, nil
	}
	a.importer.setProbe(msg.row, probeRunning, "")
	a, ctx := a.start("Testing " + quote(r.Name) + "…")
	return a, tea.Batch(a.tick(), testCandidateCmd(ctx, a.sess, msg.row, r.Change))
}

func (a App) onCandidateTested(msg candidateTestedMsg) (App, tea.Cmd) {
	a = a.done()
	switch {
	case errors.Is(msg.err, context.Canceled):
		a.importer.setProbe(msg.row, probeIdle, "")
		return a.setStatus("Test cancelled; nothing was checked.", false)
	case msg.err != nil:
		a.importer.setProbe(msg.row, probeFailed, errorText("The test could not run: ", msg.err))
		return a, nil
	}
	r := msg.report
	if a.found.reports == nil {
		a.found.reports = map[int]diagnose.Report{}
	}
	a.found.reports[msg.row] = r
	verdict := string(r.Status)
	if verdict == "" {
		verdict = "no result"
	}
	for _, d := range r.Diagnoses {
		if d.Severity == diagnose.SeverityError {
			verdict += ": " + d.Title
			break
		}
	}
	state := probeFailed
	if r.ExitCode() == 0 && r.Status != diagnose.StatusUnverified {
		state = probeOK
	}
	a.importer.setProbe(msg.row, state, verdict)
	return a, nil
}

// onImportKeys stores the selected keys once the keyring can take them.
func (a App) onImportKeys(msg importKeysMsg) (App, tea.Cmd) {
	var jobs []importJob
	for _, i := range msg.rows {
		r, ok := a.row(i)
		if !ok {
			continue
		}
		j := importJob{row: i, change: r.Change}
		if rep, ok := a.found.reports[i]; ok {
			j.tested = &rep
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return a, nil
	}
	return a.needUnlock(fmt.Sprintf("to store the %d key%s", len(jobs), plural(len(jobs), "", "s")), func(a App) (App, tea.Cmd) {
		a.show(screenImport)
		a, ctx := a.start(fmt.Sprintf("Importing %d key%s…", len(jobs), plural(len(jobs), "", "s")))
		return a, tea.Batch(a.tick(), importKeysCmd(ctx, a.sess, jobs))
	}, screenImport)
}

// onKeysImported shows what was stored and forgets the credentials found.
func (a App) onKeysImported(msg keysImportedMsg) (App, tea.Cmd) {
	a = a.done()
	outcomes := make([]importOutcome, 0, len(msg.results))
	for _, r := range msg.results {
		o := importOutcome{row: r.row, item: r.item}
		if r.err != nil {
			o.err = session.Explain(r.err).Sentence()
		} else {
			a.result.Changes = append(a.result.Changes, Change{Action: "imported", Item: r.item})
		}
		outcomes = append(outcomes, o)
	}
	a.found = importState{scanID: a.found.scanID, from: screenBrowser}
	a.importer.showSummary(outcomes, store.BackendLabel(a.keyring.backend.Name))
	return a, nil
}

// onCloseImport leaves the checklist: to the list, fresh, once something
// was imported; else back where it was opened from.
func (a App) onCloseImport(closeImportMsg) (App, tea.Cmd) {
	from := a.found.from
	a.found = importState{scanID: a.found.scanID}
	if a.importer.phase == importDone {
		a.show(screenBrowser)
		return a.relist("")
	}
	a.show(from)
	return a, nil
}
