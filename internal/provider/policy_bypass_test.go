// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// The policy holds against the account it governs, attacked through
// Terraform only: the configuration and the state are the attacker's, the
// records in Confluence and the pipeline's environment are not. Each test
// here is a bypass that worked before it was closed (see the threat model in
// the "Approving changes" guide).

// workingDirs makes terraform-plugin-testing keep its working directories
// under a directory the test can reach, so a test can edit the state file as
// an attacker with `terraform state push` would.
func workingDirs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", dir)
	return dir
}

// tamperState rewrites attributes of one resource in the state file under
// dir, as `terraform state pull`, an editor and `terraform state push` would.
func tamperState(t *testing.T, dir, resourceType, name string, edit func(attrs map[string]any)) {
	t.Helper()
	tamperInstances(t, dir, resourceType, name, func(inst map[string]any) {
		attrs, _ := inst["attributes"].(map[string]any)
		edit(attrs)
	})
}

// tamperInstances rewrites every instance of one resource in the state files
// under dir (the raw JSON objects of the state format) and bumps the serial,
// so Terraform takes the edited file as the newer state.
func tamperInstances(t *testing.T, dir, resourceType, name string, edit func(instance map[string]any)) {
	t.Helper()
	var found []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "terraform.tfstate" {
			found = append(found, p)
		}
		return nil
	})
	if len(found) == 0 {
		t.Fatal("no terraform.tfstate under the working directories")
	}
	for _, file := range found {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var st map[string]any
		if err := json.Unmarshal(raw, &st); err != nil {
			t.Fatal(err)
		}
		resources, _ := st["resources"].([]any)
		for _, r := range resources {
			res, _ := r.(map[string]any)
			if res["type"] != resourceType || res["name"] != name {
				continue
			}
			instances, _ := res["instances"].([]any)
			for _, i := range instances {
				inst, _ := i.(map[string]any)
				edit(inst)
			}
		}
		if serial, ok := st["serial"].(float64); ok {
			st["serial"] = serial + 1
		}
		out, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, out, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Bypass 1: a page's space taken from state. The attacker imports a DOCS
// page, rewrites space_key to OPS (unmanaged) in the state and configures
// OPS with the real DOCS parent. Decisions now follow the space Confluence
// reports: the plan governs deleting the DOCS page (denied), and nothing is
// written; destroy is governed in DOCS too.
func TestAccPolicyBypass_pageSpaceFromState(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Denied,
	}, "DOCS")
	docsHome := newSeeder(t, site).homepageID("DOCS")
	page := func(space, body, parent string) string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key = %q
  title     = "Runbook"
  body      = %q
  parent_id = %q
}
`, space, body, parent)
	}
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: page("DOCS", "<p>v1</p>", docsHome),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.p"); return nil },
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_page", "p", func(a map[string]any) { a["space_key"] = "OPS" })
				},
				Config:      page("OPS", "<p>rewritten by the bot</p>", docsHome),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*delete_page.*DOCS`),
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_page", "p", func(a map[string]any) { a["space_key"] = "OPS" })
				},
				Config:      page("DOCS", "<p>v1</p>", docsHome),
				Destroy:     true,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*delete_page.*DOCS`),
			},
			{
				// Clean up for the framework's own destroy: allow deletes.
				PreConfig: func() {
					newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
						policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
					}, "DOCS")
				},
				Config: page("DOCS", "<p>v1</p>", docsHome),
			},
		},
	})
	versions := site.emu.PageVersions(id)
	if len(versions) == 0 {
		t.Fatal("no versions of the page: the test proves nothing")
	}
	for _, v := range versions {
		if v.Body == "<p>rewritten by the bot</p>" {
			t.Fatalf("the DOCS page was rewritten through a tampered state: %+v", v)
		}
	}
}

// A page whose state claims another space is refused at plan even without a
// refresh (terraform plan -refresh=false): the plan asks Confluence where the
// page is before deciding.
func TestPageModifyPlan_refusesAPageOutsideItsStateSpace(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	p := admin.page("DOCS", "Held in DOCS", "", "<p>x</p>")
	client, err := confluence.New(confluence.Config{BaseURL: site.URL(), Email: botEmail, APIToken: botToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &PageResource{data: newProviderData(client, providerSettings{email: botEmail})}
	check := func(spaceKey string) diag.Diagnostics {
		var diags diag.Diagnostics
		r.checkLocation(context.Background(), &diags, pageModel{ID: types.StringValue(p.ID), SpaceKey: types.StringValue(spaceKey), Title: types.StringValue(p.Title)})
		return diags
	}
	if diags := check("OPS"); !diags.HasError() || !strings.Contains(fmt.Sprint(diags), "Page Is Not in the Space the State Says") {
		t.Fatalf("want a refusal naming the mismatch, got %v", diags)
	}
	if diags := check("DOCS"); diags.HasError() {
		t.Fatalf("the page is where the state says: %v", diags)
	}
}

// Bypass 2: the governed account opting out of its scope from the
// configuration.
func TestAccPolicyBypass_configurationCannotLoosenTheEnvironment(t *testing.T) {
	site := newTestSite(t)
	seeder := newSeeder(t, site)
	seeder.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.DeletePage: policy.Allowed}, "DOCS")
	// OPS is managed: it holds the record of another automation.
	seeder.governReaderAs("OPS", "reader-ops", map[policy.Operation]policy.Level{})
	opsPage := func(extra ...string) string {
		return site.providerBlock(botEmail, botToken, extra...) + `
