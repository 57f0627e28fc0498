// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

const botAccountID = "557058:0a1b2c3d-0000-4000-8000-000000000002"

// connectionConfig is the admin workspace: a connection "ci-bot" for the bot
// with the given scope and token version, plus extra resources. The token
// comes from the ephemeral variable bot_token, as it would from a secret
// store: a literal in the configuration would be copied into the plan's
// configuration section and the test harness's logs.
func connectionConfig(site *testSite, spaces string, tokenVersion int, extra ...string) string {
	return site.providerBlock(adminEmail, adminToken) + fmt.Sprintf(`
variable "bot_token" {
  type      = string
  ephemeral = true
}

resource "confluence_connection" "ci" {
  name                 = "ci-bot"
  email                = %q
  spaces               = %s
  api_token_wo         = var.bot_token
  api_token_wo_version = %d
}
%s
`, botEmail, spaces, tokenVersion, strings.Join(extra, "\n"))
}

// withToken passes the connection's token to every step of a test case.
func withToken(token string, steps ...resource.TestStep) []resource.TestStep {
	for i := range steps {
		steps[i].ConfigVariables = config.Variables{"bot_token": config.StringVariable(token)}
	}
	return steps
}

// storedConnection decodes the connection record the emulator holds in a space.
func storedConnection(site *testSite, spaceKey, name string) (policy.ConnectionRecord, bool, error) {
	key := policy.ConnectionPropertyKey(name)
	raw, ok := site.emu.SpaceProperty(spaceKey, key)
	if !ok {
		return policy.ConnectionRecord{}, false, nil
	}
	rec, err := policy.DecodeConnection(key, raw)
	return rec, true, err
}

// expectConnectionIn checks the record is stored in exactly the given spaces
// (DOCS and OPS considered) and names them as its scope.
func expectConnectionIn(site *testSite, spaces ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, key := range []string{"DOCS", "OPS"} {
			rec, ok, err := storedConnection(site, key, "ci-bot")
			if err != nil {
				return err
			}
			if ok != slices.Contains(spaces, key) {
				return fmt.Errorf("space %s: connection record present = %v, want %v", key, ok, !ok)
			}
			if ok && (rec.AccountID != botAccountID || rec.Email != botEmail || rec.DisplayName != "Docs Bot" || !slices.Equal(rec.Spaces, spaces) || rec.RotatedAt.IsZero()) {
				return fmt.Errorf("space %s: unexpected record %+v", key, rec)
			}
		}
		return nil
	}
}

// noTokenInState fails when any attribute in state holds the token.
func noTokenInState(token string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for attr, v := range rs.Primary.Attributes {
				if strings.Contains(v, token) {
					return fmt.Errorf("%s.%s holds the API token", addr, attr)
				}
			}
		}
		return nil
	}
}

// noTokenInPlan fails when the plan JSON holds the token anywhere.
type noTokenInPlan string

func (n noTokenInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	if strings.Contains(string(raw), string(n)) {
		resp.Error = fmt.Errorf("the plan JSON contains the API token")
	}
}

