// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import "slices"

// Move puts Page just before or just after Target, under Target's parent
// (Confluence's move API; Position is "before" or "after").
type Move struct {
	Page, Position, Target string
}

// OrderMoves returns the fewest moves that bring the pages of desired into
// that order among the children of one parent, given the children's
// current order. Only the relative order of the desired pages is set: other
// children keep their places, and pages of desired that are not children
// are left out (the caller refuses those). The longest run of pages already
// in order stays where it is and every other page moves once, so restoring
// one page someone moved by hand costs one move.
func OrderMoves(current, desired []string) []Move {
	order := RelativeOrder(current, desired) // the desired pages, as they are now
	desired = RelativeOrder(desired, order)  // without pages that are not children
	at := make(map[string]int, len(order))
	for i, id := range order {
		at[id] = i
	}
	positions := make([]int, len(desired))
	for i, id := range desired {
		positions[i] = at[id]
	}
	keep := longestIncreasing(positions)
	var moves []Move
	for i, id := range desired {
		switch {
		case keep[i]:
		case i > 0:
			moves = append(moves, Move{Page: id, Position: "after", Target: desired[i-1]})
		default:
			// The first page goes before the first page that stays.
			first := slices.Index(keep, true)
			moves = append(moves, Move{Page: id, Position: "before", Target: desired[first]})
		}
	}
	return moves
}

// longestIncreasing marks the elements of a longest strictly increasing
// subsequence of s (quadratic: a parent has at most a few hundred children).
func longestIncreasing(s []int) []bool {
	length, prev := make([]int, len(s)), make([]int, len(s))
	best := -1
	for i := range s {
		length[i], prev[i] = 1, -1
		for j := range i {
			if s[j] < s[i] && length[j]+1 > length[i] {
				length[i], prev[i] = length[j]+1, j
			}
		}
		if best < 0 || length[i] > length[best] {
			best = i
		}
	}
	keep := make([]bool, len(s))
	for i := best; i >= 0; i = prev[i] {
		keep[i] = true
	}
	return keep
}

// RelativeOrder returns the pages of ids in the order they have in current;
// pages of ids not in current are left out.
func RelativeOrder(current, ids []string) []string {
	out := []string{}
	for _, id := range current {
		if slices.Contains(ids, id) {
			out = append(out, id)
		}
	}
	return out
}
