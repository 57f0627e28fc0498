// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type searchJSON struct {
	Results []struct {
		Content struct {
			ID, Type, Status, Title string
			Space                   struct{ Key, Name string }
			Links                   map[string]string `json:"_links"`
		}
		Title, Excerpt, URL, EntityType, LastModified string
	}
	TotalSize int
	Links     map[string]string `json:"_links"`
}

func TestSearchIsRestrictedToViewableCurrentPages(t *testing.T) {
	s := newTestSite(t)
	s.createPage(bot, "DOCS", "Deploy guide", "<p>How to deploy the service</p>")
	s.createPage(bot, "OPS", "Deploy checklist", "<p>deploy steps</p>")
	trashed := s.createPage(bot, "DOCS", "Old deploy notes", "<p>deploy</p>")
	s.must(204, bot, "DELETE", "/wiki/api/v2/pages/"+trashed.ID, nil)

	search := func(email, cql string) searchJSON {
		var out searchJSON
		s.must(200, email, "GET", "/wiki/rest/api/search?cql="+url.QueryEscape(cql), nil).decode(t, &out)
		return out
	}
	titles := func(r searchJSON) string {
		var ts []string
		for _, res := range r.Results {
			ts = append(ts, res.Content.Title)
		}
		return strings.Join(ts, ",")
	}
	if got := titles(search(bot, `type = page AND text ~ "deploy" ORDER BY title`)); got != "Deploy checklist,Deploy guide" {
		t.Errorf("bot: %s", got)
	}
	if got := titles(search(editor, `text ~ "deploy"`)); got != "Deploy guide" {
		t.Errorf("editor (no OPS access): %s", got)
	}
	r := search(reader, `space = DOCS AND title = "Deploy guide"`)
	if len(r.Results) != 1 {
		t.Fatalf("results %+v", r)
	}
	res := r.Results[0]
	if res.EntityType != "content" || res.Content.Type != "page" || res.Content.Space.Key != "DOCS" ||
		res.URL == "" || res.Content.Links["webui"] != res.URL || !strings.Contains(res.Excerpt, "deploy the service") || res.LastModified == "" {
		t.Errorf("result shape %+v", res)
	}
}

func TestSearchQuotedTitleEndToEnd(t *testing.T) {
	s := newTestSite(t)
	s.createPage(bot, "DOCS", `a "b" c`, "<p/>")
	s.createPage(bot, "DOCS", `a b c`, "<p/>")
	var out searchJSON
	s.must(200, bot, "GET", "/wiki/rest/api/search?cql="+url.QueryEscape(`title = "a \"b\" c"`), nil).decode(t, &out)
	if len(out.Results) != 1 || out.Results[0].Content.Title != `a "b" c` {
		t.Errorf("results %+v", out.Results)
	}
}

func TestSearchBadCQLIs400(t *testing.T) {
	s := newTestSite(t)
	r := s.must(400, bot, "GET", "/wiki/rest/api/search?cql="+url.QueryEscape(`title = `), nil)
	if m := r.object(t); m["statusCode"] != 400.0 || !strings.Contains(fmt.Sprint(m["message"]), "cql") {
		t.Errorf("body %s", r.body)
	}
	s.must(400, bot, "GET", "/wiki/rest/api/search?cql=type%3Dpage&cursor=not-a-cursor", nil)
}

func TestSearchCursorPagingFollowsLinks(t *testing.T) {
	s := newTestSite(t)
	for _, title := range []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7"} {
		s.createPage(bot, "DOCS", title, "<p>needle</p>")
	}
	seen := map[string]bool{}
	next := "/wiki/rest/api/search?cql=" + url.QueryEscape(`text ~ needle`) + "&limit=3"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		var out searchJSON
		s.must(200, bot, "GET", next, nil).decode(t, &out)
		if out.TotalSize != 7 {
			t.Errorf("totalSize %d", out.TotalSize)
		}
		for _, r := range out.Results {
			if seen[r.Content.ID] {
				t.Fatalf("%s twice", r.Content.ID)
			}
			seen[r.Content.ID] = true
		}
		next = ""
		if n := out.Links["next"]; n != "" {
			if !strings.HasPrefix(n, "/rest/api/search?") || !strings.HasSuffix(out.Links["base"], "/wiki") {
				t.Fatalf("next %q base %q: want next relative to base", n, out.Links["base"])
			}
			base, _ := url.Parse(out.Links["base"])
			next = base.Path + n
		}
	}
	if len(seen) != 7 {
		t.Errorf("saw %d results, want 7", len(seen))
	}

	var content struct {
		Results []struct {
			ID      string
			Version struct{ Number int }
		}
		Size int
	}
	s.must(200, bot, "GET", "/wiki/rest/api/content/search?expand=version&limit=2&cql="+url.QueryEscape(`text ~ needle`), nil).decode(t, &content)
	if content.Size != 2 || content.Results[0].Version.Number != 1 {
		t.Errorf("content/search %+v", content)
	}
}
