// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// The emulator plays three Atlassian hosts on one port:
//   - the site (https://<site>.atlassian.net): /wiki/..., classic API tokens only,
//     and /_edge/tenant_info publishing the cloud id;
//   - the API gateway (https://api.atlassian.com): the same API under
//     /ex/confluence/{cloudId}/wiki/..., for scoped API tokens (Basic) and
//     OAuth access tokens (Bearer), with each token's scopes enforced per
//     endpoint;
//   - the OAuth server (https://auth.atlassian.com): POST /oauth/token with the
//     client credentials grant.
//
// Sources: scoped tokens must use api.atlassian.com/ex/confluence/{cloudId}
// (https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/);
// the cloud id at https://<site>/_edge/tenant_info
// (https://developer.atlassian.com/cloud/confluence/rest/v2/intro/#auth); service
// account OAuth 2.0 credentials exchanged at https://auth.atlassian.com/oauth/token
// for a Bearer token valid 60 minutes
// (https://support.atlassian.com/user-management/docs/create-oauth-2-0-credential-for-service-accounts/);
// scopes per operation from the security requirements (oAuthDefinitions) of
// the OpenAPI documents in testdata/openapi.

// Paths of the gateway and the OAuth server.
const (
	gatewayPathPrefix = "/ex/confluence/"
	tenantInfoPath    = "/_edge/tenant_info"
	oauthTokenPath    = "/oauth/token"
)

// DefaultCloudID is the cloud id of an emulated site unless Options.CloudID says otherwise.
const DefaultCloudID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"

// DefaultOAuthTokenLifetime is how long an access token is valid, as Atlassian documents.
const DefaultOAuthTokenLifetime = time.Hour

// ScopedToken is a scoped API token of an account: Basic email:token, through
// the gateway only, allowed the listed scopes.
type ScopedToken struct {
	Token  string
	Scopes []string
}

// OAuthClient is an OAuth 2.0 client credential of a (service) account.
type OAuthClient struct {
	ClientID string
	Secret   string
	Scopes   []string
}

// issuedToken is an access token handed out by the OAuth endpoint.
type issuedToken struct {
	email   string
	scopes  []string
	expires time.Time
}

// gatewayState holds what the gateway and the OAuth server need at run time;
// issued tokens are not persisted (a restarted emulator forgets them, like
// any expiry).
type gatewayState struct {
	mu       sync.Mutex
	cloudID  string
	lifetime time.Duration
	issued   map[string]issuedToken
	count    int
}

func newGatewayState(opts Options) *gatewayState {
	g := &gatewayState{cloudID: opts.CloudID, lifetime: opts.OAuthTokenLifetime, issued: map[string]issuedToken{}}
	if g.cloudID == "" {
		g.cloudID = DefaultCloudID
	}
	if g.lifetime <= 0 {
		g.lifetime = DefaultOAuthTokenLifetime
	}
	return g
}

// CloudID returns the emulated site's cloud id.
func (e *Emulator) CloudID() string { return e.gw.cloudID }

// SetOAuthTokenLifetime changes how long access tokens issued from now on are valid.
func (e *Emulator) SetOAuthTokenLifetime(d time.Duration) {
	e.gw.mu.Lock()
	defer e.gw.mu.Unlock()
	e.gw.lifetime = d
}

// OAuthTokensIssued returns how many access tokens the OAuth endpoint issued.
func (e *Emulator) OAuthTokensIssued() int {
	e.gw.mu.Lock()
	defer e.gw.mu.Unlock()
	return e.gw.count
}

// AddScopedToken gives the account with the email a scoped API token.
func (e *Emulator) AddScopedToken(email, token string, scopes ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.site.Accounts {
		if strings.EqualFold(e.site.Accounts[i].Email, email) {
			e.site.Accounts[i].ScopedTokens = append(e.site.Accounts[i].ScopedTokens, ScopedToken{Token: token, Scopes: scopes})
		}
	}
}

// AddOAuthClient gives the account with the email OAuth 2.0 client credentials.
func (e *Emulator) AddOAuthClient(email, clientID, secret string, scopes ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.site.Accounts {
		if strings.EqualFold(e.site.Accounts[i].Email, email) {
			e.site.Accounts[i].OAuthClients = append(e.site.Accounts[i].OAuthClients, OAuthClient{ClientID: clientID, Secret: secret, Scopes: scopes})
		}
	}
}

// serveAuthHosts answers /_edge/tenant_info and /oauth/token; it reports
// whether the request was one of them.
func (e *Emulator) serveAuthHosts(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.URL.Path == tenantInfoPath && r.Method == http.MethodGet:
		e.recordAuthHost("GET " + tenantInfoPath)
		writeJSON(w, http.StatusOK, map[string]string{"cloudId": e.gw.cloudID})
		return true
	case r.URL.Path == oauthTokenPath && r.Method == http.MethodPost:
		e.recordAuthHost("POST " + oauthTokenPath)
		e.handleOAuthToken(w, r)
		return true
	}
	return false
}

