package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// indexVersion is the configs.json format this code writes. Version 2 added
// Config.Generation (which keyring item holds the credentials); version 1
// files read as generation 0 everywhere, the item names they always had.
// An older fbllm refuses version 2 rather than drop the generations and
// look for items under their old names.
const indexVersion = 2

// indexFile is the on-disk shape of configs.json.
type indexFile struct {
	Version int      `json:"version"`
	Configs []Config `json:"configs"`
}

// parseError marks content that cannot be used: bad JSON or an impossible
// version. Only these lead to moving the file aside; I/O errors, a newer
// version and an oversized file do not.
type parseError struct{ err error }

func (e *parseError) Error() string { return e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

// parseIndex decodes configs.json content, sorted like List. lines[i] is
// configs[i]'s line as encodeIndex writes it, when the file holds it in
// that form (nil otherwise; see decodeCanonical). path is for messages.
func parseIndex(path string, data []byte) (configs []Config, lines [][]byte, err error) {
	if data == nil {
		return nil, nil, nil
	}
	configs, lines, ok := decodeCanonical(data)
	if !ok {
		if configs, err = parseGeneral(path, data); err != nil {
			return nil, nil, err
		}
		lines = make([][]byte, len(configs))
	}
	for i, c := range configs {
		if c.ID == "" {
			return nil, nil, &parseError{fmt.Errorf("config #%d has no id", i+1)}
		}
		if c.Generation < 0 {
			return nil, nil, &parseError{fmt.Errorf("config #%d has an impossible generation %d", i+1, c.Generation)}
		}
	}
	if !slices.IsSortedFunc(configs, lessByName) {
		sortWithLines(configs, lines)
	}
	return configs, lines, nil
}

// parseGeneral decodes configs.json in any form encoding/json reads, of
// any version this code knows.
func parseGeneral(path string, data []byte) ([]Config, error) {
	// Read the version first: a newer file may not even parse as ours.
	var v struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, &parseError{fmt.Errorf("parse: %w", err)}
	}
	switch {
	case v.Version > indexVersion:
		return nil, &NewerVersionError{Path: path, Version: v.Version, Supported: indexVersion}
	case v.Version < 1:
		return nil, &parseError{fmt.Errorf("unsupported index version %d (this fbllm reads versions 1 to %d)", v.Version, indexVersion)}
	}
	var f indexFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &parseError{fmt.Errorf("parse: %w", err)}
	}
	for i, c := range f.Configs {
		if f.Version < 2 && c.Generation != 0 {
			return nil, &parseError{fmt.Errorf("config #%d has an impossible generation %d", i+1, c.Generation)}
		}
	}
	return f.Configs, nil
}

// sortWithLines sorts configs like List, keeping lines[i] with configs[i].
func sortWithLines(configs []Config, lines [][]byte) {
	type entry struct {
		c    Config
		line []byte
	}
	es := make([]entry, len(configs))
	for i := range configs {
		es[i] = entry{configs[i], lines[i]}
	}
	slices.SortFunc(es, func(a, b entry) int { return lessByName(a.c, b.c) })
	for i, e := range es {
		configs[i], lines[i] = e.c, e.line
	}
}

// encodeIndex renders configs.json with one configuration per line: still
// readable and diffable by people, but without the indentation that makes
// parsing 1,000 entries about a third slower. configs must be sorted like
// List. prev and prevLines are the file being replaced, as parseIndex
// returned it: a configuration that is in prev unchanged is written as its
// line there instead of being encoded again, which is most of a write's
// cost when one configuration of thousands changes. lines[i] is configs[i]'s
// line in the result (sharing its memory).
func encodeIndex(configs, prev []Config, prevLines [][]byte) (data []byte, lines [][]byte, err error) {
	size := len(canonicalHead) + len(canonicalTail)
	for _, l := range prevLines {
		size += len(l) + 2
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+512))
	buf.Write(canonicalHead)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	spans := make([][2]int, len(configs))
	j := 0 // walks prev, which is sorted the same way
	for i := range configs {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		start := buf.Len()
		// Unchanged neighbours have the same id: only where the lists
		// differ does the walk compare names.
		for j < len(prev) && prev[j].ID != configs[i].ID && lessByName(prev[j], configs[i]) < 0 {
			j++
		}
		if j < len(prev) && j < len(prevLines) && prevLines[j] != nil && sameConfig(&prev[j], &configs[i]) {
			buf.Write(prevLines[j])
			j++
		} else {
			if err := enc.Encode(configs[i]); err != nil {
				return nil, nil, err
			}
			buf.Truncate(buf.Len() - 1) // Encode's newline
		}
		spans[i] = [2]int{start, buf.Len()}
	}
	buf.Write(canonicalTail)
	data = buf.Bytes()
	lines = make([][]byte, len(configs))
	for i, sp := range spans {
		lines[i] = data[sp[0]:sp[1]:sp[1]]
	}
	return data, lines, nil
}
