// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// The fault matrix: each row arms one fault for one apply of three pages
// with labels, then lets the next apply run on a healthy site. Whatever the
// fault, afterwards there are no duplicate pages, no orphans (pages in
// Confluence that no state holds), the state says what Confluence holds,
// and the next plan is empty. Rows that must fail say how.

const faultPages = 3

func faultConfig(site *testSite, body string) string {
	return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page" "p" {
  count     = %d
  space_key = "DOCS"
  title     = "Fault k${count.index}"
  body      = "<p>%s k${count.index}</p>"
  labels    = ["fault", "k${count.index}"]
}
`, faultPages, body)
}

// siteMatchesState asserts the invariants of the matrix.
func siteMatchesState(t *testing.T, site *testSite, body string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		admin := newSeeder(t, site)
		pages, err := admin.client.ListPages(context.Background(), confluence.ListPagesOptions{SpaceIDs: []string{admin.spaceID("DOCS")}, Statuses: []string{"current", "trashed"}})
		if err != nil {
			return err
		}
		byTitle := map[string][]confluence.Page{}
		for _, p := range pages {
			if strings.HasPrefix(p.Title, "Fault ") {
				byTitle[p.Title] = append(byTitle[p.Title], p)
			}
		}
		if len(byTitle) != faultPages {
			return fmt.Errorf("%d fault pages in Confluence, want %d (orphans or missing pages): %v", len(byTitle), faultPages, byTitle)
		}
		for i := range faultPages {
			key := fmt.Sprintf("k%d", i)
			found := byTitle["Fault "+key]
			if len(found) != 1 {
				return fmt.Errorf("%d pages titled %q, want exactly one", len(found), "Fault "+key)
			}
			rs, ok := s.RootModule().Resources[fmt.Sprintf("confluence_page.p.%d", i)]
			if !ok {
				return fmt.Errorf("page %s is in Confluence but not in state (an orphan)", found[0].ID)
			}
			snap, _ := site.emu.Page(found[0].ID)
			if rs.Primary.ID != snap.ID || rs.Primary.Attributes["version"] != fmt.Sprint(snap.Version) || snap.Status != "current" {
				return fmt.Errorf("state %s v%s, Confluence %s v%d %s", rs.Primary.ID, rs.Primary.Attributes["version"], snap.ID, snap.Version, snap.Status)
			}
			if !strings.Contains(snap.Body, body+" "+key) {
				return fmt.Errorf("page %s holds %q, want %q", snap.ID, snap.Body, body+" "+key)
			}
			if len(snap.Labels) != 2 {
				return fmt.Errorf("page %s has labels %v, want fault and %s", snap.ID, snap.Labels, key)
			}
		}
		return nil
	}
}

func TestAccFaultMatrix(t *testing.T) {
	t.Parallel()
	pagePath, pagesPath := `^/wiki/api/v2/pages/[0-9]+$`, `^/wiki/api/v2/pages$`
	propsPath, labelsPath := `^/wiki/api/v2/pages/[0-9]+/properties(/[0-9]+)?$`, `^/wiki/rest/api/content/[0-9]+/label$`
	rows := []struct {
		name    string
		create  bool // the fault hits the create (step 1) instead of an update
		fault   emulator.Fault
		wantErr string // the faulty apply fails with this, or succeeds when ""
	}{
		{name: "create: 503 before", create: true, fault: emulator.Fault{Method: http.MethodPost, Path: pagesPath, Kind: emulator.Fault503}, wantErr: `Unable to Create Page|503`},
		{name: "create: 500 before", create: true, fault: emulator.Fault{Method: http.MethodPost, Path: pagesPath, Kind: emulator.Fault500Before}, wantErr: `Unable to Create Page`},
		{name: "create: connection dropped after commit", create: true, fault: emulator.Fault{Method: http.MethodPost, Path: pagesPath, Kind: emulator.FaultDropAfterCommit}},
		{name: "create: 502 after commit", create: true, fault: emulator.Fault{Method: http.MethodPost, Path: pagesPath, Kind: emulator.Fault502AfterCommit}},
		{name: "create: label write dropped after commit", create: true, fault: emulator.Fault{Method: http.MethodPost, Path: labelsPath, Kind: emulator.FaultDropAfterCommit}},
		{name: "create: property write dropped after commit", create: true, fault: emulator.Fault{Method: http.MethodPost, Path: propsPath, Kind: emulator.FaultDropAfterCommit}},
		{name: "update: 503 before", fault: emulator.Fault{Method: http.MethodPut, Path: pagePath, Kind: emulator.Fault503}},
		{name: "update: 500 before", fault: emulator.Fault{Method: http.MethodPut, Path: pagePath, Kind: emulator.Fault500Before}, wantErr: `Unable to Update Page`},
		{name: "update: connection dropped after commit", fault: emulator.Fault{Method: http.MethodPut, Path: pagePath, Kind: emulator.FaultDropAfterCommit}},
		{name: "update: 504 after commit", fault: emulator.Fault{Method: http.MethodPut, Path: pagePath, Kind: emulator.Fault504AfterCommit}},
		{name: "update: property write dropped after commit", fault: emulator.Fault{Method: http.MethodPut, Path: propsPath, Kind: emulator.FaultDropAfterCommit}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			site := newTestSite(t)
			arm := func() { site.emu.InjectFault(row.fault) }
			var expectErr *regexp.Regexp
			if row.wantErr != "" {
				expectErr = regexp.MustCompile(row.wantErr)
			}
			first := resource.TestStep{Config: faultConfig(site, "one"), Check: siteMatchesState(t, site, "one")}
			steps := []resource.TestStep{}
			if row.create {
				steps = append(steps,
					resource.TestStep{PreConfig: arm, Config: faultConfig(site, "one"), ExpectError: expectErr},
				)
				if expectErr != nil {
					// The failed apply is followed by a healthy one that converges.
					steps = append(steps, first)
				} else {
					steps[0].Check = siteMatchesState(t, site, "one")
					steps[0].ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
				}
			} else {
				steps = append(steps, first,
					resource.TestStep{PreConfig: arm, Config: faultConfig(site, "two"), ExpectError: expectErr},
				)
				if expectErr == nil {
					steps[1].Check = siteMatchesState(t, site, "two")
					steps[1].ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
				}
			}
			// Whatever happened, a healthy apply converges and the next plan is empty.
			steps = append(steps, resource.TestStep{
				PreConfig:        site.emu.ClearFaults,
				Config:           faultConfig(site, "two"),
				Check:            siteMatchesState(t, site, "two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			})
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories(), Steps: steps})
		})
	}
}

// A lost answer to an update whose read-back fails too: the next refresh
// recognises the provider's own write instead of blaming a person, and
// writes no redundant version.
func TestAccFaultUnrecordedOwnWrite(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: pageConfig(site, `body = "<p>One</p>"`), Check: func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil }},
			{
				PreConfig: func() {
					site.emu.InjectFault(emulator.Fault{Method: http.MethodPut, Path: `^/wiki/api/v2/pages/[0-9]+$`, Kind: emulator.Fault502AfterCommit})
					// The apply first asks where the page is (one GET), then reads
					// the write back: that read fails.
					site.emu.InjectFault(emulator.Fault{Method: http.MethodGet, Path: `^/wiki/api/v2/pages/[0-9]+$`, Kind: emulator.Fault500Before, Skip: 1, Times: 100})
				},
				Config:      pageConfig(site, `body = "<p>Two</p>"`),
				ExpectError: regexp.MustCompile(`Unable to Update Page`),
			},
			{
				PreConfig: site.emu.ClearFaults,
				Config:    pageConfig(site, `body = "<p>Two</p>"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	if n := len(site.emu.PageVersions(id)); n != 2 {
		t.Fatalf("%d versions, want 2: the lost write was not repeated", n)
	}
}

