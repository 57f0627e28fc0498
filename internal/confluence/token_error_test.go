// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Which token endpoint failures are permanent (not retried) and which mean
// the credentials were refused, after RFC 6749 §5.2's error codes.
func TestTokenError_classification(t *testing.T) {
	dns := &url.Error{Op: "Post", URL: "https://auth.example.test/oauth/token", Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "auth.example.test", IsNotFound: true}}}
	refused := &url.Error{Op: "Post", URL: "https://auth.example.test/oauth/token", Err: errors.New("connect: connection refused")}
	cases := []struct {
		name                string
		status              int
		code                string
		err                 error
		rejected, permanent bool
	}{
		{name: "400 invalid_client", status: 400, code: "invalid_client", rejected: true, permanent: true},
		{name: "400 invalid_grant", status: 400, code: "invalid_grant", rejected: true, permanent: true},
		{name: "400 unauthorized_client", status: 400, code: "unauthorized_client", rejected: true, permanent: true},
		{name: "400 invalid_request", status: 400, code: "invalid_request", permanent: true},
		{name: "400 unsupported_grant_type", status: 400, code: "unsupported_grant_type", permanent: true},
		{name: "401 invalid_client", status: 401, code: "invalid_client", rejected: true, permanent: true},
		{name: "403 without a code", status: 403, rejected: true, permanent: true},
		{name: "404 (not a token endpoint)", status: 404, permanent: true},
		{name: "408", status: 408},
		{name: "429", status: 429},
		{name: "500", status: 500},
		{name: "503", status: 503},
		{name: "host not found", err: dns, permanent: true},
		{name: "connection refused", err: refused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &TokenError{TokenURL: "https://auth.example.test/oauth/token", ClientID: "cid", StatusCode: tc.status, Code: tc.code, Err: tc.err}
			if tc.err != nil {
				e.detail = tc.err.Error()
			}
			if e.Rejected() != tc.rejected || e.Permanent() != tc.permanent {
				t.Errorf("Rejected() = %v, Permanent() = %v; want %v, %v", e.Rejected(), e.Permanent(), tc.rejected, tc.permanent)
			}
			if IsUnauthorized(e) != tc.rejected {
				t.Errorf("IsUnauthorized = %v, want %v", IsUnauthorized(e), tc.rejected)
			}
			msg := e.Error()
			if !strings.Contains(msg, "POST https://auth.example.test/oauth/token") {
				t.Errorf("error does not name the endpoint: %s", msg)
			}
			if tc.rejected != strings.Contains(msg, "client id or secret of client cid was refused") {
				t.Errorf("error words the refusal wrongly: %s", msg)
			}
			if tc.name == "host not found" && !strings.Contains(msg, "CONFLUENCE_OAUTH_TOKEN_URL") {
				t.Errorf("a host that does not resolve should point at the token URL setting: %s", msg)
			}
		})
	}
}

// tokenSite is an emulator client in OAuth mode with retries on and no
// waiting between them.
func tokenSite(t *testing.T, mutate ...func(*Config)) (*Client, *pathRecorder) {
	t.Helper()
	s := newAuthSite(t)
	c, rec := s.client(t, AuthOAuth, append([]func(*Config){func(cfg *Config) { cfg.MaxRetries = 4 }}, mutate...)...)
	c.sleep = func(time.Duration) time.Duration { return 0 }
	return c, rec
}

func countOf(paths []string, want string) int {
	n := 0
	for _, p := range paths {
		if p == want {
			n++
		}
	}
	return n
}

// A refused client secret is asked once, not retried, and not asked again
// by later calls of the run: the same secret is refused every time.
func TestAuthModes_refusedClientSecretIsNotRetried(t *testing.T) {
	const wrong = "wrong-secret-5a9e"
	c, rec := tokenSite(t, func(cfg *Config) { cfg.ClientSecret = wrong })
	for range 3 {
		_, err := c.CurrentUser(t.Context())
		te, ok := AsTokenError(err)
		if !ok || !te.Rejected() || !IsUnauthorized(err) || te.Code != "invalid_client" {
			t.Fatalf("err = %v, want the token endpoint's invalid_client", err)
		}
		if strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), "after 1 attempt(s)") || strings.Contains(err.Error(), "Get \"") {
			t.Fatalf("error = %q", err)
		}
		if MayHaveBeenApplied(err) {
			t.Fatal("a request sent without an access token may not have been applied")
		}
	}
	if n := countOf(rec.all(), "POST /oauth/token"); n != 1 || c.TokenRequests() != 1 {
		t.Fatalf("token requests = %d (%d counted by the client), want 1: %v", n, c.TokenRequests(), rec.all())
	}
	if n := len(rec.all()) - countOf(rec.all(), "GET /_edge/tenant_info"); n != 1 {
		t.Fatalf("requests = %v, want only the token request (and the cloud id lookup)", rec.all())
	}
}

