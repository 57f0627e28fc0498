// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"
)

// editedPages is how many pages a person edits in the refresh-after-edits
// scenario.
const editedPages = 10

// variant is a shape of the managed pages. Labels are measured separately
// because pages with labels are read back label by label on refresh.
type variant struct {
	name   string
	labels bool
}

var variants = []variant{{name: "plain"}, {name: "labels", labels: true}}

// benchRoot is this process's scratch directory. It outlives single
// benchmarks because scenarios share workspaces, so TestMain owns it.
var benchRoot string

func TestMain(m *testing.M) {
	root, err := os.MkdirTemp("", "confluence-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating the benchmark directory:", err)
		os.Exit(1)
	}
	benchRoot = root
	code := m.Run()
	results.print(os.Stdout)
	closeFixtures()
	_ = os.RemoveAll(benchRoot)
	os.Exit(code)
}

// benchEnv holds what every scenario of this process shares: the settings
// and the provider binary, built once.
type benchEnv struct {
	settings    Settings
	root        string // temporary directory of this process
	providerDir string // holds terraform-provider-confluence for dev_overrides
}

var (
	envOnce sync.Once
	procEnv *benchEnv
	envErr  error
)

func sharedEnv(tb testing.TB) *benchEnv {
	tb.Helper()
	envOnce.Do(func() {
		settings, err := SettingsFromEnv()
		if err != nil {
			envErr = err
			return
		}
		procEnv = &benchEnv{settings: settings, root: benchRoot, providerDir: benchRoot}
		envErr = BuildProvider(context.Background(), benchRoot)
	})
	if envErr != nil {
		tb.Fatal(envErr)
	}
	return procEnv
}

// fixture is one site with one workspace managing a page set.
type fixture struct {
	site  *Site
	ws    *Workspace
	set   PageSet
	ids   []string // filled once applied
	naive *Cost    // measured once, on demand
}

// workspaceSeq keeps workspace directories apart when a scenario runs twice.
var workspaceSeq atomic.Int64

// prepare starts a site and writes a workspace for pages of the variant;
// nothing is applied yet.
func prepare(tb testing.TB, e *benchEnv, pages int, v variant) *fixture {
	tb.Helper()
	dir := filepath.Join(e.root, fmt.Sprintf("ws-%s-%d", v.name, workspaceSeq.Add(1)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	set := PageSet{SpaceKey: "DOCS", Count: pages, Labels: v.labels}
	site := NewSite(e.settings.Latency)
	ws, err := NewWorkspace(dir, e.settings.TerraformPath, e.providerDir, site)
	if err == nil {
		err = ws.WriteConfig(set)
	}
	if err != nil {
		site.Close()
		tb.Fatal(err)
	}
	return &fixture{site: site, ws: ws, set: set}
}

// created records the page ids after the first apply.
func (f *fixture) created(tb testing.TB) {
	tb.Helper()
	ids, err := f.ws.PageIDs()
	if err != nil {
		tb.Fatal(err)
	}
	if len(ids) != f.set.Count {
		tb.Fatalf("the state holds %d pages after the apply, want %d", len(ids), f.set.Count)
	}
	f.ids = ids
}

func (f *fixture) naiveCost(tb testing.TB) Cost {
	tb.Helper()
	if f.naive == nil {
		cost, err := NaiveRefresh(tb.Context(), f.site, f.ids)
		if err != nil {
			tb.Fatal(err)
		}
		f.naive = &cost
	}
	return *f.naive
}

// Applied fixtures shared by the scenarios of one process, by variant name:
// creating N pages is the expensive part, so it is done once.
var (
	fixturesMu sync.Mutex
	fixtures   = map[string]*fixture{}
)

func sharedFixture(b *testing.B, v variant) *fixture {
	b.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f := fixtures[v.name]; f != nil {
		return f
	}
	e := sharedEnv(b)
	f := prepare(b, e, e.settings.Pages, v)
	if _, err := f.ws.Terraform(b.Context(), "apply", "-auto-approve"); err != nil {
		f.site.Close()
		b.Fatal(err)
	}
	f.created(b)
	fixtures[v.name] = f
	return f
}

// keepFixture makes f the shared fixture of its variant unless there is one.
func keepFixture(v variant, f *fixture) bool {
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if fixtures[v.name] != nil {
		return false
	}
	fixtures[v.name] = f
	return true
}

func closeFixtures() {
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	for _, f := range fixtures {
		f.site.Close()
	}
}

// BenchmarkCreate applies N new pages. The first run of each variant becomes
// the fixture the other scenarios refresh, so the pages are created only once
// per process.
func BenchmarkCreate(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			b.StopTimer()
			e := sharedEnv(b)
			var cost Cost
			for range b.N {
				f := prepare(b, e, e.settings.Pages, v)
				b.StartTimer()
				var err error
				cost, err = f.ws.Terraform(b.Context(), "apply", "-auto-approve")
				b.StopTimer()
				if err != nil {
					f.site.Close()
					b.Fatal(err)
				}
				f.created(b)
				if !keepFixture(v, f) {
					f.site.Close()
				}
			}
			report(b, "create/"+v.name, e.settings.Pages, cost, nil)
		})
	}
}

