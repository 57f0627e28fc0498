// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// auditOf is the audit export of DOCS since start, read as the administrator.
func auditOf(t *testing.T, site *testSite, start time.Time) map[string][]report.AuditEntry {
	t.Helper()
	rep, err := report.Audit(context.Background(), newSeeder(t, site).client, report.AuditOptions{SpaceKey: "DOCS", Since: start, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string][]report.AuditEntry{}
	for _, e := range rep.Entries {
		byTitle[e.Title] = append(byTitle[e.Title], e)
	}
	return byTitle
}

// The author's version_message comes first in the version message, and the
// export must not take an approver from it: approvers come only from
// approval records, and this change's code was granted through
// CONFLUENCE_CONFIRMATIONS, so there is none.
func TestAccHostile_versionMessageForgesApproverInAuditExport(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	page := func(body, msg string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key       = "DOCS"
  title           = "Audited"
  body            = %q
  version_message = %q
  on_destroy      = "retain"
}
`, body, msg)
	}
	forged := "approved by Alice Approver <557058:alice> at 2026-01-01T00:00:00Z"
	var code, pageID string
	start := time.Now().Add(-time.Hour)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: page("<p>v1</p>", "")},
			{
				Config:           page("<p>v2</p>", forged),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{capturePlanned{address: "confluence_page.p", attribute: "confirmation_code", into: &code}}},
				ExpectError:      wrappedError(`Confirmation Code Not Granted`),
			},
			{
				PreConfig: func() { t.Setenv(envConfirmations, code) },
				Config:    page("<p>v2</p>", forged),
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources["confluence_page.p"].Primary.ID
					return nil
				},
			},
		},
	})
	// The message is written as configured: it holds no separator, so it is
	// one part, before the provider's.
	versions := site.emu.PageVersions(pageID)
	if want := forged + " | policy allowed_with_confirmation (" + code + ") as docs-bot | via Terraform"; len(versions) != 2 || versions[1].VersionMessage != want {
		t.Fatalf("versions %+v, want version 2's message %q", versions, want)
	}
	entries := auditOf(t, site, start)["Audited"]
	if len(entries) != 2 {
		t.Fatalf("audit entries %+v, want versions 1 and 2", entries)
	}
	for _, e := range entries {
		if e.Version == 2 && len(e.Approvers) > 0 {
			t.Fatalf("no approval record exists, yet the audit export names approvers %q (flags %q), taken from the author's version_message", e.Approvers, e.Flags)
		}
	}
	if e := entries[1]; e.Decision != "allowed_with_confirmation" || e.Code != code || len(e.Flags) != 0 {
		t.Errorf("version 2 = %+v, want the gated decision with its code, unflagged", e)
	}
}

// A "|" in version_message could pose as a part the provider writes: the plan
// refuses it, naming the attribute, before anything is sent.
func TestAccVersionMessage_separatorRefusedAtPlan(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { site.emu.ResetStats() },
			Config: site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "p" {
  space_key       = "DOCS"
  title           = "Audited"
  body            = "<p>v1</p>"
  version_message = "Fix | approved by Alice Approver <557058:alice> at 2026-01-01T00:00:00Z"
}
`,
			ExpectError: wrappedError(`Invalid Version Message.*with confluence_page.p.*version_message.*contains "\|"`),
		}},
	})
	if st := site.emu.Stats(); st.Total != 0 {
		t.Fatalf("a refused version_message sent %d requests: %v", st.Total, st.ByRoute)
	}
}

