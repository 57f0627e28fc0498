// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
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
	_, err := parseTree(body)
	return err
}

// nodeKind distinguishes the two node types kept in the parsed tree.
// Comments and processing instructions carry no page content and are dropped.
type nodeKind uint8

const (
	elementNode nodeKind = iota
	textNode
)

// fragmentRoot names the synthetic element around the body, so that a
// fragment with several top-level elements parses as one XML document. Its
// name cannot clash with storage format, which only uses HTML names and
// ac:/ri: prefixed names.
const fragmentRoot = "storage-fragment-root"

// fragmentClose is read after the body, as if it followed it: a token the
// body leaves open runs into it exactly as it did when encoding/xml read
// the wrapped body, which keeps errors and their positions unchanged.
const fragmentClose = "</" + fragmentRoot + ">"

// voidElements are written without a closing tag in HTML, a common mistake
// in XHTML; errors about them suggest the self-closing form.
var voidElements = map[string]bool{"br": true, "hr": true, "img": true, "col": true, "input": true, "meta": true, "link": true, "wbr": true}

// parse returns the pointer form of body's tree, whose root is the synthetic
// root; its children are the body's top-level nodes.
func parse(body string) (*node, error) {
	t, err := parseTree(body)
	if err != nil {
		return nil, err
	}
	return t.pointerTree(), nil
}

// parseTree parses body into a compact tree.
//
// The scanner is our own rather than encoding/xml (whose tokens cost about
// five times the body in allocations) or a fast tokenizer module such as
// gosax or xmltokenizer (which check less than encoding/xml's strict mode and
// know no HTML5 entities): it accepts and rejects exactly what encoding/xml
// did, stopping where it stopped, so SyntaxError is unchanged; the
// differential tests in parse_oracle_test.go hold it to that.
func parseTree(body string) (*tree, error) {
	p := parser{t: newTree(body), body: body, lastText: noNode}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.t, nil
}

type parser struct {
	t     *tree
	body  string
	pos   int // next byte to read, in the body followed by fragmentClose
	stack []openElement

	// lastText is the text node that is the last child of the innermost
	// open element, which following character data extends; else noNode.
	lastText uint32
	// needClose is set after a self-closing tag, whose end is the next token.
	needClose bool
	toClose   string
	attrs     []attrSpan // attributes of the start tag being read
}

// openElement is an element whose closing tag has not been seen yet.
type openElement struct {
	id     uint32
	offset int // byte offset of its start tag in the body
}

type tokenKind uint8

const (
	startToken tokenKind = iota
	endToken
	textToken
	directiveToken
	ignoredToken // comments and processing instructions
)

// token is what rawToken read: a start tag (name, attributes in p.attrs), an
// end tag (endName), character data (text) or markup without content.
type token struct {
	kind    tokenKind
	name    span
	endName string
	text    span
}

// scanError is an error as encoding/xml reported it, before decodeError
// turns it into a SyntaxError.
type scanError struct {
	kind   scanErrorKind
	msg    string
	offset int // where reading stopped (encoding/xml's InputOffset), from the body start
}

type scanErrorKind uint8

const (
	syntaxErrorKind scanErrorKind = iota
	eofErrorKind                  // the input ended between tokens
	otherErrorKind                // an XML declaration encoding/xml refuses
)

func (p *parser) syntaxError(msg string) *scanError {
	return &scanError{kind: syntaxErrorKind, msg: msg, offset: p.pos}
}

func (p *parser) run() error {
	p.t.add(treeNode{kind: elementNode, str: p.t.addText(fragmentRoot)})
	for {
		tokenStart := p.pos
		tok, err := p.rawToken()
		if err != nil {
			return p.decodeError(err, tokenStart)
		}
		switch tok.kind {
		case startToken:
			name := p.t.str(tok.name)
			for i, a := range p.attrs {
				// A linear scan: elements have a handful of attributes.
				attrName := p.t.str(a.name)
				for _, seen := range p.attrs[:i] {
					if p.t.str(seen.name) == attrName {
						return p.errorAt(tokenStart, name,
							fmt.Sprintf("element <%s> has attribute %q more than once; keep only one", name, attrName))
					}
				}
			}
			id := p.t.add(treeNode{kind: elementNode, str: tok.name, attr: uint32(len(p.t.attrs)), nattr: uint32(len(p.attrs))})
			p.t.attrs = append(p.t.attrs, p.attrs...)
			p.stack = append(p.stack, openElement{id: id, offset: tokenStart})
			p.lastText = noNode
		case endToken:
			done, err := p.closeElement(tok.endName, tokenStart)
			if err != nil {
				return err
			}
			if done {
				p.t.at(rootID).end = p.t.count
				return nil
			}
			p.lastText = noNode
		case textToken:
			p.appendText(tok.text)
		case directiveToken:
			return p.errorAt(tokenStart, p.innermost(),
				"declarations such as <!DOCTYPE> are not allowed inside storage format")
		case ignoredToken:
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
		openName := p.t.name(open.id)
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
	openName := p.t.name(open.id)
	if name == openName {
		p.stack = p.stack[:len(p.stack)-1]
		p.t.at(open.id).end = p.t.count
		return false, nil
	}
	line, col := position(p.body, open.offset)
	msg := fmt.Sprintf("element <%s> (opened at line %d, column %d) is closed by </%s>; expected </%s>",
		openName, line, col, name, openName)
	if voidElements[openName] {
		msg += fmt.Sprintf(" (an empty element is written <%s />)", openName)
	}
	return false, p.errorAt(offset, openName, msg)
}

// appendText adds character data under the innermost open element, merging
// it with text just before it (text and CDATA sections arrive as separate
// tokens, and comments between them leave nothing).
func (p *parser) appendText(text span) {
	if p.lastText != noNode {
		n := p.t.at(p.lastText)
		n.str = p.t.concat(n.str, text)
		return
	}
	p.lastText = p.t.add(treeNode{kind: textNode, str: text})
}

func (p *parser) innermost() string {
	if len(p.stack) == 0 {
		return ""
	}
	return p.t.name(p.stack[len(p.stack)-1].id)
}

// decodeError turns a scanner error into a SyntaxError positioned on the
// offending character rather than wherever the scanner stopped reading.
func (p *parser) decodeError(serr *scanError, tokenStart int) error {
	switch serr.kind {
	case eofErrorKind:
		// Not expected: the synthetic closing tag ends every parse.
		return p.errorAt(tokenStart, p.innermost(), "unexpected end of body")
	case otherErrorKind:
		return p.errorAt(tokenStart, p.innermost(), serr.msg)
	}
	stopped := serr.offset
	element := p.innermost()
	tokenStart = clamp(tokenStart, 0, len(p.body))
	at := clamp(stopped-1, tokenStart, len(p.body))
	msg := serr.msg
	if unterminated := unterminatedToken(p.body[tokenStart:]); unterminated != "" {
		// The scanner ran off the end of the body (possibly into the
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
	line, col := position(p.body, offset)
	return &SyntaxError{Line: line, Column: col, Element: element, Msg: msg}
}

// position converts a byte offset in body into a 1-based line and rune
// column.
func position(body string, offset int) (line, column int) {
	offset = clamp(offset, 0, len(body))
	before := body[:offset]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return strings.Count(before, "\n") + 1, utf8.RuneCountInString(before[lineStart:]) + 1
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// isNameStart reports whether c may begin an XML element name (ASCII subset):
// a letter, '_' or ':'.
func isNameStart(c byte) bool {
	return c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
