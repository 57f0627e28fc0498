// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package confluence is a small typed REST client for the Confluence Cloud
// endpoints the provider needs: v2 pages, spaces, properties and label reads,
// v1 CQL search, label writes and the current user.
//
// The client authenticates in one of three modes (see AuthMode): an account
// email and classic API token (basic auth) at the site, a scoped API token
// through the API gateway, or OAuth 2.0 client credentials through the
// gateway. It limits its own request rate and adapts it to Confluence's 429
// answers (adaptive.go), retries idempotent requests on 503 and network
// errors a bounded number of times (not when the OAuth token endpoint
// refused the client credentials: see TokenError) and every request on 429
// (refused before any work is done) within a time budget, honouring
// Retry-After, finishes a
// write already sent when its context is cancelled (writeguard.go), follows
// cursor pagination and turns error responses into *APIError values that
// never contain the token.
package confluence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Subsystem is the tflog subsystem the client logs under.
const Subsystem = "confluence"

// Defaults applied by New to zero Config fields. DefaultRequestsPerSecond is
// for callers to use: a zero Config.RequestsPerSecond means unlimited.
const (
	DefaultMaxRetries        = 4
	DefaultRequestTimeout    = 30 * time.Second
	DefaultRequestsPerSecond = 10.0
	DefaultMaxRetryWait      = 60 * time.Second
	DefaultRateLimitBudget   = 5 * time.Minute
)

// NoRetries as Config.MaxRetries disables retries (a zero MaxRetries selects
// DefaultMaxRetries, as every zero field selects its default).
const NoRetries = -1

const (
	// firstRetryWait is the wait before the first retry when the server gives
	// no Retry-After; it doubles with every further attempt.
	firstRetryWait = time.Second

	// maxErrorBody bounds how much of an error response is read: enough for
	// any Confluence error document, never a whole HTML error page.
	maxErrorBody = 64 << 10

	v2Prefix = "/wiki/api/v2"
	v1Prefix = "/wiki/rest/api"
)

// Config configures a Client. Zero values select the documented defaults.
type Config struct {
	// BaseURL is the site, e.g. https://example.atlassian.net; a trailing
	// /wiki is accepted and dropped. http:// is only allowed for loopback hosts.
	BaseURL string
	// Email and APIToken are the basic-auth credentials of the account
	// (classic_token and scoped_token modes).
	Email, APIToken string
	// AuthMode selects the authentication; "" means classic_token.
	AuthMode AuthMode
	// CloudID is the site's cloud id for the gateway modes; "" looks it up
	// from <site>/_edge/tenant_info on first use.
	CloudID string
	// GatewayURL is the API gateway (default https://api.atlassian.com);
	// tests point it at the emulator.
	GatewayURL string
	// OAuthTokenURL is the token endpoint of the oauth_client_credentials
	// mode (default https://auth.atlassian.com/oauth/token).
	OAuthTokenURL string
	// ClientID and ClientSecret are a service account's OAuth 2.0 client
	// credentials (oauth_client_credentials mode).
	ClientID, ClientSecret string
	// Version is the provider version, sent in the User-Agent.
	Version string
	// MaxRetries is the number of retries after the first attempt (0 selects
	// DefaultMaxRetries; NoRetries disables retries).
	MaxRetries int
	// RequestTimeout bounds every single attempt (default 30s).
	RequestTimeout time.Duration
	// RequestsPerSecond limits the client's own request rate, retries
	// included; 0 means unlimited until Confluence first answers 429 (the
	// provider defaults it to DefaultRequestsPerSecond). It is a ceiling: the
	// rate drops on 429 and recovers slowly towards it.
	RequestsPerSecond float64
	// MaxRetryWait caps the wait before a retry after a 503 or a network
	// error, including a server's Retry-After (default 60s). A 429's
	// Retry-After is honoured in full, within RateLimitBudget.
	MaxRetryWait time.Duration
	// RateLimitBudget bounds how long one request keeps being retried while
	// Confluence answers 429, waits included (default 5m): 429 retries do
	// not count against MaxRetries, which bounds retries after 503s and
	// network errors. A Retry-After longer than what is left of the budget
	// fails at once. Negative disables 429 retries.
	RateLimitBudget time.Duration
	// HTTPClient is an optional base client (tests); it is copied, not
	// modified, and its Timeout is replaced by RequestTimeout (applied per
	// attempt once the rate limiter lets it go).
	HTTPClient *http.Client
}

