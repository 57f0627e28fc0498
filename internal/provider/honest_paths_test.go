// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

// Honest runs that the governed reads and sealed private state must keep
// working (from the review of this change): a bot whose get_page is denied
// still refreshes the order of its pages under a person's section page and
// sees a person's changes to files and properties of its own pages; a
// destroy whose plan cannot be verified after a token rotation stops and
// says so.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// The docs-tree module's default (keep_order = true, parent_id set) orders
// the top pages under a parent page a person created. With get_page denied
// in the space (the bot may only write, not read others' pages), the bot's
// own pages refresh, but the page order's refresh of the person's parent is
// refused on every plan after the first apply.
func TestAccHonest_pageOrderUnderPersonsParentWithGetPageDenied(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	root := admin.page("DOCS", "Engineering docs", "", "<p>root, written by a person</p>")
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_page" "a" {
  space_key = "DOCS"
  parent_id = "` + root.ID + `"
  title     = "A"
  body      = "<p>a</p>"
}
resource "confluence_page" "b" {
  space_key = "DOCS"
  parent_id = "` + root.ID + `"
  title     = "B"
  body      = "<p>b</p>"
}
resource "confluence_page_order" "top" {
  parent_id = "` + root.ID + `"
  page_ids  = [confluence_page.b.id, confluence_page.a.id]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// get_page denied (the bot writes but does not read others' pages). The bot
// creates a page and uploads a diagram to it; a person uploads a corrected
// diagram. The page resource refreshes a person's edit of the bot's own page
// (its terraform.change proves it), so the attachment on that same page
// should refresh too and plan the upload back, not fail every plan.
func TestAccHonest_personsUploadOnOwnPageWithGetPageDenied(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	src := filepath.Join(t.TempDir(), "diagram.png")
	writeFile(t, src, pngBytes(t, 1))
	theirs := pngBytes(t, 9)
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "arch" {
  space_key = "DOCS"
  title     = "Architecture"
  body      = "<p>Pictures</p>"
}
resource "confluence_attachment" "png" {
  page_id = confluence_page.arch.id
  source  = %q
}
`, src)
	var pageID, attID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					attID = stateID(s, "confluence_attachment.png")
					pageID = s.RootModule().Resources["confluence_page.arch"].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					a, _ := attachmentByName(site, pageID, "diagram.png")
					if _, err := site.asAccount(t, editorEmail, editorToken).UpdateAttachmentData(context.Background(), pageID, attID, a.Version, confluence.AttachmentUpload{
						Filename: "diagram.png", MediaType: "image/png", Comment: "fixed the arrows", Size: int64(len(theirs)), SHA256: sha256Hex(theirs),
						Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(theirs)), nil },
					}); err != nil {
						t.Fatalf("person uploading: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_attachment.png", plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// get_page denied; a person changes a content property the bot manages on
// the bot's own page. The next plan should show the drift and write the
// configured value back, as the page resource does for a person's edit.
func TestAccHonest_personsPropertyEditOnOwnPageWithGetPageDenied(t *testing.T) {
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_page" "svc" {
  space_key = "DOCS"
  title     = "Service"
  body      = "<p>svc</p>"
}
resource "confluence_content_property" "owner" {
  page_id = confluence_page.svc.id
  key     = "service.owner"
  value   = jsonencode({ team = "platform" })
}
`
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config, Check: func(s *terraform.State) error {
				pageID = s.RootModule().Resources["confluence_page.svc"].Primary.ID
				return nil
			}},
			{
				PreConfig: func() {
					if _, err := site.asAccount(t, editorEmail, editorToken).PutPageProperty(context.Background(), pageID, "service.owner", map[string]string{"team": "docs"}); err != nil {
						t.Fatalf("person editing the property: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_content_property.owner", plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// rotateBotToken replaces the bot's API token in Confluence and in the
// pipeline's environment, as a scheduled rotation between a saved plan and
// its apply does.
type rotateBotToken struct {
	t    *testing.T
	site *testSite
}

func (r rotateBotToken) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	r.site.emu.AddAccount(emulator.Account{AccountID: demoAccountID(botEmail), Email: botEmail, Token: "bot-token-rotated", DisplayName: "Docs Bot"})
	r.t.Setenv(envAPIToken, "bot-token-rotated")
}

// A page edited by a person is removed from the configuration; the plan
// warns that the destroy includes the edit; the token is rotated before the
// apply. The apply should delete what the plan showed (or at worst fall back
// without blaming an edit "after the plan").
func TestAccHonest_destroyAfterEditWithTokenRotatedBeforeApply(t *testing.T) {
	site := newTestSite(t)
	t.Setenv(envURL, site.URL())
	t.Setenv(envEmail, botEmail)
	t.Setenv(envAPIToken, botToken)
	provider := `
provider "confluence" {
  max_retries = 1
}
`
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: provider + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Rotated"
  body      = "<p>v1</p>"
}
`,
				Check: resource.TestCheckResourceAttrWith("confluence_page.p", "id", func(v string) error { pageID = v; return nil }),
			},
			{
				PreConfig: func() { site.humanEdit(t, pageID, "<p>a person's edit</p>") },
				Config:    provider,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{rotateBotToken{t: t, site: site}},
				},
				// The plan's record of the version it deletes was sealed with
				// the old token: the apply cannot tell it from a forged one,
				// so it stops, says why, and deletes nothing.
				ExpectError: regexp.MustCompile(`Destroy Plan Not Verified(.|\n)*rotated\s+since\s+the\s+plan`),
			},
			{
				// Nothing was deleted; a new plan with the current token
				// deletes the page with the edit it shows.
				PreConfig: func() {
					if snap, ok := site.emu.Page(pageID); !ok || snap.Status != "current" {
						t.Errorf("page %s should be untouched after the refused destroy, is %q", pageID, snap.Status)
					}
				},
				Config: provider,
				Check: func(*terraform.State) error {
					if snap, _ := site.emu.Page(pageID); snap.Status != "trashed" {
						return fmt.Errorf("page %s should be in the trash after the new plan's apply, is %q", pageID, snap.Status)
					}
					return nil
				},
			},
		},
	})
}
