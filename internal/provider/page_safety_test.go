// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// The data-safety promises of the page lifecycle (first written as a
// reviewer's failing tests): never lose data, no silent overwrite of a
// person's edit, no duplicate or orphaned pages, and a state that never
// claims what Confluence does not hold.

// A page a person trashes is restored by the next apply (Confluence keeps
// the title reserved in the trash). Confluence restores without the content
// ("For restoration, page contents will not be updated", updatePage in the
// v2 document), so the configured content follows the restore as its own
// version, and the state holds what Confluence holds.
func TestAccPageSafety_restoredTrashedPageHoldsConfiguredContent(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>old text</p>"`),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil },
			},
			{
				// A person trashes the page; the configuration changes its text.
				PreConfig: func() {
					if err := admin.client.DeletePage(context.Background(), id, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:           pageConfig(site, `body = "<p>new text</p>"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: resource.ComposeTestCheckFunc(
					// Restored as version 2, the content written as version 3.
					resource.TestCheckResourceAttr("confluence_page.test", "version", "3"),
					func(s *terraform.State) error {
						snap, _ := site.emu.Page(id)
						if stateID(s, "confluence_page.test") != id {
							return fmt.Errorf("a new page was created instead of restoring %s", id)
						}
						if snap.Status != "current" || snap.Version != 3 || !strings.Contains(snap.Body, "new text") {
							return fmt.Errorf("page %s is %s v%d holding %q; want current v3 holding the configured text", id, snap.Status, snap.Version, snap.Body)
						}
						return nil
					},
				),
			},
		},
	})
}

// The restore's content update also moves the page under the configured
// parent and leaves exactly the configured labels: without it, a changed
// parent_id failed the apply with "Provider produced inconsistent result"
// and labels left on the trashed page stayed.
func TestAccPageSafety_restoredTrashedPageTakesConfiguredParentAndLabels(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	first := admin.page("DOCS", "Section one", "", "<p>1</p>")
	second := admin.page("DOCS", "Section two", "", "<p>2</p>")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>old</p>"`, fmt.Sprintf("parent_id = %q", first.ID), `labels = ["kept", "dropped"]`),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig: func() {
					if err := admin.client.DeletePage(context.Background(), id, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:           pageConfig(site, `body = "<p>new</p>"`, fmt.Sprintf("parent_id = %q", second.ID), `labels = ["kept", "added"]`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(s *terraform.State) error {
					snap, _ := site.emu.Page(id)
					if stateID(s, "confluence_page.test") != id {
						return fmt.Errorf("a new page was created instead of restoring %s", id)
					}
					labels := slices.Clone(snap.Labels)
					slices.Sort(labels)
					if snap.ParentID != second.ID || !strings.Contains(snap.Body, "new") || !slices.Equal(labels, []string{"added", "kept"}) {
						return fmt.Errorf("restored page %s is under %s with labels %v holding %q; want under %s with labels [added kept] holding the configured text",
							id, snap.ParentID, snap.Labels, snap.Body, second.ID)
					}
					return nil
				},
			},
		},
	})
}

// A create whose answer is lost on a site that lists new pages late: the
// lookup waits out the lag (bounded) and adopts the page instead of leaving
// it in Confluence and in no state.
func TestAccPageSafety_lostCreateAnswerWithListingLagAdoptsThePage(t *testing.T) {
	t.Parallel()
	site := newTestSiteWith(t, emulator.Options{PageLag: emulator.ReadLag{For: 2 * time.Second}})
	site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: `^/wiki/api/v2/pages$`, Kind: emulator.FaultDropAfterCommit})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           pageConfig(site, `body = "<p>New</p>"`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check:            onePage(site),
		}},
	})
	if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n != 1 {
		t.Errorf("POST /pages sent %d times, want 1: a create is never repeated", n)
	}
}

