// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"os"
	"path/filepath"
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

	tests := []struct {
		name               string
		pages, latency, tf string
		want               Settings
		wantErr            string
	}{
		{name: "defaults", tf: terraform, want: Settings{Pages: DefaultPages, Latency: DefaultLatency, TerraformPath: terraform}},
		{name: "overrides", pages: "40", latency: "5ms", tf: terraform, want: Settings{Pages: 40, Latency: 5 * time.Millisecond, TerraformPath: terraform}},
		{name: "zero latency", latency: "0s", tf: terraform, want: Settings{Pages: DefaultPages, Latency: 0, TerraformPath: terraform}},
		{name: "pages not a number", pages: "many", tf: terraform, wantErr: `BENCH_PAGES="many"`},
		{name: "no pages", pages: "0", tf: terraform, wantErr: `BENCH_PAGES="0"`},
		{name: "latency without unit", latency: "20", tf: terraform, wantErr: `BENCH_LATENCY="20"`},
		{name: "terraform missing", tf: missing, wantErr: "terraform CLI not found at " + missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("BENCH_PAGES", tt.pages)
			t.Setenv("BENCH_LATENCY", tt.latency)
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
			if got != tt.want {
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
