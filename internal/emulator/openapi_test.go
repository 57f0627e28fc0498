// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestValidatingHandlerReportsOperationAndReason(t *testing.T) {
	var (
		mu      sync.Mutex
		reports []string
	)
	bogus := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results":"not an array","_links":{}}`))
	})
	srv := httptest.NewServer(ValidatingHandler(bogus, func(v string) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, v)
	}))
	defer srv.Close()
	get := func(path string) []string {
		t.Helper()
		mu.Lock()
		reports = nil
		mu.Unlock()
		resp, err := getWith(t, http.DefaultClient, srv.URL+path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), reports...)
	}

	got := get("/wiki/api/v2/pages?status=draft&expand=body")
	if len(got) != 2 {
		t.Fatalf("reports %q: want a request and a response violation", got)
	}
	for _, want := range []string{"GET /pages (getPages)", `"status"`, `"expand"`, "not documented"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("request report %q lacks %q", got[0], want)
		}
	}
	if !strings.HasPrefix(got[1], "response 200") || !strings.Contains(got[1], "getPages") {
		t.Errorf("response report %q", got[1])
	}
	// The gateway prefix of scoped tokens and OAuth routes like the site's paths.
	if got := get("/ex/confluence/11111111-2222-3333-4444-555555555555/wiki/api/v2/pages?status=draft"); len(got) != 2 || !strings.Contains(got[0], "getPages") {
		t.Errorf("gateway path reports %q", got)
	}
	if got := get("/wiki/api/v2/no-such-thing"); len(got) != 1 || !strings.Contains(got[0], "describe no such operation") {
		t.Errorf("undocumented path reports %q", got)
	}
	// The emulator's control endpoints are not Confluence's API.
	if got := get("/__emulator/stats"); len(got) != 0 {
		t.Errorf("control endpoint reports %q", got)
	}
}

// With Options.Validate the emulator checks itself, whoever calls its ServeHTTP.
func TestValidateOptionChecksEveryRequestServed(t *testing.T) {
	var reports []string
	emu := NewDemo(Options{Validate: func(v string) { reports = append(reports, v) }})
	for _, path := range []string{"/wiki/api/v2/pages?status=draft", "/wiki/api/v2/pages?status=current"} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
		req.SetBasicAuth(bot, "bot-token")
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if len(reports) != 1 || !strings.Contains(reports[0], `"status"`) {
		t.Errorf("reports %q: want exactly the status=draft request", reports)
	}
}
