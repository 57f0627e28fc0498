// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Keep the auth settings' environment fallbacks from leaking into tests (as
// TestMain does for the others); init runs before TestMain.
func init() {
	for _, env := range authEnvVars {
		_ = os.Unsetenv(env)
	}
}

// gatewaySite is a demo emulator whose handler records where requests went:
// the site's /wiki, the gateway's /ex/confluence/{cloudId}/wiki, tenant_info
// or the OAuth token endpoint.
type gatewaySite struct {
	*testSite
	mu      sync.Mutex
	byHost  map[string]int
	authHdr map[string]int // "Basic" / "Bearer" on gateway requests
}

func newGatewaySite(t *testing.T, opts emulator.Options) *gatewaySite {
	t.Helper()
	opts.Validate = func(v string) { t.Errorf("OpenAPI violation: %s", v) }
	emu := emulator.NewDemo(opts)
	g := &gatewaySite{byHost: map[string]int{}, authHdr: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := "site"
		switch {
		case strings.HasPrefix(r.URL.Path, "/ex/confluence/"):
			kind = "gateway"
			scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			g.mu.Lock()
			g.authHdr[scheme]++
			g.mu.Unlock()
		case r.URL.Path == "/_edge/tenant_info" || r.URL.Path == "/oauth/token":
			kind = r.URL.Path
		}
		g.mu.Lock()
		g.byHost[kind]++
		g.mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g.testSite = &testSite{emu: emu, srv: srv}
	return g
}

func (g *gatewaySite) count(kind string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.byHost[kind]
}

// block renders the provider block of a mode, as the demo service accounts.
// The OAuth client secret comes from CONFLUENCE_CLIENT_SECRET unless inline.
func (g *gatewaySite) block(mode confluence.AuthMode, inlineSecret bool) string {
	switch mode {
	case confluence.AuthScopedToken:
		return fmt.Sprintf(`
provider "confluence" {
  url         = %q
  auth_mode   = "scoped_token"
  email       = %q
  api_token   = %q
  gateway_url = %q
  max_retries = 1
}
`, g.URL(), emulator.DemoScopedEmail, emulator.DemoScopedToken, g.URL())
	case confluence.AuthOAuth:
		secret := ""
		if inlineSecret {
			secret = fmt.Sprintf("client_secret = %q", emulator.DemoOAuthSecret)
		}
		return fmt.Sprintf(`
provider "confluence" {
  url             = %q
  client_id       = %q
  %s
  gateway_url     = %q
  oauth_token_url = "%s/oauth/token"
  cloud_id        = %q
  max_retries     = 1
}
`, g.URL(), emulator.DemoOAuthClientID, secret, g.URL(), g.URL(), g.emu.CloudID())
	}
	return g.providerBlock(botEmail, botToken)
}

func authModePageConfig(body string) string {
	return fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Auth modes"
  body      = %q
  labels    = ["auth"]
}
data "confluence_page" "read" {
  id = confluence_page.p.id
}
data "confluence_space" "docs" {
  key = "DOCS"
}
`, body)
}

// Pages are created, updated, read and imported in every auth mode; the
// gateway modes send every API request through /ex/confluence/{cloudId} (none
// to the site's /wiki), and page links still point at the site.
func TestAccAuthModes_pageLifecycle(t *testing.T) {
	for _, mode := range []confluence.AuthMode{confluence.AuthClassicToken, confluence.AuthScopedToken, confluence.AuthOAuth} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			g := newGatewaySite(t, emulator.Options{})
			siteURL := regexp.MustCompile(`^` + regexp.QuoteMeta(g.URL()) + `/wiki/spaces/DOCS/pages/\d+/`)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories(),
				Steps: []resource.TestStep{
					{
						Config: g.block(mode, true) + authModePageConfig("<p>one</p>"),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("confluence_page.p", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
							statecheck.ExpectKnownValue("confluence_page.p", tfjsonpath.New("url"), knownvalue.StringRegexp(siteURL)),
							statecheck.ExpectKnownValue("data.confluence_page.read", tfjsonpath.New("body"), knownvalue.StringExact("<p>one</p>")),
							statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("name"), knownvalue.StringExact("Documentation")),
						},
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						Config: g.block(mode, true) + authModePageConfig("<p>two</p>"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("confluence_page.p", plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("confluence_page.p", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
							statecheck.ExpectKnownValue("data.confluence_page.read", tfjsonpath.New("body"), knownvalue.StringExact("<p>two</p>")),
							statecheck.ExpectKnownValue("data.confluence_page.read", tfjsonpath.New("url"), knownvalue.StringRegexp(siteURL)),
						},
					},
					{
						Config:                  g.block(mode, true) + authModePageConfig("<p>two</p>"),
						ResourceName:            "confluence_page.p",
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"policy_decision", "confirmation_code", "version_message", "on_destroy"},
					},
				},
			})
			site, gw := g.count("site"), g.count("gateway")
			if mode == confluence.AuthClassicToken {
				if site == 0 || gw != 0 {
					t.Fatalf("classic token: %d site and %d gateway requests", site, gw)
				}
				return
			}
			if site != 0 || gw == 0 {
				t.Fatalf("%s: %d site and %d gateway requests; want all through the gateway", mode, site, gw)
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			wantScheme := map[confluence.AuthMode]string{confluence.AuthScopedToken: "Basic", confluence.AuthOAuth: "Bearer"}[mode]
			if g.authHdr[wantScheme] != gw {
				t.Fatalf("%s: gateway requests by auth scheme %v, want all %s", mode, g.authHdr, wantScheme)
			}
		})
	}
}

// The page search data source works through the gateway too, v1 search
// included.
func TestAccAuthModes_searchDataSource(t *testing.T) {
	t.Parallel()
	g := newGatewaySite(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: g.block(confluence.AuthScopedToken, false) + `
data "confluence_pages" "home" {
  space_key = "DOCS"
  title     = "Documentation Home"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_pages.home", tfjsonpath.New("pages").AtSliceIndex(0).AtMapKey("title"), knownvalue.StringExact("Documentation Home")),
				statecheck.ExpectKnownValue("data.confluence_pages.home", tfjsonpath.New("pages").AtSliceIndex(0).AtMapKey("url"),
					knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(g.URL())+`/wiki/spaces/DOCS/`))),
			},
		}},
	})
	// Every provider process (plan, apply, refresh) looks the cloud id up
	// once; nothing goes to the site's /wiki.
	if g.count("site") != 0 || g.count("/_edge/tenant_info") == 0 || g.count("/_edge/tenant_info") >= g.count("gateway") {
		t.Fatalf("site requests %d, tenant_info lookups %d, gateway requests %d", g.count("site"), g.count("/_edge/tenant_info"), g.count("gateway"))
	}
}

