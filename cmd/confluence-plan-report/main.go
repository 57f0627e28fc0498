// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Command confluence-plan-report is the compliance companion of the
// Confluence provider:
//
//	confluence-plan-report [report] --plan plan.json [--log plan.jsonl] [--format md|json]
//	    summarises a saved plan (terraform show -json plan.tfplan) and the
//	    provider's warnings (terraform plan -json) for a pull request; exit
//	    status 0 when everything is allowed, 2 when something waits for
//	    approval, 1 when something is denied or the plan has errors.
//	confluence-plan-report approve CODE... --space KEY --reason TEXT [--expires 24h]
//	    records, with the approver's own credentials, the approval of
//	    confirmation codes (or of every waiting code of --plan/--log in KEY).
//	confluence-plan-report audit --space KEY --since 2026-11-01 [--format md|csv|json]
//	    exports every change Terraform made in a space since a date (page and
//	    blog post versions, attachment changes, content in the trash), flagging
//	    changes where the history, terraform.change, terraform.attachments and
//	    the policy disagree.
//
// approve and audit read the site and credentials from CONFLUENCE_URL,
// CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN, like the provider.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// version is set by the release build (-ldflags "-X main.version=…").
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes one command and returns the exit status. Failures to run at
// all exit 1, like a denial: a CI gate must never pass on a broken report.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "report"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	status := 0
	switch cmd {
	case "report":
		status, err = runReport(args, stdin, stdout, stderr)
	case "approve":
		err = runApprove(ctx, args, stdin, stdout, stderr, getenv)
	case "audit":
		err = runAudit(ctx, args, stdout, stderr, getenv)
	case "version":
		_, err = fmt.Fprintln(stdout, "confluence-plan-report", version)
	case "help", "-h", "--help":
		_, err = fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "confluence-plan-report:", err)
		return report.ExitError
	}
	return status
}

const usage = `Usage:
  confluence-plan-report [report] --plan plan.json [--log plan.jsonl] [--format md|json] [--out FILE]
  confluence-plan-report approve CODE... --space KEY --reason TEXT [--expires 24h|3d|RFC3339] [--plan plan.json] [--log plan.jsonl]
  confluence-plan-report audit --space KEY --since YYYY-MM-DD [--format md|csv|json] [--out FILE]

report exits 0 when every change is allowed, 2 when some wait for approval,
1 when something is denied or the plan has errors.
approve and audit use CONFLUENCE_URL, CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN.
`

// readInput reads the plan JSON and/or the plan -json stream ("-" = stdin).
func readInput(planPath, logPath string, stdin io.Reader) (report.Input, error) {
	var in report.Input
	if planPath == "" && logPath == "" {
		return in, errors.New("give --plan (terraform show -json plan.tfplan > plan.json) and/or --log (terraform plan -json > plan.jsonl)")
	}
	open := func(path string) (io.ReadCloser, error) {
		if path == "-" {
			return io.NopCloser(stdin), nil
		}
		return os.Open(path)
	}
	if planPath != "" {
		f, err := open(planPath)
		if err != nil {
			return in, fmt.Errorf("--plan: %w", err)
		}
		defer func() { _ = f.Close() }()
		if in.PlanJSON, err = io.ReadAll(f); err != nil {
			return in, fmt.Errorf("--plan: %w", err)
		}
	}
	if logPath != "" {
		f, err := open(logPath)
		if err != nil {
			return in, fmt.Errorf("--log: %w", err)
		}
		defer func() { _ = f.Close() }()
		errs, warns, tf, err := report.ReadStream(f)
		if err != nil {
			return in, fmt.Errorf("--log %s: %w", logPath, err)
		}
		in.HaveStream, in.StreamErrors, in.StreamWarns, in.StreamTFVer = true, errs, warns, tf
	}
	return in, nil
}

