// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// Trust model of the provider's settings: Confluence administrators own the
// records, the platform team owns the pipeline's environment, documentation
// authors own the configuration. Nothing in the configuration may loosen what
// the records and the environment say. Each test here is an attack that
// worked before it was closed. Not parallel: they set environment variables.

// recorder is a host an attacker controls: it counts every request (and the
// credentials it carries) and forwards it to the real site, so nothing would
// fail if the provider sent it there.
type recorder struct {
	mu       sync.Mutex
	requests int
	auth     []string
	srv      *httptest.Server
}

func newRecorder(t *testing.T, site http.Handler) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.requests++
		if a := r.Header.Get("Authorization"); a != "" {
			rec.auth = append(rec.auth, a)
		}
		rec.mu.Unlock()
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// reached fails the test when anything reached the attacker's host.
func (rec *recorder) reached(t *testing.T) {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.requests != 0 || len(rec.auth) != 0 {
		t.Fatalf("%d request(s) reached the attacker's host, %d with an Authorization header", rec.requests, len(rec.auth))
	}
}

const spaceDataSource = `
data "confluence_space" "s" {
  key = "DOCS"
}
`

// H1: a url in the configuration sent the pipeline's token to any host.
// With the credentials in the environment, the endpoints come from the
// environment too: a configured url that differs from CONFLUENCE_URL, or
// that CONFLUENCE_URL does not back, is refused before anything is sent.
func TestAccHostile_urlInConfigExfiltratesEnvironmentToken(t *testing.T) {
	site := newTestSite(t)
	attacker := newRecorder(t, site.emu)
	t.Setenv(envEmail, botEmail)
	t.Setenv(envAPIToken, botToken)
	block := func(args string) string { return "provider \"confluence\" {\n" + args + "\n}\n" + spaceDataSource }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { t.Setenv(envURL, site.URL()) },
				Config:      block(fmt.Sprintf("url = %q", attacker.srv.URL)),
				ExpectError: wrappedError(`Endpoint Set by the Environment.*url.*CONFLUENCE_URL.*CONFLUENCE_EMAIL, CONFLUENCE_API_TOKEN`),
			},
			{
				// The pipeline sets no site: the configuration cannot choose one
				// for the environment's token.
				PreConfig:   func() { t.Setenv(envURL, "") },
				Config:      block(fmt.Sprintf("url = %q", attacker.srv.URL)),
				ExpectError: wrappedError(`Endpoint Must Come from the Environment.*url.*set CONFLUENCE_URL`),
			},
			{
				// A url known only at apply cannot be backed by an environment
				// that sets none: refused at plan, not deferred to the apply.
				Config: fmt.Sprintf(`
resource "terraform_data" "host" {
  input = %q
}
`, attacker.srv.URL) + block("url = terraform_data.host.output"),
				ExpectError: wrappedError(`Endpoint Must Come from the Environment.*url.*known only at apply`),
			},
			{
				// Only the API token from the environment binds as well.
				Config:      block(fmt.Sprintf("url = %q\nemail = %q", attacker.srv.URL, botEmail)),
				ExpectError: wrappedError(`Endpoint Must Come from the Environment.*CONFLUENCE_API_TOKEN`),
			},
		},
	})
	attacker.reached(t)
	if n := site.emu.Stats().Total; n != 0 {
		t.Fatalf("the refused configurations sent %d requests to the site", n)
	}

	// The configurations that stay: the environment's site named again in
	// the configuration, and a configuration with its own credentials and url.
	t.Setenv(envURL, site.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: block(fmt.Sprintf("url = %q", site.URL()+"/wiki/"))},
			{
				PreConfig: func() { t.Setenv(envEmail, ""); t.Setenv(envAPIToken, "") },
				Config:    site.providerBlock(readerEmail, readerToken) + spaceDataSource,
			},
		},
	})
	if site.emu.Stats().Total == 0 {
		t.Fatal("the accepted configurations sent nothing: the test proves nothing")
	}
}

