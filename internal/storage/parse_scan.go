// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// The scanner reads the body as encoding/xml's strict Decoder.RawToken read
// it, byte for byte: same tokens, same errors, stopping at the same offset
// (decodeError positions errors from it). Names, attribute values and text
// are spans of the body unless a reference or a carriage return makes the
// decoded string differ; only those are copied, into the tree's text.

// getc reads the next byte of the body followed by fragmentClose.
func (p *parser) getc() (byte, bool) {
	if p.pos < len(p.body) {
		b := p.body[p.pos]
		p.pos++
		return b, true
	}
	if i := p.pos - len(p.body); i < len(fragmentClose) {
		p.pos++
		return fragmentClose[i], true
	}
	return 0, false
}

// mustgetc is getc where the input may not end.
func (p *parser) mustgetc() (byte, *scanError) {
	b, ok := p.getc()
	if !ok {
		return 0, p.syntaxError("unexpected EOF")
	}
	return b, nil
}

// input returns bytes [from, to) of the body followed by fragmentClose.
func (p *parser) input(from, to int) string {
	n := len(p.body)
	switch {
	case to <= n:
		return p.body[from:to]
	case from >= n:
		return fragmentClose[from-n : to-n]
	}
	return p.body[from:] + fragmentClose[:to-n]
}

// keep returns the span of input bytes [from, to): the body's own bytes
// when they are in it.
func (p *parser) keep(from, to int) span {
	if to <= len(p.body) {
		return span{off: uint32(from), len: uint32(to - from)}
	}
	return p.t.addText(p.input(from, to))
}

// space skips white space.
func (p *parser) space() {
	for {
		b, ok := p.getc()
		if !ok {
			return
		}
		switch b {
		case ' ', '\r', '\n', '\t':
		default:
			p.pos--
			return
		}
	}
}

func (p *parser) rawToken() (token, *scanError) {
	if p.needClose {
		// The last token was a self-closing tag; this is its end.
		p.needClose = false
		return token{kind: endToken, endName: p.toClose}, nil
	}
	b, ok := p.getc()
	if !ok {
		return token{}, &scanError{kind: eofErrorKind, offset: p.pos}
	}
	if b != '<' {
		p.pos--
		text, err := p.text(-1, false)
		if err != nil {
			return token{}, err
		}
		return token{kind: textToken, text: text}, nil
	}
	b, err := p.mustgetc()
	if err != nil {
		return token{}, err
	}
	switch b {
	case '/':
		return p.endTag()
	case '?':
		return p.procInst()
	case '!':
		return p.markupDeclaration()
	}
	p.pos--
	return p.startTag()
}

func (p *parser) endTag() (token, *scanError) {
	from, to, ok, err := p.nsname()
	if err != nil {
		return token{}, err
	}
	if !ok {
		return token{}, p.syntaxError("expected element name after </")
	}
	p.space()
	b, err := p.mustgetc()
	if err != nil {
		return token{}, err
	}
	name := p.input(from, to)
	if b != '>' {
		return token{}, p.syntaxError("invalid characters between </" + localName(name) + " and >")
	}
	return token{kind: endToken, endName: name}, nil
}

// localName is the part of a qualified name after its prefix, as
// encoding/xml splits it.
func localName(name string) string {
	if prefix, local, ok := strings.Cut(name, ":"); ok && prefix != "" && local != "" {
		return local
	}
	return name
}

func (p *parser) procInst() (token, *scanError) {
	from, to, ok, err := p.name()
	if err != nil {
		return token{}, err
	}
	if !ok {
		return token{}, p.syntaxError("expected target name after <?")
	}
	p.space()
	content := p.pos
	var b0 byte
	for {
		b, err := p.mustgetc()
		if err != nil {
			return token{}, err
		}
		if b0 == '?' && b == '>' {
			break
		}
		b0 = b
	}
	if p.input(from, to) == "xml" {
		if err := xmlDeclarationError(p.input(content, p.pos-2)); err != nil {
			return token{}, &scanError{kind: otherErrorKind, msg: err.Error(), offset: p.pos}
		}
	}
	return token{kind: ignoredToken}, nil
}

