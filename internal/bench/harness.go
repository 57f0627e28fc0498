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
	"text/template"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// Defaults of the knobs Settings reads from the environment.
const (
	DefaultLatency       = 50 * time.Millisecond
	DefaultRounds        = 3
	DefaultTerraformPath = "/usr/local/bin/terraform"
)

// DefaultSizes are the page counts `make bench` compares the workspaces at;
// BENCH_SIZES=300,1000,5000 adds the large one (several minutes).
var DefaultSizes = []int{300, 1000}

// RequestsPerSecond is the client rate limit of every provider in the bench:
// the provider's maximum (requests_per_second ≤ 100). At 50 ms latency and
// Terraform's 10 parallel operations latency alone would allow 200, so the
// page-by-page provider is bounded by this cap, as it would be in use.
const RequestsPerSecond = 100

// TerraformParallelism is how many resource operations Terraform runs at once
// (its -parallelism default).
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
	RouteUpdatePage = "PUT /wiki/api/v2/pages/{id}"
	// RouteListProperties is how the change record would be read back.
	RouteListProperties = "GET /wiki/api/v2/pages/{page-id}/properties"
)

// Settings are the benchmark knobs.
type Settings struct {
	Sizes         []int         // page counts compared side by side (BENCH_SIZES)
	Latency       time.Duration // injected into every emulator request (BENCH_LATENCY)
	Rounds        int           // plans per workspace; the median is reported (BENCH_ROUNDS)
	TerraformPath string        // the Terraform CLI (TF_ACC_TERRAFORM_PATH)
	ResultsFile   string        // where the results table is written, if set (BENCH_RESULTS)
}

// SettingsFromEnv reads BENCH_SIZES, BENCH_LATENCY, BENCH_ROUNDS,
// BENCH_RESULTS and TF_ACC_TERRAFORM_PATH, falling back to the defaults.
func SettingsFromEnv() (Settings, error) {
	s := Settings{Sizes: DefaultSizes, Latency: DefaultLatency, Rounds: DefaultRounds, TerraformPath: DefaultTerraformPath}
	if v := os.Getenv("BENCH_SIZES"); v != "" {
		s.Sizes = nil
		for _, field := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(field))
			if err != nil || n < 1 {
				return s, fmt.Errorf("BENCH_SIZES=%q is not a comma-separated list of positive page counts; set it to e.g. 300,1000,5000", v)
			}
			s.Sizes = append(s.Sizes, n)
		}
	}
	if v := os.Getenv("BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return s, fmt.Errorf("BENCH_LATENCY=%q is not a non-negative duration; set it to e.g. 50ms", v)
		}
		s.Latency = d
	}
	if v := os.Getenv("BENCH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return s, fmt.Errorf("BENCH_ROUNDS=%q is not a positive number; set it to e.g. 3", v)
		}
		s.Rounds = n
	}
	s.ResultsFile = os.Getenv("BENCH_RESULTS")
	if v := os.Getenv("TF_ACC_TERRAFORM_PATH"); v != "" {
		s.TerraformPath = v
	}
	if _, err := os.Stat(s.TerraformPath); err != nil {
		return s, fmt.Errorf("terraform CLI not found at %s (%w); install Terraform >= 1.11 or set TF_ACC_TERRAFORM_PATH", s.TerraformPath, err)
	}
	return s, nil
}

// Cost is what one measured operation cost the site and the machine.
type Cost struct {
	Requests int // requests the emulator received
	Writes   int // of which were not GET or HEAD
	// RateLimited is how many of the requests the site answered 429.
	RateLimited int
	ByRoute     map[string]int // "METHOD /route/{template}" → requests
	Wall        time.Duration  // wall time of the whole operation

	// Provider processes Terraform started during the operation, as the
	// rusage wrapper recorded them (none for terraform_data).
	ProviderProcesses int
	ProviderCPU       time.Duration // user + system, all processes
	ProviderPeakRSS   int64         // bytes, the largest process
}

