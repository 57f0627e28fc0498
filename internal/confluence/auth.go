// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// AuthMode is how the client authenticates, and so which base URL it calls.
type AuthMode string

// The three ways Atlassian lets automation in (see the Authentication guide):
//   - classic_token: Basic email:token at the site URL
//     (https://developer.atlassian.com/cloud/confluence/basic-auth-for-rest-apis/).
//   - scoped_token: Basic email:token through the API gateway,
//     https://api.atlassian.com/ex/confluence/{cloudId}; a scoped token sent to the
//     site URL is refused (https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/).
//   - oauth_client_credentials: a service account's client id and secret
//     exchanged at https://auth.atlassian.com/oauth/token for a Bearer token valid
//     60 minutes, used through the same gateway
//     (https://support.atlassian.com/user-management/docs/create-oauth-2-0-credential-for-service-accounts/).
const (
	AuthClassicToken AuthMode = "classic_token"
	AuthScopedToken  AuthMode = "scoped_token"
	AuthOAuth        AuthMode = "oauth_client_credentials"
)

// AuthModes lists the modes, for validators and docs.
var AuthModes = []string{string(AuthClassicToken), string(AuthScopedToken), string(AuthOAuth)}

// Defaults of the gateway modes.
const (
	DefaultGatewayURL    = "https://api.atlassian.com"
	DefaultOAuthTokenURL = "https://auth.atlassian.com/oauth/token"
)

// tenantInfoPath publishes a site's cloud id without authentication, as
// {"cloudId": "..."}.
const tenantInfoPath = "/_edge/tenant_info"

// cloudIDPattern is what a cloud id looks like (a UUID in practice); anything
// else would change the gateway path, so it is refused.
var cloudIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// ValidateCloudID reports whether id can be a cloud id.
func ValidateCloudID(id string) error {
	if !cloudIDPattern.MatchString(id) {
		return fmt.Errorf("%q is not a cloud id (letters, digits and '-', as published at https://<site>/_edge/tenant_info)", id)
	}
	return nil
}

// gatewayPrefix is the gateway path of a cloud id's Confluence API.
func gatewayPrefix(cloudID string) string { return "/ex/confluence/" + cloudID }

// authorizer produces the Authorization header of one attempt.
type authorizer interface {
	header(ctx context.Context) (string, error)
}

// basicAuth is email:token, the classic and the scoped token alike.
type basicAuth struct{ value string }

func (b basicAuth) header(context.Context) (string, error) { return b.value, nil }

func newBasicAuth(email, token string) basicAuth {
	return basicAuth{value: "Basic " + base64.StdEncoding.EncodeToString([]byte(email+":"+token))}
}

// oauthSource exchanges client credentials for access tokens and keeps the
// current one until shortly before it expires. The tokens live only here: they
// are masked in logs and never returned.
type oauthSource struct {
	cfg    clientcredentials.Config
	http   *http.Client // without the client's own auth transport
	now    func() time.Time
	mu     sync.Mutex
	token  string
	expiry time.Time
	renew  time.Time
	// refused is a permanent token endpoint failure (credentials refused,
	// host not found): later calls in the run fail with it at once instead
	// of asking again with the same secret.
	refused *TokenError
	// fetched counts token requests, for tests of renewal.
	fetched int
}

// renewMargin is how long before expiry a token is replaced: a fifth of its
// lifetime, at most five minutes, so a 60-minute token is renewed after 55
// minutes and a request never starts with a token about to lapse.
func renewMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/5, 5*time.Minute)
}

func (s *oauthSource) header(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.renew) {
		return "Bearer " + s.token, nil
	}
	if s.refused != nil {
		return "", s.refused
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.http)
	tok, err := s.cfg.Token(ctx)
	s.fetched++
	if err != nil {
		te := s.tokenError(err)
		if te.Permanent() {
			s.refused = te
		}
		return "", te
	}
	if tok.AccessToken == "" {
		return "", errors.New("the OAuth token endpoint answered without an access token")
	}
	// The lifetime comes from expires_in on the client's own clock.
	now := s.now()
	var expiry time.Time
	switch {
	case tok.ExpiresIn > 0:
		expiry = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	case !tok.Expiry.IsZero():
		// oauth2 computed Expiry on the wall clock; keep the lifetime.
		expiry = now.Add(time.Until(tok.Expiry))
	default:
		expiry = now.Add(time.Hour) // Atlassian documents 60 minutes
	}
	s.token, s.expiry = tok.AccessToken, expiry
	s.renew = expiry.Add(-renewMargin(expiry.Sub(now)))
	return "Bearer " + s.token, nil
}

// invalidate drops the cached token after the gateway refused it.
func (s *oauthSource) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token, s.renew = "", time.Time{}
}

// retryWithNewToken reports whether a 401 should be retried with a fresh
// access token: OAuth mode, once per call, and not for a missing scope (a
// new token carries the same scopes). It leaves resp's body readable.
func (c *Client) retryWithNewToken(resp *http.Response, tracker *attemptTracker) bool {
	if c.oauth == nil || tracker.reauthed || resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if isScopeMismatch(resp.StatusCode, errorMessage(resp.Header.Get("Content-Type"), body)) {
		return false
	}
	tracker.reauthed = true
	c.oauth.invalidate()
	return true
}