// xmlDeclarationError is what encoding/xml says about an XML declaration
// with content: an unsupported version or an encoding other than UTF-8. It
// is rare enough to ask encoding/xml itself.
func xmlDeclarationError(content string) error {
	_, err := xml.NewDecoder(strings.NewReader("<?xml " + content + "?>")).RawToken()
	return err
}

// markupDeclaration reads what follows "<!": a comment, a CDATA section or
// a directive such as <!DOCTYPE …>.
func (p *parser) markupDeclaration() (token, *scanError) {
	b, err := p.mustgetc()
	if err != nil {
		return token{}, err
	}
	switch b {
	case '-':
		if b, err = p.mustgetc(); err != nil {
			return token{}, err
		}
		if b != '-' {
			return token{}, p.syntaxError("invalid sequence <!- not part of <!--")
		}
		var b0, b1 byte
		for {
			if b, err = p.mustgetc(); err != nil {
				return token{}, err
			}
			if b0 == '-' && b1 == '-' {
				if b != '>' {
					return token{}, p.syntaxError(`invalid sequence "--" not allowed in comments`)
				}
				return token{kind: ignoredToken}, nil
			}
			b0, b1 = b1, b
		}
	case '[':
		for i := range len("CDATA[") {
			if b, err = p.mustgetc(); err != nil {
				return token{}, err
			}
			if b != "CDATA["[i] {
				return token{}, p.syntaxError("invalid <![ sequence")
			}
		}
		text, err := p.text(-1, true)
		if err != nil {
			return token{}, err
		}
		return token{kind: textToken, text: text}, nil
	}
	if err := p.directive(); err != nil {
		return token{}, err
	}
	return token{kind: directiveToken}, nil
}

// directive skips a directive up to its closing '>': quoted '>' and
// comments do not end it, and nested '<' … '>' pairs are counted.
func (p *parser) directive() *scanError {
	var inquote byte
	depth := 0
	for {
		b, err := p.mustgetc()
		if err != nil {
			return err
		}
		if inquote == 0 && b == '>' && depth == 0 {
			return nil
		}
		// A '<' that does not start a comment hands the byte after it back
		// to be looked at again.
		for again := true; again; {
			again = false
			switch {
			case b == inquote:
				inquote = 0
			case inquote != 0:
			case b == '\'' || b == '"':
				inquote = b
			case b == '>':
				depth--
			case b == '<':
				const comment = "!--"
				for i := range len(comment) {
					if b, err = p.mustgetc(); err != nil {
						return err
					}
					if b != comment[i] {
						depth++
						again = true
						break
					}
				}
				if again {
					continue
				}
				var b0, b1 byte
				for {
					if b, err = p.mustgetc(); err != nil {
						return err
					}
					if b0 == '-' && b1 == '-' && b == '>' {
						break
					}
					b0, b1 = b1, b
				}
			}
		}
	}
}

func (p *parser) startTag() (token, *scanError) {
	from, to, ok, err := p.nsname()
	if err != nil {
		return token{}, err
	}
	if !ok {
		return token{}, p.syntaxError("expected element name after <")
	}
	tok := token{kind: startToken, name: span{off: uint32(from), len: uint32(to - from)}}
	p.attrs = p.attrs[:0]
	for {
		p.space()
		b, err := p.mustgetc()
		if err != nil {
			return token{}, err
		}
		if b == '/' {
			if b, err = p.mustgetc(); err != nil {
				return token{}, err
			}
			if b != '>' {
				return token{}, p.syntaxError("expected /> in element")
			}
			p.needClose, p.toClose = true, p.input(from, to)
			return tok, nil
		}
		if b == '>' {
			return tok, nil
		}
		p.pos--
		nameFrom, nameTo, ok, err := p.nsname()
		if err != nil {
			return token{}, err
		}
		if !ok {
			return token{}, p.syntaxError("expected attribute name in element")
		}
		p.space()
		if b, err = p.mustgetc(); err != nil {
			return token{}, err
		}
		if b != '=' {
			return token{}, p.syntaxError("attribute name without = in element")
		}
		p.space()
		if b, err = p.mustgetc(); err != nil {
			return token{}, err
		}
		if b != '"' && b != '\'' {
			return token{}, p.syntaxError("unquoted or missing attribute value in element")
		}
		value, err := p.text(int(b), false)
		if err != nil {
			return token{}, err
		}
		p.attrs = append(p.attrs, attrSpan{name: p.keep(nameFrom, nameTo), value: value})
	}
}

