// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

func TestResolveAuth(t *testing.T) {
	cases := []struct {
		name                                               string
		mode, cloudID, gateway, tokenURL, clientID, secret string
		wantMode                                           confluence.AuthMode
		wantAttrs                                          []string
	}{
		{name: "default classic", wantMode: confluence.AuthClassicToken},
		{name: "inferred oauth", clientID: "id", secret: "sekr3t-value", wantMode: confluence.AuthOAuth},
		{name: "oauth without secret", mode: "oauth_client_credentials", clientID: "id", wantMode: confluence.AuthOAuth, wantAttrs: []string{"client_secret"}},
		{name: "secret alone", secret: "sekr3t-value", wantMode: confluence.AuthOAuth, wantAttrs: []string{"client_id"}},
		{name: "client id with scoped", mode: "scoped_token", clientID: "id", wantMode: confluence.AuthScopedToken, wantAttrs: []string{"client_id"}},
		{name: "scoped with everything valid", mode: "scoped_token", cloudID: "a1b2", gateway: "http://127.0.0.1:8090", wantMode: confluence.AuthScopedToken},
		{name: "classic may carry gateway settings", cloudID: "a1b2", gateway: "https://api.atlassian.com", tokenURL: "https://auth.atlassian.com/oauth/token", wantMode: confluence.AuthClassicToken},
		{name: "bad cloud id", mode: "scoped_token", cloudID: "a/b", wantMode: confluence.AuthScopedToken, wantAttrs: []string{"cloud_id"}},
		{name: "gateway with path", mode: "scoped_token", gateway: "https://api.atlassian.com/ex", wantMode: confluence.AuthScopedToken, wantAttrs: []string{"gateway_url"}},
		{name: "http token url", mode: "oauth_client_credentials", clientID: "i", secret: "sekr3t-value", tokenURL: "http://auth.example.com/oauth/token", wantMode: confluence.AuthOAuth, wantAttrs: []string{"oauth_token_url"}},
		{name: "unknown mode", mode: "saml", wantAttrs: []string{"auth_mode"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, problems := resolveAuth(c.mode, c.cloudID, c.gateway, c.tokenURL, c.clientID, c.secret)
			if got.mode != c.wantMode {
				t.Errorf("mode = %q, want %q", got.mode, c.wantMode)
			}
			var attrs []string
			for _, p := range problems {
				attrs = append(attrs, p.attr)
				if c.secret != "" && strings.Contains(p.detail, c.secret) {
					t.Errorf("a problem repeats the secret: %s", p.detail)
				}
			}
			if strings.Join(attrs, ",") != strings.Join(c.wantAttrs, ",") {
				t.Errorf("problems on %v, want %v: %+v", attrs, c.wantAttrs, problems)
			}
		})
	}
}

func TestConnectionCredentialProblems(t *testing.T) {
	cases := []struct {
		name, mode, clientID    string
		token, secret, needCred bool
		want                    string
	}{
		{"classic with token", "classic_token", "", true, false, true, ""},
		{"classic without token", "classic_token", "", false, false, true, "api_token_wo"},
		{"classic without token, no verify", "classic_token", "", false, false, false, ""},
		{"scoped with client secret", "scoped_token", "", true, true, true, "client_secret_wo"},
		{"scoped with client id", "scoped_token", "c", true, false, true, "client_id"},
		{"oauth complete", "oauth_client_credentials", "c", false, true, true, ""},
		{"oauth without client id", "oauth_client_credentials", "", false, true, true, "client_id"},
		{"oauth with api token", "oauth_client_credentials", "c", true, true, true, "api_token_wo"},
		{"oauth without secret", "oauth_client_credentials", "c", false, false, true, "client_secret_wo"},
	}
	for _, c := range cases {
		var attrs []string
		for _, p := range connectionCredentialProblems(c.mode, c.clientID, c.token, c.secret, c.needCred) {
			attrs = append(attrs, p.attr)
		}
		if strings.Join(attrs, ",") != c.want {
			t.Errorf("%s: problems on %v, want %q", c.name, attrs, c.want)
		}
	}
}

func TestCredentialNotices(t *testing.T) {
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s string) *time.Time {
		v, _ := time.Parse(time.RFC3339, s)
		return &v
	}
	cases := []struct {
		name, mode       string
		expires, rotated *time.Time
		want             string // summaries, "!" marks errors
	}{
		{"classic without expiry", "classic_token", nil, nil, "API Token Expiry Unknown"},
		{"scoped without expiry", "scoped_token", nil, nil, ""},
		{"oauth expiring", "oauth_client_credentials", at("2027-01-10T00:00:00Z"), nil, "API Token Expires Soon"},
		{"scoped expired", "scoped_token", at("2026-12-01T00:00:00Z"), nil, "!API Token Expired"},
		{"classic fine", "classic_token", at("2027-06-01T00:00:00Z"), at("2026-06-01T00:00:00Z"), ""},
		{"oauth rotated long ago", "oauth_client_credentials", nil, at("2025-11-01T00:00:00Z"), "Credential Due for Rotation"},
		{"classic rotated long ago, no expiry", "classic_token", nil, at("2025-11-01T00:00:00Z"), "API Token Expiry Unknown,Credential Due for Rotation"},
	}
	for _, c := range cases {
		var got []string
		for _, n := range credentialNotices(c.mode, c.expires, c.rotated, now) {
			s := n.summary
			if n.err {
				s = "!" + s
			}
			got = append(got, s)
			if c.mode == "oauth_client_credentials" && !strings.Contains(n.detail, "OAuth client secret") {
				t.Errorf("%s: detail does not name the client secret: %s", c.name, n.detail)
			}
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%s: notices %v, want %q", c.name, got, c.want)
		}
	}
}

// A classic connection without token_expires_at plans with a warning;
// ModifyPlan is called directly because the testing framework cannot assert
// warnings.
func TestConnectionResource_classicTokenWithoutExpiryWarns(t *testing.T) {
	s := connectionResourceSchema()
	attrs := connectionAttrs("")
	delete(attrs, "token_expires_at")
	raw := connectionRequest(t, attrs)
	req := fwresource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s, Raw: raw},
		Plan:   tfsdk.Plan{Schema: s, Raw: raw},
		State:  tfsdk.State{Schema: s, Raw: tftypes.NewValue(raw.Type(), nil)},
	}
	resp := &fwresource.ModifyPlanResponse{Plan: req.Plan}
	(&ConnectionResource{now: time.Now}).ModifyPlan(context.Background(), req, resp)
	if !hasDiag(resp.Diagnostics.Warnings(), "API Token Expiry Unknown", "set token_expires_at") && !hasDiag(resp.Diagnostics.Warnings(), "API Token Expiry Unknown", "Set token_expires_at") {
		t.Fatalf("no expiry warning: %v", resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		t.Fatalf("errors: %v", resp.Diagnostics)
	}
}
