package keyscan

import (
	"strings"
)

// awsProfile is the part of one AWS profile a scan uses.
type awsProfile struct {
	Name                   string // "default", "work"
	AccessKeyID, SecretKey string
	SessionToken, Region   string
	line                   int // 1-based line of the section header, for ordering
}

// parseAWSINI reads ~/.aws/credentials (config false: "[name]" sections)
// or ~/.aws/config (config true: "[default]" and "[profile name]"; other
// sections such as [sso-session x] are not profiles), as botocore and
// aws-sdk-go-v2 do. Keys are case-insensitive, indented lines belong to a
// nested setting and are skipped, and malformed lines are ignored.
func parseAWSINI(data string, config bool) []awsProfile {
	var out []awsProfile
	var cur *awsProfile
	for i, raw := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		if raw == "" || raw[0] == ' ' || raw[0] == '\t' {
			continue
		}
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			cur = nil
			end := strings.IndexByte(line, ']')
			if end < 0 {
				continue
			}
			name := strings.TrimSpace(line[1:end])
			if config && name != "default" {
				p, ok := strings.CutPrefix(name, "profile ")
				if !ok {
					continue
				}
				name = strings.TrimSpace(p)
			}
			if name == "" {
				continue
			}
			out = append(out, awsProfile{Name: name, line: i + 1})
			cur = &out[len(out)-1]
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || cur == nil {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "aws_access_key_id":
			cur.AccessKeyID = value
		case "aws_secret_access_key":
			cur.SecretKey = value
		case "aws_session_token", "aws_security_token":
			if cur.SessionToken == "" {
				cur.SessionToken = value
			}
		case "region":
			cur.Region = value
		}
	}
	return mergeSameName(out)
}

// mergeSameName folds repeated sections of one profile into the first, as
// the INI readers do (later keys win).
func mergeSameName(ps []awsProfile) []awsProfile {
	var out []awsProfile
	index := map[string]int{}
	for _, p := range ps {
		i, seen := index[p.Name]
		if !seen {
			index[p.Name] = len(out)
			out = append(out, p)
			continue
		}
		o := &out[i]
		o.AccessKeyID = cmpOr(p.AccessKeyID, o.AccessKeyID)
		o.SecretKey = cmpOr(p.SecretKey, o.SecretKey)
		o.SessionToken = cmpOr(p.SessionToken, o.SessionToken)
		o.Region = cmpOr(p.Region, o.Region)
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
