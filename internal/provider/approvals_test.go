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
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// governWithApprovers writes, as the administrators would, connection
// docs-bot for the bot in DOCS with updates gated by the given approvers.
func governWithApprovers(t *testing.T, site *testSite, required int, approvers ...string) {
	t.Helper()
	s := newSeeder(t, site)
	s.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation}, "DOCS")
	value, err := policy.EncodePolicy(policy.PolicyRecord{Connection: "docs-bot",
		Levels:    map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Allowed},
		Approvers: approvers, RequiredApprovals: required})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.PutSpaceProperty(context.Background(), s.spaceID("DOCS"), policy.PolicyPropertyKey("docs-bot"), json.RawMessage(value)); err != nil {
		t.Fatal(err)
	}
}

// approveAs records an approval of code in DOCS with the given account's own
// credentials, as `confluence-plan-report approve` does.
func approveAs(t *testing.T, site *testSite, email, token, code string) error {
	t.Helper()
	_, err := report.Approve(context.Background(), site.asAccount(t, email, token), report.ApproveOptions{
		SpaceKey: "DOCS", Codes: []string{code}, Reason: "reviewed in the test", Expires: "2h", Now: time.Now()})
	return err
}

// forgeApproval writes an approval record for code under the bot's own key
// with the bot's credentials, bypassing the approve command's own check, as a
// compromised pipeline holding space admin could.
func forgeApproval(t *testing.T, site *testSite, code string) {
	t.Helper()
	site.emu.Grant(botEmail, "DOCS", emulator.PermAdmin)
	defer site.emu.Grant(botEmail, "DOCS", emulator.PermEdit)
	c := site.asAccount(t, botEmail, botToken)
	space, err := c.GetSpaceByKey(context.Background(), "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	bot, _ := c.CurrentUser(context.Background())
	value, _ := policy.EncodeApproval(policy.ApprovalValue{Code: code, Reason: "self", ExpiresAt: time.Now().Add(time.Hour),
		ApproverEmail: adminEmail}) // a claim: never trusted
	if _, err := c.PutSpaceProperty(context.Background(), space.ID, policy.ApprovalPropertyKey(code, bot.AccountID), json.RawMessage(value)); err != nil {
		t.Fatal(err)
	}
}

// A gated update under a policy naming approvers: refused without approval,
// refused with the bot's own approval (even though the bot is listed),
// refused through CONFLUENCE_CONFIRMATIONS, refused with a single approval
// when two are required, applied once two listed approvers approved.
func TestAccPageResource_approvals(t *testing.T) {
	site := newTestSite(t)
	site.emu.Grant(editorEmail, "DOCS", emulator.PermAdmin) // approvers write space properties
	governWithApprovers(t, site, 2, adminEmail, botEmail, editorEmail)
	page := func(body string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "test" {
  space_key = "DOCS"
  title     = "Approved page"
  body      = %q
}
`, body)
	}
	var code string
	var writes int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: page("<p>one</p>")}, // create_page is allowed
			{
				Config: page("<p>two</p>"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					capturePlanned{address: "confluence_page.test", attribute: "confirmation_code", into: &code},
				}},
				ExpectError: regexp.MustCompile(`(?s)Approval Required.*needs 2 approval\(s\).*has 0.*Nothing was written`),
			},
			{
				PreConfig: func() {
					writes = site.emu.Stats().Writes
					forgeApproval(t, site, code)
					if err := approveAs(t, site, botEmail, botToken, code); err == nil || !strings.Contains(err.Error(), "no identity approves its own change") {
						t.Errorf("the bot approving its own change: error = %v", err)
					}
				},
				Config:      page("<p>two</p>"),
				ExpectError: regexp.MustCompile(`(?s)Approval Required.*has 0.*governed account itself`),
			},
			{
				PreConfig:   func() { t.Setenv(envConfirmations, code) },
				Config:      page("<p>two</p>"),
				ExpectError: regexp.MustCompile(`(?s)Confirmation Not Accepted From Confirmations.*names approvers.*Nothing was\s+written`),
			},
			{
				PreConfig: func() {
					t.Setenv(envConfirmations, "")
					if err := approveAs(t, site, adminEmail, adminToken, code); err != nil {
						t.Fatal(err)
					}
				},
				Config:      page("<p>two</p>"),
				ExpectError: regexp.MustCompile(`(?s)Approval Required.*needs 2 approval\(s\).*has 1`),
			},
			{
				PreConfig: func() {
					if err := approveAs(t, site, editorEmail, editorToken, code); err != nil {
						t.Fatal(err)
					}
				},
				Config:           page("<p>two</p>"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
	p, ok := site.emu.PageByTitle("DOCS", "Approved page")
	if !ok || p.Version != 2 || !strings.Contains(p.Body, "two") {
		t.Fatalf("page after approval: %+v", p)
	}
	// Only the approved write and the approvals reached Confluence after the refusals began.
	if got := site.emu.Stats().Writes - writes; got > 6 {
		t.Errorf("%d writes after the first refusal; want the forged approval, two approvals, the page and its audit property", got)
	}
}

// The version message and terraform.change name the approver: approvalNote is
// what the page resource records (wired by the page resource).
func TestApprovalNote(t *testing.T) {
	at := time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC)
	st := &policy.ApprovalStatus{Granted: true, Approvals: []policy.Approval{{Approver: policy.Account{AccountID: "557058:a", DisplayName: "Alice"}, At: at}}}
	res := policy.Result{Decision: policy.DecisionAllowedWithConfirmation, Approvals: []policy.ApprovalRequirement{{Required: 1}}, ApprovalStatus: st}
	if got, want := approvalNote(res), "approved by Alice <557058:a> at 2026-11-29T17:00:00Z"; got != want {
		t.Errorf("approvalNote = %q, want %q", got, want)
	}
	st.Granted = false
	if got := approvalNote(res); got != "" {
		t.Errorf("not granted: approvalNote = %q", got)
	}
	if got := approvalNote(policy.Result{Decision: policy.DecisionAllowed}); got != "" {
		t.Errorf("allowed: approvalNote = %q", got)
	}
}

// confluence_operation_policy stores approvers as a version 2 record; bad
// input fails before any request, and the connection's own account is
// refused as an approver before anything is written.
func TestAccOperationPolicyResource_approvers(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var requests int
	count := func() { requests = site.emu.Stats().Total }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken,
			resource.TestStep{
				Config:           connectionConfig(site, `["DOCS"]`, 1, policyBlock(`approvers = ["editor@example.com", "557058:0a1b2c3d-0000-4000-8000-000000000001"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					raw, ok := site.emu.SpaceProperty("DOCS", policy.PolicyPropertyKey("ci-bot"))
					if !ok {
						return fmt.Errorf("no policy record")
					}
					p, err := policy.DecodePolicy(policy.PolicyPropertyKey("ci-bot"), raw)
					if err != nil {
						return err
					}
					if p.SchemaVersion != 2 || len(p.Approvers) != 2 || p.Required() != 1 {
						return fmt.Errorf("stored policy %+v", p)
					}
					return nil
				},
			},
			resource.TestStep{
				PreConfig:   count,
				Config:      connectionConfig(site, `["DOCS"]`, 1, policyBlock(`approvers = ["editor@example.com"]`, `required_approvals = 2`)),
				ExpectError: regexp.MustCompile(`(?s)Invalid Required Approvals.*only 1 approvers`),
			},
			resource.TestStep{
				PreConfig: func() {
					if n := site.emu.Stats().Total - requests; n != 0 {
						t.Errorf("the invalid configuration sent %d requests", n)
					}
				},
				Config:      connectionConfig(site, `["DOCS"]`, 1, policyBlock(`approvers = ["not an approver"]`)),
				ExpectError: regexp.MustCompile(`(?s)approvers.*must be an e-mail address or an\s+Atlassian\s+account id`),
			},
			resource.TestStep{
				PreConfig: func() {
					if n := site.emu.Stats().Total - requests; n != 0 {
						t.Errorf("the invalid configuration sent %d requests", n)
					}
				},
				Config:      connectionConfig(site, `["DOCS"]`, 1, policyBlock(`approvers = ["BOT@example.com"]`)),
				ExpectError: regexp.MustCompile(`(?s)Connection Cannot Approve Its Own Changes.*Nothing was written`),
			},
			resource.TestStep{
				// Dropping the approvers returns the record to version 1.
				Config:           connectionConfig(site, `["DOCS"]`, 1, policyBlock()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					raw, _ := site.emu.SpaceProperty("DOCS", policy.PolicyPropertyKey("ci-bot"))
					if !strings.Contains(string(raw), `"schema_version":1`) || strings.Contains(string(raw), "approvers") {
						return fmt.Errorf("stored policy %s", raw)
					}
					return nil
				},
			},
		),
	})
}

