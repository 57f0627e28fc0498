// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// addLabels adds labels ("name" or "prefix:name") to a page and returns their ids by name.
func (s *testSite) addLabels(pageID string, labels ...string) map[string]string {
	s.t.Helper()
	body := make([]map[string]string, 0, len(labels))
	for _, l := range labels {
		prefix, name, ok := strings.Cut(l, ":")
		if !ok {
			prefix, name = "global", l
		}
		body = append(body, map[string]string{"prefix": prefix, "name": name})
	}
	var added struct{ Results []struct{ ID, Name string } }
	s.must(200, bot, "POST", "/wiki/rest/api/content/"+pageID+"/label", body).decode(s.t, &added)
	ids := map[string]string{}
	for _, l := range added.Results {
		ids[l.Name] = l.ID
	}
	return ids
}

type listPage[T any] struct {
	Results []T
	Links   struct{ Next string } `json:"_links"`
}

// collect follows _links.next from path to the end and returns every item, failing the
// test if an item (by key) comes twice, paging does not end, or the Link header disagrees.
func collect[T any](s *testSite, email, path string, key func(T) string) []T {
	s.t.Helper()
	var all []T
	seen := map[string]bool{}
	for requests := 0; path != ""; requests++ {
		if requests > 20 {
			s.t.Fatalf("paging from %s does not end", path)
		}
		r := s.must(200, email, "GET", path, nil)
		var list listPage[T]
		r.decode(s.t, &list)
		for _, it := range list.Results {
			if seen[key(it)] {
				s.t.Fatalf("%s: item %s returned twice", path, key(it))
			}
			seen[key(it)] = true
		}
		if link := r.header.Get("Link"); (list.Links.Next != "") != strings.Contains(link, `rel="next"`) {
			s.t.Errorf("Link header %q disagrees with _links.next %q", link, list.Links.Next)
		}
		all = append(all, list.Results...)
		path = list.Links.Next
	}
	return all
}

type labelItem struct{ ID, Name, Prefix string }

func labelNames(labels []labelItem) string {
	names := make([]string, 0, len(labels))
	for _, l := range labels {
		names = append(names, l.Name)
	}
	return strings.Join(names, ",")
}

func TestSpaceContentLabelsListsEachLabelOnce(t *testing.T) {
	s := newTestSite(t)
	a := s.createPage(bot, "DOCS", "Alpha", "<p/>")
	b := s.createPage(bot, "DOCS", "Beta", "<p/>")
	trashed := s.createPage(bot, "DOCS", "Gone", "<p/>")
	ops := s.createPage(bot, "OPS", "Ops page", "<p/>")
	s.addLabels(a.ID, "runbook", "zeta")
	s.addLabels(b.ID, "runbook", "api", "team:squad")
	s.addLabels(trashed.ID, "runbook", "only-trashed")
	s.addLabels(ops.ID, "ops-only")
	s.must(204, bot, "DELETE", "/wiki/api/v2/pages/"+trashed.ID, nil)
	base := "/wiki/api/v2/spaces/" + s.spaceID("DOCS") + "/content/labels"
	byID := func(l labelItem) string { return l.ID }

	// Default order is by id, i.e. by when each name was first used on the site.
	all := collect(s, reader, base, byID)
	if got := labelNames(all); got != "runbook,zeta,api,squad" {
		t.Errorf("labels = %s, want runbook,zeta,api,squad (each once, none from trashed pages or other spaces)", got)
	}
	for _, l := range all {
		if l.ID == "" || (l.Prefix != "global" && l.Prefix != "team") {
			t.Errorf("label %+v: want an id and its prefix", l)
		}
	}
	if got := labelNames(collect(s, reader, base+"?limit=1", byID)); got != "runbook,zeta,api,squad" {
		t.Errorf("paged one by one: %s", got)
	}
	if got := labelNames(collect(s, reader, base+"?limit=3&sort=name", byID)); got != "api,runbook,squad,zeta" {
		t.Errorf("sort=name: %s", got)
	}
	if got := labelNames(collect(s, reader, base+"?limit=2&sort=-name", byID)); got != "zeta,squad,runbook,api" {
		t.Errorf("sort=-name: %s", got)
	}
	if got := labelNames(collect(s, reader, base+"?prefix=team", byID)); got != "squad" {
		t.Errorf("prefix=team: %s", got)
	}
	if got := labelNames(collect(s, reader, base+"?prefix=my", byID)); got != "" {
		t.Errorf("prefix=my: %s, want none", got)
	}

	s.must(404, editor, "GET", "/wiki/api/v2/spaces/"+s.spaceID("OPS")+"/content/labels", nil)
	s.must(404, reader, "GET", "/wiki/api/v2/spaces/999999/content/labels", nil)
	s.must(400, reader, "GET", base+"?cursor=garbage!", nil)
	// A cursor is tied to the sort it was issued for.
	var first listPage[labelItem]
	s.must(200, reader, "GET", base+"?limit=1", nil).decode(t, &first)
	cursor := first.Links.Next[strings.Index(first.Links.Next, "cursor=")+len("cursor="):]
	s.must(400, reader, "GET", base+"?sort=name&cursor="+cursor, nil)
	// Out-of-range limits break the documented schema, so they go around the validator.
	for _, limit := range []string{"0", "251", "x"} {
		if r := s.doRaw(reader, "reader-token", "GET", base+"?limit="+limit); r.status != 400 {
			t.Errorf("limit=%s: status %d, want 400", limit, r.status)
		}
	}
	s.emu.ResetStats()
	s.must(200, reader, "GET", base, nil)
	if got := s.emu.Count("GET", "/wiki/api/v2/spaces/{id}/content/labels"); got != 1 {
		t.Errorf("requests counted under the route template = %d, want 1", got)
	}
}

