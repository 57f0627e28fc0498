// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

const (
	uploadRoute = "/wiki/rest/api/content/{id}/child/attachment"
	dataRoute   = "/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/data"
)

func pngBytes(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 9, 9))
	for i := range 9 {
		img.Set(i, i, color.RGBA{R: shade, G: 0x80, B: uint8(i), A: 0xff})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pdfBytes() []byte {
	b := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\r\n")
	for i := range 256 {
		b = append(b, byte(i))
	}
	return append(b, "\n%%EOF\n"...)
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// attachmentByName returns the page's current attachment with the name.
func attachmentByName(site *testSite, pageID, name string) (emulator.AttachmentSnapshot, bool) {
	for _, a := range site.emu.Attachments(pageID) {
		if a.Title == name && a.Status == "current" {
			return a, true
		}
	}
	return emulator.AttachmentSnapshot{}, false
}

func storedBytesAre(site *testSite, pageID, name string, want []byte) error {
	a, ok := attachmentByName(site, pageID, name)
	if !ok {
		return fmt.Errorf("page %s has no current attachment %q: %+v", pageID, name, site.emu.Attachments(pageID))
	}
	if !bytes.Equal(a.Data, want) {
		return fmt.Errorf("%s: stored %d bytes that differ from the %d in the source", name, len(a.Data), len(want))
	}
	return nil
}

func TestAccAttachmentResource_lifecycle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	page := newSeeder(t, site).page("DOCS", "Architecture", "", "<p>Pictures</p>")
	dir := t.TempDir()
	files := map[string][]byte{"diagram.png": pngBytes(t, 1), "logo.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="2"/></svg>`), "spec.pdf": pdfBytes()}
	for name, data := range files {
		writeFile(t, filepath.Join(dir, name), data)
	}
	changedPNG := pngBytes(t, 2)
	config := func(pngName string) string {
		filename := ""
		if pngName != "" {
			filename = fmt.Sprintf("filename = %q", pngName)
		}
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_attachment" "png" {
  page_id = %[1]q
  source  = %[2]q
  comment = "Architecture overview"
  %[5]s
}
resource "confluence_attachment" "svg" {
  page_id = %[1]q
  source  = %[3]q
}
resource "confluence_attachment" "pdf" {
  page_id    = %[1]q
  source     = %[4]q
  on_destroy = "retain"
}
`, page.ID, filepath.Join(dir, "diagram.png"), filepath.Join(dir, "logo.svg"), filepath.Join(dir, "spec.pdf"), filename)
	}
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("sha256"), knownvalue.StringExact(sha256Hex(files["diagram.png"]))),
						plancheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("filename"), knownvalue.StringExact("diagram.png")),
						plancheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^att[0-9]+$`))),
					statecheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("size"), knownvalue.Int64Exact(int64(len(files["diagram.png"])))),
					statecheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("media_type"), knownvalue.StringExact("image/png")),
					statecheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("comment"), knownvalue.StringExact("Architecture overview")),
					statecheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("download_url"), knownvalue.StringRegexp(regexp.MustCompile(`/wiki/download/attachments/`+page.ID+`/diagram\.png\?`))),
					statecheck.ExpectKnownValue("confluence_attachment.svg", tfjsonpath.New("media_type"), knownvalue.StringExact("image/svg+xml")),
					statecheck.ExpectKnownValue("confluence_attachment.pdf", tfjsonpath.New("media_type"), knownvalue.StringExact("application/pdf")),
				},
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources["confluence_attachment.png"].Primary.ID
					for name, data := range files {
						if err := storedBytesAre(site, page.ID, name, data); err != nil {
							return err
						}
					}
					// The content never enters the state.
					for _, rs := range s.RootModule().Resources {
						for k, v := range rs.Primary.Attributes {
							if len(v) > 200 && k != "download_url" {
								return fmt.Errorf("state attribute %s holds %d characters", k, len(v))
							}
						}
					}
					return auditHas(site, page.ID, "diagram.png", "create")
				},
			},
			{
				// Unchanged: nothing uploaded, nothing written, one list for the page.
				PreConfig:        func() { site.emu.ResetStats() },
				Config:           config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					st := site.emu.Stats()
					if st.Writes != 0 || st.UploadedBytes != 0 {
						return fmt.Errorf("an unchanged apply wrote %d times and uploaded %d bytes: %v", st.Writes, st.UploadedBytes, st.ByRoute)
					}
					return nil
				},
			},
			{
				// Moving the file to another folder without changing it uploads nothing either.
				PreConfig: func() {
					site.emu.ResetStats()
					if err := os.Mkdir(filepath.Join(dir, "moved"), 0o700); err != nil {
						t.Fatal(err)
					}
					if err := os.Rename(filepath.Join(dir, "spec.pdf"), filepath.Join(dir, "moved", "spec.pdf")); err != nil {
						t.Fatal(err)
					}
				},
				Config: strings.Replace(config(""), filepath.Join(dir, "spec.pdf"), filepath.Join(dir, "moved", "spec.pdf"), 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_attachment.pdf", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if st := site.emu.Stats(); st.Writes != 0 {
						return fmt.Errorf("moving the source wrote %d times: %v", st.Writes, st.ByRoute)
					}
					return nil
				},
			},
			{
				// A changed image uploads exactly one new version, and only that.
				PreConfig: func() {
					_ = os.Rename(filepath.Join(dir, "moved", "spec.pdf"), filepath.Join(dir, "spec.pdf"))
					writeFile(t, filepath.Join(dir, "diagram.png"), changedPNG)
					site.emu.ResetStats()
				},
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("confluence_attachment.png", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("confluence_attachment.pdf", plancheck.ResourceActionUpdate), // the source path moves back
						plancheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
						plancheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("sha256"), knownvalue.StringExact(sha256Hex(changedPNG))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					st := site.emu.Stats()
					if n := st.ByRoute["POST "+dataRoute]; n != 1 || st.ByRoute["POST "+uploadRoute] != 0 {
						return fmt.Errorf("new-version uploads %d, creates %d; want 1 and 0", n, st.ByRoute["POST "+uploadRoute])
					}
					if st.UploadedBytes != int64(len(changedPNG)) {
						return fmt.Errorf("uploaded %d bytes, want %d", st.UploadedBytes, len(changedPNG))
					}
					a, _ := attachmentByName(site, page.ID, "diagram.png")
					if a.ID != firstID || a.Version != 2 {
						return fmt.Errorf("diagram.png is %s version %d, want %s version 2", a.ID, a.Version, firstID)
					}
					if err := auditHas(site, page.ID, "diagram.png", "update"); err != nil {
						return err
					}
					return storedBytesAre(site, page.ID, "diagram.png", changedPNG)
				},
			},
			{
				// A new file name is a new attachment; the old one goes to the trash.
				PreConfig: func() { site.emu.ResetStats() },
				Config:    config("architecture.png"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_attachment.png", plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if _, ok := attachmentByName(site, page.ID, "diagram.png"); ok {
						return fmt.Errorf("diagram.png is still current after the rename")
					}
					if st := site.emu.Stats(); st.ByRoute["POST "+uploadRoute] != 1 || st.ByRoute["DELETE /wiki/api/v2/attachments/{id}"] != 1 {
						return fmt.Errorf("rename sent %v", st.ByRoute)
					}
					return storedBytesAre(site, page.ID, "architecture.png", changedPNG)
				},
			},
			{
				ResourceName:            "confluence_attachment.png",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"source", "on_destroy", "policy_decision", "confirmation_code"},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			for _, a := range site.emu.Attachments(page.ID) {
				if a.Status == "current" && a.Title != "spec.pdf" {
					return fmt.Errorf("%s is still current after destroy", a.Title)
				}
			}
			if _, ok := attachmentByName(site, page.ID, "spec.pdf"); !ok {
				return fmt.Errorf("spec.pdf (on_destroy = retain) was removed")
			}
			return nil
		},
	})
}

