// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Block attribute lists: a line of its own that sets attributes of the
// block it follows (or precedes), in kramdown (Jekyll; "Block Inline
// Attribute Lists", https://kramdown.gettalong.org/syntax.html#block-ials)
// and Python-Markdown's attr_list (MkDocs; the colon is optional there,
// https://python-markdown.github.io/extensions/attribute_lists/), which
// Hugo's goldmark reads too ({class="x"} under a block,
// https://gohugo.io/configuration/markup/#parserattributeblock):
//
//	A paragraph.
//	{: .lead #intro }
//
//	## Contents {: .no_toc }
//
//	* TOC
//	{:toc}
//
// Storage keeps no classes, so the lists are not shown; an #id becomes an
// anchor. kramdown replaces a list followed by {:toc} with the table of
// contents (https://kramdown.gettalong.org/converter/html.html#toc): that
// list, or a {:toc} line of its own, becomes the toc macro.

// Attribute names on goldmark nodes the renderer reads. Headings take the
// id as their "id", as goldmark's own {#id} sets it.
const (
	kramdownIDAttr   = "kramdown-id"   // a paragraph's anchor
	kramdownTOCAttr  = "kramdown-toc"  // a list or paragraph that is the toc
	kramdownOnlyAttr = "kramdown-only" // a paragraph that is its anchor alone
)

var (
	// blockAttributeLine is a kramdown IAL or ALD ({:toc}, {: .no_toc },
	// {:ref: .x}) alone on a line. "{::" starts a kramdown extension, not
	// an attribute list.
	blockAttributeLine = regexp.MustCompile(`^\{:[^:{}][^{}]*\}$|^\{:\}$`)
	// attrListLine is the attr_list form without the colon, which only
	// attributes may fill: { .lead }, { #id key="v" }.
	attrListLine = regexp.MustCompile(`^\{[ \t]*(?:(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}"']+))[ \t]*)+\}$`)
	// trailingBlockAttributes is a kramdown IAL at the end of a heading's
	// line (goldmark reads the attr_list forms { #id } itself).
	trailingBlockAttributes = regexp.MustCompile(`[ \t]*\{:[^:{}][^{}]*\}[ \t]*$`)
	attributeID             = regexp.MustCompile(`(?:^|[\s:])#([\w:-]+)`)
	quotedAttribute         = regexp.MustCompile(`"[^"]*"|'[^']*'`)
)

// blockAttributes returns what an attribute list line sets that the page
// keeps: its id and whether it asks for the table of contents; ok is false
// when line is no attribute list.
func blockAttributes(line []byte) (id string, toc, ok bool) {
	line = bytes.TrimSpace(line)
	if !blockAttributeLine.Match(line) && !attrListLine.Match(line) {
		return "", false, false
	}
	inner := quotedAttribute.ReplaceAllString(string(line[1:len(line)-1]), `""`)
	inner = strings.TrimPrefix(inner, ":")
	if m := attributeID.FindStringSubmatch(inner); m != nil {
		id = m[1]
	}
	for _, word := range strings.Fields(inner) {
		if word == "toc" {
			toc = true
		}
	}
	return id, toc, true
}

// blockAttributeTransformer removes attribute list lines from the start and
// end of paragraphs and applies what they set.
type blockAttributeTransformer struct{}

