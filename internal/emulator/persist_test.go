// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Persisted", "<p>one</p>")
	s.must(200, editor, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Persisted", "<p>two</p>", 2, "edit"))
	s.must(200, bot, "POST", "/wiki/rest/api/content/"+p.ID+"/label", []map[string]string{{"prefix": "global", "name": "kept"}})
	s.must(201, admin, "POST", "/wiki/api/v2/spaces/"+s.spaceID("DOCS")+"/properties", map[string]any{"key": "k", "value": "v"})

	path := filepath.Join(t.TempDir(), "not-yet", "site.json") // Save creates the folder
	if err := s.emu.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path, Options{Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.emu.Page(p.ID)
	after, ok := loaded.Page(p.ID)
	if !ok || after.Body != before.Body || after.Version != 2 || after.VersionMessage != "edit" || strings.Join(after.Labels, ",") != "kept" {
		t.Errorf("loaded page %+v, want %+v", after, before)
	}
	if v, ok := loaded.SpaceProperty("DOCS", "k"); !ok || string(v) != `"v"` {
		t.Errorf("space property %s %v", v, ok)
	}
	if got := len(loaded.PageVersions(p.ID)); got != 2 {
		t.Errorf("%d versions after load, want 2", got)
	}

	// The loaded site serves the same accounts and keeps issuing fresh ids.
	s2 := serveSite(t, loaded, s.clock)
	s2.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	if q := s2.createPage(bot, "DOCS", "After load", "<p/>"); q.ID <= p.ID {
		t.Errorf("new id %s not after %s", q.ID, p.ID)
	}

	if err := os.WriteFile(path, []byte(`{"format":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, Options{}); err == nil {
		t.Error("Load accepted an unknown format")
	}
}

func TestConcurrentCreatesGetDistinctIDs(t *testing.T) {
	emu := NewDemo(Options{})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	spaceID, _ := emu.AddSpace("DOCS", "ignored")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"spaceId":"` + spaceID + `","status":"current","title":"T` + string(rune('A'+i)) + `","body":{"representation":"storage","value":"<p/>"}}`
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/wiki/api/v2/pages", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			req.SetBasicAuth(bot, "bot-token")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if got := emu.Count("POST", "/wiki/api/v2/pages"); got != 20 {
		t.Errorf("count %d, want 20", got)
	}
}

// The validating transport must actually catch responses that break the documents;
// otherwise every other test's green means nothing.
func TestValidatorRejectsResponsesOffTheSpec(t *testing.T) {
	bogus := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results":"not an array","_links":{}}`))
	}))
	defer bogus.Close()
	var reports []string
	client := &http.Client{Transport: ValidatingTransport(nil, func(v string) { reports = append(reports, v) })}
	resp, err := getWith(t, client, bogus.URL+"/wiki/api/v2/pages?limit=5")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if len(reports) != 1 || !strings.Contains(reports[0], "response") {
		t.Errorf("reports %q: want one response mismatch", reports)
	}
	reports = nil
	resp, err = getWith(t, client, bogus.URL+"/wiki/api/v2/pages?limit=999")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if len(reports) == 0 || !strings.Contains(reports[0], "request") {
		t.Errorf("reports %q: want a request mismatch for limit=999", reports)
	}
}

// getWith sends a GET through client with a context, as every request should.
func getWith(t *testing.T, client *http.Client, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return client.Do(req)
}