// waiter is the part of *rate.Limiter the client uses; tests inject a counter.
type waiter interface {
	Wait(ctx context.Context) error
}

// Client talks to one Confluence Cloud site as one account. It is safe for
// concurrent use.
type Client struct {
	site       *url.URL // scheme and host only; page links point here
	mode       AuthMode
	gateway    *url.URL // scheme and host of the API gateway (gateway modes)
	oauth      *oauthSource
	cloudMu    sync.Mutex
	cloudID    string
	secrets    []string // values masked in logs and scrubbed from error messages
	userAgent  string
	httpClient *http.Client
	// plainHTTP sends requests without credentials (the cloud id lookup).
	plainHTTP    *http.Client
	maxRetries   int
	maxRetryWait time.Duration
	budget       time.Duration // RateLimitBudget; 0 means no 429 retries
	// attemptTimeout bounds one attempt from when the limiter lets it go
	// until its answer is read: waiting for the limiter is not the site
	// being slow, so it is not counted.
	attemptTimeout time.Duration
	writeGrace     time.Duration // how long a sent write may finish after cancellation
	limiter        waiter
	adaptive       *adaptiveLimiter

	// Seams for tests. sleep receives the computed wait before a retry and
	// returns how long go-retryablehttp actually sleeps; jitter returns a
	// random duration in [0, n).
	sleep  func(wait time.Duration) time.Duration
	jitter func(n time.Duration) time.Duration
	now    func() time.Time
}

// New validates cfg and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	site, err := normaliseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	mode := cfg.AuthMode
	if mode == "" {
		mode = AuthClassicToken
	}
	var gateway, tokenURL *url.URL
	switch mode {
	case AuthClassicToken, AuthScopedToken:
		if strings.TrimSpace(cfg.Email) == "" {
			return nil, errors.New("confluence: the account email is empty; set the email the API token belongs to")
		}
		if strings.TrimSpace(cfg.APIToken) == "" {
			return nil, errors.New("confluence: the API token is empty; create one at https://id.atlassian.com/manage-profile/security/api-tokens")
		}
	case AuthOAuth:
		if strings.TrimSpace(cfg.ClientID) == "" || strings.TrimSpace(cfg.ClientSecret) == "" {
			return nil, errors.New("confluence: the OAuth client id or secret is empty; create OAuth 2.0 credentials for the service account in Atlassian Administration")
		}
		raw := cfg.OAuthTokenURL
		if raw == "" {
			raw = DefaultOAuthTokenURL
		}
		if tokenURL, err = parseServiceURL("OAuth token URL", raw, true); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("confluence: unknown auth mode %q; use one of %s", mode, strings.Join(AuthModes, ", "))
	}
	if mode != AuthClassicToken {
		raw := cfg.GatewayURL
		if raw == "" {
			raw = DefaultGatewayURL
		}
		if gateway, err = parseServiceURL("gateway URL", raw, false); err != nil {
			return nil, err
		}
		if cfg.CloudID != "" {
			if err := ValidateCloudID(cfg.CloudID); err != nil {
				return nil, fmt.Errorf("confluence: %w", err)
			}
		}
	}

	maxRetries := cfg.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = DefaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	maxWait := cfg.MaxRetryWait
	if maxWait <= 0 {
		maxWait = DefaultMaxRetryWait
	}

	budget := cfg.RateLimitBudget
	switch {
	case budget == 0:
		budget = DefaultRateLimitBudget
	case budget < 0:
		budget = 0
	}
	adaptive := newAdaptiveLimiter(max(cfg.RequestsPerSecond, 0))

	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	c := &Client{
		site:           site,
		mode:           mode,
		gateway:        gateway,
		cloudID:        cfg.CloudID,
		userAgent:      "terraform-provider-confluence/" + version,
		maxRetries:     maxRetries,
		maxRetryWait:   maxWait,
		budget:         budget,
		attemptTimeout: timeout,
		// One attempt may take the whole request timeout; a write sent when
		// the run is cancelled gets that long to answer.
		writeGrace: timeout,
		limiter:    adaptive,
		adaptive:   adaptive,
		sleep:      func(d time.Duration) time.Duration { return d },
		jitter: func(n time.Duration) time.Duration {
			if n <= 0 {
				return 0
			}
			// Jitter only spreads retries out; it needs no cryptographic randomness.
			return rand.N(n)
		},
		now: time.Now,
	}
	// The limiter reads the client's clock, so tests that move it move both.
	adaptive.now = func() time.Time { return c.now() }

	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
		if t, ok := base.(*http.Transport); ok {
			base = t.Clone() // own connection pool
		}
	}
	// Requests without credentials (cloud id lookup, OAuth token) share the
	// rate limit but not the auth transport.
	// Its requests carry the OAuth client secret in the body (the token
	// request): a redirect may not take them to another scheme or host.
	plain := http.Client{Transport: &rateLimitedTransport{next: base, client: c}, CheckRedirect: sameOriginRedirects}
	c.plainHTTP = &plain

	var auth authorizer
	switch mode {
	case AuthOAuth:
		c.oauth = &oauthSource{
			cfg: clientcredentials.Config{
				ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: tokenURL.String(),
				// Atlassian's examples send the credentials in the body.
				AuthStyle: oauth2.AuthStyleInParams,
			},
			http: c.plainHTTP,
			now:  func() time.Time { return c.now() },
		}
		auth = c.oauth
		c.secrets = []string{cfg.ClientSecret}
	default:
		b := newBasicAuth(cfg.Email, cfg.APIToken)
		auth = b
		c.secrets = []string{cfg.APIToken, strings.TrimPrefix(b.value, "Basic ")}
	}
	// The limiter sits in the transport so that every attempt, retries and
	// redirects included, waits for a token; the auth transport sets the
	// Authorization header per attempt so a renewed OAuth token is used.
	hc.Transport = &rateLimitedTransport{next: &authTransport{next: base, auth: auth, to: c.isCredentialEndpoint}, client: c}
	hc.Timeout = 0 // per attempt, in rateLimitedTransport
	c.httpClient = &hc
	return c, nil
}

