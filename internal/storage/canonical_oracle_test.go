// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"slices"
	"strings"
)

// oracleCanonicalize is Canonicalize as it was before the compact tree:
// oracleParse, then normalisation and writing on the pointer tree. The
// differential tests compare Canonicalize with it.
func oracleCanonicalize(body string) (string, error) {
	root, err := oracleParse(body)
	if err != nil {
		return "", err
	}
	oracleNormalizeChildren(root, true, false)
	w := oracleLineWriter{}
	w.b.Grow(len(body))
	w.oracleWriteLines(root, 0)
	return w.b.String(), nil
}

// oracleHoldsRunningText reports whether the (normalised) content of parent is
// running text, in which contextual blocks are inline: a text block, an
// inline element, or any element with non-blank text or an inline element
// among its children (a table cell reading "Status: <status macro>").
func oracleHoldsRunningText(parent *oracleNode) bool {
	if parent.name != fragmentRoot && (textBlocks[parent.name] || !blockElements[parent.name] && !contextualBlocks[parent.name]) {
		return true
	}
	for _, child := range parent.children {
		switch {
		case child.kind == textNode:
			if strings.Trim(child.text, xmlSpace) != "" {
				return true
			}
		case !blockElements[child.name] && !contextualBlocks[child.name]:
			return true
		}
	}
	return false
}

// oracleIsBlockIn reports whether child of a normalised parent is a block there.
func oracleIsBlockIn(child, parent *oracleNode) bool {
	if child.kind != elementNode {
		return false
	}
	return blockElements[child.name] || contextualBlocks[child.name] && !parent.runningText
}

// oracleNormalizeChildren rewrites the subtree under parent in place. parentIsBlock
// tells whether parent itself is a block (its leading and trailing whitespace
// is then not content); preformatted disables whitespace changes.
func oracleNormalizeChildren(parent *oracleNode, parentIsBlock, preformatted bool) {
	kept := parent.children[:0]
	for _, child := range parent.children {
		switch {
		case child.kind == elementNode && (volatileElements[child.name] || oracleIsLocalIDAttribute(child)):
			continue
		case child.kind == elementNode:
			oracleNormalizeElement(child)
		case child.text == "":
			continue
		case len(kept) > 0 && kept[len(kept)-1].kind == textNode:
			kept[len(kept)-1].text += child.text
			continue
		}
		kept = append(kept, child)
	}
	parent.children = kept
	parent.runningText = oracleHoldsRunningText(parent)
	for _, child := range parent.children {
		if child.kind == elementNode {
			oracleNormalizeChildren(child, oracleIsBlockIn(child, parent), preformatted || preformattedElements[child.name])
		}
	}
	if preformatted {
		return
	}

	kept = parent.children[:0]
	for i, child := range parent.children {
		if child.kind != textNode {
			kept = append(kept, child)
			continue
		}
		text := oracleCollapseWhitespace(child.text)
		if i == 0 && parentIsBlock || i > 0 && oracleIsBlockIn(parent.children[i-1], parent) {
			text = strings.TrimLeft(text, " ")
		}
		last := i == len(parent.children)-1
		if last && parentIsBlock || !last && oracleIsBlockIn(parent.children[i+1], parent) {
			text = strings.TrimRight(text, " ")
		}
		if text != "" {
			child.text = text
			kept = append(kept, child)
		}
	}
	parent.children = kept
}

// oracleIsLocalIDAttribute reports whether n is the ADF form of a local-id
// attribute, <ac:adf-attribute key="local-id"> on a node or
// <ac:adf-parameter key="local-id"> among an extension's parameters,
// regenerated like local-id.
func oracleIsLocalIDAttribute(n *oracleNode) bool {
	if n.name != "ac:adf-attribute" && n.name != "ac:adf-parameter" {
		return false
	}
	for _, a := range n.attrs {
		if a.name == "key" {
			return a.value == "local-id"
		}
	}
	return false
}

func oracleNormalizeElement(n *oracleNode) {
	if renamed, ok := renamedElements[n.name]; ok {
		n.name = renamed
	}
	attrs := n.attrs[:0]
	for _, a := range n.attrs {
		if def, ok := defaultAttributes[a.name]; volatileAttributes[a.name] || ok && a.value == def {
			continue
		}
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, func(a, b attribute) int { return strings.Compare(a.name, b.name) })
	n.attrs = attrs
}

