// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package report is the logic of confluence-plan-report: the plan report for
// pull requests (this file and markdown.go), the approval command
// (approve.go) and the audit export (audit.go). Everything that decides is a
// pure function of its input; only Approve and Audit talk to Confluence.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/pmezard/go-difflib/difflib"
)

// SchemaVersion names the JSON document Build returns; a change that breaks
// readers gets a new version. Documented in the "Plan report and audit
// export" guide.
const SchemaVersion = "confluence-plan-report/v1"

// Exit statuses of the plan report.
const (
	ExitAllowed          = 0 // every change is allowed (or approved)
	ExitError            = 1 // something is denied, or the plan has errors
	ExitApprovalRequired = 2 // something waits for a confirmation code to be approved
)

// Report statuses, matching the exit statuses.
const (
	StatusAllowed          = "allowed"
	StatusApprovalRequired = "approval_required"
	StatusDenied           = "denied"
	StatusError            = "error"
)

// Approval states of a change.
const (
	ApprovalNotRequired = "not_required" // allowed or unmanaged
	ApprovalApproved    = "approved"     // approvals recorded in Confluence grant the code
	ApprovalGranted     = "granted"      // the apply's confirmations grant the code (weaker mode)
	ApprovalWaiting     = "waiting"
	ApprovalDenied      = "denied"
	ApprovalUnknown     = "unknown" // gated, but no plan -json stream was given to tell
	// ApprovalUndecided: the provider could not decide the policy at plan
	// (its configuration is known only at apply). Never counted allowed.
	ApprovalUndecided = "undecided"
)

// PolicyNotDecidedSummary is the provider's warning for an operation whose
// policy it could not decide at plan.
const PolicyNotDecidedSummary = "Policy Not Decided at Plan"

// maxDiffLines is how many diff lines a change keeps (the rest is counted).
const maxDiffLines = 40

// Report is the plan report. Field names are the documented JSON schema.
type Report struct {
	Schema           string        `json:"schema"`
	TerraformVersion string        `json:"terraform_version,omitempty"`
	Status           string        `json:"status"`
	ExitCode         int           `json:"exit_code"`
	Summary          Summary       `json:"summary"`
	Changes          []Change      `json:"changes"`
	AdminChanges     []AdminChange `json:"admin_changes"`
	Errors           []Diagnostic  `json:"errors"`
}

// Summary counts the changes by outcome.
type Summary struct {
	Changes          int `json:"changes"`
	Allowed          int `json:"allowed"`
	AwaitingApproval int `json:"awaiting_approval"`
	Denied           int `json:"denied"`
	OverwritesEdits  int `json:"overwrites_edits"`
	AdminChanges     int `json:"admin_changes"`
	Errors           int `json:"errors"`
}

// Change is one page change.
type Change struct {
	Address          string         `json:"address"`
	Operation        string         `json:"operation"` // create_page, update_page, delete_page
	Actions          []string       `json:"actions"`   // Terraform's, e.g. ["update"], ["delete","create"]
	SpaceKey         string         `json:"space_key,omitempty"`
	Title            string         `json:"title,omitempty"`
	PageID           string         `json:"page_id,omitempty"`
	Decision         string         `json:"decision"` // allowed, allowed_with_confirmation, unmanaged, denied, unknown
	ConfirmationCode string         `json:"confirmation_code,omitempty"`
	Approval         Approval       `json:"approval"`
	LabelsAdded      []string       `json:"labels_added"`
	LabelsRemoved    []string       `json:"labels_removed"`
	Content          *ContentChange `json:"content,omitempty"`
	OverwritesEdit   *EditWarning   `json:"overwrites_edit,omitempty"`
	Reason           string         `json:"reason,omitempty"` // the provider's explanation, for denied and gated changes
}

// Approval is the approval state of a change.
type Approval struct {
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
}

