// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"strings"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Only the parts the provider writes, at the end and in its order, are read:
// the author's version_message before them cannot add an approver, a change
// reference or a decision, whatever it says.
func TestParseVersionMessageReadsOnlyTheProviderParts(t *testing.T) {
	const forged = "approved by Alice Approver <557058:alice> at 2026-01-01T00:00:00Z"
	tests := []struct {
		name string
		in   string
		want versionMessage
	}{
		{
			name: "the provider's parts",
			in:   "Fix | ref ci/42 | policy allowed_with_confirmation (update_page-0123456789) as docs-bot | approved by Alice <557058:a> at 2026-11-29T17:00:00Z | via Terraform",
			want: versionMessage{terraform: true, decision: "allowed_with_confirmation", code: "update_page-0123456789", connection: "docs-bot", changeReference: "ci/42",
				approvedBy: "approved by Alice <557058:a> at 2026-11-29T17:00:00Z", author: "Fix"},
		},
		{
			name: "an author message naming an approver is the author's text",
			in:   forged + " | policy allowed_with_confirmation (update_page-0000000005) as docs-bot | via Terraform",
			want: versionMessage{terraform: true, decision: "allowed_with_confirmation", code: "update_page-0000000005", connection: "docs-bot", author: forged},
		},
		{
			name: "an approver and a reference behind separators in an old author message",
			in:   "Fix | " + forged + " | ref FAKE-1 | ref ci/42 | policy allowed as docs-bot | via Terraform",
			want: versionMessage{terraform: true, decision: "allowed", connection: "docs-bot", changeReference: "ci/42", author: "Fix | " + forged + " | ref FAKE-1"},
		},
		{
			name: "a forged policy part and approver before the real policy part",
			in:   "x | policy allowed as docs-bot | " + forged + " | policy allowed_with_confirmation (update_page-0000000005) as docs-bot | via Terraform",
			want: versionMessage{terraform: true, decision: "allowed_with_confirmation", code: "update_page-0000000005", connection: "docs-bot", author: "x | policy allowed as docs-bot | " + forged},
		},
		{
			// What the provider writes for an author message "ref FAKE-1"
			// and for one with a "|" known only at apply.
			name: "escaped author text is no reference",
			in:   "ref: FAKE-1 | policy allowed as docs-bot | via Terraform",
			want: versionMessage{terraform: true, decision: "allowed", connection: "docs-bot", author: "ref: FAKE-1"},
		},
		{
			name: "escaped separator",
			in:   "Fix ¦ ref FAKE-1 ¦ " + forged + " | policy allowed as docs-bot | via Terraform",
			want: versionMessage{terraform: true, decision: "allowed", connection: "docs-bot", author: "Fix ¦ ref FAKE-1 ¦ " + forged},
		},
		{
			name: "an approver without the policy part before it is not read",
			in:   "Fix | " + forged + " | via Terraform",
			want: versionMessage{terraform: true},
		},
		{
			name: "the approver part only",
			in:   forged + " | via Terraform",
			want: versionMessage{terraform: true},
		},
		{
			name: "not ending in via Terraform",
			in:   "policy allowed as docs-bot | " + forged + " | via Terraform by hand",
			want: versionMessage{},
		},
		{name: "empty", in: "", want: versionMessage{}},
		{name: "only the suffix", in: "via Terraform", want: versionMessage{terraform: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseVersionMessage(tt.in); got != tt.want {
				t.Errorf("parseVersionMessage(%q)\n  = %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

// The export names approvers from approval records alone, and flags a
// change that claims an approval Confluence holds no record of. A version
// the records cannot decide is flagged, never left blank.
func TestAuditPageEntriesTrustOnlyRecords(t *testing.T) {
	gated := map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation}
	const (
		forged       = "approved by Alice <557058:alice> at 2026-01-01T00:00:00Z"
		unapproved   = "update_page-0000000005" // no approval record holds it
		approvedCode = "update_page-0000000002" // Alice's approval record holds it
	)
	created := &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed", Connection: "docs-bot", AccountID: auditBot, ChangeReference: "abc000"}
	record := func(version int, code, ref string) *ChangeRecord {
		return &ChangeRecord{Operation: "update_page", Version: version, Decision: "allowed_with_confirmation", ConfirmationCode: code, Connection: "docs-bot", AccountID: auditBot, ChangeReference: ref, Created: created}
	}
	policyPart := func(code string) string { return "policy allowed_with_confirmation (" + code + ") as docs-bot" }
	tests := []struct {
		name          string
		versions      []confluence.PageVersion
		change        *ChangeRecord
		wantApprovers string // joined with "; "
		wantRef       string // of the last entry
		wantFlags     []string
		wantNoFlags   bool
	}{
		{
			name:     "the author's version_message names an approver: none is shown",
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, forged+" | "+policyPart(unapproved)+" | via Terraform")},
			change:   record(2, unapproved, ""), wantNoFlags: true,
		},
		{
			name:      "the provider's approver part without an approval record: flagged, not shown",
			versions:  []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, policyPart(unapproved)+" | "+forged+" | via Terraform")},
			change:    record(2, unapproved, ""),
			wantFlags: []string{"approval claimed without record", forged, unapproved},
		},
		{
			name:      "the change record claims an approver without an approval record: flagged",
			versions:  []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, policyPart(unapproved)+" | via Terraform")},
			change:    func() *ChangeRecord { r := record(2, unapproved, ""); r.ApprovedBy = forged; return r }(),
			wantFlags: []string{"approval claimed without record"},
		},
		{
			name:          "an approval record names the approver, whatever the message says",
			versions:      []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, forged+" | "+policyPart(approvedCode)+" | approved by Alice <557058:alice> at 2026-11-01T01:30:00Z | via Terraform")},
			change:        record(2, approvedCode, ""),
			wantApprovers: "Alice <557058:alice> at 2026-11-01T01:30:00Z", wantNoFlags: true,
		},
		{
			name:     "a forged reference in an old author message is read only where the provider writes it",
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, "Fix | ref FAKE-1 | ref ci/42 | "+policyPart(unapproved)+" | via Terraform")},
			change:   record(2, unapproved, "ci/42"), wantRef: "ci/42", wantNoFlags: true,
		},
		{
			name:     "the version message and the change record name different references",
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, "ref FAKE-1 | "+policyPart(unapproved)+" | via Terraform")},
			change:   record(2, unapproved, "ci/42"), wantRef: "FAKE-1",
			wantFlags: []string{`terraform.change records change reference "ci/42" but the version message says "FAKE-1"`},
		},
		{
			name:     "a Terraform message without a policy part",
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, forged+" | via Terraform"), v(3, auditBot, policyPart(unapproved)+" | via Terraform")},
			change:   record(3, unapproved, ""),
			// Version 2 is checked in the loop below; version 3 is fine.
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := AuditPageEntries(AuditPage{SpaceKey: "DOCS", ID: "42", Title: "Runbook", Versions: tt.versions, Change: tt.change}, auditContext(gated))
			if len(entries) != len(tt.versions) {
				t.Fatalf("%d entries, want %d: %+v", len(entries), len(tt.versions), entries)
			}
			if first := entries[0]; first.Decision != "allowed" || first.ChangeReference != "abc000" || len(first.Flags) != 0 {
				t.Errorf("version 1 = %+v, want the create's decision and reference from the record, unflagged", first)
			}
			for _, e := range entries[1:] {
				if e.Version == 2 && strings.HasPrefix(tt.versions[1].Message, forged+" | via") {
					if e.Decision != "" || len(e.Approvers) != 0 || !strings.Contains(strings.Join(e.Flags, " / "), "decision not recorded") {
						t.Errorf("version 2 = %+v, want no decision, no approvers, flagged decision not recorded", e)
					}
					continue
				}
				if got := strings.Join(e.Approvers, "; "); got != tt.wantApprovers {
					t.Errorf("version %d approvers %q, want %q", e.Version, got, tt.wantApprovers)
				}
			}
			last := entries[len(entries)-1]
			if last.ChangeReference != tt.wantRef {
				t.Errorf("change reference %q, want %q", last.ChangeReference, tt.wantRef)
			}
			flags := strings.Join(last.Flags, " / ")
			if tt.wantNoFlags && flags != "" {
				t.Errorf("flagged: %s", flags)
			}
			for _, f := range tt.wantFlags {
				if !strings.Contains(flags, f) {
					t.Errorf("flags %q, want %q", flags, f)
				}
			}
		})
	}
}

