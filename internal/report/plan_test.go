// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// planJSON is a minimal `terraform show -json` document with the given
// resource changes.
func planJSON(t *testing.T, changes ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": changes})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pageRC(address string, actions []string, before, after map[string]any) map[string]any {
	return map[string]any{"address": address, "mode": "managed", "type": "confluence_page", "name": "p",
		"provider_name": "registry.terraform.io/docs-as-code/confluence",
		"change":        map[string]any{"actions": actions, "before": before, "after": after, "after_unknown": map[string]any{}}}
}

func page(id, title, markdown, decision, code string, labels ...string) map[string]any {
	l := make([]any, len(labels))
	for i, x := range labels {
		l[i] = x
	}
	m := map[string]any{"space_key": "DOCS", "title": title, "markdown": markdown, "body": nil, "policy_decision": decision, "confirmation_code": code, "labels": l}
	if id != "" {
		m["id"] = id
	}
	return m
}

const gatedDetail = `Updating page 42 ("Runbook") in space DOCS (update_page): update_page … needs approval.

Confirmation code: update_page-0123456789
Approval state: %s`

func TestBuild(t *testing.T) {
	update := pageRC("confluence_page.runbook", []string{"update"},
		page("42", "Runbook", "# Runbook\n\nOne.\n", "allowed", "", "a", "b"),
		page("42", "Runbook", "# Runbook\n\nOne.\nTwo.\n", "allowed_with_confirmation", "update_page-0123456789", "b", "c"))
	create := pageRC("confluence_page.new", []string{"create"}, nil, page("", "New", "x\n", "allowed", ""))
	del := pageRC("confluence_page.old", []string{"delete"}, page("7", "Old", "gone\n", "allowed", ""), nil)
	warn := func(summary, detail, address string) Diagnostic {
		return Diagnostic{Summary: summary, Detail: detail, Address: address}
	}
	tests := []struct {
		name      string
		in        Input
		exit      int
		status    string
		check     func(t *testing.T, rep Report)
		wantError string
	}{
		{
			name: "gated update waiting", exit: ExitApprovalRequired, status: StatusApprovalRequired,
			in: Input{PlanJSON: planJSON(t, update), HaveStream: true, StreamWarns: []Diagnostic{
				warn("Confirmation Required: update_page-0123456789", strings.Replace(gatedDetail, "%s", "waiting (connection \"docs-bot\" needs 1 approval(s) and has 0)", 1), "confluence_page.runbook")}},
			check: func(t *testing.T, rep Report) {
				c := rep.Changes[0]
				if c.Operation != "update_page" || c.PageID != "42" || c.ConfirmationCode != "update_page-0123456789" || c.Approval.State != ApprovalWaiting ||
					!strings.Contains(c.Approval.Detail, "has 0") || strings.Join(c.LabelsAdded, ",") != "c" || strings.Join(c.LabelsRemoved, ",") != "a" ||
					c.Content.LinesAdded != 1 || c.Content.LinesRemoved != 0 || !strings.Contains(c.Reason, "needs approval") {
					t.Errorf("change %+v %+v", c, c.Content)
				}
			},
		},
		{
			name: "gated update approved", exit: ExitAllowed, status: StatusAllowed,
			in: Input{PlanJSON: planJSON(t, update), HaveStream: true, StreamWarns: []Diagnostic{
				warn("Confirmation Required: update_page-0123456789", strings.Replace(gatedDetail, "%s", "approved (approved by Alice <557058:a> at 2026-11-29T17:00:00Z)", 1), "confluence_page.runbook")}},
			check: func(t *testing.T, rep Report) {
				if a := rep.Changes[0].Approval; a.State != ApprovalApproved || a.Detail != "approved by Alice <557058:a> at 2026-11-29T17:00:00Z" {
					t.Errorf("approval %+v", a)
				}
			},
		},
		{
			name: "granted through confirmations", exit: ExitAllowed, status: StatusAllowed,
			in: Input{PlanJSON: planJSON(t, update), HaveStream: true, StreamWarns: []Diagnostic{
				warn("Confirmation Required: update_page-0123456789", "x (update_page)\n\nIt is granted for this run.", "confluence_page.runbook")}},
			check: func(t *testing.T, rep Report) {
				if rep.Changes[0].Approval.State != ApprovalGranted {
					t.Errorf("approval %+v", rep.Changes[0].Approval)
				}
			},
		},
		{
			name: "gated without the stream is unknown", exit: ExitApprovalRequired, status: StatusApprovalRequired,
			in: Input{PlanJSON: planJSON(t, update, create)},
			check: func(t *testing.T, rep Report) {
				if rep.Changes[0].Approval.State != ApprovalUnknown || rep.Changes[1].Approval.State != ApprovalNotRequired || rep.Summary.Allowed != 1 {
					t.Errorf("changes %+v", rep.Changes)
				}
			},
		},
		{
			name: "delete without diagnostics is allowed", exit: ExitAllowed, status: StatusAllowed,
			in: Input{PlanJSON: planJSON(t, del), HaveStream: true},
			check: func(t *testing.T, rep Report) {
				c := rep.Changes[0]
				if c.Operation != "delete_page" || c.Decision != "allowed" || c.Title != "Old" || c.Content.LinesRemoved != 1 {
					t.Errorf("change %+v", c)
				}
			},
		},
		{
			name: "delete of a resource removed from the configuration: matched by page id", exit: ExitApprovalRequired, status: StatusApprovalRequired,
			in: Input{PlanJSON: planJSON(t, del), HaveStream: true, StreamWarns: []Diagnostic{
				warn("Confirmation Required: delete_page-0123456789", `Deleting page 7 ("Old") in space DOCS (delete_page): needs confirmation.`, "")}},
			check: func(t *testing.T, rep Report) {
				if c := rep.Changes[0]; c.Address != "confluence_page.old" || c.ConfirmationCode != "delete_page-0123456789" || c.Decision != "allowed_with_confirmation" {
					t.Errorf("change %+v", c)
				}
			},
		},
		{
			name: "denied: the plan failed, only the stream", exit: ExitError, status: StatusDenied,
			in: Input{HaveStream: true, StreamErrors: []Diagnostic{
				warn("Operation Denied by Confluence Policy", "Deleting page 7 (\"Old \\\"one\\\"\") in space OPS (delete_page): … is denied.\n\nThe policy lives in …", "confluence_page.old")}},
			check: func(t *testing.T, rep Report) {
				c := rep.Changes[0]
				if c.Decision != "denied" || c.Operation != "delete_page" || c.PageID != "7" || c.Title != `Old "one"` || c.SpaceKey != "OPS" || rep.Summary.Denied != 1 || len(rep.Errors) != 0 {
					t.Errorf("report %+v", rep)
				}
			},
		},
		{
			name: "denied, subject in the policy.Request.Subject form", exit: ExitError, status: StatusDenied,
			in: Input{HaveStream: true, StreamErrors: []Diagnostic{
				warn("Operation Denied by Confluence Policy", "delete_page on page \"Old\" (id 7) in space OPS is denied: …", "")}},
			check: func(t *testing.T, rep Report) {
				c := rep.Changes[0]
				if c.Address != "page 7" || c.Operation != "delete_page" || c.PageID != "7" || c.Title != "Old" || c.SpaceKey != "OPS" {
					t.Errorf("change %+v", c)
				}
			},
		},
		{
			name: "denied create, subject in the policy.Request.Subject form", exit: ExitError, status: StatusDenied,
			in: Input{HaveStream: true, StreamErrors: []Diagnostic{
				warn("Operation Denied by Confluence Policy", `create_page on page "New" in space DOCS is denied: …`, "confluence_page.new")}},
			check: func(t *testing.T, rep Report) {
				if c := rep.Changes[0]; c.Operation != "create_page" || c.Title != "New" || c.SpaceKey != "DOCS" {
					t.Errorf("change %+v", c)
				}
			},
		},
		{
			name: "denied create", exit: ExitError, status: StatusDenied,
			in: Input{HaveStream: true, StreamErrors: []Diagnostic{
				warn("Operation Denied by Confluence Policy", `Creating page "New" in space DOCS (create_page): denied.`, "confluence_page.new")}},
			check: func(t *testing.T, rep Report) {
				if c := rep.Changes[0]; c.Operation != "create_page" || c.Title != "New" || c.SpaceKey != "DOCS" {
					t.Errorf("change %+v", c)
				}
			},
		},
		{
			name: "other errors", exit: ExitError, status: StatusError,
			in: Input{PlanJSON: planJSON(t, create), HaveStream: true, StreamErrors: []Diagnostic{warn("Invalid Storage Format", "Line 1", "confluence_page.x")}},
			check: func(t *testing.T, rep Report) {
				if len(rep.Errors) != 1 || rep.Summary.Errors != 1 {
					t.Errorf("errors %+v", rep.Errors)
				}
			},
		},
		{
			name: "a person's edit overwritten", exit: ExitAllowed, status: StatusAllowed,
			in: Input{PlanJSON: planJSON(t, pageRC("confluence_page.runbook", []string{"update"},
				map[string]any{"id": "42", "space_key": "DOCS", "title": "Runbook", "body": "<p>Human</p>", "markdown": "# Runbook\n", "policy_decision": "allowed"},
				map[string]any{"id": "42", "space_key": "DOCS", "title": "Runbook", "body": nil, "markdown": "# Runbook\n", "policy_decision": "allowed", "confirmation_code": ""})),
				HaveStream: true, StreamWarns: []Diagnostic{warn("Page Edited Outside Terraform",
					`Page 42 ("Runbook") in space DOCS was edited in Confluence by Erin Editor (account 557058:e) at 2026-11-29T16:30:34Z: its content changed.`+"\n\nThe plan shows…", "confluence_page.runbook")}},
			check: func(t *testing.T, rep Report) {
				c := rep.Changes[0]
				if c.OverwritesEdit == nil || c.OverwritesEdit.Editor != "Erin Editor (account 557058:e)" || rep.Summary.OverwritesEdits != 1 ||
					c.Content.LinesRemoved != 1 || c.Content.Diff[1] != "-<p>Human</p>" {
					t.Errorf("change %+v %+v", c, c.Content)
				}
			},
		},
		{
			name: "content known only at apply", exit: ExitApprovalRequired, status: StatusApprovalRequired,
			in: Input{PlanJSON: planJSON(t, map[string]any{"address": "confluence_page.g", "mode": "managed", "type": "confluence_page", "name": "g",
				"change": map[string]any{"actions": []string{"create"}, "before": nil,
					"after":         map[string]any{"space_key": "DOCS", "title": "G", "policy_decision": "allowed_with_confirmation", "body": nil},
					"after_unknown": map[string]any{"markdown": true, "confirmation_code": true}}}),
				HaveStream: true, StreamWarns: []Diagnostic{warn("Confirmation Code Not Final", "Creating page \"G\" in space DOCS (create_page) needs confirmation…", "confluence_page.g")}},
			check: func(t *testing.T, rep Report) {
				c := rep.Changes[0]
				if c.Content.Known || c.ConfirmationCode != "" || c.Approval.State != ApprovalWaiting {
					t.Errorf("change %+v", c)
				}
			},
		},
		{
			name: "admin changes never show secrets", exit: ExitAllowed, status: StatusAllowed,
			in: Input{PlanJSON: planJSON(t, map[string]any{"address": "confluence_connection.bot", "mode": "managed", "type": "confluence_connection", "name": "bot",
				"change": map[string]any{"actions": []string{"update"},
					"before":           map[string]any{"name": "bot", "spaces": []any{"DOCS"}, "api_token_wo": nil, "api_token_wo_version": 1, "secret": "s1"},
					"after":            map[string]any{"name": "bot", "spaces": []any{"DOCS", "OPS"}, "api_token_wo": nil, "api_token_wo_version": 2, "secret": "s2"},
					"after_unknown":    map[string]any{"account_id": true},
					"before_sensitive": map[string]any{"secret": true}, "after_sensitive": map[string]any{"secret": true}}})},
			check: func(t *testing.T, rep Report) {
				a := rep.AdminChanges[0]
				var names []string
				for _, at := range a.Attributes {
					names = append(names, at.Name)
				}
				if strings.Join(names, ",") != "api_token_wo_version,spaces" {
					t.Errorf("attributes %v", names)
				}
				var md bytes.Buffer
				_ = WriteMarkdown(&md, rep)
				if strings.Contains(md.String(), "s2") || !strings.Contains(md.String(), `spaces: ["DOCS"] → ["DOCS","OPS"]`) {
					t.Errorf("markdown:\n%s", md.String())
				}
			},
		},
		{
			name: "errored plan", exit: ExitError, status: StatusError,
			in: Input{PlanJSON: []byte(`{"format_version":"1.2","errored":true,"resource_changes":[]}`)},
		},
		{name: "nothing to read", in: Input{}, wantError: "nothing to report on"},
		{name: "not a plan", in: Input{PlanJSON: []byte(`[1]`)}, wantError: "reading the plan JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Build(tt.in)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error = %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.ExitCode != tt.exit || rep.Status != tt.status || rep.Schema != SchemaVersion {
				t.Fatalf("exit %d status %s, want %d %s: %+v", rep.ExitCode, rep.Status, tt.exit, tt.status, rep)
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

func TestReadStream(t *testing.T) {
	stream := `{"@level":"info","type":"version","terraform":"1.11.4"}
{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"W","detail":"d","address":"a.b"}}

{"type":"diagnostic","diagnostic":{"severity":"error","summary":"E","detail":"e"}}
{"type":"planned_change"}
`
	errs, warns, version, err := ReadStream(strings.NewReader(stream))
	if err != nil || version != "1.11.4" || len(errs) != 1 || errs[0].Summary != "E" || len(warns) != 1 || warns[0].Address != "a.b" {
		t.Fatalf("ReadStream = %+v %+v %q %v", errs, warns, version, err)
	}
	if _, _, _, err := ReadStream(strings.NewReader("Planning...\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("plain text: %v", err)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	rep := Report{Schema: SchemaVersion, Status: StatusAllowed, Changes: []Change{{
		Address: "confluence_page.x", Operation: "update_page", Title: "A | B\nC", Decision: "allowed", Approval: Approval{State: ApprovalNotRequired},
		Content: &ContentChange{Known: true, LinesAdded: 1, Diff: []string{"@@ -1 +1 @@", "+````go", "+code"}},
	}}}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if !strings.Contains(md, `| A \| B C |`) {
		t.Errorf("title cell not escaped:\n%s", md)
	}
	if !strings.Contains(md, "`````diff\n") {
		t.Errorf("fence not longer than the content's backticks:\n%s", md)
	}
}

func TestWaitingCodes(t *testing.T) {
	rep := Report{Changes: []Change{
		{SpaceKey: "DOCS", ConfirmationCode: "update_page-0000000001", Approval: Approval{State: ApprovalWaiting}},
		{SpaceKey: "DOCS", ConfirmationCode: "update_page-0000000001", Approval: Approval{State: ApprovalWaiting}},
		{SpaceKey: "DOCS", ConfirmationCode: "update_page-0000000002", Approval: Approval{State: ApprovalApproved}},
		{SpaceKey: "OPS", ConfirmationCode: "update_page-0000000003", Approval: Approval{State: ApprovalWaiting}},
		{SpaceKey: "DOCS", ConfirmationCode: "create_page-0000000004", Approval: Approval{State: ApprovalUnknown}},
	}}
	if got := strings.Join(WaitingCodes(rep, "DOCS"), ","); got != "update_page-0000000001,create_page-0000000004" {
		t.Errorf("WaitingCodes = %s", got)
	}
}
