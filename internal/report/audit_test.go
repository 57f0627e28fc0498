// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

const (
	auditBot   = "557058:bot"
	auditAlice = "557058:alice"
	auditErin  = "557058:erin"
)

var auditT0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func auditContext(levels map[policy.Operation]policy.Level) AuditContext {
	return AuditContext{
		Records: policy.SpaceRecords{SpaceKey: "DOCS",
			Connections: []policy.ConnectionRecord{{Name: "docs-bot", AccountID: auditBot, Spaces: []string{"DOCS"}}},
			Policies:    []policy.PolicyRecord{{Connection: "docs-bot", Levels: levels}}},
		Approvals: []policy.StoredApproval{
			{Key: policy.ApprovalPropertyKey("update_page-0000000002", auditAlice), AuthorID: auditAlice, WrittenAt: auditT0.Add(90 * time.Minute)},
			{Key: policy.ApprovalPropertyKey("update_page-0000000002", auditBot), AuthorID: auditBot, WrittenAt: auditT0.Add(90 * time.Minute)}, // never an approver
		},
		Accounts: map[string]policy.Account{
			auditBot: {AccountID: auditBot, DisplayName: "Docs Bot"}, auditAlice: {AccountID: auditAlice, DisplayName: "Alice"}, auditErin: {AccountID: auditErin, DisplayName: "Erin"},
		},
		Since: auditT0,
	}
}

func v(n int, author, message string) confluence.PageVersion {
	return confluence.PageVersion{Number: n, AuthorID: author, Message: message, CreatedAt: auditT0.Add(time.Duration(n) * time.Hour)}
}

