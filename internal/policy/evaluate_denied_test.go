// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"strings"
	"testing"
)

// A denied operation cannot be approved: its reason never mentions
// approvals, and says what can be done instead, suited to the operation.
// Only a gated operation names the approvals that grant it.
func TestEvaluateReasonWording(t *testing.T) {
	withApprovers := func(levels map[Operation]Level) PolicyRecord {
		return PolicyRecord{Connection: "docs-bot", Levels: levels, Approvers: []string{"approver@example.com"}, RequiredApprovals: 1, SchemaVersion: 1}
	}
	governed := func(pol PolicyRecord) SpaceRecords {
		return SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("docs-bot", botAcct, space)}, Policies: []PolicyRecord{pol}}
	}
	approvalsClause := "approval(s)"
	tests := []struct {
		name     string
		op       Operation
		noun     string
		records  SpaceRecords
		decision Decision
		want     []string
		wantNot  []string
	}{
		{
			name: "denied delete with approvers: no approvals, a way to keep the page", op: DeletePage,
			records: governed(withApprovers(map[Operation]Level{DeletePage: Denied})), decision: DecisionDenied,
			want: []string{`delete_page on page "Release notes" (id 98765) in space DOCS is denied: connection "docs-bot" sets delete_page to denied.`,
				"No approval or confirmation code grants a denied operation",
				`To stop managing the page without deleting it, set on_destroy = "retain" on its resource and apply before removing the resource`,
				"replace the resource with a removed block (from = <resource address>, lifecycle { destroy = false })",
				`to delete it, ask the Confluence administrators of space DOCS to change delete_page in the policy of connection "docs-bot".`},
			wantNot: []string{approvalsClause, "requires", "approver@example.com"},
		},
		{
			name: "denied delete of a blog post names the blog post", op: DeletePage, noun: "blog post",
			records: governed(withApprovers(map[Operation]Level{DeletePage: Denied})), decision: DecisionDenied,
			want:    []string{"To stop managing the blog post without deleting it", `on_destroy = "retain"`},
			wantNot: []string{approvalsClause, "managing the page"},
		},
		{
			name: "denied update: ask the administrators, naming space and connection", op: UpdatePage,
			records: governed(withApprovers(map[Operation]Level{UpdatePage: Denied})), decision: DecisionDenied,
			want:    []string{"is denied", `if this page change should be made, ask the Confluence administrators of space DOCS to change update_page in the policy of connection "docs-bot".`},
			wantNot: []string{approvalsClause, "on_destroy", "removed {"},
		},
		{
			name: "denied create: ask the administrators", op: CreatePage,
			records: governed(withApprovers(map[Operation]Level{CreatePage: Denied})), decision: DecisionDenied,
			want:    []string{`ask the Confluence administrators of space DOCS to change create_page in the policy of connection "docs-bot"`},
			wantNot: []string{approvalsClause, "on_destroy"},
		},
		{
			name: "denied read: ask the administrators", op: GetPage,
			records: governed(withApprovers(map[Operation]Level{GetPage: Denied})), decision: DecisionDenied,
			want:    []string{`if it should be allowed, ask the Confluence administrators of space DOCS to change get_page in the policy of connection "docs-bot"`},
			wantNot: []string{approvalsClause},
		},
		{
			name: "denied because out of scope: add the space to the scope", op: DeletePage,
			records:  SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("docs-bot", botAcct, "OPS")}, Policies: []PolicyRecord{withApprovers(map[Operation]Level{DeletePage: AllowedWithConfirmation})}},
			decision: DecisionDenied,
			want:     []string{`on_destroy = "retain"`, `ask the Confluence administrators of space DOCS to add space DOCS to the scope of connection "docs-bot"`},
			wantNot:  []string{approvalsClause},
		},
		{
			name: "denied in a managed space that does not register the account", op: UpdatePage,
			records:  SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("human", otherAcct, space)}},
			decision: DecisionDenied,
			want:     []string{"ask the Confluence administrators of space DOCS to register a connection for account " + botAcct + " in the space"},
		},
		{
			name: "allowed with approvers named: approvals are not mentioned", op: CreatePage,
			records: governed(withApprovers(map[Operation]Level{CreatePage: Allowed})), decision: DecisionAllowed,
			want:    []string{`create_page on page "Release notes" in space DOCS is allowed: connection "docs-bot" sets create_page to allowed.`},
			wantNot: []string{approvalsClause, "No approval"},
		},
		{
			name: "gated with approvers: the approvals that grant it are named", op: UpdatePage,
			records: governed(withApprovers(map[Operation]Level{UpdatePage: AllowedWithConfirmation})), decision: DecisionAllowedWithConfirmation,
			want:    []string{`connection "docs-bot" sets update_page to allowed_with_confirmation and requires 1 approval(s) from approver@example.com`, "confluence-plan-report approve"},
			wantNot: []string{"No approval", "on_destroy"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(tt.op)
			req.Noun = tt.noun
			got, err := Evaluate(req, tt.records)
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision != tt.decision {
				t.Fatalf("decision %q, want %q (%s)", got.Decision, tt.decision, got.Reason)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Reason, w) {
					t.Errorf("reason\n  %s\ndoes not contain\n  %s", got.Reason, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got.Reason, w) {
					t.Errorf("reason\n  %s\nmust not contain %q", got.Reason, w)
				}
			}
			if got.Decision == DecisionDenied && len(got.Approvals) > 0 {
				t.Errorf("a denied decision carries approval requirements %+v", got.Approvals)
			}
		})
	}
}