// The decision of version 1 lives only in terraform.change (a create has
// no version message): a later record carries it, and a record that does
// not is flagged instead of leaving the row blank.
func TestAuditPageEntriesCreateDecision(t *testing.T) {
	gated := map[policy.Operation]policy.Level{policy.CreatePage: policy.AllowedWithConfirmation, policy.UpdatePage: policy.Allowed}
	update := v(2, auditBot, "ref ci/43 | policy allowed as docs-bot | via Terraform")
	createRec := &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed_with_confirmation", ConfirmationCode: "update_page-0000000002", Connection: "docs-bot", AccountID: auditBot, ChangeReference: "ci/42"}
	tests := []struct {
		name      string
		change    *ChangeRecord
		wantFirst AuditEntry // the fields compared
		wantFlag  string
	}{
		{
			name:      "the newest record is the create's",
			change:    createRec,
			wantFirst: AuditEntry{Operation: "create_page", Decision: "allowed_with_confirmation", Code: "update_page-0000000002", ChangeReference: "ci/42"},
		},
		{
			name:      "a later record carries the create's",
			change:    &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", ChangeReference: "ci/43", Created: createRec},
			wantFirst: AuditEntry{Operation: "create_page", Decision: "allowed_with_confirmation", Code: "update_page-0000000002", ChangeReference: "ci/42"},
		},
		{
			name: "the create's reference holds the separator",
			change: &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", ChangeReference: "ci/43",
				Created: &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed_with_confirmation", ConfirmationCode: "update_page-0000000002", ChangeReference: "PR-1 | x"}},
			wantFirst: AuditEntry{Operation: "create_page", Decision: "allowed_with_confirmation", Code: "update_page-0000000002", ChangeReference: "PR-1 | x"},
		},
		{
			name:      "a later record without the create's",
			change:    &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", ChangeReference: "ci/43"},
			wantFirst: AuditEntry{Operation: "create_page"},
			wantFlag:  "decision not recorded: Confluence keeps no version message for a create, and terraform.change records version 2 without the create's decision",
		},
		{
			name:      "a carried record of another version is not the create's",
			change:    &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", Created: &ChangeRecord{Operation: "update_page", Version: 7, Decision: "allowed"}},
			wantFirst: AuditEntry{Operation: "create_page"},
			wantFlag:  "decision not recorded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			versions := []confluence.PageVersion{v(1, auditBot, "")}
			if tt.change.Version == 2 {
				versions = append(versions, update)
			}
			entries := AuditPageEntries(AuditPage{SpaceKey: "DOCS", ID: "42", Title: "Runbook", Versions: versions, Change: tt.change}, auditContext(gated))
			first := entries[0]
			if first.Operation != tt.wantFirst.Operation || first.Decision != tt.wantFirst.Decision || first.Code != tt.wantFirst.Code || first.ChangeReference != tt.wantFirst.ChangeReference {
				t.Errorf("version 1 = %+v, want %+v", first, tt.wantFirst)
			}
			flags := strings.Join(first.Flags, " / ")
			if (tt.wantFlag == "") != (flags == "") || !strings.Contains(flags, tt.wantFlag) {
				t.Errorf("version 1 flags %q, want %q", flags, tt.wantFlag)
			}
			if tt.wantFlag == "" && strings.Join(first.Approvers, "; ") != "Alice <557058:alice> at 2026-11-01T01:30:00Z" {
				t.Errorf("version 1 approvers %q, want Alice's approval record", first.Approvers)
			}
			if len(entries) > 1 && (entries[1].ChangeReference != "ci/43" || len(entries[1].Flags) != 0) {
				t.Errorf("version 2 = %+v", entries[1])
			}
		})
	}
}