// H1 for the OAuth client secret and the gateway: oauth_token_url,
// gateway_url and cloud_id follow the credentials as url does.
func TestAccHostile_oauthEndpointsInConfigWithEnvironmentSecret(t *testing.T) {
	g := newGatewaySite(t, emulator.Options{})
	attacker := newRecorder(t, g.emu)
	t.Setenv(envClientSecret, emulator.DemoOAuthSecret)
	t.Setenv(envURL, g.URL())
	block := func(args string) string {
		return fmt.Sprintf("provider \"confluence\" {\n  client_id = %q\n%s\n}\n", emulator.DemoOAuthClientID, args) + spaceDataSource
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { t.Setenv(envGatewayURL, g.URL()); t.Setenv(envCloudID, g.emu.CloudID()) },
				Config:      block(fmt.Sprintf("oauth_token_url = \"%s/oauth/token\"", attacker.srv.URL)),
				ExpectError: wrappedError(`Endpoint Must Come from the Environment.*oauth_token_url.*CONFLUENCE_CLIENT_SECRET.*CONFLUENCE_OAUTH_TOKEN_URL`),
			},
			{
				PreConfig:   func() { t.Setenv(envOAuthTokenURL, g.URL()+"/oauth/token") },
				Config:      block(fmt.Sprintf("gateway_url = %q", attacker.srv.URL)),
				ExpectError: wrappedError(`Endpoint Set by the Environment.*gateway_url.*CONFLUENCE_GATEWAY_URL`),
			},
			{
				Config:      block(`cloud_id = "0a1b2c3d-other-site"`),
				ExpectError: wrappedError(`Endpoint Set by the Environment.*cloud_id.*CONFLUENCE_CLOUD_ID`),
			},
		},
	})
	attacker.reached(t)
	if n := g.emu.Stats().Total; n != 0 {
		t.Fatalf("the refused configurations sent %d requests", n)
	}
}

// H4: change_reference in the configuration overrode the pipeline's
// CONFLUENCE_CHANGE_REFERENCE, so version messages and terraform.change
// named a run the author chose. The environment wins; a different value is
// an error at plan, before anything is written.
func TestAccHostile_changeReferenceCannotOverrideTheEnvironment(t *testing.T) {
	site := newTestSite(t)
	t.Setenv(envChangeReference, "https://ci.example/runs/4242")
	page := func(extra string) string {
		return site.providerBlock(botEmail, botToken, extra) + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Referenced"
  body      = "<p>x</p>"
}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      page(`change_reference = "https://ci.example/runs/1-reviewed-release"`),
				ExpectError: wrappedError(`Change Reference Set by the Environment.*change_reference.*CONFLUENCE_CHANGE_REFERENCE="https://ci.example/runs/4242"`),
			},
			{
				PreConfig: func() {
					if n := site.emu.Stats().Total; n != 0 {
						t.Errorf("the refused configuration sent %d requests", n)
					}
				},
				// The same value, or none, records the pipeline's run.
				Config: page(`change_reference = "https://ci.example/runs/4242"`),
				ConfigStateChecks: []statecheck.StateCheck{checkFunc(func() error {
					p, ok := site.emu.PageByTitle("DOCS", "Referenced")
					if !ok {
						return fmt.Errorf("the page was not created")
					}
					if raw := readChangeRecord(t, site, p.ID); !strings.Contains(raw, "https://ci.example/runs/4242") || strings.Contains(raw, "reviewed-release") {
						return fmt.Errorf("terraform.change = %s", raw)
					}
					return nil
				})},
			},
		},
	})
}

// readChangeRecord returns the page's terraform.change property.
func readChangeRecord(t *testing.T, site *testSite, pageID string) string {
	t.Helper()
	c := site.asAccount(t, adminEmail, adminToken)
	props, err := c.ListPageProperties(t.Context(), pageID, "terraform.change")
	if err != nil || len(props) != 1 {
		t.Fatalf("terraform.change of page %s: %d properties, %v", pageID, len(props), err)
	}
	return string(props[0].Value)
}

// H6: an argument unknown at plan that decides nothing (change_reference
// from another resource) skipped every plan-time decision, so a denied
// delete planned cleanly and the plan report counted it allowed. Only the
// arguments that say who the provider is defer the policy now.
func TestAccHostile_unknownChangeReferenceStillDecidesAtPlan(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.DeletePage: policy.Denied}, "DOCS")
	withPage := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Keep me"
  body      = "<p>x</p>"
}
`
	withoutPage := `
resource "terraform_data" "ref" {
  input = "release"
}
` + site.providerBlock(botEmail, botToken, `connection = "docs-bot"`, `change_reference = terraform_data.ref.id`)
	var writes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: withPage},
			{
				PreConfig:   func() { writes = site.emu.Stats().Writes },
				Config:      withoutPage,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*delete_page on page "Keep me".*DOCS`),
			},
			{
				PreConfig: func() {
					if w := site.emu.Stats().Writes - writes; w != 0 {
						t.Errorf("the denied plan wrote %d times", w)
					}
					admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.DeletePage: policy.Allowed}, "DOCS")
				},
				Config: withoutPage,
			},
		},
	})
}