func TestAuditPageEntries(t *testing.T) {
	gated := map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation}
	msg := func(decision, code string) string {
		p := "policy " + decision
		if code != "" {
			p += " (" + code + ")"
		}
		return "Published | ref abc123 | " + p + " as docs-bot | via Terraform"
	}
	rec := func(version int, decision, code string) *ChangeRecord {
		op := "update_page"
		if version == 1 {
			op = "create_page"
		}
		r := &ChangeRecord{Operation: op, Version: version, Decision: decision, ConfirmationCode: code, Connection: "docs-bot", AccountID: auditBot}
		if version > 1 {
			// Every later record carries the create's.
			r.Created = &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed", Connection: "docs-bot", AccountID: auditBot, ChangeReference: "abc000"}
		}
		return r
	}
	tests := []struct {
		name     string
		levels   map[policy.Operation]policy.Level
		versions []confluence.PageVersion
		change   *ChangeRecord
		since    time.Time
		want     []string // per entry: "version:flag substrings joined by +", "" for no flag
		check    func(t *testing.T, e []AuditEntry)
	}{
		{
			name: "create and approved update, all consistent", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg("allowed_with_confirmation", "update_page-0000000002"))},
			change:   rec(2, "allowed_with_confirmation", "update_page-0000000002"),
			want:     []string{"1:", "2:"},
			check: func(t *testing.T, e []AuditEntry) {
				if e[0].Operation != "create_page" || e[0].Connection != "docs-bot" || e[0].Decision != "allowed" || e[0].ChangeReference != "abc000" || e[1].Code != "update_page-0000000002" || e[1].ChangeReference != "abc123" ||
					strings.Join(e[1].Approvers, ",") != "Alice <557058:alice> at 2026-11-01T01:30:00Z" || e[1].Account != "Docs Bot <557058:bot>" {
					t.Errorf("entries %+v", e)
				}
			},
		},
		{
			name: "people's versions are not entries; overwriting one is flagged", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditErin, "typo"), v(3, auditBot, msg("allowed_with_confirmation", "update_page-0000000003"))},
			change:   rec(3, "allowed_with_confirmation", "update_page-0000000003"),
			want:     []string{"1:", "3:overwrote the edit by Erin <557058:erin> (version 2"},
		},
		{
			name: "automation version without a Terraform message", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, "curl did this")},
			change:   rec(1, "allowed", ""),
			want:     []string{"1:", "2:without a Terraform version message"},
		},
		{
			name: "newest Terraform version without matching terraform.change", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg("allowed_with_confirmation", "update_page-0000000002"))},
			change:   rec(1, "allowed", ""),
			want:     []string{"1:", "2:no matching terraform.change (it records version 1)"},
		},
		{
			name: "created without any terraform.change", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, "")},
			want:     []string{"1:carries no terraform.change"},
		},
		{
			name: "decision the current policy does not allow", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg("allowed", ""))},
			change:   rec(2, "allowed", ""),
			want:     []string{"1:", "2:current policy of connection \"docs-bot\" sets update_page to allowed_with_confirmation"},
		},
		{
			name: "gated without a code, and the record disagrees", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg("allowed_with_confirmation", ""))},
			change:   rec(2, "allowed_with_confirmation", "update_page-0000000009"),
			want:     []string{"1:", "2:gated change recorded without a confirmation code+terraform.change records decision allowed_with_confirmation (update_page-0000000009)"},
		},
		{
			name: "unmanaged while governed", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, "Published | policy unmanaged | via Terraform")},
			change:   &ChangeRecord{Operation: "update_page", Version: 2, Decision: "unmanaged"},
			want:     []string{"1:decision not recorded", "2:recorded as unmanaged, but connection \"docs-bot\" governs"},
		},
		{
			name: "a Terraform message by an account no connection names", levels: gated,
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditErin, msg("allowed", ""))},
			change:   rec(1, "allowed", ""),
			want:     []string{"1:", "2:no connection record of space DOCS names"},
		},
		{
			name: "versions before the start date are left out", levels: gated, since: auditT0.Add(150 * time.Minute),
			versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg("allowed_with_confirmation", "update_page-0000000002")), v(3, auditBot, msg("allowed_with_confirmation", "update_page-0000000003"))},
			change:   rec(3, "allowed_with_confirmation", "update_page-0000000003"),
			want:     []string{"3:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := auditContext(tt.levels)
			if !tt.since.IsZero() {
				ctx.Since = tt.since
			}
			entries := AuditPageEntries(AuditPage{SpaceKey: "DOCS", ID: "42", Title: "Runbook", Versions: tt.versions, Change: tt.change}, ctx)
			if len(entries) != len(tt.want) {
				t.Fatalf("%d entries, want %d: %+v", len(entries), len(tt.want), entries)
			}
			for i, w := range tt.want {
				version, flags, _ := strings.Cut(w, ":")
				e := entries[i]
				if got := e.Version; version != "" && got != atoi(version) {
					t.Errorf("entry %d is version %d, want %s", i, got, version)
				}
				all := strings.Join(e.Flags, " / ")
				if flags == "" && all != "" {
					t.Errorf("version %d flagged: %s", e.Version, all)
				}
				for _, f := range strings.Split(flags, "+") {
					if f != "" && !strings.Contains(all, f) {
						t.Errorf("version %d flags %q, want %q", e.Version, all, f)
					}
				}
			}
			if tt.check != nil {
				tt.check(t, entries)
			}
		})
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestAuditWriters(t *testing.T) {
	rep := AuditReport{Schema: AuditSchemaVersion, SpaceKey: "DOCS", Since: auditT0, Entries: []AuditEntry{{
		Time: auditT0, SpaceKey: "DOCS", PageID: "42", Title: "A, \"B\" | C", Version: 2, Operation: "update_page", Decision: "allowed",
		Approvers: []string{"Alice"}, Flags: []string{"f1", "f2"},
	}}, Flagged: 1}
	var csvOut, mdOut, jsonOut bytes.Buffer
	if err := WriteAuditCSV(&csvOut, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csvOut.String(), strings.Join(auditColumns, ",")+"\n") || !strings.Contains(csvOut.String(), `"A, ""B"" | C"`) || !strings.Contains(csvOut.String(), "f1; f2") {
		t.Errorf("csv:\n%s", csvOut.String())
	}
	if err := WriteAuditMarkdown(&mdOut, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mdOut.String(), "**1 flagged**") || !strings.Contains(mdOut.String(), `A, "B" \| C`) {
		t.Errorf("markdown:\n%s", mdOut.String())
	}
	if err := WriteAuditJSON(&jsonOut, rep); err != nil {
		t.Fatal(err)
	}
	var back AuditReport
	if err := json.Unmarshal(jsonOut.Bytes(), &back); err != nil || back.Schema != AuditSchemaVersion || len(back.Entries[0].Flags) != 2 {
		t.Errorf("json: %v %s", err, jsonOut.String())
	}
}

func TestParseVersionMessage(t *testing.T) {
	m := parseVersionMessage("Fix | ref ci/42 | policy allowed_with_confirmation (update_page-0123456789) as docs-bot | approved by Alice <557058:a> at 2026-11-29T17:00:00Z | via Terraform")
	if !m.terraform || m.decision != "allowed_with_confirmation" || m.code != "update_page-0123456789" || m.connection != "docs-bot" || m.changeReference != "ci/42" || !strings.HasPrefix(m.approvedBy, "approved by Alice") {
		t.Errorf("parsed %+v", m)
	}
	if parseVersionMessage("policy allowed | via Terraform by hand").terraform {
		t.Error("a message not ending in 'via Terraform' is not Terraform's")
	}
}
