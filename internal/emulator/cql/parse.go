// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package cql

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// maxDepth bounds nesting of parentheses and NOT so hostile input cannot
// exhaust the stack.
const maxDepth = 100

// reservedWords cannot be used as bare values; quoting them makes them literal.
var reservedWords = []string{"AND", "OR", "NOT", "IN", "ORDER"}

func isReserved(word string) bool {
	for _, r := range reservedWords {
		if strings.EqualFold(word, r) {
			return true
		}
	}
	return false
}

type parser struct {
	src    string
	tokens []token
	next   int // index of the next unread token; the last token is tokEOF
	depth  int
	now    time.Time
}

func (p *parser) peek() token { return p.tokens[p.next] }

func (p *parser) advance() token {
	t := p.tokens[p.next]
	if t.kind != tokEOF {
		p.next++
	}
	return t
}

// atKeyword reports whether the next token is the bare word kw (any case).
func (p *parser) atKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tokWord && strings.EqualFold(t.text, kw)
}

func (p *parser) fail(pos int, format string, args ...any) *Error {
	return newError(p.src, pos, format, args...)
}

func (p *parser) parseQuery() (*Query, error) {
	if p.peek().kind == tokEOF {
		return nil, p.fail(0, "query is empty; give at least one clause such as type = page")
	}
	where, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	q := &Query{where: where}
	if p.atKeyword("ORDER") {
		if q.order, err = p.parseOrderBy(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind != tokEOF {
		expected := "AND, OR, ORDER BY or end of query"
		if q.order != nil {
			expected = `"," or end of query`
		}
		return nil, p.fail(t.pos, "unexpected %s; expected %s", t.describe(), expected)
	}
	return q, nil
}

func (p *parser) parseOr() (node, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.atKeyword("OR") {
		p.advance()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = &orNode{left: left, right: right}
	}
	return left, nil
}

func (p *parser) parseAnd() (node, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.atKeyword("AND") {
		p.advance()
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		left = &andNode{left: left, right: right}
	}
	return left, nil
}

func (p *parser) parseNot() (node, error) {
	t := p.peek()
	if p.atKeyword("NOT") || t.kind == tokLParen {
		if p.depth >= maxDepth {
			return nil, p.fail(t.pos, "query nests NOT and parentheses more than %d deep", maxDepth)
		}
		p.depth++
		defer func() { p.depth-- }()
	}
	switch {
	case p.atKeyword("NOT"):
		p.advance()
		operand, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &notNode{operand: operand}, nil
	case t.kind == tokLParen:
		p.advance()
		inner, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if closing := p.peek(); closing.kind != tokRParen {
			return nil, p.fail(closing.pos, "expected \")\" to close the \"(\" at position %d, found %s", t.pos, closing.describe())
		}
		p.advance()
		return inner, nil
	case t.kind == tokWord && !isReserved(t.text):
		return p.parseClause()
	case t.kind == tokEOF:
		return nil, p.fail(t.pos, "query ends early; expected a clause such as title = \"Home\"")
	default:
		return nil, p.fail(t.pos, "unexpected %s; expected a field name, NOT or \"(\"", t.describe())
	}
}

func (p *parser) parseClause() (node, error) {
	fieldTok := p.advance()
	f, ok := lookupField(fieldTok.text)
	if !ok {
		return nil, p.fail(fieldTok.pos, "unknown field %s; supported fields are %s", quote(fieldTok.text), fieldNames())
	}
	op, opPos, err := p.parseOperator(fieldTok)
	if err != nil {
		return nil, err
	}
	if !f.allows(op) {
		return nil, p.fail(opPos, "field %s does not support operator %s; use one of %s", f.name, op, f.operatorList())
	}
	c := &clause{field: f, op: op}
	if op == opIn || op == opNotIn {
		c.values, err = p.parseList(op)
	} else {
		var v value
		v, err = p.parseValue(string(op))
		c.values = []value{v}
	}
	if err != nil {
		return nil, err
	}
	if err := p.resolve(c); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) parseOperator(fieldTok token) (operator, int, error) {
	t := p.advance()
	switch {
	case t.kind == tokOperator:
		return operator(t.text), t.pos, nil
	case t.kind == tokWord && strings.EqualFold(t.text, "IN"):
		return opIn, t.pos, nil
	case t.kind == tokWord && strings.EqualFold(t.text, "NOT"):
		if !p.atKeyword("IN") {
			return "", 0, p.fail(p.peek().pos, "expected IN after NOT, found %s", p.peek().describe())
		}
		p.advance()
		return opNotIn, t.pos, nil
	default:
		return "", 0, p.fail(t.pos, "expected an operator (=, !=, ~, !~, <, <=, >, >=, IN, NOT IN) after %s, found %s", quote(fieldTok.text), t.describe())
	}
}

// parseList reads the parenthesised, comma-separated values after IN / NOT IN.
func (p *parser) parseList(op operator) ([]value, error) {
	if t := p.advance(); t.kind != tokLParen {
		return nil, p.fail(t.pos, "expected \"(\" after %s, found %s", op, t.describe())
	}
	var values []value
	for {
		v, err := p.parseValue(fmt.Sprintf("%s (", op))
		if err != nil {
			return nil, err
		}
		values = append(values, v)
		switch t := p.advance(); t.kind {
		case tokComma:
		case tokRParen:
			return values, nil
		default:
			return nil, p.fail(t.pos, "expected \",\" or \")\" in the %s list, found %s", op, t.describe())
		}
	}
}

// parseValue reads a literal or a function call; after names what precedes
// it, for error messages.
func (p *parser) parseValue(after string) (value, error) {
	t := p.advance()
	switch {
	case t.kind == tokString:
		return value{text: t.text, pos: t.pos}, nil
	case t.kind == tokWord && isReserved(t.text):
		return value{}, p.fail(t.pos, "expected a value after %s, found reserved word %s; quote it to search for it literally", quote(after), quote(t.text))
	case t.kind == tokWord && p.peek().kind == tokLParen:
		return p.parseCall(t)
	case t.kind == tokWord:
		return value{text: t.text, pos: t.pos}, nil
	default:
		return value{}, p.fail(t.pos, "expected a value after %s, found %s", quote(after), t.describe())
	}
}

func (p *parser) parseCall(name token) (value, error) {
	p.advance() // "("
	v := value{text: name.text, pos: name.pos, call: true, args: []string{}}
	if p.peek().kind == tokRParen {
		p.advance()
		return v, nil
	}
	for {
		t := p.advance()
		if t.kind != tokString && t.kind != tokWord {
			return value{}, p.fail(t.pos, "expected an argument of %s(), found %s", name.text, t.describe())
		}
		v.args = append(v.args, t.text)
		switch t := p.advance(); t.kind {
		case tokComma:
		case tokRParen:
			return v, nil
		default:
			return value{}, p.fail(t.pos, "expected \",\" or \")\" after the arguments of %s(), found %s", name.text, t.describe())
		}
	}
}

// resolve checks the clause's values against its field and precomputes what
// matching needs: date spans for date fields, lower-cased words for ~.
func (p *parser) resolve(c *clause) error {
	for _, v := range c.values {
		if v.call && c.field.kind != kindDate {
			if _, known := dateFunctions[strings.ToLower(v.text)]; known {
				return p.fail(v.pos, "function %s() only applies to the date fields created and lastmodified, not %s", v.text, c.field.name)
			}
			return p.fail(v.pos, "function %s() is not supported; supported functions are %s", v.text, dateFunctionNames())
		}
	}
	switch {
	case c.field.kind == kindDate:
		s, err := resolveDate(c.values[0], p.now)
		if err != nil {
			return p.fail(c.values[0].pos, "%s", err)
		}
		c.span = s
	case c.op == opContains || c.op == opNotContains:
		c.words = searchWords(c.values[0].text)
	}
	return nil
}

func (p *parser) parseOrderBy() ([]sortKey, error) {
	p.advance() // ORDER
	if t := p.advance(); t.kind != tokWord || !strings.EqualFold(t.text, "BY") {
		return nil, p.fail(t.pos, "expected BY after ORDER, found %s", t.describe())
	}
	var keys []sortKey
	for {
		t := p.advance()
		if t.kind != tokWord {
			return nil, p.fail(t.pos, "expected a field to order by, found %s", t.describe())
		}
		key, ok := lookupSortKey(t.text)
		if !ok {
			return nil, p.fail(t.pos, "cannot order by %s; use one of %s", quote(t.text), sortFieldNames())
		}
		switch {
		case p.atKeyword("DESC"):
			p.advance()
			key.desc = true
		case p.atKeyword("ASC"):
			p.advance()
		}
		keys = append(keys, key)
		if p.peek().kind != tokComma {
			return keys, nil
		}
		p.advance()
	}
}

// Precedence levels used when printing; a child whose level is below the
// level its parent requires is parenthesised.
const (
	precOr = iota + 1
	precAnd
	precNot
	precClause
)

type node interface {
	match(d Doc) bool
	precedence() int
	write(b *strings.Builder)
}

type orNode struct{ left, right node }
type andNode struct{ left, right node }
type notNode struct{ operand node }

func (n *orNode) match(d Doc) bool  { return n.left.match(d) || n.right.match(d) }
func (n *andNode) match(d Doc) bool { return n.left.match(d) && n.right.match(d) }
func (n *notNode) match(d Doc) bool { return !n.operand.match(d) }

func (n *orNode) precedence() int  { return precOr }
func (n *andNode) precedence() int { return precAnd }
func (n *notNode) precedence() int { return precNot }

func (n *orNode) write(b *strings.Builder) {
	writeNode(b, n.left, precOr)
	b.WriteString(" OR ")
	writeNode(b, n.right, precOr)
}

func (n *andNode) write(b *strings.Builder) {
	writeNode(b, n.left, precAnd)
	b.WriteString(" AND ")
	writeNode(b, n.right, precAnd)
}

func (n *notNode) write(b *strings.Builder) {
	b.WriteString("NOT ")
	writeNode(b, n.operand, precNot)
}

func writeNode(b *strings.Builder, n node, required int) {
	if n.precedence() < required {
		b.WriteByte('(')
		n.write(b)
		b.WriteByte(')')
		return
	}
	n.write(b)
}

// value is one literal or function call on the right of an operator.
type value struct {
	text string   // literal text, or the function name when call is set
	call bool     // a function call such as now("-1d")
	args []string // function arguments
	pos  int
}

// plainWord matches values that can be printed without quotes.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_.:@+-]+$`)

func (v value) String() string {
	if !v.call {
		if plainWord.MatchString(v.text) && !isReserved(v.text) {
			return v.text
		}
		return quote(v.text)
	}
	args := make([]string, len(v.args))
	for i, a := range v.args {
		args[i] = quote(a)
	}
	return v.text + "(" + strings.Join(args, ", ") + ")"
}
