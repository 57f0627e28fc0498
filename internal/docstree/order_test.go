// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// applyMoves plays moves on a list of children as Confluence's "after"
// move does.
func applyMoves(children []string, moves []Move) []string {
	out := slices.Clone(children)
	for _, m := range moves {
		out = slices.DeleteFunc(out, func(id string) bool { return id == m.Page })
		out = slices.Insert(out, slices.Index(out, m.After)+1, m.Page)
	}
	return out
}

func TestOrderMoves(t *testing.T) {
	tests := []struct {
		name              string
		current, desired  []string
		wantMoves         []Move
		wantChildrenAfter []string
	}{
		{"already in order", []string{"a", "b", "c"}, []string{"a", "b", "c"}, nil, []string{"a", "b", "c"}},
		{"one page moved up by hand", []string{"c", "a", "b"}, []string{"a", "b", "c"}, []Move{{"c", "b"}}, []string{"a", "b", "c"}},
		{"one page moved down by hand", []string{"b", "c", "a"}, []string{"a", "b", "c"}, []Move{{"b", "a"}, {"c", "b"}}, []string{"a", "b", "c"}},
		{"reversed", []string{"c", "b", "a"}, []string{"a", "b", "c"}, []Move{{"b", "a"}, {"c", "b"}}, []string{"a", "b", "c"}},
		{"other children keep their places", []string{"x", "b", "y", "a"}, []string{"a", "b"}, []Move{{"b", "a"}}, []string{"x", "y", "a", "b"}},
		{"a page that is not a child is left out", []string{"b", "a"}, []string{"a", "gone", "b"}, nil, []string{"b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			moves := OrderMoves(tt.current, tt.desired)
			if !reflect.DeepEqual(moves, tt.wantMoves) {
				t.Errorf("moves %v, want %v", moves, tt.wantMoves)
			}
			if got := applyMoves(tt.current, moves); !reflect.DeepEqual(got, tt.wantChildrenAfter) {
				t.Errorf("children after the moves %v, want %v", got, tt.wantChildrenAfter)
			}
		})
	}
}

// Any starting order, with other children mixed in, ends in the desired
// order in at most one move per page.
func TestOrderMovesAnyPermutation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := 1 + r.IntN(12)
		desired := make([]string, n)
		for i := range desired {
			desired[i] = string(rune('a' + i))
		}
		current := append(slices.Clone(desired), "x", "y")
		r.Shuffle(len(current), func(i, j int) { current[i], current[j] = current[j], current[i] })
		moves := OrderMoves(current, desired)
		if got := RelativeOrder(applyMoves(current, moves), desired); !reflect.DeepEqual(got, desired) {
			t.Fatalf("from %v: moves %v give %v", current, moves, got)
		}
		if len(moves) > n-1 {
			t.Fatalf("from %v: %d moves for %d pages", current, len(moves), n)
		}
		if again := OrderMoves(applyMoves(current, moves), desired); len(again) != 0 {
			t.Fatalf("in order, yet moves %v", again)
		}
	}
}
