// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"fmt"
	"strings"
)

// Operation is a page operation the policy governs.
type Operation string

// The operations, named as they appear in the operation policy.
const (
	SearchPages Operation = "search_pages"
	GetPage     Operation = "get_page"
	CreatePage  Operation = "create_page"
	UpdatePage  Operation = "update_page"
	DeletePage  Operation = "delete_page"
)

// Operations returns every governed operation: reads first, then writes.
func Operations() []Operation {
	return []Operation{SearchPages, GetPage, CreatePage, UpdatePage, DeletePage}
}

// Valid reports whether o is one of Operations.
func (o Operation) Valid() bool {
	switch o {
	case SearchPages, GetPage, CreatePage, UpdatePage, DeletePage:
		return true
	}
	return false
}

// IsWrite reports whether o changes content (create, update, delete).
func (o Operation) IsWrite() bool {
	return o == CreatePage || o == UpdatePage || o == DeletePage
}

// ParseOperation returns the operation named s. The error lists the accepted
// names and suggests the closest one when s looks like a typo.
func ParseOperation(s string) (Operation, error) {
	op := Operation(s)
	if op.Valid() {
		return op, nil
	}
	names := make([]string, 0, len(Operations()))
	for _, o := range Operations() {
		names = append(names, string(o))
	}
	return "", fmt.Errorf("unknown operation %q: %s", s, acceptedValues(s, names))
}

// Level is what an operation policy allows for one operation.
type Level string

// The levels, from least to most restrictive.
const (
	Allowed                 Level = "allowed"
	AllowedWithConfirmation Level = "allowed_with_confirmation"
	Denied                  Level = "denied"
)

// Levels returns every level, from least to most restrictive.
func Levels() []Level {
	return []Level{Allowed, AllowedWithConfirmation, Denied}
}

// Valid reports whether l is one of Levels.
func (l Level) Valid() bool {
	switch l {
	case Allowed, AllowedWithConfirmation, Denied:
		return true
	}
	return false
}

// Restrictiveness orders levels: Allowed 0, AllowedWithConfirmation 1,
// Denied 2. An invalid level ranks above Denied so that, if one ever slipped
// through, comparing levels could never loosen a decision.
func (l Level) Restrictiveness() int {
	switch l {
	case Allowed:
		return 0
	case AllowedWithConfirmation:
		return 1
	case Denied:
		return 2
	}
	return 3
}

// MostRestrictive returns the most restrictive of levels, or "" for none.
func MostRestrictive(levels ...Level) Level {
	var most Level
	for _, l := range levels {
		if most == "" || l.Restrictiveness() > most.Restrictiveness() {
			most = l
		}
	}
	return most
}

// ParseLevel returns the level named s. The error lists the accepted values
// and suggests the closest one when s looks like a typo.
func ParseLevel(s string) (Level, error) {
	l := Level(s)
	if l.Valid() {
		return l, nil
	}
	names := make([]string, 0, len(Levels()))
	for _, v := range Levels() {
		names = append(names, string(v))
	}
	return "", fmt.Errorf("unknown policy level %q: %s", s, acceptedValues(s, names))
}

// DefaultLevel is the recommended level for op when a policy does not set
// one: reads are allowed, writes need confirmation. An unknown operation gets
// Denied, so a gap in this list fails closed.
func DefaultLevel(op Operation) Level {
	switch op {
	case SearchPages, GetPage:
		return Allowed
	case CreatePage, UpdatePage, DeletePage:
		return AllowedWithConfirmation
	}
	return Denied
}

// Decision is the outcome of evaluating a request.
type Decision string

// The decisions. DecisionUnmanaged means no connection record governs the
// authenticated account in the space and the operation proceeds.
const (
	DecisionAllowed                 Decision = "allowed"
	DecisionAllowedWithConfirmation Decision = "allowed_with_confirmation"
	DecisionDenied                  Decision = "denied"
	DecisionUnmanaged               Decision = "unmanaged"
)

// decisionFor maps an effective level to its decision.
func decisionFor(l Level) Decision {
	switch l {
	case Allowed:
		return DecisionAllowed
	case AllowedWithConfirmation:
		return DecisionAllowedWithConfirmation
	}
	return DecisionDenied
}

// acceptedValues phrases the list of accepted values for an error message,
// with a "did you mean" when got is close to one of them.
func acceptedValues(got string, accepted []string) string {
	quoted := make([]string, len(accepted))
	for i, a := range accepted {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	msg := "accepted values are " + strings.Join(quoted, ", ")
	if s := closest(got, accepted); s != "" {
		msg = fmt.Sprintf("did you mean %q? %s", s, msg)
	}
	return msg
}

// closest returns the candidate nearest to s by edit distance (ignoring case
// and treating '-' and ' ' as '_'), or "" when none is close enough to be a
// plausible typo.
func closest(s string, candidates []string) string {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	if norm == "" {
		return ""
	}
	// A fragment such as "confirm" points at the one value containing it.
	if len(norm) >= 4 {
		var containing []string
		for _, c := range candidates {
			if strings.Contains(c, norm) {
				containing = append(containing, c)
			}
		}
		if len(containing) == 1 {
			return containing[0]
		}
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(norm, c)
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	// Allow roughly one edit per three characters, at least three: close
	// enough for a dropped letter or "deny", far enough that "read" suggests nothing.
	limit := max(3, len(best)/3)
	if bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, over bytes (the
// candidates are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
