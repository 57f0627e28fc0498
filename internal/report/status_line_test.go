// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"bytes"
	"strings"
	"testing"
)

// Exit status 2 has three causes, and the Markdown status line says which
// ones hold the plan back: a plan whose policy was not decided (the
// provider configuration is known only at apply) waits for no code, so it
// must not tell the reader to wait for one.
func TestWriteMarkdown_statusLinePerCause(t *testing.T) {
	changes := func(states ...string) []Change {
		var out []Change
		for _, s := range states {
			out = append(out, Change{Address: "confluence_page." + s, Approval: Approval{State: s}})
		}
		return out
	}
	tests := []struct {
		name    string
		rep     Report
		want    []string
		notWant []string
	}{
		{
			name: "waiting for a code", rep: Report{Status: StatusApprovalRequired, Changes: changes(ApprovalWaiting, ApprovalNotRequired)},
			want:    []string{"**Approval required**: 1 change(s) wait for their confirmation code to be approved."},
			notWant: []string{"not decided", "unknown"},
		},
		{
			name: "undecided", rep: Report{Status: StatusApprovalRequired, Changes: changes(ApprovalUndecided, ApprovalUndecided)},
			want:    []string{"**Policy not decided at plan**: 2 change(s) are not decided", "configuration is known only at apply", "Re-run the plan with the connection and credentials known at plan time"},
			notWant: []string{"wait for their confirmation code", "Approval required"},
		},
		{
			name: "unknown without the stream", rep: Report{Status: StatusApprovalRequired, Changes: changes(ApprovalUnknown)},
			want:    []string{"**Approval required**: 1 change(s) need confirmation and their approval state is unknown", "--log"},
			notWant: []string{"wait for their confirmation code", "not decided"},
		},
		{
			name: "waiting and undecided", rep: Report{Status: StatusApprovalRequired, Changes: changes(ApprovalWaiting, ApprovalUndecided)},
			want: []string{"**Approval required**: 1 change(s) wait for their confirmation code to be approved; 1 change(s) are not decided"},
		},
		{
			name: "allowed", rep: Report{Status: StatusAllowed, Changes: changes(ApprovalNotRequired)},
			want: []string{"**Allowed**: every Confluence change may be applied."},
		},
		{
			name: "denied", rep: Report{Status: StatusDenied, Changes: changes(ApprovalDenied, ApprovalUndecided)},
			want: []string{"**Denied**"}, notWant: []string{"not decided:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteMarkdown(&b, tt.rep); err != nil {
				t.Fatal(err)
			}
			status := strings.SplitN(b.String(), "\n", 4)[2]
			for _, w := range tt.want {
				if !strings.Contains(status, w) {
					t.Errorf("status line %q lacks %q", status, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(status, w) {
					t.Errorf("status line %q says %q", status, w)
				}
			}
		})
	}
}

// An undecided operation the report cannot tie to a page change (a
// connection or policy removed from the configuration: Terraform gives the
// warning no address) still holds the report back.
func TestBuild_undecidedWithoutAddressIsHeldBack(t *testing.T) {
	rep, err := Build(Input{HaveStream: true, StreamWarns: []Diagnostic{{
		Summary: PolicyNotDecidedSummary,
		Detail:  `Removing connection "docs-bot" (no identity edits its own connection record) is not decided by this plan: the Confluence provider configuration … known only at apply.`,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ExitCode != ExitApprovalRequired || len(rep.Changes) != 1 || rep.Changes[0].Approval.State != ApprovalUndecided ||
		rep.Changes[0].Address != `Removing connection "docs-bot" (no identity edits its own connection record)` {
		t.Fatalf("exit %d, changes %+v", rep.ExitCode, rep.Changes)
	}
}
