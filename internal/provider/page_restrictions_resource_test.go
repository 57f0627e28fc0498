// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

func demoAccountID(email string) string {
	for _, a := range emulator.DemoAccounts() {
		if a.Email == email {
			return a.AccountID
		}
	}
	return ""
}

func TestLockOutProblem(t *testing.T) {
	const me = "me"
	tests := []struct {
		name     string
		groups   []string
		rr       resolvedRestrictions
		wantAttr string
	}{
		{name: "no restrictions", rr: resolvedRestrictions{}},
		{name: "listed in both", rr: resolvedRestrictions{ViewAccounts: []string{me, "x"}, EditAccounts: []string{me}}},
		{name: "edit restricted to others", rr: resolvedRestrictions{EditAccounts: []string{"x"}}, wantAttr: "edit_users"},
		{name: "view restricted to others", rr: resolvedRestrictions{ViewAccounts: []string{"x"}, EditAccounts: []string{me}}, wantAttr: "view_users"},
		{name: "in through a group", groups: []string{"g1"}, rr: resolvedRestrictions{ViewGroups: []string{"g1"}, EditGroups: []string{"g1"}}},
		{name: "group the account is not in", groups: []string{"g2"}, rr: resolvedRestrictions{EditGroups: []string{"g1"}}, wantAttr: "edit_users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attr, why := lockOutProblem(me, tt.groups, tt.rr)
			if attr != tt.wantAttr || (attr != "" && why == "") {
				t.Errorf("lockOutProblem = %q, %q; want %q", attr, why, tt.wantAttr)
			}
		})
	}
}

func TestAccPageRestrictions_setDriftImportLockOut(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	writers := site.emu.AddGroup("doc-writers", editorEmail)
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Generated reference", "", "<p>Generated from Git.</p>")
	bot, editor, reader := demoAccountID(botEmail), demoAccountID(editorEmail), demoAccountID(readerEmail)
	address := "confluence_page_restrictions.lock"
	restrictionPath := "/wiki/rest/api/content/{id}/restriction"

	config := func(body string) string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page_restrictions" "lock" {
  page_id = %q
%s
}
`, page.ID, body)
	}
	locked := config(`
  edit_users  = ["bot@example.com"]
  edit_groups = ["doc-writers"]
`)
	var putsBefore int

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: locked,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("edit_account_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(bot)})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("edit_group_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(writers)})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("view_account_ids"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
				},
				Check: func(*terraform.State) error {
					// Confluence enforces the lock: the admin may read the page but not edit it.
					c, err := confluence.New(confluence.Config{BaseURL: site.URL(), Email: adminEmail, APIToken: adminToken, MaxRetries: -1})
					if err != nil {
						return err
					}
					p, err := c.GetPage(context.Background(), page.ID, confluence.GetPageOptions{IncludeBody: true})
					if err != nil {
						return fmt.Errorf("admin cannot read the edit-locked page: %w", err)
					}
					_, err = c.UpdatePage(context.Background(), confluence.UpdatePageRequest{ID: page.ID, SpaceID: p.SpaceID, Title: p.Title, Status: "current", Body: "<p>edited</p>", VersionNumber: p.Version.Number + 1})
					if !confluence.IsForbidden(err) {
						return fmt.Errorf("admin edit of the locked page: %w, want 403", err)
					}
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Someone adds the reader to the edit list by hand: drift, put back.
				PreConfig: func() {
					site.emu.SetPageRestrictions(page.ID, map[string][]string{"update": {bot, reader, "group:" + writers}})
				},
				Config: locked,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					r, err := admin.client.GetPageRestrictions(context.Background(), page.ID)
					if err != nil {
						return err
					}
					if len(r.Update.AccountIDs) != 1 || r.Update.AccountIDs[0] != bot || len(r.Read.AccountIDs) != 0 {
						return fmt.Errorf("restrictions after apply: %+v", r)
					}
					return nil
				},
			},
			{
				// View and edit for the bot and the editor (by account id).
				Config: config(fmt.Sprintf(`
  view_users = ["bot@example.com", %q]
  edit_users = ["bot@example.com", %q]
`, editor, editor)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("view_account_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(bot), knownvalue.StringExact(editor)})),
				},
				Check: func(*terraform.State) error {
					// The reader no longer sees the page at all.
					c, err := confluence.New(confluence.Config{BaseURL: site.URL(), Email: readerEmail, APIToken: readerToken, MaxRetries: -1})
					if err != nil {
						return err
					}
					if _, err := c.GetPage(context.Background(), page.ID, confluence.GetPageOptions{}); !confluence.IsNotFound(err) {
						return fmt.Errorf("reader reads the view-restricted page: %w, want 404", err)
					}
					return nil
				},
			},
			{
				ResourceName:      address,
				ImportState:       true,
				ImportStateId:     page.ID,
				ImportStateVerify: true,
				// Imported restrictions name users by account id; the configuration used an e-mail.
				ImportStateVerifyIgnore: []string{"view_users", "edit_users", "policy_decision", "confirmation_code"},
			},
			{
				// Locking the bot itself out fails at plan, naming the attribute, and writes nothing.
				PreConfig: func() { putsBefore = site.emu.Count(http.MethodPut, restrictionPath) },
				Config: config(`
  edit_users = ["editor@example.com"]
`),
				ExpectError: wrappedError(`Restrictions Would Lock Out the Provider.*edit_users.*bot@example\.com.*account id ` + bot + `.*page ` + page.ID),
			},
			{
				PreConfig: func() {
					if n := site.emu.Count(http.MethodPut, restrictionPath); n != putsBefore {
						t.Errorf("the lock-out plan sent %d restriction update(s)", n-putsBefore)
					}
				},
				Config: config(`
  view_users = ["reader@example.com"]
  edit_users = ["bot@example.com"]
`),
				ExpectError: wrappedError(`Restrictions Would Lock Out the Provider.*view_users.*could no longer see the page`),
			},
			{
				// Neither an account id nor an e-mail address: refused before any request.
				PreConfig:   func() { site.emu.ResetStats() },
				Config:      config(`  edit_users = ["bot@example.com", "not an id"]`),
				ExpectError: wrappedError(`Invalid Attribute Value.*edit_users.*account id`),
			},
			{
				PreConfig: func() {
					if n := site.emu.Stats().Total; n != 0 {
						t.Errorf("an invalid user entry sent %d request(s)", n)
					}
				},
				Config:      config(`  edit_groups = ["no-such-group"]`),
				ExpectError: wrappedError(`Group Not Found.*no-such-group`),
			},
			{
				Config:      config(`  edit_users = ["bot@example.com", "nobody@example.com"]`),
				ExpectError: wrappedError(`User Not Found.*nobody@example\.com`),
			},
		},
	})
	// Destroy removed every restriction.
	r, err := admin.client.GetPageRestrictions(context.Background(), page.ID)
	if err != nil || !r.Read.Empty() || !r.Update.Empty() {
		t.Errorf("after destroy: %+v, %v", r, err)
	}
}

func TestAccPageRestrictions_policy(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Generated reference", "", "<p>Generated.</p>")
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.UpdatePage: policy.Denied}, "DOCS")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page_restrictions" "lock" {
  page_id    = %q
  edit_users = ["bot@example.com"]
}
`, page.ID),
			ExpectError: wrappedError(`Operation Denied by Confluence Policy.*update_page.*` + page.ID + `.*DOCS`),
		}},
	})
	if n := site.emu.Count(http.MethodPut, "/wiki/rest/api/content/{id}/restriction"); n != 0 {
		t.Errorf("denied restrictions were sent %d time(s)", n)
	}
}