// When the decision truly cannot be made at plan (the site or credentials
// come from another resource), the plan warns per operation, and the plan
// report reads that warning as not allowed.
func TestPageGovernDelete_notDecidedAtPlanWarnsAndReportHoldsBack(t *testing.T) {
	r := &PageResource{data: &providerData{configUnknown: true}}
	state := pageModel{ID: types.StringValue("7"), SpaceKey: types.StringValue("DOCS"), Title: types.StringValue("Old"), OnDestroy: types.StringValue(onDestroyTrash),
		Labels: types.SetNull(types.StringType), Links: types.MapNull(types.StringType)}
	var diags diag.Diagnostics
	r.governDelete(context.Background(), &diags, state, nil)
	if diags.HasError() || len(diags.Warnings()) != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	w := diags.Warnings()[0]
	if w.Summary() != report.PolicyNotDecidedSummary || !strings.Contains(w.Detail(), `delete_page on page "Old" (id 7) in space DOCS is not decided by this plan`) {
		t.Fatalf("warning %q: %q", w.Summary(), w.Detail())
	}
	// Terraform gives a removed resource's diagnostic no address.
	rep, err := report.Build(report.Input{HaveStream: true, StreamWarns: []report.Diagnostic{{Summary: w.Summary(), Detail: w.Detail()}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ExitCode == report.ExitAllowed || len(rep.Changes) != 1 || rep.Changes[0].Approval.State != report.ApprovalUndecided || rep.Changes[0].PageID != "7" {
		t.Fatalf("report %+v", rep)
	}
	// on_destroy = "retain" deletes nothing: nothing to decide.
	state.OnDestroy = types.StringValue(onDestroyRetain)
	diags = nil
	r.governDelete(context.Background(), &diags, state, nil)
	if len(diags) != 0 {
		t.Fatalf("retain: %v", diags)
	}
}

// E1: an expired connection record is the administrators' kill switch: it
// denies every write and read the connection governs, at plan, naming the
// connection, the expiry and what to do.
func TestAccConnectionExpired_deniesEverythingItGoverns(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Allowed, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	existing := admin.page("DOCS", "Readable", "", "<p>x</p>")
	expired := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	admin.putConnection(policy.ConnectionRecord{Name: "docs-bot", AccountID: demoAccountID(botEmail), Email: botEmail, Spaces: []string{"DOCS"}, RotatedAt: expired.AddDate(-1, 0, 0), ExpiresAt: &expired}, "DOCS")
	provider := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: provider + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Written after expiry"
  body      = "<p>x</p>"
}
`,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*create_page.*connection "docs-bot" expired at 2020-01-01T00:00:00Z.*rotates the token and updates token_expires_at`),
			},
			{
				Config: provider + fmt.Sprintf(`
data "confluence_page" "read" {
  id = %q
}
`, existing.ID),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*connection "docs-bot" expired at 2020-01-01T00:00:00Z`),
			},
		},
	})
	if _, ok := site.emu.PageByTitle("DOCS", "Written after expiry"); ok {
		t.Fatal("an expired connection created a page")
	}
	// One lookup finds the page's space (the policy decides on it); the
	// body is never read.
	if n := site.emu.Count("GET", "/wiki/api/v2/pages/{id}"); n > 1 {
		t.Fatalf("an expired connection read the page %d times", n)
	}
}

// putConnection writes a connection record as the administrators' workspace
// would, with the fields the test chooses.
func (s *seeder) putConnection(rec policy.ConnectionRecord, spaceKeys ...string) {
	s.t.Helper()
	raw, err := policy.EncodeConnection(rec)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, key := range spaceKeys {
		if _, err := s.client.PutSpaceProperty(context.Background(), s.spaceID(key), policy.ConnectionPropertyKey(rec.Name), json.RawMessage(raw)); err != nil {
			s.t.Fatalf("writing connection %s in %s: %v", rec.Name, key, err)
		}
	}
}

// D5: a typo in the provider's connection read like a scope problem. When
// the space registers the account under other names and no space of the run
// holds a record of the name, the error names the provider argument and the
// names the account is registered under.
func TestAccConnectionName_typoIsNotAScopeProblem(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed}, "DOCS")
	page := func(extra ...string) string {
		return site.providerBlock(botEmail, botToken, extra...) + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Typo"
  body      = "<p>x</p>"
}
`
	}
	before := site.emu.Stats()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      page(`connection = "docs-robot"`),
				ExpectError: wrappedError(`Connection Not Registered for This Account.*connection "docs-robot" \(set by the provider's connection argument\).*registered as connection "docs-bot"`),
			},
			{
				PreConfig:   func() { t.Setenv(envConnection, "docs-robot") },
				Config:      page(),
				ExpectError: wrappedError(`Connection Not Registered for This Account.*set by CONFLUENCE_CONNECTION`),
			},
		},
	})
	if after := site.emu.Stats(); after.Writes != before.Writes {
		t.Fatalf("the refused plans wrote %d times", after.Writes-before.Writes)
	}
	if _, ok := site.emu.PageByTitle("DOCS", "Typo"); ok {
		t.Fatal("the page was created")
	}
}
