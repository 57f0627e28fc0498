// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// allowedAdminConfig governs the bot with every operation allowed, so that
// no change waits for approval.
var allowedAdminConfig = strings.Replace(fmt.Sprintf(adminConfig, "allowed"), `update_page     = "allowed_with_confirmation"`, `update_page     = "allowed"`, 1)

// auditJSON runs the audit export of DOCS since start as the reader, and
// counts the requests it made.
func auditJSON(t *testing.T, s *site, start time.Time) (report.AuditReport, int) {
	t.Helper()
	before := s.emu.Stats().Total
	out, code := s.as("reader@example.com", "reader-token", "audit", "--space", "DOCS", "--since", start.Format(time.RFC3339), "--format", "json")
	requests := s.emu.Stats().Total - before
	var audit report.AuditReport
	if err := json.Unmarshal([]byte(out), &audit); code != 0 || err != nil {
		t.Fatalf("audit: exit %d, %v\n%s", code, err, out)
	}
	return audit, requests
}

// blogAndFilesConfig is a page with the given files attached and, unless
// postBody is empty, a blog post.
func blogAndFilesConfig(dir, postBody string, files ...string) string {
	var b strings.Builder
	b.WriteString(`
provider "confluence" {
  connection       = "docs-bot"
  change_reference = "CHG-42"
}

resource "confluence_page" "diagrams" {
  space_key = "DOCS"
  title     = "Diagrams"
  markdown  = "# Diagrams\n"
}
`)
	if postBody != "" {
		fmt.Fprintf(&b, "\nresource \"confluence_blog_post\" \"release\" {\n  space_key = \"DOCS\"\n  title     = \"Release notes\"\n  markdown  = %q\n}\n", postBody)
	}
	for _, f := range files {
		fmt.Fprintf(&b, "\nresource \"confluence_attachment\" %q {\n  page_id = confluence_page.diagrams.id\n  source  = %q\n}\n",
			strings.TrimSuffix(f, ".txt"), filepath.Join(dir, f))
	}
	return b.String()
}

