// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import "slices"

// Move puts Page just after After, under the same parent (Confluence's
// move API, position "after").
type Move struct {
	Page, After string
}

// OrderMoves returns the moves that bring the pages of desired into that
// order among the children of one parent, given the children's current
// order. Only the relative order of the desired pages is set: other
// children keep their places, and pages of desired that are not children
// are left out (the caller refuses those). Each page moves at most once
// (at most len(desired)-1 moves) and a page already after its predecessor
// stays: a page moved up by hand costs one move to restore.
func OrderMoves(current, desired []string) []Move {
	wanted := make(map[string]bool, len(desired))
	for _, id := range desired {
		wanted[id] = true
	}
	var order []string // the desired pages, in their current order
	for _, id := range current {
		if wanted[id] {
			order = append(order, id)
		}
	}
	var moves []Move
	for i := 1; i < len(desired); i++ {
		prev, page := desired[i-1], desired[i]
		at, prevAt := slices.Index(order, page), slices.Index(order, prev)
		if at < 0 || prevAt < 0 || at > prevAt {
			continue
		}
		moves = append(moves, Move{Page: page, After: prev})
		order = slices.Delete(order, at, at+1)
		order = slices.Insert(order, slices.Index(order, prev)+1, page)
	}
	return moves
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