// current returns the cached access token, for masking.
func (s *oauthSource) current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// tokenError turns a token endpoint failure into a *TokenError, without the
// endpoint's raw body or the secret.
func (s *oauthSource) tokenError(err error) *TokenError {
	scrub := func(v string) string { return strings.ReplaceAll(v, s.cfg.ClientSecret, "***") }
	te := &TokenError{TokenURL: s.cfg.TokenURL, ClientID: s.cfg.ClientID}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		te.StatusCode = re.Response.StatusCode
		te.Code = scrub(oneLine(re.ErrorCode))
		te.Description = re.ErrorDescription
		if te.Code == "" && te.Description == "" {
			te.Description = errorMessage(re.Response.Header.Get("Content-Type"), re.Body)
		}
		te.Description = scrub(oneLine(te.Description))
		return te
	}
	te.Err = err
	te.detail = scrub(err.Error())
	return te
}

// authTransport sets the Authorization header on every attempt, so a retry
// after a token renewal carries the new token.
type authTransport struct {
	next http.RoundTripper
	auth authorizer
	// to reports whether a request goes to an endpoint the credentials are
	// for (the site or the gateway, same scheme and host). Redirects reach
	// this transport too, and Go's own stripping of Authorization on a
	// redirect to another host does not apply to a header set here; so a
	// request anywhere else (a redirect to another host, or to http://)
	// goes without credentials.
	to func(*url.URL) bool
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.to != nil && !t.to(req.URL) {
		return t.next.RoundTrip(req)
	}
	h, err := t.auth.header(req.Context())
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", h)
	return t.next.RoundTrip(req)
}

// AuthMode returns how the client authenticates.
func (c *Client) AuthMode() AuthMode { return c.mode }

// usesGateway reports whether requests go to the API gateway.
func (c *Client) usesGateway() bool { return c.mode == AuthScopedToken || c.mode == AuthOAuth }

// CloudID returns the site's cloud id: the configured one or, the first time
// it is needed, the one published at <site>/_edge/tenant_info.
func (c *Client) CloudID(ctx context.Context) (string, error) {
	c.cloudMu.Lock()
	defer c.cloudMu.Unlock()
	if c.cloudID != "" {
		return c.cloudID, nil
	}
	u := *c.site
	u.Path = tenantInfoPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.plainHTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET %s: looking up the cloud id of %s failed: %w (set cloud_id to skip the lookup)", tenantInfoPath, c.site, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", c.newAPIError(http.MethodGet, tenantInfoPath, resp)
	}
	var info struct {
		CloudID string `json:"cloudId"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&info); err != nil {
		return "", fmt.Errorf("GET %s: decoding the cloud id of %s: %w (set cloud_id to skip the lookup)", tenantInfoPath, c.site, err)
	}
	if err := ValidateCloudID(info.CloudID); err != nil {
		return "", fmt.Errorf("GET %s: the site %s answered %w; set cloud_id", tenantInfoPath, c.site, err)
	}
	c.cloudID = info.CloudID
	return c.cloudID, nil
}

// APIBaseURL returns the URL API paths (/wiki/api/v2/..., /wiki/rest/api/...)
// are appended to: the site for classic tokens, the gateway's
// /ex/confluence/{cloudId} otherwise.
func (c *Client) APIBaseURL(ctx context.Context) (string, error) {
	if !c.usesGateway() {
		return c.site.String(), nil
	}
	id, err := c.CloudID(ctx)
	if err != nil {
		return "", err
	}
	return c.gateway.String() + gatewayPrefix(id), nil
}

// toAPI maps a site-relative API URL (as endpoint builds them, and as the
// errors name them) onto the API base.
func (c *Client) toAPI(ctx context.Context, u *url.URL) (*url.URL, error) {
	if !c.usesGateway() {
		return u, nil
	}
	id, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}
	out := *u
	out.Scheme, out.Host = c.gateway.Scheme, c.gateway.Host
	out.Path = gatewayPrefix(id) + u.Path
	out.RawPath = ""
	if u.RawPath != "" {
		out.RawPath = gatewayPrefix(id) + u.RawPath
	}
	return &out, nil
}

// stripGatewayPrefix removes /ex/confluence/{cloudId} from a link's path, so
// that links the gateway returns with its prefix and links relative to the
// site both become site-relative /wiki/... paths.
func stripGatewayPrefix(p string) string {
	const ex = "/ex/confluence/"
	if !strings.HasPrefix(p, ex) {
		return p
	}
	rest := p[len(ex):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

// secretValues are the values masked in logs and scrubbed from errors.
func (c *Client) secretValues() []string {
	out := append([]string(nil), c.secrets...)
	if c.oauth != nil {
		if t := c.oauth.current(); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// TokenRequests returns how many OAuth access tokens the client has requested
// (0 in the token modes). Tests use it to see renewal.
func (c *Client) TokenRequests() int {
	if c.oauth == nil {
		return 0
	}
	c.oauth.mu.Lock()
	defer c.oauth.mu.Unlock()
	return c.oauth.fetched
}

// parseServiceURL checks an https (or loopback http) URL used as the gateway
// or OAuth token endpoint.
func parseServiceURL(what, raw string, keepPath bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("confluence: the %s %q must be an absolute https URL", what, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("confluence: the %s %s must not carry credentials, a query or a fragment", what, u.Redacted())
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("confluence: the %s %s uses http; use https (http is only allowed for loopback hosts)", what, u.Redacted())
	}
	if !keepPath {
		if p := strings.TrimSuffix(u.Path, "/"); p != "" {
			return nil, fmt.Errorf("confluence: the %s %s must have no path, e.g. %s", what, u.Redacted(), DefaultGatewayURL)
		}
		return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
	}
	return u, nil
}
