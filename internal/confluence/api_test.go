// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// jsonEqual reports whether two JSON documents are equal, ignoring layout
// and key order.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("invalid JSON %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("invalid JSON %q: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return string(gb) == string(wb)
}

func TestGetPage(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			writeJSON(w, 200, `{"id":"123","status":"trashed","title":"Runbook","spaceId":"9","parentId":"100","parentType":"page",
				"authorId":"a1","ownerId":null,"createdAt":"2026-07-01T10:00:00.000Z",
				"version":{"number":4,"message":"ci run 17","minorEdit":true,"authorId":"a2","createdAt":"2026-07-02T10:00:00.000Z"},
				"body":{"storage":{"representation":"storage","value":"<p>hi</p>"}},
				"labels":{"results":[{"id":"l1","name":"ops","prefix":"global"}],"meta":{"hasMore":true,"cursor":"x"}},
				"_links":{"webui":"/spaces/DOC/pages/123/Runbook","base":"https://x.atlassian.net/wiki"}}`)
			return
		}
		if r.URL.Path != "/wiki/api/v2/pages/123/labels" {
			t.Errorf("second request = %s", r.URL.Path)
		}
		writeJSON(w, 200, `{"results":[{"id":"l1","name":"ops","prefix":"global"},{"id":"l2","name":"team","prefix":"global"}],"_links":{}}`)
	})
	page, err := tc.GetPage(t.Context(), "123", GetPageOptions{IncludeBody: true, Version: 4, IncludeLabels: true})
	if err != nil {
		t.Fatalf("GetPage: %v", err)
	}
	q, _ := url.ParseQuery(tc.rec.get(0).RawQuery)
	if tc.rec.get(0).Path != "/wiki/api/v2/pages/123" || q.Get("body-format") != "storage" || q.Get("version") != "4" ||
		q.Get("include-labels") != "true" || len(q["status"]) != 3 || q["status"][1] != "archived" || q["status"][2] != "trashed" {
		t.Errorf("request = %s?%s", tc.rec.get(0).Path, tc.rec.get(0).RawQuery)
	}
	want := PageVersion{Number: 4, Message: "ci run 17", MinorEdit: true, AuthorID: "a2", CreatedAt: time.Date(2026, 7, 2, 10, 0, 0, 0, time.UTC)}
	if page.Version != want {
		t.Errorf("version = %+v, want %+v", page.Version, want)
	}
	if page.ID != "123" || page.Status != "trashed" || page.SpaceID != "9" || page.ParentID != "100" || page.ParentType != "page" ||
		page.AuthorID != "a1" || page.OwnerID != "" || !page.HasBody || page.Body != "<p>hi</p>" ||
		page.WebUI != "/spaces/DOC/pages/123/Runbook" || page.CreatedAt.IsZero() {
		t.Errorf("page = %+v", page)
	}
	if len(page.Labels) != 2 || page.Labels[1] != (Label{ID: "l2", Name: "team", Prefix: "global"}) {
		t.Errorf("labels = %+v, want both (hasMore fetched the rest)", page.Labels)
	}
}

func TestGetPageWithoutBody(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"id":"1","title":"T","version":{"number":1},"createdAt":""}`)
	})
	page, err := tc.GetPage(t.Context(), "1", GetPageOptions{})
	if err != nil {
		t.Fatalf("GetPage: %v", err)
	}
	if page.HasBody || page.Labels != nil || !page.CreatedAt.IsZero() {
		t.Errorf("page = %+v", page)
	}
	if q, _ := url.ParseQuery(tc.rec.get(0).RawQuery); q.Has("body-format") || q.Has("include-labels") || q.Has("version") {
		t.Errorf("query = %s", tc.rec.get(0).RawQuery)
	}
}

func TestCreatePage(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"id":"555","status":"current","title":"New","spaceId":"9","version":{"number":1},"_links":{"webui":"/x","base":"https://x/wiki"}}`)
	})
	page, err := tc.CreatePage(t.Context(), CreatePageRequest{SpaceID: "9", Title: "New", ParentID: "100", Body: "<p>a</p>"})
	if err != nil {
		t.Fatalf("CreatePage: %v", err)
	}
	if page.ID != "555" || page.Version.Number != 1 {
		t.Errorf("page = %+v", page)
	}
	req := tc.rec.get(0)
	if req.Method != http.MethodPost || req.Path != "/wiki/api/v2/pages" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request = %s %s (%s)", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	want := `{"spaceId":"9","status":"current","title":"New","parentId":"100","body":{"representation":"storage","value":"<p>a</p>"}}`
	if !jsonEqual(t, req.Body, want) {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
}

