// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package release

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// The snapshot tests check what `make release-check` built with goreleaser. They run
// when RELEASE_DIST names goreleaser's dist/ directory, RELEASE_TARGETS lists the
// platforms it built (e.g. linux_amd64) and, for the Terraform test, TF_ACC is set.
func snapshotDist(t *testing.T) *Dist {
	t.Helper()
	dir := os.Getenv("RELEASE_DIST")
	if dir == "" {
		t.Skip("RELEASE_DIST is not set: run `make release-check` to build and check a snapshot")
	}
	d, err := CheckDist(dir, ProviderName, repoManifest)
	if err != nil {
		t.Fatalf("the snapshot in %s is not what the Terraform Registry accepts:\n%v", dir, err)
	}
	return d
}

func TestSnapshotArtifacts(t *testing.T) {
	d := snapshotDist(t)
	if !ValidVersion(d.Version) {
		t.Errorf("snapshot version %q is not a semantic version", d.Version)
	}
	var got []string
	for p := range d.Zips {
		got = append(got, p.String())
	}
	slices.Sort(got)
	want := strings.Split(os.Getenv("RELEASE_TARGETS"), ",")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("provider zips for %q, want exactly %q (RELEASE_TARGETS)", got, want)
	}
	// The repository's commands are released beside the provider under their own names:
	// every other file listed is COMMAND_VERSION_OS_ARCH.(tar.gz|zip) for a directory in
	// cmd/, and the emulator is among them.
	data, err := os.ReadFile(filepath.Join(os.Getenv("RELEASE_DIST"), SumsFileName(ProviderName, d.Version)))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := ParseSums(data)
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := os.ReadDir("../../cmd")
	if err != nil {
		t.Fatal(err)
	}
	commandArchive := regexp.MustCompile(`^([a-z0-9-]+)_` + regexp.QuoteMeta(d.Version) + `_[a-z0-9]+_[a-z0-9]+\.(?:tar\.gz|zip)$`)
	released := map[string]bool{}
	for file := range sums {
		if strings.HasPrefix(file, "terraform-provider-") {
			continue // checked by CheckDist
		}
		m := commandArchive.FindStringSubmatch(file)
		if m == nil || !slices.ContainsFunc(cmds, func(e os.DirEntry) bool { return e.IsDir() && e.Name() == m[1] }) {
			t.Errorf("%s is neither a provider artifact nor a COMMAND_%s_OS_ARCH archive of a command in cmd/", file, d.Version)
			continue
		}
		released[m[1]] = true
	}
	if !released["confluence-emulator"] {
		t.Errorf("the snapshot has no confluence-emulator archive")
	}
	t.Logf("commands released: %v", slices.Sorted(maps.Keys(released)))
}

// TestSnapshotInstallsWithTerraform installs the snapshot's zip the way Terraform installs
// a registry release (a packed filesystem mirror holds the same zip the registry serves),
// then checks that `terraform version` names the release version and that the provider
// sends it in its User-Agent, as set by goreleaser's -X main.version.
func TestSnapshotInstallsWithTerraform(t *testing.T) {
	d := snapshotDist(t)
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "/usr/local/bin/terraform"
	}
	// Terraform here can only run the binary built for this machine.
	host := Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	zipPath, ok := d.Zips[host]
	if !ok {
		t.Fatalf("the snapshot has no zip for this machine's platform %s", host)
	}

	// Packed layout: HOSTNAME/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_TARGET.zip
	// (https://developer.hashicorp.com/terraform/cli/config/config-file#filesystem_mirror).
	root := t.TempDir()
	mirror := filepath.Join(root, "mirror")
	pkgDir := filepath.Join(mirror, "registry.terraform.io", "docs-as-code", ProviderName)
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkgDir, filepath.Base(zipPath)), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(root, "terraform.rc")
	if err := os.WriteFile(cliConfig, fmt.Appendf(nil, `provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/docs-as-code/confluence"]
  }
}
`, mirror), 0o600); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var agents []string
	emu := emulator.NewDemo(emulator.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	work := filepath.Join(root, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// A pre-release is only chosen when the constraint names it exactly.
	if err := os.WriteFile(filepath.Join(work, "main.tf"), fmt.Appendf(nil, `terraform {
  required_providers {
    confluence = {
      source  = "docs-as-code/confluence"
      version = %q
    }
  }
}

provider "confluence" {
  url         = %q
  email       = "reader@example.com"
  api_token   = "reader-token"
  max_retries = 1
}

data "confluence_space" "docs" {
  key = "DOCS"
}
`, d.Version, srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), tf, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(),
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"TF_PLUGIN_CACHE_DIR=",
			"CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1",
		)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	run("init", "-input=false", "-no-color")
	if out := run("version"); !strings.Contains(out, "+ provider registry.terraform.io/docs-as-code/confluence v"+d.Version+"\n") {
		t.Errorf("terraform version does not list the provider at v%s:\n%s", d.Version, out)
	}
	run("plan", "-input=false", "-no-color", "-lock=false")

	mu.Lock()
	defer mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("the provider sent no request to the emulator")
	}
	want := "terraform-provider-confluence/" + d.Version
	for _, ua := range agents {
		if ua != want {
			t.Fatalf("User-Agent %q, want %q (from -X main.version)", ua, want)
		}
	}
}
