// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

const (
	restrictionsRoute = "/wiki/rest/api/content/{id}/restriction"
	childPagesRoute   = "/wiki/api/v2/pages/{id}/children"
	pageByIDRoute     = "/wiki/api/v2/pages/{id}"
)

// M1: a state (or an import) pointed at another page's id put that page's
// view and edit restrictions (account ids, groups) into the state without a
// get_page decision. Now get_page decides in the page's space before they
// are read, unless Confluence says the page is this account's own; the
// control (the account's own page, get_page denied) refreshes as before.
func TestAccPageRestrictions_readsOtherPagesOnlyWithGetPage(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	bot, editor := demoAccountID(botEmail), demoAccountID(editorEmail)
	secret := admin.page("DOCS", "Secret", "", "<p>x</p>")
	site.emu.SetPageRestrictions(secret.ID, map[string][]string{"update": {bot, editor}})
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_page" "mine" {
  space_key = "DOCS"
  title     = "Mine"
  body      = "<p>mine</p>"
}

resource "confluence_page_restrictions" "lock" {
  page_id    = confluence_page.mine.id
  edit_users = ["bot@example.com"]
}
`
	address := "confluence_page_restrictions.lock"
	var mine string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// The account's own page: its restrictions are refreshed with
				// get_page denied, because Confluence records that it wrote the page.
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					mine = s.RootModule().Resources[address].Primary.Attributes["page_id"]
					return nil
				},
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_page_restrictions", "lock", func(a map[string]any) {
						a["id"], a["page_id"] = secret.ID, secret.ID
					})
					site.emu.ResetStats()
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page on page id ` + secret.ID + ` in space DOCS.*refreshing the view and edit restrictions of page ` + secret.ID),
			},
			{
				PreConfig: func() {
					if n := site.emu.Count(http.MethodGet, restrictionsRoute); n != 0 {
						t.Errorf("the forged state read restrictions %d time(s) before get_page allowed it", n)
					}
					tamperState(t, dirs, "confluence_page_restrictions", "lock", func(a map[string]any) {
						a["id"], a["page_id"] = mine, mine
					})
				},
				RefreshState: true,
			},
			{
				ResourceName:  address,
				ImportState:   true,
				ImportStateId: secret.ID,
				ExpectError:   wrappedError(`Operation Denied by Confluence Policy.*get_page on page id ` + secret.ID + `.*importing the view and edit restrictions of page ` + secret.ID),
			},
		},
	})
}

// The usual refresh of restrictions on a page the configuration also
// manages finds the page's space in the index the page's refresh listed:
// no request for the page, and the get_page decision costs the space's
// policy records once per run (one request more than before, in a run that
// decides nothing else in the space).
func TestAccPageRestrictions_refreshLocatesPageFromIndex(t *testing.T) {
	site := newTestSite(t)
	config := site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "mine" {
  space_key = "DOCS"
  title     = "Mine"
  body      = "<p>mine</p>"
}

resource "confluence_page_restrictions" "lock" {
  page_id    = confluence_page.mine.id
  edit_users = ["bot@example.com"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    func() { site.emu.ResetStats() },
				RefreshState: true,
				Check: func(*terraform.State) error {
					t.Logf("refresh of a page and its restrictions: %v", site.emu.Stats().ByRoute)
					if n := site.emu.Count(http.MethodGet, pageByIDRoute); n != 0 {
						return fmt.Errorf("the refresh read the page by id %d time(s); the space index serves it", n)
					}
					if n := site.emu.Count(http.MethodGet, restrictionsRoute); n != 1 {
						return fmt.Errorf("the refresh read restrictions %d time(s), want 1", n)
					}
					// The decision's only cost: the space's policy records, once per run.
					if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/spaces/{space-id}/properties"); n > 1 {
						return fmt.Errorf("the refresh read the space's properties %d times, want at most once per run", n)
					}
					return nil
				},
			},
		},
	})
}

// M2: a state pointed at another parent listed that page's children. Now
// get_page decides on the parent before they are listed.
func TestAccPageOrder_listsOtherChildrenOnlyWithGetPage(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	secret := admin.page("DOCS", "Secret chapters", "", "<p/>")
	x, y := admin.page("DOCS", "Hidden X", secret.ID, "<p/>").ID, admin.page("DOCS", "Hidden Y", secret.ID, "<p/>").ID
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_page" "chapters" {
  space_key = "DOCS"
  title     = "Chapters"
  body      = "<p/>"
}

resource "confluence_page" "a" {
  space_key = "DOCS"
  title     = "A"
  parent_id = confluence_page.chapters.id
  body      = "<p/>"
}

resource "confluence_page" "b" {
  space_key = "DOCS"
  title     = "B"
  parent_id = confluence_page.chapters.id
  body      = "<p/>"
}

resource "confluence_page_order" "o" {
  parent_id = confluence_page.chapters.id
  page_ids  = [confluence_page.b.id, confluence_page.a.id]
}
`
	var own map[string]any
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["confluence_page_order.o"].Primary.Attributes
					own = map[string]any{"id": a["id"], "parent_id": a["parent_id"], "page_ids": []any{a["page_ids.0"], a["page_ids.1"]}}
					return nil
				},
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_page_order", "o", func(a map[string]any) {
						a["id"], a["parent_id"], a["page_ids"] = secret.ID, secret.ID, []any{y, x}
					})
					site.emu.ResetStats()
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page on page id ` + secret.ID + ` in space DOCS.*refreshing the child pages of page ` + secret.ID),
			},
			{
				PreConfig: func() {
					if n := site.emu.Count(http.MethodGet, childPagesRoute); n != 0 {
						t.Errorf("the forged state listed child pages %d time(s) before get_page allowed it", n)
					}
					tamperState(t, dirs, "confluence_page_order", "o", func(a map[string]any) {
						for k, v := range own {
							a[k] = v
						}
					})
				},
				RefreshState: true,
			},
		},
	})
}

// With the provider configuration known only at apply, a restrictions
// change used to plan without a word (the plan report counted nothing to
// hold back), and the refresh failed with "Provider Not Configured". Now the
// plan warns that update_page is not decided, and the refresh keeps the state.
func TestPageRestrictions_configUnknownWarnsAndKeepsState(t *testing.T) {
	ctx := context.Background()
	s := pageRestrictionsResourceSchema()
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the restrictions schema is not an object type")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["page_id"] = tftypes.NewValue(tftypes.String, "65601")
	vals["edit_users"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, botEmail)})
	raw := tftypes.NewValue(typ, vals)
	r := &PageRestrictionsResource{data: &providerData{configUnknown: true}}

	req := fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: s, Raw: raw}, Plan: tfsdk.Plan{Schema: s, Raw: raw}, State: tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, nil)}}
	resp := &fwresource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, resp)
	if resp.Diagnostics.HasError() || !hasDiag(resp.Diagnostics.Warnings(), report.PolicyNotDecidedSummary, "Setting the restrictions of page 65601 (update_page) is not decided by this plan") {
		t.Fatalf("plan diagnostics %v, want the Policy Not Decided at Plan warning", resp.Diagnostics)
	}

	readResp := &fwresource.ReadResponse{State: tfsdk.State{Schema: s, Raw: raw}}
	r.Read(ctx, fwresource.ReadRequest{State: tfsdk.State{Schema: s, Raw: raw}}, readResp)
	if readResp.Diagnostics.HasError() || !readResp.State.Raw.Equal(raw) {
		t.Fatalf("refresh with an unknown configuration: %v, state kept %v", readResp.Diagnostics, readResp.State.Raw.Equal(raw))
	}
}
