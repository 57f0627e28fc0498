// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"strings"
	"testing"
	"time"
)

func (s *testSite) createBlogPost(email, spaceKey, title, body string) pageJSON {
	s.t.Helper()
	var p pageJSON
	s.must(200, email, "POST", "/wiki/api/v2/blogposts", pageCreate(s.spaceID(spaceKey), title, body)).decode(s.t, &p)
	return p
}

// Blog posts live under /blogposts, have no parent, and are not pages:
// each collection answers 404 for the other kind's ids.
func TestBlogPostsAreTheirOwnKind(t *testing.T) {
	s := newTestSite(t)
	post := s.createBlogPost(bot, "DOCS", "Release 1.0", "<p><b>New</b></p>")
	if post.ParentID != "" || post.Version.Number != 1 || post.Status != "current" {
		t.Errorf("created blog post = %+v", post)
	}
	var got struct {
		pageJSON
		Links map[string]string `json:"_links"`
	}
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts/"+post.ID+"?body-format=storage", nil).decode(t, &got)
	if got.Body.Storage.Value != "<p><strong>New</strong></p>" {
		t.Errorf("stored body %q: want it rewritten as for pages", got.Body.Storage.Value)
	}
	if want := "/spaces/DOCS/blog/2026/07/01/" + post.ID + "/Release+1.0"; got.Links["webui"] != want {
		t.Errorf("webui %q, want %q (blog addresses carry the posting date)", got.Links["webui"], want)
	}
	page := s.createPage(bot, "DOCS", "Release 1.0", "<p>A page may share a blog post's title</p>")
	s.must(404, reader, "GET", "/wiki/api/v2/pages/"+post.ID, nil)
	s.must(404, reader, "GET", "/wiki/api/v2/blogposts/"+page.ID, nil)
	s.must(404, bot, "PUT", "/wiki/api/v2/pages/"+post.ID, pageUpdate(post.ID, "x", "<p/>", 2, ""))
	s.must(404, bot, "DELETE", "/wiki/api/v2/blogposts/"+page.ID, nil)

	var list struct{ Results []pageJSON }
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts?space-id="+s.spaceID("DOCS"), nil).decode(t, &list)
	if len(list.Results) != 1 || list.Results[0].ID != post.ID {
		t.Errorf("GET /blogposts lists %+v, want only the blog post", list.Results)
	}
	s.must(200, reader, "GET", "/wiki/api/v2/pages?title=Release+1.0", nil).decode(t, &list)
	if len(list.Results) != 1 || list.Results[0].ID != page.ID {
		t.Errorf("GET /pages lists %+v, want only the page", list.Results)
	}

	// Versions, labels (v1 writes serve every kind) and properties.
	s.must(200, bot, "PUT", "/wiki/api/v2/blogposts/"+post.ID, pageUpdate(post.ID, "Release 1.0", "<p>Fixed</p>", 2, "fix"))
	var versions struct{ Results []struct{ Number int } }
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts/"+post.ID+"/versions", nil).decode(t, &versions)
	if len(versions.Results) != 2 || versions.Results[0].Number != 2 {
		t.Errorf("versions = %+v", versions.Results)
	}
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts/"+post.ID+"/versions/1", nil)
	s.must(200, bot, "POST", "/wiki/rest/api/content/"+post.ID+"/label", []map[string]string{{"prefix": "global", "name": "release-notes"}})
	var labels struct{ Results []struct{ Name string } }
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts/"+post.ID+"/labels", nil).decode(t, &labels)
	if len(labels.Results) != 1 || labels.Results[0].Name != "release-notes" {
		t.Errorf("labels = %+v", labels.Results)
	}
	s.must(200, bot, "POST", "/wiki/api/v2/blogposts/"+post.ID+"/properties", map[string]any{"key": "terraform.change", "value": map[string]any{"v": 1}})
	var props struct{ Results []struct{ Key string } }
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts/"+post.ID+"/properties", nil).decode(t, &props)
	if len(props.Results) != 1 || props.Results[0].Key != "terraform.change" {
		t.Errorf("properties = %+v", props.Results)
	}
	s.must(404, reader, "GET", "/wiki/api/v2/pages/"+post.ID+"/properties", nil)

	// Trash, restore by PUT status current, trash again, purge.
	s.must(204, bot, "DELETE", "/wiki/api/v2/blogposts/"+post.ID, nil)
	s.must(200, reader, "GET", "/wiki/api/v2/blogposts/"+post.ID+"?status=trashed", nil)
	s.must(200, bot, "PUT", "/wiki/api/v2/blogposts/"+post.ID, pageUpdate(post.ID, "Release 1.0", "<p>ignored</p>", 3, "restore"))
	s.must(204, bot, "DELETE", "/wiki/api/v2/blogposts/"+post.ID, nil)
	s.must(204, admin, "DELETE", "/wiki/api/v2/blogposts/"+post.ID+"?purge=true", nil)
	if _, ok := s.emu.Page(post.ID); ok {
		t.Error("purged blog post still stored")
	}
}

// Blog post titles are unique per space per posting day, trashed posts
// included; the same title on another day is a new post.
func TestBlogPostTitlesAreUniquePerDay(t *testing.T) {
	s := newTestSite(t)
	first := s.createBlogPost(bot, "DOCS", "Weekly update", "<p>1</p>")
	r := s.must(400, bot, "POST", "/wiki/api/v2/blogposts", pageCreate(s.spaceID("DOCS"), "Weekly update", "<p>again</p>"))
	if !strings.Contains(string(r.body), "already exists") {
		t.Errorf("clash answer %s", r.body)
	}
	s.must(204, bot, "DELETE", "/wiki/api/v2/blogposts/"+first.ID, nil)
	s.must(400, bot, "POST", "/wiki/api/v2/blogposts", pageCreate(s.spaceID("DOCS"), "Weekly update", "<p>trashed still holds it</p>"))
	s.createBlogPost(admin, "OPS", "Weekly update", "<p>another space</p>")

	s.clock.Advance(24 * time.Hour)
	second := s.createBlogPost(bot, "DOCS", "Weekly update", "<p>2</p>")
	if second.ID == first.ID {
		t.Fatal("the next day's post reused the first")
	}
	// Renaming the second day's post to a title the first day holds is fine;
	// to one its own day holds is not.
	s.createBlogPost(bot, "DOCS", "Retro", "<p>r</p>")
	s.must(400, bot, "PUT", "/wiki/api/v2/blogposts/"+second.ID, pageUpdate(second.ID, "Retro", "<p>2</p>", 2, ""))
}
