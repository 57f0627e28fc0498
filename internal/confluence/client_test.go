// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testEmail = "bot@example.com"
	testToken = "ATATT3xFfGF0-secret-token-value"
)

// recorder is a test server that records requests and answers them with a
// handler that knows how many requests came before.
type recorder struct {
	mu       sync.Mutex
	requests []recordedRequest
}

type recordedRequest struct {
	Method, Path, RawQuery, Body string
	Header                       http.Header
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

func (r *recorder) get(i int) recordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[i]
}

// testClient is a Client whose retry and limiter waits are recorded
// instead of slept, on a fake clock that the waits move forward.
type testClient struct {
	*Client
	rec   *recorder
	url   string
	mu    sync.Mutex
	waits []time.Duration
	// limiterWaits are the adaptive limiter's waits (pauses and tokens).
	limiterWaits []time.Duration
	clock        time.Time
}

func (tc *testClient) recordedLimiterWaits() []time.Duration {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return append([]time.Duration(nil), tc.limiterWaits...)
}

func (tc *testClient) recordedWaits() []time.Duration {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return append([]time.Duration(nil), tc.waits...)
}

// newTestClient starts a server running handle(n, w, r) for the n-th request
// (0-based) and returns a client for it with no rate limit, no jitter and no
// sleeping.
func newTestClient(t *testing.T, handle func(n int, w http.ResponseWriter, r *http.Request)) *testClient {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		n := len(rec.requests)
		rec.requests = append(rec.requests, recordedRequest{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(body), r.Header.Clone()})
		rec.mu.Unlock()
		handle(n, w, r)
	}))
	t.Cleanup(srv.Close)

	c, err := New(Config{BaseURL: srv.URL + "/wiki/", Email: testEmail, APIToken: testToken, Version: "1.2.3"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tc := &testClient{Client: c, rec: rec, url: srv.URL, clock: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	c.now = func() time.Time {
		tc.mu.Lock()
		defer tc.mu.Unlock()
		return tc.clock
	}
	c.sleep = func(d time.Duration) time.Duration {
		tc.mu.Lock()
		defer tc.mu.Unlock()
		tc.waits = append(tc.waits, d)
		tc.clock = tc.clock.Add(d)
		return 0
	}
	c.adaptive.sleep = func(ctx context.Context, d time.Duration) error {
		tc.mu.Lock()
		defer tc.mu.Unlock()
		tc.limiterWaits = append(tc.limiterWaits, d)
		tc.clock = tc.clock.Add(d)
		return ctx.Err()
	}
	c.jitter = func(time.Duration) time.Duration { return 0 }
	return tc
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// dropConnection closes the connection without answering, like a proxy
// that lost the response.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

func TestAuthHeaderAndUserAgent(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"type":"known","accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","email":"bot@example.com","publicName":"bot","displayName":"Docs Bot"}`)
	})
	user, err := tc.CurrentUser(t.Context())
	if err != nil {
		t.Fatalf("CurrentUser: %v", err)
	}
	want := User{AccountID: "5b10ac8d82e05b22cc7d4ef5", AccountType: "atlassian", Email: "bot@example.com", DisplayName: "Docs Bot", PublicName: "bot"}
	if *user != want {
		t.Errorf("user = %+v, want %+v", *user, want)
	}
	req := tc.rec.get(0)
	if req.Method != http.MethodGet || req.Path != "/wiki/rest/api/user/current" {
		t.Errorf("request = %s %s, want GET /wiki/rest/api/user/current", req.Method, req.Path)
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+":"+testToken))
	if got := req.Header.Get("Authorization"); got != wantAuth {
		t.Errorf("Authorization = %q, want %q", got, wantAuth)
	}
	if got := req.Header.Get("User-Agent"); got != "terraform-provider-confluence/1.2.3" {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestNewNormalisesBaseURL(t *testing.T) {
	valid := map[string]string{
		"https://example.atlassian.net":       "https://example.atlassian.net",
		"https://example.atlassian.net/":      "https://example.atlassian.net",
		"https://example.atlassian.net/wiki":  "https://example.atlassian.net",
		"https://example.atlassian.net/wiki/": "https://example.atlassian.net",
		" https://example.atlassian.net ":     "https://example.atlassian.net",
		"http://127.0.0.1:8090/wiki":          "http://127.0.0.1:8090",
		"http://localhost:8090":               "http://localhost:8090",
		"http://[::1]:8090/":                  "http://[::1]:8090",
	}
	for in, want := range valid {
		c, err := New(Config{BaseURL: in, Email: testEmail, APIToken: testToken})
		if err != nil {
			t.Errorf("New(%q): %v", in, err)
			continue
		}
		if got := c.BaseURL(); got != want {
			t.Errorf("New(%q).BaseURL() = %q, want %q", in, got, want)
		}
	}

	invalid := map[string]string{
		"":                                       "empty",
		"example.atlassian.net":                  "absolute",
		"ftp://example.atlassian.net":            "absolute",
		"http://example.atlassian.net":           "use https",
		"https://bot:pw@example.atlassian.net":   "credentials",
		"https://example.atlassian.net/confl":    "site root",
		"https://example.atlassian.net/wiki/x":   "site root",
		"https://example.atlassian.net/?a=b":     "query",
		"https://example.atlassian.net/#frag":    "fragment",
		"http://localhost.example.com:8090/wiki": "use https",
	}
	for in, wantMsg := range invalid {
		_, err := New(Config{BaseURL: in, Email: testEmail, APIToken: testToken})
		if err == nil {
			t.Errorf("New(%q) succeeded, want an error", in)
			continue
		}
		if !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("New(%q) error %q does not mention %q", in, err, wantMsg)
		}
		if strings.Contains(err.Error(), "pw") && strings.Contains(in, "pw") {
			t.Errorf("New(%q) error repeats the URL password: %q", in, err)
		}
	}

	if _, err := New(Config{BaseURL: "https://x.atlassian.net", APIToken: testToken}); err == nil {
		t.Error("New without email succeeded")
	}
	if _, err := New(Config{BaseURL: "https://x.atlassian.net", Email: testEmail, APIToken: "  "}); err == nil {
		t.Error("New with a blank token succeeded")
	}
}

func TestPageURL(t *testing.T) {
	c, err := New(Config{BaseURL: "https://x.atlassian.net/wiki", Email: testEmail, APIToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	for webui, want := range map[string]string{
		"/spaces/DOC/pages/123/Title": "https://x.atlassian.net/wiki/spaces/DOC/pages/123/Title",
		"spaces/DOC/pages/1":          "https://x.atlassian.net/wiki/spaces/DOC/pages/1",
		"":                            "",
		"https://other/wiki/x":        "https://other/wiki/x",
	} {
		if got := c.PageURL(webui); got != want {
			t.Errorf("PageURL(%q) = %q, want %q", webui, got, want)
		}
	}
}

func TestRetryHonoursRetryAfterSeconds(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 0:
			w.Header().Set("Retry-After", "7")
			writeJSON(w, http.StatusTooManyRequests, `{"message":"Rate limit exceeded"}`)
		case 1:
			w.Header().Set("Retry-After", "3")
			writeJSON(w, http.StatusServiceUnavailable, `{"errors":[{"status":503,"code":"SERVICE_UNAVAILABLE","title":"down"}]}`)
		default:
			writeJSON(w, 200, `{"id":"1","key":"DOC"}`)
		}
	})
	// Jitter adds half of its allowance: 20 % of the wait, halved.
	tc.jitter = func(n time.Duration) time.Duration { return n / 2 }

	space, err := tc.GetSpace(t.Context(), "1")
	if err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if space.Key != "DOC" {
		t.Errorf("space key = %q", space.Key)
	}
	if got := tc.rec.count(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
	want := []time.Duration{7*time.Second + 700*time.Millisecond, 3*time.Second + 300*time.Millisecond}
	if got := tc.recordedWaits(); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", now.Add(30*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, 200, `{"id":"1"}`)
	})
	tc.now = func() time.Time { return now }
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if got, want := tc.recordedWaits(), []time.Duration{30 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

// A 503's Retry-After is capped by MaxRetryWait (a 429's is honoured in
// full within the budget: see ratelimit_test.go).
func TestRetryAfterIsCapped(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "100000")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, 200, `{"id":"1"}`)
	})
	tc.jitter = func(n time.Duration) time.Duration { return n - 1 }
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if got, want := tc.recordedWaits(), []time.Duration{DefaultMaxRetryWait}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestRetryWithoutRetryAfterBacksOffExponentially(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, 200, `{"id":"1"}`)
	})
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if got, want := tc.recordedWaits(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

// 429s are retried for the rate-limit budget (time), not a count.
func TestRetriesExhaustedGiveRateLimitedError(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, "Rate limit exceeded")
	})
	start := tc.now()
	_, err := tc.GetSpace(t.Context(), "1")
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	// Retried for the whole budget, far more than MaxRetries times. No
	// retry wait outlasts the budget; the last attempt may still wait up to
	// one token of the lowered rate (1/minRate) for the limiter.
	elapsed := tc.now().Sub(start)
	if elapsed > DefaultRateLimitBudget+time.Duration(float64(time.Second)/minRate) || elapsed < DefaultRateLimitBudget-15*time.Second {
		t.Errorf("gave up after %v, want about the %v budget", elapsed, DefaultRateLimitBudget)
	}
	if got := tc.rec.count(); got <= 2*DefaultMaxRetries {
		t.Errorf("requests = %d, want retries bounded by time, not by MaxRetries", got)
	}
	apiErr, _ := AsAPIError(err)
	if apiErr.RetryAfter != 5*time.Second {
		t.Errorf("RetryAfter = %v, want 5s", apiErr.RetryAfter)
	}
	if !strings.Contains(err.Error(), "Rate limit exceeded") || !strings.Contains(err.Error(), "retry after 5s") || !strings.Contains(err.Error(), "rate_limit_budget (5m0s)") {
		t.Errorf("error %q lacks the message, the retry hint or the budget", err)
	}
}

// A 429 is refused before any work is done, so even a create is retried.
func TestPostIsRetriedAfterRateLimit(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, 200, `{"id":"7","title":"T","status":"current","version":{"number":1}}`)
	})
	tc.jitter = func(time.Duration) time.Duration { return 0 }
	page, err := tc.CreatePage(t.Context(), CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if err != nil || page.ID != "7" {
		t.Fatalf("CreatePage = %+v, %v", page, err)
	}
	if got := tc.rec.count(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
	if got, want := tc.recordedWaits(), []time.Duration{2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestPostIsNotRetried(t *testing.T) {
	t.Run("503", func(t *testing.T) {
		tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		_, err := tc.CreatePage(t.Context(), CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
		if apiErr, ok := AsAPIError(err); !ok || apiErr.Kind != KindServer {
			t.Errorf("err = %v, want a server error", err)
		}
		if got := tc.rec.count(); got != 1 {
			t.Errorf("requests = %d, want 1", got)
		}
	})
	t.Run("dropped connection", func(t *testing.T) {
		tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) { dropConnection(t, w) })
		_, err := tc.CreatePage(t.Context(), CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
		if err == nil {
			t.Fatal("CreatePage succeeded on a dropped connection")
		}
		if _, ok := AsAPIError(err); ok {
			t.Errorf("err = %v, want a transport error", err)
		}
		if got := tc.rec.count(); got != 1 {
			t.Errorf("requests = %d, want 1", got)
		}
	})
}

func TestGetRetriedAfterDroppedConnection(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, `{"id":"42","title":"Runbook","version":{"number":3}}`)
	})
	page, err := tc.GetPage(t.Context(), "42", GetPageOptions{})
	if err != nil {
		t.Fatalf("GetPage: %v", err)
	}
	if page.ID != "42" || page.Version.Number != 3 {
		t.Errorf("page = %+v", page)
	}
	if got := tc.rec.count(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
}

func TestAddPageLabelsIsRetried(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, 200, `{"results":[],"size":0}`)
	})
	if err := tc.AddPageLabels(t.Context(), "7", []string{"runbook", "team-a"}); err != nil {
		t.Fatalf("AddPageLabels: %v", err)
	}
	if got := tc.rec.count(); got != 2 {
		t.Fatalf("requests = %d, want 2", got)
	}
	req := tc.rec.get(1)
	if req.Method != http.MethodPost || req.Path != "/wiki/rest/api/content/7/label" {
		t.Errorf("request = %s %s", req.Method, req.Path)
	}
	if want := `[{"prefix":"global","name":"runbook"},{"prefix":"global","name":"team-a"}]`; req.Body != want {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
}

type countingLimiter struct{ calls atomic.Int32 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.calls.Add(1)
	return ctx.Err()
}

func TestRateLimiterWaitsBeforeEveryAttempt(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n < 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, 200, `{"id":"1"}`)
	})
	limiter := &countingLimiter{}
	tc.limiter = limiter
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if got := limiter.calls.Load(); got != 3 {
		t.Errorf("limiter waits = %d, want 3 (one per attempt)", got)
	}
}

func TestConfigDefaults(t *testing.T) {
	base := Config{BaseURL: "https://x.atlassian.net", Email: testEmail, APIToken: testToken}
	c, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	if c.adaptive.Rate() != 0 || c.maxRetries != DefaultMaxRetries || c.attemptTimeout != DefaultRequestTimeout || c.maxRetryWait != DefaultMaxRetryWait || c.budget != DefaultRateLimitBudget {
		t.Errorf("defaults: rate %v, retries %d, timeout %v, max wait %v, budget %v", c.adaptive.Rate(), c.maxRetries, c.attemptTimeout, c.maxRetryWait, c.budget)
	}
	if c.userAgent != "terraform-provider-confluence/dev" {
		t.Errorf("User-Agent without version = %q", c.userAgent)
	}

	custom := base
	custom.RequestsPerSecond, custom.MaxRetries, custom.RequestTimeout, custom.MaxRetryWait, custom.RateLimitBudget = 5, -1, 5*time.Second, 10*time.Second, -1
	custom.HTTPClient = &http.Client{Timeout: time.Hour}
	c, err = New(custom)
	if err != nil {
		t.Fatal(err)
	}
	if c.adaptive.Rate() != 5 || c.maxRetries != 0 || c.attemptTimeout != 5*time.Second || c.maxRetryWait != 10*time.Second || c.budget != 0 {
		t.Errorf("custom: rate %v, retries %d, timeout %v, max wait %v, budget %v", c.adaptive.Rate(), c.maxRetries, c.attemptTimeout, c.maxRetryWait, c.budget)
	}
	if custom.HTTPClient.Timeout != time.Hour || custom.HTTPClient.Transport != nil {
		t.Error("New modified the caller's HTTP client")
	}
}

func TestCanceledContextStopsRetries(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		cancel()
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	_, err := tc.GetSpace(ctx, "1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := tc.rec.count(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestPutRetriedAfterLostResponseSurfacesConflict(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			dropConnection(t, w) // applied, but the answer was lost
			return
		}
		writeJSON(w, 409, `{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented on update. Current version is: 4","detail":null}]}`)
	})
	_, err := tc.UpdatePage(t.Context(), UpdatePageRequest{ID: "1", Title: "T", Body: "<p/>", VersionNumber: 4})
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Kind != KindConflict || apiErr.CurrentVersion != 4 {
		t.Fatalf("err = %v, want a conflict at version 4 for the caller to resolve", err)
	}
	if got := tc.rec.count(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
	if first, second := tc.rec.get(0), tc.rec.get(1); first.Body == "" || first.Body != second.Body {
		t.Errorf("retry sent a different body: %q then %q", first.Body, second.Body)
	}
}

func TestRequestTimeoutAppliesPerAttempt(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			<-r.Context().Done() // hang until the client gives up on this attempt
			return
		}
		writeJSON(w, 200, `{"id":"1"}`)
	})
	tc.attemptTimeout = 200 * time.Millisecond
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if got := tc.rec.count(); got != 2 {
		t.Errorf("requests = %d, want 2", got)
	}
}
