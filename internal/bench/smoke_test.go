// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBenchHarnessSmoke runs the refresh-unchanged scenario on a few pages
// and holds the provider to the request ceiling the design promises: an
// unchanged page is served from the space's version index, so the refresh
// reads no page by id and lists the space once (fewer than 250 pages).
func TestBenchHarnessSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI; set TF_ACC=1")
	}
	const pages = 30
	e := sharedEnv(t)
	smokeEnv := *e
	smokeEnv.settings.Latency = 0 // requests are counted, not timed
	f := prepare(t, &smokeEnv, pages, variant{name: "smoke"})
	t.Cleanup(f.site.Close)

	created, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	f.created(t)
	if got := created.Route(RouteCreatePage); got != pages {
		t.Errorf("the apply created %d pages, want %d", got, pages)
	}

	refresh, err := f.ws.Terraform(t.Context(), "plan")
	if err != nil {
		t.Fatal(err)
	}
	if got := refresh.Route(RouteGetPage); got != 0 {
		t.Errorf("refreshing %d unchanged pages read %d of them by id (%s), want 0: the version index should serve them", pages, got, RouteGetPage)
	}
	if got := refresh.Route(RouteListPages); got != 1 {
		t.Errorf("refreshing %d pages of one space listed pages %d times (%s), want 1", pages, got, RouteListPages)
	}
	if got := refresh.Route(RouteGetLabels); got != 0 {
		t.Errorf("refreshing pages without labels read labels %d times, want 0", got)
	}
	if refresh.Writes != 0 {
		t.Errorf("the plan sent %d writes, want none: %v", refresh.Writes, refresh.ByRoute)
	}
	// Everything else is per run, not per page: the space lookup.
	if refresh.Requests != 2 {
		t.Errorf("the refresh cost %d requests, want 2 (list pages, look up the space): %v", refresh.Requests, refresh.ByRoute)
	}

	noop, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if noop.Writes != 0 {
		t.Errorf("applying the unchanged configuration sent %d writes, want none: %v", noop.Writes, noop.ByRoute)
	}

	// Every page changed: its write and its change record, nothing read back.
	f.set.Revision = 1
	if err := f.ws.WriteConfig(f.set); err != nil {
		t.Fatal(err)
	}
	updated, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if updated.Route(RouteUpdatePage) != pages || updated.Writes != 2*pages || updated.Route(RouteListProperties) != 0 {
		t.Errorf("updating %d pages sent %d page writes and %d writes in all, and read the change record %d times; want %d, %d and 0: %v",
			pages, updated.Route(RouteUpdatePage), updated.Writes, updated.Route(RouteListProperties), pages, 2*pages, updated.ByRoute)
	}

	if refresh.ProviderProcesses == 0 || refresh.ProviderPeakRSS == 0 || refresh.ProviderCPU == 0 {
		t.Errorf("the plan recorded %d provider processes, peak %d bytes, CPU %v; want the provider's usage from the rusage wrapper",
			refresh.ProviderProcesses, refresh.ProviderPeakRSS, refresh.ProviderCPU)
	}

	// The bench providers plan the same state: the do-nothing one sends
	// nothing, the page-by-page one reads every page by id.
	for _, tc := range []struct {
		kind     Provider
		requests int
		byID     int
	}{{Null, 0, 0}, {Naive, pages, pages}} {
		ws, err := NewWorkspace(filepath.Join(e.root, "smoke-"+string(tc.kind)), e.settings.TerraformPath, e.providersDir, tc.kind, f.site)
		if err == nil {
			err = ws.CopyFrom(f.ws)
		}
		if err != nil {
			t.Fatal(err)
		}
		cost, err := ws.Terraform(t.Context(), "plan", "-detailed-exitcode")
		if err != nil {
			t.Fatalf("%s provider: %v", tc.kind, err) // exit code 2 (changes) is an error too
		}
		if cost.Requests != tc.requests || cost.Route(RouteGetPage) != tc.byID {
			t.Errorf("the %s provider's plan cost %d requests (%d by id), want %d (%d by id): %v",
				tc.kind, cost.Requests, cost.Route(RouteGetPage), tc.requests, tc.byID, cost.ByRoute)
		}
		if cost.ProviderProcesses == 0 {
			t.Errorf("the %s provider's plan recorded no provider process", tc.kind)
		}
	}

	// Terraform alone, on the same content.
	tfdata, err := NewWorkspace(filepath.Join(e.root, "smoke-terraform-data"), e.settings.TerraformPath, e.providersDir, "", f.site)
	if err == nil {
		err = tfdata.WriteConfig(f.set)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tfdata.Terraform(t.Context(), "apply", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
	floor, err := tfdata.Terraform(t.Context(), "plan", "-detailed-exitcode")
	if err != nil {
		t.Fatal(err)
	}
	if floor.Requests != 0 || floor.ProviderProcesses != 0 {
		t.Errorf("the terraform_data plan cost %d requests and %d provider processes, want none", floor.Requests, floor.ProviderProcesses)
	}
}

// TestBenchHarnessSmokeLabels holds labelled pages to the same promise: their
// labels come from the space's label index, not one request per page.
func TestBenchHarnessSmokeLabels(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI; set TF_ACC=1")
	}
	const pages = 30
	e := sharedEnv(t)
	smokeEnv := *e
	smokeEnv.settings.Latency = 0
	f := prepare(t, &smokeEnv, pages, variant{name: "smoke-labels", labels: true})
	t.Cleanup(f.site.Close)
	if _, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
	f.created(t)

	refresh, err := f.ws.Terraform(t.Context(), "plan", "-detailed-exitcode")
	if err != nil {
		t.Fatal(err) // exit code 2 (changes) would be an error here too
	}
	// The provider reads the first five labelled pages of a space one by one
	// (a space with a few managed pages never pays for an index), then the
	// space's label index serves the rest.
	if got := refresh.Route(RouteGetLabels); got != 5 {
		t.Errorf("refreshing %d labelled pages read labels page by page %d times, want 5: %v", pages, got, refresh.ByRoute)
	}
	if got := refresh.Route(RouteGetPage); got != 0 {
		t.Errorf("refreshing %d unchanged pages read %d of them by id, want 0", pages, got)
	}
	if refresh.Requests > 15 {
		t.Errorf("the refresh of %d labelled pages cost %d requests, want a handful per space: %v", pages, refresh.Requests, refresh.ByRoute)
	}
}