// deleteAfterEdit is a destroy planned for a page that a person then saves
// while the apply deletes it: just before the apply's request number n
// (counted from the plan) of method to the page.
func deleteAfterEdit(t *testing.T, onDestroy, method string, n int32) {
	site := newTestSite(t)
	var id string
	var countdown atomic.Int32
	emu := site.emu
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wiki/api/v2/pages/"+id && r.Method == method && r.URL.Query().Get("purge") != "true" && countdown.Add(-1) == 0 {
			site.humanEdit(t, id, "<p>Incident notes nobody has copied anywhere else.</p>")
		}
		emu.ServeHTTP(w, r)
	})
	config := site.providerBlock(adminEmail, adminToken) + fmt.Sprintf(`
resource "confluence_page" "test" {
  space_key  = "DOCS"
  title      = "Runbook"
  body       = "<p>Terraform text</p>"
  on_destroy = %q
}
`, onDestroy)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil },
			},
			{
				// The resource leaves the configuration; the plan is made
				// without the edit, and the apply must not delete it.
				PreConfig:   func() { countdown.Store(n) },
				Config:      site.providerBlock(adminEmail, adminToken),
				ExpectError: regexp.MustCompile(`(?s)Page Changed Since the Plan.*Erin\s+Editor.*plan again`),
			},
			{
				// Planned again, the destroy shows the edit (the refresh warns)
				// and goes ahead: the guard stops only edits no plan saw. (A
				// purge stopped after the trash left the page there, holding
				// the edit: the refresh drops it from the state, and nothing
				// purges it.)
				PreConfig: func() {
					if snap, ok := site.emu.Page(id); !ok || !strings.Contains(snap.Body, "Incident notes") {
						t.Errorf("the person's edit is gone before the second apply: %+v", snap)
					}
				},
				Config: site.providerBlock(adminEmail, adminToken),
				Check: func(*terraform.State) error {
					if snap, ok := site.emu.Page(id); !ok || snap.Status != "trashed" || !strings.Contains(snap.Body, "Incident notes") {
						return fmt.Errorf("after a plan that showed the edit, on_destroy = %s left the page %+v", onDestroy, snap)
					}
					return nil
				},
			},
		},
	})
}

// A purge planned before a person's edit must not destroy it for good.
func TestAccPageSafety_purgeRefusesAnEditMadeAfterThePlan(t *testing.T) {
	t.Parallel()
	// The edit lands between the apply's look at the page and its trash: the
	// look after the trash stops the purge.
	deleteAfterEdit(t, "purge", http.MethodDelete, 1)
}

// A trash planned before a person's edit must not hide it without anyone
// deciding.
func TestAccPageSafety_trashRefusesAnEditMadeAfterThePlan(t *testing.T) {
	t.Parallel()
	// The plan reads the page by id once (the policy's look at where it is),
	// the apply's delete once more: the edit lands between them.
	deleteAfterEdit(t, "trash", http.MethodGet, 2)
}

// A person moves the page to the trash after the plan, just before the
// apply's update. Confluence takes the update (status current, version N+1)
// as a restore that ignores the content: the apply fails instead of
// recording content Confluence does not hold, and the next apply writes it.
func TestAccPageSafety_updateOfAPageTrashedAfterThePlanFails(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var id string
	var armed atomic.Bool
	emu := site.emu
	editor := site.asAccount(t, editorEmail, editorToken)
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/wiki/api/v2/pages/"+id && armed.CompareAndSwap(true, false) {
			if err := editor.DeletePage(context.Background(), id, false); err != nil {
				t.Errorf("person trashing the page: %v", err)
			}
		}
		emu.ServeHTTP(w, r)
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>One</p>"`),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig:   func() { armed.Store(true) },
				Config:      pageConfig(site, `body = "<p>Two</p>"`),
				ExpectError: regexp.MustCompile(`(?s)Update Not Saved as Sent.*content differs.*trash`),
			},
			{
				// The failed apply recorded nothing: the next one sees the
				// version its update made and writes the configured content.
				Config:           pageConfig(site, `body = "<p>Two</p>"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(s *terraform.State) error {
					snap, _ := site.emu.Page(id)
					if snap.Status != "current" || snap.Version != 3 || !strings.Contains(snap.Body, "Two") || stateID(s, "confluence_page.test") != id {
						return fmt.Errorf("page %s is %s v%d holding %q; want current v3 holding Two", id, snap.Status, snap.Version, snap.Body)
					}
					return nil
				},
			},
		},
	})
}

// The same with the page trashed before the apply's first look at it: the
// update is refused before anything is sent, and the page stays in the
// trash.
func TestAccPageSafety_updateOfAPageTrashedBeforeTheApplyWritesNothing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var id string
	var armed atomic.Bool
	emu := site.emu
	editor := site.asAccount(t, editorEmail, editorToken)
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The plan reads the page from the space's listing; the apply looks
		// it up by id first.
		if r.Method == http.MethodGet && r.URL.Path == "/wiki/api/v2/pages/"+id && armed.CompareAndSwap(true, false) {
			if err := editor.DeletePage(context.Background(), id, false); err != nil {
				t.Errorf("person trashing the page: %v", err)
			}
		}
		emu.ServeHTTP(w, r)
	})
	var puts int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>One</p>"`),
				Check: func(s *terraform.State) error {
					id = stateID(s, "confluence_page.test")
					puts = site.emu.Count(http.MethodPut, "/wiki/api/v2/pages/{id}")
					return nil
				},
			},
			{
				PreConfig:   func() { armed.Store(true) },
				Config:      pageConfig(site, `body = "<p>Two</p>"`),
				ExpectError: regexp.MustCompile(`(?s)Page (Not Current|Trashed Since the Plan).*is\s+trashed\s+in\s+Confluence.*Nothing\s+was\s+written`),
			},
		},
	})
	if n := site.emu.Count(http.MethodPut, "/wiki/api/v2/pages/{id}") - puts; n != 0 {
		t.Errorf("the refused update sent %d PUTs, want none", n)
	}
	if snap, _ := site.emu.Page(id); snap.Status != "trashed" || snap.Version != 1 {
		t.Errorf("page %s is %s v%d, want it left in the trash at version 1", id, snap.Status, snap.Version)
	}
}