func TestLabelPagesRenderedLikeBulkPages(t *testing.T) {
	s := newTestSite(t)
	docs, opsSpace := s.spaceID("DOCS"), s.spaceID("OPS")
	a := s.createPage(bot, "DOCS", "Alpha", "<p>a</p>")
	b := s.createPage(bot, "DOCS", "Beta", "<p>b</p>")
	c := s.createPage(bot, "OPS", "Gamma", "<p>c</p>")
	trashed := s.createPage(bot, "DOCS", "Gone", "<p/>")
	unlabelled := s.createPage(bot, "DOCS", "Plain", "<p/>")
	ids := s.addLabels(a.ID, "runbook")
	otherID := s.addLabels(b.ID, "runbook", "other")["other"]
	s.addLabels(c.ID, "runbook")
	s.addLabels(trashed.ID, "runbook")
	s.must(204, bot, "DELETE", "/wiki/api/v2/pages/"+trashed.ID, nil)
	base := "/wiki/api/v2/labels/" + ids["runbook"] + "/pages"

	titles := func(email, path string) string {
		pages := collect(s, email, path, func(p pageJSON) string { return p.ID })
		out := make([]string, 0, len(pages))
		for _, p := range pages {
			out = append(out, p.Title)
		}
		return strings.Join(out, ",")
	}
	if got := titles(bot, base); got != "Alpha,Beta,Gamma" {
		t.Errorf("all spaces: %s (current pages only, unlabelled %s excluded)", got, unlabelled.ID)
	}
	if got := titles(bot, base+"?limit=1&sort=-title"); got != "Gamma,Beta,Alpha" {
		t.Errorf("paged by -title: %s", got)
	}
	if got := titles(bot, base+"?space-id="+docs); got != "Alpha,Beta" {
		t.Errorf("space-id=DOCS: %s", got)
	}
	if got := titles(bot, base+"?space-id="+docs+"&space-id="+opsSpace); got != "Alpha,Beta,Gamma" {
		t.Errorf("both spaces repeated: %s", got)
	}
	if got := titles(editor, base); got != "Alpha,Beta" {
		t.Errorf("editor without OPS access: %s", got)
	}

	// Items are exactly what bulk GET /pages answers for the same pages.
	var viaLabel, viaBulk struct{ Results []json.RawMessage }
	s.must(200, bot, "GET", base+"?body-format=storage", nil).decode(t, &viaLabel)
	s.must(200, bot, "GET", "/wiki/api/v2/pages?body-format=storage&id="+a.ID+"&id="+b.ID+"&id="+c.ID, nil).decode(t, &viaBulk)
	if !equalJSONItems(t, viaLabel.Results, viaBulk.Results) {
		t.Errorf("label pages differ from bulk pages:\n%s\n%s", viaLabel.Results, viaBulk.Results)
	}
	var withBody struct{ Results []pageJSON }
	s.must(200, bot, "GET", base+"?body-format=storage&space-id="+docs, nil).decode(t, &withBody)
	if len(withBody.Results) != 2 || withBody.Results[0].Body.Storage.Value != "<p>a</p>" || withBody.Results[0].Version.Number != 1 {
		t.Errorf("body-format=storage: %+v", withBody.Results)
	}

	s.must(404, bot, "GET", "/wiki/api/v2/labels/999999/pages", nil)
	s.must(400, bot, "GET", base+"?cursor=garbage!", nil)
	many := strings.Repeat("&space-id="+docs, 101)
	if r := s.doRaw(bot, "bot-token", "GET", base+"?"+many[1:]); r.status != 400 {
		t.Errorf("101 space ids: status %d, want 400", r.status)
	}
	// A label removed from every page still exists: its page list is empty, not 404.
	s.must(204, bot, "DELETE", "/wiki/rest/api/content/"+b.ID+"/label/other", nil)
	var empty listPage[pageJSON]
	s.must(200, bot, "GET", "/wiki/api/v2/labels/"+otherID+"/pages", nil).decode(t, &empty)
	if len(empty.Results) != 0 {
		t.Errorf("label on no page: %+v", empty.Results)
	}
	s.emu.ResetStats()
	s.must(200, bot, "GET", base, nil)
	if got := s.emu.Count("GET", "/wiki/api/v2/labels/{id}/pages"); got != 1 {
		t.Errorf("requests counted under the route template = %d, want 1", got)
	}
}

// equalJSONItems compares two lists of JSON values, ignoring layout and key order.
func equalJSONItems(t *testing.T, got, want []json.RawMessage) bool {
	t.Helper()
	decode := func(items []json.RawMessage) []any {
		out := make([]any, len(items))
		for i, raw := range items {
			if err := json.Unmarshal(raw, &out[i]); err != nil {
				t.Fatalf("decoding %s: %v", raw, err)
			}
		}
		return out
	}
	return len(got) > 0 && reflect.DeepEqual(decode(got), decode(want))
}