// ContentChange summarises a content change.
type ContentChange struct {
	Known        bool     `json:"known"` // false: the content is known only at apply
	LinesAdded   int      `json:"lines_added"`
	LinesRemoved int      `json:"lines_removed"`
	Diff         []string `json:"diff"` // the first lines of a unified diff
	DiffOmitted  int      `json:"diff_omitted"`
}

// EditWarning is a person's edit the change overwrites.
type EditWarning struct {
	Editor string `json:"editor"` // "Erin Editor (account 557058:…)"
	Detail string `json:"detail"`
}

// AdminChange is a change to a connection or an operation policy.
type AdminChange struct {
	Address    string            `json:"address"`
	Type       string            `json:"type"`
	Actions    []string          `json:"actions"`
	Attributes []AttributeChange `json:"attributes"`
}

// AttributeChange is one attribute of an admin change; sensitive values are
// never included.
type AttributeChange struct {
	Name   string `json:"name"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// Diagnostic is an error of the plan.
type Diagnostic struct {
	Summary string `json:"summary"`
	Detail  string `json:"detail"`
	Address string `json:"address,omitempty"`
}

// streamMessage is one line of `terraform plan -json`. tfjson's Diagnostic
// has no address, which ties a provider diagnostic to its resource.
type streamMessage struct {
	Type       string `json:"type"`
	Terraform  string `json:"terraform"`
	Diagnostic *struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Address  string `json:"address"`
	} `json:"diagnostic"`
}

// ReadStream parses a `terraform plan -json` stream into its diagnostics.
// Lines that are not JSON are an error: the stream was not captured whole.
func ReadStream(r io.Reader) (diags []Diagnostic, warnings []Diagnostic, version string, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var m streamMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, nil, "", fmt.Errorf("line %d of the plan -json stream is not JSON (capture it with terraform plan -json > plan.jsonl): %w", line, err)
		}
		if m.Type == "version" {
			version = m.Terraform
		}
		if m.Type != "diagnostic" || m.Diagnostic == nil {
			continue
		}
		d := Diagnostic{Summary: m.Diagnostic.Summary, Detail: m.Diagnostic.Detail, Address: m.Diagnostic.Address}
		if m.Diagnostic.Severity == "error" {
			diags = append(diags, d)
		} else {
			warnings = append(warnings, d)
		}
	}
	return diags, warnings, version, sc.Err()
}

// Input is what Build reads: the saved plan's JSON (`terraform show -json
// plan.tfplan`) and/or the diagnostics of the `terraform plan -json` stream.
// A plan that failed (denied) has no plan file, only the stream.
type Input struct {
	PlanJSON     []byte
	HaveStream   bool
	StreamErrors []Diagnostic
	StreamWarns  []Diagnostic
	StreamTFVer  string
}

// The provider's diagnostics start with a subject naming operation, page and
// space, in one of two forms: `Deleting page 7 ("Old") in space DOCS
// (delete_page)` and, from policy.Request.Subject, `delete_page on page
// "Old" (id 7) in space DOCS`. Both are read.
var (
	subjectOp        = regexp.MustCompile(`\((create_page|update_page|delete_page)\)|^(create_page|update_page|delete_page) on page`)
	subjectPage      = regexp.MustCompile(`page (\d+) \("((?:[^"\\]|\\.)*)"\) in space (\S+)`)
	subjectPageV2    = regexp.MustCompile(`on page "((?:[^"\\]|\\.)*)" \(id (\d+)\) in space (\S+)`)
	subjectNewPage   = regexp.MustCompile(`Creating page "((?:[^"\\]|\\.)*)" in space (\S+)|create_page on page "((?:[^"\\]|\\.)*)" in space (\S+)`)
	approvalStateRe  = regexp.MustCompile(`(?m)^Approval state: (approved|waiting) \((.*)\)$`)
	editedByRe       = regexp.MustCompile(`edited in Confluence by (.+?) at (\S+?):`)
	confirmationCode = regexp.MustCompile(`^Confirmation Required: (\S+)$`)
)

// Build makes the report.
func Build(in Input) (Report, error) {
	rep := Report{Schema: SchemaVersion, TerraformVersion: in.StreamTFVer, Changes: []Change{}, AdminChanges: []AdminChange{}, Errors: []Diagnostic{}}
	if in.PlanJSON == nil && !in.HaveStream {
		return rep, errors.New("nothing to report on: give the saved plan's JSON (terraform show -json plan.tfplan) and/or the plan -json stream")
	}
	byAddress := map[string]*Change{}
	var order []string
	if in.PlanJSON != nil {
		var plan tfjson.Plan
		if err := json.Unmarshal(in.PlanJSON, &plan); err != nil {
			return rep, fmt.Errorf("reading the plan JSON (make it with terraform show -json plan.tfplan): %w", err)
		}
		if plan.TerraformVersion != "" {
			rep.TerraformVersion = plan.TerraformVersion
		}
		var flags struct {
			Errored bool `json:"errored"` // Terraform ≥ 1.8; not in tfjson.Plan
		}
		_ = json.Unmarshal(in.PlanJSON, &flags)
		if flags.Errored {
			rep.Errors = append(rep.Errors, Diagnostic{Summary: "Plan Errored", Detail: "Terraform marked the plan as errored: it is incomplete and cannot be applied."})
		}
		for _, rc := range plan.ResourceChanges {
			if rc == nil || rc.Change == nil || rc.Mode != tfjson.ManagedResourceMode {
				continue
			}
			actions := actionStrings(rc.Change.Actions)
			if rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
				continue
			}
			switch rc.Type {
			case "confluence_page":
				c := pageChange(rc, actions)
				byAddress[rc.Address] = &c
				order = append(order, rc.Address)
			case "confluence_connection", "confluence_operation_policy":
				rep.AdminChanges = append(rep.AdminChanges, adminChange(rc, actions))
			}
		}
	}
	// The stream's diagnostics: denials (the plan failed, so they are only
	// here), codes of deletes, approval state, edits being overwritten.
	// A diagnostic about a resource removed from the configuration has no
	// address (Terraform ties addresses to configuration): find its change
	// by the page the provider's subject names.
	locate := func(d Diagnostic) string {
		if d.Address != "" {
			return d.Address
		}
		id, _, _, ok := subjectPageOf(d.Detail)
		if !ok {
			return ""
		}
		for _, addr := range order {
			if byAddress[addr].PageID == id {
				return addr
			}
		}
		// Without the plan JSON: the page stands for the resource.
		return "page " + id
	}
	for i := range in.StreamErrors {
		in.StreamErrors[i].Address = locate(in.StreamErrors[i])
	}
	for i := range in.StreamWarns {
		in.StreamWarns[i].Address = locate(in.StreamWarns[i])
	}
	for _, d := range in.StreamErrors {
		if d.Summary == "Operation Denied by Confluence Policy" && d.Address != "" {
			c := byAddress[d.Address]
			if c == nil {
				c = changeFromSubject(d.Address, d.Detail)
				byAddress[d.Address] = c
				order = append(order, d.Address)
			}
			c.Decision, c.Approval = "denied", Approval{State: ApprovalDenied}
			c.Reason = firstParagraph(d.Detail)
			continue
		}
		rep.Errors = append(rep.Errors, d)
	}
	for _, w := range in.StreamWarns {
		if w.Address == "" && w.Summary == PolicyNotDecidedSummary {
			// Not tied to a page change (a connection or policy removed from
			// the configuration): still held back, under its subject.
			w.Address = undecidedSubject(w.Detail)
		}
		c := byAddress[w.Address]
		if w.Address == "" {
			continue
		}
		if c == nil && (confirmationCode.MatchString(w.Summary) || w.Summary == "Page Edited Outside Terraform" || w.Summary == PolicyNotDecidedSummary) {
			c = changeFromSubject(w.Address, w.Detail)
			byAddress[w.Address] = c
			order = append(order, w.Address)
		}
		if c == nil {
			continue
		}
		switch {
		case confirmationCode.MatchString(w.Summary):
			code := confirmationCode.FindStringSubmatch(w.Summary)[1]
			if op := subjectOperation(w.Detail); op == "delete_page" && c.Operation != "" && c.Operation != op {
				// A replacement: the delete of the old page is gated too.
				c.Reason = strings.TrimSpace(c.Reason + " Deleting the old page needs code " + code + ".")
				continue
			}
			c.Decision, c.ConfirmationCode = "allowed_with_confirmation", code
			c.Reason = firstParagraph(w.Detail)
			c.Approval = approvalFromDetail(w.Detail)
		case w.Summary == PolicyNotDecidedSummary:
			// Whatever else was said about the change, the policy has not
			// spoken: the apply decides.
			c.Decision = "unknown"
			c.Approval = Approval{State: ApprovalUndecided, Detail: "the provider could not decide the policy at plan (its configuration is known only at apply); the apply decides"}
			c.Reason = firstParagraph(w.Detail)
		case w.Summary == "Confirmation Code Not Final":
			c.Decision = "allowed_with_confirmation"
			c.Approval = Approval{State: ApprovalWaiting, Detail: "the code is final only at apply: the apply stops and shows it"}
		case w.Summary == "Page Edited Outside Terraform":
			editor := "someone"
			if m := editedByRe.FindStringSubmatch(w.Detail); m != nil {
				editor = m[1]
			}
			c.OverwritesEdit = &EditWarning{Editor: editor, Detail: firstParagraph(w.Detail)}
		}
	}
	for _, addr := range order {
		c := byAddress[addr]
		finishApproval(c, in.HaveStream)
		rep.Changes = append(rep.Changes, *c)
	}
	summarise(&rep)
	return rep, nil
}

