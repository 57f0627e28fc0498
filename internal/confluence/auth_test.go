// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// pathRecorder records the path of every request a client sends.
type pathRecorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	paths []string
}

func (p *pathRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	p.mu.Lock()
	p.paths = append(p.paths, r.Method+" "+r.URL.EscapedPath())
	p.mu.Unlock()
	return p.next.RoundTrip(r)
}

func (p *pathRecorder) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.paths)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type authSite struct {
	emu   *emulator.Emulator
	srv   *httptest.Server
	clock *clock
}

func newAuthSite(t *testing.T) *authSite {
	t.Helper()
	clk := &clock{now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)}
	emu := emulator.NewDemo(emulator.Options{Now: clk.Now, OAuthTokenLifetime: 10 * time.Minute})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &authSite{emu: emu, srv: srv, clock: clk}
}

// client returns a client in the given mode against the emulator, whose
// gateway and OAuth server share the site's port.
func (s *authSite) client(t *testing.T, mode AuthMode, mutate ...func(*Config)) (*Client, *pathRecorder) {
	t.Helper()
	rec := &pathRecorder{next: http.DefaultTransport}
	cfg := Config{BaseURL: s.srv.URL, AuthMode: mode, GatewayURL: s.srv.URL, OAuthTokenURL: s.srv.URL + "/oauth/token",
		MaxRetries: -1, HTTPClient: &http.Client{Transport: rec}}
	switch mode {
	case AuthClassicToken:
		cfg.Email, cfg.APIToken = "bot@example.com", "bot-token"
	case AuthScopedToken:
		cfg.Email, cfg.APIToken = emulator.DemoScopedEmail, emulator.DemoScopedToken
	case AuthOAuth:
		cfg.ClientID, cfg.ClientSecret = emulator.DemoOAuthClientID, emulator.DemoOAuthSecret
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%s): %v", mode, err)
	}
	c.now = s.clock.Now
	return c, rec
}

// The same calls work in all three modes; the gateway modes send every API
// request under /ex/confluence/{cloudId}, pagination included, while page
// links keep pointing at the site.
func TestAuthModes_sameAPIThroughTheRightHost(t *testing.T) {
	for _, mode := range []AuthMode{AuthClassicToken, AuthScopedToken, AuthOAuth} {
		t.Run(string(mode), func(t *testing.T) {
			s := newAuthSite(t)
			c, rec := s.client(t, mode)
			ctx := t.Context()
			user, err := c.CurrentUser(ctx)
			if err != nil {
				t.Fatalf("CurrentUser: %v", err)
			}
			space, err := c.GetSpaceByKey(ctx, "DOCS")
			if err != nil {
				t.Fatalf("GetSpaceByKey: %v", err)
			}
			for _, title := range []string{"A", "B", "C"} {
				p, err := c.CreatePage(ctx, CreatePageRequest{SpaceID: space.ID, Title: title + " " + string(mode), Body: "<p>x</p>"})
				if err != nil {
					t.Fatalf("CreatePage: %v", err)
				}
				if u := c.PageURL(p.WebUI); !strings.HasPrefix(u, s.srv.URL+"/wiki/spaces/") {
					t.Errorf("page url %q does not point at the site", u)
				}
			}
			pages, err := c.ListPages(ctx, ListPagesOptions{SpaceIDs: []string{space.ID}, Limit: 1})
			if err != nil || len(pages) != 4 { // homepage + 3
				t.Fatalf("ListPages page size 1: %d pages, %v", len(pages), err)
			}
			prefix := "/wiki/"
			if mode != AuthClassicToken {
				prefix = "/ex/confluence/" + s.emu.CloudID() + "/wiki/"
			}
			apiCalls := 0
			for _, p := range rec.all() {
				_, path, _ := strings.Cut(p, " ")
				switch path {
				case "/_edge/tenant_info", "/oauth/token":
					continue
				}
				apiCalls++
				if !strings.HasPrefix(path, prefix) {
					t.Errorf("%s: request %s not under %s", mode, p, prefix)
				}
			}
			if apiCalls < 9 {
				t.Errorf("only %d API requests recorded", apiCalls)
			}
			t.Logf("%s authenticated as %s", mode, user.Email)
		})
	}
}

