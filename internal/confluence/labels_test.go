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

func TestListSpaceContentLabelsFollowsCursors(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			w.Header().Set("Link", `</wiki/api/v2/spaces/9/content/labels?limit=250&cursor=c1>; rel="next", <http://example.invalid/wiki>; rel="base"`)
			writeJSON(w, 200, `{"results":[{"id":"101","name":"runbook","prefix":"global"},{"id":"102","name":"squad","prefix":"team"}],"_links":{"base":"http://example.invalid/wiki"}}`)
		default:
			writeJSON(w, 200, `{"results":[{"id":"103","name":"api","prefix":"global"}],"_links":{}}`)
		}
	})
	labels, err := tc.ListSpaceContentLabels(t.Context(), "9")
	if err != nil {
		t.Fatalf("ListSpaceContentLabels: %v", err)
	}
	want := []Label{{ID: "101", Name: "runbook", Prefix: "global"}, {ID: "102", Name: "squad", Prefix: "team"}, {ID: "103", Name: "api", Prefix: "global"}}
	if fmt.Sprint(labels) != fmt.Sprint(want) {
		t.Errorf("labels = %v, want %v", labels, want)
	}
	if got := tc.rec.count(); got != 2 {
		t.Fatalf("requests = %d, want 2", got)
	}
	if first := tc.rec.get(0); first.Method != http.MethodGet || first.Path != "/wiki/api/v2/spaces/9/content/labels" || first.RawQuery != "limit=250" {
		t.Errorf("first request = %s %s?%s", first.Method, first.Path, first.RawQuery)
	}
	if second := tc.rec.get(1); second.Path != "/wiki/api/v2/spaces/9/content/labels" || !strings.Contains(second.RawQuery, "cursor=c1") {
		t.Errorf("second request = %s?%s, want cursor c1", second.Path, second.RawQuery)
	}
}

func TestListSpaceContentLabelsNotFound(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 404, `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}`)
	})
	labels, err := tc.ListSpaceContentLabels(t.Context(), "9")
	if !IsNotFound(err) || len(labels) != 0 {
		t.Errorf("ListSpaceContentLabels on a hidden space = %v, %v; want no labels and a not-found error", labels, err)
	}
}

func TestListLabelPagesFollowsCursorsWithSpaceFilter(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		links := ""
		if n == 0 {
			links = `"next":"/wiki/api/v2/labels/77/pages?space-id=9&space-id=10&limit=250&cursor=n1"`
		}
		writeJSON(w, 200, pagesPage(n*2+1, 2, links))
	})
	pages, err := tc.ListLabelPages(t.Context(), "77", []string{"9", "10"})
	if err != nil {
		t.Fatalf("ListLabelPages: %v", err)
	}
	if got := pageIDs(pages); got != "1,2,3,4" {
		t.Errorf("ids = %s, want 1..4", got)
	}
	if p := pages[2]; p.Title != "P3" || p.SpaceID != "9" || p.Version.Number != 4 || p.HasBody {
		t.Errorf("page 3 = %+v, want title, space and version decoded and no body", p)
	}
	if got := tc.rec.count(); got != 2 {
		t.Fatalf("requests = %d, want 2", got)
	}
	first := tc.rec.get(0)
	q, _ := url.ParseQuery(first.RawQuery)
	if first.Path != "/wiki/api/v2/labels/77/pages" || fmt.Sprint(q["space-id"]) != "[9 10]" || q.Get("limit") != "250" || q.Has("body-format") {
		t.Errorf("first request = %s?%s, want repeated space-id, limit 250, no body-format", first.Path, first.RawQuery)
	}
	if q, _ := url.ParseQuery(tc.rec.get(1).RawQuery); q.Get("cursor") != "n1" {
		t.Errorf("second request query = %s, want cursor n1", tc.rec.get(1).RawQuery)
	}
}

func TestListLabelPagesWithoutSpacesAndSplitsManySpaces(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, pagesPage(n+1, 1, ""))
	})
	pages, err := tc.ListLabelPages(t.Context(), "77", nil)
	if err != nil || len(pages) != 1 {
		t.Fatalf("ListLabelPages without spaces = %v, %v", pages, err)
	}
	if req := tc.rec.get(0); req.RawQuery != "limit=250" {
		t.Errorf("query without spaces = %s, want only limit", req.RawQuery)
	}

	spaceIDs := make([]string, 150)
	for i := range spaceIDs {
		spaceIDs[i] = fmt.Sprint(1000 + i)
	}
	pages, err = tc.ListLabelPages(t.Context(), "77", spaceIDs)
	if err != nil {
		t.Fatalf("ListLabelPages with 150 spaces: %v", err)
	}
	if got := pageIDs(pages); got != "2,3" {
		t.Errorf("ids = %s, want one page from each request", got)
	}
	if got := tc.rec.count(); got != 3 {
		t.Fatalf("requests = %d, want 3", got)
	}
	for i, want := range []int{100, 50} {
		q, _ := url.ParseQuery(tc.rec.get(i + 1).RawQuery)
		if got := len(q["space-id"]); got != want {
			t.Errorf("request %d has %d space ids, want %d", i+1, got, want)
		}
	}
}
