// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Row is one measured scenario of the request table.
type Row struct {
	Scenario string
	Pages    int
	Cost     Cost
}

// Contender is one workspace of a side-by-side comparison: its label and
// the median of its runs.
type Contender struct {
	Label string
	Kind  Provider // "" for terraform_data
	Cost  Cost
}

// Comparison is one page count, every contender planning the same pages.
type Comparison struct {
	Pages      int
	Contenders []Contender
}

// Labels of the contenders, also the keys Ratios looks for.
const (
	LabelTerraformData = "terraform_data (Terraform alone)"
	LabelNull          = "do-nothing provider, same schema"
	LabelNaive         = "page-by-page provider, same schema"
	LabelConfluence    = "this provider"
	LabelTraceLogs     = "this provider, SDK trace logs on"
)

// Limited is one apply of new pages under a site rate limit.
type Limited struct {
	Pages        int
	Rate         int // the site's limit, requests per second
	Cost         Cost
	Duplicates   int     // titles held by more than one page afterwards
	Missing      int     // configured pages Confluence does not hold
	FloorSeconds float64 // the least wall time the limit allows for the accepted requests
}

// Results collects what one bench process measured.
type Results struct {
	mu          sync.Mutex
	rows        []Row
	comparisons []Comparison
	limited     []Limited
}

// AddLimited records an apply under a site rate limit.
func (r *Results) AddLimited(l Limited) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limited = append(r.limited, l)
}

// AddRow records a scenario of the request table.
func (r *Results) AddRow(row Row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, row)
}

// AddComparison records a side-by-side comparison.
func (r *Results) AddComparison(c Comparison) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.comparisons = append(r.comparisons, c)
}

// Empty reports whether nothing was measured.
func (r *Results) Empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.rows) == 0 && len(r.comparisons) == 0 && len(r.limited) == 0
}

// Median returns the run with the median wall time, with the median
// provider CPU and peak memory of all runs (each is noisy on its own).
func Median(runs []Cost) Cost {
	if len(runs) == 0 {
		return Cost{}
	}
	byWall := slices.Clone(runs)
	sort.Slice(byWall, func(i, j int) bool { return byWall[i].Wall < byWall[j].Wall })
	m := byWall[len(byWall)/2]
	cpu := make([]time.Duration, len(runs))
	rss := make([]int64, len(runs))
	for i, c := range runs {
		cpu[i], rss[i] = c.ProviderCPU, c.ProviderPeakRSS
	}
	slices.Sort(cpu)
	slices.Sort(rss)
	m.ProviderCPU, m.ProviderPeakRSS = cpu[len(cpu)/2], rss[len(rss)/2]
	return m
}

// Markdown writes the results as Markdown: the side-by-side plan table,
// then the request table. header describes the machine and settings.
func (r *Results) Markdown(w io.Writer, header string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(w, header)
	if len(r.comparisons) > 0 {
		fmt.Fprintln(w, "\n## `terraform plan` of unchanged Markdown pages, side by side")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| pages | workspace | wall | × do-nothing | × terraform_data | requests | provider CPU | provider peak memory | memory × do-nothing |")
		fmt.Fprintln(w, "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, c := range r.comparisons {
			var null, tfdata *Cost
			for i := range c.Contenders {
				switch c.Contenders[i].Label {
				case LabelNull:
					null = &c.Contenders[i].Cost
				case LabelTerraformData:
					tfdata = &c.Contenders[i].Cost
				}
			}
			for _, ct := range c.Contenders {
				cpu, rss, rssRatio := "—", "—", "—"
				if ct.Kind != "" {
					cpu = ct.Cost.ProviderCPU.Round(10 * time.Millisecond).String()
					rss = fmt.Sprintf("%.0f MB", float64(ct.Cost.ProviderPeakRSS)/1e6)
					if null != nil {
						rssRatio = ratio(float64(ct.Cost.ProviderPeakRSS), float64(null.ProviderPeakRSS))
					}
				}
				overNull, overData := "—", "—"
				if null != nil {
					overNull = ratio(float64(ct.Cost.Wall), float64(null.Wall))
				}
				if tfdata != nil {
					overData = ratio(float64(ct.Cost.Wall), float64(tfdata.Wall))
				}
				fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %d | %s | %s | %s |\n", c.Pages, ct.Label, roundWall(ct.Cost.Wall),
					overNull, overData, ct.Cost.Requests, cpu, rss, rssRatio)
			}
		}
	}
	if len(r.rows) > 0 {
		fmt.Fprintln(w, "\n## Requests per Terraform command (this provider)")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| scenario | pages | requests | writes | wall | requests by route |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | --- |")
		for _, row := range r.rows {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %s | %s |\n", row.Scenario, row.Pages, row.Cost.Requests, row.Cost.Writes,
				roundWall(row.Cost.Wall), routes(row.Cost.ByRoute))
		}
	}
	if len(r.limited) > 0 {
		fmt.Fprintln(w, "\n## Creating pages under a site rate limit")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "The site answers 429 above its limit (burst as large as the limit); the client's own cap is ten times higher, so the adaptive limiter has to find the site's. The floor is the accepted requests beyond the burst ÷ the limit.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| pages | site limit | requests accepted | 429 answers | duplicates | missing | wall | floor | wall × floor |")
		fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, l := range r.limited {
			fmt.Fprintf(w, "| %d | %d req/s | %d | %d | %d | %d | %s | %.1fs | %.2f× |\n", l.Pages, l.Rate, l.Cost.Requests-l.Cost.RateLimited, l.Cost.RateLimited,
				l.Duplicates, l.Missing, roundWall(l.Cost.Wall), l.FloorSeconds, l.Cost.Wall.Seconds()/l.FloorSeconds)
		}
	}
	fmt.Fprintln(w)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
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
