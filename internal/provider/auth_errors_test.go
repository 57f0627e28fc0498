// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// errorCheck is a TestCase ErrorCheck that accepts the step's error only
// when it matches every pattern and contains none of the forbidden strings
// (ExpectError cannot say what must be absent). seen records that an error
// came at all: without one, the step passes and the test must fail.
type errorCheck struct {
	want    []string // regexps, spaces match any whitespace (the CLI wraps lines)
	notWant []string
	seen    atomic.Bool
	t       *testing.T // logs the error when set
}

func (c *errorCheck) check(err error) error {
	c.seen.Store(true)
	msg := err.Error()
	if c.t != nil {
		c.t.Logf("the error (shown with -v): %s", msg)
	}
	for _, w := range c.want {
		if !wrappedError(w).MatchString(msg) {
			return fmt.Errorf("the error lacks %q: %w", w, err)
		}
	}
	flat := strings.Join(strings.Fields(msg), " ")
	for _, w := range c.notWant {
		if strings.Contains(flat, w) {
			return fmt.Errorf("the error has %q: %w", w, err)
		}
	}
	return nil
}

func (c *errorCheck) mustHaveSeen(t *testing.T) {
	t.Helper()
	if !c.seen.Load() {
		t.Fatal("the step succeeded; an error was expected")
	}
}

// oauthBlockFromEnv sets up the emulator's OAuth client the way a pipeline
// does: the secret comes from the environment (the test sets it), so the
// site and endpoints must come from the environment too (endpoints follow
// the credentials); the provider block only names the client.
func oauthBlockFromEnv(t *testing.T, g *gatewaySite) string {
	t.Helper()
	t.Setenv(envURL, g.URL())
	t.Setenv(envGatewayURL, g.URL())
	t.Setenv(envOAuthTokenURL, g.URL()+"/oauth/token")
	t.Setenv(envCloudID, g.emu.CloudID())
	return fmt.Sprintf(`
provider "confluence" {
  client_id = %q
}
`, emulator.DemoOAuthClientID)
}

// A refused OAuth client secret is asked for once in the whole plan (not
// retried, not asked again by the next read), and the error names the
// client id, the token endpoint and the variables to check: not an e-mail
// address or API token, and never the secret. Not parallel: it sets
// environment variables.
func TestAccAuthErrors_refusedClientSecretAskedOnce(t *testing.T) {
	const wrong = "WRONG-secret-8d3f"
	g := newGatewaySite(t, emulator.Options{})
	t.Setenv(envAuthMode, "oauth_client_credentials")
	t.Setenv(envClientSecret, wrong)
	check := &errorCheck{
		want: []string{
			`Unable to Read Space`,
			`While reading space DOCS, the OAuth token endpoint ` + regexp.QuoteMeta(g.URL()) + `/oauth/token refused the client credentials of client ` + emulator.DemoOAuthClientID + ` \(401 invalid_client\)`,
			`CONFLUENCE_CLIENT_ID and CONFLUENCE_CLIENT_SECRET`,
			`not revoked or expired`,
			`after 1 attempt\(s\)`,
		},
		notWant: []string{wrong, "e-mail", "API token", "credentials of .", "Check the site URL", `Get "`},
		t:       t,
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		ErrorCheck:               check.check,
		Steps: []resource.TestStep{{
			Config: oauthBlockFromEnv(t, g) + `
data "confluence_space" "docs" {
  key = "DOCS"
}
data "confluence_space" "ops" {
  key = "OPS"
}
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Refused"
  parent_id = "1"
  body      = "<p>x</p>"
}
`,
			PlanOnly: true,
		}},
	})
	check.mustHaveSeen(t)
	if n := g.count("/oauth/token"); n != 1 {
		t.Fatalf("POST /oauth/token sent %d times, want 1", n)
	}
	if n := g.count("gateway"); n != 0 {
		t.Fatalf("%d requests reached the gateway without an access token", n)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("the plan took %s: a refused secret must fail at once, not after retries", d.Round(time.Second))
	}
}

// An administrators' workspace verifying an OAuth connection whose
// client_secret_wo is wrong says the OAuth client credentials were rejected
// (not an API token), on client_secret_wo, after one token request, and
// writes nothing.
func TestAccAuthErrors_connectionWrongClientSecret(t *testing.T) {
	t.Parallel()
	const wrong = "wrong-client-secret-61c0"
	g := newGatewaySite(t, emulator.Options{})
	check := &errorCheck{
		want: []string{
			`OAuth Client Credentials Rejected`,
			`with confluence_connection.oauth`,
			`client_secret_wo`,
			`refused the client credentials of connection "docs-oauth" \(client_id ` + emulator.DemoOAuthClientID,
			`Nothing was written`,
		},
		notWant: []string{wrong, "API Token Rejected", "Check the site URL"},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		ErrorCheck:               check.check,
		Steps:                    []resource.TestStep{{Config: oauthConnectionConfig(g, g.URL()+"/oauth/token", wrong)}},
	})
	check.mustHaveSeen(t)
	if n := g.count("/oauth/token"); n != 1 {
		t.Fatalf("POST /oauth/token sent %d times, want 1", n)
	}
	if w := g.emu.Stats().Writes; w != 0 { // the token endpoint is not in the API's stats
		t.Fatalf("%d writes, want none", w)
	}
}

