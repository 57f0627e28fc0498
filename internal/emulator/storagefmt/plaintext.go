// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storagefmt

import (
	"encoding/xml"
	"strings"
)

// metadataElements hold settings rather than page text (macro parameters, task ids and
// states, ADF attributes, editor placeholders) or repeat it (the ADF fallback renders
// the same content for older clients), so PlainText leaves them out.
var metadataElements = setOf(
	"ac:parameter", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:adf-attribute",
	"ac:adf-fallback", "ac:placeholder",
)

// PlainText returns the text content of body for CQL `text ~` matching: no tags,
// entities decoded, and runs of whitespace (including no-break spaces) collapsed to one
// space. Block elements and br separate words; inline elements do not, so
// "<strong>fo</strong>o" reads "foo". Code in ac:plain-text-body counts as text.
//
// It never fails: a malformed body yields the text read before the problem.
func PlainText(body string) string {
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = false // best effort: search indexes whatever it can read
	dec.Entity = xml.HTMLEntity

	var text strings.Builder
	var open []string // element names as written
	skipping := 0     // how many metadata elements are open
	for {
		tok, err := dec.RawToken()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := qualified(t.Name)
			open = append(open, name)
			if metadataElements[name] {
				skipping++
			}
			if blockElements[name] || name == "br" {
				text.WriteByte(' ')
			}
		case xml.EndElement:
			name := qualified(t.Name)
			// Without strict matching a stray end tag may not close anything: close the
			// nearest open element of that name, if any.
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] != name {
					continue
				}
				for _, closed := range open[i:] {
					if metadataElements[closed] {
						skipping--
					}
				}
				open = open[:i]
				break
			}
			if blockElements[name] {
				text.WriteByte(' ')
			}
		case xml.CharData:
			if skipping == 0 {
				text.Write(t)
			}
		}
	}
	return strings.Join(strings.Fields(text.String()), " ")
}
