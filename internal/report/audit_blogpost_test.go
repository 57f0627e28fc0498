// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Blog posts go through the page logic; only their type and noun differ.
func TestAuditPageEntries_kinds(t *testing.T) {
	msg := "Published | ref CHG-1 | policy allowed as docs-bot | via Terraform"
	created := &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", AccountID: auditBot, ChangeReference: "CHG-1",
		Created: &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed", Connection: "docs-bot", AccountID: auditBot, ChangeReference: "CHG-0"}}
	tests := []struct {
		name     string
		kind     confluence.ContentKind
		change   *ChangeRecord
		wantType string
		wantFlag string // a substring of version 1's flags; "" for none
	}{
		{name: "page", kind: confluence.KindPage, change: created, wantType: EntryPage},
		{name: "blog post", kind: confluence.KindBlogPost, change: created, wantType: EntryBlogPost},
		{name: "blog post without terraform.change", kind: confluence.KindBlogPost, wantType: EntryBlogPost,
			wantFlag: "created by the automation account, and the blog post carries no terraform.change"},
		{name: "page without terraform.change", kind: confluence.KindPage, wantType: EntryPage,
			wantFlag: "created by the automation account, and the page carries no terraform.change"},
	}
	levels := map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := AuditPage{Kind: tt.kind, SpaceKey: "DOCS", ID: "77", Title: "Release notes", Change: tt.change,
				Versions: []confluence.PageVersion{v(2, auditBot, msg), v(1, auditBot, "")}}
			entries := AuditPageEntries(page, auditContext(levels))
			if len(entries) != 2 {
				t.Fatalf("entries: %+v", entries)
			}
			for _, e := range entries {
				if e.Type != tt.wantType || e.PageID != "77" {
					t.Errorf("version %d: type %q, id %s; want %q", e.Version, e.Type, e.PageID, tt.wantType)
				}
			}
			first := strings.Join(entries[0].Flags, "; ")
			if tt.wantFlag == "" && first != "" || !strings.Contains(first, tt.wantFlag) {
				t.Errorf("version 1 flags %q; want %q", first, tt.wantFlag)
			}
			if tt.change != nil && (entries[0].Operation != "create_page" || entries[0].ChangeReference != "CHG-0" || entries[1].Operation != "update_page" || entries[1].ChangeReference != "CHG-1") {
				t.Errorf("entries: %+v", entries)
			}
		})
	}
}

