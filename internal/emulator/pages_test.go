// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestCreatePageUnderHomepageAndGetIt(t *testing.T) {
	s := newTestSite(t)
	docs := s.spaceID("DOCS")
	var space map[string]any
	s.must(200, bot, "GET", "/wiki/api/v2/spaces/"+docs, nil).decode(t, &space)

	p := s.createPage(bot, "DOCS", "Runbook", "<p><b>Hello</b></p>")
	if p.ParentID != space["homepageId"] {
		t.Errorf("parentId %q, want the homepage %v", p.ParentID, space["homepageId"])
	}
	if p.Version.Number != 1 || p.Status != "current" || p.SpaceID != docs {
		t.Errorf("created page = %+v", p)
	}
	if p.ID <= "65536" || strings.Trim(p.ID, "0123456789") != "" {
		t.Errorf("id %q is not a Confluence-like decimal id", p.ID)
	}

	var got pageJSON
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"?body-format=storage", nil).decode(t, &got)
	if got.Body.Storage.Value != "<p><strong>Hello</strong></p>" {
		t.Errorf("stored body %q: want b rewritten to strong", got.Body.Storage.Value)
	}
	snap, ok := s.emu.Page(p.ID)
	if !ok || snap.AuthorAccountID != s.accountID(bot) || snap.SpaceKey != "DOCS" || snap.Title != "Runbook" {
		t.Errorf("snapshot = %+v, want authored by %s", snap, bot)
	}

	// The author is whoever sent the request, not a fixed service account.
	byEditor := s.createPage(editor, "DOCS", "Editor notes", "<p/>")
	if snap, _ := s.emu.Page(byEditor.ID); snap.AuthorAccountID != s.accountID(editor) {
		t.Errorf("page created by %s has author %q", editor, snap.AuthorAccountID)
	}
}

