// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// pagesPage renders a v2 page list with ids first..first+n-1.
func pagesPage(first, n int, links string) string {
	var results []string
	for i := first; i < first+n; i++ {
		results = append(results, fmt.Sprintf(`{"id":"%d","title":"P%d","status":"current","spaceId":"9","version":{"number":%d}}`, i, i, i%7+1))
	}
	return `{"results":[` + strings.Join(results, ",") + `],"_links":{` + links + `}}`
}

func TestListPagesFollowsLinkHeader(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			w.Header().Set("Link", `</wiki/api/v2/pages?space-id=9&cursor=c1>; rel="next", <http://example.invalid/wiki>; rel="base"`)
		case 1:
			w.Header().Set("Link", `</wiki/api/v2/pages?space-id=9&cursor=c2>; rel="next"`)
		}
		writeJSON(w, 200, pagesPage(n*2+1, 2, `"base":"http://example.invalid/wiki"`))
	})
	pages, err := tc.ListPages(t.Context(), ListPagesOptions{SpaceIDs: []string{"9"}})
	if err != nil {
		t.Fatalf("ListPages: %v", err)
	}
	if got := pageIDs(pages); got != "1,2,3,4,5,6" {
		t.Errorf("ids = %s, want 1..6", got)
	}
	if got := tc.rec.count(); got != 3 {
		t.Fatalf("requests = %d, want 3", got)
	}
	first := tc.rec.get(0)
	if first.Path != "/wiki/api/v2/pages" || first.RawQuery != "limit=250&space-id=9" {
		t.Errorf("first request = %s?%s", first.Path, first.RawQuery)
	}
	for i, cursor := range []string{"c1", "c2"} {
		req := tc.rec.get(i + 1)
		q, _ := url.ParseQuery(req.RawQuery)
		if req.Path != "/wiki/api/v2/pages" || q.Get("cursor") != cursor {
			t.Errorf("request %d = %s?%s, want cursor %s", i+1, req.Path, req.RawQuery, cursor)
		}
	}
}

func TestListPagesFollowsLinksNext(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		links := ""
		if n < 2 {
			links = fmt.Sprintf(`"next":"/wiki/api/v2/pages?cursor=n%d&body-format=storage"`, n+1)
		}
		writeJSON(w, 200, pagesPage(n*3+1, 3, links))
	})
	pages, err := tc.ListPages(t.Context(), ListPagesOptions{IncludeBody: true, Statuses: []string{"current", "trashed"}})
	if err != nil {
		t.Fatalf("ListPages: %v", err)
	}
	if len(pages) != 9 || tc.rec.count() != 3 {
		t.Fatalf("got %d pages in %d requests, want 9 in 3", len(pages), tc.rec.count())
	}
	q, _ := url.ParseQuery(tc.rec.get(0).RawQuery)
	if got := q["status"]; len(got) != 2 || got[0] != "current" || got[1] != "trashed" {
		t.Errorf("status = %v, want repeated current, trashed", got)
	}
	if q.Get("body-format") != "storage" {
		t.Errorf("body-format = %q", q.Get("body-format"))
	}
	if q, _ := url.ParseQuery(tc.rec.get(2).RawQuery); q.Get("cursor") != "n2" {
		t.Errorf("third request query = %s", tc.rec.get(2).RawQuery)
	}
}

func TestListPagesMaxResults(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, pagesPage(n*2+1, 2, fmt.Sprintf(`"next":"/wiki/api/v2/pages?cursor=%d"`, n+1)))
	})
	pages, err := tc.ListPages(t.Context(), ListPagesOptions{MaxResults: 5})
	if err != nil {
		t.Fatalf("ListPages: %v", err)
	}
	if got := pageIDs(pages); got != "1,2,3,4,5" {
		t.Errorf("ids = %s, want 1..5", got)
	}
	if got := tc.rec.count(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
	if q, _ := url.ParseQuery(tc.rec.get(0).RawQuery); q.Get("limit") != "5" {
		t.Errorf("limit = %q, want 5 (no more than needed)", q.Get("limit"))
	}
}

func TestListPagesSplitsIDs(t *testing.T) {
	ids := make([]string, 600)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		requested := r.URL.Query()["id"]
		var first int
		_, _ = fmt.Sscan(requested[0], &first)
		writeJSON(w, 200, pagesPage(first, len(requested), ""))
	})
	pages, err := tc.ListPages(t.Context(), ListPagesOptions{IDs: ids})
	if err != nil {
		t.Fatalf("ListPages: %v", err)
	}
	if len(pages) != 600 || pages[0].ID != "1" || pages[599].ID != "600" {
		t.Errorf("got %d pages", len(pages))
	}
	if got := tc.rec.count(); got != 3 {
		t.Fatalf("requests = %d, want 3", got)
	}
	for i, want := range []int{250, 250, 100} {
		q, _ := url.ParseQuery(tc.rec.get(i).RawQuery)
		if got := len(q["id"]); got != want {
			t.Errorf("request %d has %d ids, want %d", i, got, want)
		}
	}
}

func TestListAllStopsOnRepeatedLink(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, pagesPage(1, 1, `"next":"/wiki/api/v2/pages?cursor=same"`))
	})
	_, err := tc.ListPages(t.Context(), ListPagesOptions{})
	if err == nil || !strings.Contains(err.Error(), "same next link") {
		t.Errorf("err = %v, want a loop error", err)
	}
	if got := tc.rec.count(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
}