func TestAuditAttachmentEntries(t *testing.T) {
	gated := map[policy.Operation]policy.Level{policy.UpdatePage: policy.AllowedWithConfirmation}
	allowed := map[policy.Operation]policy.Level{policy.UpdatePage: policy.Allowed}
	at := auditT0.Add(2 * time.Hour).Format(time.RFC3339)
	record := func(op, decision, code, account, when string) AttachmentRecord {
		return AttachmentRecord{Operation: op, AttachmentID: "att9", Version: 3, SHA256: "ab12", Size: 5, Decision: decision, ConfirmationCode: code,
			Connection: "docs-bot", AccountID: account, ChangeReference: "CHG-7", At: when}
	}
	tests := []struct {
		name      string
		levels    map[policy.Operation]policy.Level
		rec       AttachmentRecord
		author    string // the property's last writer, as Confluence records it
		wantOp    string // "" when the entry is not exported
		wantFlags []string
		approvers int
	}{
		{name: "upload, approved by a record", levels: gated, rec: record("create", "allowed_with_confirmation", "update_page-0000000002", auditBot, at),
			author: auditBot, wantOp: "upload", approvers: 1},
		{name: "update", levels: allowed, rec: record("update", "allowed", "", auditBot, at), author: auditBot, wantOp: "update"},
		{name: "remove", levels: allowed, rec: record("delete", "allowed", "", auditBot, at), author: auditBot, wantOp: "remove"},
		{name: "before the start date", levels: allowed, rec: record("create", "allowed", "", auditBot, auditT0.Add(-time.Hour).Format(time.RFC3339)), author: auditBot},
		{name: "the writer's own approval is no approval", levels: gated, rec: record("create", "allowed_with_confirmation", "update_page-0000000002", auditAlice, at),
			author: auditBot, wantOp: "upload", wantFlags: []string{"records account Alice <557058:alice>, which no connection record of space DOCS names"}},
		{name: "record last written by a person", levels: allowed, rec: record("update", "allowed", "", auditBot, at), author: auditErin, wantOp: "update",
			wantFlags: []string{"terraform.attachments was last written by Erin <557058:erin>, which no connection record of space DOCS names: the record may have been edited"}},
		{name: "no decision", levels: allowed, rec: record("create", "", "", auditBot, at), author: auditBot, wantOp: "upload",
			wantFlags: []string{"decision not recorded: terraform.attachments records no policy decision"}},
		{name: "gated without a code", levels: gated, rec: record("update", "allowed_with_confirmation", "", auditBot, at), author: auditBot, wantOp: "update",
			wantFlags: []string{"gated change recorded without a confirmation code"}},
		{name: "decision the policy does not set", levels: gated, rec: record("update", "allowed", "", auditBot, at), author: auditBot, wantOp: "update",
			wantFlags: []string{"recorded as allowed, but the current policy of connection \"docs-bot\" sets update_page to allowed_with_confirmation"}},
		{name: "denied", levels: allowed, rec: record("delete", "denied", "", auditBot, at), author: auditBot, wantOp: "remove",
			wantFlags: []string{"recorded as denied, yet written"}},
		{name: "no valid time", levels: allowed, rec: record("create", "allowed", "", auditBot, "yesterday"), author: auditBot, wantOp: "upload",
			wantFlags: []string{`records no valid time for this change ("yesterday")`}},
		{name: "unknown operation", levels: allowed, rec: record("rename", "allowed", "", auditBot, at), author: auditBot, wantOp: "rename",
			wantFlags: []string{`unknown operation "rename"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := AuditPage{SpaceKey: "DOCS", ID: "42", Title: "Diagrams", Attachments: map[string]AttachmentRecord{"flow.png": tt.rec}, AttachmentsAuthor: tt.author}
			entries := AuditAttachmentEntries(page, auditContext(tt.levels))
			if tt.wantOp == "" {
				if len(entries) != 0 {
					t.Fatalf("exported %+v", entries)
				}
				return
			}
			if len(entries) != 1 {
				t.Fatalf("entries: %+v", entries)
			}
			e := entries[0]
			if e.Type != EntryAttachment || e.Operation != tt.wantOp || e.FileName != "flow.png" || e.PageID != "42" || e.Title != "Diagrams" ||
				e.AttachmentID != "att9" || e.Version != 3 || e.SHA256 != "ab12" || e.ChangeReference != "CHG-7" || e.Connection != "docs-bot" {
				t.Errorf("entry %+v", e)
			}
			if len(e.Flags) != len(tt.wantFlags) {
				t.Fatalf("flags %q; want %q", e.Flags, tt.wantFlags)
			}
			for i, f := range tt.wantFlags {
				if !strings.Contains(e.Flags[i], f) {
					t.Errorf("flag %q; want %q", e.Flags[i], f)
				}
			}
			if len(e.Approvers) != tt.approvers || tt.approvers > 0 && !strings.HasPrefix(e.Approvers[0], "Alice <557058:alice> at ") {
				t.Errorf("approvers %q; want %d", e.Approvers, tt.approvers)
			}
		})
	}
}

// All three formats carry the type; JSON keeps entries[] for content
// versions and lists attachment changes apart.
func TestAuditWriters_typesAndAttachments(t *testing.T) {
	t1, t2, t3 := auditT0.Add(time.Hour), auditT0.Add(2*time.Hour), auditT0.Add(3*time.Hour)
	rep := AuditReport{Schema: AuditSchemaVersion, SpaceKey: "DOCS", Since: auditT0, GeneratedAt: t3, PagesRead: 1, PostsRead: 1, Flagged: 1,
		Entries: []AuditEntry{
			{Time: t1, Type: EntryPage, SpaceKey: "DOCS", PageID: "42", Title: "Diagrams", Version: 1, Operation: "create_page", Decision: "allowed", Approvers: []string{}, Flags: []string{}},
			{Time: t3, Type: EntryBlogPost, SpaceKey: "DOCS", PageID: "77", Title: "Release notes", Version: 1, Operation: "create_page", Decision: "allowed", Approvers: []string{}, Flags: []string{}},
		},
		Attachments: []AuditEntry{
			{Time: t2, Type: EntryAttachment, SpaceKey: "DOCS", PageID: "42", Title: "Diagrams", Version: 2, Operation: "remove", Decision: "allowed",
				FileName: "flow.png", AttachmentID: "att9", SHA256: "ab12", Approvers: []string{}, Flags: []string{"recorded as denied, yet written"}},
		},
	}

	var out bytes.Buffer
	if err := WriteAuditCSV(&out, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV (%v): %q", err, rows)
	}
	// The columns of v1 first, in their order; the new ones after them.
	if got := strings.Join(rows[0], ","); got != "time,space,page_id,title,version,operation,decision,confirmation_code,approvers,connection,account_id,account,change_reference,flags,type,file_name,attachment_id,sha256" {
		t.Errorf("CSV header %s", got)
	}
	var order []string
	for _, r := range rows[1:] {
		order = append(order, r[14]+" "+r[5]+" "+r[15]+" "+r[17])
	}
	if got := strings.Join(order, "|"); got != "page create_page  |attachment remove flow.png ab12|blogpost create_page  " {
		t.Errorf("CSV rows by time: %q", got)
	}

	out.Reset()
	if err := WriteAuditJSON(&out, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema      string           `json:"schema"`
		PostsRead   *int             `json:"blog_posts_read"`
		Entries     []map[string]any `json:"entries"`
		Attachments []map[string]any `json:"attachments"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "confluence-audit/v1" || doc.PostsRead == nil || *doc.PostsRead != 1 || len(doc.Entries) != 2 || len(doc.Attachments) != 1 {
		t.Fatalf("JSON %s", out.String())
	}
	if doc.Entries[1]["type"] != "blogpost" || doc.Entries[0]["type"] != "page" || doc.Attachments[0]["type"] != "attachment" || doc.Attachments[0]["file_name"] != "flow.png" {
		t.Errorf("JSON types %s", out.String())
	}
	if _, ok := doc.Entries[0]["file_name"]; ok {
		t.Errorf("a page entry has file fields: %v", doc.Entries[0])
	}

	out.Reset()
	if err := WriteAuditMarkdown(&out, rep); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	for _, want := range []string{
		"3 change(s) on 1 page(s) and 1 blog post(s) modified since then, 1 of them attachment change(s); **1 flagged**",
		`- attachment "flow.png" (att9) on "Diagrams" (42) version 2 (2026-11-01T02:00:00Z): recorded as denied, yet written`,
		"| 2026-11-01T03:00:00Z | blogpost | Release notes (77) |  | 1 | create_page |",
		"| 2026-11-01T02:00:00Z | attachment | Diagrams (42) | flow.png (ab12) | 2 | remove |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// Content in the trash keeps its history; the trash itself is a row that
// says what the trail does not hold.
func TestAuditPageEntries_trashed(t *testing.T) {
	levels := map[policy.Operation]policy.Level{policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed}
	msg := "ref CHG-1 | policy allowed as docs-bot | via Terraform"
	change := &ChangeRecord{Operation: "update_page", Version: 2, Decision: "allowed", Connection: "docs-bot", AccountID: auditBot, ChangeReference: "CHG-1",
		Created: &ChangeRecord{Operation: "create_page", Version: 1, Decision: "allowed", Connection: "docs-bot", AccountID: auditBot}}
	tests := []struct {
		name     string
		trashed  bool
		change   *ChangeRecord
		versions []confluence.PageVersion
		want     []string // per entry: "operation version: flag substring"
	}{
		{name: "current", change: change, versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg)},
			want: []string{"create_page 1: ", "update_page 2: "}},
		{name: "trashed with its records", trashed: true, change: change, versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg)},
			want: []string{"create_page 1: ", "update_page 2: ", "trashed 2: in the trash since some time after version 2 (2026-11-01T02:00:00Z): Confluence's history records neither when nor by whom"}},
		{name: "trashed, its properties not shown", trashed: true, versions: []confluence.PageVersion{v(1, auditBot, ""), v(2, auditBot, msg)},
			want: []string{"create_page 1: decision not recorded: Confluence keeps no version message for a create, and shows no terraform.change of a blog post in the trash",
				"update_page 2: ", "trashed 2: in the trash"}},
		{name: "trashed, history unreadable", trashed: true, change: change,
			want: []string{"trashed 2: in the trash"}},
		{name: "a person's page in the trash", trashed: true, versions: []confluence.PageVersion{v(1, auditErin, ""), v(2, auditErin, "edit")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newest := v(2, auditBot, msg)
			if len(tt.versions) > 0 {
				newest = tt.versions[len(tt.versions)-1]
			}
			page := AuditPage{Kind: confluence.KindBlogPost, SpaceKey: "DOCS", ID: "77", Title: "Release notes", Change: tt.change, Versions: tt.versions, Trashed: tt.trashed, Newest: newest}
			entries := AuditPageEntries(page, auditContext(levels))
			if len(entries) != len(tt.want) {
				t.Fatalf("entries %+v; want %q", entries, tt.want)
			}
			for i, want := range tt.want {
				e := entries[i]
				got := fmt.Sprintf("%s %d: %s", e.Operation, e.Version, strings.Join(e.Flags, "; "))
				if !strings.HasPrefix(got, want) || strings.HasSuffix(want, ": ") && got != want || e.Type != EntryBlogPost {
					t.Errorf("entry %d: %q (type %s); want %q", i, got, e.Type, want)
				}
			}
		})
	}
}
