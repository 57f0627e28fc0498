// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package release

import (
	"os"
	"strings"
	"testing"
)

func TestValidVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"0.1.0":                    true,
		"1.2.3":                    true,
		"0.0.0-SNAPSHOT-ea17371":   true,
		"1.0.0-rc.1+build.5":       true,
		"v1.2.3":                   false, // the tag's v is not part of file names
		"1.2":                      false,
		"01.2.3":                   false,
		"1.2.3-":                   false,
		"0.0.0-SNAPSHOT-none_cafe": false,
	} {
		if got := ValidVersion(v); got != want {
			t.Errorf("ValidVersion(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestParseProviderZip(t *testing.T) {
	tests := []struct {
		file    string
		want    Platform
		wantErr string
	}{
		{file: "terraform-provider-confluence_1.2.3_linux_amd64.zip", want: Platform{"linux", "amd64"}},
		{file: "terraform-provider-confluence_1.2.3_windows_arm64.zip", want: Platform{"windows", "arm64"}},
		{file: "terraform-provider-confluence_1.2.3_linux_amd64.tar.gz", wantErr: "is not named"},
		{file: "terraform-provider-confluence-1.2.3-linux-amd64.zip", wantErr: "is not named"},
		{file: "terraform-provider-confluence_v1.2.3_linux_amd64.zip", wantErr: "is not named"},
		{file: "terraform-provider-confluence_1.2.3_linux_amd64_v1.zip", wantErr: "is not named"},
		{file: "main_1.2.3_linux_amd64.zip", wantErr: "is not named"},
		{file: "terraform-provider-main_1.2.3_linux_amd64.zip", wantErr: `for provider "main"`},
		{file: "terraform-provider-confluence_1.2.4_linux_amd64.zip", wantErr: `for version "1.2.4"`},
	}
	for _, tt := range tests {
		got, err := ParseProviderZip(tt.file, "confluence", "1.2.3")
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseProviderZip(%q) error = %v, want one containing %q", tt.file, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseProviderZip(%q) = %v, %v; want %v", tt.file, got, err, tt.want)
		}
	}
}

func TestVersionFromSumsFile(t *testing.T) {
	if v, ok := VersionFromSumsFile("terraform-provider-confluence_0.0.0-SNAPSHOT-abc1234_SHA256SUMS", "confluence"); !ok || v != "0.0.0-SNAPSHOT-abc1234" {
		t.Errorf("snapshot sums file: %q, %v", v, ok)
	}
	for _, f := range []string{
		"terraform-provider-confluence_1.0.0_SHA256SUMS.sig",
		"terraform-provider-main_1.0.0_SHA256SUMS",
		"confluence_1.0.0_SHA256SUMS",
		"checksums.txt",
	} {
		if _, ok := VersionFromSumsFile(f, "confluence"); ok {
			t.Errorf("VersionFromSumsFile(%q) accepted it", f)
		}
	}
}

func TestCheckZipEntries(t *testing.T) {
	linux := Platform{"linux", "amd64"}
	windows := Platform{"windows", "amd64"}
	tests := []struct {
		name    string
		entries []string
		p       Platform
		wantErr string
	}{
		{name: "binary and docs", entries: []string{"LICENSE", "README.md", "terraform-provider-confluence_v1.2.3"}, p: linux},
		{name: "windows exe", entries: []string{"terraform-provider-confluence_v1.2.3.exe"}, p: windows},
		{name: "windows without exe", entries: []string{"terraform-provider-confluence_v1.2.3"}, p: windows, wantErr: "has no"},
		{name: "binary without version", entries: []string{"terraform-provider-confluence"}, p: linux, wantErr: "has no"},
		{name: "named after the folder", entries: []string{"main_v1.2.3"}, p: linux, wantErr: "has no"},
		{name: "in a folder", entries: []string{"dist/terraform-provider-confluence_v1.2.3"}, p: linux, wantErr: "has no"},
		{name: "two binaries", entries: []string{"terraform-provider-confluence_v1.2.3", "bin/terraform-provider-confluence_v1.2.2"}, p: linux, wantErr: "second provider binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckZipEntries(tt.entries, "confluence", "1.2.3", tt.p)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseSums(t *testing.T) {
	h := strings.Repeat("ab", 32)
	sums, err := ParseSums([]byte(h + "  a.zip\n" + strings.Repeat("01", 32) + "  b.tar.gz\n"))
	if err != nil || len(sums) != 2 || sums["a.zip"] != h {
		t.Fatalf("ParseSums = %v, %v", sums, err)
	}
	for name, data := range map[string]string{
		"one space":    h + " a.zip\n",
		"short digest": "abcd  a.zip\n",
		"upper hex":    strings.ToUpper(h) + "  a.zip\n",
		"duplicate":    h + "  a.zip\n" + h + "  a.zip\n",
		"empty":        "",
	} {
		if _, err := ParseSums([]byte(data)); err == nil {
			t.Errorf("%s: ParseSums accepted %q", name, data)
		}
	}
}

func TestCheckSums(t *testing.T) {
	h := strings.Repeat("0", 64)
	sums := func(files ...string) map[string]string {
		m := map[string]string{}
		for _, f := range files {
			m[f] = h
		}
		return m
	}
	const manifest = "terraform-provider-confluence_1.2.3_manifest.json"
	tests := []struct {
		name    string
		sums    map[string]string
		want    int
		wantErr string
	}{
		{name: "zips, manifest and a command archive", want: 2, sums: sums(
			"terraform-provider-confluence_1.2.3_linux_amd64.zip",
			"terraform-provider-confluence_1.2.3_darwin_arm64.zip",
			"confluence-emulator_1.2.3_linux_amd64.tar.gz",
			manifest)},
		{name: "no manifest", wantErr: "no entry for the manifest", sums: sums(
			"terraform-provider-confluence_1.2.3_linux_amd64.zip")},
		{name: "no zip", wantErr: "no provider zip", sums: sums(manifest)},
		{name: "command archive under the provider's name", wantErr: "is not named", sums: sums(
			"terraform-provider-confluence_1.2.3_linux_amd64.zip",
			"terraform-provider-confluence-emulator_1.2.3_linux_amd64.tar.gz",
			manifest)},
		{name: "another version's zip", wantErr: `for version "1.2.2"`, sums: sums(
			"terraform-provider-confluence_1.2.2_linux_amd64.zip", manifest)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckSums(tt.sums, "confluence", "1.2.3")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("CheckSums = %v, %v; want %d platforms", got, err, tt.want)
			}
		})
	}
}

func TestCheckManifest(t *testing.T) {
	tests := []struct {
		name, data, wantErr string
	}{
		{name: "protocol 6", data: `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`},
		{name: "protocol 5", data: `{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}`, wantErr: "serves only"},
		{name: "both protocols", data: `{"version": 1, "metadata": {"protocol_versions": ["5.0", "6.0"]}}`, wantErr: "serves only"},
		{name: "format version 2", data: `{"version": 2, "metadata": {"protocol_versions": ["6.0"]}}`, wantErr: "reads version 1"},
		{name: "misspelt key", data: `{"version": 1, "metadata": {"protocols": ["6.0"]}}`, wantErr: "not the registry's JSON"},
		{name: "not JSON", data: `version = 1`, wantErr: "not the registry's JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckManifest([]byte(tt.data))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// The repository's manifest is the one goreleaser publishes.
func TestRepositoryManifest(t *testing.T) {
	data, err := os.ReadFile(repoManifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckManifest(data); err != nil {
		t.Fatal(err)
	}
}
