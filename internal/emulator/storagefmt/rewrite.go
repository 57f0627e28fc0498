// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storagefmt

import (
	"slices"
	"strings"
)

// blockElements are the elements whose surrounding whitespace Confluence drops: HTML
// block-level elements plus the structural ac: elements that hold blocks or parameters.
var blockElements = setOf(
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
	"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col",
	"blockquote", "pre", "div", "hr", "section", "article", "aside", "header", "footer",
	"nav", "main", "figure", "figcaption", "details", "summary", "address", "center",
	"ac:structured-macro", "ac:macro", "ac:parameter", "ac:rich-text-body", "ac:plain-text-body",
	"ac:layout", "ac:layout-section", "ac:layout-cell",
	"ac:task-list", "ac:task", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:task-body",
	"ac:adf-extension", "ac:adf-node", "ac:adf-attribute", "ac:adf-content", "ac:adf-fallback", "ac:adf-mark",
)

// verbatimElements keep their whitespace exactly as sent.
var verbatimElements = setOf("pre", "ac:plain-text-body")

// voidElements are the HTML elements that never have content; when empty they are
// written "<br />".
var voidElements = setOf(
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
	"source", "track", "wbr",
)

const (
	macroElement       = "ac:structured-macro"
	macroIDAttr        = "ac:macro-id"
	schemaVersionAttr  = "ac:schema-version"
	plainTextBody      = "ac:plain-text-body"
	macroSchemaVersion = "1"
)

func setOf(names ...string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}

// normalise applies the save-time rewrites to the tree in place: whitespace between
// blocks is dropped, attributes are sorted and macros get a schema version and a fresh id.
func normalise(n *node, newMacroID func() string) {
	if !verbatimElements[n.name] {
		dropBlockWhitespace(n)
	}
	if n.name == macroElement {
		n.attrs = setAttr(n.attrs, macroIDAttr, newMacroID(), true)
		n.attrs = setAttr(n.attrs, schemaVersionAttr, macroSchemaVersion, false)
	}
	slices.SortFunc(n.attrs, func(a, b attr) int { return strings.Compare(a.name, b.name) })
	for _, c := range n.children {
		if !c.isText() {
			normalise(c, newMacroID)
		}
	}
}

// dropBlockWhitespace removes n's whitespace-only text children that sit between block
// elements (or between a block element and the edge of n). At the top level of the body
// the edges count on their own, so leading and trailing whitespace of a body goes too.
func dropBlockWhitespace(n *node) {
	isRoot := n.name == "#body"
	kept := n.children[:0]
	for i, c := range n.children {
		if c.isText() && isXMLSpace(c.text) {
			prevBlock, prevEdge := neighbour(n.children, i-1)
			nextBlock, nextEdge := neighbour(n.children, i+1)
			if (prevBlock || prevEdge) && (nextBlock || nextEdge) && (prevBlock || nextBlock || isRoot) {
				continue
			}
		}
		kept = append(kept, c)
	}
	clear(n.children[len(kept):])
	n.children = kept
}

// neighbour reports whether children[i] is a block element, or lies outside children.
func neighbour(children []*node, i int) (isBlock, isEdge bool) {
	if i < 0 || i >= len(children) {
		return false, true
	}
	return blockElements[children[i].name], false
}

func isXMLSpace(s string) bool {
	return strings.Trim(s, " \t\r\n") == ""
}

// setAttr sets name to value; when the attribute exists it is replaced only if replace.
func setAttr(attrs []attr, name, value string, replace bool) []attr {
	for i := range attrs {
		if attrs[i].name == name {
			if replace {
				attrs[i].value = value
			}
			return attrs
		}
	}
	return append(attrs, attr{name: name, value: value})
}

// writeNode serialises n; inCDATA is set for the children of ac:plain-text-body.
func writeNode(b *strings.Builder, n *node, inCDATA bool) {
	if n.isText() {
		if inCDATA {
			writeCDATA(b, n.text)
		} else {
			writeEscaped(b, n.text, false)
		}
		return
	}
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		writeEscaped(b, a.value, true)
		b.WriteByte('"')
	}
	if n.name == plainTextBody && len(n.children) == 0 {
		b.WriteString("><![CDATA[]]></")
		b.WriteString(n.name)
		b.WriteByte('>')
		return
	}
	if len(n.children) == 0 && selfCloses(n.name) {
		b.WriteString(" />")
		return
	}
	b.WriteByte('>')
	for _, c := range n.children {
		writeNode(b, c, n.name == plainTextBody)
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

// selfCloses reports whether an empty element is written "<x />" rather than "<x></x>".
func selfCloses(name string) bool {
	return voidElements[name] || strings.HasPrefix(name, "ac:") || strings.HasPrefix(name, "ri:")
}

// writeEscaped writes s as XML character data, or as an attribute value when inAttr.
// Whitespace other than spaces is escaped in attributes because XML parsers normalise
// literal tabs and newlines there to spaces.
func writeEscaped(b *strings.Builder, s string, inAttr bool) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#13;"
		case '"':
			if !inAttr {
				continue
			}
			esc = "&quot;"
		case '\t':
			if !inAttr {
				continue
			}
			esc = "&#9;"
		case '\n':
			if !inAttr {
				continue
			}
			esc = "&#10;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// writeCDATA writes s as a CDATA section. It is split where s contains "]]>", which
// cannot appear inside one, and around carriage returns, which XML parsers read back
// as line feeds unless they are written as a character reference.
func writeCDATA(b *strings.Builder, s string) {
	for i, part := range strings.Split(s, "\r") {
		if i > 0 {
			b.WriteString("&#13;")
		}
		if part == "" && i > 0 {
			continue
		}
		b.WriteString("<![CDATA[")
		b.WriteString(strings.ReplaceAll(part, "]]>", "]]]]><![CDATA[>"))
		b.WriteString("]]>")
	}
}
