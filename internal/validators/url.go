// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package validators holds the attribute validators shared by the provider's
// schemas. Each says, in its error, what is accepted.
package validators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// SiteURL accepts a Confluence Cloud site base URL: absolute, https unless the
// host is a loopback address, no credentials, no query or fragment, and no path
// beyond an optional "/wiki".
func SiteURL() validator.String { return siteURLValidator{} }

type siteURLValidator struct{}

func (siteURLValidator) Description(context.Context) string {
	return "must be an absolute https URL of a Confluence site, e.g. https://example.atlassian.net (http only for loopback hosts), with no path beyond /wiki"
}

func (v siteURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v siteURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := CheckSiteURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Confluence Site URL",
			err.Error())
	}
}

// CheckSiteURL applies the SiteURL rules to a plain string (used for the
// CONFLUENCE_URL environment variable too).
func CheckSiteURL(raw string) error {
	if err := checkSiteURL(raw); err != nil {
		return fmt.Errorf("%q %w. Accepted: an absolute https URL of a Confluence site such as https://example.atlassian.net (optionally ending in /wiki); http only for loopback hosts such as 127.0.0.1 or localhost", shownURL(raw), err)
	}
	return nil
}

// shownURL is a URL as an error message may show it: a password in it is
// masked, since error messages end up in CI logs.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "(a URL that may hold credentials, not shown)"
		}
		return raw
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	return u.String()
}

func checkSiteURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, credentials included: say only why.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			return fmt.Errorf("is not a URL (%w)", urlErr.Err)
		}
		return fmt.Errorf("is not a URL")
	}
	if !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("is not an absolute URL")
	}
	if u.User != nil {
		return fmt.Errorf("contains credentials; set email and api_token instead")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return fmt.Errorf("uses http with a host that is not loopback")
		}
	default:
		return fmt.Errorf("uses scheme %q", u.Scheme)
	}
	if p := strings.TrimSuffix(u.Path, "/"); p != "" && p != "/wiki" {
		return fmt.Errorf("has the path %q", u.Path)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("has a query or fragment")
	}
	return nil
}

// IsLoopbackHost reports whether host is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
