// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// applyMoves plays moves on a list of children as Confluence's move API
// does.
func applyMoves(children []string, moves []Move) []string {
	out := slices.Clone(children)
	for _, m := range moves {
		out = slices.DeleteFunc(out, func(id string) bool { return id == m.Page })
		at := slices.Index(out, m.Target)
		if m.Position == "after" {
			at++
		}
		out = slices.Insert(out, at, m.Page)
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
		{"one page moved up by hand", []string{"c", "a", "b"}, []string{"a", "b", "c"}, []Move{{"c", "after", "b"}}, []string{"a", "b", "c"}},
		{"one page moved down by hand", []string{"b", "c", "a"}, []string{"a", "b", "c"}, []Move{{"a", "before", "b"}}, []string{"a", "b", "c"}},
		{"the last page first", []string{"a", "b", "c"}, []string{"c", "a", "b"}, []Move{{"c", "before", "a"}}, []string{"c", "a", "b"}},
		{"reversed", []string{"c", "b", "a"}, []string{"a", "b", "c"}, []Move{{"b", "after", "a"}, {"c", "after", "b"}}, []string{"a", "b", "c"}},
		{"other children keep their places", []string{"x", "b", "y", "a"}, []string{"a", "b"}, []Move{{"b", "after", "a"}}, []string{"x", "y", "a", "b"}},
		{"a page that is not a child is left out", []string{"b", "a"}, []string{"a", "gone", "b"}, []Move{{"b", "after", "a"}}, []string{"a", "b"}},
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
		// Fewest moves: every page but a longest run already in order.
		if lis := countTrue(longestIncreasing(positionsIn(RelativeOrder(current, desired), desired))); len(moves) != n-lis {
			t.Fatalf("from %v: %d moves, want %d", current, len(moves), n-lis)
		}
		if again := OrderMoves(applyMoves(current, moves), desired); len(again) != 0 {
			t.Fatalf("in order, yet moves %v", again)
		}
	}
}

func positionsIn(order, ids []string) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = slices.Index(order, id)
	}
	return out
}

func countTrue(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

func TestLongestIncreasing(t *testing.T) {
	for _, tt := range []struct {
		in   []int
		want int
	}{{nil, 0}, {[]int{0}, 1}, {[]int{2, 1, 0}, 1}, {[]int{0, 2, 1, 3}, 3}, {[]int{3, 0, 1, 2}, 3}} {
		keep := longestIncreasing(tt.in)
		last := -1
		for i, k := range keep {
			if k {
				if tt.in[i] <= last {
					t.Errorf("%v: kept %v is not increasing", tt.in, keep)
				}
				last = tt.in[i]
			}
		}
		if got := countTrue(keep); got != tt.want {
			t.Errorf("%v: kept %d, want %d", tt.in, got, tt.want)
		}
	}
}
