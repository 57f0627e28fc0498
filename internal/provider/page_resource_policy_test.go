// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// A page whose content is only known at apply cannot have its confirmation
// code in the plan: the plan says so, and the apply stops before writing with
// the final code instead of failing as an inconsistent plan.
func TestAccPageResource_unknownContentUnderConfirmation(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Allowed}, "DOCS")
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "terraform_data" "source" {
  input = "Generated at apply"
}

resource "confluence_page" "test" {
  space_key = "DOCS"
  title     = "Generated"
  markdown  = terraform_data.source.output
}
`
	var code string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed_with_confirmation")),
					plancheck.ExpectUnknownValue("confluence_page.test", tfjsonpath.New("confirmation_code")),
				}},
				ExpectError: regexp.MustCompile(`(?s)Confirmation Code Not Granted.*create_page-[0-9a-f]{32}.*Nothing was written`),
			},
			{
				// Now the content is known, so the plan carries the code; it is
				// still not granted.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					capturePlanned{address: "confluence_page.test", attribute: "confirmation_code", into: &code},
				}},
				ExpectError: regexp.MustCompile(`Confirmation Code Not Granted`),
			},
			{
				PreConfig:        func() { t.Setenv(envConfirmations, code) },
				Config:           config,
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
	if _, ok := site.emu.PageByTitle("DOCS", "Generated"); !ok {
		t.Fatal("the confirmed page was not created")
	}
}

// Moving a page to another space replaces it, so the plan governs deleting
// the old page: a denied delete fails the plan before anything is written.
func TestAccPageResource_replacementGovernsDeletingTheOldPage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Denied,
	}, "DOCS", "OPS")
	page := func(space, onDestroy string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "test" {
  space_key  = %q
  title      = "Moving"
  body       = "<p>x</p>"
  on_destroy = %q
}
`, space, onDestroy)
	}
	var writes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: page("DOCS", "trash"),
				Check:  func(*terraform.State) error { writes = site.emu.Stats().Writes; return nil },
			},
			{
				Config:      page("OPS", "trash"),
				ExpectError: regexp.MustCompile(`(?s)Operation Denied by Confluence Policy.*delete_page`),
			},
			{
				// Retaining the old page deletes nothing, so the move is allowed.
				PreConfig: func() {
					if w := site.emu.Stats().Writes; w != writes {
						t.Errorf("the denied plan sent %d writes", w-writes)
					}
				},
				Config: page("DOCS", "retain"),
			},
			{
				Config: page("OPS", "retain"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_page.test", plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
		},
	})
}

// Switching between body and markdown that say the same writes nothing.
func TestAccPageResource_switchingEquivalentFormsWritesNothing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: pageConfig(site, `body = "<h1>Deploy</h1><p>With <strong>care</strong>.</p>"`)},
			{
				PreConfig: site.emu.ResetStats,
				Config:    pageConfig(site, `markdown = "# Deploy\n\nWith **care**.\n"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if w := site.emu.Stats().Writes; w != 0 {
						return fmt.Errorf("switching to equivalent markdown sent %d writes: %v", w, site.emu.Stats().ByRoute)
					}
					return nil
				},
			},
		},
	})
}

// A failure after the page was created (here its audit property) warns and
// keeps the page: it is not tainted and replaced by the next apply.
func TestAccPageResource_failureAfterCreateKeepsThePage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: `^/wiki/api/v2/pages/[0-9]+/properties$`, Kind: emulator.Fault500Before})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           pageConfig(site, `body = "<p>x</p>"`, `labels = ["kept"]`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(s *terraform.State) error {
				snap, ok := site.emu.Page(stateID(s, "confluence_page.test"))
				if !ok || snap.Status != "current" || len(snap.Labels) != 1 {
					return fmt.Errorf("page after a failed audit write: %+v", snap)
				}
				if _, has := snap.Properties[auditPropertyKey]; has {
					return fmt.Errorf("the fault was not injected: the audit property exists")
				}
				return nil
			},
		}},
	})
}

// A label or a space known only at apply is treated like unknown content: the
// plan does not guess the decision's code (or, for the space, the decision).
func TestAccPageResource_unknownLabelAndSpace(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Allowed}, "DOCS")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "terraform_data" "label" {
  input = "generated"
}

resource "confluence_page" "test" {
  space_key = "DOCS"
  title     = "Labelled later"
  body      = "<p>x</p>"
  labels    = ["fixed", terraform_data.label.output]
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("confluence_page.test", tfjsonpath.New("confirmation_code")),
				}},
				ExpectError: regexp.MustCompile(`Confirmation Code Not Granted`),
			},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			// No connection named: OPS is unmanaged for the bot.
			Config: site.providerBlock(botEmail, botToken) + `
resource "terraform_data" "space" {
  input = "OPS"
}

resource "confluence_page" "test" {
  space_key = terraform_data.space.output
  title     = "Space known later"
  body      = "<p>x</p>"
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue("confluence_page.test", tfjsonpath.New("policy_decision")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
			},
		}},
	})
}
