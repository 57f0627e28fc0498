// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// The end-to-end tests drive the real Terraform CLI with the provider built
// from this repository against the in-process emulator, then run the command
// on the plans Terraform produced. TF_ACC=1 turns them on, as for the
// provider's acceptance tests.

// buildProvider compiles the provider into a directory dev_overrides points at.
func buildProvider(t *testing.T) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("locating the module: %v", err)
	}
	dir := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(dir, "terraform-provider-confluence"), ".")
	build.Dir = strings.TrimSpace(string(out))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// site is an emulator and the Terraform environment pointing at it.
type site struct {
	t   *testing.T
	emu *emulator.Emulator
	url string
	rc  string // CLI configuration with dev_overrides
	tf  string
}

func newSite(t *testing.T) *site {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the end-to-end tests with the real Terraform CLI")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "/usr/local/bin/terraform"
	}
	dir := buildProvider(t)
	emu := emulator.NewDemo(emulator.Options{})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    \"docs-as-code/confluence\" = %q\n  }\n  direct {}\n}\n", dir), 0o600); err != nil {
		t.Fatal(err)
	}
	return &site{t: t, emu: emu, url: srv.URL, rc: rc, tf: tf}
}

// workspace is a Terraform working directory acting as one account.
type workspace struct {
	s            *site
	dir          string
	email, token string
}

func (s *site) workspace(email, token, config string) *workspace {
	w := &workspace{s: s, dir: s.t.TempDir(), email: email, token: token}
	w.write(config)
	return w
}

func (w *workspace) write(config string) {
	w.s.t.Helper()
	header := `
terraform {
  required_providers {
    confluence = { source = "docs-as-code/confluence" }
  }
}
`
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(header+config), 0o600); err != nil {
		w.s.t.Fatal(err)
	}
}

func (w *workspace) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFLUENCE_") && !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	return append(env, "TF_CLI_CONFIG_FILE="+w.s.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"CONFLUENCE_URL="+w.s.url, "CONFLUENCE_EMAIL="+w.email, "CONFLUENCE_API_TOKEN="+w.token, "TF_VAR_bot_token=bot-token")
}

