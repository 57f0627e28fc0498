// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrorKind classifies an API error by what the caller can do about it.
type ErrorKind int

const (
	KindOther        ErrorKind = iota // any other status
	KindBadRequest                    // 400: the request was invalid (e.g. malformed storage XHTML)
	KindUnauthorized                  // 401: email or API token rejected
	KindForbidden                     // 403: authenticated, but not permitted
	KindNotFound                      // 404: missing, or not visible to the account
	KindConflict                      // 409: stale version or duplicate title
	KindRateLimited                   // 429: rate limited, retries exhausted
	KindServer                        // 5xx (502 and 504 may come after the write was saved: see MayHaveBeenApplied)
	KindTooLarge                      // 413: the request body is over Confluence's limit (5 MB)
	// KindNotConfluence: the answer is a web page, not Confluence's JSON (a
	// 404 HTML page, or HTML where JSON was due): the URL is not a
	// Confluence Cloud site (or gateway). Not a not-found: nothing is known
	// about the content asked for.
	KindNotConfluence
)

func (k ErrorKind) String() string {
	switch k {
	case KindBadRequest:
		return "bad request"
	case KindUnauthorized:
		return "unauthorized"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindRateLimited:
		return "rate limited"
	case KindServer:
		return "server error"
	case KindTooLarge:
		return "request too large"
	case KindNotConfluence:
		return "not a Confluence answer"
	}
	return "error"
}

func kindOf(status int) ErrorKind {
	switch {
	case status == http.StatusBadRequest:
		return KindBadRequest
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == http.StatusRequestEntityTooLarge:
		return KindTooLarge
	case status >= 500:
		return KindServer
	}
	return KindOther
}

// APIError is an error answer from Confluence. It carries Confluence's own
// message, never the raw body or any request header.
type APIError struct {
	Kind       ErrorKind
	StatusCode int    // 0 when the client concluded the error itself (e.g. no space with a key)
	Method     string // HTTP method
	Path       string // URL path, without query
	Message    string // Confluence's message, if it gave one
	// MissingScopes, when set, are the scopes the endpoint needs and the
	// scoped token or OAuth access token was refused for lacking.
	MissingScopes []string
	// CurrentVersion is the page's current version number, parsed from a
	// v2 409 "Current version is: N" message (0 when unknown).
	CurrentVersion int
	// RetryAfter is the server's Retry-After on a 429 (0 when absent).
	RetryAfter time.Duration
	// Budget is the client's rate-limit budget when a 429 ended the call
	// because waiting longer would outlast it, and BudgetLeft what was left
	// of it then (both 0 otherwise).
	Budget, BudgetLeft time.Duration
	// AuthMode is how the client authenticated, and ClientID its OAuth
	// client id (oauth_client_credentials only), so a 401 can say which
	// credential to check.
	AuthMode AuthMode
	ClientID string
	// SpaceKey is set when a lookup by space key found no space: Confluence
	// lists only the spaces the account may view (GET /wiki/api/v2/spaces).
	SpaceKey string
	// BaseURL is where the request went (the site, or the gateway) when
	// Kind is KindNotConfluence.
	BaseURL string
	// Transient is true for a 409 that says the page is briefly locked or not yet
	// reconciled (OptimisticLockException, "unreconciled content … Retry in a few
	// moments") rather than that its version moved. Confirm with the page's version
	// before retrying: see Client.UpdatePageRetryingTransient.
	Transient bool
}

// Error renders e.g. "GET /wiki/api/v2/pages/123: 404 Not Found: Page not found".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	} else {
		b.WriteString(e.Kind.String())
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.MissingScopes) > 0 {
		fmt.Fprintf(&b, " (the token lacks a scope this needs: %s; add it to the credential)", strings.Join(e.MissingScopes, ", "))
		return b.String()
	}
	switch e.Kind {
	case KindUnauthorized:
		b.WriteString(" (" + unauthorizedAdvice(e.AuthMode, e.ClientID) + ")")
	case KindNotConfluence:
		fmt.Fprintf(&b, " (%s answered a web page, not Confluence's JSON: it does not look like a Confluence Cloud site; check the url, e.g. https://<site>.atlassian.net)", e.BaseURL)
	case KindTooLarge:
		b.WriteString(" (the request is over Confluence's 5 MB limit: split the page or shorten its body)")
	case KindRateLimited:
		switch {
		case e.Budget > 0 && e.RetryAfter > 0:
			fmt.Fprintf(&b, " (Confluence asks to retry after %s, longer than the %s left of rate_limit_budget (%s): the site is busy; retry later, or raise rate_limit_budget)",
				e.RetryAfter, max(e.BudgetLeft, 0).Round(time.Second), e.Budget)
		case e.Budget > 0:
			fmt.Fprintf(&b, " (Confluence kept rate limiting the request for the whole rate_limit_budget (%s): retry later, or raise rate_limit_budget or lower requests_per_second)", e.Budget)
		case e.RetryAfter > 0:
			fmt.Fprintf(&b, " (Confluence asks to retry after %s; lower requests_per_second or retry later)", e.RetryAfter)
		default:
			b.WriteString(" (lower requests_per_second or retry later)")
		}
	}
	return b.String()
}