// BenchmarkRefreshUnchanged plans N unchanged pages, next to the naive path
// that reads every page by id.
func BenchmarkRefreshUnchanged(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			b.StopTimer()
			f := sharedFixture(b, v)
			cost := plan(b, f, b.N)
			naive := f.naiveCost(b)
			if cost.Route(RouteGetPage) != 0 {
				b.Errorf("refreshing %d unchanged pages read %d pages by id; the version index should serve them all", len(f.ids), cost.Route(RouteGetPage))
			}
			report(b, "refresh-unchanged/"+v.name, len(f.ids), cost, &naive)
			if !v.labels {
				// Terraform's own time for the same plan without a refresh: the
				// floor neither path can go below, for reading the wall times.
				floor, err := f.ws.Terraform(b.Context(), "plan", "-refresh=false")
				if err != nil {
					b.Fatal(err)
				}
				results.add(row{scenario: "plan-without-refresh/" + v.name, pages: len(f.ids), cost: floor})
			}
		})
	}
}

// BenchmarkRefreshAfterEdits plans N pages of which a person edited K. The
// edits are reverted by an apply afterwards (not measured), so the shared
// pages are unchanged again for the other scenarios.
func BenchmarkRefreshAfterEdits(b *testing.B) {
	v := variants[0]
	b.StopTimer()
	f := sharedFixture(b, v)
	edited := f.ids[:min(editedPages, len(f.ids))]
	var cost Cost
	for range b.N {
		if err := EditPages(b.Context(), f.site, edited); err != nil {
			b.Fatal(err)
		}
		cost = plan(b, f, 1)
		if _, err := f.ws.Terraform(b.Context(), "apply", "-auto-approve"); err != nil {
			b.Fatalf("restoring the edited pages: %v", err)
		}
	}
	naive := f.naiveCost(b)
	if got := cost.Route(RouteGetPage); got != len(edited) {
		b.Errorf("after %d edits the plan read %d pages by id, want one body fetch per edited page", len(edited), got)
	}
	report(b, fmt.Sprintf("refresh-after-%d-edits/%s", len(edited), v.name), len(f.ids), cost, &naive)
}

// BenchmarkApplyNoop applies the unchanged configuration: it must write
// nothing.
func BenchmarkApplyNoop(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			b.StopTimer()
			f := sharedFixture(b, v)
			var cost Cost
			for range b.N {
				b.StartTimer()
				var err error
				cost, err = f.ws.Terraform(b.Context(), "apply", "-auto-approve")
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
			}
			if cost.Writes != 0 {
				b.Errorf("applying an unchanged configuration sent %d writes, want none: %v", cost.Writes, cost.ByRoute)
			}
			report(b, "apply-noop/"+v.name, len(f.ids), cost, nil)
		})
	}
}

// plan runs terraform plan n times with the benchmark timer on and returns the
// cost of the last run.
func plan(b *testing.B, f *fixture, n int) Cost {
	b.Helper()
	var cost Cost
	for range n {
		b.StartTimer()
		var err error
		cost, err = f.ws.Terraform(b.Context(), "plan")
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
	}
	return cost
}

func report(b *testing.B, scenario string, pages int, cost Cost, naive *Cost) {
	b.ReportMetric(float64(cost.Requests), "requests/op")
	b.ReportMetric(float64(cost.Writes), "writes/op")
	if naive != nil {
		b.ReportMetric(float64(naive.Requests), "naive-requests/op")
	}
	results.add(row{scenario: scenario, pages: pages, cost: cost, naive: naive})
}

// row is one line of the summary table.
type row struct {
	scenario string
	pages    int
	cost     Cost
	naive    *Cost
}

type resultTable struct {
	mu   sync.Mutex
	rows []row
}

var results resultTable

func (t *resultTable) add(r row) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows = append(t.rows, r)
}

// print writes the summary: one line per scenario, then the requests of each
// scenario by route.
func (t *resultTable) print(w io.Writer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.rows) == 0 {
		return
	}
	latency := "?"
	if procEnv != nil {
		latency = procEnv.settings.Latency.String()
	}
	fmt.Fprintf(w, "\nConfluence cost per Terraform command (emulator latency %s per request, client limit %d req/s, parallelism %d)\n\n",
		latency, RequestsPerSecond, TerraformParallelism)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tpages\trequests\twrites\twall time\tnaive requests\tnaive wall time\t")
	for _, r := range t.rows {
		naiveRequests, naiveWall := "-", "-"
		if r.naive != nil {
			naiveRequests, naiveWall = fmt.Sprint(r.naive.Requests), roundWall(r.naive.Wall)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t\n", r.scenario, r.pages, r.cost.Requests, r.cost.Writes, roundWall(r.cost.Wall), naiveRequests, naiveWall)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\nrequests by route:")
	for _, r := range t.rows {
		fmt.Fprintf(w, "  %s: %s\n", r.scenario, routes(r.cost.ByRoute))
	}
	fmt.Fprintln(w)
}

func roundWall(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }

// routes formats requests by route, busiest first.
func routes(byRoute map[string]int) string {
	keys := make([]string, 0, len(byRoute))
	for k := range byRoute {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if byRoute[keys[i]] != byRoute[keys[j]] {
			return byRoute[keys[i]] > byRoute[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, byRoute[k])
	}
	return strings.Join(parts, ", ")
}
