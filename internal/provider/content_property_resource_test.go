// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
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

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

func TestJSONEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[1,2]}`, "{ \"b\": [1, 2],\n \"a\": 1 }", true},
		{`{"a":1}`, `{"a":1.0}`, false}, // numbers as written: 1.0 is a change
		{`{"a":1}`, `{"a":"1"}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`"x"`, ` "x" `, true},
	}
	for _, tt := range tests {
		got, err := jsonEqual(tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("jsonEqual(%s, %s) = %v, %v; want %v", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := jsonEqual(`{`, `{}`); err == nil {
		t.Error("jsonEqual accepted invalid JSON")
	}
}

func TestParsePropertyImportID(t *testing.T) {
	tests := []struct {
		id, page, key, err string
	}{
		{id: "65601/gateway.enforcement", page: "65601", key: "gateway.enforcement"},
		{id: "65601/a/b", err: "not <page_id>/<key>"},
		{id: "abc/key", err: "not <page_id>/<key>"},
		{id: "65601", err: "not <page_id>/<key>"},
		{id: "65601/terraform.change", err: "provider's own records"},
	}
	for _, tt := range tests {
		page, key, err := parsePropertyImportID(tt.id)
		if tt.err != "" {
			if err == nil || !regexp.MustCompile(regexp.QuoteMeta(tt.err)).MatchString(err.Error()) {
				t.Errorf("%q: error %v, want %q", tt.id, err, tt.err)
			}
			continue
		}
		if err != nil || page != tt.page || key != tt.key {
			t.Errorf("%q: got %q, %q, %v", tt.id, page, key, err)
		}
	}
}

func (s *seeder) propertyValue(pageID, key string) (string, int) {
	s.t.Helper()
	props, err := s.client.ListPageProperties(context.Background(), pageID, key)
	if err != nil || len(props) != 1 {
		s.t.Fatalf("reading property %s of page %s: %v (%d found)", key, pageID, err, len(props))
	}
	compact, _ := compactJSON(string(props[0].Value))
	return compact, props[0].Version
}

func TestAccContentProperty_lifecycle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Orders API", "", "<p>Orders.</p>")
	address := "confluence_content_property.enforced"
	config := func(value string) string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_content_property" "enforced" {
  page_id = %q
  key     = "gateway.enforcement"
  value   = %s
}
data "confluence_content_property" "read" {
  page_id    = %q
  key        = "gateway.enforcement"
  depends_on = [confluence_content_property.enforced]
}
`, page.ID, value, page.ID)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config(`jsonencode({ gateway = "eu-1", at = "2026-11-29T10:00:00Z" })`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(page.ID+"/gateway.enforcement")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
					statecheck.ExpectKnownValue("data.confluence_content_property.read", tfjsonpath.New("value"),
						knownvalue.StringExact(`{"at":"2026-11-29T10:00:00Z","gateway":"eu-1"}`)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A versioned update: version 2 is sent and stored.
				Config: config(`jsonencode({ gateway = "eu-2" })`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				}},
				Check: func(*terraform.State) error {
					value, version := admin.propertyValue(page.ID, "gateway.enforcement")
					if value != `{"gateway":"eu-2"}` || version != 2 {
						return fmt.Errorf("stored %s at version %d", value, version)
					}
					return nil
				},
			},
			{
				// Formatting only: nothing is written.
				PreConfig: func() { site.emu.ResetStats() },
				Config:    config(`"{ \"gateway\" : \"eu-2\" }"`),
				Check: func(*terraform.State) error {
					if n := site.emu.Count(http.MethodPut, "/wiki/api/v2/pages/{page-id}/properties/{property-id}"); n != 0 {
						return fmt.Errorf("a formatting change sent %d update(s)", n)
					}
					return nil
				},
			},
			{
				// Changed outside Terraform: the plan shows the drift and puts the value back.
				PreConfig: func() {
					props, _ := admin.client.ListPageProperties(context.Background(), page.ID, "gateway.enforcement")
					if _, err := admin.client.UpdatePageProperty(context.Background(), page.ID,
						confluence.Property{ID: props[0].ID, Key: "gateway.enforcement", Version: props[0].Version + 1}, json.RawMessage(`{"gateway":"manual"}`)); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(`jsonencode({ gateway = "eu-2" })`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("version"), knownvalue.Int64Exact(4)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(address, tfjsonpath.New("version"), knownvalue.Int64Exact(4))},
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateId:           page.ID + "/gateway.enforcement",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"policy_decision", "confirmation_code"},
			},
		},
	})
}

// TestAccContentProperty_conflict has two resources manage the same
// property: the second update carries a stale version, Confluence answers
// 409, and the first writer's value is kept.
func TestAccContentProperty_conflict(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Orders API", "", "<p>Orders.</p>")
	two := func(a, b string) string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_content_property" "a" {
  page_id = %[1]q
  key     = "owner"
  value   = jsonencode(%[2]q)
}
import {
  to = confluence_content_property.b
  id = "%[1]s/owner"
}
resource "confluence_content_property" "b" {
  page_id    = %[1]q
  key        = "owner"
  value      = jsonencode(%[3]q)
  depends_on = [confluence_content_property.a]
}
`, page.ID, a, b)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_content_property" "a" {
  page_id = %q
  key     = "owner"
  value   = jsonencode("team-a")
}
`, page.ID),
			},
			{
				// b adopts the same property by import: both are at version 1.
				Config: two("team-a", "team-a"),
			},
			{
				Config:      two("team-b", "team-c"),
				ExpectError: wrappedError(`Content Property Changed Since Plan.*"owner" of page ` + page.ID + ` was at version 1 when planned, but it is now at version 2.*Nothing was written`),
			},
			{
				// The first writer's value is kept; b refreshes to it and agrees.
				PreConfig: func() {
					if value, version := admin.propertyValue(page.ID, "owner"); value != `"team-b"` || version != 2 {
						t.Errorf("after the conflict the property is %s at version %d; want the first writer's \"team-b\" at 2", value, version)
					}
				},
				Config:           two("team-b", "team-b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccContentProperty_policyAndBadInput(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Orders API", "", "<p>Orders.</p>")
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.UpdatePage: policy.Denied}, "DOCS")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { site.emu.ResetStats() },
				Config: site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_content_property" "bad" {
  page_id = %q
  key     = "terraform.change"
  value   = "{not json"
}
`, page.ID),
				ExpectError: wrappedError(`(Reserved Name.*key.*terraform\..*Invalid JSON|Invalid JSON.*Reserved Name)`),
			},
			{
				PreConfig: func() {
					if n := site.emu.Stats().Total; n != 0 {
						t.Errorf("invalid input sent %d request(s)", n)
					}
				},
				Config: site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_content_property" "denied" {
  page_id = %q
  key     = "gateway.enforcement"
  value   = jsonencode({ gateway = "eu-1" })
}
`, page.ID),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*update_page.*` + page.ID + `.*DOCS`),
			},
		},
	})
	if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages/{page-id}/properties"); n != 0 {
		t.Errorf("a denied property was created %d time(s)", n)
	}
}