// A read gated under a policy naming approvers: the provider's confirmations
// do not grant it, a listed approver's approval does.
func TestAccPageDataSource_approvals(t *testing.T) {
	site := newTestSite(t)
	f := seedPagesFixture(t, site)
	s := newSeeder(t, site)
	s.governReaderInDocs(map[policy.Operation]policy.Level{policy.GetPage: policy.AllowedWithConfirmation})
	value, err := policy.EncodePolicy(policy.PolicyRecord{Connection: "reader-ci",
		Levels: map[policy.Operation]policy.Level{policy.GetPage: policy.AllowedWithConfirmation}, Approvers: []string{editorEmail}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.PutSpaceProperty(context.Background(), s.spaceID("DOCS"), policy.PolicyPropertyKey("reader-ci"), json.RawMessage(value)); err != nil {
		t.Fatal(err)
	}
	site.emu.Grant(editorEmail, "DOCS", emulator.PermAdmin)
	code := policy.ConfirmationCode(policy.GetPage, "reader-ci", "DOCS", f.beta.ID, "")
	byID := fmt.Sprintf("\ndata \"confluence_page\" \"beta\" {\n  id = %q\n}\n", f.beta.ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { t.Setenv(envConfirmations, code) },
				Config:      site.providerBlock(readerEmail, readerToken) + byID,
				ExpectError: wrappedError(`Confirmation Not Accepted From Confirmations.*` + code + `.*Nothing was returned`),
			},
			{
				PreConfig:   func() { t.Setenv(envConfirmations, "") },
				Config:      site.providerBlock(readerEmail, readerToken) + byID,
				ExpectError: wrappedError(`Approval Required.*has 0. Nothing was returned`),
			},
			{
				PreConfig: func() {
					if err := approveAs(t, site, editorEmail, editorToken, code); err != nil {
						t.Fatal(err)
					}
				},
				Config: site.providerBlock(readerEmail, readerToken) + byID,
				Check:  resource.TestCheckResourceAttr("data.confluence_page.beta", "title", "Beta guide"),
			},
		},
	})
}