func TestAccConnectionResource_lifecycle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var rotatedAt string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken,
			resource.TestStep{
				Config: connectionConfig(site, `["DOCS", "OPS"]`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						noTokenInPlan(botToken),
						plancheck.ExpectUnknownValue("confluence_connection.ci", tfjsonpath.New("account_id")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noTokenInPlan(botToken)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_connection.ci", tfjsonpath.New("id"), knownvalue.StringExact("ci-bot")),
					statecheck.ExpectKnownValue("confluence_connection.ci", tfjsonpath.New("account_id"), knownvalue.StringExact(botAccountID)),
					statecheck.ExpectKnownValue("confluence_connection.ci", tfjsonpath.New("display_name"), knownvalue.StringExact("Docs Bot")),
					statecheck.ExpectKnownValue("confluence_connection.ci", tfjsonpath.New("api_token_wo"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					noTokenInState(botToken),
					expectConnectionIn(site, "DOCS", "OPS"),
					func(s *terraform.State) error {
						rotatedAt = s.RootModule().Resources["confluence_connection.ci"].Primary.Attributes["token_rotated_at"]
						return nil
					},
				),
			},
			resource.TestStep{
				// Narrow the scope: the record leaves OPS.
				Config:           connectionConfig(site, `["DOCS"]`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					expectConnectionIn(site, "DOCS"),
					resource.TestCheckResourceAttrPtr("confluence_connection.ci", "token_rotated_at", &rotatedAt),
				),
			},
			resource.TestStep{
				// Someone deletes the record in DOCS: refresh notices, the apply writes it back.
				PreConfig: func() { deleteSpaceProperty(t, site, "DOCS", policy.ConnectionPropertyKey("ci-bot")) },
				Config:    connectionConfig(site, `["DOCS"]`, 1),
				Check:     expectConnectionIn(site, "DOCS"),
			},
			resource.TestStep{
				// Rotate the token: only token_rotated_at moves.
				PreConfig: func() { time.Sleep(1100 * time.Millisecond) }, // RFC 3339 has second resolution
				Config:    connectionConfig(site, `["DOCS"]`, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("confluence_connection.ci", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("confluence_connection.ci", tfjsonpath.New("token_rotated_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					got := s.RootModule().Resources["confluence_connection.ci"].Primary.Attributes["token_rotated_at"]
					if got == rotatedAt || got == "" {
						return fmt.Errorf("token_rotated_at = %q after rotation, was %q", got, rotatedAt)
					}
					return expectConnectionIn(site, "DOCS")(s)
				},
			},
			resource.TestStep{
				ResourceName:            "confluence_connection.ci",
				ImportState:             true,
				ImportStateId:           "ci-bot:DOCS",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"api_token_wo", "api_token_wo_version"},
			},
		),
		CheckDestroy: func(*terraform.State) error { return expectConnectionIn(site)(nil) },
	})
}

// deleteSpaceProperty removes a property as an administrator would in Confluence.
func deleteSpaceProperty(t *testing.T, site *testSite, spaceKey, key string) {
	t.Helper()
	c := site.asAccount(t, adminEmail, adminToken)
	ctx := context.Background()
	space, err := c.GetSpaceByKey(ctx, spaceKey)
	if err != nil {
		t.Fatal(err)
	}
	props, err := c.ListSpaceProperties(ctx, space.ID, key)
	if err != nil || len(props) != 1 {
		t.Fatalf("property %s in %s: %v, %d found", key, spaceKey, err, len(props))
	}
	if err := c.DeleteSpaceProperty(ctx, space.ID, props[0].ID); err != nil {
		t.Fatal(err)
	}
}

func TestAccConnectionResource_wrongToken(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	const wrong = "wrong-token-3d1f9a"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(wrong, resource.TestStep{
			Config:      connectionConfig(site, `["DOCS"]`, 1),
			ExpectError: regexp.MustCompile(`API Token Rejected`),
		}),
	})
	if _, ok := site.emu.SpaceProperty("DOCS", policy.ConnectionPropertyKey("ci-bot")); ok {
		t.Error("a record was written although the token was rejected")
	}
}

