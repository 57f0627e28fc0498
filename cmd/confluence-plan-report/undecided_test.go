// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// A provider whose site is known only at apply cannot decide the policy at
// plan. Deleting a page then used to report as allowed (a delete carries no
// policy_decision and drew no diagnostic); the provider now warns "Policy
// Not Decided at Plan" and the report holds the change back (exit 2).
func TestAccPlanReportHoldsBackUndecidedDelete(t *testing.T) {
	s := newSite(t)
	bot := s.workspace("bot@example.com", "bot-token", `
provider "confluence" {}

resource "confluence_page" "old" {
  space_key = "OPS"
  title     = "Old"
  markdown  = "# Old\n"
}
`)
	bot.mustRun("apply", "-auto-approve")
	bot.write(fmt.Sprintf(`
resource "terraform_data" "site" {
  input = %q
}

provider "confluence" {
  url = terraform_data.site.output
}
`, s.url))
	planJSON, stream, ok := bot.plan("undecided")
	if !ok {
		t.Fatalf("plan failed: %s", readFile(t, stream))
	}
	if !strings.Contains(readFile(t, stream), report.PolicyNotDecidedSummary) {
		t.Fatalf("the plan did not warn that the policy is not decided: %s", readFile(t, stream))
	}
	rep, code := reportOf(t, planJSON, stream)
	c := change(t, rep, "confluence_page.old")
	if code != report.ExitApprovalRequired || c.Operation != "delete_page" || c.Approval.State != report.ApprovalUndecided || rep.Summary.Allowed != 0 {
		t.Fatalf("exit %d, change %+v, summary %+v", code, c, rep.Summary)
	}
}
