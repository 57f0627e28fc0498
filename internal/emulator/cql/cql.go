// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package cql parses and evaluates the subset of Confluence Query Language that
// the emulator's v1 search endpoint (GET /wiki/rest/api/search?cql=...) serves.
//
// The grammar, with keywords case-insensitive:
//
//	query   = or [ "ORDER" "BY" sortkey { "," sortkey } ]
//	or      = and { "OR" and }
//	and     = not { "AND" not }
//	not     = "NOT" not | "(" or ")" | clause
//	clause  = field op value | field [ "NOT" ] "IN" "(" value { "," value } ")"
//	value   = word | "quoted" | 'quoted' | word "(" [ value { "," value } ] ")"
//	sortkey = field [ "ASC" | "DESC" ]
//
// so NOT binds tighter than AND, which binds tighter than OR. Matching follows
// Confluence where that is observable and is documented on [Query.Match].
package cql

import (
	"fmt"
	"strings"
	"time"
)

// Doc is the view of one piece of content that a query is evaluated against.
type Doc struct {
	ID, Type, Status, SpaceKey, Title, Text, ParentID string
	AncestorIDs, Labels                               []string
	Created, LastModified                             time.Time
}

// Error reports a query that cannot be parsed or uses something unsupported.
type Error struct {
	// Pos is the 0-based byte offset in the query where the problem was found;
	// it equals len(query) when the query ended too early.
	Pos int
	// Msg is the complete message, in the shape Confluence uses:
	// `Could not parse cql : title =  (expected a value after "=", found end
	// of query at position 8)`.
	Msg string
}

func (e *Error) Error() string { return e.Msg }

func newError(query string, pos int, format string, args ...any) *Error {
	detail := fmt.Sprintf(format, args...)
	return &Error{Pos: pos, Msg: fmt.Sprintf("Could not parse cql : %s (%s at position %d)", query, detail, pos)}
}

// Now is the clock Parse uses to resolve date functions such as now("-1d").
// Tests that need a fixed clock should prefer ParseAt, which is safe to call
// concurrently.
var Now = time.Now

// Query is a parsed CQL query. It is immutable and safe for concurrent use.
type Query struct {
	where node
	order []sortKey
}

// Parse parses q, resolving date functions against Now().
func Parse(q string) (*Query, error) {
	return ParseAt(q, Now())
}

// ParseAt parses q, resolving date functions such as now("-1d") and
// startOfDay() against now (in UTC). Every error is an *Error.
func ParseAt(q string, now time.Time) (*Query, error) {
	tokens, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{src: q, tokens: tokens, now: now.UTC()}
	return p.parseQuery()
}

// Match reports whether d satisfies the query's conditions (ORDER BY is ignored).
//
// Semantics chosen where Confluence leaves room:
//   - All string comparisons are case-insensitive (space keys, types, titles,
//     labels, statuses); ids are compared exactly.
//   - `~` (contains) splits the value into words at every character that is not
//     a letter or digit, and matches when every word occurs as a case-insensitive
//     substring of the field; so wildcards like "conf*" work and a value
//     without words matches everything. `!~` is its negation.
//   - `text ~` searches the title, the body text and the labels.
//   - Multi-valued fields (label, ancestor) match `=`/IN when any of their values
//     does; `!=`/NOT IN match when none does (so content without labels matches
//     `label != x`).
//   - An empty Doc.Status counts as "current".
//   - Dates are compared in UTC. A day literal ("2024-01-31") stands for that
//     whole day and a minute literal ("2024-01-31 10:00") for that minute, so
//     `created = "2024-01-31"` matches anything created that day, `<` means
//     before its start and `>` after its end. Date functions are instants.
func (q *Query) Match(d Doc) bool {
	return q.where.match(d)
}

// Sort orders docs by the query's ORDER BY keys, keeping the input order of
// docs that compare equal. Without ORDER BY it leaves docs unchanged.
func (q *Query) Sort(docs []Doc) {
	sortDocs(docs, q.order)
}

// String returns the query in normalised form: keywords upper case, canonical
// field names, values quoted unless they are plain words, and only the
// parentheses that precedence requires. Parsing it again yields an equivalent
// query.
func (q *Query) String() string {
	var b strings.Builder
	writeNode(&b, q.where, precOr)
	if len(q.order) > 0 {
		b.WriteString(" ORDER BY ")
		for i, k := range q.order {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k.field)
			if k.desc {
				b.WriteString(" DESC")
			}
		}
	}
	return b.String()
}
