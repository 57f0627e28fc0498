// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"net/http"
	"net/url"
	"testing"
)

// Credentials go only to the configured site and gateway, by scheme and
// host; requests without them (the OAuth token request) follow redirects
// only within the same origin.
func TestCredentialsStayOnTheirEndpoints(t *testing.T) {
	t.Parallel()
	c := &Client{site: &url.URL{Scheme: "https", Host: "acme.atlassian.net"}, gateway: &url.URL{Scheme: "https", Host: "api.atlassian.com"}}
	for raw, want := range map[string]bool{
		"https://acme.atlassian.net/wiki/api/v2/pages":        true,
		"https://ACME.atlassian.net/wiki/api/v2/pages":        true,
		"https://api.atlassian.com/ex/confluence/x/wiki/api":  true,
		"http://acme.atlassian.net/wiki/api/v2/pages":         false, // downgrade
		"https://acme.atlassian.net:8443/wiki/api/v2/pages":   false,
		"https://evil.example/wiki/api/v2/pages":              false,
		"https://acme.atlassian.net.evil.example/wiki/api/v2": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.isCredentialEndpoint(u); got != want {
			t.Errorf("isCredentialEndpoint(%s) = %v, want %v", raw, got, want)
		}
	}
	req := func(raw string) *http.Request {
		r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	from := []*http.Request{req("https://auth.atlassian.com/oauth/token")}
	if err := sameOriginRedirects(req("https://auth.atlassian.com/oauth/token/"), from); err != nil {
		t.Errorf("a same-origin redirect was refused: %v", err)
	}
	for _, to := range []string{"https://evil.example/oauth/token", "http://auth.atlassian.com/oauth/token"} {
		if err := sameOriginRedirects(req(to), from); err == nil {
			t.Errorf("a redirect to %s was followed", to)
		}
	}
}
