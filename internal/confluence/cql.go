// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// The CQL a configuration writes is wrapped before it is sent, beside
// QuoteCQL, which quotes the values the provider puts into CQL itself.

// RestrictToPages wraps a user's CQL as "type = page AND (<where>)", keeping
// its ORDER BY clause last. It refuses queries whose parentheses or quotes do
// not balance: such a query could close the wrapping parenthesis and escape
// the restriction (e.g. `x = 1) OR (type = blogpost`).
func RestrictToPages(cql string) (string, error) { return RestrictTo(KindPage, cql) }

// RestrictTo is RestrictToPages for content of any kind: "type = blogpost
// AND (<where>)" for blog posts.
func RestrictTo(kind ContentKind, cql string) (string, error) {
	where, orderBy, err := splitOrderBy(cql)
	if err != nil {
		return "", err
	}
	query := "type = " + kind.CQLType()
	if strings.TrimSpace(where) != "" {
		query += " AND (" + strings.TrimSpace(where) + ")"
	}
	if orderBy != "" {
		query += " " + orderBy
	}
	return query, nil
}

// splitOrderBy splits a CQL query at its top-level ORDER BY (outside quotes
// and parentheses) and checks that quotes and parentheses balance.
func splitOrderBy(cql string) (where, orderBy string, err error) {
	if strings.TrimSpace(cql) == "" {
		return "", "", errors.New("the query is empty; write a CQL query such as space = DOCS, or use the filters")
	}
	depth, orderAt := 0, -1
	for i := 0; i < len(cql); i++ {
		switch c := cql[i]; c {
		case '"', '\'':
			end := closingQuote(cql, i)
			if end < 0 {
				return "", "", fmt.Errorf("the string starting at position %d (%s) is not terminated; close it with %c", i+1, excerptAt(cql, i), c)
			}
			i = end
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", "", fmt.Errorf("the parenthesis at position %d closes one that was never opened (%s)", i+1, excerptAt(cql, i))
			}
		default:
			if orderAt < 0 && depth == 0 && orderByAt(cql, i) {
				orderAt = i
			}
		}
	}
	if depth != 0 {
		return "", "", fmt.Errorf("%d parenthesis(es) opened in the query are not closed", depth)
	}
	if orderAt < 0 {
		return cql, "", nil
	}
	return cql[:orderAt], strings.TrimSpace(cql[orderAt:]), nil
}

// closingQuote returns the index of the quote closing the string that opens
// at start, honouring backslash escapes, or -1.
func closingQuote(s string, start int) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case s[start]:
			return i
		}
	}
	return -1
}

// orderByAt reports whether the keywords ORDER BY (any case, separated by
// white space) start at s[i] as whole words.
func orderByAt(s string, i int) bool {
	if i > 0 && !isCQLBreak(rune(s[i-1])) {
		return false
	}
	rest := s[i:]
	if len(rest) < len("order") || !strings.EqualFold(rest[:5], "order") {
		return false
	}
	rest = rest[5:]
	trimmed := strings.TrimLeftFunc(rest, unicode.IsSpace)
	if len(trimmed) == len(rest) || len(trimmed) < 2 || !strings.EqualFold(trimmed[:2], "by") {
		return false
	}
	return len(trimmed) == 2 || isCQLBreak(rune(trimmed[2]))
}

func isCQLBreak(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' }

// excerptAt shows the query around position i for an error message.
func excerptAt(s string, i int) string {
	end := min(len(s), i+20)
	return fmt.Sprintf("%q", s[i:end])
}
