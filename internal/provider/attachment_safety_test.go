// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// A person uploads a new version of the file after the plan, before the
// apply uploads Terraform's: the apply must leave their file current and say
// so, not upload on top of it (their file would survive only in the history,
// and Terraform would then report an "inconsistent result"). The person's
// upload lands just before the apply's first look at the attachment; the v1
// upload has no version precondition, so a person's upload between that look
// and the upload itself cannot be caught (see unchangedSincePlan).
func TestAccAttachmentResource_personsUploadAfterThePlanIsNotOverwritten(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	page := newSeeder(t, site).page("DOCS", "Architecture", "", "<p>Pictures</p>")
	src := filepath.Join(t.TempDir(), "diagram.png")
	writeFile(t, src, pngBytes(t, 1))
	theirs := pngBytes(t, 9)
	editor := site.asAccount(t, editorEmail, editorToken)
	var attID string
	var armed, afterPlan atomic.Bool
	emu := site.emu
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/child/attachment/"+attID+"/data") && afterPlan.Load() && !armed.Load() {
			if a, _ := attachmentByName(site, page.ID, "diagram.png"); bytes.Equal(a.Data, theirs) {
				t.Errorf("Terraform uploaded over the person's file (made after the plan): attachment %s version %d", attID, a.Version)
			}
		}
		if r.Method == http.MethodGet && r.URL.Path == "/wiki/api/v2/attachments/"+attID && armed.CompareAndSwap(true, false) {
			a, _ := attachmentByName(site, page.ID, "diagram.png")
			if _, err := editor.UpdateAttachmentData(context.Background(), page.ID, attID, a.Version, confluence.AttachmentUpload{
				Filename: "diagram.png", MediaType: "image/png", Comment: "fixed the arrows", Size: int64(len(theirs)), SHA256: sha256Hex(theirs),
				Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(theirs)), nil },
			}); err != nil {
				t.Errorf("person uploading: %v", err)
			}
		}
		emu.ServeHTTP(w, r)
	})
	config := site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_attachment" "png" {
  page_id = %q
  source  = %q
}
`, page.ID, src)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) error { attID = stateID(s, "confluence_attachment.png"); return nil },
			},
			{
				PreConfig:   func() { writeFile(t, src, pngBytes(t, 2)); armed.Store(true); afterPlan.Store(true) },
				Config:      config,
				ExpectError: regexp.MustCompile(`Attachment Changed Since the Plan(.|\n)*is at version 2, but\s+the\s+plan\s+was\s+made\s+against\s+version\s+1`),
			},
			{
				// Their file is still current, and the next plan shows the
				// upload over it for someone to review.
				PreConfig: func() {
					afterPlan.Store(false)
					if a, _ := attachmentByName(site, page.ID, "diagram.png"); !bytes.Equal(a.Data, theirs) || a.Version != 2 {
						t.Errorf("the person's upload should stay current at version 2; attachment %s is at version %d (theirs: %t)", attID, a.Version, bytes.Equal(a.Data, theirs))
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_attachment.png", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("confluence_attachment.png", tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
				}},
			},
		},
	})
}
