// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// policyBlock is a confluence_operation_policy for the connection "ci".
func policyBlock(levels ...string) string {
	return fmt.Sprintf(`
resource "confluence_operation_policy" "ci" {
  connection_name = confluence_connection.ci.id
  %s
}
`, strings.Join(levels, "\n  "))
}

// expectPolicyIn checks the policy record in DOCS and OPS: present exactly in
// the given spaces, with the given level for delete_page.
func expectPolicyIn(site *testSite, deleteLevel policy.Level, spaces ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		key := policy.PolicyPropertyKey("ci-bot")
		for _, spaceKey := range []string{"DOCS", "OPS"} {
			raw, ok := site.emu.SpaceProperty(spaceKey, key)
			want := strings.Contains(strings.Join(spaces, ","), spaceKey)
			if ok != want {
				return fmt.Errorf("space %s: policy record present = %v, want %v", spaceKey, ok, want)
			}
			if !ok {
				continue
			}
			p, err := policy.DecodePolicy(key, raw)
			if err != nil {
				return err
			}
			if p.Level(policy.DeletePage) != deleteLevel || p.Level(policy.GetPage) != policy.Allowed || p.Level(policy.UpdatePage) != policy.AllowedWithConfirmation {
				return fmt.Errorf("space %s: unexpected policy %+v", spaceKey, p.Levels)
			}
		}
		return nil
	}
}

