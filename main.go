// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/docs-as-code/terraform-provider-confluence/internal/provider"
	"github.com/docs-as-code/terraform-provider-confluence/internal/quietlogs"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		// SDK trace logs nobody asked for cost a quarter of a plan's wall time.
		if err := quietlogs.Apply(); err != nil {
			log.Fatal(err.Error())
		}
	}
	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/docs-as-code/confluence",
		Debug:   debug,
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
