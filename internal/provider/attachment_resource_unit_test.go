// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

func TestValidAttachmentFilename(t *testing.T) {
	for name, ok := range map[string]bool{
		"diagram.png": true, "Architecture overview.pdf": true, "ünïcødé ✓.svg": true,
		"": false, " ": false, ".": false, "..": false, "img/x.png": false, `a\b.png`: false,
		" lead.png": false, "trail.png ": false, "tab\t.png": false, strings.Repeat("x", 256): false, strings.Repeat("é", 255): true,
	} {
		if err := validAttachmentFilename(name); (err == nil) != ok {
			t.Errorf("validAttachmentFilename(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestAttachmentNeedsUpload(t *testing.T) {
	state := attachmentModel{SHA256: types.StringValue("aa"), Comment: types.StringValue("Overview")}
	noComment := attachmentModel{SHA256: types.StringValue("aa"), Comment: types.StringNull()}
	for _, tc := range []struct {
		sum, comment string
		state        attachmentModel
		want         bool
	}{
		{"aa", "Overview", state, false},
		{"aa", " Overview ", state, false},
		{"bb", "Overview", state, true},
		{"aa", "Other", state, true},
		{"aa", "", noComment, false},
		{"aa", "New", noComment, true},
	} {
		if got := attachmentNeedsUpload(tc.sum, tc.comment, tc.state); got != tc.want {
			t.Errorf("attachmentNeedsUpload(%q, %q) = %v, want %v", tc.sum, tc.comment, got, tc.want)
		}
	}
}

func TestAttachmentChangeContentBindsNameHashAndComment(t *testing.T) {
	base := attachmentChangeContent("a.png", "aa", "c")
	for _, other := range []string{attachmentChangeContent("b.png", "aa", "c"), attachmentChangeContent("a.png", "bb", "c"), attachmentChangeContent("a.png", "aa", "d"), attachmentRemoveContent("a.png")} {
		if other == base {
			t.Errorf("%q does not differ from %q", other, base)
		}
	}
}

func TestWithAuditRecordKeepsOtherFiles(t *testing.T) {
	current := json.RawMessage(`{"a.png":{"operation":"create","attachment_id":"att1","version":1,"sha256":"aa","size":1,"policy_decision":"allowed","at":"t"}}`)
	got, err := withAuditRecord(current, "b.png", attachmentAuditRecord{Operation: "create", AttachmentID: "att2"})
	if err != nil || len(got) != 2 || got["a.png"].AttachmentID != "att1" || got["b.png"].AttachmentID != "att2" {
		t.Fatalf("withAuditRecord = %+v, %v", got, err)
	}
	if _, err := withAuditRecord(json.RawMessage(`"not an object"`), "b.png", attachmentAuditRecord{}); err == nil {
		t.Error("a malformed property value was overwritten silently")
	}
}

func TestHashSourceErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := hashSource(filepath.Join(dir, "missing.png"), ""); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := hashSource(dir, ""); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	p := filepath.Join(dir, "x.svg")
	if err := os.WriteFile(p, []byte("<svg/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := hashSource(p, "")
	if err != nil || f.Filename != "x.svg" || f.MediaType != "image/svg+xml" || f.Size != 6 || f.SHA256 != sha256Hex([]byte("<svg/>")) {
		t.Errorf("hashSource = %+v, %v", f, err)
	}
}

// People change attachments too: a file trashed by hand is uploaded again, a
// new version uploaded by hand shows as a change back to the source.
func TestAccAttachmentResource_driftByPeople(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	page := newSeeder(t, site).page("DOCS", "Drift", "", "<p>x</p>")
	src := filepath.Join(t.TempDir(), "flow.png")
	data := pngBytes(t, 5)
	writeFile(t, src, data)
	editor, err := confluence.New(confluence.Config{BaseURL: site.URL(), Email: editorEmail, APIToken: editorToken})
	if err != nil {
		t.Fatal(err)
	}
	config := site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_attachment" "flow" {
  page_id = %q
  source  = %q
}
`, page.ID, src)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources["confluence_attachment.flow"].Primary.ID
					return nil
				},
			},
			{
				// A person uploads other bytes as a new version: the plan puts the source back.
				PreConfig: func() {
					other := filepath.Join(t.TempDir(), "flow.png")
					writeFile(t, other, []byte("hand-drawn"))
					sum, size, _ := confluence.HashFile(other)
					if _, err := editor.UpdateAttachmentData(context.Background(), page.ID, id, 1,
						confluence.AttachmentUpload{Filename: "flow.png", Comment: "by hand", Size: size, SHA256: sum, Open: confluence.OpenFile(other)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_attachment.flow", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					a, _ := attachmentByName(site, page.ID, "flow.png")
					if a.Version != 3 {
						return fmt.Errorf("flow.png at version %d, want 3 (the person's 2, then the source again)", a.Version)
					}
					return storedBytesAre(site, page.ID, "flow.png", data)
				},
			},
			{
				// Trashed by hand: refresh forgets it and the apply attaches the file again.
				PreConfig: func() {
					if err := editor.DeleteAttachment(context.Background(), id, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_attachment.flow", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error { return storedBytesAre(site, page.ID, "flow.png", data) },
			},
			{
				// A file of that name someone else attached is never taken over.
				PreConfig: func() {
					other := filepath.Join(t.TempDir(), "flow.png")
					writeFile(t, other, []byte("someone else's"))
					sum, size, _ := confluence.HashFile(other)
					if _, err := editor.CreateAttachment(context.Background(), page.ID,
						confluence.AttachmentUpload{Filename: "taken.png", Size: size, SHA256: sum, Open: confluence.OpenFile(other)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config + fmt.Sprintf(`
resource "confluence_attachment" "taken" {
  page_id  = %q
  source   = %q
  filename = "taken.png"
}
`, page.ID, src),
				ExpectError: regexp.MustCompile(`(?s)Attachment Already Exists.*terraform import`),
			},
		},
	})
}
