// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Every content call addresses the kind's collection; blog posts are
// created without a parent and read with the statuses their endpoint
// documents.
func TestContentKindSelectsTheCollection(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/labels"), strings.HasSuffix(r.URL.Path, "/properties"), strings.HasSuffix(r.URL.Path, "/versions"),
			r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/blogposts"):
			writeJSON(w, 200, `{"results":[],"_links":{}}`)
		default:
			writeJSON(w, 200, `{"id":"7","status":"current","title":"News","spaceId":"9","version":{"number":1}}`)
		}
	})
	ctx := t.Context()
	k := KindBlogPost
	steps := []struct {
		call func() error
		want string // METHOD path
	}{
		{func() error { _, err := tc.GetPage(ctx, "7", GetPageOptions{Kind: k}); return err }, "GET /wiki/api/v2/blogposts/7"},
		{func() error {
			_, err := tc.ListPages(ctx, ListPagesOptions{Kind: k, SpaceIDs: []string{"9"}, Statuses: []string{"current", "archived", "trashed"}})
			return err
		}, "GET /wiki/api/v2/blogposts"},
		{func() error {
			_, err := tc.CreatePage(ctx, CreatePageRequest{Kind: k, SpaceID: "9", Title: "News", Body: "<p/>"})
			return err
		}, "POST /wiki/api/v2/blogposts"},
		{func() error {
			_, err := tc.UpdatePage(ctx, UpdatePageRequest{Kind: k, ID: "7", Title: "News", Body: "<p/>", VersionNumber: 2})
			return err
		}, "PUT /wiki/api/v2/blogposts/7"},
		{func() error { return tc.DeleteContent(ctx, k, "7", true) }, "DELETE /wiki/api/v2/blogposts/7"},
		{func() error { _, err := tc.ListContentVersions(ctx, k, "7", 0); return err }, "GET /wiki/api/v2/blogposts/7/versions"},
		{func() error { _, err := tc.GetContentLabels(ctx, k, "7"); return err }, "GET /wiki/api/v2/blogposts/7/labels"},
		{func() error { _, err := tc.ListContentProperties(ctx, k, "7", "terraform.change"); return err }, "GET /wiki/api/v2/blogposts/7/properties"},
	}
	for i, s := range steps {
		if err := s.call(); err != nil {
			t.Fatalf("step %d (%s): %v", i, s.want, err)
		}
		got := tc.rec.get(i)
		if got.Method+" "+got.Path != s.want {
			t.Errorf("step %d sent %s %s, want %s", i, got.Method, got.Path, s.want)
		}
	}
	q, _ := url.ParseQuery(tc.rec.get(0).RawQuery)
	if !slices.Equal(q["status"], []string{"current", "trashed"}) {
		t.Errorf("blog post read asks for statuses %v, want current and trashed (blog posts are never archived)", q["status"])
	}
	q, _ = url.ParseQuery(tc.rec.get(1).RawQuery)
	if !slices.Equal(q["status"], []string{"current", "trashed"}) {
		t.Errorf("blog post list sends statuses %v; archived is not in GET /blogposts' enum", q["status"])
	}
	if strings.Contains(tc.rec.get(2).Body, "parentId") {
		t.Errorf("blog post create sent a parent: %s", tc.rec.get(2).Body)
	}
	if _, err := tc.CreatePage(ctx, CreatePageRequest{Kind: k, SpaceID: "9", Title: "x", ParentID: "1"}); err == nil {
		t.Error("a blog post with a parent was sent")
	}
}

func TestDocumentedStatusesOfBlogPosts(t *testing.T) {
	got, ok := documentedStatuses(KindBlogPost, []string{"current", "archived", "draft"})
	if !slices.Equal(got, []string{"current"}) || !ok {
		t.Errorf("documentedStatuses(blog post) = %v, %v", got, ok)
	}
	if _, ok := documentedStatuses(KindBlogPost, []string{"archived"}); ok {
		t.Error("only archived blog posts can never match, so nothing must be listed")
	}
}
