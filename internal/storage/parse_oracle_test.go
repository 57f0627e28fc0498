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

	"github.com/yuin/goldmark/util"
)

// oracleParse is the encoding/xml parser that parse replaced, kept as the
// reference the differential tests hold the scanner to: same tree, same
// *SyntaxError.
func oracleParse(body string) (*oracleNode, error) {
	p := oracleParser{body: body}
	return p.run()
}

type oracleParser struct {
	body  string
	stack []oracleOpen
	slab  []oracleNode
	names map[xml.Name]string
}

// fragmentOpen is the synthetic root's start tag, which the oracle reads
// before the body.
const fragmentOpen = "<" + fragmentRoot + ">"

type oracleOpen struct {
	node   *oracleNode
	offset int
}

func (p *oracleParser) errorAt(offset int, element, msg string) *SyntaxError {
	line, col := position(p.body, offset)
	return &SyntaxError{Line: line, Column: col, Element: element, Msg: msg}
}

func (p *oracleParser) newNode() *oracleNode {
	if len(p.slab) == 0 {
		p.slab = make([]oracleNode, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

// qualifiedName returns "prefix:local" for n, allocating each distinct name
// once per parse.
func (p *oracleParser) qualifiedName(n xml.Name) string {
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

func (p *oracleParser) run() (*oracleNode, error) {
	root := &oracleNode{kind: elementNode, name: fragmentRoot}
	// Three readers rather than one concatenated copy of the body.
	dec := xml.NewDecoder(io.MultiReader(strings.NewReader(fragmentOpen), strings.NewReader(p.body), strings.NewReader(fragmentClose)))
	dec.Strict = true
	dec.Entity = oracleEntitiesUsedIn(p.body)

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
			p.stack = append(p.stack, oracleOpen{node: n, offset: tokenStart})
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
func (p *oracleParser) closeElement(name string, offset int) (done bool, err error) {
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
	line, col := position(p.body, open.offset)
	msg := fmt.Sprintf("element <%s> (opened at line %d, column %d) is closed by </%s>; expected </%s>",
		openName, line, col, name, openName)
	if voidElements[openName] {
		msg += fmt.Sprintf(" (an empty element is written <%s />)", openName)
	}
	return false, p.errorAt(offset, openName, msg)
}

// appendChild adds n under the innermost open element.
func (p *oracleParser) appendChild(root, n *oracleNode) {
	parent := root
	if len(p.stack) > 0 {
		parent = p.stack[len(p.stack)-1].node
	}
	parent.children = append(parent.children, n)
}

// appendText adds character data under the innermost open element, merging
// it with text just before it (text and CDATA sections arrive as separate
// tokens).
func (p *oracleParser) appendText(root *oracleNode, text []byte) {
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

func (p *oracleParser) innermost() string {
	if len(p.stack) == 0 {
		return ""
	}
	return p.stack[len(p.stack)-1].node.name
}

// decodeError turns an encoding/xml error into a SyntaxError positioned on
// the offending character rather than wherever the decoder stopped reading.
func (p *oracleParser) decodeError(err error, tokenStart, stopped int) error {
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

// oraclePredefined are the entities encoding/xml resolves itself.
var oraclePredefined = map[string]bool{"amp": true, "lt": true, "gt": true, "apos": true, "quot": true}

// entitiesUsedIn returns the HTML5 named entities referenced in body, for
// encoding/xml's Entity map. Building it per body keeps the full HTML5 set
// (over 2000 names, xml.HTMLEntity has only the HTML 4 ones) without copying
// the whole table for every parse. Unknown names are left out so that the
// decoder rejects them.
func oracleEntitiesUsedIn(body string) map[string]string {
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
		if oraclePredefined[name] {
			continue
		}
		if e, ok := util.LookUpHTML5EntityByName(name); ok {
			entities[name] = string(e.Characters)
		}
	}
}

// oracleNode is node as the oracle built it, with the flag its
// normalisation set.
type oracleNode struct {
	kind        nodeKind
	name        string
	attrs       []attribute
	children    []*oracleNode
	text        string
	runningText bool
}
