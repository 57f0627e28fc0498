// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// countingSite is a test site that counts the 429s it answers, so a test can
// show the site really did rate limit it.
type countingSite struct {
	*testSite
	limited atomic.Int64
}

func newCountingSite(t *testing.T) *countingSite {
	t.Helper()
	emu := emulator.NewDemo(emulator.Options{Validate: func(v string) { t.Errorf("OpenAPI violation: %s", v) }})
	cs := &countingSite{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		emu.ServeHTTP(&statusSpy{ResponseWriter: w, onStatus: func(code int) {
			if code == http.StatusTooManyRequests {
				cs.limited.Add(1)
			}
		}}, r)
	}))
	t.Cleanup(srv.Close)
	cs.testSite = &testSite{emu: emu, srv: srv}
	return cs
}

type statusSpy struct {
	http.ResponseWriter
	onStatus func(int)
}

func (s *statusSpy) WriteHeader(code int) {
	s.onStatus(code)
	s.ResponseWriter.WriteHeader(code)
}

const stormPages = 30

func stormConfig(site *testSite, extra string) string {
	// max_retries = 1 on purpose: 429s are bounded by rate_limit_budget, not by it.
	return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page" "p" {
  count     = %d
  space_key = "DOCS"
  title     = "Storm ${count.index}"
  body      = "<p>storm ${count.index}</p>"
  labels    = ["storm", "s${count.index}"]
}
%s`, stormPages, extra)
}

// stateEqualsConfluence asserts that every page titled "<prefix>N" exists
// exactly once, is in state (no orphan), and that state records exactly the
// version and the labels Confluence holds (no label recorded that was not
// written).
func stateEqualsConfluence(t *testing.T, site *testSite, prefix string, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		admin := newSeeder(t, site)
		pages, err := admin.client.ListPages(context.Background(), confluence.ListPagesOptions{SpaceIDs: []string{admin.spaceID("DOCS")}, Statuses: []string{"current", "trashed"}})
		if err != nil {
			return err
		}
		byTitle := map[string][]confluence.Page{}
		for _, p := range pages {
			if strings.HasPrefix(p.Title, prefix) {
				byTitle[p.Title] = append(byTitle[p.Title], p)
			}
		}
		if len(byTitle) != n {
			return fmt.Errorf("%d pages titled %q… in Confluence, want %d", len(byTitle), prefix, n)
		}
		inState := map[string]bool{}
		for i := range n {
			found := byTitle[fmt.Sprintf("%s%d", prefix, i)]
			if len(found) != 1 {
				return fmt.Errorf("%d pages titled %q, want exactly one", len(found), fmt.Sprintf("%s%d", prefix, i))
			}
			rs, ok := s.RootModule().Resources[fmt.Sprintf("confluence_page.p.%d", i)]
			if !ok || rs.Primary.ID != found[0].ID {
				return fmt.Errorf("page %s (%q) is in Confluence but not in state (an orphan)", found[0].ID, found[0].Title)
			}
			inState[rs.Primary.ID] = true
			snap, _ := site.emu.Page(found[0].ID)
			if snap.Status != "current" || rs.Primary.Attributes["version"] != fmt.Sprint(snap.Version) {
				return fmt.Errorf("page %s: state version %s, Confluence version %d %s", snap.ID, rs.Primary.Attributes["version"], snap.Version, snap.Status)
			}
			var stateLabels []string
			for k, v := range rs.Primary.Attributes {
				if strings.HasPrefix(k, "labels.") && k != "labels.#" {
					stateLabels = append(stateLabels, v)
				}
			}
			remote := slices.Clone(snap.Labels)
			slices.Sort(stateLabels)
			slices.Sort(remote)
			if !slices.Equal(stateLabels, remote) {
				return fmt.Errorf("page %s: state records labels %v, Confluence holds %v", snap.ID, stateLabels, remote)
			}
			if want := []string{fmt.Sprintf("s%d", i), "storm"}; !slices.Equal(remote, want) {
				return fmt.Errorf("page %s has labels %v, want %v", snap.ID, remote, want)
			}
		}
		return nil
	}
}

// A 429 storm: the site allows the bot 2 requests a second. A 30-page apply
// with labels succeeds (the client slows down instead of giving up), the
// refresh and a data source under the same limit succeed, and state says
// exactly what Confluence holds.
func TestAccFaultRateLimitStorm(t *testing.T) {
	t.Parallel()
	site := newCountingSite(t)
	site.emu.SetRateLimit(2, 2)
	checks := stateEqualsConfluence(t, site.testSite, "Storm ", stormPages)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: stormConfig(site.testSite, ""),
				Check: resource.ComposeTestCheckFunc(checks, func(*terraform.State) error {
					t.Logf("apply: %d requests so far, %d answered 429", site.emu.Stats().Total, site.limited.Load())
					if site.limited.Load() == 0 {
						return fmt.Errorf("the site never answered 429: this test proves nothing")
					}
					return nil
				}),
			},
			{
				// The refresh of 30 pages and their labels under the same limit.
				PreConfig:    func() { site.limited.Store(0) },
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(checks, func(*terraform.State) error {
					t.Logf("refresh: %d requests so far, %d answered 429", site.emu.Stats().Total, site.limited.Load())
					return nil
				}),
			},
			{
				// A data source under the limit, and the next plan is empty.
				Config: stormConfig(site.testSite, `
data "confluence_pages" "storm" {
  space_key      = "DOCS"
  label          = ["storm"]
  include_labels = true
  limit          = 100
}
`),
				Check: resource.ComposeTestCheckFunc(checks,
					resource.TestCheckResourceAttr("data.confluence_pages.storm", "pages.#", fmt.Sprint(stormPages)),
					func(*terraform.State) error {
						// The storm is over: the test's closing destroy need not crawl.
						site.emu.SetRateLimit(0, 0)
						return nil
					}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