resource "confluence_page" "p" {
  space_key = "OPS"
  title     = "Sneaked in"
  body      = "<p>x</p>"
}
`
	}
	before := site.emu.Stats().Total
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// An empty connection name is refused before any request.
				Config:      opsPage(`connection = ""`),
				PlanOnly:    true,
				ExpectError: wrappedError(`connection.*length must be at least 1`),
			},
			{
				PreConfig: func() {
					if n := site.emu.Stats().Total - before; n != 0 {
						t.Errorf("the refused configuration sent %d requests", n)
					}
				},
				// Leaving the connection out: OPS holds records, none for the bot.
				Config:      opsPage(),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*space OPS is managed.*reader-ops`),
			},
			{
				// The pipeline names the connection; the configuration cannot
				// name another one.
				PreConfig:   func() { t.Setenv(envConnection, "docs-bot") },
				Config:      opsPage(`connection = "other-bot"`),
				ExpectError: wrappedError(`Connection Set by the Environment.*CONFLUENCE_CONNECTION`),
			},
			{
				// With the environment's connection, OPS is outside its scope.
				Config:      opsPage(),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*outside the scope of connection "docs-bot"`),
			},
			{
				// A configuration cannot grant its own confirmation codes.
				PreConfig:   func() { t.Setenv(envConnection, "") },
				Config:      opsPage(`confirmations = ["create_page-0123456789abcdef0123456789abcdef"]`),
				ExpectError: wrappedError(`Confirmations Belong to the Environment`),
			},
		},
	})
	if _, ok := site.emu.PageByTitle("OPS", "Sneaked in"); ok {
		t.Fatal("the bot created a page in OPS")
	}
}

// require_policy from the environment cannot be turned off by the
// configuration, and protects a space that holds no records at all.
func TestAccPolicyBypass_requirePolicyFromTheEnvironment(t *testing.T) {
	site := newTestSite(t)
	t.Setenv(envRequirePolicy, "true")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken, `require_policy = false`) + `
resource "confluence_page" "p" {
  space_key = "OPS"
  title     = "Unmanaged"
  body      = "<p>x</p>"
}
`,
			ExpectError: wrappedError(`Operation Denied by Confluence Policy.*require_policy`),
		}},
	})
	if _, ok := site.emu.PageByTitle("OPS", "Unmanaged"); ok {
		t.Fatal("the page was created")
	}
}

// Bypass 4: an old code replays. The code is bound to the version the change
// starts from, so after a person's edit the bot's old content needs a new
// code, and the old one (readable from the page's history) unlocks nothing.
func TestAccPolicyBypass_oldCodeDoesNotReplay(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	page := func(body string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Replay"
  body      = %q
}
`, body)
	}
	var code, id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: page("<p>v1</p>"), Check: func(s *terraform.State) error { id = stateID(s, "confluence_page.p"); return nil }},
			{
				Config:           page("<p>bot text</p>"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{capturePlanned{address: "confluence_page.p", attribute: "confirmation_code", into: &code}}},
				ExpectError:      wrappedError(`Confirmation Code Not Granted`),
			},
			{
				PreConfig: func() { t.Setenv(envConfirmations, code) },
				Config:    page("<p>bot text</p>"),
			},
			{
				// A person edits the page; the bot's old content, planned again
				// with the old code still granted, is refused.
				PreConfig:   func() { site.humanEdit(t, id, "<p>their text</p>") },
				Config:      page("<p>bot text</p>"),
				ExpectError: wrappedError(`Confirmation Code Not Granted`),
			},
		},
	})
	snap, _ := site.emu.Page(id)
	if snap.Body != "<p>their text</p>" {
		t.Fatalf("the person's edit was overwritten with an old code: %q", snap.Body)
	}
}

// Bypass 5: import reads without get_page. Importing is reading a page
// Terraform did not write, governed by get_page in the page's own space.
func TestAccPolicyBypass_importIsAGetPage(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.GetPage: policy.Denied}, "DOCS")
	secret := admin.page("DOCS", "Secret", "", "<p>do not read</p>")
	ops := admin.page("OPS", "Out of scope", "", "<p>do not read either</p>")
	config := func(id string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
import {
  to = confluence_page.p
  id = %q
}

resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Secret"
  body      = "<p>x</p>"
  lifecycle {
    ignore_changes = all
  }
}
`, id)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config(secret.ID), ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*DOCS`)},
			{Config: config(ops.ID), ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*OPS.*outside the scope`)},
		},
	})
	if site.emu.Count("GET", "/wiki/api/v2/pages/{id}") == 0 {
		t.Fatal("the import did not look the pages up at all: the test proves nothing")
	}
}

// Weak spots: a parent in another space is refused at plan; a replacement
// (taint) whose delete is denied fails the plan instead of the apply.
func TestAccPolicyBypass_parentInAnotherSpaceAndTaint(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Denied,
	}, "DOCS")
	opsParent := admin.page("OPS", "Ops parent", "", "<p>x</p>")
	page := func(parent string) string {
		attr := ""
		if parent != "" {
			attr = fmt.Sprintf("parent_id = %q", parent)
		}
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Child"
  body      = "<p>x</p>"
  %s
}
`, attr)
	}
	var writes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { writes = site.emu.Stats().Writes },
				Config:      page(opsParent.ID),
				ExpectError: wrappedError(`Parent Page in Another Space.*not in space DOCS`),
			},
			{
				PreConfig: func() {
					if w := site.emu.Stats().Writes; w != writes {
						t.Errorf("the refused plan wrote %d times", w-writes)
					}
				},
				Config: page(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_page.p", tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed")),
				},
			},
			{
				Taint:       []string{"confluence_page.p"},
				Config:      page(""),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*already holds the title "Child".*delete_page`),
			},
			{
				PreConfig: func() {
					admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
						policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
					}, "DOCS")
				},
				Config: page(""),
			},
		},
	})
}
