// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// TokenError is a failure to get an OAuth access token from the token
// endpoint, so the API request it was for was never sent. It carries the
// endpoint's RFC 6749 §5.2 error code, the client id and never the secret.
//
// A 4xx answer is permanent: the endpoint refused the credentials or the
// request, and sending the same secret again changes nothing, so it is not
// retried. A host that does not resolve is permanent too. A 5xx or another
// network error may pass, and is retried like any lost request.
type TokenError struct {
	TokenURL    string // the endpoint, e.g. https://auth.atlassian.com/oauth/token
	ClientID    string
	StatusCode  int    // 0 when the endpoint did not answer
	Code        string // RFC 6749 §5.2 error code, e.g. invalid_client
	Description string // the endpoint's error_description (or message), secret scrubbed
	// Err is the transport error when StatusCode is 0.
	Err error
	// detail is Err's text with the secret scrubbed.
	detail string
}

// credentialCodes are the RFC 6749 §5.2 error codes that mean the client's
// credentials (not the request's form) were refused; access_denied is what
// some servers answer for a disabled client.
var credentialCodes = map[string]bool{"invalid_client": true, "invalid_grant": true, "unauthorized_client": true, "access_denied": true}

// Rejected reports whether the endpoint refused the client credentials: a
// 401 or 403, or a 400 with a credential error code.
func (e *TokenError) Rejected() bool {
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden ||
		(e.StatusCode >= 400 && e.StatusCode < 500 && credentialCodes[e.Code])
}

// HostNotFound reports whether the token endpoint's host does not resolve.
func (e *TokenError) HostNotFound() bool {
	var dnsErr *net.DNSError
	return e.StatusCode == 0 && errors.As(e.Err, &dnsErr) && dnsErr.IsNotFound
}

// Permanent reports whether asking again cannot help: any 4xx but a timeout
// (408) or rate limit (429), or a host that does not resolve.
func (e *TokenError) Permanent() bool {
	if e.StatusCode >= 400 && e.StatusCode < 500 {
		return e.StatusCode != http.StatusRequestTimeout && e.StatusCode != http.StatusTooManyRequests
	}
	return e.HostNotFound()
}

// Host is the token endpoint's host, for messages.
func (e *TokenError) Host() string {
	if u, err := url.Parse(e.TokenURL); err == nil {
		return u.Host
	}
	return e.TokenURL
}

// Error renders e.g. "POST https://auth.atlassian.com/oauth/token: 401
// Unauthorized: invalid_client: Unauthorized (the OAuth client id or secret
// of client abc was refused: …)".
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s: ", e.TokenURL)
	if e.StatusCode == 0 {
		fmt.Fprintf(&b, "requesting an OAuth access token for client %s failed: %s", e.ClientID, e.detail)
		if e.HostNotFound() {
			fmt.Fprintf(&b, " (the host %s of the OAuth token endpoint does not resolve; outside Atlassian Cloud, e.g. against the emulator, set oauth_token_url or CONFLUENCE_OAUTH_TOKEN_URL, and gateway_url or CONFLUENCE_GATEWAY_URL)", e.Host())
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if msg := strings.Trim(e.Code+": "+e.Description, ": "); msg != "" {
		b.WriteString(": " + msg)
	}
	switch {
	case e.Rejected():
		fmt.Fprintf(&b, " (the OAuth client id or secret of client %s was refused: check them, and that the service account's OAuth credential is not revoked or expired)", e.ClientID)
	case e.Permanent():
		fmt.Fprintf(&b, " (the OAuth token endpoint refused the request: check that oauth_token_url is an OAuth 2.0 token endpoint, by default %s)", DefaultOAuthTokenURL)
	}
	return b.String()
}

// Unwrap returns the transport error, if any.
func (e *TokenError) Unwrap() error { return e.Err }

// AsTokenError returns the *TokenError in err's chain.
func AsTokenError(err error) (*TokenError, bool) {
	var te *TokenError
	ok := errors.As(err, &te)
	return te, ok
}
