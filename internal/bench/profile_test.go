// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestProfilePlan is `make profile`: it creates BENCH_PROFILE_PAGES pages
// (default 1,000) with no latency, then plans them once at the bench latency
// with the provider writing CPU and heap profiles, and copies the profiles of
// the provider process that did the most work to BENCH_PROFILE_OUT as
// cpu.pprof and mem.pprof. Read them with `go tool pprof -top FILE`.
func TestProfilePlan(t *testing.T) {
	out := os.Getenv("BENCH_PROFILE_OUT")
	if out == "" {
		t.Skip("writes profiles of one plan; run make profile (sets BENCH_PROFILE_OUT)")
	}
	pages := 1000
	if v := os.Getenv("BENCH_PROFILE_PAGES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("BENCH_PROFILE_PAGES=%q is not a positive number of pages", v)
		}
		pages = n
	}
	e := sharedEnv(t)
	site := NewSite(0)
	t.Cleanup(site.Close)
	dir := filepath.Join(e.root, "profile")
	real, err := NewWorkspace(filepath.Join(dir, "create"), e.settings.TerraformPath, e.providersDir, Confluence, site)
	if err == nil {
		err = real.WriteConfig(PageSet{SpaceKey: "DOCS", Count: pages})
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := real.Terraform(t.Context(), "apply", "-auto-approve"); err != nil {
		t.Fatal(err)
	}
	raw := filepath.Join(dir, "raw")
	if err := os.MkdirAll(raw, 0o755); err != nil {
		t.Fatal(err)
	}
	profiled, err := NewWorkspace(filepath.Join(dir, "plan"), e.settings.TerraformPath, e.providersDir, Profiled, site, "BENCH_PROFILE_DIR="+raw)
	if err == nil {
		err = profiled.CopyFrom(real)
	}
	if err != nil {
		t.Fatal(err)
	}
	site.Emulator.SetLatency(e.settings.Latency)
	cost, err := profiled.Terraform(t.Context(), "plan", "-detailed-exitcode")
	if err != nil {
		t.Fatal(err)
	}
	pid, err := busiestProfile(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"cpu", "mem"} {
		data, err := os.ReadFile(filepath.Join(raw, kind+"-"+pid+".pprof"))
		if err == nil {
			err = os.WriteFile(filepath.Join(out, kind+".pprof"), data, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	fmt.Printf("plan of %d pages at %s latency: wall %s, %d requests, %d provider processes, provider CPU %s, peak %.0f MB\n",
		pages, e.settings.Latency, roundWall(cost.Wall), cost.Requests, cost.ProviderProcesses, roundWall(cost.ProviderCPU), float64(cost.ProviderPeakRSS)/1e6)
	fmt.Printf("profiles: %s and %s (go tool pprof -top FILE)\n", filepath.Join(out, "cpu.pprof"), filepath.Join(out, "mem.pprof"))
}

// busiestProfile returns the process id whose CPU profile in dir is the
// largest: the provider instance that planned the pages, not the ones
// Terraform started only for the schema.
func busiestProfile(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	best, bestSize := "", int64(-1)
	for _, e := range entries {
		pid, ok := strings.CutPrefix(strings.TrimSuffix(e.Name(), ".pprof"), "cpu-")
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return "", err
		}
		if info.Size() > bestSize {
			best, bestSize = pid, info.Size()
		}
	}
	if best == "" {
		return "", fmt.Errorf("no provider process wrote a CPU profile in %s", dir)
	}
	return best, nil
}