// oracleCollapseWhitespace replaces every run of XML whitespace with one space.
// U+00A0 is not whitespace here: it is a deliberate character.
func oracleCollapseWhitespace(s string) string {
	if !oracleNeedsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			if !inSpace {
				b.WriteByte(' ')
			}
			inSpace = true
		default:
			b.WriteByte(c)
			inSpace = false
		}
	}
	return b.String()
}

// oracleNeedsCollapse reports whether s has whitespace other than single spaces.
func oracleNeedsCollapse(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\r':
			return true
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

const oracleIndentUnit = "  "

// oracleLineWriter writes the canonical form into one buffer, a newline between
// lines.
type oracleLineWriter struct {
	b       strings.Builder
	started bool
}

// oracleStartLine begins a new line indented by depth.
func (w *oracleLineWriter) oracleStartLine(depth int) {
	if w.started {
		w.b.WriteByte('\n')
	}
	w.started = true
	for range depth {
		w.b.WriteString(oracleIndentUnit)
	}
}

// oracleWriteLines writes the children of parent as lines: each block on a line
// of its own, consecutive inline nodes together on one line.
func (w *oracleLineWriter) oracleWriteLines(parent *oracleNode, depth int) {
	inRun := false // a line of inline nodes is open
	for _, child := range parent.children {
		if !oracleIsBlockIn(child, parent) {
			if !inRun {
				w.oracleStartLine(depth)
				inRun = true
			}
			oracleWriteNode(&w.b, child, parent)
			continue
		}
		inRun = false
		w.oracleStartLine(depth)
		if lineContainers[child.name] && len(child.children) > 0 && oracleAllBlocks(child) {
			oracleWriteStartTag(&w.b, child, false)
			w.oracleWriteLines(child, depth+1)
			w.oracleStartLine(depth)
			oracleWriteEndTag(&w.b, child)
			continue
		}
		oracleWriteNode(&w.b, child, parent)
	}
}

// oracleAllBlocks reports whether every child of n is a block. Only then are the
// children put on lines of their own: text directly in a macro body stays
// next to its tags.
func oracleAllBlocks(n *oracleNode) bool {
	for _, child := range n.children {
		if !oracleIsBlockIn(child, n) {
			return false
		}
	}
	return true
}

// oracleWriteNode serialises n and its subtree on one line (apart from newlines
// that are content of preformatted text).
func oracleWriteNode(b *strings.Builder, n, parent *oracleNode) {
	if n.kind == textNode {
		if cdataElements[parent.name] {
			oracleWriteCDATA(b, n.text)
		} else {
			oracleWriteEscaped(b, n.text, false)
		}
		return
	}
	if len(n.children) == 0 {
		oracleWriteStartTag(b, n, true)
		return
	}
	oracleWriteStartTag(b, n, false)
	for _, child := range n.children {
		oracleWriteNode(b, child, n)
	}
	oracleWriteEndTag(b, n)
}

func oracleWriteEndTag(b *strings.Builder, n *oracleNode) {
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

func oracleWriteStartTag(b *strings.Builder, n *oracleNode, selfClosing bool) {
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		oracleWriteEscaped(b, a.value, true)
		b.WriteByte('"')
	}
	if selfClosing {
		b.WriteString(" />")
	} else {
		b.WriteByte('>')
	}
}

// oracleWriteEscaped writes s as XML character data or attribute value, with the
// fewest escapes that keep it well-formed and on one line (in attributes).
func oracleWriteEscaped(b *strings.Builder, s string, attribute bool) {
	if !strings.ContainsAny(s, "&<>\u00a0\r\"\n\t") {
		b.WriteString(s) // the common case: nothing to escape
		return
	}
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\u00a0':
			b.WriteString("&#160;")
		case r == '\r':
			// A literal CR would be read back as LF (XML end-of-line handling).
			b.WriteString("&#13;")
		case attribute && r == '"':
			b.WriteString("&quot;")
		case attribute && r == '\n':
			b.WriteString("&#10;")
		case attribute && r == '\t':
			b.WriteString("&#9;")
		default:
			b.WriteRune(r)
		}
	}
}

// oracleWriteCDATA writes s as one CDATA section; a "]]>" inside s is split over
// two sections because it would otherwise end the first one.
func oracleWriteCDATA(b *strings.Builder, s string) {
	b.WriteString("<![CDATA[")
	b.WriteString(strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>"))
	b.WriteString("]]>")
}