// finishApproval settles the approval state from the decision when no
// diagnostic did.
func finishApproval(c *Change, haveStream bool) {
	if c.Approval.State != "" {
		return
	}
	switch c.Decision {
	case "allowed", "unmanaged":
		c.Approval.State = ApprovalNotRequired
	case "allowed_with_confirmation":
		c.Approval.State = ApprovalUnknown
		if haveStream {
			c.Approval.State = ApprovalWaiting
		}
	case "denied":
		c.Approval.State = ApprovalDenied
	default:
		// A delete carries no attributes: without a warning or error about
		// it in the stream the policy allowed it (a delete the provider
		// could not decide carries "Policy Not Decided at Plan").
		if haveStream && c.Operation == "delete_page" {
			c.Decision, c.Approval.State = "allowed", ApprovalNotRequired
			return
		}
		c.Approval.State = ApprovalUnknown
	}
}

func summarise(rep *Report) {
	s := Summary{Changes: len(rep.Changes), AdminChanges: len(rep.AdminChanges), Errors: len(rep.Errors)}
	for _, c := range rep.Changes {
		switch c.Approval.State {
		case ApprovalNotRequired, ApprovalApproved, ApprovalGranted:
			s.Allowed++
		case ApprovalDenied:
			s.Denied++
		default:
			s.AwaitingApproval++
		}
		if c.OverwritesEdit != nil {
			s.OverwritesEdits++
		}
	}
	rep.Summary = s
	switch {
	case s.Denied > 0:
		rep.Status, rep.ExitCode = StatusDenied, ExitError
	case s.Errors > 0:
		rep.Status, rep.ExitCode = StatusError, ExitError
	case s.AwaitingApproval > 0:
		rep.Status, rep.ExitCode = StatusApprovalRequired, ExitApprovalRequired
	default:
		rep.Status, rep.ExitCode = StatusAllowed, ExitAllowed
	}
}