// normaliseBaseURL returns the site root (scheme and host) of a base URL.
func normaliseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("confluence: the site URL is empty; set it to e.g. https://example.atlassian.net")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("confluence: the site URL %q is not a valid URL: %w", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("confluence: the site URL %q must be absolute, e.g. https://example.atlassian.net", raw)
	}
	if u.User != nil {
		return nil, errors.New("confluence: the site URL must not contain credentials; set email and api_token instead")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("confluence: the site URL %s must not have a query or fragment", u.Redacted())
	}
	if p := strings.TrimSuffix(u.Path, "/"); p != "" && p != "/wiki" {
		// The gateway (/ex/confluence/{cloudId}) is not a site: it is chosen
		// by auth_mode, and page links must keep pointing at the site.
		return nil, fmt.Errorf("confluence: the site URL %s has path %q; use the site root, e.g. https://example.atlassian.net", u.Redacted(), u.Path)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("confluence: the site URL %s uses http; use https (http is only allowed for loopback hosts)", u.Redacted())
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns the site root, e.g. https://example.atlassian.net (no /wiki).
func (c *Client) BaseURL() string { return c.site.String() }

// PageURL returns the absolute browser link for a page's _links.webui value
// (which is relative to /wiki), or "" when webui is empty.
func (c *Client) PageURL(webui string) string {
	if webui == "" {
		return ""
	}
	if u, err := url.Parse(webui); err == nil && u.IsAbs() {
		return webui
	}
	if !strings.HasPrefix(webui, "/") {
		webui = "/" + webui
	}
	return c.BaseURL() + "/wiki" + webui
}

// rateLimitedTransport waits for the client's limiter before every attempt.
type rateLimitedTransport struct {
	next   http.RoundTripper
	client *Client
}

// It also refuses to send a write whose run was cancelled meanwhile, and
// adapts the limiter to every answer.
func (t *rateLimitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := func() {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrip must close the body, even on error
		}
	}
	g := writeGuardOf(req.Context())
	// A 429 to a request the limiter let through at a rate since lowered
	// says nothing about the lowered rate: observe needs when it asked.
	askedAt := t.client.now()
	if l := t.client.limiter; l != nil {
		if err := l.Wait(req.Context()); err != nil {
			closeBody()
			if g != nil {
				if gerr := g.begin(); gerr != nil {
					return nil, gerr // the run was cancelled: say whether anything was sent
				}
			}
			return nil, fmt.Errorf("waiting for the client rate limiter: %w", err)
		}
	}
	if g != nil {
		if err := g.begin(); err != nil {
			closeBody()
			return nil, err
		}
	}
	var cancel context.CancelFunc = func() {}
	if d := t.client.attemptTimeout; d > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeoutCause(req.Context(), d, fmt.Errorf("the request timeout (%s) passed before Confluence answered", d))
		req = req.WithContext(ctx)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if t.client.adaptive != nil {
		t.client.adaptive.observe(askedAt, resp.StatusCode, resp.Header, t.client.parseRetryAfter)
	}
	// The timeout covers reading the answer too; it ends when the body is closed.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases an attempt's timeout when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// request describes one API call.
type request struct {
	method string
	url    *url.URL // absolute, on the configured site
	body   any      // JSON-encoded when non-nil
	// retryPOST marks a POST whose repetition has no further effect (adding
	// labels); other POSTs are never retried.
	retryPOST bool
}

func (r request) retryable() bool {
	switch r.method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPost:
		return r.retryPOST
	}
	return false
}

