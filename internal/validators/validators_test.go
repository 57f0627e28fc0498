// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckSiteURL(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"https://example.atlassian.net", ""},
		{"https://example.atlassian.net/", ""},
		{"https://example.atlassian.net/wiki", ""},
		{"https://example.atlassian.net/wiki/", ""},
		{"http://127.0.0.1:8090", ""},
		{"http://localhost:8090/wiki", ""},
		{"http://[::1]:8090", ""},
		{"http://example.atlassian.net", "http with a host that is not loopback"},
		{"ftp://example.atlassian.net", `scheme "ftp"`},
		{"example.atlassian.net", "not an absolute URL"},
		{"https://user:pw@example.atlassian.net", "contains credentials"},
		{"https://example.atlassian.net/wiki/spaces/DOCS", `path "/wiki/spaces/DOCS"`},
		{"https://example.atlassian.net/?x=1", "query or fragment"},
		{"https://example.atlassian.net/#top", "query or fragment"},
		{"https://exa mple.net", "not a URL"},
	}
	for _, tt := range tests {
		err := CheckSiteURL(tt.in)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("CheckSiteURL(%q) = %v, want nil", tt.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckSiteURL(%q) = %v, want error containing %q", tt.in, err, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), "Accepted:") {
			t.Errorf("CheckSiteURL(%q) error %q does not say what is accepted", tt.in, err)
		}
	}
	// Error messages reach CI logs: a password in the URL is never echoed.
	for _, in := range []string{"https://alice:s3cr3t@example.atlassian.net", "http://alice:s3cr3t@example.net/wiki", "https://alice:s3cr3t@exa mple.net"} {
		if err := CheckSiteURL(in); err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("CheckSiteURL(%q) = %v: must fail without echoing the password", in, err)
		}
	}
}

func TestCheckLabelName(t *testing.T) {
	valid := []string{"runbook", "how-to", "team_docs", "v2", "ünïcode", strings.Repeat("a", 255)}
	for _, l := range valid {
		if err := CheckLabelName(l); err != nil {
			t.Errorf("CheckLabelName(%q) = %v, want nil", l, err)
		}
	}
	invalid := map[string]string{
		"":                       "empty",
		"two words":              "space",
		"a:b":                    "character",
		"release.notes":          "character",
		"x!":                     "character",
		"Runbook":                "lower case",
		strings.Repeat("a", 256): "longer than 255",
	}
	for l, want := range invalid {
		err := CheckLabelName(l)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckLabelName(%q) = %v, want error containing %q", l, err, want)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"bot@example.com", "a.b+c@sub.example.org"} {
		if err := CheckEmail(ok); err != nil {
			t.Errorf("CheckEmail(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "bot", "Bot <bot@example.com>", "bot@", "a@b@c"} {
		if err := CheckEmail(bad); err == nil {
			t.Errorf("CheckEmail(%q) = nil, want error", bad)
		}
	}
}

// The framework validators put the attribute path on their diagnostics.
func TestStringValidatorsNameTheAttribute(t *testing.T) {
	cases := []struct {
		v     validator.String
		value string
		valid bool
	}{
		{SiteURL(), "https://example.atlassian.net", true},
		{SiteURL(), "http://example.com", false},
		{Email(), "bot@example.com", true},
		{Email(), "nope", false},
		{Duration(time.Second, time.Minute), "30s", true},
		{Duration(time.Second, time.Minute), "2h", false},
		{Duration(time.Second, time.Minute), "soon", false},
		{RFC3339(), "2027-01-31T00:00:00Z", true},
		{RFC3339(), "2027-01-31", false},
		{SpaceKey(), "DOCS", true},
		{SpaceKey(), "~5b10ac8d82e05b22cc7d4ef5", true},
		{SpaceKey(), "DO CS", false},
		{LabelName(), "ok", true},
		{LabelName(), "not ok", false},
	}
	attr := path.Root("some_attribute")
	for _, c := range cases {
		resp := &validator.StringResponse{}
		c.v.ValidateString(context.Background(), validator.StringRequest{Path: attr, ConfigValue: types.StringValue(c.value)}, resp)
		if got := !resp.Diagnostics.HasError(); got != c.valid {
			t.Errorf("%s on %q: valid=%v, want %v (%v)", c.v.Description(context.Background()), c.value, got, c.valid, resp.Diagnostics)
			continue
		}
		if !c.valid {
			d := resp.Diagnostics.Errors()[0]
			withPath, ok := d.(interface{ Path() path.Path })
			if !ok || !withPath.Path().Equal(attr) {
				t.Errorf("%q: diagnostic does not carry the attribute path: %v", c.value, d)
			}
		}
		// Unknown and null values are left to the framework.
		for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
			resp := &validator.StringResponse{}
			c.v.ValidateString(context.Background(), validator.StringRequest{Path: attr, ConfigValue: v}, resp)
			if resp.Diagnostics.HasError() {
				t.Errorf("validator rejected a %s value", v)
			}
		}
	}
}
