// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Command bench-provider serves the providers `make bench` and `make
// profile` run through Terraform, chosen by BENCH_PROVIDER_MODE:
//   - "null" and "naive": see package benchprovider;
//   - "profile": the real provider, served as main.go serves it, writing a
//     CPU profile to BENCH_PROFILE_DIR/cpu-PID.pprof and a heap profile
//     (allocations and what is live at exit) to mem-PID.pprof when Terraform
//     stops it. Terraform may start the provider more than once per command,
//     hence the process id.
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/docs-as-code/terraform-provider-confluence/internal/bench/benchprovider"
	confluenceprovider "github.com/docs-as-code/terraform-provider-confluence/internal/provider"
	"github.com/docs-as-code/terraform-provider-confluence/internal/quietlogs"
)

func main() {
	// The same logging switch as main.go, so every provider pays the same.
	if err := quietlogs.Apply(); err != nil {
		log.Fatal(err)
	}
	var factory func() provider.Provider
	mode := os.Getenv("BENCH_PROVIDER_MODE")
	if mode == "profile" {
		factory = confluenceprovider.New("profile")
		dir, pid := os.Getenv("BENCH_PROFILE_DIR"), strconv.Itoa(os.Getpid())
		if dir == "" {
			log.Fatal("BENCH_PROFILE_DIR is not set: the profile mode needs a directory for its profiles")
		}
		stop, err := startProfiles(filepath.Join(dir, "cpu-"+pid+".pprof"), filepath.Join(dir, "mem-"+pid+".pprof"))
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
	} else {
		m, err := benchprovider.ParseMode(mode)
		if err != nil {
			log.Fatal(err)
		}
		factory = benchprovider.New(m)
	}
	opts := providerserver.ServeOpts{Address: "registry.terraform.io/docs-as-code/confluence"}
	if err := providerserver.Serve(context.Background(), factory, opts); err != nil {
		log.Print(err)
	}
}

// startProfiles starts CPU profiling into cpuPath; the returned function
// stops it and writes the heap profile to memPath.
func startProfiles(cpuPath, memPath string) (func(), error) {
	var cpu *os.File
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		cpu = f
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			_ = cpu.Close()
		}
		if memPath == "" {
			return
		}
		f, err := os.Create(memPath)
		if err != nil {
			log.Print(err)
			return
		}
		runtime.GC() // the live heap at exit, next to every allocation of the run
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			log.Print(err)
		}
		if err := f.Close(); err != nil {
			log.Print(err)
		}
	}, nil
}