// A token endpoint that fails (5xx) is retried like any lost request, and
// the request goes through once it answers.
func TestAuthModes_tokenEndpointFailureIsRetried(t *testing.T) {
	failures := 2
	c, rec := tokenSite(t)
	base := rec.next
	rec.next = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/oauth/token" && failures > 0 {
			failures--
			return &http.Response{StatusCode: 503, Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("busy")), Request: r}, nil
		}
		return base.RoundTrip(r)
	})
	if _, err := c.CurrentUser(t.Context()); err != nil {
		t.Fatalf("after two 503s from the token endpoint: %v", err)
	}
	if n := countOf(rec.all(), "POST /oauth/token"); n != 3 {
		t.Fatalf("token requests = %d, want 3: %v", n, rec.all())
	}
}

// A token endpoint whose host does not resolve fails at once, naming the
// endpoint and the setting that moves it.
func TestAuthModes_tokenHostNotFoundIsNotRetried(t *testing.T) {
	c, rec := tokenSite(t)
	base := rec.next
	rec.next = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/oauth/token" {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "auth.atlassian.com", IsNotFound: true}}
		}
		return base.RoundTrip(r)
	})
	_, err := c.CurrentUser(t.Context())
	te, ok := AsTokenError(err)
	if !ok || !te.HostNotFound() || IsUnauthorized(err) {
		t.Fatalf("err = %v, want a token endpoint that does not resolve", err)
	}
	if !strings.Contains(err.Error(), "/oauth/token") || !strings.Contains(err.Error(), "CONFLUENCE_OAUTH_TOKEN_URL") {
		t.Fatalf("error = %q", err)
	}
	if n := countOf(rec.all(), "POST /oauth/token"); n != 1 {
		t.Fatalf("token requests = %d, want 1: %v", n, rec.all())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A URL that answers web pages is not Confluence: its 404 is not a missing
// page (a refresh must not drop pages from the state for it), and neither is
// an HTML page where JSON was due.
func TestNotConfluence(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusOK} {
		client := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<!DOCTYPE HTML><html><body><h1>Error response</h1></body></html>")
		})
		_, err := client.CurrentUser(t.Context())
		apiErr, ok := AsAPIError(err)
		if !ok || !IsNotConfluence(err) || IsNotFound(err) || apiErr.StatusCode != status || apiErr.BaseURL != client.url {
			t.Fatalf("%d: err = %v (%+v), want a not-Confluence error naming %s", status, err, apiErr, client.url)
		}
		if !strings.Contains(err.Error(), "does not look like a Confluence Cloud site") || strings.Contains(err.Error(), "Error response") {
			t.Fatalf("%d: error = %q", status, err)
		}
	}
	// Confluence's own JSON 404 stays a not-found.
	client := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}`)
	})
	if _, err := client.GetPage(t.Context(), "1", GetPageOptions{}); !IsNotFound(err) || IsNotConfluence(err) {
		t.Fatalf("JSON 404: %v", err)
	}
}

// A 401 says which credential to check, by auth mode.
func TestUnauthorizedAdviceByMode(t *testing.T) {
	cases := map[AuthMode]string{
		AuthClassicToken: "check the email and API token",
		AuthScopedToken:  "scoped API token",
		AuthOAuth:        "OAuth access token of client cid",
	}
	for mode, want := range cases {
		e := &APIError{Kind: KindUnauthorized, StatusCode: 401, Method: "GET", Path: "/wiki/rest/api/user/current", AuthMode: mode, ClientID: "cid"}
		if !strings.Contains(e.Error(), want) {
			t.Errorf("%s: %q lacks %q", mode, e.Error(), want)
		}
		if mode == AuthOAuth && strings.Contains(e.Error(), "email") {
			t.Errorf("%s: %q talks of an email", mode, e.Error())
		}
	}
}