// Two workspaces with the same page, as the same bot: the second does not
// take over the first one's page (its terraform.change record proves someone
// else wrote it); it fails with the import hint, and the page is untouched.
func TestAccFaultTwoWorkspacesOneTitle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := pageConfig(site, `body = "<p>same text</p>"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: config,
			PostApplyFunc: func() {
				// The second workspace: its own (empty) state, the same page.
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6ProviderFactories(),
					Steps: []resource.TestStep{{
						Config:      config,
						ExpectError: regexp.MustCompile(`(?s)Page Already Exists.*terraform import`),
					}},
				})
			},
		}},
	})
}

// A trashed page cannot be imported as it is; the error says exactly what
// to do instead of "Cannot import non-existent remote object".
func TestAccFaultImportOfATrashedPage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	p := admin.page("DOCS", "Binned", "", "<p>x</p>")
	if err := admin.client.DeletePage(context.Background(), p.ID, false); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: pageConfig(site, `body = "<p>x</p>"`) + fmt.Sprintf(`
import {
  to = confluence_page.test
  id = %q
}
`, p.ID),
			ExpectError: wrappedError(`Page Not Current.*trashed.*restore it in Confluence`),
		}},
	})
}

// More rows of the fault matrix, each ending with no duplicate, no orphan,
// state equal to Confluence and an empty next plan.
func TestAccFaultOutOfBand(t *testing.T) {
	t.Parallel()
	t.Run("page purged", func(t *testing.T) {
		t.Parallel()
		site := newTestSite(t)
		admin := newSeeder(t, site)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			Steps: []resource.TestStep{
				{Config: faultConfig(site, "one")},
				{
					// Someone trashes and purges one page: the next apply creates it again.
					PreConfig: func() {
						snap, _ := site.emu.PageByTitle("DOCS", "Fault k1")
						for _, purge := range []bool{false, true} {
							if err := admin.client.DeletePage(context.Background(), snap.ID, purge); err != nil {
								t.Fatal(err)
							}
						}
					},
					Config:           faultConfig(site, "one"),
					Check:            siteMatchesState(t, site, "one"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
			},
		})
	})
	t.Run("page trashed", func(t *testing.T) {
		t.Parallel()
		site := newTestSite(t)
		admin := newSeeder(t, site)
		var trashed trashedPageRef
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			Steps: []resource.TestStep{
				{Config: faultConfig(site, "one")},
				{
					// Someone trashes a page: the title stays reserved in the trash,
					// and the next apply restores that very page (this account wrote
					// it) instead of failing on the title.
					PreConfig: func() {
						snap, _ := site.emu.PageByTitle("DOCS", "Fault k0")
						trashed = trashedPageRef{ID: snap.ID, Version: snap.Version}
						if err := admin.client.DeletePage(context.Background(), snap.ID, false); err != nil {
							t.Fatal(err)
						}
					},
					Config: faultConfig(site, "one"),
					Check: func(s *terraform.State) error {
						snap, _ := site.emu.Page(trashed.ID)
						// The restore (status only) and then the configured content.
						if snap.Status != "current" || snap.Version != trashed.Version+2 {
							return fmt.Errorf("the trashed page was not restored and rewritten as its next two versions: %+v", snap)
						}
						return siteMatchesState(t, site, "one")(s)
					},
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
			},
		})
	})
	t.Run("page moved to another parent", func(t *testing.T) {
		t.Parallel()
		site := newTestSite(t)
		admin := newSeeder(t, site)
		elsewhere := admin.page("DOCS", "Somewhere else", "", "<p>x</p>")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			Steps: []resource.TestStep{
				{Config: faultConfig(site, "one")},
				{
					// A person moves a page; the plan shows it and the apply moves it back.
					PreConfig: func() {
						snap, _ := site.emu.PageByTitle("DOCS", "Fault k2")
						if _, err := admin.client.UpdatePage(context.Background(), confluence.UpdatePageRequest{
							ID: snap.ID, Status: "current", Title: snap.Title, ParentID: elsewhere.ID, Body: snap.Body, VersionNumber: snap.Version + 1,
						}); err != nil {
							t.Fatal(err)
						}
					},
					Config: faultConfig(site, "one"),
					Check: func(s *terraform.State) error {
						snap, _ := site.emu.PageByTitle("DOCS", "Fault k2")
						if snap.ParentID == elsewhere.ID {
							return fmt.Errorf("the page was not moved back under its configured parent")
						}
						return siteMatchesState(t, site, "one")(s)
					},
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
			},
		})
	})
	t.Run("slow site beyond request_timeout", func(t *testing.T) {
		t.Parallel()
		site := newTestSite(t)
		slow := func() string {
			return strings.Replace(faultConfig(site, "one"), "max_retries = 1", "max_retries = 0\n  request_timeout = \"1s\"", 1)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			Steps: []resource.TestStep{
				{
					PreConfig:   func() { site.emu.SetLatency(1500 * time.Millisecond) },
					Config:      slow(),
					ExpectError: regexp.MustCompile(`(?s)deadline|timeout|Timeout|timed out`),
				},
				{
					PreConfig:        func() { site.emu.SetLatency(0) },
					Config:           slow(),
					Check:            siteMatchesState(t, site, "one"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				},
			},
		})
	})
}

// A 50-page apply that fails half way: the re-apply completes it with no
// duplicate and no orphan.
func TestAccFaultPartialFailureInALargeApply(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "p" {
  count     = 50
  space_key = "DOCS"
  title     = "Bulk ${count.index}"
  body      = "<p>bulk ${count.index}</p>"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: `^/wiki/api/v2/pages$`, Kind: emulator.Fault500Before, Skip: 25})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`Unable to Create Page`),
			},
			{
				PreConfig:        site.emu.ClearFaults,
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					for i := range 50 {
						snap, ok := site.emu.PageByTitle("DOCS", fmt.Sprintf("Bulk %d", i))
						rs, inState := s.RootModule().Resources[fmt.Sprintf("confluence_page.p.%d", i)]
						if !ok || !inState || rs.Primary.ID != snap.ID {
							return fmt.Errorf("page Bulk %d: in Confluence %t, in state %t", i, ok, inState)
						}
					}
					if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n != 51 {
						return fmt.Errorf("%d creates sent, want 50 and the one refused", n)
					}
					return nil
				},
			},
		},
	})
}

// A label write refused after the page was written: an update's state
// records only the labels Confluence holds, and the next apply writes the
// missing ones.
func TestAccFaultLabelWriteRefused(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	labelsPath := `^/wiki/rest/api/content/[0-9]+/label$`
	labels := func(names ...string) statecheck.StateCheck {
		elems := make([]knownvalue.Check, len(names))
		for i, n := range names {
			elems[i] = knownvalue.StringExact(n)
		}
		return statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("labels"), knownvalue.SetExact(elems))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// Create: the page is kept (a warning, not a tainted page); the
				// refresh after it reads the labels back and plans the missing one.
				PreConfig: func() {
					site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: labelsPath, Kind: emulator.Fault500Before, Times: 5})
				},
				Config:             pageConfig(site, `body = "<p>x</p>"`, `labels = ["a"]`),
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:         site.emu.ClearFaults,
				Config:            pageConfig(site, `body = "<p>x</p>"`, `labels = ["a"]`),
				ConfigStateChecks: []statecheck.StateCheck{labels("a")},
			},
			{
				// Update: the refused addition is not claimed.
				PreConfig: func() {
					site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: labelsPath, Kind: emulator.Fault500Before, Times: 5})
				},
				Config:      pageConfig(site, `body = "<p>x</p>"`, `labels = ["a", "b"]`),
				ExpectError: regexp.MustCompile(`Unable to Label Page`),
			},
			{
				// The state holds only "a": configuring just that plans nothing.
				PreConfig:        site.emu.ClearFaults,
				Config:           pageConfig(site, `body = "<p>x</p>"`, `labels = ["a"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:            pageConfig(site, `body = "<p>x</p>"`, `labels = ["a", "b"]`),
				ConfigStateChecks: []statecheck.StateCheck{labels("a", "b")},
				ConfigPlanChecks:  emptyPlanAfterApply,
			},
		},
	})
}