// Not parallel: codes are granted in the environment (CONFLUENCE_CONFIRMATIONS),
// as an approver grants them for an apply.
func TestAccContentProperty_confirmation(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Orders API", "", "<p>Orders.</p>")
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.UpdatePage: policy.AllowedWithConfirmation}, "DOCS")
	value := `{"gateway":"eu-1"}`
	code := policy.ConfirmationCode(policy.UpdatePage, "docs-bot", "DOCS", page.ID, propertyContent("gateway.enforcement", value))
	// Removing the property is gated too; the test's final destroy needs its code.
	deleteCode := policy.ConfirmationCode(policy.UpdatePage, "docs-bot", "DOCS", page.ID, "delete "+propertyContent("gateway.enforcement", value))
	config := func() string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_content_property" "enforced" {
  page_id = %q
  key     = "gateway.enforcement"
  value   = jsonencode({ gateway = "eu-1" })
}
`, page.ID)
	}
	address := "confluence_content_property.enforced"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      config(),
				ExpectError: wrappedError(`Confirmation Code Not Granted.*` + code + `.*Nothing was written`),
			},
			{
				PreConfig: func() { t.Setenv(envConfirmations, code+","+deleteCode) },
				Config:    config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(address, tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed_with_confirmation")),
					plancheck.ExpectKnownValue(address, tfjsonpath.New("confirmation_code"), knownvalue.StringExact(code)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(address, tfjsonpath.New("version"), knownvalue.Int64Exact(1))},
			},
		},
	})
	if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages/{page-id}/properties"); n != 1 {
		t.Errorf("the property was created %d time(s); want once, after the code was granted", n)
	}
}
