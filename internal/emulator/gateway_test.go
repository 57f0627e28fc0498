// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func gatewaySite(t *testing.T) (*Emulator, *httptest.Server, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	emu := NewDemo(Options{Now: clock.Now, OAuthTokenLifetime: 10 * time.Minute})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv, clock
}

func doReq(t *testing.T, method, u string, set func(*http.Request), body io.Reader) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func basic(email, token string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(email, token) }
}

func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func issueToken(t *testing.T, srv *httptest.Server, id, secret string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	status, _, body := doReq(t, http.MethodPost, srv.URL+oauthTokenPath, func(r *http.Request) {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}, strings.NewReader(form.Encode()))
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.Unmarshal([]byte(body), &tok)
	if status == http.StatusOK && (tok.TokenType != "Bearer" || tok.ExpiresIn != 600) {
		t.Fatalf("token response %s: want Bearer, expires_in 600", body)
	}
	return status, tok.AccessToken
}

// Each credential works only where Atlassian accepts it.
func TestGateway_credentialsAndHosts(t *testing.T) {
	emu, srv, _ := gatewaySite(t)
	gw := srv.URL + "/ex/confluence/" + emu.CloudID()
	_, access := issueToken(t, srv, DemoOAuthClientID, DemoOAuthSecret)
	if access == "" {
		t.Fatal("no access token issued")
	}
	cases := []struct {
		name, base string
		auth       func(*http.Request)
		want       int
		wantBody   string
	}{
		{"classic at site", srv.URL, basic("bot@example.com", "bot-token"), 200, ""},
		{"scoped at gateway", gw, basic(DemoScopedEmail, DemoScopedToken), 200, ""},
		{"oauth at gateway", gw, bearer(access), 200, ""},
		{"scoped at site", srv.URL, basic(DemoScopedEmail, DemoScopedToken), 401, "Basic authentication"},
		{"oauth at site", srv.URL, bearer(access), 401, "Basic authentication"},
		{"classic at gateway", gw, basic("bot@example.com", "bot-token"), 401, `{"code":401,"message":"Unauthorized"}`},
		{"unknown bearer", gw, bearer("nope"), 401, `"code":401`},
		{"other cloud id", srv.URL + "/ex/confluence/00000000-0000-0000-0000-000000000000", basic(DemoScopedEmail, DemoScopedToken), 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := doReq(t, http.MethodGet, c.base+"/wiki/rest/api/user/current", c.auth, nil)
			if status != c.want || !strings.Contains(body, c.wantBody) {
				t.Fatalf("GET user/current: %d %s, want %d containing %q", status, body, c.want, c.wantBody)
			}
		})
	}
}

func TestGateway_tenantInfo(t *testing.T) {
	emu, srv, _ := gatewaySite(t)
	status, _, body := doReq(t, http.MethodGet, srv.URL+tenantInfoPath, nil, nil)
	if status != 200 || body != `{"cloudId":"`+emu.CloudID()+`"}` {
		t.Fatalf("tenant_info: %d %s", status, body)
	}
}

// A token without the scope an endpoint's security requirement lists gets the
// gateway's 401, and the scopes come from the OpenAPI documents.
func TestGateway_scopesEnforcedPerEndpoint(t *testing.T) {
	emu, srv, _ := gatewaySite(t)
	emu.AddAccount(Account{Email: "narrow@serviceaccount.atlassian.com"})
	emu.Grant("narrow@serviceaccount.atlassian.com", "DOCS", PermEdit)
	emu.AddScopedToken("narrow@serviceaccount.atlassian.com", "narrow-token", "read:page:confluence")
	gw := srv.URL + "/ex/confluence/" + emu.CloudID()
	auth := basic("narrow@serviceaccount.atlassian.com", "narrow-token")
	if status, _, body := doReq(t, http.MethodGet, gw+"/wiki/api/v2/pages?limit=1", auth, nil); status != 200 {
		t.Fatalf("GET pages with read:page:confluence: %d %s", status, body)
	}
	status, hdr, body := doReq(t, http.MethodGet, gw+"/wiki/api/v2/spaces?keys=DOCS", auth, nil)
	if status != 401 || body != `{"code":401,"message":"Unauthorized; scope does not match"}` || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("GET spaces without read:space:confluence: %d %s", status, body)
	}
	if got := OperationScopes(http.MethodPost, "/wiki/api/v2/spaces/{space-id}/properties"); !slices.Equal(got[0], []string{"read:space:confluence", "write:space:confluence"}) {
		t.Fatalf("scopes of POST space properties = %v", got)
	}
	if got := OperationScopes(http.MethodGet, "/wiki/rest/api/search"); !slices.Equal(got[0], []string{"search:confluence"}) {
		t.Fatalf("scopes of v1 search = %v", got)
	}
	for _, rt := range buildRoutes() {
		if strings.HasPrefix(rt.template, "/wiki/download/") {
			// The site's download links are not part of the REST APIs the
			// documents describe; they stay closed to scoped tokens.
			continue
		}
		if len(OperationScopes(rt.method, rt.template)) == 0 {
			t.Errorf("%s %s: the documents give no OAuth scopes", rt.method, rt.template)
		}
	}
}

// Access tokens expire after their lifetime; bad client credentials and
// other grants are refused in RFC 6749's shape.
func TestGateway_oauthTokens(t *testing.T) {
	emu, srv, clock := gatewaySite(t)
	gw := srv.URL + "/ex/confluence/" + emu.CloudID()
	_, access := issueToken(t, srv, DemoOAuthClientID, DemoOAuthSecret)
	clock.Advance(9 * time.Minute)
	if status, _, _ := doReq(t, http.MethodGet, gw+"/wiki/rest/api/user/current", bearer(access), nil); status != 200 {
		t.Fatalf("token before expiry: %d", status)
	}
	clock.Advance(2 * time.Minute)
	if status, _, _ := doReq(t, http.MethodGet, gw+"/wiki/rest/api/user/current", bearer(access), nil); status != 401 {
		t.Fatalf("token after expiry: %d, want 401", status)
	}
	if status, _ := issueToken(t, srv, DemoOAuthClientID, "wrong"); status != 401 {
		t.Fatalf("wrong secret: %d, want 401", status)
	}
	status, _, body := doReq(t, http.MethodPost, srv.URL+oauthTokenPath, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
		strings.NewReader(`{"grant_type":"password","client_id":"x","client_secret":"y"}`))
	if status != 400 || !strings.Contains(body, "unsupported_grant_type") {
		t.Fatalf("password grant: %d %s", status, body)
	}
	status, _, body = doReq(t, http.MethodPost, srv.URL+oauthTokenPath, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
		strings.NewReader(`{"grant_type":"client_credentials","client_id":"`+DemoOAuthClientID+`","client_secret":"`+DemoOAuthSecret+`"}`))
	if status != 200 || !strings.Contains(body, "access_token") {
		t.Fatalf("JSON grant: %d %s", status, body)
	}
	if n := emu.OAuthTokensIssued(); n != 2 {
		t.Fatalf("issued %d tokens, want 2", n)
	}
}