func TestUpdatePage(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"id":"123","status":"current","title":"T2","version":{"number":5,"message":"m"}}`)
	})
	page, err := tc.UpdatePage(t.Context(), UpdatePageRequest{ID: "123", Title: "T2", Body: "<p>b</p>", VersionNumber: 5, VersionMessage: "m"})
	if err != nil {
		t.Fatalf("UpdatePage: %v", err)
	}
	if page.Version.Number != 5 {
		t.Errorf("version = %d", page.Version.Number)
	}
	req := tc.rec.get(0)
	if req.Method != http.MethodPut || req.Path != "/wiki/api/v2/pages/123" {
		t.Errorf("request = %s %s", req.Method, req.Path)
	}
	want := `{"id":"123","status":"current","title":"T2","body":{"representation":"storage","value":"<p>b</p>"},"version":{"number":5,"message":"m"}}`
	if !jsonEqual(t, req.Body, want) {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
}

func TestDeletePage(t *testing.T) {
	t.Run("trash", func(t *testing.T) {
		tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
		if err := tc.DeletePage(t.Context(), "123", false); err != nil {
			t.Fatalf("DeletePage: %v", err)
		}
		if req := tc.rec.get(0); req.Method != http.MethodDelete || req.Path != "/wiki/api/v2/pages/123" || req.RawQuery != "" {
			t.Errorf("request = %s %s?%s", req.Method, req.Path, req.RawQuery)
		}
	})
	t.Run("purge", func(t *testing.T) {
		tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
		if err := tc.DeletePage(t.Context(), "123", true); err != nil {
			t.Fatalf("DeletePage: %v", err)
		}
		if req := tc.rec.get(0); req.RawQuery != "purge=true" {
			t.Errorf("query = %s", req.RawQuery)
		}
	})
	t.Run("404 is not found", func(t *testing.T) {
		tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 404, `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found"}]}`)
		})
		if err := tc.DeletePage(t.Context(), "123", false); !IsNotFound(err) {
			t.Errorf("err = %v, want not found", err)
		}
	})
	t.Run("404 after a lost response is success", func(t *testing.T) {
		tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 0 {
				dropConnection(t, w) // the page was trashed, the answer lost
				return
			}
			writeJSON(w, 404, `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found"}]}`)
		})
		if err := tc.DeletePage(t.Context(), "123", false); err != nil {
			t.Errorf("DeletePage = %v, want success", err)
		}
		if got := tc.rec.count(); got != 2 {
			t.Errorf("requests = %d, want 2", got)
		}
	})
}