// responseMeta is what callers may need from a successful response besides its body.
type responseMeta struct {
	header http.Header
	// retriedAfterLostResponse is true when an earlier attempt failed without
	// a response, so the server may already have applied the request.
	retriedAfterLostResponse bool
}

// endpoint builds the URL of path (site-root relative, already escaped) with query q.
func (c *Client) endpoint(escapedPath string, q url.Values) *url.URL {
	u := *c.site
	u.Path, _ = url.PathUnescape(escapedPath)
	u.RawPath = escapedPath
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return &u
}

// v2 and v1 build endpoint URLs of the two API generations.
func (c *Client) v2(path string, q url.Values) *url.URL { return c.endpoint(v2Prefix+path, q) }
func (c *Client) v1(path string, q url.Values) *url.URL { return c.endpoint(v1Prefix+path, q) }

// attemptTracker follows one call's attempts for logging and DeletePage.
type attemptTracker struct {
	attempts     int
	first        time.Time // when the first attempt started: the 429 budget runs from here
	started      time.Time
	lostResponse bool // some attempt ended without a response
	reauthed     bool // a fresh OAuth access token was fetched after a 401
	retries      int  // retries after 503s and network errors, bounded by MaxRetries
	limited      int  // retries after 429s, bounded by the budget
	// nextWait is the wait CheckRetry chose for a 429 (Backoff sleeps it).
	nextWait time.Duration
	// budgetLeft is set when a 429 ended the call because waiting for it
	// would outlast the rate-limit budget: what was left of the budget.
	budgetLeft *time.Duration
	budget     time.Duration
}

// annotate adds to a 429 error why the client stopped retrying.
func (t *attemptTracker) annotate(e *APIError) {
	if e.Kind == KindRateLimited && t.budgetLeft != nil {
		e.Budget, e.BudgetLeft = t.budget, *t.budgetLeft
	}
}

// do performs r with retries and decodes a successful JSON response into out
// (when out is non-nil). Error statuses become *APIError.
func (c *Client) do(ctx context.Context, r request, out any) (*responseMeta, error) {
	ctx = c.logContext(ctx)
	path := r.url.EscapedPath()
	target, err := c.toAPI(ctx, r.url)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, path, err)
	}

	var body any
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding request body: %w", r.method, path, err)
		}
		body = b
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, target.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: building request: %w", r.method, path, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	if isWrite(r.method) {
		wctx, release := c.guardWrite(ctx)
		defer release()
		req = req.WithContext(wctx)
	}

	tracker := &attemptTracker{}
	resp, err := c.retryClient(ctx, r, tracker).Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if te, ok := AsTokenError(err); ok {
			// Without the transport's "Get <url>:" wrapping: the request was
			// never sent, and the token endpoint's error says why.
			return nil, fmt.Errorf("%s %s: not sent, no OAuth access token after %d attempt(s): %w", r.method, path, tracker.attempts, te)
		}
		return nil, fmt.Errorf("%s %s: request failed after %d attempt(s): %w", r.method, path, tracker.attempts, err)
	}
	defer func() { _ = resp.Body.Close() }()

	meta := &responseMeta{
		header:                   resp.Header,
		retriedAfterLostResponse: tracker.lostResponse,
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := c.newAPIError(r.method, path, resp)
		tracker.annotate(apiErr)
		return meta, apiErr
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body) // lets the connection be reused
		return meta, nil
	}
	if strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/html") {
		// A web server that answers every path with a page is not Confluence.
		return meta, &APIError{Kind: KindNotConfluence, StatusCode: resp.StatusCode, Method: r.method, Path: path,
			AuthMode: c.mode, BaseURL: c.answeredBy(resp)}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return meta, fmt.Errorf("%s %s: decoding the %d response: %w", r.method, path, resp.StatusCode, err)
	}
	return meta, nil
}

