// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// siteLimit is the rate limit the site enforces in BenchmarkCreateUnderSiteLimit,
// in requests per second per account, with a burst of as many: ten times
// below the client's own cap, so the adaptive limiter must find it.
const siteLimit = 10

// limitedPages is how many pages BenchmarkCreateUnderSiteLimit creates
// (BENCH_LIMITED_PAGES; at 2 requests a page and 10 requests a second, the
// default takes about 3.5 minutes).
func limitedPages() (int, error) {
	v := os.Getenv("BENCH_LIMITED_PAGES")
	if v == "" {
		return 1000, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("BENCH_LIMITED_PAGES=%q is not a positive number; set it to e.g. 1000", v)
	}
	return n, nil
}

// BenchmarkCreateUnderSiteLimit creates pages on a site that allows the
// account siteLimit requests a second and answers 429 above it, as Confluence
// Cloud does. The apply must succeed with no duplicate and no page missing,
// and its wall time is reported beside the floor the limit sets (accepted
// requests ÷ rate): the target is at most 1.1× that.
func BenchmarkCreateUnderSiteLimit(b *testing.B) {
	b.StopTimer()
	e := sharedEnv(b)
	pages, err := limitedPages()
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		site := NewSite(e.settings.Latency)
		defer site.Close()
		site.Emulator.SetRateLimit(siteLimit, siteLimit)
		dir := filepath.Join(e.root, fmt.Sprintf("limited-%d", workspaceSeq.Add(1)))
		ws, err := NewWorkspace(dir, e.settings.TerraformPath, e.providersDir, Confluence, site)
		if err != nil {
			b.Fatal(err)
		}
		set := PageSet{SpaceKey: "DOCS", Count: pages}
		if err := ws.WriteConfig(set); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cost, err := ws.Terraform(b.Context(), "apply", "-auto-approve")
		b.StopTimer()
		if err != nil {
			b.Fatalf("the apply under a %d req/s site limit failed: %v", siteLimit, err)
		}
		site.Emulator.SetRateLimit(0, 0)
		ids, err := ws.PageIDs()
		if err != nil {
			b.Fatal(err)
		}
		duplicates, missing, err := countTitles(b.Context(), site, pages)
		if err != nil {
			b.Fatal(err)
		}
		if len(ids) != pages || duplicates != 0 || missing != 0 {
			b.Errorf("after the apply: %d pages in state, %d duplicate titles, %d missing, want %d, 0, 0", len(ids), duplicates, missing, pages)
		}
		accepted := cost.Requests - cost.RateLimited
		floor := float64(accepted-siteLimit) / siteLimit // the burst is free
		b.ReportMetric(float64(cost.RateLimited), "429s/op")
		b.ReportMetric(cost.Wall.Seconds()/floor, "wall/floor")
		results.AddLimited(Limited{Pages: pages, Rate: siteLimit, Cost: cost, Duplicates: duplicates, Missing: missing, FloorSeconds: floor})
	}
}

// countTitles counts, among the pages of space DOCS, titles held by more
// than one page and bench titles held by none.
func countTitles(ctx context.Context, site *Site, pages int) (duplicates, missing int, err error) {
	client, err := site.Client(botEmail, botToken)
	if err != nil {
		return 0, 0, err
	}
	space, err := client.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		return 0, 0, err
	}
	all, err := client.ListPages(ctx, confluence.ListPagesOptions{SpaceIDs: []string{space.ID}, Statuses: []string{"current", "trashed", "draft"}})
	if err != nil {
		return 0, 0, err
	}
	byTitle := map[string]int{}
	for _, p := range all {
		byTitle[p.Title]++
	}
	for _, n := range byTitle {
		if n > 1 {
			duplicates++
		}
	}
	for i := 1; i <= pages; i++ {
		if byTitle[fmt.Sprintf("Bench page %d", i)] == 0 {
			missing++
		}
	}
	return duplicates, missing, nil
}