// A change reference holding "|" is escaped in the version message and
// kept as it is in terraform.change: the two agree.
func TestAuditPageEntriesEscapedReference(t *testing.T) {
	gated := map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed}
	versions := []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, "ref PR-7 ¦ x | policy allowed as docs-bot | via Terraform")}
	created := &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed", Connection: "docs-bot"}
	for _, tt := range []struct{ recorded, wantFlag string }{
		{recorded: "PR-7 | x"},
		{recorded: "PR-8 | x", wantFlag: `terraform.change records change reference "PR-8 | x" but the version message says "PR-7 ¦ x"`},
	} {
		change := &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", ChangeReference: tt.recorded, Created: created}
		entries := AuditPageEntries(AuditPage{SpaceKey: "DOCS", ID: "42", Title: "Runbook", Versions: versions, Change: change}, auditContext(gated))
		e := entries[1]
		if flags := strings.Join(e.Flags, " / "); e.ChangeReference != "PR-7 ¦ x" || (tt.wantFlag == "") != (flags == "") || !strings.Contains(flags, tt.wantFlag) {
			t.Errorf("recorded %q: version 2 = %+v, want reference %q and flag %q", tt.recorded, e, "PR-7 ¦ x", tt.wantFlag)
		}
	}
}

// A Terraform version message is checked against the change record of its
// version: a message without its policy part, or without the reference the
// record keeps, is flagged.
func TestAuditPageEntriesMessageAgainstRecord(t *testing.T) {
	gated := map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed}
	created := &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed", Connection: "docs-bot"}
	tests := []struct {
		name, message string
		change        *ChangeRecord
		wantFlags     []string
	}{
		{
			name: "the newest message without a policy part and without a record", message: "Fix | via Terraform",
			change:    &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed"},
			wantFlags: []string{"has no matching terraform.change (it records version 1)", "decision not recorded"},
		},
		{
			name: "the record keeps a reference the message lacks", message: "Fix | policy allowed as docs-bot | via Terraform",
			change:    &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", ChangeReference: "ci/42", Created: created},
			wantFlags: []string{`terraform.change records change reference "ci/42" but the version message says ""`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			versions := []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, tt.message)}
			entries := AuditPageEntries(AuditPage{SpaceKey: "DOCS", ID: "42", Title: "Runbook", Versions: versions, Change: tt.change}, auditContext(gated))
			flags := strings.Join(entries[1].Flags, " / ")
			for _, f := range tt.wantFlags {
				if !strings.Contains(flags, f) {
					t.Errorf("version 2 flags %q, want %q", flags, f)
				}
			}
		})
	}
}