// output opens --out, or stdout.
func output(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--out: %w", err)
	}
	return f, f.Close, nil
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	planPath := fs.String("plan", "", "saved plan as JSON: terraform show -json plan.tfplan > plan.json (- for stdin)")
	logPath := fs.String("log", "", "the plan's machine-readable output: terraform plan -json -out=plan.tfplan > plan.jsonl")
	format := fs.String("format", "md", "md (pull-request comment) or json")
	out := fs.String("out", "", "write to this file instead of stdout")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if fs.NArg() > 0 {
		return 0, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *format != "md" && *format != "json" {
		return 0, fmt.Errorf("--format %q: use md or json", *format)
	}
	in, err := readInput(*planPath, *logPath, stdin)
	if err != nil {
		return 0, err
	}
	rep, err := report.Build(in)
	if err != nil {
		return 0, err
	}
	w, closeOut, err := output(*out, stdout)
	if err != nil {
		return 0, err
	}
	if *format == "json" {
		err = report.WriteJSON(w, rep)
	} else {
		err = report.WriteMarkdown(w, rep)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	return rep.ExitCode, err
}

// client builds a Confluence client from the provider's environment variables.
func client(getenv func(string) string) (*confluence.Client, error) {
	url, email, token := getenv("CONFLUENCE_URL"), getenv("CONFLUENCE_EMAIL"), getenv("CONFLUENCE_API_TOKEN")
	var missing []string
	for name, v := range map[string]string{"CONFLUENCE_URL": url, "CONFLUENCE_EMAIL": email, "CONFLUENCE_API_TOKEN": token} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("set %s: the site and your own credentials (an approver approves with their own API token, never the automation's)", strings.Join(missing, ", "))
	}
	return confluence.New(confluence.Config{BaseURL: url, Email: email, APIToken: token, Version: "plan-report/" + version, RequestsPerSecond: confluence.DefaultRequestsPerSecond})
}

// interleaved lets flags follow positional codes ("approve CODE --space X").
func interleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runApprove(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("approve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	space := fs.String("space", "", "key of the space the changes are in (required)")
	reason := fs.String("reason", "", "why you approve: what you reviewed, e.g. the pull request (required)")
	expires := fs.String("expires", "", "when the approval expires: a duration (24h, 3d) or an RFC 3339 time; default 24h, at most 30d")
	planPath := fs.String("plan", "", "approve every waiting code of this plan JSON in --space")
	logPath := fs.String("log", "", "with or instead of --plan: the plan -json stream (carries the codes of deletes)")
	codes, err := interleaved(fs, args)
	if err != nil {
		return err
	}
	if *planPath != "" || *logPath != "" {
		in, err := readInput(*planPath, *logPath, stdin)
		if err != nil {
			return err
		}
		rep, err := report.Build(in)
		if err != nil {
			return err
		}
		codes = append(codes, report.WaitingCodes(rep, *space)...)
		if len(codes) == 0 {
			return fmt.Errorf("the plan has no change in space %s waiting for approval", *space)
		}
	}
	c, err := client(getenv)
	if err != nil {
		return err
	}
	done, err := report.Approve(ctx, c, report.ApproveOptions{SpaceKey: *space, Codes: codes, Reason: *reason, Expires: *expires, Now: time.Now()})
	for _, a := range done {
		fmt.Fprintf(stdout, "Approved %s in space %s as %s, until %s (space property %s).\n", a.Code, *space, a.Approver.Name(), a.ExpiresAt.Format(time.RFC3339), a.PropertyKey)
	}
	return err
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	space := fs.String("space", "", "key of the space to audit (required)")
	since := fs.String("since", "", "start date, YYYY-MM-DD (UTC) or RFC 3339 (required)")
	format := fs.String("format", "md", "md, csv or json")
	out := fs.String("out", "", "write to this file instead of stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *space == "" {
		return errors.New("--space is required")
	}
	from, err := parseSince(*since)
	if err != nil {
		return err
	}
	if *format != "md" && *format != "csv" && *format != "json" {
		return fmt.Errorf("--format %q: use md, csv or json", *format)
	}
	c, err := client(getenv)
	if err != nil {
		return err
	}
	rep, err := report.Audit(ctx, c, report.AuditOptions{SpaceKey: *space, Since: from, Now: time.Now()})
	if err != nil {
		return err
	}
	w, closeOut, err := output(*out, stdout)
	if err != nil {
		return err
	}
	switch *format {
	case "csv":
		err = report.WriteAuditCSV(w, rep)
	case "json":
		err = report.WriteAuditJSON(w, rep)
	default:
		err = report.WriteAuditMarkdown(w, rep)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	return err
}

func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("--since is required, e.g. --since 2026-11-01")
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: use a date such as 2026-11-01 or an RFC 3339 time", s)
}
