// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"reflect"
	"testing"
)

// createChild creates a page in DOCS under parentID as the bot.
func (s *testSite) createChild(parentID, title string) string {
	s.t.Helper()
	req := pageCreate(s.spaceID("DOCS"), title, "<p/>")
	req["parentId"] = parentID
	var p pageJSON
	s.must(200, bot, "POST", "/wiki/api/v2/pages", req).decode(s.t, &p)
	return p.ID
}

// childTitles lists a page's children through the API as the reader,
// following cursors.
func (s *testSite) childTitles(parentID, query string) []string {
	s.t.Helper()
	var titles []string
	next := "/wiki/api/v2/pages/" + parentID + "/children?limit=2" + query
	for next != "" {
		var list struct {
			Results []childPage
			Links   v2Links `json:"_links"`
		}
		s.must(200, reader, "GET", next, nil).decode(s.t, &list)
		for _, c := range list.Results {
			titles = append(titles, c.Title)
		}
		next = list.Links.Next
	}
	return titles
}

func TestChildPagesKeepTheOrderMovesSet(t *testing.T) {
	s := newTestSite(t)
	parent := s.createPage(bot, "DOCS", "Parent", "<p/>")
	ids := map[string]string{}
	for _, title := range []string{"A", "B", "C", "D"} {
		ids[title] = s.createChild(parent.ID, title)
	}
	check := func(want ...string) {
		t.Helper()
		if got := s.childTitles(parent.ID, ""); !reflect.DeepEqual(got, want) {
			t.Errorf("children %v, want %v", got, want)
		}
	}
	check("A", "B", "C", "D") // creation order

	move := func(page, position, target string) {
		t.Helper()
		var out map[string]string
		s.must(200, editor, "PUT", "/wiki/rest/api/content/"+ids[page]+"/move/"+position+"/"+target, nil).decode(t, &out)
		if out["pageId"] != ids[page] {
			t.Errorf("move answered %v", out)
		}
	}
	move("D", "before", ids["A"])
	check("D", "A", "B", "C")
	move("A", "after", ids["C"])
	check("D", "B", "C", "A")

	// A new child comes last; a move is not a new version.
	ids["E"] = s.createChild(parent.ID, "E")
	check("D", "B", "C", "A", "E")
	if snap, _ := s.emu.Page(ids["A"]); snap.Version != 1 {
		t.Errorf("a move made version %d", snap.Version)
	}
	if got := s.childTitles(parent.ID, "&sort=-child-position"); !reflect.DeepEqual(got, []string{"E", "A", "C", "B", "D"}) {
		t.Errorf("descending: %v", got)
	}
	if got := s.childTitles(parent.ID, "&sort=id"); !reflect.DeepEqual(got, []string{"A", "B", "C", "D", "E"}) {
		t.Errorf("by id: %v", got)
	}

	// append makes the page the target's last child.
	move("B", "append", ids["C"])
	check("D", "C", "A", "E")
	if got := s.childTitles(ids["C"], ""); !reflect.DeepEqual(got, []string{"B"}) {
		t.Errorf("C's children %v", got)
	}
	if got := s.emu.ChildIDs(parent.ID); !reflect.DeepEqual(got, []string{ids["D"], ids["C"], ids["A"], ids["E"]}) {
		t.Errorf("ChildIDs %v", got)
	}
}

func TestMovePageRefusals(t *testing.T) {
	s := newTestSite(t)
	parent := s.createPage(bot, "DOCS", "Parent", "<p/>")
	a := s.createChild(parent.ID, "A")
	b := s.createChild(parent.ID, "B")
	ops := s.createPage(bot, "OPS", "Ops", "<p/>").ID
	for _, tc := range []struct {
		email, path string
		status      int
	}{
		{reader, "/wiki/rest/api/content/" + a + "/move/before/" + b, 403},   // may view, not edit
		{editor, "/wiki/rest/api/content/" + a + "/move/before/" + ops, 404}, // target not visible
		{editor, "/wiki/rest/api/content/999999/move/before/" + b, 404},
		{editor, "/wiki/rest/api/content/" + a + "/move/after/" + a, 400},
		{editor, "/wiki/rest/api/content/" + parent.ID + "/move/append/" + a, 400}, // under its own child
		{bot, "/wiki/rest/api/content/" + a + "/move/append/" + ops, 400},          // another space
	} {
		if r := s.do(tc.email, "PUT", tc.path, nil); r.status != tc.status {
			t.Errorf("%s PUT %s: %d, want %d: %s", tc.email, tc.path, r.status, tc.status, r.body)
		}
	}
	if got := s.emu.ChildIDs(parent.ID); !reflect.DeepEqual(got, []string{a, b}) {
		t.Errorf("a refused move changed the order: %v", got)
	}
	s.must(400, reader, "GET", "/wiki/api/v2/pages/"+parent.ID+"/children?sort=title", nil)
	s.must(404, editor, "GET", "/wiki/api/v2/pages/"+ops+"/children", nil)
}