// run runs terraform and returns its stdout; err is set when it fails.
func (w *workspace) run(args ...string) (string, error) {
	cmd := exec.CommandContext(w.s.t.Context(), w.s.tf, args...)
	cmd.Dir, cmd.Env = w.dir, w.env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("terraform %s: %w\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), err
}

func (w *workspace) mustRun(args ...string) string {
	w.s.t.Helper()
	out, err := w.run(args...)
	if err != nil {
		w.s.t.Fatal(err)
	}
	return out
}

// plan saves a plan and its -json stream, and the plan's JSON when the plan
// succeeded. It returns the paths and whether terraform plan succeeded.
func (w *workspace) plan(name string) (planJSON, stream string, ok bool) {
	w.s.t.Helper()
	stream = filepath.Join(w.dir, name+".jsonl")
	out, err := w.run("plan", "-json", "-out="+name+".tfplan")
	if werr := os.WriteFile(stream, []byte(out), 0o600); werr != nil {
		w.s.t.Fatal(werr)
	}
	if err != nil {
		return "", stream, false
	}
	planJSON = filepath.Join(w.dir, name+".json")
	if err := os.WriteFile(planJSON, []byte(w.mustRun("show", "-json", name+".tfplan")), 0o600); err != nil {
		w.s.t.Fatal(err)
	}
	return planJSON, stream, true
}

// reportOf runs the command on a plan and returns its JSON report and exit status.
func reportOf(t *testing.T, planJSON, stream string) (report.Report, int) {
	t.Helper()
	args := []string{"report", "--format", "json", "--log", stream}
	if planJSON != "" {
		args = append(args, "--plan", planJSON)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	var rep report.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report output is not JSON (%v): %s\n%s", err, stdout.String(), stderr.String())
	}
	if rep.ExitCode != code || rep.Schema != report.SchemaVersion {
		t.Fatalf("exit status %d, report says %d (%s)", code, rep.ExitCode, rep.Schema)
	}
	return rep, code
}

// markdownOf renders the same plan as Markdown.
func markdownOf(t *testing.T, planJSON, stream string) string {
	t.Helper()
	var stdout bytes.Buffer
	run(context.Background(), []string{"--plan", planJSON, "--log", stream}, strings.NewReader(""), &stdout, &bytes.Buffer{}, func(string) string { return "" })
	return stdout.String()
}

func change(t *testing.T, rep report.Report, address string) report.Change {
	t.Helper()
	for _, c := range rep.Changes {
		if c.Address == address {
			return c
		}
	}
	t.Fatalf("no change for %s in %+v", address, rep.Changes)
	return report.Change{}
}

// as runs a subcommand with an account's credentials.
func (s *site) as(email, token string, args ...string) (string, int) {
	env := map[string]string{"CONFLUENCE_URL": s.url, "CONFLUENCE_EMAIL": email, "CONFLUENCE_API_TOKEN": token}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	return stdout.String() + stderr.String(), code
}

const adminConfig = `
provider "confluence" {}

variable "bot_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "confluence_connection" "bot" {
  name                 = "docs-bot"
  email                = "bot@example.com"
  spaces               = ["DOCS"]
  api_token_wo         = var.bot_token
  api_token_wo_version = 1
}

resource "confluence_operation_policy" "bot" {
  connection_name = confluence_connection.bot.id
  create_page     = "allowed"
  update_page     = "allowed_with_confirmation"
  delete_page     = "%s"
  approvers       = ["admin@example.com", "editor@example.com"]
}
`

func botConfig(pages map[string]string) string {
	var b strings.Builder
	b.WriteString("provider \"confluence\" {\n  connection = \"docs-bot\"\n  change_reference = \"e2e\"\n}\n")
	for name, text := range pages {
		fmt.Fprintf(&b, "\nresource \"confluence_page\" %q {\n  space_key = \"DOCS\"\n  title     = %q\n  markdown  = %q\n  labels    = [\"generated\"]\n}\n", name, strings.ToUpper(name[:1])+name[1:], text)
	}
	return b.String()
}

// One story through every kind of change the report covers: connection and
// policy changes, creates, a gated update (approved by a listed approver
// after the bot's own approval is refused), a person's edit being
// overwritten, a gated delete, a policy change and a denied delete; then the
// audit export of the whole trail with its requests counted.
func TestAccPlanReportApprovalAndAudit(t *testing.T) {
	s := newSite(t)
	start := time.Now().UTC().Add(-time.Minute)

	// Connection and policy changes (the admin workspace).
	admin := s.workspace("admin@example.com", "admin-token", fmt.Sprintf(adminConfig, "allowed_with_confirmation"))
	planJSON, stream, ok := admin.plan("admin")
	if !ok {
		t.Fatalf("admin plan failed: %s", readFile(t, stream))
	}
	rep, code := reportOf(t, planJSON, stream)
	if code != report.ExitAllowed || len(rep.AdminChanges) != 2 || len(rep.Changes) != 0 {
		t.Fatalf("admin plan: exit %d, report %+v", code, rep)
	}
	for _, a := range rep.AdminChanges {
		for _, at := range a.Attributes {
			if strings.Contains(at.Name, "token_wo") && !strings.HasSuffix(at.Name, "_version") {
				t.Errorf("the report shows %s of %s", at.Name, a.Address)
			}
		}
	}
	if md := markdownOf(t, planJSON, stream); strings.Contains(md, "bot-token") || !strings.Contains(md, "confluence_operation_policy.bot") {
		t.Errorf("admin plan Markdown:\n%s", md)
	}
	admin.mustRun("apply", "-auto-approve", "admin.tfplan")

	// Creates are allowed.
	bot := s.workspace("bot@example.com", "bot-token", botConfig(map[string]string{"runbook": "# Runbook\n\nStep one.\n", "handbook": "# Handbook\n"}))
	planJSON, stream, ok = bot.plan("create")
	if !ok {
		t.Fatalf("create plan failed: %s", readFile(t, stream))
	}
	rep, code = reportOf(t, planJSON, stream)
	c := change(t, rep, "confluence_page.runbook")
	if code != report.ExitAllowed || rep.Summary.Allowed != 2 || c.Operation != "create_page" || c.Decision != "allowed" || c.SpaceKey != "DOCS" || c.Title != "Runbook" ||
		c.Content == nil || c.Content.LinesAdded != 3 || strings.Join(c.LabelsAdded, ",") != "generated" {
		t.Fatalf("create plan: exit %d, %+v %+v", code, rep, c.Content)
	}
	bot.mustRun("apply", "-auto-approve", "create.tfplan")

	// A gated update waits for approval.
	bot.write(botConfig(map[string]string{"runbook": "# Runbook\n\nStep one.\nStep two.\n", "handbook": "# Handbook\n"}))
	planJSON, stream, ok = bot.plan("update")
	if !ok {
		t.Fatalf("update plan failed: %s", readFile(t, stream))
	}
	rep, code = reportOf(t, planJSON, stream)
	c = change(t, rep, "confluence_page.runbook")
	if code != report.ExitApprovalRequired || c.Decision != "allowed_with_confirmation" || c.Approval.State != report.ApprovalWaiting ||
		!strings.HasPrefix(c.ConfirmationCode, "update_page-") || c.Content.LinesAdded != 1 || c.Content.LinesRemoved != 0 {
		t.Fatalf("update plan: exit %d, %+v", code, c)
	}
	md := markdownOf(t, planJSON, stream)
	if !strings.Contains(md, "`"+c.ConfirmationCode+"`") || !strings.Contains(md, "**waiting**") || !strings.Contains(md, "+Step two.") || !strings.Contains(md, "<details>") {
		t.Errorf("update plan Markdown:\n%s", md)
	}
	if _, err := bot.run("apply", "update.tfplan"); err == nil || !strings.Contains(err.Error(), "Approval Required") {
		t.Fatalf("the unapproved apply: %v", err)
	}
	// The bot cannot approve its own change; a listed approver can.
	if out, code := s.as("bot@example.com", "bot-token", "approve", c.ConfirmationCode, "--space", "DOCS", "--reason", "self"); code != report.ExitError || !strings.Contains(out, "no identity approves its own change") {
		t.Fatalf("the bot's self-approval: exit %d, %s", code, out)
	}
	if out, code := s.as("editor@example.com", "editor-token", "approve", "--plan", planJSON, "--log", stream, "--space", "DOCS", "--reason", "reviewed PR 7"); code != report.ExitError || !strings.Contains(out, "space admin") {
		t.Fatalf("a listed approver without space admin: exit %d, %s", code, out)
	}
	out, code := s.as("admin@example.com", "admin-token", "approve", "--plan", planJSON, "--log", stream, "--space", "DOCS", "--reason", "reviewed PR 7", "--expires", "2h")
	if code != 0 || !strings.Contains(out, "Approved "+c.ConfirmationCode+" in space DOCS as Site Admin <557058:") {
		t.Fatalf("approval: exit %d, %s", code, out)
	}
	bot.mustRun("apply", "update.tfplan")
	planJSON, stream, _ = bot.plan("after")
	if rep, code = reportOf(t, planJSON, stream); code != report.ExitAllowed || len(rep.Changes) != 0 {
		t.Fatalf("plan after the approved apply: exit %d, %+v", code, rep)
	}

	// A person edits the runbook; the next plan (which also adds a step, so
	// its code is new) overwrites their edit and says who.
	editRunbook(t, s)
	bot.write(botConfig(map[string]string{"runbook": "# Runbook\n\nStep one.\nStep two.\nStep three.\n", "handbook": "# Handbook\n"}))
	planJSON, stream, _ = bot.plan("drift")
	rep, code = reportOf(t, planJSON, stream)
	c = change(t, rep, "confluence_page.runbook")
	if code != report.ExitApprovalRequired || c.OverwritesEdit == nil || !strings.Contains(c.OverwritesEdit.Editor, "Erin Editor") || rep.Summary.OverwritesEdits != 1 {
		t.Fatalf("drift plan: exit %d, %+v", code, c)
	}
	if md := markdownOf(t, planJSON, stream); !strings.Contains(md, "overwrites an edit by **Erin Editor") {
		t.Errorf("drift Markdown:\n%s", md)
	}
	// Approve it as the editor would, with space admin this time, and apply.
	s.emu.Grant("editor@example.com", "DOCS", emulator.PermAdmin)
	if out, code := s.as("editor@example.com", "editor-token", "approve", c.ConfirmationCode, "--space", "DOCS", "--reason", "restores the runbook"); code != 0 {
		t.Fatalf("editor approval: %s", out)
	}
	planJSON, stream, _ = bot.plan("drift2")
	rep, code = reportOf(t, planJSON, stream)
	if c = change(t, rep, "confluence_page.runbook"); code != report.ExitAllowed || c.Approval.State != report.ApprovalApproved || !strings.Contains(c.Approval.Detail, "approved by Erin Editor <557058:") {
		t.Fatalf("approved drift plan: exit %d, %+v", code, c)
	}
	bot.mustRun("apply", "drift2.tfplan")

	// A gated delete: its code is only in the stream.
	bot.write(botConfig(map[string]string{"runbook": "# Runbook\n\nStep one.\nStep two.\nStep three.\n"}))
	planJSON, stream, _ = bot.plan("delete")
	rep, code = reportOf(t, planJSON, stream)
	c = change(t, rep, "confluence_page.handbook")
	if code != report.ExitApprovalRequired || c.Operation != "delete_page" || !strings.HasPrefix(c.ConfirmationCode, "delete_page-") || c.Approval.State != report.ApprovalWaiting {
		t.Fatalf("delete plan: exit %d, %+v\n%s", code, c, readFile(t, stream))
	}
	if rep, code := reportOf(t, "", stream); code != report.ExitApprovalRequired || rep.Changes[0].Address != "page "+c.PageID || rep.Changes[0].Title != "Handbook" {
		t.Errorf("the stream alone: exit %d, %+v", code, rep.Changes)
	}

	// The administrators deny deletes: a policy change, then a denied plan.
	admin.write(fmt.Sprintf(adminConfig, "denied"))
	planJSON, stream, _ = admin.plan("deny")
	rep, code = reportOf(t, planJSON, stream)
	if code != report.ExitAllowed || len(rep.AdminChanges) != 1 || !hasAttribute(rep.AdminChanges[0], "delete_page", "allowed_with_confirmation", "denied") {
		t.Fatalf("policy change plan: exit %d, %+v", code, rep.AdminChanges)
	}
	admin.mustRun("apply", "deny.tfplan")
	planJSON, stream, ok = bot.plan("denied")
	if ok || planJSON != "" {
		t.Fatal("the denied delete planned")
	}
	rep, code = reportOf(t, "", stream)
	c = change(t, rep, "page "+c.PageID) // removed from the configuration: Terraform gives no address
	if code != report.ExitError || rep.Status != report.StatusDenied || c.Decision != "denied" || c.Operation != "delete_page" || c.Title != "Handbook" {
		t.Fatalf("denied plan: exit %d, %+v", code, rep)
	}

	// The audit export of the trail, with bounded requests.
	audit, requests := auditJSON(t, s, start)
	// The space and its properties (2), the page and blog post listings (2),
	// the properties of the 3 pages modified since the start (the space
	// homepage too), the versions of the 2 pages Terraform wrote, and one
	// lookup per author (bot, editor, admin): 12, independent of how many
	// versions or approvals there are.
	if requests != 12 || audit.PagesRead != 3 {
		t.Errorf("audit cost %d requests for %d pages; want 12 for 3", requests, audit.PagesRead)
	}
	var creates, updates, overwrote, approved int
	for _, e := range audit.Entries {
		switch e.Operation {
		case "create_page":
			creates++
		case "update_page":
			updates++
		}
		for _, f := range e.Flags {
			if strings.Contains(f, "overwrote the edit by Erin Editor") {
				overwrote++
			} else {
				t.Errorf("unexpected flag on %s v%d: %s", e.Title, e.Version, f)
			}
		}
		if len(e.Approvers) > 0 && strings.HasPrefix(e.Approvers[0], "Site Admin <") {
			approved++
		}
		if e.AccountID != "557058:0a1b2c3d-0000-4000-8000-000000000002" || e.Connection != "docs-bot" || e.ChangeReference != "e2e" && e.Version > 1 {
			t.Errorf("entry %+v", e)
		}
	}
	if creates != 2 || updates != 2 || overwrote != 1 || approved != 1 {
		t.Errorf("audit entries: %d creates, %d updates, %d overwrites, %d approved by the admin; %+v", creates, updates, overwrote, approved, audit.Entries)
	}
	for _, format := range []string{"csv", "md"} {
		if out, code := s.as("reader@example.com", "reader-token", "audit", "--space", "DOCS", "--since", start.Format("2006-01-02"), "--format", format); code != 0 || !strings.Contains(out, "Runbook") {
			t.Errorf("audit --format %s: exit %d\n%s", format, code, out)
		}
	}
}

func hasAttribute(a report.AdminChange, name string, before, after any) bool {
	for _, at := range a.Attributes {
		if at.Name == name && at.Before == before && at.After == after {
			return true
		}
	}
	return false
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, _ := os.ReadFile(path)
	return string(b)
}

// editRunbook saves a new version of the runbook as editor@example.com.
func editRunbook(t *testing.T, s *site) {
	t.Helper()
	page, ok := s.emu.PageByTitle("DOCS", "Runbook")
	if !ok {
		t.Fatal("no runbook")
	}
	body := fmt.Sprintf(`{"id":%q,"status":"current","title":"Runbook","body":{"representation":"storage","value":"<p>Human text</p>"},"version":{"number":%d,"message":"edit"}}`, page.ID, page.Version+1)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, s.url+"/wiki/api/v2/pages/"+page.ID, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("editor@example.com", "editor-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		out, _ := io.ReadAll(resp.Body)
		t.Fatalf("editing the runbook: %d %s", resp.StatusCode, out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args    []string
		env     map[string]string
		want    string
		code    int
		wantOut string
	}{
		{args: []string{"frobnicate"}, want: `unknown command "frobnicate"`, code: 1},
		{args: []string{}, want: "give --plan", code: 1},
		{args: []string{"--format", "xml", "--plan", "x"}, want: "--format", code: 1},
		{args: []string{"--plan", "/nonexistent/plan.json"}, want: "--plan", code: 1},
		{args: []string{"approve", "update_page-0123456789", "--space", "DOCS", "--reason", "r"}, want: "set CONFLUENCE_API_TOKEN, CONFLUENCE_EMAIL, CONFLUENCE_URL", code: 1},
		{args: []string{"audit", "--space", "DOCS", "--since", "last week"}, want: "--since", code: 1},
		{args: []string{"audit", "--since", "2026-11-01"}, want: "--space is required", code: 1},
		{args: []string{"version"}, wantOut: "confluence-plan-report dev", code: 0},
		{args: []string{"help"}, wantOut: "Usage:", code: 0},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return tt.env[k] })
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) || !strings.Contains(stdout.String(), tt.wantOut) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tt.args, code, stdout.String(), stderr.String(), tt.code, tt.want+tt.wantOut)
		}
	}
}

// The report reads the plan JSON from stdin and writes to --out.
func TestReportFromStdinToFile(t *testing.T) {
	plan := `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[{"address":"confluence_page.p","mode":"managed","type":"confluence_page","name":"p",
"change":{"actions":["create"],"before":null,"after":{"space_key":"DOCS","title":"P","markdown":"x","policy_decision":"allowed","confirmation_code":""},"after_unknown":{}}}]}`
	out := filepath.Join(t.TempDir(), "report.md")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--plan", "-", "--out", out}, strings.NewReader(plan), &stdout, &stderr, os.Getenv)
	md, _ := os.ReadFile(out)
	if code != 0 || !strings.Contains(string(md), "| `confluence_page.p` | create_page | DOCS | P | allowed |") {
		t.Errorf("exit %d, stderr %s, report:\n%s", code, stderr.String(), md)
	}
}
