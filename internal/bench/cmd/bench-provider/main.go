// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Command bench-provider serves the providers `make bench` and `make
// profile` run through Terraform, chosen by BENCH_PROVIDER_MODE:
//   - "null" and "naive": see package benchprovider;
//   - "profile": the real provider, served as main.go serves it, writing a
//     CPU profile to BENCH_CPUPROFILE and a heap profile (allocations and
//     what is live at exit) to BENCH_MEMPROFILE when Terraform stops it.
package main

import (
	"context"
	"log"
	"os"
	"runtime"
	"runtime/pprof"

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
		stop, err := startProfiles(os.Getenv("BENCH_CPUPROFILE"), os.Getenv("BENCH_MEMPROFILE"))
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
		defer f.Close()
		runtime.GC() // the live heap at exit, next to every allocation of the run
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			log.Print(err)
		}
	}, nil
}