// Without a change reference, a version_message starting with "ref " would
// read as the provider's reference part: it is written as "ref: …". A "|" in
// a message known only at apply is refused then, before the page is written;
// one in the change reference is escaped. The export shows no forged part.
func TestAccVersionMessage_forgedReferenceNotInAuditExport(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	config := func(body, msg string, extra string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key       = "DOCS"
  title           = "Audited"
  body            = %q
  version_message = %s
  on_destroy      = "retain"
}
`, body, msg) + extra
	}
	// The second page is created in the same apply, so the message of the
	// update is known only at apply.
	other := `
resource "confluence_page" "other" {
  space_key = "DOCS"
  title     = "Other"
  body      = "<p>other</p>"
}
`
	const forged = "approved by Alice Approver <557058:alice> at 2026-01-01T00:00:00Z"
	var pageID string
	start := time.Now().Add(-time.Hour)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config("<p>v1</p>", `""`, ""),
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources["confluence_page.p"].Primary.ID
					return nil
				},
			},
			{Config: config("<p>v2</p>", `"ref FAKE-1"`, "")},
			{
				Config:      config("<p>v3</p>", `"see ${confluence_page.other.id} | ref FAKE-2"`, other),
				ExpectError: wrappedError(`Invalid Version Message.*with confluence_page.p.*contains "\|"`),
			},
			{
				PreConfig: func() {
					if v := site.emu.PageVersions(pageID); len(v) != 2 {
						t.Fatalf("the refused message wrote version %d", len(v))
					}
					t.Setenv(envChangeReference, "PR-7 | "+forged)
				},
				Config: config("<p>v3</p>", `"Publish"`, other),
			},
		},
	})
	versions := site.emu.PageVersions(pageID)
	if len(versions) != 3 || versions[1].VersionMessage != "ref: FAKE-1 | policy allowed as docs-bot | via Terraform" ||
		versions[2].VersionMessage != "Publish | ref PR-7 ¦ "+forged+" | policy allowed as docs-bot | via Terraform" {
		t.Fatalf("version messages %+v, want the author's text and the reference escaped", versions)
	}
	entries := auditOf(t, site, start)["Audited"]
	if len(entries) != 3 {
		t.Fatalf("audit entries %+v, want versions 1 to 3", entries)
	}
	for i, want := range []string{"", "", "PR-7 ¦ " + forged} {
		if e := entries[i]; e.ChangeReference != want || e.Decision != "allowed" || len(e.Approvers) != 0 || len(e.Flags) != 0 {
			t.Errorf("version %d = %+v, want decision allowed, change reference %q, no approvers and no flags", e.Version, e, want)
		}
	}
}

// Confluence's create takes no version message, so version 1's decision and
// change reference live only in terraform.change; every later record carries
// them, and the export shows them after the page is updated.
func TestAccAudit_createDecisionSurvivesUpdates(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	config := func(body string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key       = "DOCS"
  title           = "Runbook"
  body            = %q
  version_message = "Publish"
  on_destroy      = "retain"
}
`, body)
	}
	var pageID string
	start := time.Now().Add(-time.Hour)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv(envChangeReference, "commit-1") },
				Config:    config("<p>v1</p>"),
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources["confluence_page.p"].Primary.ID
					return nil
				},
			},
			{PreConfig: func() { t.Setenv(envChangeReference, "commit-2") }, Config: config("<p>v2</p>")},
			{PreConfig: func() { t.Setenv(envChangeReference, "commit-3") }, Config: config("<p>v3</p>")},
		},
	})
	entries := auditOf(t, site, start)["Runbook"]
	if len(entries) != 3 {
		t.Fatalf("audit entries %+v, want versions 1 to 3", entries)
	}
	for i, e := range entries {
		op := "update_page"
		if i == 0 {
			op = "create_page"
		}
		if e.Version != i+1 || e.Operation != op || e.Decision != "allowed" || e.Connection != "docs-bot" || e.ChangeReference != fmt.Sprintf("commit-%d", i+1) || len(e.Flags) != 0 {
			t.Errorf("entry %d = %+v, want version %d, %s, allowed as docs-bot, commit-%d, unflagged", i, e, i+1, op, i+1)
		}
	}
	// The record on the page names the newest version and carries the create.
	snap, _ := site.emu.Page(pageID)
	var rec auditRecord
	if err := json.Unmarshal(snap.Properties[auditPropertyKey], &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != 3 || rec.Created == nil || rec.Created.Version != 1 || rec.Created.Operation != "create_page" || rec.Created.ChangeReference != "commit-1" || rec.Created.Created != nil {
		t.Errorf("terraform.change = %+v (created %+v), want version 3 carrying version 1's record", rec, rec.Created)
	}
}

// A denied delete says how to stop managing the page without deleting it,
// and never that approvals would grant it; following that advice works.
func TestAccDenied_deleteSaysHowToKeepThePage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	s := newSeeder(t, site)
	s.govern(botEmail, "docs-bot", nil, "DOCS")
	value, err := policy.EncodePolicy(policy.PolicyRecord{Connection: "docs-bot",
		Levels:    map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Denied},
		Approvers: []string{"approver@example.com"}, RequiredApprovals: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.PutSpaceProperty(context.Background(), s.spaceID("DOCS"), policy.PolicyPropertyKey("docs-bot"), json.RawMessage(value)); err != nil {
		t.Fatal(err)
	}
	provider := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`)
	page := func(onDestroy string) string {
		return provider + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key  = "DOCS"
  title      = "Hello"
  body       = "<p>hello</p>"
  on_destroy = %q
}
`, onDestroy)
	}
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: page("trash"),
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources["confluence_page.p"].Primary.ID
					return nil
				},
			},
			{
				Config: provider,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*delete_page on page "Hello" .* is denied: connection "docs-bot" sets delete_page to denied\. ` +
					`No approval or confirmation code grants a denied operation\. To stop managing the page without deleting it, set on_destroy = "retain"`),
			},
			// The advice: retain, then remove.
			{Config: page("retain")},
			{Config: provider},
		},
	})
	if snap, ok := site.emu.Page(pageID); !ok || snap.Status != "current" {
		t.Fatalf("page %s = %+v, want it kept in Confluence", pageID, snap)
	}
}
