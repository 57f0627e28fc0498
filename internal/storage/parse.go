// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// SyntaxError describes why a body is not well-formed storage format.
// Line and Column are 1-based and count runes in the caller's text (the
// synthetic root element used while parsing is not visible in them).
type SyntaxError struct {
	Line    int
	Column  int
	Element string // innermost element concerned, e.g. "p" or "ac:structured-macro"; empty at top level
	Msg     string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Validate reports whether body is well-formed storage format. A non-nil
// error is always a *SyntaxError.
//
// Storage format is an XHTML fragment with undeclared "ac:" and "ri:"
// prefixes, the whole HTML5 named-entity set and CDATA sections. Validate
// checks well-formedness only (tags closed and nested, attributes unique and
// quoted, entities known, no bare "&" or "<"); it does not check element
// names against a schema, so Cloud-only elements such as ac:adf-extension
// are accepted.
func Validate(body string) error {
	_, err := parse(body)
	return err
}

// nodeKind distinguishes the two node types kept in the parsed tree.
// Comments and processing instructions carry no page content and are dropped.
type nodeKind uint8

const (
	elementNode nodeKind = iota
	textNode
)

// node is one element or run of character data of a parsed body.
type node struct {
	kind     nodeKind
	name     string // qualified element name, e.g. "ac:parameter"
	attrs    []attribute
	children []*node
	text     string // decoded character data (text and CDATA alike)

	// runningText is set by normalisation: see holdsRunningText.
	runningText bool
}

type attribute struct {
	name  string // qualified attribute name, e.g. "ac:name"
	value string // decoded value
}

// fragmentRoot wraps the body so that a fragment with several top-level
// elements parses as one XML document. Its name cannot clash with storage
// format, which only uses HTML names and ac:/ri: prefixed names.
const fragmentRoot = "storage-fragment-root"

const (
	fragmentOpen  = "<" + fragmentRoot + ">"
	fragmentClose = "</" + fragmentRoot + ">"
)

// voidElements are written without a closing tag in HTML, a common mistake
// in XHTML; errors about them suggest the self-closing form.
var voidElements = map[string]bool{"br": true, "hr": true, "img": true, "col": true, "input": true, "meta": true, "link": true, "wbr": true}

// openElement is an element whose closing tag has not been seen yet.
type openElement struct {
	node   *node
	offset int // byte offset of its start tag in the body
}

// parse builds the element tree of body. The returned node is the synthetic
// root; its children are the body's top-level nodes.
func parse(body string) (*node, error) {
	p := parser{body: body}
	return p.run()
}

type parser struct {
	body  string
	stack []openElement

	// nodes are allocated from slabs and qualified names interned: a large
	// body has hundreds of thousands of nodes and few distinct names.
	slab  []node
	names map[xml.Name]string
}

// nodeSlab is how many nodes one allocation holds.
const nodeSlab = 256

func (p *parser) newNode() *node {
	if len(p.slab) == 0 {
		p.slab = make([]node, nodeSlab)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// qualifiedName returns "prefix:local" for n, allocating each distinct name
// once per parse.
func (p *parser) qualifiedName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	if q, ok := p.names[n]; ok {
		return q
	}
	if p.names == nil {
		p.names = map[xml.Name]string{}
	}
	q := qualifiedName(n)
	p.names[n] = q
	return q
}

func (p *parser) run() (*node, error) {
	root := &node{kind: elementNode, name: fragmentRoot}
	// Three readers rather than one concatenated copy of the body.
	dec := xml.NewDecoder(io.MultiReader(strings.NewReader(fragmentOpen), strings.NewReader(p.body), strings.NewReader(fragmentClose)))
	dec.Strict = true
	dec.Entity = entitiesUsedIn(p.body)

	// The first token is the synthetic root's start tag.
	if _, err := dec.RawToken(); err != nil {
		return nil, p.errorAt(0, "", "cannot start parsing: "+err.Error())
	}
	for {
		tokenStart := int(dec.InputOffset()) - len(fragmentOpen)
		tok, err := dec.RawToken()
		if err != nil {
			return nil, p.decodeError(err, tokenStart, int(dec.InputOffset())-len(fragmentOpen))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := p.newNode()
			n.kind, n.name = elementNode, p.qualifiedName(t.Name)
			if len(t.Attr) > 0 {
				n.attrs = make([]attribute, 0, len(t.Attr))
			}
			for _, a := range t.Attr {
				name := p.qualifiedName(a.Name)
				// A linear scan: elements have a handful of attributes.
				for _, seen := range n.attrs {
					if seen.name == name {
						return nil, p.errorAt(tokenStart, n.name,
							fmt.Sprintf("element <%s> has attribute %q more than once; keep only one", n.name, name))
					}
				}
				n.attrs = append(n.attrs, attribute{name: name, value: a.Value})
			}
			p.appendChild(root, n)
			p.stack = append(p.stack, openElement{node: n, offset: tokenStart})
		case xml.EndElement:
			done, err := p.closeElement(p.qualifiedName(t.Name), tokenStart)
			if err != nil {
				return nil, err
			}
			if done {
				return root, nil
			}
		case xml.CharData:
			p.appendText(root, t)
		case xml.Directive:
			return nil, p.errorAt(tokenStart, p.innermost(),
				"declarations such as <!DOCTYPE> are not allowed inside storage format")
		case xml.Comment, xml.ProcInst:
			// No page content.
		}
	}
}

// closeElement pops the element closed by a closing tag named name at
// offset. It reports done when the tag is the synthetic root's, which ends
// the body.
func (p *parser) closeElement(name string, offset int) (done bool, err error) {
	// Only the appended synthetic tag can start exactly at the end of the body.
	if offset == len(p.body) && name == fragmentRoot {
		if len(p.stack) == 0 {
			return true, nil
		}
		open := p.stack[len(p.stack)-1]
		openName := open.node.name
		msg := fmt.Sprintf("element <%s> is not closed: add </%s> before the end of the body", openName, openName)
		if voidElements[openName] {
			msg = fmt.Sprintf("element <%s> is not closed: write it as <%s />", openName, openName)
		}
		return false, p.errorAt(open.offset, openName, msg)
	}
	if len(p.stack) == 0 {
		return false, p.errorAt(offset, name,
			fmt.Sprintf("closing tag </%s> has no matching opening tag; remove it or add <%s> before it", name, name))
	}
	open := p.stack[len(p.stack)-1]
	openName := open.node.name
	if name == openName {
		p.stack = p.stack[:len(p.stack)-1]
		return false, nil
	}
	line, col := p.position(open.offset)
	msg := fmt.Sprintf("element <%s> (opened at line %d, column %d) is closed by </%s>; expected </%s>",
		openName, line, col, name, openName)
	if voidElements[openName] {
		msg += fmt.Sprintf(" (an empty element is written <%s />)", openName)
	}
	return false, p.errorAt(offset, openName, msg)
}

// appendChild adds n under the innermost open element.
func (p *parser) appendChild(root, n *node) {
	parent := root
	if len(p.stack) > 0 {
		parent = p.stack[len(p.stack)-1].node
	}
	parent.children = append(parent.children, n)
}

// appendText adds character data under the innermost open element, merging
// it with text just before it (text and CDATA sections arrive as separate
// tokens).
func (p *parser) appendText(root *node, text []byte) {
	parent := root
	if len(p.stack) > 0 {
		parent = p.stack[len(p.stack)-1].node
	}
	if len(parent.children) > 0 {
		if last := parent.children[len(parent.children)-1]; last.kind == textNode {
			last.text += string(text)
			return
		}
	}
	n := p.newNode()
	n.kind, n.text = textNode, string(text)
	parent.children = append(parent.children, n)
}

func (p *parser) innermost() string {
	if len(p.stack) == 0 {
		return ""
	}
	return p.stack[len(p.stack)-1].node.name
}

// decodeError turns an encoding/xml error into a SyntaxError positioned on
// the offending character rather than wherever the decoder stopped reading.
func (p *parser) decodeError(err error, tokenStart, stopped int) error {
	var xerr *xml.SyntaxError
	if !errors.As(err, &xerr) {
		if errors.Is(err, io.EOF) {
			// Not expected: the synthetic closing tag ends every parse.
			return p.errorAt(tokenStart, p.innermost(), "unexpected end of body")
		}
		return p.errorAt(tokenStart, p.innermost(), err.Error())
	}
	element := p.innermost()
	tokenStart = clamp(tokenStart, 0, len(p.body))
	at := clamp(stopped-1, tokenStart, len(p.body))
	msg := xerr.Msg
	if unterminated := unterminatedToken(p.body[tokenStart:]); unterminated != "" {
		// The decoder ran off the end of the body (possibly into the
		// synthetic closing tag) inside a token; its message would describe
		// the synthetic tag, not the user's mistake.
		at, msg = tokenStart, unterminated
	} else {
		switch {
		case strings.HasPrefix(msg, "invalid character entity"):
			if amp := strings.LastIndexByte(p.body[:clamp(stopped, 0, len(p.body))], '&'); amp >= tokenStart {
				at = amp
			}
			msg = entityMessage(referenceAt(p.body[at:]))
		case strings.HasPrefix(msg, "expected element name after <"):
			if lt := strings.LastIndexByte(p.body[:clamp(stopped, 0, len(p.body))], '<'); lt >= tokenStart {
				at = lt
			}
			msg = `"<" must start a tag; write &lt; for a literal less-than sign`
		case strings.HasPrefix(msg, "illegal character code U+"):
			if code, perr := strconv.ParseUint(strings.TrimPrefix(msg, "illegal character code U+"), 16, 32); perr == nil {
				if i := strings.IndexRune(p.body[tokenStart:], rune(code)); i >= 0 {
					at = tokenStart + i
				} else if amp := strings.LastIndexByte(p.body[:clamp(stopped, 0, len(p.body))], '&'); amp >= tokenStart {
					at = amp // written as a character reference
				}
			}
			msg = fmt.Sprintf("%s is not allowed in XML, not even as a character reference; remove it", strings.TrimPrefix(msg, "illegal character code "))
		case strings.HasPrefix(msg, "unquoted or missing attribute value"):
			msg = `attribute value must be quoted, e.g. name="value"`
		}
	}
	if strings.HasPrefix(p.body[tokenStart:], "<") && !strings.HasPrefix(p.body[tokenStart:], "</") {
		if name := tagNameAt(p.body[tokenStart+1:]); name != "" {
			element = name
		}
	}
	if element != "" && !strings.Contains(msg, "<"+element+">") {
		msg = fmt.Sprintf("in element <%s>: %s", element, msg)
	}
	return p.errorAt(at, element, msg)
}

// unterminatedToken describes the token at the start of rest if the body
// ends before that token does, and returns "" otherwise.
func unterminatedToken(rest string) string {
	switch {
	case strings.HasPrefix(rest, "<![CDATA[") && !strings.Contains(rest, "]]>"):
		return `CDATA section is not terminated: add "]]>"`
	case strings.HasPrefix(rest, "<!--") && !strings.Contains(rest, "-->"):
		return `comment is not terminated: add "-->"`
	case strings.HasPrefix(rest, "<") && !strings.Contains(rest, ">"):
		return `tag is not terminated: add ">"`
	}
	return ""
}

// referenceAt returns the entity or character reference starting at s (which
// starts with "&"), up to its ";" if that is close, else just "&".
func referenceAt(s string) string {
	for i := 1; i < len(s) && i < 40; i++ {
		switch s[i] {
		case ';':
			return s[:i+1]
		case ' ', '\t', '\r', '\n', '<', '&':
			return s[:i]
		}
	}
	return s[:1]
}

func entityMessage(ref string) string {
	if strings.HasPrefix(ref, "&#") {
		return fmt.Sprintf("invalid character reference %s; write &#NNN; (decimal) or &#xHHH; (hex, lowercase x)", ref)
	}
	if strings.HasSuffix(ref, ";") {
		return fmt.Sprintf("unknown entity %s; use a numeric reference such as &#160; or the character itself", ref)
	}
	return `"&" must start an entity reference such as &amp; (write &amp; for a literal ampersand)`
}

// tagNameAt returns the element name at the start of s ("p" for "p class=…>").
func tagNameAt(s string) string {
	if s == "" || !isNameStart(s[0]) {
		return ""
	}
	end := strings.IndexAny(s, " \t\r\n/>")
	if end < 0 {
		end = len(s)
	}
	return s[:end]
}

func (p *parser) errorAt(offset int, element, msg string) *SyntaxError {
	line, col := p.position(offset)
	return &SyntaxError{Line: line, Column: col, Element: element, Msg: msg}
}

// position converts a byte offset in the body into a 1-based line and
// rune column.
func (p *parser) position(offset int) (line, column int) {
	offset = clamp(offset, 0, len(p.body))
	before := p.body[:offset]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return strings.Count(before, "\n") + 1, utf8.RuneCountInString(before[lineStart:]) + 1
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

func qualifiedName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// xmlPredefined are the entities encoding/xml resolves itself.
var xmlPredefined = map[string]bool{"amp": true, "lt": true, "gt": true, "apos": true, "quot": true}

// entitiesUsedIn returns the HTML5 named entities referenced in body, for
// encoding/xml's Entity map. Building it per body keeps the full HTML5 set
// (over 2000 names, xml.HTMLEntity has only the HTML 4 ones) without copying
// the whole table for every parse. Unknown names are left out so that the
// decoder rejects them.
func entitiesUsedIn(body string) map[string]string {
	entities := map[string]string{}
	for rest := body; ; {
		amp := strings.IndexByte(rest, '&')
		if amp < 0 {
			return entities
		}
		rest = rest[amp+1:]
		end := 0
		for end < len(rest) && isASCIIAlnum(rest[end]) {
			end++
		}
		if end == 0 || end == len(rest) || rest[end] != ';' {
			continue
		}
		name := rest[:end]
		if xmlPredefined[name] {
			continue
		}
		if e, ok := util.LookUpHTML5EntityByName(name); ok {
			entities[name] = string(e.Characters)
		}
	}
}

// isNameStart reports whether c may begin an XML element name (ASCII subset):
// a letter, '_' or ':'.
func isNameStart(c byte) bool {
	return c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
