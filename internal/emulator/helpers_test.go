// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testSite is a demo emulator behind a test server whose client validates every
// exchange against the OpenAPI documents.
type testSite struct {
	t      *testing.T
	emu    *Emulator
	srv    *httptest.Server
	client *http.Client
	clock  *fakeClock
}

func newTestSite(t *testing.T) *testSite {
	t.Helper()
	clock := newFakeClock()
	emu := NewDemo(Options{Now: clock.Now})
	return serveSite(t, emu, clock)
}

func serveSite(t *testing.T, emu *Emulator, clock *fakeClock) *testSite {
	t.Helper()
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: newValidatingTransport(t), Timeout: 10 * time.Second}
	return &testSite{t: t, emu: emu, srv: srv, client: client, clock: clock}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// object decodes the body as a JSON object.
func (r *response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// do sends a request as the account with the given email (its token is "<name>-token"
// in the demo site; "" sends no credentials).
func (s *testSite) do(email, method, path string, body any) *response {
	s.t.Helper()
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			s.t.Fatalf("encoding request body: %v", err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.srv.URL+path, reader)
	if err != nil {
		s.t.Fatalf("building request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if email != "" {
		req.SetBasicAuth(email, strings.Split(email, "@")[0]+"-token")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("reading response to %s %s: %v", method, path, err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

// must sends a request and fails the test unless it answers want.
func (s *testSite) must(want int, email, method, path string, body any) *response {
	s.t.Helper()
	r := s.do(email, method, path, body)
	if r.status != want {
		s.t.Fatalf("%s %s as %q: status %d, want %d; body: %s", method, path, email, r.status, want, r.body)
	}
	return r
}

const (
	admin  = "admin@example.com"
	bot    = "bot@example.com"
	editor = "editor@example.com"
	reader = "reader@example.com"
)

func (s *testSite) spaceID(key string) string {
	s.t.Helper()
	var list struct {
		Results []struct{ ID, Key, HomepageID string }
	}
	s.must(200, admin, "GET", "/wiki/api/v2/spaces?keys="+key, nil).decode(s.t, &list)
	if len(list.Results) != 1 {
		s.t.Fatalf("space %s: got %d results", key, len(list.Results))
	}
	return list.Results[0].ID
}

type pageJSON struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Title    string `json:"title"`
	SpaceID  string `json:"spaceId"`
	ParentID string `json:"parentId"`
	Version  struct {
		Number  int    `json:"number"`
		Message string `json:"message"`
	} `json:"version"`
	Body struct {
		Storage struct {
			Value string `json:"value"`
		} `json:"storage"`
	} `json:"body"`
}

func pageCreate(spaceID, title, body string) map[string]any {
	return map[string]any{"spaceId": spaceID, "status": "current", "title": title,
		"body": map[string]any{"representation": "storage", "value": body}}
}

func pageUpdate(id, title, body string, version int, message string) map[string]any {
	return map[string]any{"id": id, "status": "current", "title": title,
		"body":    map[string]any{"representation": "storage", "value": body},
		"version": map[string]any{"number": version, "message": message}}
}

// createPage creates a page as the account and returns it.
func (s *testSite) createPage(email, spaceKey, title, body string) pageJSON {
	s.t.Helper()
	var p pageJSON
	s.must(200, email, "POST", "/wiki/api/v2/pages", pageCreate(s.spaceID(spaceKey), title, body)).decode(s.t, &p)
	return p
}

// accountID returns the account id the site reports for the account.
func (s *testSite) accountID(email string) string {
	s.t.Helper()
	var user struct {
		AccountID string `json:"accountId"`
	}
	s.must(200, email, "GET", "/wiki/rest/api/user/current", nil).decode(s.t, &user)
	if user.AccountID == "" {
		s.t.Fatalf("user/current for %s has no accountId", email)
	}
	return user.AccountID
}

// doRaw sends a body-less request with explicit credentials ("" email sends none),
// bypassing the validating transport (for paths and statuses outside the documents).
func (s *testSite) doRaw(email, token, method, path string) *response {
	s.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, s.srv.URL+path, nil)
	if err != nil {
		s.t.Fatalf("building request: %v", err)
	}
	if email != "" {
		req.SetBasicAuth(email, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(data)
}

// doRawJSON sends a JSON request with the account's demo token, bypassing validation
// (for statuses the documents leave out, such as 503).
func (s *testSite) doRawJSON(email, method, path string, body any) *response {
	s.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, s.srv.URL+path, jsonBody(s.t, body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(email, strings.Split(email, "@")[0]+"-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}
