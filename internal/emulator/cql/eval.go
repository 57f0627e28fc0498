// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package cql

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

type operator string

const (
	opEq          operator = "="
	opNe          operator = "!="
	opContains    operator = "~"
	opNotContains operator = "!~"
	opLt          operator = "<"
	opLe          operator = "<="
	opGt          operator = ">"
	opGe          operator = ">="
	opIn          operator = "IN"
	opNotIn       operator = "NOT IN"
)

type fieldKind int

const (
	kindString fieldKind = iota // compared as (case-insensitive) strings
	kindDate                    // compared as instants
)

var (
	equalityOps = []operator{opEq, opNe, opIn, opNotIn}
	titleOps    = []operator{opEq, opNe, opContains, opNotContains, opIn, opNotIn}
	textOps     = []operator{opContains, opNotContains}
	dateOps     = []operator{opEq, opNe, opLt, opLe, opGt, opGe}
)

// field describes one searchable CQL field.
type field struct {
	name          string // canonical name, used when printing
	kind          fieldKind
	ops           []operator
	caseSensitive bool                // ids are compared exactly
	strings       func(Doc) []string  // kindString: the doc's values for this field
	time          func(Doc) time.Time // kindDate
}

func one(s string) []string { return []string{s} }

var fields = []*field{
	{name: "type", ops: equalityOps, strings: func(d Doc) []string { return one(d.Type) }},
	{name: "space", ops: equalityOps, strings: func(d Doc) []string { return one(d.SpaceKey) }},
	{name: "title", ops: titleOps, strings: func(d Doc) []string { return one(d.Title) }},
	{name: "text", ops: textOps, strings: func(d Doc) []string {
		return append([]string{d.Title, d.Text}, d.Labels...)
	}},
	{name: "label", ops: equalityOps, strings: func(d Doc) []string { return d.Labels }},
	{name: "ancestor", ops: equalityOps, caseSensitive: true, strings: func(d Doc) []string { return d.AncestorIDs }},
	{name: "parent", ops: equalityOps, caseSensitive: true, strings: func(d Doc) []string { return one(d.ParentID) }},
	{name: "id", ops: equalityOps, caseSensitive: true, strings: func(d Doc) []string { return one(d.ID) }},
	{name: "status", ops: equalityOps, strings: func(d Doc) []string {
		if d.Status == "" {
			return one("current")
		}
		return one(d.Status)
	}},
	{name: "created", kind: kindDate, ops: dateOps, time: func(d Doc) time.Time { return d.Created }},
	{name: "lastmodified", kind: kindDate, ops: dateOps, time: func(d Doc) time.Time { return d.LastModified }},
}

// fieldAliases maps alternative spellings to canonical field names.
var fieldAliases = map[string]string{"space.key": "space", "content": "id"}

func lookupField(name string) (*field, bool) {
	name = strings.ToLower(name)
	if canonical, ok := fieldAliases[name]; ok {
		name = canonical
	}
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return nil, false
}

func fieldNames() string {
	names := make([]string, 0, len(fields)+len(fieldAliases))
	for _, f := range fields {
		names = append(names, f.name)
	}
	for alias := range fieldAliases {
		names = append(names, alias)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func (f *field) allows(op operator) bool { return slices.Contains(f.ops, op) }

func (f *field) operatorList() string {
	names := make([]string, len(f.ops))
	for i, op := range f.ops {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}

// clause is one `field op value(s)` condition.
type clause struct {
	field  *field
	op     operator
	values []value
	span   timeSpan // date fields: the resolved value
	words  []string // ~ and !~: lower-cased words that must all occur
}

func (c *clause) precedence() int { return precClause }

func (c *clause) write(b *strings.Builder) {
	b.WriteString(c.field.name)
	b.WriteByte(' ')
	b.WriteString(string(c.op))
	b.WriteByte(' ')
	if c.op != opIn && c.op != opNotIn {
		b.WriteString(c.values[0].String())
		return
	}
	b.WriteByte('(')
	for i, v := range c.values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.String())
	}
	b.WriteByte(')')
}

func (c *clause) match(d Doc) bool {
	if c.field.kind == kindDate {
		return c.span.compare(c.op, c.field.time(d))
	}
	switch c.op {
	case opEq, opIn:
		return c.anyEqual(d)
	case opNe, opNotIn:
		return !c.anyEqual(d)
	case opContains:
		return containsWords(c.field.strings(d), c.words)
	case opNotContains:
		return !containsWords(c.field.strings(d), c.words)
	}
	return false // unreachable: the parser only admits the operators above
}

// anyEqual reports whether any of the doc's values for the field equals any
// of the clause's values.
func (c *clause) anyEqual(d Doc) bool {
	for _, have := range c.field.strings(d) {
		for _, want := range c.values {
			if have == want.text || (!c.field.caseSensitive && strings.EqualFold(have, want.text)) {
				return true
			}
		}
	}
	return false
}

// searchWords splits a ~ value into lower-cased words at every character that
// is neither a letter nor a digit; wildcards such as * therefore vanish.
func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// containsWords reports whether every word occurs in at least one of haystacks.
func containsWords(haystacks []string, words []string) bool {
	lowered := make([]string, len(haystacks))
	for i, h := range haystacks {
		lowered[i] = strings.ToLower(h)
	}
	for _, w := range words {
		found := false
		for _, h := range lowered {
			if strings.Contains(h, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sortKey is one ORDER BY entry.
type sortKey struct {
	field   string // canonical name, used when printing
	desc    bool
	compare func(a, b Doc) int
}

var sortKeys = []sortKey{
	{field: "title", compare: func(a, b Doc) int { return compareFolded(a.Title, b.Title) }},
	{field: "created", compare: func(a, b Doc) int { return a.Created.Compare(b.Created) }},
	{field: "lastmodified", compare: func(a, b Doc) int { return a.LastModified.Compare(b.LastModified) }},
	{field: "id", compare: func(a, b Doc) int { return compareIDs(a.ID, b.ID) }},
	{field: "space", compare: func(a, b Doc) int { return compareFolded(a.SpaceKey, b.SpaceKey) }},
}

func lookupSortKey(name string) (sortKey, bool) {
	name = strings.ToLower(name)
	if canonical, ok := fieldAliases[name]; ok {
		name = canonical
	}
	for _, k := range sortKeys {
		if k.field == name {
			return k, true
		}
	}
	return sortKey{}, false
}

func sortFieldNames() string {
	names := make([]string, len(sortKeys))
	for i, k := range sortKeys {
		names[i] = k.field
	}
	return strings.Join(names, ", ")
}

func sortDocs(docs []Doc, keys []sortKey) {
	if len(keys) == 0 {
		return
	}
	slices.SortStableFunc(docs, func(a, b Doc) int {
		for _, k := range keys {
			c := k.compare(a, b)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareFolded orders case-insensitively, falling back to byte order so that
// the order is total.
func compareFolded(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// compareIDs orders numeric ids numerically (Confluence ids are numbers in
// strings, so "9" < "10"), and puts them before any non-numeric id.
func compareIDs(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	default:
		return strings.Compare(a, b)
	}
}