// AsAPIError returns the *APIError in err's chain.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

func isKind(err error, kind ErrorKind) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Kind == kind
}

// IsNotFound reports whether err is a 404 (or a lookup that found nothing).
func IsNotFound(err error) bool { return isKind(err, KindNotFound) }

// IsForbidden reports whether err is a 403.
func IsForbidden(err error) bool { return isKind(err, KindForbidden) }

// IsConflict reports whether err is a 409.
func IsConflict(err error) bool { return isKind(err, KindConflict) }

// IsUnauthorized reports whether err is a 401, or the OAuth token endpoint
// refusing the client credentials.
func IsUnauthorized(err error) bool {
	if te, ok := AsTokenError(err); ok {
		return te.Rejected()
	}
	return isKind(err, KindUnauthorized)
}

// IsNotConfluence reports whether the URL answered something that is not
// Confluence (see KindNotConfluence).
func IsNotConfluence(err error) bool { return isKind(err, KindNotConfluence) }

// unauthorizedAdvice says which credential to check after a 401, by mode.
func unauthorizedAdvice(mode AuthMode, clientID string) string {
	switch mode {
	case AuthOAuth:
		return "the gateway refused the OAuth access token of client " + clientID + ": check that the service account's OAuth credential is not revoked or expired and the account is active"
	case AuthScopedToken:
		return "check the email and the scoped API token: the token may be wrong, revoked or expired, and a scoped token only works through the gateway"
	}
	return "check the email and API token: the token may be wrong, revoked or expired"
}

// IsBadRequest reports whether err is a 400.
func IsBadRequest(err error) bool { return isKind(err, KindBadRequest) }

// IsRateLimited reports whether err is a 429 that outlasted the retries.
func IsRateLimited(err error) bool { return isKind(err, KindRateLimited) }

// IsTooLarge reports whether err is a 413: the body is over Confluence's limit.
func IsTooLarge(err error) bool { return isKind(err, KindTooLarge) }

// IsTransientConflict reports whether err is a 409 whose message says the page is
// briefly locked or unreconciled, not that its version moved.
func IsTransientConflict(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Kind == KindConflict && apiErr.Transient
}

// MayHaveBeenApplied reports whether a failed write may nevertheless have been saved:
// a 502 or 504 (Atlassian's edge lost or timed out waiting for the answer of a site
// that went on to save) or a transport error after the request was sent. The caller
// must read back before deciding whether the write happened.
func MayHaveBeenApplied(err error) bool {
	if err == nil || errors.Is(err, ErrNotSent) {
		return false
	}
	if _, ok := AsTokenError(err); ok {
		return false // no access token, so nothing was sent
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.StatusCode == http.StatusBadGateway || apiErr.StatusCode == http.StatusGatewayTimeout
	}
	var urlErr *url.Error
	return errors.As(err, &urlErr)
}

var (
	// currentVersionPattern finds the version in Confluence's v2 409 title,
	// "Version must be incremented on update. Current version is: 5".
	currentVersionPattern = regexp.MustCompile(`(?i)current version is:?\s*(\d+)`)
	// transientConflictPattern recognises the 409s Confluence Cloud answers while
	// a page is locked or not yet reconciled by its collaborative editing service,
	// as other publishers report them: "javax.persistence.OptimisticLockException:
	// Batch update returned unexpected row count" (duo-labs/markdown-to-confluence
	// issue 6), "StaleObjectStateException" (sphinx-contrib/confluencebuilder pull
	// request 127), "ExternalChangesException: Trying to access unreconciled content
	// … Retry in a few moments" (justmiles/go-markdown2confluence issue 11).
	transientConflictPattern = regexp.MustCompile(`(?i)OptimisticLock|StaleObjectState|unreconciled|Retry in a few moments`)
	// javaExceptionPrefix is the exception class v1 puts before its messages,
	// e.g. "com.atlassian.confluence.api.service.exceptions.BadRequestException: ".
	javaExceptionPrefix = regexp.MustCompile(`^(?:[A-Za-z_][\w$]*\.)+[\w$]*(?:Exception|Error):\s*`)
)