// The cloud id is looked up once when not given, and not at all when given.
func TestAuthModes_cloudIDLookup(t *testing.T) {
	s := newAuthSite(t)
	c, rec := s.client(t, AuthScopedToken)
	for range 2 {
		if _, err := c.CurrentUser(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := slices.Index(rec.all(), "GET /_edge/tenant_info"); n != 0 || slices.Contains(rec.all()[1:], "GET /_edge/tenant_info") {
		t.Fatalf("requests = %v, want one tenant_info lookup first", rec.all())
	}
	base, _ := c.APIBaseURL(t.Context())
	if base != s.srv.URL+"/ex/confluence/"+s.emu.CloudID() {
		t.Fatalf("APIBaseURL = %s", base)
	}
	c2, rec2 := s.client(t, AuthScopedToken, func(cfg *Config) { cfg.CloudID = s.emu.CloudID() })
	if _, err := c2.CurrentUser(t.Context()); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(rec2.all(), "GET /_edge/tenant_info") {
		t.Fatalf("cloud id given, yet looked up: %v", rec2.all())
	}
}

// The access token is reused until shortly before it expires, then renewed.
func TestAuthModes_oauthTokenRenewedBeforeExpiry(t *testing.T) {
	s := newAuthSite(t) // tokens live 10 minutes: renewed after 8
	c, _ := s.client(t, AuthOAuth)
	ctx := t.Context()
	for range 3 {
		if _, err := c.CurrentUser(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if c.TokenRequests() != 1 {
		t.Fatalf("token requests = %d, want 1 (cached)", c.TokenRequests())
	}
	s.clock.Advance(7 * time.Minute)
	if _, err := c.CurrentUser(ctx); err != nil || c.TokenRequests() != 1 {
		t.Fatalf("at 7 min: %v, %d token requests, want the cached token", err, c.TokenRequests())
	}
	s.clock.Advance(90 * time.Second) // 8.5 min: inside the renewal margin, still valid
	if _, err := c.CurrentUser(ctx); err != nil || c.TokenRequests() != 2 {
		t.Fatalf("at 8.5 min: %v, %d token requests, want a renewal", err, c.TokenRequests())
	}
	s.clock.Advance(20 * time.Minute)
	if _, err := c.CurrentUser(ctx); err != nil || c.TokenRequests() != 3 {
		t.Fatalf("after expiry: %v, %d token requests", err, c.TokenRequests())
	}
	if s.emu.OAuthTokensIssued() != 3 {
		t.Fatalf("emulator issued %d tokens", s.emu.OAuthTokensIssued())
	}
}

// A token without a needed scope fails with an error naming the scope.
func TestAuthModes_missingScopeNamed(t *testing.T) {
	s := newAuthSite(t)
	s.emu.AddAccount(emulator.Account{Email: "narrow@serviceaccount.atlassian.com"})
	s.emu.Grant("narrow@serviceaccount.atlassian.com", "DOCS", emulator.PermEdit)
	s.emu.AddScopedToken("narrow@serviceaccount.atlassian.com", "narrow-token", "read:confluence-user", "read:space:confluence")
	c, _ := s.client(t, AuthScopedToken, func(cfg *Config) {
		cfg.Email, cfg.APIToken = "narrow@serviceaccount.atlassian.com", "narrow-token"
	})
	_, err := c.ListPages(t.Context(), ListPagesOptions{SpaceIDs: []string{"1"}})
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.StatusCode != 401 || !slices.Equal(apiErr.MissingScopes, []string{"read:page:confluence"}) ||
		!strings.Contains(err.Error(), "lacks a scope this needs: read:page:confluence") {
		t.Fatalf("err = %v (%+v)", err, apiErr)
	}
}

// No credential reaches an error or a log line, whatever the mode.
func TestAuthModes_secretsNeverInErrorsOrLogs(t *testing.T) {
	s := newAuthSite(t)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	const wrongSecret = "wrong-secret-7c1e0d"
	bad, _ := s.client(t, AuthOAuth, func(cfg *Config) { cfg.ClientSecret = wrongSecret })
	_, err := bad.CurrentUser(ctx)
	if !IsUnauthorized(err) || strings.Contains(err.Error(), wrongSecret) {
		t.Fatalf("wrong client secret: %v", err)
	}
	good, _ := s.client(t, AuthOAuth)
	if _, err := good.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	access := good.oauth.current()
	scoped, _ := s.client(t, AuthScopedToken)
	if _, err := scoped.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, secret := range []string{wrongSecret, emulator.DemoOAuthSecret, emulator.DemoScopedToken, access} {
		if secret == "" || strings.Contains(out, secret) {
			t.Fatalf("a secret (%d chars) is in the logs or was empty", len(secret))
		}
	}
}

// v1 search follows _links.next (relative to _links.base at the site) onto
// the gateway, not onto /wiki at the site host.
func TestAuthModes_v1PaginationFollowsTheGateway(t *testing.T) {
	const cloud = "c0ffee00-0000-4000-8000-000000000001"
	var mu sync.Mutex
	var seen []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+"?"+r.URL.Query().Get("cursor"))
		n := len(seen)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		next := `,"next":"/rest/api/search?cql=type%3Dpage&cursor=abc"`
		if n > 1 {
			next = ""
		}
		_, _ = w.Write([]byte(`{"results":[{"content":{"id":"` + string(rune('0'+n)) + `","type":"page","title":"t","space":{"key":"DOCS"}}}],"_links":{"base":"https://example.atlassian.net/wiki"` + next + `}}`))
	}))
	t.Cleanup(gw.Close)
	c, err := New(Config{BaseURL: "https://example.atlassian.net", AuthMode: AuthScopedToken, CloudID: cloud, GatewayURL: gw.URL,
		Email: "svc@serviceaccount.atlassian.com", APIToken: "t", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Search(t.Context(), "type=page", 0)
	if err != nil || len(res) != 2 {
		t.Fatalf("Search: %d results, %v", len(res), err)
	}
	want := []string{"/ex/confluence/" + cloud + "/wiki/rest/api/search?", "/ex/confluence/" + cloud + "/wiki/rest/api/search?abc"}
	if !slices.Equal(seen, want) {
		t.Fatalf("requests %v, want %v", seen, want)
	}
}

// Bad gateway settings are refused before any request.
func TestAuthModes_configValidation(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"oauth without secret", Config{BaseURL: "https://x.atlassian.net", AuthMode: AuthOAuth, ClientID: "id"}, "client id or secret is empty"},
		{"scoped without token", Config{BaseURL: "https://x.atlassian.net", AuthMode: AuthScopedToken, Email: "a@b.c"}, "API token is empty"},
		{"bad cloud id", Config{BaseURL: "https://x.atlassian.net", AuthMode: AuthScopedToken, Email: "a@b.c", APIToken: "t", CloudID: "../x"}, "not a cloud id"},
		{"http gateway", Config{BaseURL: "https://x.atlassian.net", AuthMode: AuthScopedToken, Email: "a@b.c", APIToken: "t", GatewayURL: "http://api.example.com"}, "uses http"},
		{"gateway path", Config{BaseURL: "https://x.atlassian.net", AuthMode: AuthScopedToken, Email: "a@b.c", APIToken: "t", GatewayURL: "https://api.atlassian.com/ex"}, "must have no path"},
		{"unknown mode", Config{BaseURL: "https://x.atlassian.net", AuthMode: "kerberos", Email: "a@b.c", APIToken: "t"}, "unknown auth mode"},
	}
	for _, c := range cases {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

// The client's scope table says what the OpenAPI documents say.
func TestEndpointScopes(t *testing.T) {
	docs := map[string]string{"/wiki/api/v2": "confluence-v2.openapi.json", "/wiki/rest/api": "confluence-v1.openapi.json"}
	loaded := map[string]map[string]map[string]json.RawMessage{}
	for _, file := range docs {
		data, err := os.ReadFile(filepath.Join(specDir, file))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		loaded[file] = doc.Paths
	}
	for _, e := range endpointScopes {
		file, docPath := docs["/wiki/rest/api"], e.template
		if strings.HasPrefix(e.template, "/wiki/api/v2") {
			file, docPath = docs["/wiki/api/v2"], strings.TrimPrefix(e.template, "/wiki/api/v2")
		}
		var op struct {
			Security []map[string][]string `json:"security"`
		}
		if err := json.Unmarshal(loaded[file][docPath][strings.ToLower(e.method)], &op); err != nil {
			t.Errorf("%s %s: not in %s", e.method, e.template, file)
			continue
		}
		var found bool
		for _, req := range op.Security {
			if s, ok := req["oAuthDefinitions"]; ok && slices.Equal(s, e.scopes) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %s: table says %v, the document %v", e.method, e.template, e.scopes, op.Security)
		}
	}
	if got := RequiredScopes(http.MethodPut, "/wiki/api/v2/pages/123"); !slices.Equal(got, []string{"write:page:confluence"}) {
		t.Errorf("RequiredScopes(PUT page) = %v", got)
	}
}

// An access token the gateway refuses (revoked early, lapsed in transit) is
// replaced once and the request retried; a missing scope is not retried.
func TestAuthModes_oauthTokenRefusedIsReplacedOnce(t *testing.T) {
	s := newAuthSite(t)
	c, _ := s.client(t, AuthOAuth, func(cfg *Config) { cfg.MaxRetries = 2 })
	c.sleep = func(time.Duration) time.Duration { return 0 }
	if _, err := c.CurrentUser(t.Context()); err != nil {
		t.Fatal(err)
	}
	// A token the gateway does not know, still trusted by the client's cache.
	c.oauth.mu.Lock()
	c.oauth.token = "emu-at-revoked"
	c.oauth.mu.Unlock()
	if _, err := c.CurrentUser(t.Context()); err != nil {
		t.Fatalf("after a refused token: %v", err)
	}
	if c.TokenRequests() != 2 {
		t.Fatalf("token requests = %d, want 2", c.TokenRequests())
	}
	s.emu.AddAccount(emulator.Account{Email: "narrow@serviceaccount.atlassian.com"})
	s.emu.AddOAuthClient("narrow@serviceaccount.atlassian.com", "narrow", "narrow-secret", "read:confluence-user")
	n, _ := s.client(t, AuthOAuth, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.MaxRetries = "narrow", "narrow-secret", 2 })
	_, err := n.ListPages(t.Context(), ListPagesOptions{SpaceIDs: []string{"1"}})
	if apiErr, ok := AsAPIError(err); !ok || len(apiErr.MissingScopes) == 0 || n.TokenRequests() != 1 {
		t.Fatalf("missing scope: %v, %d token requests; want the scope error and no new token", err, n.TokenRequests())
	}
}