func TestNextLinkIsKeptOnSite(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		links := ""
		if n == 0 {
			links = `"next":"https://attacker.example/wiki/api/v2/pages/1/labels?cursor=x"`
		}
		writeJSON(w, 200, `{"results":[{"id":"1","name":"a","prefix":"global"}],"_links":{`+links+`}}`)
	})
	labels, err := tc.GetPageLabels(t.Context(), "1")
	if err != nil {
		t.Fatalf("GetPageLabels: %v", err)
	}
	if len(labels) != 2 || tc.rec.count() != 2 {
		t.Errorf("got %d labels in %d requests, want 2 in 2", len(labels), tc.rec.count())
	}
}

func TestNextLinkParsing(t *testing.T) {
	for header, want := range map[string]string{
		`</wiki/api/v2/pages?cursor=abc>; rel="next", <https://x/wiki>; rel="base"`: "/wiki/api/v2/pages?cursor=abc",
		`<https://x/wiki>; rel="base", </wiki/api/v2/pages?cursor=a,b>; rel=next`:   "/wiki/api/v2/pages?cursor=a,b",
		`<https://x/wiki>; rel="base"`:                                              "",
		`</a>; rel="prev next"`:                                                     "/a",
		``:                                                                          "",
	} {
		if got := nextLink([]string{header}); got != want {
			t.Errorf("nextLink(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestSearchFollowsV1Cursor(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			writeJSON(w, 200, `{"results":[
				{"content":{"id":"11","type":"page","status":"current","title":"Alpha","space":{"key":"DOC"},"metadata":{"labels":{"results":[{"prefix":"global","name":"runbook","id":"7"},{"prefix":"global","name":"ops","id":"8"}],"size":2}},"_links":{"webui":"/spaces/DOC/pages/11/Alpha"}},"title":"@@@hl@@@Alpha","url":"/spaces/DOC/pages/11","lastModified":"2026-07-01T10:00:00.000Z"},
				{"space":{"key":"DOC"},"title":"DOC space","url":"/spaces/DOC","lastModified":"2026-07-01T10:00:00.000Z"}],
				"start":0,"limit":2,"size":2,"totalSize":4,"cqlQuery":"x","searchDuration":1,
				"_links":{"base":"https://x.atlassian.net/wiki","context":"/wiki","next":"/rest/api/search?cql=type%3Dpage&limit=2&cursor=c2"}}`)
		case 1:
			writeJSON(w, 200, `{"results":[
				{"content":{"id":"12","type":"page","status":"current","title":"Beta","_expandable":{"space":"/rest/api/space/OPS"}},"title":"Beta","url":"/spaces/OPS/pages/12","lastModified":"2026-07-02T10:00:00.000Z"},
				{"content":{"id":"13","type":"page","status":"current","title":"Gamma"},"title":"Gamma","url":"/spaces/ENG/pages/13","resultGlobalContainer":{"title":"Eng","displayUrl":"/spaces/ENG"},"lastModified":"2026-07-03T10:00:00.000Z"}],
				"start":2,"limit":2,"size":2,"totalSize":4,"cqlQuery":"x","searchDuration":1,
				"_links":{"base":"https://x.atlassian.net/wiki","next":"/rest/api/search?cql=type%3Dpage&limit=2&cursor=c3"}}`)
		default:
			t.Errorf("unexpected request %d", n)
			writeJSON(w, 500, `{}`)
		}
	})
	results, err := tc.Search(t.Context(), `type=page`, 3)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if len(results) != 3 {
		t.Fatalf("results = %+v, want 3", results)
	}
	got := fmt.Sprintf("%s/%s/%s %s/%s %s/%s", results[0].ID, results[0].SpaceKey, results[0].Title, results[1].ID, results[1].SpaceKey, results[2].ID, results[2].SpaceKey)
	if want := "11/DOC/Alpha 12/OPS 13/ENG"; got != want {
		t.Errorf("results = %s, want %s", got, want)
	}
	if results[0].WebUI != "/spaces/DOC/pages/11/Alpha" || results[1].WebUI != "/spaces/OPS/pages/12" {
		t.Errorf("webui = %q, %q", results[0].WebUI, results[1].WebUI)
	}
	if !results[0].HasLabels || strings.Join(results[0].Labels, ",") != "runbook,ops" || results[1].HasLabels {
		t.Errorf("labels = %v/%v, %v/%v", results[0].HasLabels, results[0].Labels, results[1].HasLabels, results[1].Labels)
	}
	if results[2].LastModified.Day() != 3 {
		t.Errorf("last modified = %v", results[2].LastModified)
	}
	first, second := tc.rec.get(0), tc.rec.get(1)
	q, _ := url.ParseQuery(first.RawQuery)
	if first.Path != "/wiki/rest/api/search" || q.Get("cql") != "type=page" || q.Get("limit") != "3" || q.Get("expand") != "content.space,content.metadata.labels" {
		t.Errorf("first request = %s?%s", first.Path, first.RawQuery)
	}
	// _links.next is joined onto _links.base's path, on the configured host.
	if second.Path != "/wiki/rest/api/search" || second.RawQuery != "cql=type%3Dpage&limit=2&cursor=c2" {
		t.Errorf("second request = %s?%s", second.Path, second.RawQuery)
	}
}

func TestQuoteCQL(t *testing.T) {
	for in, want := range map[string]string{
		`Runbook`:            `"Runbook"`,
		`say "hi"`:           `"say \"hi\""`,
		`back\slash`:         `"back\\slash"`,
		`x" OR space = "ADM`: `"x\" OR space = \"ADM"`,
	} {
		if got := QuoteCQL(in); got != want {
			t.Errorf("QuoteCQL(%q) = %s, want %s", in, got, want)
		}
	}
}

func pageIDs(pages []Page) string {
	ids := make([]string, len(pages))
	for i, p := range pages {
		ids[i] = p.ID
	}
	return strings.Join(ids, ",")
}