func approvalFromDetail(detail string) Approval {
	if m := approvalStateRe.FindStringSubmatch(detail); m != nil {
		state := ApprovalWaiting
		if m[1] == "approved" {
			state = ApprovalApproved
		}
		return Approval{State: state, Detail: m[2]}
	}
	if strings.Contains(detail, "It is granted for this run.") {
		return Approval{State: ApprovalGranted, Detail: "granted through the provider's confirmations (CONFLUENCE_CONFIRMATIONS)"}
	}
	return Approval{State: ApprovalWaiting, Detail: "not granted yet: grant the code through the provider's confirmations (CONFLUENCE_CONFIRMATIONS) for the apply"}
}

// subjectOperation is the operation a diagnostic's subject names, or "".
func subjectOperation(detail string) string {
	m := subjectOp.FindStringSubmatch(detail)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// subjectPageOf is the id, title and space of the existing page a
// diagnostic's subject names.
func subjectPageOf(detail string) (id, title, space string, ok bool) {
	if m := subjectPage.FindStringSubmatch(detail); m != nil {
		return m[1], unquote(m[2]), m[3], true
	}
	if m := subjectPageV2.FindStringSubmatch(detail); m != nil {
		return m[2], unquote(m[1]), m[3], true
	}
	return "", "", "", false
}

// changeFromSubject makes a change known only from a diagnostic, whose
// detail starts with the provider's subject ("Deleting page 1 ("T") in
// space DOCS (delete_page)").
// undecidedSubject is what a "Policy Not Decided at Plan" warning says is
// not decided: its text before " is not decided by this plan".
func undecidedSubject(detail string) string {
	subject, _, found := strings.Cut(detail, " is not decided by this plan")
	if !found || subject == "" {
		return "an operation the provider could not decide at plan"
	}
	return oneLine(subject)
}

func changeFromSubject(address, detail string) *Change {
	c := &Change{Address: address, Actions: []string{}, LabelsAdded: []string{}, LabelsRemoved: []string{}, Decision: "unknown"}
	if op := subjectOperation(detail); op != "" {
		c.Operation = op
		c.Actions = []string{map[string]string{"create_page": "create", "update_page": "update", "delete_page": "delete"}[op]}
	}
	if id, title, space, ok := subjectPageOf(detail); ok {
		c.PageID, c.Title, c.SpaceKey = id, title, space
	} else if m := subjectNewPage.FindStringSubmatch(detail); m != nil {
		c.Title, c.SpaceKey = unquote(m[1]+m[3]), m[2]+m[4]
	}
	return c
}

func unquote(s string) string {
	if u, err := jsonUnquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

func jsonUnquote(s string) (string, error) {
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

func firstParagraph(s string) string {
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return s[:i]
	}
	return s
}

func actionStrings(a tfjson.Actions) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return out
}

func pageChange(rc *tfjson.ResourceChange, actions []string) Change {
	before, _ := rc.Change.Before.(map[string]any)
	after, _ := rc.Change.After.(map[string]any)
	unknown, _ := rc.Change.AfterUnknown.(map[string]any)
	c := Change{Address: rc.Address, Actions: actions, LabelsAdded: []string{}, LabelsRemoved: []string{}, Decision: "unknown"}
	switch {
	case rc.Change.Actions.Create(), rc.Change.Actions.Replace():
		c.Operation = "create_page"
	case rc.Change.Actions.Delete():
		c.Operation = "delete_page"
	default:
		c.Operation = "update_page"
	}
	attrs := after
	if attrs == nil {
		attrs = before
	}
	c.SpaceKey, c.Title = str(attrs["space_key"]), str(attrs["title"])
	if before != nil {
		c.PageID = str(before["id"])
	}
	if rc.Change.Actions.Replace() && before != nil {
		c.Reason = fmt.Sprintf("Replaces page %s in space %s.", str(before["id"]), str(before["space_key"]))
	}
	if after != nil {
		if unknown["policy_decision"] != true {
			if d := str(after["policy_decision"]); d != "" {
				c.Decision = d
			}
		}
		if unknown["confirmation_code"] == true {
			c.ConfirmationCode = ""
		} else {
			c.ConfirmationCode = str(after["confirmation_code"])
		}
	}
	if unknown["labels"] != true {
		c.LabelsAdded, c.LabelsRemoved = setDiff(strs(before["labels"]), strs(after["labels"]))
	}
	c.Content = contentChange(before, after, unknown)
	return c
}

// pageText is the content a page's attributes hold: the storage body when
// set (after a person's edit, refresh puts their text there), else Markdown.
func pageText(m map[string]any) string {
	if m == nil {
		return ""
	}
	if b, ok := m["body"].(string); ok {
		return b
	}
	return str(m["markdown"])
}

func contentChange(before, after, unknown map[string]any) *ContentChange {
	if unknown["body"] == true || unknown["markdown"] == true {
		return &ContentChange{Known: false, Diff: []string{}}
	}
	a, b := pageText(before), pageText(after)
	if a == b {
		return nil
	}
	cc := &ContentChange{Known: true, Diff: []string{}}
	diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: splitLines(a), B: splitLines(b), FromFile: "before", ToFile: "after", Context: 1})
	for _, line := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			continue
		case strings.HasPrefix(line, "+"):
			cc.LinesAdded++
		case strings.HasPrefix(line, "-"):
			cc.LinesRemoved++
		}
		if len(cc.Diff) < maxDiffLines {
			cc.Diff = append(cc.Diff, line)
		} else {
			cc.DiffOmitted++
		}
	}
	return cc
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	// difflib.SplitLines would add an empty last line; every line here ends
	// with a newline, so a missing final newline is no change.
	return strings.SplitAfter(strings.TrimRight(s, "\n")+"\n", "\n")[:strings.Count(strings.TrimRight(s, "\n"), "\n")+1]
}