// nsname reads a name with at most one colon; ok is false without an error
// when there is no name here or it has more colons.
func (p *parser) nsname() (from, to int, ok bool, err *scanError) {
	from, to, ok, err = p.name()
	if ok && strings.Count(p.input(from, to), ":") > 1 {
		ok = false
	}
	return from, to, ok, err
}

// name reads an XML name; ok is false without an error when the next byte
// cannot start one.
func (p *parser) name() (from, to int, ok bool, err *scanError) {
	from = p.pos
	if ok, err = p.readName(); !ok {
		return from, p.pos, false, err
	}
	to = p.pos
	if name := p.input(from, to); !isXMLName(name) {
		return from, to, false, p.syntaxError("invalid XML name: " + name)
	}
	return from, to, true, nil
}

// readName skips name bytes: ASCII name characters and any byte of a
// multi-byte character (isXMLName checks those).
func (p *parser) readName() (bool, *scanError) {
	b, err := p.mustgetc()
	if err != nil {
		return false, err
	}
	if b < utf8.RuneSelf && !isNameByte(b) {
		p.pos--
		return false, nil
	}
	for {
		if b, err = p.mustgetc(); err != nil {
			return false, err
		}
		if b < utf8.RuneSelf && !isNameByte(b) {
			p.pos--
			return true, nil
		}
	}
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// isXMLName reports whether encoding/xml accepts s (read by readName) as a
// name. ASCII names are checked here; for others encoding/xml's own Unicode
// tables decide, by reading a tag with that name (':' becomes '_', which it
// accepts in the same places, so that the colon count does not matter).
func isXMLName(s string) bool {
	ascii := true
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s != "" && isNameStart(s[0])
	}
	_, err := xml.NewDecoder(strings.NewReader("<" + strings.ReplaceAll(s, ":", "_") + "/>")).RawToken()
	return err == nil
}

// text reads character data up to a '<' (quote < 0, !cdata), the closing
// quote of an attribute value, or the "]]>" ending a CDATA section, and
// returns it decoded.
func (p *parser) text(quote int, cdata bool) (span, *scanError) {
	from := p.pos
	// decodedFrom is where the decoded data starts in p.t.text once a
	// reference or a carriage return made it differ from the input; -1
	// while it is input bytes [from, p.pos).
	decodedFrom := -1
	decode := func(upTo int) {
		if decodedFrom < 0 {
			decodedFrom = p.t.text.Len()
			p.t.writeString(p.input(from, upTo))
		}
	}
	var b0, b1 byte
	end := -1 // end of the data in the input, while not decoded
	trunc := 0
	for {
		b, ok := p.getc()
		if !ok {
			if cdata {
				return span{}, p.syntaxError("unexpected EOF in CDATA section")
			}
			end = p.pos
			break
		}
		if quote < 0 && b0 == ']' && b1 == ']' && b == '>' {
			if cdata {
				trunc, end = 2, p.pos-1
				break
			}
			return span{}, p.syntaxError("unescaped ]]> not in CDATA section")
		}
		if b == '<' && !cdata {
			if quote >= 0 {
				return span{}, p.syntaxError("unescaped < inside quoted string")
			}
			p.pos--
			end = p.pos
			break
		}
		if quote >= 0 && b == byte(quote) {
			end = p.pos - 1
			break
		}
		if b == '&' && !cdata {
			decode(p.pos - 1)
			if err := p.reference(); err != nil {
				return span{}, err
			}
			b0, b1 = 0, 0
			continue
		}
		// Line ends are normalised: "\r\n" and a lone "\r" read as "\n".
		switch {
		case b == '\r':
			decode(p.pos - 1)
			p.t.writeByte('\n')
		case b1 == '\r' && b == '\n':
		case decodedFrom >= 0:
			p.t.writeByte(b)
		}
		b0, b1 = b1, b
	}
	var data string
	var s span
	if decodedFrom >= 0 {
		s = p.t.textSince(decodedFrom)
		s.len -= uint32(trunc)
		data = p.t.str(s)
	} else {
		end -= trunc
		data = p.input(from, end)
		s = p.keep(from, end)
	}
	if msg := checkCharacters(data); msg != "" {
		return span{}, p.syntaxError(msg)
	}
	return s, nil
}

