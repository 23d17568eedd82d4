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

// parseIndex decodes configs.json content, sorted like List. path is for
// messages.
func parseIndex(path string, data []byte) ([]Config, error) {
	if data == nil {
		return nil, nil
	}
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
		switch {
		case c.ID == "":
			return nil, &parseError{fmt.Errorf("config #%d has no id", i+1)}
		case c.Generation < 0 || (f.Version < 2 && c.Generation != 0):
			return nil, &parseError{fmt.Errorf("config #%d has an impossible generation %d", i+1, c.Generation)}
		}
	}
	slices.SortFunc(f.Configs, lessByName)
	return f.Configs, nil
}

// encodeIndex renders configs.json with one configuration per line: still
// readable and diffable by people, but without the indentation that makes
// parsing 1,000 entries about a third slower.
func encodeIndex(configs []Config) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"version":%d,"configs":[`, indexVersion)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, c := range configs {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		if err := enc.Encode(c); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
}