// An administrators' workspace whose oauth_token_url host does not resolve
// (as auth.atlassian.com does not in a sandbox without the internet) fails
// the connection's verification at once, naming the token URL and the
// settings that move it, not the site URL. auth.invalid never resolves (RFC
// 6761).
func TestAccAuthErrors_connectionTokenHostNotFound(t *testing.T) {
	t.Parallel()
	var dnsErr *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(t.Context(), "auth.invalid"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Skipf("this machine's resolver does not answer that auth.invalid does not exist (%v)", err)
	}
	g := newGatewaySite(t, emulator.Options{})
	check := &errorCheck{
		want: []string{
			`Unable to Verify OAuth Client Credentials`,
			`https://auth.invalid/oauth/token could not be reached: its host auth.invalid does not resolve`,
			`CONFLUENCE_OAUTH_TOKEN_URL`,
			`CONFLUENCE_GATEWAY_URL`,
			`after 1 attempt\(s\)`,
		},
		notWant: []string{emulator.DemoOAuthSecret, "Check the site URL", "API Token"},
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		ErrorCheck:               check.check,
		Steps:                    []resource.TestStep{{Config: oauthConnectionConfig(g, "https://auth.invalid/oauth/token", emulator.DemoOAuthSecret)}},
	})
	check.mustHaveSeen(t)
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("the apply took %s: an unknown host must fail at once, not after retries", d.Round(time.Second))
	}
	if w := g.emu.Stats().Writes; w != 0 {
		t.Fatalf("%d writes, want none", w)
	}
}

// oauthConnectionConfig is an administrators' workspace (classic token, the
// default retries) registering the emulator's OAuth service account.
func oauthConnectionConfig(g *gatewaySite, tokenURL, secret string) string {
	return fmt.Sprintf(`
provider "confluence" {
  url             = %q
  email           = %q
  api_token       = %q
  gateway_url     = %q
  oauth_token_url = %q
}
# A variable, so that the CLI's source snippet does not show the secret.
variable "client_secret" {
  type      = string
  sensitive = true
  default   = %q
}
resource "confluence_connection" "oauth" {
  name                 = "docs-oauth"
  email                = %q
  spaces               = ["OPS"]
  auth_mode            = "oauth_client_credentials"
  client_id            = %q
  client_secret_wo     = var.client_secret
  api_token_wo_version = 1
  token_expires_at     = "2099-01-01T00:00:00Z"
}
`, g.URL(), adminEmail, adminToken, g.URL(), tokenURL, secret, emulator.DemoOAuthEmail, emulator.DemoOAuthClientID)
}

// A URL that is not a Confluence site (a web server answering 404 pages) is
// reported as such, naming the URL and the path it answered 404 at, not as
// a page or space the account may not view.
func TestAccAuthErrors_notAConfluenceSite(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<!DOCTYPE HTML>\n<html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: 404</p></body></html>\n")
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ name, config, path string }{
		{"space data source", `data "confluence_space" "docs" { key = "DOCS" }`, "/wiki/api/v2/spaces"},
		{"page", `resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Hello"
  parent_id = "1"
  body      = "<p>hi</p>"
}`, "/wiki/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := &errorCheck{
				want: []string{
					`the URL ` + regexp.QuoteMeta(srv.URL) + ` does not look like a Confluence Cloud site \(it answered 404 with a web page at ` + tc.path,
					`check the url \(https://<site>.atlassian.net\)`,
				},
				notWant: []string{"may not view it", "Error response", "Space Not Found"},
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories(),
				ErrorCheck:               check.check,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "confluence" {
  url       = %q
  email     = "bot@example.com"
  api_token = "bot-token"
}
`, srv.URL) + tc.config,
					PlanOnly: true,
				}},
			})
			check.mustHaveSeen(t)
		})
	}
	if n := requests.Load(); n > 6 {
		t.Fatalf("%d requests to a site that is not Confluence; a 404 page is not retried", n)
	}
}

// A space key that matches no visible space is an error on the attribute
// holding it, with the hints (exact match, view permission), and nothing is
// written.
func TestAccAuthErrors_spaceKeyNotFound(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	for _, tc := range []struct{ name, config, attr string }{
		{"page", `resource "confluence_page" "p" {
  space_key = "DOSC"
  title     = "Hello"
  body      = "<p>hi</p>"
}`, `space_key = "DOSC"`},
		{"space data source", `data "confluence_space" "s" {
  key = "DOSC"
}`, `key = "DOSC"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := &errorCheck{
				want: []string{
					`Space Not Found`,
					regexp.QuoteMeta(tc.attr),
					`no space with key "DOSC" visible to bot@example.com`,
					`capitals included`,
					`view permission`,
				},
				notWant: []string{"Confluence answered not found", botToken},
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories(),
				ErrorCheck:               check.check,
				Steps:                    []resource.TestStep{{Config: site.providerBlock(botEmail, botToken) + tc.config}},
			})
			check.mustHaveSeen(t)
		})
	}
	if w := site.emu.Stats().Writes; w != 0 {
		t.Fatalf("%d writes for a space that does not exist, want none", w)
	}
}

// A refresh against a URL that is not Confluence fails instead of taking the
// 404 pages for pages gone from Confluence: the plan does not drop the page
// from the state and propose to create it again.
func TestAccAuthErrors_notAConfluenceSiteKeepsPages(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><body>Not Found</body></html>")
	}))
	t.Cleanup(web.Close)
	page := `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Survives a wrong url"
  body      = "<p>kept</p>"
}
`
	check := &errorCheck{
		want:    []string{`does not look like a Confluence Cloud site`},
		notWant: []string{"Page Gone From Confluence", "will be created"},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		ErrorCheck:               check.check,
		Steps: []resource.TestStep{
			{Config: site.providerBlock(botEmail, botToken) + page},
			{Config: strings.Replace(site.providerBlock(botEmail, botToken), site.URL(), web.URL, 1) + page, PlanOnly: true},
			// Back at the site, the page is still in the state, unchanged.
			{Config: site.providerBlock(botEmail, botToken) + page, PlanOnly: true},
		},
	})
	check.mustHaveSeen(t)
}