// A credential without a scope the operation needs fails with an error that
// names the scope.
func TestAccAuthModes_missingScopeNamed(t *testing.T) {
	t.Parallel()
	g := newGatewaySite(t, emulator.Options{})
	const email = "narrow@serviceaccount.atlassian.com"
	g.emu.AddAccount(emulator.Account{Email: email})
	g.emu.Grant(email, "DOCS", emulator.PermEdit)
	g.emu.AddScopedToken(email, "narrow-scoped-token", "read:confluence-user", "read:space:confluence", "read:page:confluence")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "confluence" {
  url         = %q
  auth_mode   = "scoped_token"
  email       = %q
  api_token   = "narrow-scoped-token"
  gateway_url = %q
  max_retries = 1
}
`, g.URL(), email, g.URL()) + authModePageConfig("<p>x</p>"),
			ExpectError: regexp.MustCompile(`(?s)lack the scope\s+write:page:confluence\s+that\s+this\s+operation\s+needs`),
		}},
	})
}

// An access token that expires during a run is renewed: tokens live 2
// seconds and every request takes 200 ms, so provider processes outlive
// their first token. (The client's unit tests prove, on a fake clock, that
// renewal happens before expiry; here the real CLI run must succeed and
// issue tokens as it goes.)
func TestAccAuthModes_oauthTokenRenewal(t *testing.T) {
	t.Parallel()
	g := newGatewaySite(t, emulator.Options{OAuthTokenLifetime: 2 * time.Second})
	g.emu.SetLatency(200 * time.Millisecond)
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: g.block(confluence.AuthOAuth, true) + authModePageConfig("<p>one</p>")},
			{Config: g.block(confluence.AuthOAuth, true) + authModePageConfig("<p>two</p>"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_page.p", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				}},
		},
	})
	// The run lasted well beyond one token's lifetime, so tokens were
	// renewed: more were issued than the run's length alone would explain
	// for a provider that fetched one per process and kept it.
	elapsed := time.Since(start)
	issued := g.emu.OAuthTokensIssued()
	if elapsed < 4*time.Second || issued < int(elapsed/(2*time.Second)) {
		t.Fatalf("run of %s issued %d tokens; expected renewals every ~1.6s of requests", elapsed, issued)
	}
	t.Logf("run of %s, %d gateway requests, %d tokens issued", elapsed.Round(time.Millisecond), g.count("gateway"), issued)
}

// Bad auth settings fail the plan naming the argument, before any request.
func TestAccAuthModes_invalidSettingsNameTheArgument(t *testing.T) {
	t.Parallel()
	g := newGatewaySite(t, emulator.Options{})
	page := authModePageConfig("<p>x</p>")
	block := func(args string) string {
		return fmt.Sprintf("provider \"confluence\" {\n  url = %q\n%s\n}\n", g.URL(), args) + page
	}
	cases := []struct{ args, want string }{
		{`auth_mode = "kerberos"`, `(?s)Invalid Attribute Value Match.*auth_mode`},
		{`auth_mode = "oauth_client_credentials"` + "\n" + `client_id = "x"`, `(?s)Missing Confluence Provider Setting.*CONFLUENCE_CLIENT_SECRET.*client_secret`},
		{`email = "bot@example.com"` + "\n" + `api_token = "t"` + "\n" + `client_id = "x"` + "\n" + `auth_mode = "classic_token"`, `(?s)Conflicting Confluence Provider Settings.*client_id`},
		{`auth_mode = "scoped_token"` + "\n" + `email = "a@b.co"` + "\n" + `api_token = "t"` + "\n" + `cloud_id = "../../x"`, `(?s)Invalid Confluence Provider Setting.*cloud_id.*not a cloud id`},
		{`auth_mode = "scoped_token"` + "\n" + `email = "a@b.co"` + "\n" + `api_token = "t"` + "\n" + `gateway_url = "http://api.example.com"`, `(?s)Invalid Confluence Provider Setting.*gateway_url.*https`},
		{`email = "a@b.co"` + "\n" + `api_token = "t"` + "\n" + `client_secret = "s"`, `(?s)Missing Confluence Provider Setting.*client_id`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: block(c.args), PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories(), Steps: steps})
	if total := g.emu.Stats().Total; total != 0 {
		t.Fatalf("invalid auth settings sent %d requests, want none", total)
	}
}

// secretFreeState fails when any of the secrets is in the state.
type secretFreeState struct{ secrets []string }

func (c secretFreeState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	data, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if !strings.Contains(string(data), "confluence_") {
		resp.Error = fmt.Errorf("the state holds no confluence resource; the check would prove nothing")
		return
	}
	for _, s := range c.secrets {
		if strings.Contains(string(data), s) {
			resp.Error = fmt.Errorf("a secret (%d chars) is in the state", len(s))
			return
		}
	}
}

// With TRACE logging, neither the client secret, the scoped token nor any
// issued access token appears in the log or the state: as the provider's
// credential (from CONFLUENCE_CLIENT_SECRET) and as a connection's
// write-only credential verified by the administrators' workspace. Not
// parallel: it sets environment variables.
func TestAccAuthModes_secretsNeverInLogsOrState(t *testing.T) {
	secrets := []string{emulator.DemoOAuthSecret, emulator.DemoScopedToken, "emu-at-"}
	run := func(t *testing.T, g *gatewaySite, config string, checks ...statecheck.StateCheck) {
		logFile := filepath.Join(t.TempDir(), "trace.log")
		t.Setenv("TF_LOG", "TRACE")
		t.Setenv("TF_ACC_LOG_PATH", logFile)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			Steps: []resource.TestStep{{
				Config:            config,
				ConfigStateChecks: append([]statecheck.StateCheck{secretFreeState{secrets: secrets}}, checks...),
			}},
		})
		logs, err := os.ReadFile(logFile)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(logs), "Confluence API response") || g.count("gateway") == 0 {
			t.Fatalf("the TRACE log (%d bytes) lacks the client's entries or nothing went through the gateway; the check below would prove nothing", len(logs))
		}
		for _, secret := range secrets {
			if strings.Contains(string(logs), secret) {
				t.Errorf("a secret (%q…) appears in the TRACE log", secret[:4])
			}
		}
	}
	t.Run("provider credential", func(t *testing.T) {
		g := newGatewaySite(t, emulator.Options{})
		t.Setenv(envClientSecret, emulator.DemoOAuthSecret)
		// With the secret in the environment, the endpoints come from the
		// environment too; the block names the same ones.
		t.Setenv(envURL, g.URL())
		t.Setenv(envGatewayURL, g.URL())
		t.Setenv(envOAuthTokenURL, g.URL()+"/oauth/token")
		t.Setenv(envCloudID, g.emu.CloudID())
		run(t, g, g.block(confluence.AuthOAuth, false)+authModePageConfig("<p>secret-free</p>"))
	})
	t.Run("connection credentials", func(t *testing.T) {
		g := newGatewaySite(t, emulator.Options{})
		t.Setenv("TF_VAR_client_secret", emulator.DemoOAuthSecret)
		t.Setenv("TF_VAR_scoped_token", emulator.DemoScopedToken)
		run(t, g, fmt.Sprintf(`
provider "confluence" {
  url             = %q
  email           = %q
  api_token       = %q
  gateway_url     = %q
  oauth_token_url = "%s/oauth/token"
  max_retries     = 1
}
variable "client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "scoped_token" {
  type      = string
  sensitive = true
  ephemeral = true
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
resource "confluence_connection" "scoped" {
  name                 = "docs-svc"
  email                = %q
  spaces               = ["OPS"]
  auth_mode            = "scoped_token"
  api_token_wo         = var.scoped_token
  api_token_wo_version = 1
  token_expires_at     = "2099-01-01T00:00:00Z"
}
`, g.URL(), adminEmail, adminToken, g.URL(), g.URL(), emulator.DemoOAuthEmail, emulator.DemoOAuthClientID, emulator.DemoScopedEmail),
			checkFunc(func() error {
				rec := readConnectionRecord(t, g.testSite, "OPS", "docs-oauth")
				if !strings.Contains(rec, `"auth_mode":"oauth_client_credentials"`) || !strings.Contains(rec, `"client_id":"`+emulator.DemoOAuthClientID+`"`) || strings.Contains(rec, emulator.DemoOAuthSecret) {
					return fmt.Errorf("OAuth connection record = %s", rec)
				}
				if rec := readConnectionRecord(t, g.testSite, "OPS", "docs-svc"); !strings.Contains(rec, `"auth_mode":"scoped_token"`) || strings.Contains(rec, emulator.DemoScopedToken) {
					return fmt.Errorf("scoped connection record = %s", rec)
				}
				return nil
			}),
			statecheck.ExpectKnownValue("confluence_connection.oauth", tfjsonpath.New("account_id"), knownvalue.StringExact("712020:0a1b2c3d-0000-4000-8000-000000000012")),
			statecheck.ExpectKnownValue("confluence_connection.scoped", tfjsonpath.New("account_id"), knownvalue.StringExact("712020:0a1b2c3d-0000-4000-8000-000000000011")),
		)
	})
}

// checkFunc is a state check running an arbitrary check at that point of the step.
type checkFunc func() error

func (f checkFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// readConnectionRecord returns the raw connection record in a space.
func readConnectionRecord(t *testing.T, site *testSite, spaceKey, name string) string {
	t.Helper()
	c, err := confluence.New(confluence.Config{BaseURL: site.URL(), Email: adminEmail, APIToken: adminToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	space, err := c.GetSpaceByKey(t.Context(), spaceKey)
	if err != nil {
		t.Fatal(err)
	}
	props, err := c.ListSpaceProperties(t.Context(), space.ID, policy.ConnectionPropertyKey(name))
	if err != nil || len(props) != 1 {
		t.Fatalf("connection record %s in %s: %d properties, %v", name, spaceKey, len(props), err)
	}
	return string(props[0].Value)
}