func TestPermissionsHideOrForbid(t *testing.T) {
	s := newTestSite(t)
	ops := s.spaceID("OPS")
	p := s.createPage(bot, "OPS", "Ops page", "<p>x</p>")

	// editor has no permission in OPS: the space and its pages do not exist for them.
	s.must(404, editor, "GET", "/wiki/api/v2/spaces/"+ops, nil)
	s.must(404, editor, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	s.must(404, editor, "POST", "/wiki/api/v2/pages", pageCreate(ops, "Nope", "<p/>"))
	var list struct{ Results []any }
	s.must(200, editor, "GET", "/wiki/api/v2/spaces?keys=OPS", nil).decode(t, &list)
	if len(list.Results) != 0 {
		t.Errorf("editor sees OPS in the space list: %v", list.Results)
	}

	// reader may view OPS but not write: 403 in the v2 error shape.
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	for _, r := range []*response{
		s.do(reader, "POST", "/wiki/api/v2/pages", pageCreate(ops, "Nope", "<p/>")),
		s.do(reader, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Ops page", "<p>y</p>", 2, "")),
		s.do(reader, "DELETE", "/wiki/api/v2/pages/"+p.ID, nil),
	} {
		if r.status != 403 {
			t.Fatalf("reader write: status %d, want 403; %s", r.status, r.body)
		}
		var e struct{ Errors []v2Error }
		r.decode(t, &e)
		if len(e.Errors) != 1 || e.Errors[0].Status != 403 || e.Errors[0].Code != "PERMISSION_DENIED" {
			t.Errorf("403 body %s", r.body)
		}
	}
	if snap, _ := s.emu.Page(p.ID); snap.Version != 1 || snap.Status != "current" {
		t.Errorf("page changed by a forbidden write: %+v", snap)
	}
}

func TestUpdateRequiresNextVersionAndKeepsHistory(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Guide", "<p>v1</p>")
	s.must(200, editor, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Guide", "<p>v2</p>", 2, "second"))
	s.must(200, bot, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Guide renamed", "<p>v3</p>", 3, "third"))

	for _, stale := range []int{3, 5, 1} {
		r := s.must(409, bot, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Guide", "<p>stale</p>", stale, ""))
		var e struct{ Errors []v2Error }
		r.decode(t, &e)
		want := "Version must be incremented on update. Current version is: 3"
		if len(e.Errors) != 1 || e.Errors[0].Title != want || e.Errors[0].Status != 409 || e.Errors[0].Code != "CONFLICT" {
			t.Errorf("409 body %s, want title %q", r.body, want)
		}
	}

	var versions struct {
		Results []struct {
			Number  int
			Message string
		}
	}
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"/versions", nil).decode(t, &versions)
	if got := fmt.Sprint(versions.Results); got != "[{3 third} {2 second} {1 }]" {
		t.Errorf("versions %s", got)
	}
	var v2 map[string]any
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"/versions/2", nil).decode(t, &v2)
	editorID := s.emu.PageVersions(p.ID)[1].LastEditorAccountID
	if v2["message"] != "second" || v2["authorId"] != editorID || v2["prevVersion"] != 1.0 || v2["nextVersion"] != 3.0 {
		t.Errorf("version 2 details %v", v2)
	}
	s.must(404, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"/versions/9", nil)

	var old pageJSON
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"?version=2&body-format=storage", nil).decode(t, &old)
	if old.Title != "Guide" || old.Body.Storage.Value != "<p>v2</p>" || old.Version.Number != 2 {
		t.Errorf("version 2 = %+v", old)
	}
	snap, _ := s.emu.Page(p.ID)
	if snap.Version != 3 || snap.VersionMessage != "third" || snap.Title != "Guide renamed" {
		t.Errorf("current = %+v", snap)
	}
}

func TestTitlesAreUniquePerSpaceIncludingTrash(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Unique", "<p/>")
	clash := s.must(400, bot, "POST", "/wiki/api/v2/pages", pageCreate(s.spaceID("DOCS"), "Unique", "<p/>"))
	var e struct{ Errors []v2Error }
	clash.decode(t, &e)
	if len(e.Errors) != 1 || !strings.Contains(e.Errors[0].Title, "title already exists") {
		t.Errorf("clash body %s", clash.body)
	}
	// Another space may use the title.
	s.createPage(bot, "OPS", "Unique", "<p/>")

	s.must(204, bot, "DELETE", "/wiki/api/v2/pages/"+p.ID, nil)
	s.must(400, bot, "POST", "/wiki/api/v2/pages", pageCreate(s.spaceID("DOCS"), "Unique", "<p/>"))
	// Renaming another page onto the trashed page's title clashes too.
	other := s.createPage(bot, "DOCS", "Other", "<p/>")
	s.must(400, bot, "PUT", "/wiki/api/v2/pages/"+other.ID, pageUpdate(other.ID, "Unique", "<p/>", 2, ""))
}

func TestTrashRestoreAndPurgeRules(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Doomed", "<p>bye</p>")
	path := "/wiki/api/v2/pages/" + p.ID

	s.must(400, admin, "DELETE", path+"?purge=true", nil) // purge only from the trash
	s.must(204, bot, "DELETE", path, nil)
	var got pageJSON
	s.must(200, bot, "GET", path, nil).decode(t, &got)
	if got.Status != "trashed" {
		t.Errorf("status %q after delete, want trashed", got.Status)
	}
	s.must(404, bot, "DELETE", path, nil)               // trashing twice
	s.must(403, bot, "DELETE", path+"?purge=true", nil) // editors cannot purge

	// Restore with PUT status current and the next version.
	s.must(200, bot, "PUT", path, pageUpdate(p.ID, "Doomed", "<p>ignored</p>", 2, "restored"))
	snap, _ := s.emu.Page(p.ID)
	if snap.Status != "current" || snap.Body != "<p>bye</p>" || snap.Version != 2 {
		t.Errorf("restored page = %+v", snap)
	}

	s.must(204, bot, "DELETE", path, nil)
	s.must(204, admin, "DELETE", path+"?purge=true", nil)
	if _, ok := s.emu.Page(p.ID); ok {
		t.Error("purged page still stored")
	}
	s.must(404, admin, "GET", path, nil)
}

func TestParentMovesStayInSpaceWithoutCycles(t *testing.T) {
	s := newTestSite(t)
	a := s.createPage(bot, "DOCS", "A", "<p/>")
	var b pageJSON
	req := pageCreate(s.spaceID("DOCS"), "B", "<p/>")
	req["parentId"] = a.ID
	s.must(200, bot, "POST", "/wiki/api/v2/pages", req).decode(t, &b)
	if b.ParentID != a.ID {
		t.Fatalf("B parent %q, want %q", b.ParentID, a.ID)
	}
	opsPage := s.createPage(bot, "OPS", "In ops", "<p/>")

	move := func(id, title, parent string, version int) *response {
		body := pageUpdate(id, title, "<p/>", version, "")
		body["parentId"] = parent
		return s.do(bot, "PUT", "/wiki/api/v2/pages/"+id, body)
	}
	if r := move(a.ID, "A", b.ID, 2); r.status != 400 {
		t.Errorf("moving A under its child: status %d, want 400", r.status)
	}
	if r := move(a.ID, "A", opsPage.ID, 2); r.status != 404 {
		t.Errorf("moving A under a page of another space: status %d, want 404", r.status)
	}
	if r := move(b.ID, "B", s.createPage(bot, "DOCS", "C", "<p/>").ID, 2); r.status != 200 {
		t.Errorf("moving B under C: status %d: %s", r.status, r.body)
	}
}

func TestStorageRewrittenOnEverySaveAndMalformedRejected(t *testing.T) {
	s := newTestSite(t)
	macro := `<ac:structured-macro ac:name="info" ac:macro-id="fixed"><ac:rich-text-body><p>i</p></ac:rich-text-body></ac:structured-macro>`
	p := s.createPage(bot, "DOCS", "Macros", macro)
	first, _ := s.emu.Page(p.ID)
	s.must(200, bot, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Macros", macro, 2, ""))
	second, _ := s.emu.Page(p.ID)
	id1, id2 := macroID(first.Body), macroID(second.Body)
	if id1 == "" || id1 == "fixed" || id1 == id2 {
		t.Errorf("macro ids %q then %q: want fresh ids on every save", id1, id2)
	}

	bad := s.must(400, bot, "POST", "/wiki/api/v2/pages", pageCreate(s.spaceID("DOCS"), "Broken", "<p><b>x</p>"))
	msg := bad.object(t)
	if msg["statusCode"] != 400.0 || !strings.Contains(fmt.Sprint(msg["message"]), "Error parsing xhtml") {
		t.Errorf("malformed body answer %s", bad.body)
	}
	if _, ok := s.emu.PageByTitle("DOCS", "Broken"); ok {
		t.Error("page with malformed body was stored")
	}
	s.must(400, bot, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Macros", "<p>&bogus;</p>", 3, ""))
	if snap, _ := s.emu.Page(p.ID); snap.Version != 2 {
		t.Errorf("version %d after a rejected update, want 2", snap.Version)
	}
}

func macroID(body string) string {
	const attr = `ac:macro-id="`
	i := strings.Index(body, attr)
	if i < 0 {
		return ""
	}
	rest := body[i+len(attr):]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestBulkPagesCursorPagingVisitsEveryPageOnce(t *testing.T) {
	s := newTestSite(t)
	docs := s.spaceID("DOCS")
	created := map[string]bool{}
	for i := range 23 {
		created[s.createPage(bot, "DOCS", fmt.Sprintf("Page %02d", 22-i), "<p/>").ID] = true
	}
	home, _ := s.emu.PageByTitle("DOCS", "Documentation Home")
	created[home.ID] = true

	for _, sort := range []string{"id", "-id", "title", "-title", "created-date", "-modified-date"} {
		seen := map[string]bool{}
		next := "/wiki/api/v2/pages?space-id=" + docs + "&limit=5&sort=" + sort
		var prevTitle string
		for requests := 0; next != ""; requests++ {
			if requests > 10 {
				t.Fatalf("sort %s: paging does not end", sort)
			}
			r := s.must(200, reader, "GET", next, nil)
			var list struct {
				Results []pageJSON
				Links   struct{ Next string } `json:"_links"`
			}
			r.decode(t, &list)
			for _, p := range list.Results {
				if seen[p.ID] {
					t.Fatalf("sort %s: page %s returned twice", sort, p.ID)
				}
				seen[p.ID] = true
				if sort == "title" && p.Title < prevTitle {
					t.Errorf("sort title: %q after %q", p.Title, prevTitle)
				}
				prevTitle = p.Title
			}
			if link := r.header.Get("Link"); (list.Links.Next != "") != strings.Contains(link, `rel="next"`) {
				t.Errorf("Link header %q disagrees with _links.next %q", link, list.Links.Next)
			}
			next = list.Links.Next
		}
		if len(seen) != len(created) {
			t.Errorf("sort %s: saw %d pages, want %d", sort, len(seen), len(created))
		}
	}
	s.must(400, reader, "GET", "/wiki/api/v2/pages?cursor=garbage!", nil)
}

func TestBulkPagesFilters(t *testing.T) {
	s := newTestSite(t)
	a := s.createPage(bot, "DOCS", "Alpha", "<p>a</p>")
	b := s.createPage(bot, "DOCS", "Beta", "<p>b</p>")
	c := s.createPage(bot, "OPS", "Gamma", "<p>c</p>")
	s.must(204, bot, "DELETE", "/wiki/api/v2/pages/"+b.ID, nil)

	ids := func(path, email string) string {
		var list struct{ Results []pageJSON }
		s.must(200, email, "GET", path, nil).decode(t, &list)
		var out []string
		for _, p := range list.Results {
			out = append(out, p.Title)
		}
		return strings.Join(out, ",")
	}
	byID := "/wiki/api/v2/pages?id=" + a.ID + "&id=" + b.ID + "&id=" + c.ID
	if got := ids(byID, bot); got != "Alpha,Gamma" {
		t.Errorf("by id: %s (trashed excluded by default)", got)
	}
	if got := ids(byID+"&status=trashed", bot); got != "Beta" {
		t.Errorf("trashed: %s", got)
	}
	if got := ids(byID, editor); got != "Alpha" {
		t.Errorf("editor (no OPS access): %s", got)
	}
	if got := ids("/wiki/api/v2/pages?title="+url.QueryEscape("Gamma"), reader); got != "Gamma" {
		t.Errorf("by title: %s", got)
	}
	var body struct{ Results []pageJSON }
	s.must(200, bot, "GET", "/wiki/api/v2/spaces/"+s.spaceID("DOCS")+"/pages?body-format=storage&sort=-title", nil).decode(t, &body)
	if len(body.Results) != 2 || body.Results[0].Title != "Documentation Home" || body.Results[1].Body.Storage.Value != "<p>a</p>" {
		t.Errorf("space pages = %+v", body.Results)
	}
	// Out-of-range limits break the documented schema, so they go around the validator.
	for _, limit := range []string{"0", "251", "x"} {
		if r := s.doRaw(bot, "bot-token", "GET", "/wiki/api/v2/pages?limit="+limit); r.status != 400 {
			t.Errorf("limit=%s: status %d, want 400", limit, r.status)
		}
	}
	// At most 250 ids in one bulk request.
	many := make([]string, 251)
	for i := range many {
		many[i] = fmt.Sprint(70000 + i)
	}
	if r := s.doRaw(bot, "bot-token", "GET", "/wiki/api/v2/pages?id="+strings.Join(many, "&id=")); r.status != 400 {
		t.Errorf("251 ids: status %d, want 400", r.status)
	}
	if r := s.doRaw(bot, "bot-token", "GET", "/wiki/api/v2/pages?id="+strings.Join(many[:250], "&id=")); r.status != 200 {
		t.Errorf("250 ids: status %d, want 200", r.status)
	}
}