// A blog post created and updated, a file uploaded and a file removed, all
// through the real Terraform CLI: the audit export lists each, with its
// type, in JSON, CSV and Markdown.
func TestAccAuditBlogPostsAndAttachments(t *testing.T) {
	s := newSite(t)
	start := time.Now().UTC().Add(-time.Minute)
	files := t.TempDir()
	content := map[string]string{"flow.txt": "request flow\n", "old.txt": "superseded\n"}
	for name, text := range content {
		if err := os.WriteFile(filepath.Join(files, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	admin := s.workspace("admin@example.com", "admin-token", allowedAdminConfig)
	admin.mustRun("apply", "-auto-approve")

	bot := s.workspace("bot@example.com", "bot-token", blogAndFilesConfig(files, "# Release 1\n", "flow.txt", "old.txt"))
	bot.mustRun("apply", "-auto-approve")
	bot.write(blogAndFilesConfig(files, "# Release 1\n\nFixed.\n", "flow.txt"))
	bot.mustRun("apply", "-auto-approve")

	audit, requests := auditJSON(t, s, start)
	// The space and its properties (2), the page and blog post listings (2),
	// the properties of the 2 pages (the homepage too) and the post modified
	// since the start (3), the versions of the page and the post Terraform
	// wrote (2), one lookup per author (the bot): 10.
	if requests != 10 || audit.PagesRead != 2 || audit.PostsRead != 1 {
		t.Errorf("audit cost %d requests for %d pages and %d blog posts; want 10 for 2 and 1", requests, audit.PagesRead, audit.PostsRead)
	}

	var got []string
	for _, e := range audit.Entries {
		got = append(got, fmt.Sprintf("%s %s v%d %s %s %s", e.Type, e.Title, e.Version, e.Operation, e.Decision, e.ChangeReference))
		if len(e.Flags) > 0 || e.Connection != "docs-bot" {
			t.Errorf("entry %+v", e)
		}
	}
	slices.Sort(got)
	want := []string{
		"blogpost Release notes v1 create_page allowed CHG-42",
		"blogpost Release notes v2 update_page allowed CHG-42",
		"page Diagrams v1 create_page allowed CHG-42",
	}
	if !slices.Equal(got, want) {
		t.Errorf("entries:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	sum := func(name string) string {
		h := sha256.Sum256([]byte(content[name]))
		return hex.EncodeToString(h[:])
	}
	got = nil
	for _, e := range audit.Attachments {
		got = append(got, fmt.Sprintf("%s %s on %s v%d %s %s %s %s", e.Type, e.FileName, e.Title, e.Version, e.Operation, e.Decision, e.ChangeReference, e.SHA256))
		if len(e.Flags) > 0 || e.Connection != "docs-bot" || e.AttachmentID == "" || e.Time.Before(start) {
			t.Errorf("attachment entry %+v", e)
		}
	}
	want = []string{
		"attachment flow.txt on Diagrams v1 upload allowed CHG-42 " + sum("flow.txt"),
		"attachment old.txt on Diagrams v1 remove allowed CHG-42 " + sum("old.txt"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("attachment entries:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The CSV has one row per change, typed, with the file's columns.
	out, code := s.as("reader@example.com", "reader-token", "audit", "--space", "DOCS", "--since", start.Format(time.RFC3339), "--format", "csv")
	if code != 0 {
		t.Fatalf("audit --format csv: %s", out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 6 {
		t.Fatalf("audit CSV (%v): %d rows\n%s", err, len(rows), out)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	types := map[string]int{}
	for _, r := range rows[1:] {
		types[r[col["type"]]]++
		if r[col["type"]] == "attachment" && r[col["file_name"]] == "flow.txt" && (r[col["operation"]] != "upload" || r[col["sha256"]] != sum("flow.txt") || r[col["change_reference"]] != "CHG-42") {
			t.Errorf("CSV row of flow.txt: %v", r)
		}
	}
	if types["page"] != 1 || types["blogpost"] != 2 || types["attachment"] != 2 {
		t.Errorf("CSV rows by type: %v\n%s", types, out)
	}

	out, code = s.as("reader@example.com", "reader-token", "audit", "--space", "DOCS", "--since", start.Format(time.RFC3339), "--format", "md")
	if code != 0 || !strings.Contains(out, "| blogpost | Release notes (") || !strings.Contains(out, "| attachment | Diagrams (") ||
		!strings.Contains(out, "old.txt ("+sum("old.txt")+")") || !strings.Contains(out, "1 blog post(s)") {
		t.Errorf("audit --format md: exit %d\n%s", code, out)
	}

	// The blog post deleted (moved to the trash, the default): its versions
	// stay in the export, and a row says it is in the trash and what the
	// trail does not hold about that. Confluence shows no properties of
	// content in the trash, so the create's decision, which only
	// terraform.change holds, is flagged as not recorded now.
	bot.write(blogAndFilesConfig(files, "", "flow.txt"))
	bot.mustRun("apply", "-auto-approve")
	audit, _ = auditJSON(t, s, start)
	got = nil
	for _, e := range audit.Entries {
		if e.Type == report.EntryBlogPost {
			got = append(got, fmt.Sprintf("v%d %s %d flag(s)", e.Version, e.Operation, len(e.Flags)))
			flags := strings.Join(e.Flags, ";")
			if e.Operation == "trashed" && !strings.Contains(flags, "neither when nor by whom") ||
				e.Version == 1 && !strings.Contains(flags, "shows no terraform.change of a blog post in the trash") {
				t.Errorf("%s row %+v", e.Operation, e)
			}
		}
	}
	if want := []string{"v1 create_page 1 flag(s)", "v2 update_page 0 flag(s)", "v2 trashed 1 flag(s)"}; !slices.Equal(got, want) {
		t.Errorf("blog post rows after the delete: %q; want %q\n%+v", got, want, audit.Entries)
	}
}