// retryClient returns a go-retryablehttp client for one call: the retry policy
// depends on the request's method and the logger on its context.
func (c *Client) retryClient(ctx context.Context, r request, tracker *attemptTracker) *retryablehttp.Client {
	method, path := r.method, r.url.EscapedPath()
	tracker.budget = c.budget
	return &retryablehttp.Client{
		HTTPClient: c.httpClient,
		Logger:     retryLogger{ctx: ctx},
		// Each retry is decided by checkRetry: 503s and network errors by
		// count (MaxRetries), 429s by time (RateLimitBudget).
		RetryMax:     math.MaxInt32,
		RetryWaitMin: firstRetryWait,
		RetryWaitMax: c.maxRetryWait,
		CheckRetry:   c.checkRetry(r.retryable(), tracker),
		Backoff: func(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
			if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
				return c.sleep(tracker.nextWait)
			}
			return c.backoff(0, 0, max(tracker.retries-1, 0), resp)
		},
		// Hand the last response back so it becomes a typed error.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
			tracker.attempts = attempt + 1
			tracker.started = c.now()
			if attempt == 0 {
				tracker.first = tracker.started
			}
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			tflog.SubsystemDebug(ctx, Subsystem, "Confluence API response", map[string]any{
				"method":      method,
				"path":        path,
				"status":      resp.StatusCode,
				"attempt":     tracker.attempts,
				"duration_ms": c.now().Sub(tracker.started).Milliseconds(),
			})
		},
	}
}

// checkRetry retries 429 responses for every request within the time
// budget, and 503 responses and network errors for idempotent requests up
// to MaxRetries times. A PUT retried after a lost response may answer 409
// although the first attempt succeeded; that is returned, not hidden. Once
// a write's run is cancelled, it is not sent again (writeguard.go).
func (c *Client) checkRetry(retryable bool, tracker *attemptTracker) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		retry, cerr := c.shouldRetry(ctx, retryable, tracker, resp, err)
		if !retry || cerr != nil {
			return false, cerr
		}
		if g := writeGuardOf(ctx); g != nil {
			if gerr := g.between(); gerr != nil {
				return false, gerr
			}
		}
		return true, nil
	}
}

func (c *Client) shouldRetry(ctx context.Context, retryable bool, tracker *attemptTracker, resp *http.Response, err error) (bool, error) {
	cancelled := isDone(ctx)
	if cancelled && err == nil {
		return false, ctx.Err()
	}
	if err != nil {
		if errors.Is(err, ErrNotSent) {
			return false, nil
		}
		// No access token: the request was not sent. A refused credential
		// or an unknown host fails the same way on every attempt; a token
		// endpoint that failed (5xx) or was not reached may answer next time.
		if te, ok := AsTokenError(err); ok {
			if cancelled || te.Permanent() || tracker.retries >= c.maxRetries {
				return false, nil
			}
			if te.StatusCode == 0 {
				// As below: a bad certificate or scheme stays bad.
				if retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, te.Err); !retry {
					return false, nil
				}
			}
			tracker.retries++
			return true, nil
		}
		tracker.lostResponse = true
		// After a cancellation the transport error is kept: the request may
		// have been sent (MayHaveBeenApplied).
		if cancelled || !retryable || tracker.retries >= c.maxRetries {
			return false, nil
		}
		// Reuse go-retryablehttp's classification: TLS certificate,
		// scheme and redirect-loop errors are not worth retrying.
		retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, err)
		if retry {
			tracker.retries++
		}
		return retry, nil
	}
	// An OAuth access token refused with 401 (it lapsed in transit, or
	// was revoked early) is replaced once; the gateway refused before
	// doing anything, so every method may retry.
	if c.retryWithNewToken(resp, tracker) {
		return true, nil
	}
	// A 429 comes from the rate limiter before anything is processed, so
	// it is safe to retry for every method, creates included, for as long
	// as the budget lasts. A 503 may come after the work was done: only
	// idempotent requests retry it.
	if resp.StatusCode == http.StatusTooManyRequests {
		wait, ok := c.rateLimitWait(tracker, resp)
		if !ok {
			return false, nil
		}
		tracker.nextWait = wait
		tracker.limited++
		return true, nil
	}
	if retryable && resp.StatusCode == http.StatusServiceUnavailable && tracker.retries < c.maxRetries {
		tracker.retries++
		return true, nil
	}
	return false, nil
}

// isDone reports whether ctx was cancelled or timed out.
func isDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

