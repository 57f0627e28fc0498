// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package bench measures what the provider costs a Confluence site: requests
// (the quota that rate limits spend) and wall time, with the real Terraform
// CLI driving the provider built from this repository against the in-process
// emulator with injected latency. The benchmarks in this package use it; it
// is the harness behind `make bench`.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// Defaults of the knobs Settings reads from the environment.
const (
	DefaultPages         = 300
	DefaultLatency       = 20 * time.Millisecond
	DefaultTerraformPath = "/usr/local/bin/terraform"
)

// RequestsPerSecond is the client rate limit of both the provider under test
// and the naive path, so that they are compared under the same limit.
const RequestsPerSecond = 100

// TerraformParallelism is how many resource operations Terraform runs at once
// (its -parallelism default); the naive path uses the same concurrency.
const TerraformParallelism = 10

// Demo accounts of the emulator (emulator.NewDemo).
const (
	botEmail, botToken       = "bot@example.com", "bot-token"
	editorEmail, editorToken = "editor@example.com", "editor-token"
)

// Route keys of emulator.Stats.ByRoute that the scenarios are judged by.
const (
	RouteListPages  = "GET /wiki/api/v2/pages"
	RouteGetPage    = "GET /wiki/api/v2/pages/{id}"
	RouteGetLabels  = "GET /wiki/api/v2/pages/{id}/labels"
	RouteCreatePage = "POST /wiki/api/v2/pages"
)

// Settings are the benchmark knobs.
type Settings struct {
	Pages         int           // pages managed per scenario (BENCH_PAGES)
	Latency       time.Duration // injected into every emulator request (BENCH_LATENCY)
	TerraformPath string        // the Terraform CLI (TF_ACC_TERRAFORM_PATH)
}

// SettingsFromEnv reads BENCH_PAGES, BENCH_LATENCY and TF_ACC_TERRAFORM_PATH,
// falling back to the defaults.
func SettingsFromEnv() (Settings, error) {
	s := Settings{Pages: DefaultPages, Latency: DefaultLatency, TerraformPath: DefaultTerraformPath}
	if v := os.Getenv("BENCH_PAGES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("BENCH_PAGES=%q is not a positive number of pages; set it to e.g. 300", v)
		}
		s.Pages = n
	}
	if v := os.Getenv("BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return s, fmt.Errorf("BENCH_LATENCY=%q is not a non-negative duration; set it to e.g. 20ms", v)
		}
		s.Latency = d
	}
	if v := os.Getenv("TF_ACC_TERRAFORM_PATH"); v != "" {
		s.TerraformPath = v
	}
	if _, err := os.Stat(s.TerraformPath); err != nil {
		return s, fmt.Errorf("terraform CLI not found at %s (%w); install Terraform >= 1.11 or set TF_ACC_TERRAFORM_PATH", s.TerraformPath, err)
	}
	return s, nil
}

// Cost is what one measured operation cost the site.
type Cost struct {
	Requests int            // requests the emulator received
	Writes   int            // of which were not GET or HEAD
	ByRoute  map[string]int // "METHOD /route/{template}" → requests
	Wall     time.Duration  // wall time of the whole operation
}

// Route returns the requests of one route, e.g. Route(RouteGetPage).
func (c Cost) Route(key string) int { return c.ByRoute[key] }

func costOf(s emulator.Stats, wall time.Duration) Cost {
	return Cost{Requests: s.Total, Writes: s.Writes, ByRoute: s.ByRoute, Wall: wall}
}

// BuildProvider compiles the provider of the module the working directory
// belongs to into dir/terraform-provider-confluence, the name dev_overrides
// looks for.
func BuildProvider(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("locating the module with go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("building the provider: the working directory is not inside the provider's Go module; run the benchmarks with go test from the repository")
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-confluence"), ".")
	build.Dir = filepath.Dir(gomod)
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider in %s: %w\n%s", build.Dir, err, out)
	}
	return nil
}

// Site is a demo emulator (spaces DOCS and OPS, demo accounts) served on a
// loopback port, with latency injected into every request.
type Site struct {
	Emulator *emulator.Emulator
	server   *httptest.Server
}

// NewSite starts a demo site. Close it when done.
func NewSite(latency time.Duration) *Site {
	emu := emulator.NewDemo(emulator.Options{Latency: latency})
	return &Site{Emulator: emu, server: httptest.NewServer(emu)}
}

// URL is the site's base URL.
func (s *Site) URL() string { return s.server.URL }

// Close stops the server.
func (s *Site) Close() { s.server.Close() }

// Client returns a client of the site as the given account, rate limited like
// the provider under test.
func (s *Site) Client(email, token string) (*confluence.Client, error) {
	return confluence.New(confluence.Config{
		BaseURL:           s.URL(),
		Email:             email,
		APIToken:          token,
		Version:           "bench",
		RequestsPerSecond: RequestsPerSecond,
	})
}

// measure runs op with the site's counters reset and returns what it cost.
func (s *Site) measure(op func() error) (Cost, error) {
	s.Emulator.ResetStats()
	start := time.Now()
	err := op()
	return costOf(s.Emulator.Stats(), time.Since(start)), err
}

// PageSet is the configuration a Workspace applies: Count pages with Markdown
// bodies in one space.
type PageSet struct {
	SpaceKey string
	Count    int
	Labels   bool // set labels on every page (labels are then read on refresh)
}

// Workspace is a Terraform working directory using the provider from a
// dev_overrides directory, so no terraform init is needed.
type Workspace struct {
	dir       string
	terraform string
	env       []string
	site      *Site
}