// recordAuthHost counts a request to the auth endpoints. They change nothing,
// so they are not counted as writes.
func (e *Emulator) recordAuthHost(routeKey string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.Total++
	e.stats.ByRoute[routeKey]++
}

// oauthError is RFC 6749 §5.2's error response.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// handleOAuthToken implements the client credentials grant (RFC 6749 §4.4),
// accepting the form encoding of the RFC and the JSON body of Atlassian's
// examples.
func (e *Emulator) handleOAuthToken(w http.ResponseWriter, r *http.Request) {
	var grant, id, secret string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body struct {
			GrantType    string `json:"grant_type"`
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "The request body is not JSON."})
			return
		}
		grant, id, secret = body.GrantType, body.ClientID, body.ClientSecret
	} else {
		if err := r.ParseForm(); err != nil {
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "The request body is not a form."})
			return
		}
		grant, id, secret = r.PostForm.Get("grant_type"), r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		if u, p, ok := r.BasicAuth(); ok && id == "" {
			id, secret = u, p
		}
	}
	if grant != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "Only client_credentials is supported."})
		return
	}
	email, scopes, ok := e.findOAuthClient(id, secret)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, oauthError{"invalid_client", "Unauthorized"})
		return
	}
	token := randomToken()
	e.gw.mu.Lock()
	lifetime := e.gw.lifetime
	e.gw.issued[token] = issuedToken{email: email, scopes: scopes, expires: e.now().Add(lifetime)}
	e.gw.count++
	e.gw.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int(lifetime / time.Second),
		"scope":        strings.Join(scopes, " "),
	})
}

func (e *Emulator) findOAuthClient(id, secret string) (email string, scopes []string, ok bool) {
	if id == "" || secret == "" {
		return "", nil, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.site.Accounts {
		for _, c := range a.OAuthClients {
			if c.ClientID == id && subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) == 1 {
				return a.Email, c.Scopes, true
			}
		}
	}
	return "", nil, false
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "emu-at-" + hex.EncodeToString(b)
}

// gatewayRequest maps a gateway request onto the site path it stands for.
// isGateway is false for requests to the site; ok is false for a gateway path
// of another cloud id or without /wiki, which the gateway answers 404.
func (e *Emulator) gatewayRequest(r *http.Request) (out *http.Request, isGateway, ok bool) {
	if !strings.HasPrefix(r.URL.Path, gatewayPathPrefix) {
		return r, false, true
	}
	rest := r.URL.Path[len(gatewayPathPrefix):]
	id, sitePath, _ := strings.Cut(rest, "/")
	if id != e.gw.cloudID || !strings.HasPrefix("/"+sitePath, "/wiki/") {
		return r, true, false
	}
	out = r.Clone(r.Context())
	out.URL.Path, out.URL.RawPath = "/"+sitePath, ""
	return out, true, true
}

// credential is who a request authenticates as, and what it may do.
type credential struct {
	acct   *Account
	scoped bool     // a scoped token or an OAuth access token: scopes apply
	scopes []string // granted scopes when scoped
}

// authenticateAt returns the credential of a request to the site (classic
// tokens only) or to the gateway (scoped tokens and access tokens only), or
// nil.
func (e *Emulator) authenticateAt(r *http.Request, gateway bool) *credential {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		if !gateway {
			return nil
		}
		return e.bearerCredential(strings.TrimSpace(h[7:]))
	}
	email, token, ok := r.BasicAuth()
	if !ok || email == "" || token == "" {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.site.Accounts {
		if !strings.EqualFold(a.Email, email) {
			continue
		}
		if !gateway && a.Token != "" && subtle.ConstantTimeCompare([]byte(a.Token), []byte(token)) == 1 {
			acct := a
			return &credential{acct: &acct}
		}
		if gateway {
			for _, st := range a.ScopedTokens {
				if subtle.ConstantTimeCompare([]byte(st.Token), []byte(token)) == 1 {
					acct := a
					return &credential{acct: &acct, scoped: true, scopes: st.Scopes}
				}
			}
		}
	}
	return nil
}

