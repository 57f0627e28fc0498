// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSettingsFromEnv(t *testing.T) {
	terraform := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(terraform, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-terraform")

	def := func(mod func(*Settings)) Settings {
		s := Settings{Sizes: DefaultSizes, Latency: DefaultLatency, Rounds: DefaultRounds, TerraformPath: terraform}
		if mod != nil {
			mod(&s)
		}
		return s
	}
	tests := []struct {
		name                       string
		sizes, latency, rounds, tf string
		results                    string
		want                       Settings
		wantErr                    string
	}{
		{name: "defaults", tf: terraform, want: def(nil)},
		{name: "overrides", sizes: "40, 5000", latency: "5ms", rounds: "1", results: "/tmp/r.md", tf: terraform, want: def(func(s *Settings) {
			s.Sizes, s.Latency, s.Rounds, s.ResultsFile = []int{40, 5000}, 5*time.Millisecond, 1, "/tmp/r.md"
		})},
		{name: "zero latency", latency: "0s", tf: terraform, want: def(func(s *Settings) { s.Latency = 0 })},
		{name: "sizes not numbers", sizes: "many", tf: terraform, wantErr: `BENCH_SIZES="many"`},
		{name: "no pages", sizes: "300,0", tf: terraform, wantErr: `BENCH_SIZES="300,0"`},
		{name: "no rounds", rounds: "0", tf: terraform, wantErr: `BENCH_ROUNDS="0"`},
		{name: "latency without unit", latency: "20", tf: terraform, wantErr: `BENCH_LATENCY="20"`},
		{name: "terraform missing", tf: missing, wantErr: "terraform CLI not found at " + missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BENCH_SIZES", tt.sizes)
			t.Setenv("BENCH_LATENCY", tt.latency)
			t.Setenv("BENCH_ROUNDS", tt.rounds)
			t.Setenv("BENCH_RESULTS", tt.results)
			t.Setenv("TF_ACC_TERRAFORM_PATH", tt.tf)
			got, err := SettingsFromEnv()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("settings = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRoutesBusiestFirst(t *testing.T) {
	got := routes(map[string]int{RouteGetLabels: 3, RouteListPages: 1, RouteGetPage: 3})
	want := RouteGetPage + " ×3, " + RouteGetLabels + " ×3, " + RouteListPages + " ×1" // ties by name
	if got != want {
		t.Errorf("routes = %q, want %q", got, want)
	}
}

func TestMedian(t *testing.T) {
	runs := []Cost{
		{Wall: 3 * time.Second, Requests: 3, ProviderCPU: 1 * time.Second, ProviderPeakRSS: 300},
		{Wall: 1 * time.Second, Requests: 1, ProviderCPU: 3 * time.Second, ProviderPeakRSS: 100},
		{Wall: 2 * time.Second, Requests: 2, ProviderCPU: 2 * time.Second, ProviderPeakRSS: 900},
	}
	got := Median(runs)
	if got.Wall != 2*time.Second || got.Requests != 2 {
		t.Errorf("median run = %v with %d requests, want the 2s run", got.Wall, got.Requests)
	}
	if got.ProviderCPU != 2*time.Second || got.ProviderPeakRSS != 300 {
		t.Errorf("median CPU and memory = %v, %d; want 2s and 300 (each the median of its own)", got.ProviderCPU, got.ProviderPeakRSS)
	}
	if m := Median(nil); m.Wall != 0 || m.ByRoute != nil {
		t.Error("the median of no runs should be the zero Cost")
	}
}

func TestMarkdownRatios(t *testing.T) {
	var r Results
	r.AddComparison(Comparison{Pages: 10, Contenders: []Contender{
		{Label: LabelTerraformData, Cost: Cost{Wall: time.Second}},
		{Label: LabelNull, Kind: Null, Cost: Cost{Wall: 2 * time.Second, ProviderPeakRSS: 100e6}},
		{Label: LabelConfluence, Kind: Confluence, Cost: Cost{Wall: 3 * time.Second, Requests: 2, ProviderPeakRSS: 130e6, ProviderCPU: time.Second}},
	}})
	var b strings.Builder
	r.Markdown(&b, "# header")
	want := "| 10 | this provider | 3s | 1.50× | 3.00× | 2 | 1s | 130 MB | 1.30× |"
	if !strings.Contains(b.String(), want) {
		t.Errorf("the table has no line %q:\n%s", want, b.String())
	}
	if !strings.Contains(b.String(), "| 10 | terraform_data (Terraform alone) | 1s | 0.50× | 1.00× | 0 | — | — | — |") {
		t.Errorf("terraform_data has no provider columns:\n%s", b.String())
	}
}