func TestAccConnectionResource_expiredToken(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken, resource.TestStep{
			Config:      strings.Replace(connectionConfig(site, `["DOCS"]`, 1), "api_token_wo_version", "token_expires_at = \"2020-01-01T00:00:00Z\"\n  api_token_wo_version", 1),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)API Token Expired.*token_expires_at|token_expires_at.*API Token Expired`),
		}),
	})
	if site.emu.Stats().Writes != 0 {
		t.Errorf("writes = %d, want 0", site.emu.Stats().Writes)
	}
}

// TestAccConnectionResource_traceLogs runs a create with TRACE logging of
// Terraform and the provider and checks the token appears nowhere in the log.
// Not parallel: it sets environment variables.
func TestAccConnectionResource_traceLogs(t *testing.T) {
	site := newTestSite(t)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_VAR_bot_token", botToken) // not ConfigVariables: the harness may log those
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps:                    []resource.TestStep{{Config: connectionConfig(site, `["DOCS"]`, 1)}},
	})
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "verified the credential of a connection") {
		t.Fatalf("the TRACE log (%d bytes) lacks the provider's own entries; the check below would prove nothing", len(logs))
	}
	if strings.Contains(string(logs), botToken) {
		t.Error("the API token appears in the TRACE log")
	}
}

// connectionRequest builds a framework config for confluence_connection from
// attribute values; the others are null.
func connectionRequest(t *testing.T, attrs map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	typ, ok := connectionResourceSchema().Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the connection schema is not an object type")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := attrs[name]; ok {
			vals[name] = v
		}
	}
	return tftypes.NewValue(typ, vals)
}

func connectionAttrs(expiresAt string) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"name":                 tftypes.NewValue(tftypes.String, "ci-bot"),
		"email":                tftypes.NewValue(tftypes.String, botEmail),
		"spaces":               tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "DOCS")}),
		"api_token_wo":         tftypes.NewValue(tftypes.String, botToken),
		"api_token_wo_version": tftypes.NewValue(tftypes.Number, 1),
		"token_expires_at":     tftypes.NewValue(tftypes.String, expiresAt),
	}
}

// TestConnectionResource_expiryWarning calls ModifyPlan directly: the plugin
// testing framework cannot assert warnings.
func TestConnectionResource_expiryWarning(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	s := connectionResourceSchema()
	for _, tc := range []struct {
		expiresAt   string
		wantWarning bool
		wantError   bool
	}{
		{"2027-01-20T00:00:00Z", true, false},  // 19 days left
		{"2027-03-01T00:00:00Z", false, false}, // 59 days left
		{"2026-12-31T00:00:00Z", false, true},  // expired yesterday
	} {
		t.Run(tc.expiresAt, func(t *testing.T) {
			r := &ConnectionResource{now: func() time.Time { return now }}
			raw := connectionRequest(t, connectionAttrs(tc.expiresAt))
			req := fwresource.ModifyPlanRequest{
				Config: tfsdk.Config{Schema: s, Raw: raw},
				Plan:   tfsdk.Plan{Schema: s, Raw: raw},
				State:  tfsdk.State{Schema: s, Raw: tftypes.NewValue(raw.Type(), nil)},
			}
			resp := &fwresource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(context.Background(), req, resp)
			if got := hasDiag(resp.Diagnostics.Warnings(), "API Token Expires Soon", "in 19 days."); got != tc.wantWarning {
				t.Errorf("expiry warning = %v, want %v: %v", got, tc.wantWarning, resp.Diagnostics)
			}
			if got := hasDiag(resp.Diagnostics.Errors(), "API Token Expired", "2026-12-31T00:00:00Z"); got != tc.wantError {
				t.Errorf("expiry error = %v, want %v: %v", got, tc.wantError, resp.Diagnostics)
			}
		})
	}
}

func hasDiag(diags diag.Diagnostics, summary, detailPart string) bool {
	for _, d := range diags {
		if d.Summary() == summary && strings.Contains(d.Detail(), detailPart) {
			return true
		}
	}
	return false
}

// TestConnectionResource_adminAccountWarning: registering the workspace's own
// (admin) account as a connection warns at plan.
func TestConnectionResource_adminAccountWarning(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := site.asAccount(t, adminEmail, adminToken)
	s := connectionResourceSchema()
	for _, email := range []string{adminEmail, botEmail} {
		attrs := connectionAttrs("2030-01-01T00:00:00Z")
		attrs["email"] = tftypes.NewValue(tftypes.String, email)
		raw := connectionRequest(t, attrs)
		r := &ConnectionResource{data: newProviderData(admin, providerSettings{email: adminEmail}), now: time.Now}
		req := fwresource.ModifyPlanRequest{
			Config: tfsdk.Config{Schema: s, Raw: raw},
			Plan:   tfsdk.Plan{Schema: s, Raw: raw},
			State:  tfsdk.State{Schema: s, Raw: tftypes.NewValue(raw.Type(), nil)},
		}
		resp := &fwresource.ModifyPlanResponse{Plan: req.Plan}
		r.ModifyPlan(context.Background(), req, resp)
		if got := hasDiag(resp.Diagnostics.Warnings(), "Connection Uses an Administrator Account", "never space admin"); got != (email == adminEmail) {
			t.Errorf("email %s: admin warning = %v: %v", email, got, resp.Diagnostics)
		}
	}
}

// TestConnectionResource_rejectedTokenNotInError verifies the token against
// the emulator and checks the error names the account but not the token.
func TestConnectionResource_rejectedTokenNotInError(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	const wrong = "wrong-token-3d1f9a"
	admin := site.asAccount(t, adminEmail, adminToken)
	r := &ConnectionResource{data: newProviderData(admin, providerSettings{email: adminEmail}), now: time.Now}
	attrs := connectionAttrs("2030-01-01T00:00:00Z")
	attrs["api_token_wo"] = tftypes.NewValue(tftypes.String, wrong)
	s := connectionResourceSchema()
	config := tfsdk.Config{Schema: s, Raw: connectionRequest(t, attrs)}
	var plan connectionModel
	if d := config.Get(context.Background(), &plan); d.HasError() {
		t.Fatal(d)
	}
	var diags diag.Diagnostics
	if r.verifyToken(context.Background(), config, &diags, &plan) {
		t.Fatal("a wrong token was accepted")
	}
	if !hasDiag(diags.Errors(), "API Token Rejected", botEmail) {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	for _, d := range diags {
		if strings.Contains(d.Summary()+d.Detail(), wrong) {
			t.Errorf("the diagnostic reveals the token: %s", d.Detail())
		}
	}
	if !confluence.IsUnauthorized(func() error {
		c, _ := confluence.New(confluence.Config{BaseURL: site.URL(), Email: botEmail, APIToken: wrong, MaxRetries: -1})
		_, err := c.CurrentUser(context.Background())
		return err
	}()) {
		t.Error("the emulator did not reject the wrong token; the test proves nothing")
	}
}

// The governed account cannot change or remove its own connection record:
// that would take its operations out of the policy.
func TestAccConnectionResource_ownRecordIsOffLimits(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := connectionConfig(site, `["DOCS", "OPS"]`, 1)
	asBot := strings.Replace(strings.Replace(admin, adminEmail, botEmail, 1), adminToken, botToken, 1)
	var writes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken,
			resource.TestStep{Config: admin, Check: func(*terraform.State) error { writes = site.emu.Stats().Writes; return nil }},
			resource.TestStep{
				Config:      strings.Replace(asBot, `["DOCS", "OPS"]`, `["DOCS"]`, 1),
				ExpectError: regexp.MustCompile(`(?s)Connection Cannot Edit Its Own Record.*bot@example.com`),
			},
			resource.TestStep{
				Config:      asBot,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`Connection Cannot Edit Its Own Record`),
			},
			resource.TestStep{
				PreConfig: func() {
					if w := site.emu.Stats().Writes; w != writes {
						t.Errorf("the refused plans sent %d write request(s)", w-writes)
					}
				},
				Config: admin,
				Check:  expectConnectionIn(site, "DOCS", "OPS"),
			},
		),
	})
}

// An administrator that registers a connection for its own account gets a
// warning, and the workspace keeps planning: only changes are refused.
func TestAccConnectionResource_ownAccountStillPlans(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := site.providerBlock(adminEmail, adminToken) + `
variable "bot_token" {
  type      = string
  ephemeral = true
}

resource "confluence_connection" "self" {
  name                 = "admin-self"
  email                = "` + adminEmail + `"
  spaces               = ["DOCS"]
  api_token_wo         = var.bot_token
  api_token_wo_version = 1
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(adminToken,
			resource.TestStep{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			resource.TestStep{
				Config:      strings.Replace(config, `["DOCS"]`, `["DOCS", "OPS"]`, 1),
				ExpectError: regexp.MustCompile(`Connection Cannot Edit Its Own Record`),
			},
			resource.TestStep{Config: config, PlanOnly: true},
			// This identity cannot destroy its own record either; forget it.
			resource.TestStep{Config: site.providerBlock(adminEmail, adminToken) + `
variable "bot_token" {
  type      = string
  ephemeral = true
}

removed {
  from = confluence_connection.self
  lifecycle {
    destroy = false
  }
}
`},
		),
	})
}