func adminChange(rc *tfjson.ResourceChange, actions []string) AdminChange {
	before, _ := rc.Change.Before.(map[string]any)
	after, _ := rc.Change.After.(map[string]any)
	unknown, _ := rc.Change.AfterUnknown.(map[string]any)
	bs, _ := rc.Change.BeforeSensitive.(map[string]any)
	as, _ := rc.Change.AfterSensitive.(map[string]any)
	ac := AdminChange{Address: rc.Address, Type: rc.Type, Actions: actions, Attributes: []AttributeChange{}}
	names := map[string]bool{}
	for k := range before {
		names[k] = true
	}
	for k := range after {
		names[k] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if bs[k] != nil && bs[k] != false || as[k] != nil && as[k] != false || strings.Contains(k, "token") && !strings.HasSuffix(k, "_version") && !strings.HasSuffix(k, "_at") {
			continue // sensitive or write-only: never reported
		}
		b, a := before[k], after[k]
		if unknown[k] == true {
			a = "(known after apply)"
		}
		if fmt.Sprint(b) == fmt.Sprint(a) {
			continue
		}
		ac.Attributes = append(ac.Attributes, AttributeChange{Name: k, Before: b, After: a})
	}
	return ac
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func setDiff(before, after []string) (added, removed []string) {
	added, removed = []string{}, []string{}
	for _, a := range after {
		if !slices.Contains(before, a) {
			added = append(added, a)
		}
	}
	for _, b := range before {
		if !slices.Contains(after, b) {
			removed = append(removed, b)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

// WaitingCodes are the confirmation codes of the report's changes in the
// space that wait for approval, in report order without duplicates.
func WaitingCodes(rep Report, spaceKey string) []string {
	var codes []string
	for _, c := range rep.Changes {
		if c.SpaceKey == spaceKey && c.ConfirmationCode != "" && (c.Approval.State == ApprovalWaiting || c.Approval.State == ApprovalUnknown) && !slices.Contains(codes, c.ConfirmationCode) {
			codes = append(codes, c.ConfirmationCode)
		}
	}
	return codes
}
