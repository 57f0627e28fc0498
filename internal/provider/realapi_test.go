// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Provider behaviours against the emulator's real-API switches (issue 12, part
// 2): read-after-write lag, transient 409s, gateway errors after a saved write
// and the 413 limit. Each of these failed before the page resource learned to
// survive it; the "Before:" notes say how it failed.

package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// onePage checks that exactly one page titled "Runbook" exists in DOCS and that the
// state holds it.
func onePage(site *testSite) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		snap, ok := site.emu.PageByTitle("DOCS", "Runbook")
		if !ok || snap.ID != stateID(s, "confluence_page.test") {
			return fmt.Errorf("state does not hold the page Runbook: %+v", snap)
		}
		if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n != 1 {
			return fmt.Errorf("create sent %d times, want once", n)
		}
		return nil
	}
}

// Before: the refresh after the create reads the page while it still answers 404,
// removes it from state, and the next plan creates it again (which would then hit
// the title clash). Needed: bounded retries where a just-written page is missing
// (confluence.Client.GetPageFresh).
func TestAccRealAPI_pageLagAfterCreate(t *testing.T) {
	t.Parallel()
	site := newTestSiteWith(t, emulator.Options{PageLag: emulator.ReadLag{For: 3 * time.Second}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           pageConfig(site, `body = "<p>New</p>"`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check:            onePage(site),
		}},
	})
}

// Before: labels added by the create are missing from the refresh right after it, so
// the next plan adds them again. Needed: labels the apply just wrote are trusted (or
// re-read within a lag budget, confluence.Client.GetPageLabelsFresh) rather than
// shown as drift.
func TestAccRealAPI_labelLagAfterCreate(t *testing.T) {
	t.Parallel()
	site := newTestSiteWith(t, emulator.Options{LabelLag: emulator.ReadLag{For: 3 * time.Second}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           pageConfig(site, `body = "<p>Labelled</p>"`, `labels = ["runbook", "ops"]`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(s *terraform.State) error {
				snap, _ := site.emu.Page(stateID(s, "confluence_page.test"))
				labels := append([]string(nil), snap.Labels...)
				sort.Strings(labels)
				if strings.Join(labels, ",") != "ops,runbook" {
					return fmt.Errorf("labels %v", labels)
				}
				return nil
			},
		}},
	})
}

// Before: any 409 is taken for a human edit and the apply fails with "Page Changed
// Since the Plan". Needed: re-read; same version → retry (bounded;
// confluence.Client.UpdatePageRetryingTransient), newer version → the existing error.
func TestAccRealAPI_transientConflictOnUpdate(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>One</p>"`),
				Check:  func(s *terraform.State) error { pageID = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig:        func() { site.emu.SetTransientConflicts(2) },
				Config:           pageConfig(site, `body = "<p>Two</p>"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
				Check: func(*terraform.State) error {
					if snap, _ := site.emu.Page(pageID); snap.Version != 2 || !strings.Contains(snap.Body, "Two") {
						return fmt.Errorf("page after the update: %+v", snap)
					}
					return nil
				},
			},
		},
	})
}

// Before: a 502 after the update was saved fails the apply, and the next plan blames
// the bot's own version as an edit outside Terraform. Needed: on
// confluence.MayHaveBeenApplied, read back (version, body hash, terraform.change)
// before deciding.
func TestAccRealAPI_gatewayErrorAfterUpdate(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>One</p>"`),
				Check:  func(s *terraform.State) error { pageID = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig: func() {
					site.emu.InjectFault(emulator.Fault{Method: http.MethodPut, Path: `^/wiki/api/v2/pages/[0-9]+$`, Kind: emulator.Fault502AfterCommit})
				},
				Config:           pageConfig(site, `body = "<p>Two</p>"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
				Check: func(*terraform.State) error {
					if n := len(site.emu.PageVersions(pageID)); n != 2 {
						return fmt.Errorf("%d versions, want 2: the update was written once", n)
					}
					return nil
				},
			},
		},
	})
}

// Before: a body over Confluence's documented 5 MB limit passes the plan, is sent, and
// fails the apply with an unrelated message. Needed: a plan-time error on the body
// attribute naming the limit (confluence.MaxRequestBody), with no request sent.
func TestAccRealAPI_bodyOverTheLimitFailsAtPlan(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	huge := "<p>" + strings.Repeat("0123456789", int(emulator.DefaultBodyLimit/10)+1) + "</p>"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      pageConfig(site, fmt.Sprintf("body = %q", huge)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)body.*5 MB`),
		}},
	})
	if stats := site.emu.Stats(); stats.Total != 0 {
		t.Fatalf("an oversized body sent %d requests (%v), want none", stats.Total, stats.ByRoute)
	}
}
