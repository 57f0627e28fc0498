// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	gmparser "github.com/yuin/goldmark/parser"
	"go.abhg.dev/goldmark/frontmatter"
)

// FrontMatterError says why the front matter block at the top of a Markdown
// file could not be read.
type FrontMatterError struct {
	Format string // "YAML" or "TOML"
	Line   int    // 1-based line of the opening delimiter (always 1)
	Err    error
}

func (e *FrontMatterError) Error() string {
	return fmt.Sprintf("the %s front matter starting at line %d is not a valid %s mapping: %v", e.Format, e.Line, e.Format, e.Err)
}

func (e *FrontMatterError) Unwrap() error { return e.Err }

// FrontMatter returns the YAML (between "---" lines) or TOML (between "+++"
// lines) front matter at the very top of markdown, decoded into plain Go
// values: map[string]any, []any, string, bool, int64, float64 and nil.
// Dates and times become RFC 3339 strings. A file without front matter
// gives an empty map; front matter that does not decode to a mapping gives
// a *FrontMatterError.
//
// The delimiters are those of Hugo, Jekyll and MkDocs: the block opens on
// line 1 and closes at the next line holding the same delimiter. An opening
// line without a closing one is not front matter (it is a thematic break).
func FrontMatter(markdown string) (map[string]any, error) {
	source := []byte(normalizeMarkdown(markdown))
	if !hasClosedFrontMatter(source) {
		return map[string]any{}, nil
	}
	pc := gmparser.NewContext()
	markdownWithFrontMatter.Parser().Parse(textReader(source), gmparser.WithContext(pc))
	return decodeFrontMatter(source, pc)
}

// hasClosedFrontMatter reports whether source starts with a front matter
// delimiter line that a later identical line closes. The goldmark extension
// would otherwise take a leading "---" thematic break and everything after
// it as unterminated front matter, and the page would lose its body.
func hasClosedFrontMatter(source []byte) bool {
	end := bytes.IndexByte(source, '\n')
	if end < 0 {
		return false
	}
	first := source[:end]
	if len(first) < 3 || (first[0] != '-' && first[0] != '+') || strings.Trim(string(first), string(first[0:1])) != "" {
		return false
	}
	for rest := source[end+1:]; len(rest) > 0; {
		lineEnd := bytes.IndexByte(rest, '\n')
		line := rest
		if lineEnd >= 0 {
			line, rest = rest[:lineEnd], rest[lineEnd+1:]
		} else {
			rest = nil
		}
		if bytes.Equal(line, first) {
			return true
		}
	}
	return false
}

// decodeFrontMatter decodes the front matter the parse left in pc.
func decodeFrontMatter(source []byte, pc gmparser.Context) (map[string]any, error) {
	data := frontmatter.Get(pc)
	if data == nil {
		return map[string]any{}, nil
	}
	format := "YAML"
	if source[0] == '+' {
		format = "TOML"
	}
	var raw map[string]any
	if err := data.Decode(&raw); err != nil {
		return nil, &FrontMatterError{Format: format, Line: 1, Err: err}
	}
	normalized, _ := normalizeFrontMatterValue(raw).(map[string]any)
	if normalized == nil {
		normalized = map[string]any{}
	}
	return normalized, nil
}

// normalizeFrontMatterValue converts what the YAML and TOML decoders return
// into the few types FrontMatter promises, so callers (the front_matter
// function) need not know either library.
func normalizeFrontMatterValue(v any) any {
	switch v := v.(type) {
	case nil, string, bool, int64, float64:
		return v
	case int:
		return int64(v)
	case uint64:
		if v > math.MaxInt64 {
			return float64(v)
		}
		return int64(v)
	case float32:
		return float64(v)
	case time.Time:
		return v.Format(time.RFC3339)
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = normalizeFrontMatterValue(e)
		}
		return m
	case map[any]any: // YAML mappings with non-string keys
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = normalizeFrontMatterValue(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = normalizeFrontMatterValue(e)
		}
		return s
	case []map[string]any: // TOML arrays of tables
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = normalizeFrontMatterValue(e)
		}
		return s
	case fmt.Stringer: // TOML local dates and times
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}
