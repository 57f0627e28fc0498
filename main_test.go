// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"runtime/debug"
	"testing"
)

func TestProviderVersion(t *testing.T) {
	built := func(v string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/docs-as-code/terraform-provider-confluence", Version: v}}
	}
	tests := []struct {
		name    string
		ldflags string
		info    *debug.BuildInfo
		want    string
	}{
		{name: "goreleaser", ldflags: "1.2.3", info: built("(devel)"), want: "1.2.3"},
		{name: "ldflags win over the module version", ldflags: "1.2.3", info: built("v1.2.2"), want: "1.2.3"},
		{name: "go install at a tag", ldflags: "dev", info: built("v1.2.3"), want: "1.2.3"},
		{name: "go install at a pseudo-version", ldflags: "dev", info: built("v0.0.0-20261129162300-ea17371abcde"), want: "0.0.0-20261129162300-ea17371abcde"},
		{name: "local build", ldflags: "dev", info: built("(devel)"), want: "dev"},
		{name: "no build info", ldflags: "dev", info: nil, want: "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := providerVersion(tt.ldflags, tt.info); got != tt.want {
				t.Errorf("providerVersion(%q, %v) = %q, want %q", tt.ldflags, tt.info, got, tt.want)
			}
		})
	}
}