func (e *Emulator) bearerCredential(token string) *credential {
	e.gw.mu.Lock()
	it, ok := e.gw.issued[token]
	if ok && !e.now().Before(it.expires) {
		delete(e.gw.issued, token)
		ok = false
	}
	e.gw.mu.Unlock()
	if !ok {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.site.Accounts {
		if strings.EqualFold(a.Email, it.email) {
			acct := a
			return &credential{acct: &acct, scoped: true, scopes: it.scopes}
		}
	}
	return nil
}

// gatewayUnauthorized writes the gateway's 401, a JSON document unlike the
// site's plain-text one, e.g. {"code":401,"message":"Unauthorized; scope does not match"}.
func gatewayUnauthorized(w http.ResponseWriter, message string) {
	writeJSON(w, http.StatusUnauthorized, map[string]any{"code": http.StatusUnauthorized, "message": message})
}

// siteUnauthorized writes the site's 401: Atlassian's edge answers bad
// credentials in plain text, before the API sees them.
func siteUnauthorized(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.Header().Set("WWW-Authenticate", `Basic realm="Protected area"`)
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("Basic authentication with passwords is deprecated or the credentials are invalid. For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/\n"))
}

// scopesAllow reports whether granted satisfies one of the security
// requirements of the route's operation (alternatives; all scopes of one).
// An operation the documents give no OAuth scopes is closed to scoped tokens.
func scopesAllow(method, template string, granted []string) bool {
	reqs := operationScopes()[method+" "+template]
	for _, req := range reqs {
		all := true
		for _, s := range req {
			if !slices.Contains(granted, s) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// OperationScopes returns the scope alternatives the OpenAPI documents give an
// operation, e.g. OperationScopes("GET", "/wiki/api/v2/pages") → [[read:page:confluence]].
func OperationScopes(method, template string) [][]string {
	return operationScopes()[method+" "+template]
}

//go:embed testdata/openapi/confluence-v1.openapi.json testdata/openapi/confluence-v2.openapi.json
var openapiDocs embed.FS

// operationScopes maps "METHOD /wiki/..." to the oAuthDefinitions scope sets of
// the operation's security requirements, read once from the documents.
var operationScopes = sync.OnceValue(func() map[string][][]string {
	out := map[string][][]string{}
	for file, prefix := range map[string]string{
		"testdata/openapi/confluence-v2.openapi.json": "/wiki/api/v2",
		"testdata/openapi/confluence-v1.openapi.json": "",
	} {
		data, err := openapiDocs.ReadFile(file)
		if err != nil {
			panic(fmt.Sprintf("emulator: reading embedded %s: %v", file, err))
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			panic(fmt.Sprintf("emulator: decoding embedded %s: %v", file, err))
		}
		for p, item := range doc.Paths {
			for method, raw := range item {
				var op struct {
					Security []map[string][]string `json:"security"`
				}
				if json.Unmarshal(raw, &op) != nil {
					continue // "parameters" and other non-operation members
				}
				for _, req := range op.Security {
					if scopes, ok := req["oAuthDefinitions"]; ok {
						key := strings.ToUpper(method) + " " + prefix + p
						out[key] = append(out[key], scopes)
					}
				}
			}
		}
	}
	return out
})

// Demo service accounts seeded by NewDemo: one with a scoped API token, one
// with OAuth 2.0 client credentials, both with edit in DOCS and OPS and the
// scopes the provider needs. Their secrets are fixed demo values, documented
// but never printed by the emulator's banner.
const (
	DemoScopedEmail   = "docs-svc@serviceaccount.atlassian.com"
	DemoScopedToken   = "docs-svc-scoped-token"
	DemoOAuthEmail    = "docs-oauth@serviceaccount.atlassian.com"
	DemoOAuthClientID = "docs-oauth-client"
	DemoOAuthSecret   = "docs-oauth-secret"
)

// DemoScopes are the scopes the demo service accounts get: every scope the
// provider's endpoints list in the OpenAPI documents (see the Authentication
// guide).
var DemoScopes = []string{
	"read:confluence-user", "search:confluence", "write:confluence-content",
	"read:space:confluence", "write:space:confluence",
	"read:page:confluence", "write:page:confluence", "delete:page:confluence",
}

// seedServiceAccounts adds the demo service accounts.
func (e *Emulator) seedServiceAccounts() {
	e.AddAccount(Account{AccountID: "712020:0a1b2c3d-0000-4000-8000-000000000011", Email: DemoScopedEmail, DisplayName: "Docs Service (scoped token)"})
	e.AddScopedToken(DemoScopedEmail, DemoScopedToken, DemoScopes...)
	e.AddAccount(Account{AccountID: "712020:0a1b2c3d-0000-4000-8000-000000000012", Email: DemoOAuthEmail, DisplayName: "Docs Service (OAuth)"})
	e.AddOAuthClient(DemoOAuthEmail, DemoOAuthClientID, DemoOAuthSecret, DemoScopes...)
	for _, email := range []string{DemoScopedEmail, DemoOAuthEmail} {
		e.Grant(email, "DOCS", PermEdit)
		e.Grant(email, "OPS", PermEdit)
	}
}