// errorDocument covers both JSON error shapes:
// v2 {"errors":[{"status":409,"code":"CONFLICT","title":"…","detail":null}]}
// and v1 {"statusCode":400,"message":"…","data":{…},"reason":"Bad Request"}.
type errorDocument struct {
	Errors []struct {
		Title  string  `json:"title"`
		Detail *string `json:"detail"`
		Code   string  `json:"code"`
	} `json:"errors"`
	Message string `json:"message"`
}

// newAPIError reads resp's body (bounded) into an *APIError.
func (c *Client) newAPIError(method, path string, resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{
		Kind:       kindOf(resp.StatusCode),
		StatusCode: resp.StatusCode,
		Method:     method,
		Path:       path,
		Message:    c.scrub(errorMessage(resp.Header.Get("Content-Type"), body)),
		AuthMode:   c.mode,
	}
	if c.oauth != nil {
		e.ClientID = c.oauth.cfg.ClientID
	}
	if resp.StatusCode == http.StatusNotFound && isWebPage(resp.Header.Get("Content-Type"), body) {
		e.Kind, e.BaseURL = KindNotConfluence, c.answeredBy(resp)
	}
	if e.Kind == KindConflict {
		if m := currentVersionPattern.FindStringSubmatch(e.Message); m != nil {
			e.CurrentVersion, _ = strconv.Atoi(m[1])
		}
		e.Transient = e.CurrentVersion == 0 && transientConflictPattern.MatchString(e.Message)
	}
	if c.usesGateway() && isScopeMismatch(resp.StatusCode, e.Message) {
		e.MissingScopes = RequiredScopes(method, path)
	}
	if e.Kind == KindRateLimited {
		e.RetryAfter, _ = c.parseRetryAfter(resp.Header.Get("Retry-After"))
	}
	return e
}

// errorMessage extracts Confluence's message from an error body.
func errorMessage(contentType string, body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	var doc errorDocument
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &doc) == nil {
		var parts []string
		for _, e := range doc.Errors {
			msg := e.Title
			if msg == "" {
				msg = e.Code
			}
			if e.Detail != nil && *e.Detail != "" && *e.Detail != msg {
				msg += ": " + *e.Detail
			}
			if msg != "" {
				parts = append(parts, msg)
			}
		}
		if len(parts) > 0 {
			return oneLine(strings.Join(parts, "; "))
		}
		return oneLine(javaExceptionPrefix.ReplaceAllString(doc.Message, ""))
	}
	// Atlassian's proxy answers some errors (notably 401) in plain text. HTML
	// error pages and unknown documents are not repeated.
	if strings.HasPrefix(contentType, "text/html") || strings.HasPrefix(trimmed, "<") || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		return ""
	}
	return oneLine(trimmed)
}

// oneLine collapses whitespace and bounds a message's length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const maxLen = 300
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// scrub removes the credentials from a server-supplied message, in case a
// proxy ever echoes them back.
func (c *Client) scrub(s string) string {
	for _, secret := range c.secretValues() {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}

// isWebPage reports whether an answer is an HTML page: Confluence answers
// its API paths, errors included, in JSON (the v2 and v1 error documents
// above), so a page comes from something else at that URL.
func isWebPage(contentType string, body []byte) bool {
	trimmed := strings.TrimSpace(string(body))
	return strings.HasPrefix(strings.ToLower(contentType), "text/html") || strings.HasPrefix(trimmed, "<")
}

// answeredBy names the base URL (site or gateway) that answered resp.
func (c *Client) answeredBy(resp *http.Response) string {
	if resp.Request != nil && resp.Request.URL != nil {
		return resp.Request.URL.Scheme + "://" + resp.Request.URL.Host
	}
	return c.site.String()
}
