package diagnose

import (
	"fmt"

	"github.com/fbllm/fbllm/assets"
)

// CheckPlaintext is doctor's audit of provider keys kept in clear in files
// (hygiene.plaintext_key). It is not one of PRODUCT §5's connection checks:
// it is about this machine, like keyring.
const CheckPlaintext CheckID = "plaintext"

// CodeHygienePlaintextKey is the warning of one key found in clear.
const CodeHygienePlaintextKey = "hygiene.plaintext_key"

// PlaintextFinding is one provider key found in clear in a file. Every
// field is safe to print: the key appears as its fingerprint only.
type PlaintextFinding struct {
	Path        string // "~/"-abbreviated
	Entry       string // the variable, alias or profile inside the file
	Type        string
	Fingerprint string
	Held        bool // fbllm stores the same key
}

// PlaintextPart is the plaintext check: pass when no file holds a key in
// clear, else a warning per key and file with what to do.
func PlaintextPart(findings []PlaintextFinding, problems int) Part {
	if len(findings) == 0 {
		detail := "no provider key in clear in the files fbllm knows"
		if problems > 0 {
			detail += fmt.Sprintf(" (%d file(s) could not be read)", problems)
		}
		return Part{Checks: []Check{{ID: CheckPlaintext, Status: CheckPass, Detail: detail}}}
	}
	held := 0
	p := Part{}
	for _, f := range findings {
		note := "fbllm does not hold this key yet: import it first."
		if f.Held {
			held++
			note = "fbllm already holds this key, so the line can go."
		}
		typ := f.Type
		if p, ok := assets.PresetFor(assets.AIType(f.Type)); ok {
			typ = p.Label
		}
		vars := map[string]string{"path": f.Path, "type": typ, "fingerprint": f.Fingerprint, "held": note}
		p.Diagnoses = append(p.Diagnoses, part(CodeHygienePlaintextKey, "", SeverityWarning, vars, f.Fingerprint+" in "+f.Path+" ("+f.Entry+")"))
	}
	p.Checks = []Check{{ID: CheckPlaintext, Status: CheckWarn,
		Detail: fmt.Sprintf("%d key(s) in clear in files; fbllm holds %d of them", len(findings), held)}}
	return p
}
