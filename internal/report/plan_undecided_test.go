// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"bytes"
	"strings"
	"testing"
)

// A change whose policy the provider could not decide at plan (its
// configuration is known only at apply) is never counted allowed: the
// report holds it back with exit status 2, deletes included (a delete
// carries no policy_decision, and without this warning reads as allowed).
func TestBuild_policyNotDecidedIsNotAllowed(t *testing.T) {
	del := pageRC("confluence_page.old", []string{"delete"}, page("7", "Old", "gone\n", "allowed", ""), nil)
	create := pageRC("confluence_page.new", []string{"create"}, nil, page("", "New", "x\n", "", ""))
	if change, ok := create["change"].(map[string]any); ok {
		change["after_unknown"] = map[string]any{"policy_decision": true, "confirmation_code": true}
	}
	notDecided := func(subject, address string) Diagnostic {
		return Diagnostic{Summary: PolicyNotDecidedSummary, Detail: subject + " is not decided by this plan: the Confluence provider configuration … depends on values known only at apply.\n\nMore.", Address: address}
	}
	tests := []struct {
		name  string
		in    Input
		exit  int
		state string
	}{
		{
			// The resource is removed from the configuration: Terraform
			// gives the warning no address; the subject names the page.
			name: "delete of a removed resource", exit: ExitApprovalRequired, state: ApprovalUndecided,
			in: Input{PlanJSON: planJSON(t, del), HaveStream: true, StreamWarns: []Diagnostic{notDecided(`delete_page on page "Old" (id 7) in space DOCS`, "")}},
		},
		{
			name: "delete without the plan JSON", exit: ExitApprovalRequired, state: ApprovalUndecided,
			in: Input{HaveStream: true, StreamWarns: []Diagnostic{notDecided(`delete_page on page "Old" (id 7) in space DOCS`, "")}},
		},
		{
			name: "create", exit: ExitApprovalRequired, state: ApprovalUndecided,
			in: Input{PlanJSON: planJSON(t, create), HaveStream: true, StreamWarns: []Diagnostic{notDecided(`create_page on page "New" in space DOCS`, "confluence_page.new")}},
		},
		{
			// The control: the same delete, decided and allowed.
			name: "decided delete", exit: ExitAllowed, state: ApprovalNotRequired,
			in: Input{PlanJSON: planJSON(t, del), HaveStream: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Build(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if rep.ExitCode != tt.exit || len(rep.Changes) != 1 {
				t.Fatalf("exit %d with %d changes, want %d with 1: %+v", rep.ExitCode, len(rep.Changes), tt.exit, rep)
			}
			c := rep.Changes[0]
			if c.Approval.State != tt.state {
				t.Fatalf("approval %+v, want %s", c.Approval, tt.state)
			}
			if tt.state != ApprovalUndecided {
				return
			}
			if c.Decision != "unknown" || rep.Summary.Allowed != 0 || rep.Summary.AwaitingApproval != 1 || !strings.Contains(c.Reason, "is not decided by this plan") {
				t.Errorf("change %+v, summary %+v", c, rep.Summary)
			}
			var md bytes.Buffer
			if err := WriteMarkdown(&md, rep); err != nil || !strings.Contains(md.String(), "**undecided**") {
				t.Errorf("markdown (%v):\n%s", err, md.String())
			}
		})
	}
}