func TestAccOperationPolicyResource_lifecycle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken,
			resource.TestStep{
				// Connection and policy in one apply: the policy waits for the connection's id.
				Config: connectionConfig(site, `["DOCS", "OPS"]`, 1, policyBlock()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_operation_policy.ci", tfjsonpath.New("search_pages"), knownvalue.StringExact("allowed")),
					statecheck.ExpectKnownValue("confluence_operation_policy.ci", tfjsonpath.New("delete_page"), knownvalue.StringExact("allowed_with_confirmation")),
					statecheck.ExpectKnownValue("confluence_operation_policy.ci", tfjsonpath.New("spaces"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("DOCS"), knownvalue.StringExact("OPS")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectPolicyIn(site, policy.AllowedWithConfirmation, "DOCS", "OPS"),
			},
			resource.TestStep{
				Config:           connectionConfig(site, `["DOCS", "OPS"]`, 1, policyBlock(`delete_page = "denied"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectPolicyIn(site, policy.Denied, "DOCS", "OPS"),
			},
			resource.TestStep{
				// Someone loosens the policy in OPS behind Terraform's back: refresh shows
				// it and the apply restores it.
				PreConfig: func() {
					c := site.asAccount(t, adminEmail, adminToken)
					space, err := c.GetSpaceByKey(context.Background(), "OPS")
					if err != nil {
						t.Fatal(err)
					}
					value, _ := policy.EncodePolicy(policy.PolicyRecord{Connection: "ci-bot", Levels: map[policy.Operation]policy.Level{policy.DeletePage: policy.Allowed}})
					if _, err := c.PutSpaceProperty(context.Background(), space.ID, policy.PolicyPropertyKey("ci-bot"), json.RawMessage(value)); err != nil {
						t.Fatal(err)
					}
				},
				Config:           connectionConfig(site, `["DOCS", "OPS"]`, 1, policyBlock(`delete_page = "denied"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_operation_policy.ci", plancheck.ResourceActionUpdate)}},
				Check:            expectPolicyIn(site, policy.Denied, "DOCS", "OPS"),
			},
			resource.TestStep{
				// The scope shrinks: both records leave OPS in one apply.
				Config:           connectionConfig(site, `["DOCS"]`, 1, policyBlock(`delete_page = "denied"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.ComposeTestCheckFunc(expectPolicyIn(site, policy.Denied, "DOCS"), expectConnectionIn(site, "DOCS")),
			},
			resource.TestStep{
				// The scope grows: the connection copies its policy to the new space, so
				// one apply is enough and OPS never runs on default levels.
				Config:           connectionConfig(site, `["DOCS", "OPS"]`, 1, policyBlock(`delete_page = "denied"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.ComposeTestCheckFunc(expectPolicyIn(site, policy.Denied, "DOCS", "OPS"), expectConnectionIn(site, "DOCS", "OPS")),
			},
			resource.TestStep{
				// spaces follows a scope change made by the connection at the next refresh.
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr("confluence_operation_policy.ci", "spaces.#", "2"),
			},
			resource.TestStep{
				ResourceName:      "confluence_operation_policy.ci",
				ImportState:       true,
				ImportStateId:     "ci-bot",
				ImportStateVerify: true,
			},
		),
		CheckDestroy: func(*terraform.State) error {
			if err := expectConnectionIn(site)(nil); err != nil {
				return err
			}
			return expectPolicyIn(site, policy.Denied)(nil)
		},
	})
}

func TestAccOperationPolicyResource_levelTypo(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken, resource.TestStep{
			Config:      connectionConfig(site, `["DOCS"]`, 1, policyBlock(`get_page = "alowed"`)), //nolint:misspell // a typo on purpose
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid Policy Level.*get_page.*did you mean "allowed"\?`),
		}),
	})
}

func TestAccOperationPolicyResource_missingConnection(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(adminEmail, adminToken) + `
resource "confluence_operation_policy" "ci" {
  connection_name = "no-such-bot"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Connection Not Found`),
		}},
	})
	if w := site.emu.Stats().Writes; w != 0 {
		t.Errorf("writes = %d, want 0", w)
	}
}

// TestAccOperationPolicyResource_selfElevation: the bot, authenticated as
// itself, tries to loosen its own policy. The plan fails and nothing is sent.
func TestAccOperationPolicyResource_selfElevation(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := connectionConfig(site, `["DOCS"]`, 1, policyBlock(`delete_page = "denied"`))
	// The bot's own workspace: it leaves the connection alone (a removed block
	// forgets it without touching the record) and tries to loosen its policy.
	asBot := site.providerBlock(botEmail, botToken) + `
variable "bot_token" {
  type      = string
  ephemeral = true
}

removed {
  from = confluence_connection.ci
  lifecycle {
    destroy = false
  }
}

resource "confluence_operation_policy" "ci" {
  connection_name = "ci-bot"
  delete_page     = "allowed"
}
`
	var writes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken,
			resource.TestStep{Config: admin, Check: func(*terraform.State) error { writes = site.emu.Stats().Writes; return nil }},
			resource.TestStep{Config: asBot, ExpectError: regexp.MustCompile(`(?s)Connection Cannot Edit Its Own Policy.*bot@example.com`)},
			resource.TestStep{
				// Back to the administrators' workspace, which also tears down.
				PreConfig: func() {
					if w := site.emu.Stats().Writes; w != writes {
						t.Errorf("the refused plan sent %d write request(s)", w-writes)
					}
				},
				Config: admin,
				Check:  expectPolicyIn(site, policy.Denied, "DOCS"),
			},
		),
	})
}

// capturePlanned stores a planned attribute value of a resource for later steps.
type capturePlanned struct {
	address, attribute string
	into               *string
}

func (c capturePlanned) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address || rc.Change == nil {
			continue
		}
		if after, ok := rc.Change.After.(map[string]any); ok {
			if v, ok := after[c.attribute].(string); ok {
				*c.into = v
				return
			}
		}
	}
	resp.Error = fmt.Errorf("%s.%s is not a known string in the plan", c.address, c.attribute)
}

// botWorkspace is the automation's configuration: the provider acts as the
// bot through connection ci-bot. The removed blocks make Terraform forget the
// administrators' resources created in the first step without destroying
// them, as if they lived in another workspace.
func botWorkspace(site *testSite, pages ...string) string {
	return site.providerBlock(botEmail, botToken, `connection = "ci-bot"`) + `
variable "bot_token" {
  type      = string
  ephemeral = true
}

removed {
  from = confluence_connection.ci
  lifecycle { destroy = false }
}

removed {
  from = confluence_operation_policy.ci
  lifecycle { destroy = false }
}
` + strings.Join(pages, "\n")
}

func enforcedPage(name, spaceKey, body, onDestroy string) string {
	return fmt.Sprintf(`
resource "confluence_page" %q {
  space_key  = %q
  title      = "Enforced %s"
  body       = %q
  on_destroy = %q
}
`, name, spaceKey, name, body, onDestroy)
}

// TestAccEnforceOperationPolicy: the administrators set a policy, the bot's
// workspace lives with it. Not parallel: approvals are granted through
// CONFLUENCE_CONFIRMATIONS, as an approver would for a saved plan.
func TestAccEnforceOperationPolicy(t *testing.T) {
	site := newTestSite(t)
	const page = "confluence_page.docs"
	var pageID, codeTwo, codeThree string
	var writes int
	noWritesSince := func() {
		if w := site.emu.Stats().Writes; w != writes {
			t.Errorf("refused changes sent %d write request(s)", w-writes)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken,
			resource.TestStep{
				Config: connectionConfig(site, `["DOCS"]`, 1, policyBlock(`create_page = "allowed"`, `update_page = "allowed_with_confirmation"`, `delete_page = "denied"`)),
			},
			resource.TestStep{
				Config: botWorkspace(site, enforcedPage("docs", "DOCS", "<p>one</p>", "trash")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(page, tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed")),
				},
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources[page].Primary.ID
					writes = site.emu.Stats().Writes
					return nil
				},
			},
			resource.TestStep{
				// Destroying the page is denied at plan.
				Config:      botWorkspace(site),
				ExpectError: regexp.MustCompile(`(?s)Operation Denied by Confluence Policy.*delete_page`),
			},
			resource.TestStep{
				Config: botWorkspace(site, enforcedPage("docs", "DOCS", "<p>two</p>", "trash")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(page, tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed_with_confirmation")),
					plancheck.ExpectKnownValue(page, tfjsonpath.New("confirmation_code"), knownvalue.StringRegexp(regexp.MustCompile(`^update_page-[0-9a-f]{32}$`))),
					capturePlanned{page, "confirmation_code", &codeTwo},
				}},
				ExpectError: regexp.MustCompile(`Confirmation Code Not Granted`),
			},
			resource.TestStep{
				// The code granted for "two" does not unlock "three".
				PreConfig:        func() { t.Setenv(envConfirmations, codeTwo) },
				Config:           botWorkspace(site, enforcedPage("docs", "DOCS", "<p>three</p>", "trash")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{capturePlanned{page, "confirmation_code", &codeThree}}},
				ExpectError:      regexp.MustCompile(`Confirmation Code Not Granted`),
			},
			resource.TestStep{
				PreConfig: func() {
					noWritesSince()
					if codeTwo == codeThree {
						t.Errorf("different content got the same code %s", codeTwo)
					}
					t.Setenv(envConfirmations, codeThree)
				},
				Config: botWorkspace(site, enforcedPage("docs", "DOCS", "<p>three</p>", "trash")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(page, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
				Check: func(*terraform.State) error {
					snap, _ := site.emu.Page(pageID)
					if !strings.Contains(snap.VersionMessage, codeThree) || !strings.Contains(snap.VersionMessage, "ci-bot") {
						return fmt.Errorf("version message %q lacks the code %s or the connection", snap.VersionMessage, codeThree)
					}
					if audit := string(snap.Properties[auditPropertyKey]); !strings.Contains(audit, codeThree) {
						return fmt.Errorf("audit property %s lacks the code %s", audit, codeThree)
					}
					writes = site.emu.Stats().Writes
					return nil
				},
			},
			resource.TestStep{
				// OPS is outside the connection's scope.
				Config: botWorkspace(site, enforcedPage("docs", "DOCS", "<p>three</p>", "trash"),
					enforcedPage("ops", "OPS", "<p>ops</p>", "trash")),
				ExpectError: regexp.MustCompile(`(?s)Operation Denied by Confluence Policy.*outside the scope`),
			},
			resource.TestStep{
				// Leave the page in place so the test's own destroy is not denied.
				PreConfig: noWritesSince,
				Config:    botWorkspace(site, enforcedPage("docs", "DOCS", "<p>three</p>", "retain")),
			},
		),
	})
}
