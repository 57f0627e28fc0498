// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cliProvider is the provider built from this repository, for tests that
// drive the real Terraform CLI themselves: several workspaces at once, or
// signals, which terraform-plugin-testing cannot do.
type cliProvider struct {
	terraform string
	env       []string // the environment every workspace runs in
}

// buildCLIProvider builds the provider and a CLI configuration whose
// dev_overrides point Terraform at it. It skips without TF_ACC.
func buildCLIProvider(t *testing.T) *cliProvider {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(bin, "terraform-provider-confluence"), ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"docs-as-code/confluence\" = %q\n  }\n  direct {}\n}\n", bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFLUENCE_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") && !strings.HasPrefix(kv, "TF_LOG") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &cliProvider{terraform: os.Getenv("TF_ACC_TERRAFORM_PATH"), env: env}
}

// cliWorkspace is one working directory with its own configuration and
// state.
type cliWorkspace struct {
	p   *cliProvider
	dir string
}

// workspace writes config (provider block included) to a new directory.
func (p *cliProvider) workspace(t *testing.T, config string) *cliWorkspace {
	t.Helper()
	dir := t.TempDir()
	config = "terraform {\n  required_providers {\n    confluence = { source = \"docs-as-code/confluence\" }\n  }\n}\n" + config
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return &cliWorkspace{p: p, dir: dir}
}

// command is terraform with args in the workspace, without input or color.
func (w *cliWorkspace) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.p.terraform, append([]string{args[0], "-input=false", "-no-color"}, args[1:]...)...)
	cmd.Dir, cmd.Env = w.dir, w.p.env
	return cmd
}

// run runs terraform with args and returns its combined output.
func (w *cliWorkspace) run(ctx context.Context, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := w.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// tfState is the part of terraform.tfstate the tests read.
type tfState struct {
	Resources []struct {
		Type, Name string
		Instances  []struct {
			IndexKey   any `json:"index_key"`
			Attributes struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// pagesInState maps the id of every confluence_page in the workspace's
// state to its title; an empty map when there is no state yet.
func (w *cliWorkspace) pagesInState(t *testing.T) map[string]string {
	t.Helper()
	inState := map[string]string{}
	raw, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return inState
	}
	if err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	var st tfState
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		if r.Type != "confluence_page" {
			continue
		}
		for _, in := range r.Instances {
			inState[in.Attributes.ID] = in.Attributes.Title
		}
	}
	return inState
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