// parent_id naming a page in the trash fails the plan on parent_id, like a
// missing parent, and nothing is written.
func TestAccPageSafety_trashedParentFailsAtPlan(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	parent := admin.page("DOCS", "Old section", "", "<p>x</p>")
	if err := admin.client.DeletePage(context.Background(), parent.ID, false); err != nil {
		t.Fatal(err)
	}
	before := site.emu.Stats().Writes
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      pageConfig(site, `body = "<p>x</p>"`, fmt.Sprintf("parent_id = %q", parent.ID)),
			PlanOnly:    true,
			ExpectError: wrappedError(`Parent Page Not Current.*parent_id.*` + parent.ID + `.*trashed.*Restore it`),
		}},
	})
	if writes := site.emu.Stats().Writes - before; writes != 0 {
		t.Errorf("the failed plan sent %d writes, want none", writes)
	}
}

// The drift guide's way to keep a person's edit: copy it into the
// configuration (in any equivalent form) and the plan is empty. The state
// then holds their version and text, body_hash still what Terraform last
// wrote, and a later change of the configuration writes on top of their
// version.
func TestAccPageSafety_copyingAPersonsEditIntoConfigPlansNothing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var id, writtenHash string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>Deploy with care.</p>"`),
				Check: func(s *terraform.State) error {
					id = stateID(s, "confluence_page.test")
					writtenHash = s.RootModule().Resources["confluence_page.test"].Primary.Attributes["body_hash"]
					return nil
				},
			},
			{
				PreConfig: func() { site.humanEdit(t, id, "<p>Deploy with <strong>great</strong> care.</p>") },
				Config:    pageConfig(site, `body = "<p>Deploy with <b>great</b> care.</p>"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("confluence_page.test", "version", "2"),
					func(s *terraform.State) error {
						if got := s.RootModule().Resources["confluence_page.test"].Primary.Attributes["body_hash"]; got != writtenHash {
							return fmt.Errorf("body_hash = %s, want %s (what Terraform wrote): nothing was written", got, writtenHash)
						}
						if snap, _ := site.emu.Page(id); snap.Version != 2 || snap.LastEditorAccountID == botAccountID {
							return fmt.Errorf("page %s is at version %d by %s; want the person's version 2 untouched", id, snap.Version, snap.LastEditorAccountID)
						}
						return nil
					},
				),
			},
			{
				Config:           pageConfig(site, `body = "<p>Deploy with great care, twice.</p>"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check:            resource.TestCheckResourceAttr("confluence_page.test", "version", "3"),
			},
		},
	})
}

// The same for Markdown: the plan shows the markdown attribute change (the
// state held the person's storage text), but nothing is written, and the
// next plan is empty.
func TestAccPageSafety_copyingAPersonsEditIntoMarkdownWritesNothing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var id string
	var puts int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `markdown = "Deploy with care."`),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig: func() {
					site.humanEdit(t, id, "<p>Deploy with <strong>great</strong> care.</p>")
					puts = site.emu.Count(http.MethodPut, "/wiki/api/v2/pages/{id}")
				},
				Config:           pageConfig(site, `markdown = "Deploy with **great** care."`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(*terraform.State) error {
					if n := site.emu.Count(http.MethodPut, "/wiki/api/v2/pages/{id}") - puts; n != 0 {
						return fmt.Errorf("the apply sent %d page writes for a configuration that repeats the person's text, want none", n)
					}
					if snap, _ := site.emu.Page(id); snap.Version != 2 || snap.LastEditorAccountID == botAccountID {
						return fmt.Errorf("page %s is at version %d by %s; want the person's version 2 untouched", id, snap.Version, snap.LastEditorAccountID)
					}
					return nil
				},
			},
		},
	})
}