// NewWorkspace prepares dir as a working directory against site, with a CLI
// configuration that takes the provider from providerDir.
func NewWorkspace(dir, terraformPath, providerDir string, site *Site) (*Workspace, error) {
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"docs-as-code/confluence\" = %q\n  }\n  direct {}\n}\n", providerDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return nil, fmt.Errorf("writing the Terraform CLI configuration: %w", err)
	}
	// The provider falls back to CONFLUENCE_* variables; keep the caller's out.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFLUENCE_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &Workspace{dir: dir, terraform: terraformPath, env: env, site: site}, nil
}

var configTemplate = template.Must(template.New("main.tf").Parse(`terraform {
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}

provider "confluence" {
  url                 = {{ printf "%q" .URL }}
  email               = {{ printf "%q" .Email }}
  api_token           = {{ printf "%q" .Token }}
  requests_per_second = {{ .RequestsPerSecond }}
}

resource "confluence_page" "bench" {
  count     = {{ .Count }}
  space_key = {{ printf "%q" .SpaceKey }}
  title     = "Bench page ${count.index + 1}"
{{- if .Labels }}
  labels    = ["bench", "generated"]
{{- end }}
  markdown  = <<-EOT
    # Bench page ${count.index + 1}

    This page is generated by the **benchmark** harness. It has a list, a
    [link](https://example.com/docs/${count.index + 1}) and some code:

    - first item
    - second item with ` + "`inline code`" + `

    ` + "```go" + `
    fmt.Println("page ${count.index + 1}")
    ` + "```" + `

    | Column | Value |
    | ------ | ----- |
    | index  | ${count.index} |

    > [!NOTE]
    > Generated content; edits are detected on refresh.
  EOT
}
`))

// WriteConfig writes main.tf for the page set.
func (w *Workspace) WriteConfig(set PageSet) error {
	var buf bytes.Buffer
	err := configTemplate.Execute(&buf, map[string]any{
		"URL": w.site.URL(), "Email": botEmail, "Token": botToken, "RequestsPerSecond": RequestsPerSecond,
		"Count": set.Count, "SpaceKey": set.SpaceKey, "Labels": set.Labels,
	})
	if err != nil {
		return fmt.Errorf("rendering main.tf: %w", err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("writing main.tf: %w", err)
	}
	return nil
}

// Terraform runs one Terraform command (e.g. "plan" or "apply
// -auto-approve") in the workspace and returns what it cost the site.
func (w *Workspace) Terraform(ctx context.Context, args ...string) (Cost, error) {
	args = append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(TerraformParallelism))
	var output bytes.Buffer
	cost, err := w.site.measure(func() error {
		cmd := exec.CommandContext(ctx, w.terraform, args...)
		cmd.Dir, cmd.Env = w.dir, w.env
		cmd.Stdout, cmd.Stderr = &output, &output
		return cmd.Run()
	})
	if err != nil {
		return cost, fmt.Errorf("terraform %s in %s: %w\n%s", strings.Join(args, " "), w.dir, err, tail(output.String(), 4000))
	}
	return cost, nil
}

// tail returns at most the last n bytes of s: the end of Terraform's output
// is where its errors are.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// PageIDs returns the ids of the pages in the workspace's local state, in
// count order.
func (w *Workspace) PageIDs() ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		return nil, fmt.Errorf("reading the state: %w", err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("parsing the state: %w", err)
	}
	var ids []string
	for _, r := range state.Resources {
		if r.Type != "confluence_page" {
			continue
		}
		for _, inst := range r.Instances {
			ids = append(ids, inst.Attributes.ID)
		}
	}
	return ids, nil
}

// NaiveRefresh measures what a provider that reads every page by id would
// cost: one GET /wiki/api/v2/pages/{id}?body-format=storage per page, issued
// by TerraformParallelism workers through the same rate-limited client.
func NaiveRefresh(ctx context.Context, site *Site, ids []string) (Cost, error) {
	client, err := site.Client(botEmail, botToken)
	if err != nil {
		return Cost{}, err
	}
	return site.measure(func() error {
		work := make(chan string)
		errs := make(chan error, len(ids))
		var wg sync.WaitGroup
		for range TerraformParallelism {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range work {
					if _, err := client.GetPage(ctx, id, confluence.GetPageOptions{IncludeBody: true}); err != nil {
						errs <- fmt.Errorf("naive read of page %s: %w", id, err)
					}
				}
			}()
		}
		for _, id := range ids {
			work <- id
		}
		close(work)
		wg.Wait()
		close(errs)
		return errors.Join(collect(errs)...)
	})
}

func collect(errs <-chan error) []error {
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return all
}

// EditPages saves a new version of each page as the editor account, as a
// person editing in Confluence would. The requests are not counted as part
// of any measurement that starts afterwards.
func EditPages(ctx context.Context, site *Site, ids []string) error {
	client, err := site.Client(editorEmail, editorToken)
	if err != nil {
		return err
	}
	for _, id := range ids {
		page, err := client.GetPage(ctx, id, confluence.GetPageOptions{IncludeBody: true})
		if err != nil {
			return fmt.Errorf("reading page %s to edit it: %w", id, err)
		}
		_, err = client.UpdatePage(ctx, confluence.UpdatePageRequest{
			ID:             id,
			Title:          page.Title,
			ParentID:       page.ParentID,
			Body:           page.Body + "<p>Edited in Confluence by a person.</p>",
			VersionNumber:  page.Version.Number + 1,
			VersionMessage: "manual edit",
		})
		if err != nil {
			return fmt.Errorf("editing page %s as %s: %w", id, editorEmail, err)
		}
	}
	return nil
}
