// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

const moveRoute = "/wiki/rest/api/content/{pageId}/move/{position}/{targetId}"

func pageOrderConfig(site *testSite, parentID string, ids ...string) string {
	return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page_order" "test" {
  parent_id = %q
  page_ids  = [%s]
}
`, parentID, `"`+strings.Join(ids, `", "`)+`"`)
}

// The order is set with the move API, a reordering by hand shows in the
// plan and is restored, and a page that is not a child is refused before
// anything moves.
func TestAccPageOrder_keepsAndRestores(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	parent := admin.page("DOCS", "Chapters", "", "<p/>")
	a, b, c := admin.page("DOCS", "A", parent.ID, "<p/>").ID, admin.page("DOCS", "B", parent.ID, "<p/>").ID, admin.page("DOCS", "C", parent.ID, "<p/>").ID
	other := admin.page("DOCS", "Elsewhere", "", "<p/>").ID
	children := func(want ...string) {
		t.Helper()
		if got := site.emu.ChildIDs(parent.ID); !slices.Equal(got, want) {
			t.Errorf("children %v, want %v", got, want)
		}
	}
	moves := func() int { return site.emu.Count(http.MethodPut, moveRoute) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:           pageOrderConfig(site, parent.ID, c, a, b),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_page_order.test", tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
					statecheck.ExpectKnownValue("confluence_page_order.test", tfjsonpath.New("id"), knownvalue.StringExact(parent.ID)),
				},
			},
			{
				PreConfig: func() {
					children(c, a, b)
					if n := moves(); n != 1 {
						t.Errorf("C, A, B from A, B, C took %d moves, want 1", n)
					}
					moveByHand(t, site, c, "after", b) // back to A, B, C
				},
				Config: pageOrderConfig(site, parent.ID, c, a, b),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_page_order.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					children(c, a, b)
					site.emu.ResetStats()
				},
				Config:      pageOrderConfig(site, parent.ID, a, other, b),
				ExpectError: wrappedError(`Page Is Not a Child.*page ` + other + ` is not a child page of page ` + parent.ID),
			},
		},
	})
	if n := moves(); n != 0 {
		t.Errorf("a refused order moved %d pages", n)
	}
	children(c, a, b)
	for _, id := range []string{a, b, c} {
		if snap, _ := site.emu.Page(id); snap.Version != 1 {
			t.Errorf("page %s is at version %d: a move is not an edit", id, snap.Version)
		}
	}
}

// Reordering is update_page of the parent: denied fails the plan, and a
// needed confirmation stops the apply, both before any page moves.
func TestAccPageOrder_policy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level policy.Level
		want  func(parentID, code string) string
	}{
		{policy.Denied, func(parentID, _ string) string {
			return `Operation Denied by Confluence Policy.*update_page.*` + parentID + `.*DOCS`
		}},
		{policy.AllowedWithConfirmation, func(_, code string) string {
			return `Confirmation Code Not Granted.*` + code
		}},
	} {
		t.Run(string(tc.level), func(t *testing.T) {
			t.Parallel()
			site := newTestSite(t)
			admin := newSeeder(t, site)
			parent := admin.page("DOCS", "Chapters", "", "<p/>")
			a, b := admin.page("DOCS", "A", parent.ID, "<p/>").ID, admin.page("DOCS", "B", parent.ID, "<p/>").ID
			admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.UpdatePage: tc.level}, "DOCS")
			code := policy.ConfirmationCode(policy.UpdatePage, "docs-bot", "DOCS", parent.ID, pageOrderContent([]string{b, a}))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories(),
				Steps: []resource.TestStep{{
					Config:      pageOrderConfig(site, parent.ID, b, a),
					ExpectError: wrappedError(tc.want(parent.ID, code)),
				}},
			})
			if n := site.emu.Count(http.MethodPut, moveRoute); n != 0 {
				t.Errorf("%s: %d pages moved", tc.level, n)
			}
			if got := site.emu.ChildIDs(parent.ID); !slices.Equal(got, []string{a, b}) {
				t.Errorf("%s: children %v", tc.level, got)
			}
		})
	}
}