// rateLimitWait decides whether a 429 is retried and after how long: the
// server's Retry-After (or X-RateLimit-Reset) in full, since a request sent
// earlier fails again; without either, exponential from one second with
// jitter. It returns false, recording what was left, when the wait would
// outlast the budget.
func (c *Client) rateLimitWait(tracker *attemptTracker, resp *http.Response) (time.Duration, bool) {
	left := c.budget - c.now().Sub(tracker.first)
	rh := parseRateHeaders(resp.Header, c.now(), c.parseRetryAfter)
	var wait time.Duration
	if rh.retryAfter > 0 {
		if rh.retryAfter > left {
			tracker.budgetLeft = &left
			return 0, false
		}
		wait = min(rh.retryAfter+c.jitter(rh.retryAfter/5), left)
	} else {
		if left <= 0 {
			tracker.budgetLeft = &left
			return 0, false
		}
		base := min(firstRetryWait<<min(tracker.limited, 16), c.maxRetryWait)
		wait = min(base+c.jitter(base/5), left)
	}
	return wait, true
}

// backoff is go-retryablehttp's Backoff hook.
func (c *Client) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusUnauthorized {
		return c.sleep(0) // a new token is all it takes
	}
	return c.sleep(c.retryWait(attempt, resp))
}

// retryWait is the wait before retry number attempt+1: the server's
// Retry-After when given, else exponential from one second; plus up to 20 %
// jitter so that parallel clients do not retry in lockstep; capped at
// MaxRetryWait.
func (c *Client) retryWait(attempt int, resp *http.Response) time.Duration {
	base := firstRetryWait << min(attempt, 16)
	if resp != nil {
		if d, ok := c.parseRetryAfter(resp.Header.Get("Retry-After")); ok {
			base = d
		}
	}
	if base >= c.maxRetryWait {
		return c.maxRetryWait
	}
	return min(base+c.jitter(base/5), c.maxRetryWait)
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date.
func (c *Client) parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Avoid overflowing time.Duration with absurd values.
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(c.now()), 0), true
	}
	return 0, false
}

// logContext attaches the client's tflog subsystem, with the credentials masked.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, Subsystem)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, Subsystem, "Authorization", "authorization")
	secrets := c.secretValues()
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, Subsystem, secrets...)
	return tflog.SubsystemMaskMessageStrings(ctx, Subsystem, secrets...)
}

// retryLogger bridges go-retryablehttp's LeveledLogger to tflog, bound to
// the context of the call it logs for.
type retryLogger struct{ ctx context.Context }

var _ retryablehttp.LeveledLogger = retryLogger{}

// Error is logged as a warning: go-retryablehttp reports every failed
// attempt, and a failure that a retry recovers from is not an error; a final
// failure reaches the caller as an error anyway.
func (l retryLogger) Error(msg string, kv ...any) {
	tflog.SubsystemWarn(l.ctx, Subsystem, msg, fields(kv))
}
func (l retryLogger) Warn(msg string, kv ...any) {
	tflog.SubsystemWarn(l.ctx, Subsystem, msg, fields(kv))
}
func (l retryLogger) Info(msg string, kv ...any) {
	tflog.SubsystemInfo(l.ctx, Subsystem, msg, fields(kv))
}
func (l retryLogger) Debug(msg string, kv ...any) {
	tflog.SubsystemDebug(l.ctx, Subsystem, msg, fields(kv))
}

// fields turns go-retryablehttp's key/value pairs into tflog fields.
func fields(kv []any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		key := fmt.Sprint(kv[i])
		switch v := kv[i+1].(type) {
		case error:
			m[key] = v.Error()
		case fmt.Stringer:
			m[key] = v.String()
		default:
			m[key] = v
		}
	}
	return m
}

// isCredentialEndpoint reports whether u is on the site or the gateway the
// client was configured with, by scheme and host: the only places its
// credentials go.
func (c *Client) isCredentialEndpoint(u *url.URL) bool {
	for _, e := range []*url.URL{c.site, c.gateway} {
		if e != nil && strings.EqualFold(u.Scheme, e.Scheme) && strings.EqualFold(u.Host, e.Host) {
			return true
		}
	}
	return false
}

// sameOriginRedirects follows a redirect only to the scheme and host of the
// original request (at most 10, as Go's default).
func sameOriginRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if !strings.EqualFold(req.URL.Scheme, first.Scheme) || !strings.EqualFold(req.URL.Host, first.Host) {
		return fmt.Errorf("refused a redirect from %s://%s to %s://%s: requests without the site's credentials still carry secrets (the OAuth client secret) and are not sent to another host", first.Scheme, first.Host, req.URL.Scheme, req.URL.Host)
	}
	return nil
}