// Route returns the requests of one route, e.g. Route(RouteGetPage).
func (c Cost) Route(key string) int { return c.ByRoute[key] }

func costOf(s emulator.Stats, wall time.Duration) Cost {
	return Cost{Requests: s.Total, Writes: s.Writes, RateLimited: s.RateLimited, ByRoute: s.ByRoute, Wall: wall}
}

// Provider kinds a workspace can run. Each has its own dev_overrides
// directory under the directory BuildProviders fills.
type Provider string

// The providers of the bench.
const (
	// Confluence is this repository's provider, built from main.go.
	Confluence Provider = "confluence"
	// Null serves the same schema and does nothing (benchprovider.Null).
	Null Provider = "null"
	// Naive serves the same schema and reads page by page (benchprovider.Naive).
	Naive Provider = "naive"
	// Profiled is this provider writing CPU and heap profiles (make profile).
	Profiled Provider = "profile"
)

// BuildProviders compiles the provider of the module the working directory
// belongs to, the bench provider and the rusage wrapper, and lays out one
// dev_overrides directory per Provider under dir: dir/KIND holds the wrapper
// as terraform-provider-confluence and the provider it runs beside it.
func BuildProviders(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("locating the module with go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("building the provider: the working directory is not inside the provider's Go module; run the benchmarks with go test from the repository")
	}
	bin := filepath.Join(dir, "bin")
	builds := map[string]string{
		"terraform-provider-confluence": ".",
		"bench-provider":                "./internal/bench/cmd/bench-provider",
		"rusage-wrapper":                "./internal/bench/cmd/rusage-wrapper",
	}
	for name, pkg := range builds {
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, name), pkg)
		build.Dir = filepath.Dir(gomod)
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s in %s: %w\n%s", pkg, build.Dir, err, out)
		}
	}
	wrapper, err := os.ReadFile(filepath.Join(bin, "rusage-wrapper"))
	if err != nil {
		return err
	}
	for kind, target := range map[Provider]string{Confluence: "terraform-provider-confluence", Null: "bench-provider", Naive: "bench-provider", Profiled: "bench-provider"} {
		kindDir := filepath.Join(dir, string(kind))
		if err := os.MkdirAll(kindDir, 0o755); err != nil {
			return err
		}
		// A copy, not a link: the wrapper finds the provider beside its own path.
		if err := os.WriteFile(filepath.Join(kindDir, "terraform-provider-confluence"), wrapper, 0o755); err != nil {
			return err
		}
		if err := os.Symlink(filepath.Join(bin, target), filepath.Join(kindDir, "terraform-provider-confluence.real")); err != nil {
			return err
		}
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
// the providers under test.
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
	Revision int  // when not 0, every page says so: changing it changes every page
}

// Workspace is a Terraform working directory using one of the bench's
// providers from a dev_overrides directory (so no terraform init is
// needed), or only Terraform's built-in terraform_data.
type Workspace struct {
	dir       string
	terraform string
	env       []string
	site      *Site
	provider  Provider // "" for a terraform_data workspace
}