// auditHas checks the page's terraform.attachments record for a file.
func auditHas(site *testSite, pageID, filename, operation string) error {
	snap, _ := site.emu.Page(pageID)
	raw, ok := snap.Properties[attachmentAuditKey]
	if !ok {
		return fmt.Errorf("page %s has no %s property", pageID, attachmentAuditKey)
	}
	var entries map[string]attachmentAuditRecord
	if err := json.Unmarshal(raw, &entries); err != nil {
		return err
	}
	rec, ok := entries[filename]
	if !ok || rec.Operation != operation || rec.SHA256 == "" || rec.AttachmentID == "" || rec.Decision == "" || rec.AccountID == "" {
		return fmt.Errorf("audit record of %s = %+v (ok %v), want operation %s", filename, rec, ok, operation)
	}
	return nil
}

func TestAccAttachmentResource_missingSourceFailsThePlanWithoutRequests(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { site.emu.ResetStats() },
			Config: site.providerBlock(botEmail, botToken) + `
resource "confluence_attachment" "missing" {
  page_id = "65539"
  source  = "` + filepath.Join(t.TempDir(), "img", "nope.png") + `"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Attachment Source Not Found.*with confluence_attachment.missing.*source.*nope\.png`),
		}},
	})
	if st := site.emu.Stats(); st.Total != 0 {
		t.Fatalf("a missing source sent %d requests: %v", st.Total, st.ByRoute)
	}
}

