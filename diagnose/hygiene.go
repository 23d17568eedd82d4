package diagnose

import (
	"fmt"
	"strings"

	"github.com/fbllm/fbllm/assets"
)

// CheckPlaintext is doctor's audit of provider keys kept in clear in files
// (hygiene.plaintext_key). It is not one of PRODUCT §5's connection checks:
// it is about this machine, like keyring.
const CheckPlaintext CheckID = "plaintext"

// CodeHygienePlaintextKey is the warning of a file that holds keys in clear.
const CodeHygienePlaintextKey = "hygiene.plaintext_key"

// PlaintextFinding is one provider key found in clear in a file. Every
// field is safe to print: the key appears as its fingerprint only.
type PlaintextFinding struct {
	Path        string // "~/"-abbreviated
	Entry       string // the variable, alias or profile inside the file
	Type        string
	Fingerprint string
	// HeldBy names the configuration that holds the same key, "" when
	// fbllm holds none.
	HeldBy string
	// Unstorable says why fbllm cannot hold this credential, "" when it can.
	Unstorable string
}

// PlaintextPart is the plaintext check: pass when no file holds a key in
// clear, else one warning per file, whose steps fit what fbllm can do
// about its keys: import them, remove the lines of those it already holds
// (naming the exec line that replaces them), or — for credentials it
// cannot keep — remove or revoke them.
func PlaintextPart(findings []PlaintextFinding, problems int) Part {
	if len(findings) == 0 {
		detail := "no provider key in clear in the files fbllm knows"
		if problems > 0 {
			detail += fmt.Sprintf(" (%d file(s) could not be read)", problems)
		}
		return Part{Checks: []Check{{ID: CheckPlaintext, Status: CheckPass, Detail: detail}}}
	}
	var order []string
	byFile := map[string][]PlaintextFinding{}
	held := 0
	for _, f := range findings {
		if _, ok := byFile[f.Path]; !ok {
			order = append(order, f.Path)
		}
		byFile[f.Path] = append(byFile[f.Path], f)
		if f.HeldBy != "" {
			held++
		}
	}
	p := Part{Checks: []Check{{ID: CheckPlaintext, Status: CheckWarn,
		Detail: fmt.Sprintf("%d key(s) in clear in %d file(s); fbllm holds %d of them", len(findings), len(order), held)}}}
	for _, path := range order {
		p.Diagnoses = append(p.Diagnoses, plaintextFile(path, byFile[path]))
	}
	return p
}

// plaintextFile is the warning of one file.
func plaintextFile(path string, fs []PlaintextFinding) Diagnosis {
	var keys, evidence, holders, reasons []string
	toImport := 0
	for _, f := range fs {
		label := f.Type
		if p, ok := assets.PresetFor(assets.AIType(f.Type)); ok {
			label = p.Label
		}
		state := "not held by fbllm yet"
		switch {
		case f.HeldBy != "":
			state = fmt.Sprintf("fbllm holds it as %q", f.HeldBy)
			holders = append(holders, f.HeldBy)
		case f.Unstorable != "":
			state = "fbllm cannot keep it: " + f.Unstorable
			reasons = append(reasons, f.Unstorable)
		default:
			toImport++
		}
		keys = append(keys, fmt.Sprintf("%s %s (%s; %s)", label, f.Fingerprint, f.Entry, state))
		evidence = append(evidence, f.Fingerprint+" ("+f.Entry+")")
	}
	variant := ""
	switch {
	case toImport > 0:
	case len(holders) > 0:
		variant = "held"
	default:
		variant = "unstorable"
	}
	command := "fbllm exec NAME -- "
	if len(holders) > 0 {
		command = execLine(holders[0])
	}
	vars := map[string]string{"path": path, "keys": strings.Join(keys, "; "), "command": command,
		"reason": strings.Join(reasons, "; ")}
	return part(CodeHygienePlaintextKey, variant, SeverityWarning, vars, path+": "+strings.Join(evidence, ", "))
}

// execLine is the command that hands a held key to a tool. It matches
// toolenv.CommandLine, which diagnose cannot import.
func execLine(name string) string {
	if strings.ContainsAny(name, " \t'\"$`\\!()&;|<>*?[]#~") {
		name = "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
	}
	return "fbllm exec " + name + " -- "
}