// NewWorkspace prepares dir as a working directory against site, with a CLI
// configuration that takes confluence from providersDir/KIND (see
// BuildProviders); kind "" makes a terraform_data workspace. extraEnv is
// added to Terraform's environment (and so the provider's).
func NewWorkspace(dir, terraformPath, providersDir string, kind Provider, site *Site, extraEnv ...string) (*Workspace, error) {
	if err := os.MkdirAll(filepath.Join(dir, "rusage"), 0o755); err != nil {
		return nil, fmt.Errorf("creating the workspace: %w", err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	rc := "provider_installation {\n  direct {}\n}\n"
	if kind != "" {
		rc = fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"docs-as-code/confluence\" = %q\n  }\n  direct {}\n}\n", filepath.Join(providersDir, string(kind)))
	}
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return nil, fmt.Errorf("writing the Terraform CLI configuration: %w", err)
	}
	// The provider falls back to CONFLUENCE_* variables, and reads the log
	// levels from TF_LOG*; keep the caller's out.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFLUENCE_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") && !strings.HasPrefix(kv, "TF_LOG") &&
			!strings.HasPrefix(kv, "BENCH_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"BENCH_RUSAGE_DIR="+filepath.Join(dir, "rusage"))
	if kind == Null || kind == Naive || kind == Profiled {
		env = append(env, "BENCH_PROVIDER_MODE="+string(kind))
	}
	env = append(env, extraEnv...)
	return &Workspace{dir: dir, terraform: terraformPath, env: env, site: site, provider: kind}, nil
}

// Dir is the working directory.
func (w *Workspace) Dir() string { return w.dir }

var configTemplate = template.Must(template.New("main.tf").Parse(`terraform {
{{- if .Provider }}
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
{{- end }}
}
{{ if .Provider }}
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
{{- else }}
# Terraform's own floor: the same content, no provider process.
resource "terraform_data" "bench" {
  count = {{ .Count }}
  input = <<-EOT
{{- end }}
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
{{- if .Revision }}

    Revision {{ .Revision }}.
{{- end }}
  EOT
}
`))

// WriteConfig writes main.tf for the page set.
func (w *Workspace) WriteConfig(set PageSet) error {
	var buf bytes.Buffer
	err := configTemplate.Execute(&buf, map[string]any{
		"Provider": w.provider != "",
		"URL":      w.site.URL(), "Email": botEmail, "Token": botToken, "RequestsPerSecond": RequestsPerSecond,
		"Count": set.Count, "SpaceKey": set.SpaceKey, "Labels": set.Labels, "Revision": set.Revision,
	})
	if err != nil {
		return fmt.Errorf("rendering main.tf: %w", err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("writing main.tf: %w", err)
	}
	return nil
}

// CopyFrom takes main.tf and the state of another workspace, so that a
// bench provider plans exactly the pages the real provider created.
func (w *Workspace) CopyFrom(other *Workspace) error {
	for _, name := range []string{"main.tf", "terraform.tfstate"} {
		raw, err := os.ReadFile(filepath.Join(other.dir, name))
		if err != nil {
			return fmt.Errorf("copying the workspace: %w", err)
		}
		if err := os.WriteFile(filepath.Join(w.dir, name), raw, 0o600); err != nil {
			return fmt.Errorf("copying the workspace: %w", err)
		}
	}
	return nil
}

// Terraform runs one Terraform command (e.g. "plan" or "apply
// -auto-approve") in the workspace and returns what it cost the site and
// what the provider processes cost the machine.
func (w *Workspace) Terraform(ctx context.Context, args ...string) (Cost, error) {
	args = append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(TerraformParallelism))
	rusageDir := filepath.Join(w.dir, "rusage")
	if err := clearDir(rusageDir); err != nil {
		return Cost{}, err
	}
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
	if err := addUsage(&cost, rusageDir); err != nil {
		return cost, err
	}
	if w.provider != "" && cost.ProviderProcesses == 0 {
		return cost, fmt.Errorf("terraform %s in %s: no provider process recorded its usage in %s", strings.Join(args, " "), w.dir, rusageDir)
	}
	return cost, nil
}

// usage is what cmd/rusage-wrapper writes.
type usage struct {
	MaxRSSKiB int64         `json:"max_rss_kib"`
	User      time.Duration `json:"user_ns"`
	System    time.Duration `json:"system_ns"`
}

func addUsage(cost *Cost, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading the provider usage: %w", err)
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("reading the provider usage: %w", err)
		}
		var u usage
		if err := json.Unmarshal(raw, &u); err != nil {
			return fmt.Errorf("parsing the provider usage in %s: %w", e.Name(), err)
		}
		cost.ProviderProcesses++
		cost.ProviderCPU += u.User + u.System
		cost.ProviderPeakRSS = max(cost.ProviderPeakRSS, u.MaxRSSKiB*1024)
	}
	return nil
}

func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("clearing %s: %w", dir, err)
		}
	}
	return nil
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