// checkCharacters returns encoding/xml's complaint about the first character
// of data that is not valid UTF-8 or not allowed in XML, or "".
func checkCharacters(data string) string {
	for i := 0; i < len(data); {
		if c := data[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(data[i:])
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8"
		}
		if !isInCharacterRange(r) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		i += size
	}
	return ""
}

// isInCharacterRange is XML's Char production.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// xmlPredefined are the entities XML itself defines.
var xmlPredefined = map[string]string{"amp": "&", "lt": "<", "gt": ">", "apos": "'", "quot": `"`}

// reference decodes the entity or character reference after a '&' into
// p.t.text.
func (p *parser) reference() *scanError {
	amp := p.pos - 1
	b, err := p.mustgetc()
	if err != nil {
		return err
	}
	if b == '#' {
		if b, err = p.mustgetc(); err != nil {
			return err
		}
		base := 10
		if b == 'x' {
			base = 16
			if b, err = p.mustgetc(); err != nil {
				return err
			}
		}
		digits := p.pos - 1
		for '0' <= b && b <= '9' || base == 16 && ('a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			if b, err = p.mustgetc(); err != nil {
				return err
			}
		}
		if b != ';' {
			p.pos--
		} else if n, err := strconv.ParseUint(p.input(digits, p.pos-1), base, 64); err == nil && n <= unicode.MaxRune {
			p.t.text.Grow(utf8.UTFMax)
			p.t.text.WriteRune(rune(n)) // a surrogate becomes U+FFFD, as in encoding/xml
			return nil
		}
	} else {
		p.pos--
		nameFrom := p.pos
		if _, err := p.readName(); err != nil {
			return err
		}
		nameTo := p.pos
		if b, err = p.mustgetc(); err != nil {
			return err
		}
		if b != ';' {
			p.pos--
		} else if p.writeEntity(p.input(nameFrom, nameTo)) {
			return nil
		}
	}
	ref := p.input(amp, p.pos)
	if !strings.HasSuffix(ref, ";") {
		ref += " (no semicolon)"
	}
	return p.syntaxError("invalid character entity " + ref)
}

// writeEntity writes the text of the named entity, XML's own or one of
// HTML5's (whose names are ASCII letters and digits), and reports whether
// there is one.
func (p *parser) writeEntity(name string) bool {
	if text, ok := xmlPredefined[name]; ok {
		p.t.writeString(text)
		return true
	}
	if name == "" || !isNameStart(name[0]) {
		return false
	}
	for i := range len(name) {
		if !isASCIIAlnum(name[i]) {
			return false
		}
	}
	e, ok := util.LookUpHTML5EntityByName(name)
	if ok {
		p.t.text.Grow(len(e.Characters))
		p.t.text.Write(e.Characters)
	}
	return ok
}