func (blockAttributeTransformer) Transform(p *ast.Paragraph, reader text.Reader, _ gmparser.Context) {
	source := reader.Source()
	lines := p.Lines()
	// Every line starting "{" is checked, so a paragraph without one costs
	// a byte comparison per line.
	isList := func(i int) (string, bool, bool) {
		seg := lines.At(i)
		value := seg.Value(source)
		if trimmed := bytes.TrimLeft(value, " \t"); len(trimmed) == 0 || trimmed[0] != '{' {
			return "", false, false
		}
		return blockAttributes(value)
	}
	lo, hi := 0, lines.Len()
	id, toc := "", false
	apply := func(lineID string, lineTOC bool) {
		if id == "" {
			id = lineID
		}
		toc = toc || lineTOC
	}
	for hi > lo {
		lineID, lineTOC, ok := isList(hi - 1)
		if !ok {
			break
		}
		apply(lineID, lineTOC)
		hi--
	}
	for lo < hi {
		lineID, lineTOC, ok := isList(lo)
		if !ok {
			break
		}
		apply(lineID, lineTOC)
		lo++
	}
	if lo == 0 && hi == lines.Len() {
		return
	}
	parent := p.Parent()
	if lo < hi {
		// Text remains: the attributes are the paragraph's, or, for {:toc}
		// after a list item's text, the list's.
		lines.SetSliced(lo, hi)
		if toc {
			if list, isList := parent.Parent().(*ast.List); isList && parent.Kind() == ast.KindListItem {
				list.SetAttributeString(kramdownTOCAttr, true)
			}
		}
		switch {
		case id == "":
		case parent.Kind() == ast.KindListItem:
			// A tight list turns the paragraph into a text block without
			// attributes: the item keeps the anchor.
			parent.SetAttributeString(kramdownIDAttr, id)
		default:
			p.SetAttributeString(kramdownIDAttr, id)
		}
		return
	}
	// The paragraph is attribute lists only: they belong to the block
	// before it.
	previous := p.PreviousSibling()
	switch {
	case toc:
		if list, isList := previous.(*ast.List); isList {
			list.SetAttributeString(kramdownTOCAttr, true)
			break
		}
		lines.SetSliced(0, 1)
		p.SetAttributeString(kramdownTOCAttr, true)
		return
	case id == "":
	case previous != nil && previous.Kind() == ast.KindHeading:
		if _, has := previous.AttributeString("id"); !has {
			previous.SetAttributeString("id", []byte(id))
		}
	case previous != nil:
		// A paragraph's anchor goes at its start, any other block's just
		// before it (see storageRenderer.block).
		if _, has := previous.AttributeString(kramdownIDAttr); !has {
			previous.SetAttributeString(kramdownIDAttr, id)
		}
	default:
		// Nothing to hang it on: the paragraph becomes the anchor alone.
		lines.SetSliced(0, 1)
		p.SetAttributeString(kramdownIDAttr, id)
		p.SetAttributeString(kramdownOnlyAttr, true)
		return
	}
	parent.RemoveChild(parent, p)
}

// headingAttributeTransformer removes a kramdown IAL from the end of a
// heading's line (## Title {: #custom .no_toc }), the heading's id when it
// has one.
type headingAttributeTransformer struct{}

func (headingAttributeTransformer) Transform(doc *ast.Document, reader text.Reader, _ gmparser.Context) {
	source := reader.Source()
	if !bytes.Contains(source, []byte("{:")) {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, isHeading := n.(*ast.Heading)
		if !entering || !isHeading {
			return ast.WalkContinue, nil
		}
		// The text at the heading's end, which goldmark may have split
		// into several nodes.
		var run []*ast.Text
		var value []byte
		for c := h.LastChild(); c != nil; c = c.PreviousSibling() {
			t, isText := c.(*ast.Text)
			if !isText {
				break
			}
			run = append(run, t)
			value = append(append([]byte(nil), t.Segment.Value(source)...), value...)
		}
		loc := trailingBlockAttributes.FindIndex(value)
		if loc == nil {
			return ast.WalkSkipChildren, nil
		}
		if id, _, ok := blockAttributes(value[loc[0]:]); ok && id != "" {
			if _, has := h.AttributeString("id"); !has {
				h.SetAttributeString("id", []byte(id))
			}
		}
		cut := len(value) - loc[0]
		for _, t := range run { // last first
			if cut == 0 {
				break
			}
			if length := t.Segment.Len(); length <= cut {
				h.RemoveChild(h, t)
				cut -= length
				continue
			}
			t.Segment = t.Segment.WithStop(t.Segment.Stop - cut)
			cut = 0
		}
		return ast.WalkSkipChildren, nil
	})
}

// kramdownID returns the anchor an attribute list gave a paragraph.
func kramdownID(n ast.Node) string {
	if v, ok := n.AttributeString(kramdownIDAttr); ok {
		if id, isString := v.(string); isString {
			return id
		}
	}
	return ""
}

// isKramdownTOC reports whether an attribute list made n (a list or a
// paragraph) the table of contents.
func isKramdownTOC(n ast.Node) bool { return boolAttribute(n, kramdownTOCAttr) }

// isKramdownAnchorOnly reports whether paragraph n was attribute lists
// only, kept for the anchor they name.
func isKramdownAnchorOnly(n ast.Node) bool { return boolAttribute(n, kramdownOnlyAttr) }

func boolAttribute(n ast.Node, name string) bool {
	v, _ := n.AttributeString(name)
	set, _ := v.(bool)
	return set
}

// kramdownAttributes adds the block attribute list handling to goldmark.
type kramdownAttributes struct{}

func (kramdownAttributes) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		// After link reference definitions are taken out (100), before
		// tables (200) would read a {: .class } line as a row.
		gmparser.WithParagraphTransformers(util.Prioritized(blockAttributeTransformer{}, 150)),
		gmparser.WithASTTransformers(util.Prioritized(headingAttributeTransformer{}, 100)),
	)
}
