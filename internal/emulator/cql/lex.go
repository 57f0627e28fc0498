// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package cql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokWord             // bare word: field name, keyword, unquoted value or function name
	tokString           // quoted string, text holds the unescaped content
	tokLParen
	tokRParen
	tokComma
	tokOperator // =, !=, ~, !~, <, <=, >, >=
)

type token struct {
	kind tokenKind
	text string
	pos  int // byte offset of the token's first character
}

// describe names a token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of query"
	case tokString:
		return "string " + quote(t.text)
	default:
		return quote(t.text)
	}
}

// wordBreakers end a bare word in addition to white space.
const wordBreakers = `()=,!~<>"'`

// lex splits src into tokens, always ending with a tokEOF token.
func lex(src string) ([]token, error) {
	var tokens []token
	i := 0
	for i < len(src) {
		r, width := utf8.DecodeRuneInString(src[i:])
		switch {
		case unicode.IsSpace(r):
			i += width
		case r == '(':
			tokens = append(tokens, token{kind: tokLParen, text: "(", pos: i})
			i++
		case r == ')':
			tokens = append(tokens, token{kind: tokRParen, text: ")", pos: i})
			i++
		case r == ',':
			tokens = append(tokens, token{kind: tokComma, text: ",", pos: i})
			i++
		case r == '=' || r == '~':
			tokens = append(tokens, token{kind: tokOperator, text: string(r), pos: i})
			i++
		case r == '!' || r == '<' || r == '>':
			op := string(r)
			if i+1 < len(src) && (src[i+1] == '=' || (r == '!' && src[i+1] == '~')) {
				op += string(src[i+1])
			}
			if op == "!" {
				return nil, newError(src, i, `unexpected "!"; use "!=" or "!~"`)
			}
			tokens = append(tokens, token{kind: tokOperator, text: op, pos: i})
			i += len(op)
		case r == '"' || r == '\'':
			text, end, ok := scanQuoted(src, i)
			if !ok {
				return nil, newError(src, i, "unterminated string starting with %c", r)
			}
			tokens = append(tokens, token{kind: tokString, text: text, pos: i})
			i = end
		default:
			start := i
			for i < len(src) {
				r, width := utf8.DecodeRuneInString(src[i:])
				if unicode.IsSpace(r) || strings.ContainsRune(wordBreakers, r) {
					break
				}
				i += width
			}
			tokens = append(tokens, token{kind: tokWord, text: src[start:i], pos: start})
		}
	}
	return append(tokens, token{kind: tokEOF, pos: len(src)}), nil
}

// scanQuoted reads the string whose opening quote is at src[start]. A backslash
// makes the next byte literal, so \" \' and \\ stand for themselves. It returns
// the unescaped content and the offset just past the closing quote.
func scanQuoted(src string, start int) (text string, end int, ok bool) {
	quoteChar := src[start]
	var b strings.Builder
	for i := start + 1; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\' && i+1 < len(src):
			i++
			b.WriteByte(src[i])
		case c == quoteChar:
			return b.String(), i + 1, true
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// quote renders s as a double-quoted CQL string that lexes back to s.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
