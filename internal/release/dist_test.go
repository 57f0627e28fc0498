// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package release

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoManifest is the repository's terraform-registry-manifest.json.
const repoManifest = "../../terraform-registry-manifest.json"

// fakeDist writes a release directory shaped as the registry wants for version 1.2.3 and
// returns it; mutate may change the files before SHA256SUMS is written.
func fakeDist(t *testing.T, mutate func(files map[string][]byte)) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		"terraform-provider-confluence_1.2.3_linux_amd64.zip":   zipOf(t, "LICENSE", "terraform-provider-confluence_v1.2.3"),
		"terraform-provider-confluence_1.2.3_windows_amd64.zip": zipOf(t, "terraform-provider-confluence_v1.2.3.exe"),
		"confluence-emulator_1.2.3_linux_amd64.tar.gz":          []byte("not checked beyond its digest"),
	}
	if mutate != nil {
		mutate(files)
	}
	manifest, err := os.ReadFile(repoManifest)
	if err != nil {
		t.Fatal(err)
	}
	var sums strings.Builder
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sums, "%s  %s\n", digest(data), name)
	}
	fmt.Fprintf(&sums, "%s  %s\n", digest(manifest), "terraform-provider-confluence_1.2.3_manifest.json")
	if err := os.WriteFile(filepath.Join(dir, "terraform-provider-confluence_1.2.3_SHA256SUMS"), []byte(sums.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf strings.Builder
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("content of " + n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(buf.String())
}

func TestCheckDist(t *testing.T) {
	d, err := CheckDist(fakeDist(t, nil), ProviderName, repoManifest)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "1.2.3" || len(d.Zips) != 2 || d.Zips[Platform{"windows", "amd64"}] == "" {
		t.Fatalf("CheckDist = %+v", d)
	}
}

func TestCheckDistRejects(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(files map[string][]byte)
		after   func(t *testing.T, dir string)
		wantErr string
	}{
		{
			name: "binary named after the checkout's folder",
			mutate: func(f map[string][]byte) {
				f["terraform-provider-confluence_1.2.3_linux_amd64.zip"] = zipOf(t, "main_v1.2.3")
			},
			wantErr: `has no "terraform-provider-confluence_v1.2.3"`,
		},
		{
			name: "tarball for the provider",
			mutate: func(f map[string][]byte) {
				f["terraform-provider-confluence_1.2.3_freebsd_arm.tar.gz"] = []byte("x")
			},
			wantErr: "is not named",
		},
		{
			name: "zip changed after the checksums",
			after: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "terraform-provider-confluence_1.2.3_linux_amd64.zip"), zipOf(t, "terraform-provider-confluence_v1.2.3", "extra"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "but the file has",
		},
		{
			name: "zip missing from the checksums",
			after: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "terraform-provider-confluence_1.2.3_darwin_arm64.zip"), zipOf(t, "terraform-provider-confluence_v1.2.3"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "is not listed in",
		},
		{
			name: "listed archive missing",
			after: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "confluence-emulator_1.2.3_linux_amd64.tar.gz")); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "no such file",
		},
		{
			name: "a second checksum file",
			after: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "terraform-provider-confluence_1.2.4_SHA256SUMS"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "holds 2 checksum files",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := fakeDist(t, tt.mutate)
			if tt.after != nil {
				tt.after(t, dir)
			}
			_, err := CheckDist(dir, ProviderName, repoManifest)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckDist error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckDistManifestMismatch(t *testing.T) {
	dir := fakeDist(t, nil)
	other := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(other, []byte(`{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := CheckDist(dir, ProviderName, other)
	if err == nil || !strings.Contains(err.Error(), "serves only") || !strings.Contains(err.Error(), "manifest.json with sha256") {
		t.Fatalf("CheckDist error = %v, want the protocol and the digest mismatch", err)
	}
}
