// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"reflect"
	"testing"
)

// Child pages listed in Confluence's order across cursors, and moved
// before, after and under a target, through the emulator with every
// exchange checked against the OpenAPI documents.
func TestChildPagesAndMovePage(t *testing.T) {
	s := newAttachSite(t) // a DOCS page (s.pageID) the bot made
	ctx := t.Context()
	space, err := s.bot.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	var titles []string
	for i := range maxPageSize + 2 { // more than one request's worth
		title := "Child " + string(rune('A'+i/26)) + string(rune('a'+i%26))
		page, err := s.bot.CreatePage(ctx, CreatePageRequest{SpaceID: space.ID, ParentID: s.pageID, Title: title, Body: "<p/>"})
		if err != nil {
			t.Fatal(err)
		}
		ids[title] = page.ID
		titles = append(titles, title)
	}
	list := func() []string {
		t.Helper()
		children, err := s.bot.ListChildPages(ctx, s.pageID)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, 0, len(children))
		for i, c := range children {
			if c.ChildPosition < i || c.SpaceID != space.ID {
				t.Errorf("child %+v at %d", c, i)
			}
			out = append(out, c.Title)
		}
		return out
	}
	if got := list(); !reflect.DeepEqual(got, titles) {
		t.Fatalf("%d children, want %d in creation order", len(got), len(titles))
	}

	first, last := titles[0], titles[len(titles)-1]
	if err := s.bot.MovePage(ctx, ids[last], MoveBefore, ids[first]); err != nil {
		t.Fatal(err)
	}
	if err := s.bot.MovePage(ctx, ids[first], MoveAfter, ids[titles[1]]); err != nil {
		t.Fatal(err)
	}
	got := list()
	if got[0] != last || got[1] != titles[1] || got[2] != first {
		t.Errorf("after two moves the order starts %v", got[:3])
	}
	if err := s.bot.MovePage(ctx, ids[first], MoveAppend, ids[last]); err != nil {
		t.Fatal(err)
	}
	if under, err := s.bot.ListChildPages(ctx, ids[last]); err != nil || len(under) != 1 || under[0].ID != ids[first] {
		t.Errorf("append: %+v %v", under, err)
	}
	if err := s.bot.MovePage(ctx, "999999", MoveBefore, ids[last]); !IsNotFound(err) {
		t.Errorf("moving a missing page: %v, want not found", err)
	}
}