// trashedPageRef remembers a page across test steps.
type trashedPageRef struct {
	ID      string
	Version int
}

// The account loses access to a space it manages: the refresh says so and
// forgets nothing silently, the plan cannot write there, and restoring the
// access brings the workspace back with no duplicate.
func TestAccFaultAccountLosesAccess(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: faultConfig(site, "one")},
			{
				// View only: the pages are still read, the update is refused
				// with the account and the permission named.
				PreConfig:   func() { site.emu.Grant(botEmail, "DOCS", emulator.PermView) },
				Config:      faultConfig(site, "two"),
				ExpectError: regexp.MustCompile(`(?s)Unable to Update Page.*bot@example.com`),
			},
			{
				// No access at all: the space answers 404, so nothing can be planned there.
				PreConfig:   func() { site.emu.Grant(botEmail, "DOCS", emulator.PermNone) },
				Config:      faultConfig(site, "two"),
				ExpectError: wrappedError(`Space Not Found.*space_key = "DOCS".*no space with key "DOCS" visible to bot@example.com.*lacks the view permission`),
			},
			{
				PreConfig:        func() { site.emu.Grant(botEmail, "DOCS", emulator.PermEdit) },
				Config:           faultConfig(site, "two"),
				Check:            siteMatchesState(t, site, "two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