func TestListPageVersions(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"results":[{"number":3,"authorId":"a"},{"number":2,"authorId":"b"}],"_links":{"next":"/wiki/api/v2/pages/1/versions?cursor=v"}}`)
	})
	versions, err := tc.ListPageVersions(t.Context(), "1", 2)
	if err != nil {
		t.Fatalf("ListPageVersions: %v", err)
	}
	if len(versions) != 2 || versions[0].Number != 3 || versions[1].AuthorID != "b" {
		t.Errorf("versions = %+v", versions)
	}
	req := tc.rec.get(0)
	if q, _ := url.ParseQuery(req.RawQuery); req.Path != "/wiki/api/v2/pages/1/versions" || q.Get("limit") != "2" || q.Get("sort") != "-modified-date" {
		t.Errorf("request = %s?%s", req.Path, req.RawQuery)
	}
	if tc.rec.count() != 1 {
		t.Errorf("requests = %d, want 1 (limit reached)", tc.rec.count())
	}
}

func TestGetSpaceByKey(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			writeJSON(w, 200, `{"results":[{"id":"9","key":"DOC","name":"Docs","type":"global","status":"current","homepageId":"100","_links":{"webui":"/spaces/DOC"}}],"_links":{}}`)
			return
		}
		writeJSON(w, 200, `{"results":[],"_links":{}}`)
	})
	space, err := tc.GetSpaceByKey(t.Context(), "DOC")
	if err != nil {
		t.Fatalf("GetSpaceByKey: %v", err)
	}
	want := Space{ID: "9", Key: "DOC", Name: "Docs", Type: "global", Status: "current", HomepageID: "100", WebUI: "/spaces/DOC"}
	if *space != want {
		t.Errorf("space = %+v, want %+v", *space, want)
	}
	if req := tc.rec.get(0); req.Path != "/wiki/api/v2/spaces" || req.RawQuery != "keys=DOC" {
		t.Errorf("request = %s?%s", req.Path, req.RawQuery)
	}

	_, err = tc.GetSpaceByKey(t.Context(), "NOPE")
	if !IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	if got, want := err.Error(), `GET /wiki/api/v2/spaces: not found: no space with key "NOPE" exists or is visible to this account`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestPutSpaceProperty(t *testing.T) {
	t.Run("creates", func(t *testing.T) {
		tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 0 {
				writeJSON(w, 200, `{"results":[],"_links":{}}`)
				return
			}
			writeJSON(w, 201, `{"id":"p1","key":"tf.policy","value":{"a":1},"version":{"number":1}}`)
		})
		p, err := tc.PutSpaceProperty(t.Context(), "9", "tf.policy", map[string]int{"a": 1})
		if err != nil {
			t.Fatalf("PutSpaceProperty: %v", err)
		}
		if p.ID != "p1" || p.Version != 1 || string(p.Value) != `{"a":1}` {
			t.Errorf("property = %+v", p)
		}
		list, create := tc.rec.get(0), tc.rec.get(1)
		if q, _ := url.ParseQuery(list.RawQuery); list.Path != "/wiki/api/v2/spaces/9/properties" || q.Get("key") != "tf.policy" {
			t.Errorf("list request = %s?%s", list.Path, list.RawQuery)
		}
		if create.Method != http.MethodPost || create.Path != "/wiki/api/v2/spaces/9/properties" || !jsonEqual(t, create.Body, `{"key":"tf.policy","value":{"a":1}}`) {
			t.Errorf("create request = %s %s %s", create.Method, create.Path, create.Body)
		}
	})
	t.Run("updates to the next version", func(t *testing.T) {
		tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 0 {
				writeJSON(w, 200, `{"results":[{"id":"p1","key":"tf.policy","value":{"a":1},"version":{"number":3}}],"_links":{}}`)
				return
			}
			writeJSON(w, 200, `{"id":"p1","key":"tf.policy","value":{"a":2},"version":{"number":4}}`)
		})
		p, err := tc.PutPageProperty(t.Context(), "123", "tf.policy", json.RawMessage(`{"a":2}`))
		if err != nil {
			t.Fatalf("PutPageProperty: %v", err)
		}
		if p.Version != 4 {
			t.Errorf("version = %d, want 4", p.Version)
		}
		update := tc.rec.get(1)
		want := `{"key":"tf.policy","value":{"a":2},"version":{"number":4}}`
		if update.Method != http.MethodPut || update.Path != "/wiki/api/v2/pages/123/properties/p1" || !jsonEqual(t, update.Body, want) {
			t.Errorf("update request = %s %s %s", update.Method, update.Path, update.Body)
		}
	})
}

func TestDeleteProperties(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	if err := tc.DeleteSpaceProperty(t.Context(), "9", "p1"); err != nil {
		t.Fatal(err)
	}
	if err := tc.DeletePageProperty(t.Context(), "123", "p2"); err != nil {
		t.Fatal(err)
	}
	if a, b := tc.rec.get(0), tc.rec.get(1); a.Path != "/wiki/api/v2/spaces/9/properties/p1" || b.Path != "/wiki/api/v2/pages/123/properties/p2" || a.Method != http.MethodDelete {
		t.Errorf("requests = %s %s, %s", a.Method, a.Path, b.Path)
	}
}

func TestRemovePageLabel(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, 404, `{"statusCode":404,"message":"not found"}`)
	})
	if err := tc.RemovePageLabel(t.Context(), "123", "team a/b"); err != nil {
		t.Fatalf("RemovePageLabel: %v", err)
	}
	if err := tc.RemovePageLabel(t.Context(), "123", "gone"); err != nil {
		t.Errorf("RemovePageLabel on 404 = %v, want nil", err)
	}
	req := tc.rec.get(0)
	if q, _ := url.ParseQuery(req.RawQuery); req.Method != http.MethodDelete || req.Path != "/wiki/rest/api/content/123/label" || q.Get("name") != "team a/b" {
		t.Errorf("request = %s %s?%s", req.Method, req.Path, req.RawQuery)
	}
}
