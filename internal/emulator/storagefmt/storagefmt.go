// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package storagefmt rewrites Confluence storage format (XHTML with undeclared ac: and
// ri: prefixes) the way Confluence Cloud does when a page is saved, so that the emulator
// hands back bodies that differ from what the client sent, just as the real service does.
//
// It deliberately shares no code with the provider's own storage package: the emulator
// plays Confluence, and a test where both sides use the same canonicaliser proves nothing.
//
// Behaviour of [Rewrite], in the order it is applied:
//
//   - Parsing is strict XML over a fragment (several top-level nodes). HTML 4 named
//     entities (xml.HTMLEntity) and numeric references are accepted; anything malformed
//     (unclosed, mismatched or stray tags, unknown entities, bare '&', '<' in text,
//     duplicate attributes, broken CDATA, processing instructions, DOCTYPE) is a
//     *ParseError.
//   - Comments are dropped; adjacent text is merged.
//   - b becomes strong and i becomes em, attributes kept.
//   - Whitespace-only text is dropped when each of its neighbours is a block element
//     (see blockElements) or the edge of its parent, and at least one neighbour is a
//     block element or the parent is the body itself. Nothing inside pre or
//     ac:plain-text-body is touched. Whitespace inside inline content stays.
//   - Every ac:structured-macro gets ac:schema-version="1" when it has none and a fresh
//     ac:macro-id (any existing one is replaced), issued in document order.
//   - Output: attributes sorted by qualified name, double-quoted. All entities are
//     written as UTF-8 characters (so &nbsp; becomes U+00A0) except the ones XML needs:
//     &amp; &lt; &gt; in text; &amp; &lt; &gt; &quot; and &#9; &#10; &#13; in attribute
//     values; &#13; in text (a literal CR would be read back as LF).
//   - Empty elements: void HTML elements (br, hr, img, ...) are written "<br />";
//     empty ac:* and ri:* elements are written self-closed "<ri:page ri:content-title="x" />";
//     every other empty element keeps an open/close pair "<p></p>".
//   - Character data inside ac:plain-text-body is written as CDATA, and an empty
//     ac:plain-text-body is written "<ac:plain-text-body><![CDATA[]]></ac:plain-text-body>".
//     CDATA anywhere else is written as ordinary escaped text.
//
// The result is deterministic apart from macro ids, and Rewrite(Rewrite(x)) equals
// Rewrite(x) apart from macro ids.
package storagefmt

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseError reports malformed storage format. Its message mirrors the one Confluence
// returns in a 400 response, so clients see the same shape from the emulator.
type ParseError struct {
	Line   int // 1-based line of the problem
	Column int // 1-based byte column of the problem
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("Error parsing xhtml: %s at [row,col {unknown-source}]: [%d,%d]", e.Msg, e.Line, e.Column)
}

// Rewrite parses body as Confluence storage format and returns it the way Confluence
// stores it. newMacroID is called once per ac:structured-macro, in document order, to
// issue a fresh ac:macro-id; when it is nil, random UUIDs are used.
func Rewrite(body string, newMacroID func() string) (string, error) {
	root, err := parse(body)
	if err != nil {
		return "", err
	}
	if newMacroID == nil {
		newMacroID = randomUUID
	}
	normalise(root, newMacroID)
	var out strings.Builder
	out.Grow(len(body))
	for _, child := range root.children {
		writeNode(&out, child, false)
	}
	return out.String(), nil
}

// node is one element or text node of a parsed body.
type node struct {
	name     string // qualified element name as written ("ac:parameter"); empty for text
	attrs    []attr
	children []*node
	text     string // character data, entities decoded; text nodes only
}

type attr struct {
	name  string // qualified name as written ("ri:content-title", "local-id")
	value string // decoded value
}

func (n *node) isText() bool { return n.name == "" }

// renamed holds the elements Confluence replaces on save.
var renamed = map[string]string{"b": "strong", "i": "em"}

// parse reads body into a tree under a synthetic root. encoding/xml's RawToken is used
// rather than Token because it keeps undeclared prefixes exactly as written; tag
// matching, which RawToken does not do, is done here.
func parse(body string) (*node, error) {
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	dec.AutoClose = nil
	dec.Entity = xml.HTMLEntity

	root := &node{name: "#body"}
	open := []*node{root}
	var openNames []string // names as written, to match end tags (b closes b, not strong)
	for {
		line, col := dec.InputPos() // start of the next token
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, syntaxError(dec, err)
		}
		parent := open[len(open)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			name := qualified(t.Name)
			el := &node{name: name}
			if r, ok := renamed[name]; ok {
				el.name = r
			}
			seen := make(map[string]bool, len(t.Attr))
			for _, a := range t.Attr {
				an := qualified(a.Name)
				if seen[an] {
					return nil, &ParseError{Line: line, Column: col, Msg: fmt.Sprintf("Duplicate attribute %q in element <%s>", an, name)}
				}
				seen[an] = true
				el.attrs = append(el.attrs, attr{name: an, value: a.Value})
			}
			parent.children = append(parent.children, el)
			open = append(open, el)
			openNames = append(openNames, name)
		case xml.EndElement:
			name := qualified(t.Name)
			if len(openNames) == 0 {
				return nil, &ParseError{Line: line, Column: col, Msg: fmt.Sprintf("Unexpected close tag </%s>; no element is open", name)}
			}
			if want := openNames[len(openNames)-1]; name != want {
				return nil, &ParseError{Line: line, Column: col, Msg: fmt.Sprintf("Unexpected close tag </%s>; expected </%s>", name, want)}
			}
			open = open[:len(open)-1]
			openNames = openNames[:len(openNames)-1]
		case xml.CharData:
			if len(t) == 0 {
				continue
			}
			if last := lastChild(parent); last != nil && last.isText() {
				last.text += string(t)
			} else {
				parent.children = append(parent.children, &node{text: string(t)})
			}
		case xml.Comment:
			// Confluence drops comments on save.
		case xml.ProcInst:
			return nil, &ParseError{Line: line, Column: col, Msg: fmt.Sprintf("Processing instruction <?%s?> is not allowed in storage format", t.Target)}
		case xml.Directive:
			return nil, &ParseError{Line: line, Column: col, Msg: "Declaration <!...> is not allowed in storage format"}
		}
	}
	if len(openNames) > 0 {
		line, col := dec.InputPos()
		return nil, &ParseError{Line: line, Column: col, Msg: fmt.Sprintf("Unexpected end of input; element <%s> is not closed", openNames[len(openNames)-1])}
	}
	return root, nil
}

// syntaxError turns an encoding/xml error into a ParseError at the decoder's position.
func syntaxError(dec *xml.Decoder, err error) *ParseError {
	line, col := dec.InputPos()
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		line, msg = se.Line, se.Msg
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return &ParseError{Line: line, Column: col, Msg: msg}
}

// qualified returns the name as written: RawToken leaves the prefix in Space.
func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func lastChild(n *node) *node {
	if len(n.children) == 0 {
		return nil
	}
	return n.children[len(n.children)-1]
}

// randomUUID returns a version 4 UUID, the form Confluence uses for macro ids.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
