// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

func TestWholeDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{7989*time.Hour + 15*time.Minute, "332 days"},
		{48 * time.Hour, "2 days"},
		{47*time.Hour + 59*time.Minute, "47 hours"},
		{25 * time.Hour, "25 hours"},
		{time.Hour, "1 hour"},
		{59 * time.Minute, "59 minutes"},
		{time.Minute, "1 minute"},
		{20 * time.Second, "0 minutes"},
		{-time.Hour, "0 minutes"},
	}
	for _, tc := range cases {
		if got := wholeDuration(tc.d); got != tc.want {
			t.Errorf("wholeDuration(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// An expired credential's notice says how long ago in days, not as a raw
// duration.
func TestCredentialNotices_expiredInDays(t *testing.T) {
	expired := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := expired.Add(7989*time.Hour + 15*time.Minute)
	notices := credentialNotices(string(confluence.AuthOAuth), &expired, nil, now)
	if len(notices) != 1 || !notices[0].err || !strings.Contains(notices[0].detail, "(332 days ago)") || strings.Contains(notices[0].detail, "h15m") {
		t.Fatalf("notices = %+v", notices)
	}
}

// The explanation of a failed call names the credential of the auth mode in
// use: an OAuth client's id (never its secret) and the variables that set
// it, not an e-mail address and API token.
func TestExplainAPIError_byAuthMode(t *testing.T) {
	rejected := &confluence.TokenError{TokenURL: "https://auth.atlassian.com/oauth/token", ClientID: "cid-1", StatusCode: 401, Code: "invalid_client"}
	cases := []struct {
		name    string
		account string
		err     error
		want    []string
		notWant []string
	}{
		{
			name: "refused client secret", err: fmt.Errorf("GET /wiki/api/v2/spaces: not sent: %w", rejected),
			want:    []string{"https://auth.atlassian.com/oauth/token", "client cid-1", "401 invalid_client", envClientID, envClientSecret, "revoked or expired"},
			notWant: []string{"e-mail", "API token", "credentials of ."},
		},
		{
			name:    "token host does not resolve",
			err:     &confluence.TokenError{TokenURL: "https://auth.atlassian.com/oauth/token", ClientID: "cid-1", Err: errDNS("auth.atlassian.com")},
			want:    []string{"https://auth.atlassian.com/oauth/token", "does not resolve", envOAuthTokenURL, envGatewayURL},
			notWant: []string{"Check the site URL"},
		},
		{
			name: "oauth access token refused by the gateway",
			err:  &confluence.APIError{Kind: confluence.KindUnauthorized, StatusCode: 401, AuthMode: confluence.AuthOAuth, ClientID: "cid-1"},
			want: []string{"OAuth access token of client cid-1", "revoked"}, notWant: []string{"e-mail"},
		},
		{
			name: "classic token", account: "bot@example.com",
			err:  &confluence.APIError{Kind: confluence.KindUnauthorized, StatusCode: 401, AuthMode: confluence.AuthClassicToken},
			want: []string{"bot@example.com", "e-mail address", "API token"},
		},
		{
			name: "not found without an account names the OAuth client",
			err:  &confluence.APIError{Kind: confluence.KindNotFound, StatusCode: 404, AuthMode: confluence.AuthOAuth, ClientID: "cid-1"},
			want: []string{"the service account of OAuth client cid-1"},
		},
		{
			name: "space key not found", account: "bot@example.com",
			err:  &confluence.APIError{Kind: confluence.KindNotFound, SpaceKey: "DOSC"},
			want: []string{`key "DOSC"`, "capitals included", "view permission"}, notWant: []string{"Confluence answered not found"},
		},
		{
			name: "not a Confluence site",
			err:  &confluence.APIError{Kind: confluence.KindNotConfluence, StatusCode: 404, Path: "/wiki/rest/api/user/current", BaseURL: "http://127.0.0.1:8000", AuthMode: confluence.AuthClassicToken},
			want: []string{"http://127.0.0.1:8000 does not look like a Confluence Cloud site", "404", "/wiki/rest/api/user/current", "https://<site>.atlassian.net"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := explainAPIError(tc.account, tc.err)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("%q has %q", got, w)
				}
			}
		})
	}
}

// errDNS is the error a lookup of an unknown host gives.
func errDNS(host string) error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
}

// A policy that cannot be loaded because the OAuth secret was refused says
// so, as the other failed calls do, rather than "could not be evaluated".
func TestAddPolicyEvaluationError_tokenRefused(t *testing.T) {
	te := &confluence.TokenError{TokenURL: "https://auth.atlassian.com/oauth/token", ClientID: "cid-1", StatusCode: 400, Code: "invalid_client"}
	var diags diag.Diagnostics
	d := &providerData{clientID: "cid-1", authMode: confluence.AuthOAuth}
	d.addPolicyEvaluationError(&diags, policy.Request{Operation: policy.UpdatePage, SpaceKey: "DOCS", PageID: "1", PageTitle: "T"}, atPlan,
		fmt.Errorf("reading the authenticated account: %w", te))
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), "refused the client credentials of client cid-1 (400 invalid_client)") || !strings.Contains(diags[0].Detail(), envClientSecret) {
		t.Fatalf("diagnostics = %v", diags)
	}
}