// An attachment on a page created in the same configuration: the page id is
// known only at apply, so the apply decides the policy.
func TestAccAttachmentResource_onNewPage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	src := filepath.Join(t.TempDir(), "pixel.png")
	data := pngBytes(t, 9)
	writeFile(t, src, data)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "doc" {
  space_key = "DOCS"
  title     = "With image"
  body      = "<p><ac:image><ri:attachment ri:filename=\"pixel.png\"/></ac:image></p>"
}
resource "confluence_attachment" "pixel" {
  page_id = confluence_page.doc.id
  source  = "` + src + `"
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectUnknownValue("confluence_attachment.pixel", tfjsonpath.New("policy_decision"))},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("confluence_attachment.pixel", tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
			},
			Check: func(s *terraform.State) error {
				return storedBytesAre(site, s.RootModule().Resources["confluence_page.doc"].Primary.ID, "pixel.png", data)
			},
		}},
	})
}

func TestAccAttachmentResource_policy(t *testing.T) {
	site := newTestSite(t)
	seed := newSeeder(t, site)
	page := seed.page("DOCS", "Gated", "", "<p>x</p>")
	seed.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Denied}, "DOCS")
	src := filepath.Join(t.TempDir(), "chart.svg")
	writeFile(t, src, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_attachment" "chart" {
  page_id = %q
  source  = %q
}
`, page.ID, src)
	var code string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { site.emu.ResetStats() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("confluence_attachment.chart", tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed_with_confirmation")),
					capturePlanned{address: "confluence_attachment.chart", attribute: "confirmation_code", into: &code},
				}},
				ExpectError: regexp.MustCompile(`(?s)Confirmation Code Not Granted.*update_page-[0-9a-f]{10}.*Nothing was\s+written`),
			},
			{
				PreConfig: func() {
					if n := site.emu.Stats().UploadedBytes; n != 0 {
						t.Fatalf("an unconfirmed upload sent %d bytes", n)
					}
					t.Setenv(envConfirmations, code)
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_attachment.chart", tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed_with_confirmation")),
					statecheck.ExpectKnownValue("confluence_attachment.chart", tfjsonpath.New("confirmation_code"), knownvalue.StringRegexp(regexp.MustCompile(`^update_page-`))),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// Changing the file changes the code: the granted one does not unlock it.
				PreConfig:   func() { writeFile(t, src, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`)) },
				Config:      config,
				ExpectError: regexp.MustCompile(`Confirmation Code Not Granted`),
			},
			{
				// Back to the confirmed content; switching on_destroy alone sends
				// nothing and needs no code, and the retained file needs none to destroy.
				PreConfig: func() {
					writeFile(t, src, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
					site.emu.ResetStats()
				},
				Config:           strings.Replace(config, `source  =`, `on_destroy = "retain"`+"\n  source  =", 1),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(*terraform.State) error {
					if st := site.emu.Stats(); st.Writes != 0 {
						return fmt.Errorf("switching on_destroy wrote: %v", st.ByRoute)
					}
					return nil
				},
			},
		},
	})
}

func TestAccAttachmentResource_deniedFailsThePlan(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	seed := newSeeder(t, site)
	page := seed.page("DOCS", "Locked", "", "<p>x</p>")
	seed.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.UpdatePage: policy.Denied}, "DOCS")
	src := filepath.Join(t.TempDir(), "x.pdf")
	writeFile(t, src, pdfBytes())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { site.emu.ResetStats() },
			Config: site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_attachment" "x" {
  page_id = %q
  source  = %q
}
`, page.ID, src),
			ExpectError: regexp.MustCompile(`(?s)Operation Denied by Confluence Policy.*update_page on page "Locked" \(id ` + page.ID + `\)`),
		}},
	})
	if st := site.emu.Stats(); st.Writes != 0 || len(site.emu.Attachments(page.ID)) != 0 {
		t.Fatalf("a denied upload wrote: %v", st.ByRoute)
	}
}

func TestAccAttachmentResource_invalidFilenameFailsThePlanWithoutRequests(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	src := filepath.Join(t.TempDir(), "x.png")
	writeFile(t, src, []byte("x"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { site.emu.ResetStats() },
			Config: site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_attachment" "bad" {
  page_id  = "65539"
  source   = %q
  filename = "img/x.png"
}
`, src),
			ExpectError: regexp.MustCompile(`(?s)Invalid Attachment Filename.*confluence_attachment.bad.*filename.*path separator`),
		}},
	})
	if st := site.emu.Stats(); st.Total != 0 {
		t.Fatalf("an invalid filename sent %d requests: %v", st.Total, st.ByRoute)
	}
}
