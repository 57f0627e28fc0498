// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/url"
	"slices"
	"testing"
)

// contentSearchJSON is the part of a content/search answer the index tests read.
type contentSearchJSON struct {
	Results []struct {
		ID, Status, Title string
		Version           struct{ Number int }
		Body              struct{ Storage struct{ Value string } }
	}
}

func (s *testSite) contentSearch(email, cql string) contentSearchJSON {
	s.t.Helper()
	var out contentSearchJSON
	s.must(200, email, "GET", "/wiki/rest/api/content/search?expand=version,body.storage&cql="+url.QueryEscape(cql), nil).decode(s.t, &out)
	return out
}

func (s *testSite) searchTitles(email, cql string) []string {
	s.t.Helper()
	var out searchJSON
	s.must(200, email, "GET", "/wiki/rest/api/search?cql="+url.QueryEscape(cql), nil).decode(s.t, &out)
	titles := make([]string, 0, len(out.Results))
	for _, r := range out.Results {
		titles = append(titles, r.Content.Title)
	}
	return titles
}

func TestFrozenSearchIndexAnswersAsIndexedWhileV2IsCurrent(t *testing.T) {
	s := newTestSite(t)
	edited := s.createPage(bot, "DOCS", "Lag edited", "<p>needle before</p>")
	trashed := s.createPage(bot, "DOCS", "Lag trashed", "<p>needle</p>")

	s.emu.FreezeSearchIndex()
	s.must(200, bot, "PUT", "/wiki/api/v2/pages/"+edited.ID, pageUpdate(edited.ID, "Lag edited again", "<p>after</p>", 2, ""))
	s.must(204, bot, "DELETE", "/wiki/api/v2/pages/"+trashed.ID, nil)
	s.must(200, bot, "POST", "/wiki/rest/api/content/"+edited.ID+"/label", []map[string]string{{"prefix": "global", "name": "late"}})
	s.createPage(bot, "DOCS", "Lag created", "<p>needle</p>")

	// Search sees the pages as they were at the freeze: old title, version, body and
	// status, the trashed page included, nothing written since.
	got := s.contentSearch(bot, `text ~ needle ORDER BY title`)
	if len(got.Results) != 2 {
		t.Fatalf("frozen search: %d results %+v, want the 2 pages indexed before the freeze", len(got.Results), got.Results)
	}
	first, second := got.Results[0], got.Results[1]
	if first.ID != edited.ID || first.Title != "Lag edited" || first.Version.Number != 1 || first.Body.Storage.Value != "<p>needle before</p>" || first.Status != "current" {
		t.Errorf("edited page in frozen search = %+v, want its version 1", first)
	}
	if second.ID != trashed.ID || second.Title != "Lag trashed" || second.Status != "current" {
		t.Errorf("trashed page in frozen search = %+v, want it as indexed (current)", second)
	}
	if titles := s.searchTitles(bot, `label = late`); len(titles) != 0 {
		t.Errorf("label added after the freeze is searchable: %v", titles)
	}
	if titles := s.searchTitles(bot, `title = "Lag edited again"`); len(titles) != 0 {
		t.Errorf("title written after the freeze is searchable: %v", titles)
	}

	// v2 reads stay current.
	var live pageJSON
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+edited.ID, nil).decode(t, &live)
	if live.Title != "Lag edited again" || live.Version.Number != 2 {
		t.Errorf("v2 read while frozen = %q v%d, want the current version 2", live.Title, live.Version.Number)
	}
	var gone pageJSON
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+trashed.ID, nil).decode(t, &gone)
	if gone.Status != "trashed" {
		t.Errorf("v2 read of trashed page while frozen: status %q", gone.Status)
	}

	// Permissions are checked when the search runs, not when the index was frozen.
	s.emu.Grant(editor, "DOCS", PermNone)
	if titles := s.searchTitles(editor, `text ~ needle`); len(titles) != 0 {
		t.Errorf("editor without DOCS access finds %v in the frozen index", titles)
	}

	s.emu.ThawSearchIndex()
	if titles := s.searchTitles(bot, `text ~ needle`); !slices.Equal(titles, []string{"Lag created"}) {
		t.Errorf("thawed search for needle = %v, want [Lag created]", titles)
	}
	got = s.contentSearch(bot, `label = late`)
	if len(got.Results) != 1 || got.Results[0].Title != "Lag edited again" || got.Results[0].Version.Number != 2 || got.Results[0].Body.Storage.Value != "<p>after</p>" {
		t.Errorf("thawed search for the edited page = %+v, want its version 2", got.Results)
	}
}

func TestFreezeSearchIndexAgainTakesNewSnapshot(t *testing.T) {
	s := newTestSite(t)
	s.emu.FreezeSearchIndex()
	s.createPage(bot, "DOCS", "Written while frozen", "<p/>")
	if titles := s.searchTitles(bot, `title = "Written while frozen"`); len(titles) != 0 {
		t.Fatalf("page written while frozen is searchable: %v", titles)
	}
	s.emu.FreezeSearchIndex()
	if titles := s.searchTitles(bot, `title = "Written while frozen"`); len(titles) != 1 {
		t.Errorf("after freezing again: %v, want the page", titles)
	}
}
