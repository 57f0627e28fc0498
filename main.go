// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"flag"
	"log"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/docs-as-code/terraform-provider-confluence/internal/protocol"
	"github.com/docs-as-code/terraform-provider-confluence/internal/provider"
	"github.com/docs-as-code/terraform-provider-confluence/internal/quietlogs"
)

// version is set by goreleaser (and make build) through -ldflags "-X main.version=...".
// The provider reports it as its Metadata version and sends it in the User-Agent of every
// Confluence request (terraform-provider-confluence/VERSION).
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	if !debugMode {
		// SDK trace logs nobody asked for cost a quarter of a plan's wall time.
		if err := quietlogs.Apply(); err != nil {
			log.Fatal(err.Error())
		}
	}
	// What providerserver.Serve does, with the server wrapped so that an
	// unchanged refresh is no change to Terraform (see protocol.StableRefresh).
	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	info, _ := debug.ReadBuildInfo()
	server := protocol.StableRefresh(providerserver.NewProtocol6(provider.New(providerVersion(version, info))()))
	if err := tf6server.Serve("registry.terraform.io/docs-as-code/confluence", server, opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// providerVersion is the ldflags version or, for a binary built without it by
// `go install github.com/docs-as-code/terraform-provider-confluence@vX.Y.Z`, the module
// version Go recorded, without the tag's "v" as in release file names.
func providerVersion(ldflags string, info *debug.BuildInfo) string {
	if ldflags != "dev" && ldflags != "" {
		return ldflags
	}
	if info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return strings.TrimPrefix(info.Main.Version, "v")
	}
	return "dev"
}
