// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"encoding/xml"
	"strings"
)

// PlainText returns the readable text of a storage-format body, with all
// whitespace (including no-break spaces) collapsed to single spaces and
// trimmed: for titles, excerpts and log messages. Blocks and line breaks
// separate words; macro parameters, task ids and statuses and template placeholders are left out, macro bodies
// are kept. A body that is not well-formed still yields its text up to the
// first error (read leniently, as HTML).
func PlainText(body string) string {
	var b strings.Builder
	if root, err := parse(body); err == nil {
		writePlainText(&b, root)
	} else {
		writeLenientPlainText(&b, body)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// hiddenTextElements hold configuration rather than page text.
var hiddenTextElements = setOf("ac:parameter", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:adf-attribute", "ac:placeholder")

func writePlainText(b *strings.Builder, n *node) {
	for _, child := range n.children {
		if child.kind == textNode {
			b.WriteString(child.text)
			continue
		}
		if hiddenTextElements[child.name] {
			continue
		}
		separate := child.name == "br" || blockElements[child.name] || contextualBlocks[child.name]
		if separate {
			b.WriteByte(' ')
		}
		writePlainText(b, child)
		if separate {
			b.WriteByte(' ')
		}
	}
}

// writeLenientPlainText extracts text from a malformed body with encoding/xml
// in its forgiving HTML mode, stopping at the first unrecoverable error.
func writeLenientPlainText(b *strings.Builder, body string) {
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	hiddenDepth := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if hiddenDepth > 0 || hiddenTextElements[qualifiedName(t.Name)] {
				hiddenDepth++
			}
			b.WriteByte(' ')
		case xml.EndElement:
			if hiddenDepth > 0 {
				hiddenDepth--
			}
			b.WriteByte(' ')
		case xml.CharData:
			if hiddenDepth == 0 {
				b.Write(t)
			}
		}
	}
}

func qualifiedName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}
