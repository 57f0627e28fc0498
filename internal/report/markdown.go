// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

var statusLine = map[string]string{
	StatusAllowed:          "**Allowed**: every Confluence change may be applied.",
	StatusApprovalRequired: "**Approval required**: some changes wait for their confirmation code to be approved.",
	StatusDenied:           "**Denied**: the policy denies at least one change; this plan cannot be applied.",
	StatusError:            "**Error**: the plan has errors.",
}

// statusText is the report's status line. Exit status 2 has three causes,
// each worded for what the reader has to do: codes waiting for approval,
// changes the provider could not decide at plan, and gated changes whose
// approval state the report could not tell.
func statusText(rep Report) string {
	if rep.Status != StatusApprovalRequired {
		return statusLine[rep.Status]
	}
	count := map[string]int{}
	for _, c := range rep.Changes {
		count[c.Approval.State]++
	}
	waiting, undecided, unknown := count[ApprovalWaiting], count[ApprovalUndecided], count[ApprovalUnknown]
	var causes []string
	if waiting > 0 {
		causes = append(causes, fmt.Sprintf("%d change(s) wait for their confirmation code to be approved", waiting))
	}
	if undecided > 0 {
		causes = append(causes, fmt.Sprintf("%d change(s) are not decided: the provider could not decide the policy at plan because the provider configuration is known only at apply. "+
			"Re-run the plan with the connection and credentials known at plan time (variables or environment variables), so the policy is decided before review", undecided))
	}
	if unknown > 0 {
		causes = append(causes, fmt.Sprintf("%d change(s) need confirmation and their approval state is unknown: give the report the plan -json stream (--log) to tell", unknown))
	}
	if len(causes) == 0 {
		return statusLine[rep.Status]
	}
	head := "**Approval required**"
	if waiting == 0 && unknown == 0 {
		head = "**Policy not decided at plan**"
	}
	return head + ": " + strings.Join(causes, "; ") + "."
}

var approvalLabel = map[string]string{
	ApprovalNotRequired: "not required",
	ApprovalApproved:    "approved",
	ApprovalGranted:     "granted (confirmations)",
	ApprovalWaiting:     "**waiting**",
	ApprovalDenied:      "**denied**",
	ApprovalUnknown:     "unknown (no plan -json stream)",
	ApprovalUndecided:   "**undecided** (decided at apply)",
}

// WriteMarkdown writes the report as a pull-request comment: a summary, one
// table row per page change, call-outs for overwritten edits, the diffs
// folded away, admin changes and errors.
func WriteMarkdown(w io.Writer, rep Report) error {
	var b strings.Builder
	b.WriteString("## Confluence plan report\n\n")
	fmt.Fprintf(&b, "%s  \n", statusText(rep))
	s := rep.Summary
	fmt.Fprintf(&b, "%d page change(s): %d allowed, %d awaiting approval, %d denied; %d overwrite a person's edit; %d policy/connection change(s); %d error(s).\n\n",
		s.Changes, s.Allowed, s.AwaitingApproval, s.Denied, s.OverwritesEdits, s.AdminChanges, s.Errors)

	for _, c := range rep.Changes {
		if c.OverwritesEdit != nil {
			fmt.Fprintf(&b, "> [!WARNING]\n> `%s` overwrites an edit by **%s**: %s\n\n", c.Address, cell(c.OverwritesEdit.Editor), oneLine(c.OverwritesEdit.Detail))
		}
	}

	if len(rep.Changes) > 0 {
		b.WriteString("| Resource | Operation | Space | Title | Decision | Code | Approval | Labels | Content |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, c := range rep.Changes {
			code := ""
			if c.ConfirmationCode != "" {
				code = "`" + c.ConfirmationCode + "`"
			} else if c.Decision == "allowed_with_confirmation" {
				code = "known at apply"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				cell(c.Address), c.Operation, cell(c.SpaceKey), cell(c.Title), c.Decision, code,
				approvalLabel[c.Approval.State], labels(c), content(c.Content))
		}
		b.WriteString("\n")
	}

	var details strings.Builder
	for _, c := range rep.Changes {
		if c.Approval.Detail == "" && c.Reason == "" && (c.Content == nil || len(c.Content.Diff) == 0) {
			continue
		}
		fmt.Fprintf(&details, "#### `%s`\n\n", c.Address)
		if c.Reason != "" {
			fmt.Fprintf(&details, "%s\n\n", oneLine(c.Reason))
		}
		if c.Approval.Detail != "" {
			fmt.Fprintf(&details, "Approval: %s\n\n", oneLine(c.Approval.Detail))
		}
		if c.Content != nil && len(c.Content.Diff) > 0 {
			text := strings.Join(c.Content.Diff, "\n")
			f := fence(text)
			details.WriteString(f + "diff\n" + text + "\n" + f + "\n")
			if c.Content.DiffOmitted > 0 {
				fmt.Fprintf(&details, "(%d more diff lines not shown)\n", c.Content.DiffOmitted)
			}
			details.WriteString("\n")
		}
	}
	if details.Len() > 0 {
		b.WriteString("<details><summary>Details and content diffs</summary>\n\n" + details.String() + "</details>\n\n")
	}

	if len(rep.AdminChanges) > 0 {
		b.WriteString("### Policy and connection changes\n\n| Resource | Action | Changed attributes |\n| --- | --- | --- |\n")
		for _, a := range rep.AdminChanges {
			var attrs []string
			for _, at := range a.Attributes {
				attrs = append(attrs, fmt.Sprintf("%s: %s → %s", at.Name, value(at.Before), value(at.After)))
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", cell(a.Address), strings.Join(a.Actions, ", "), cell(strings.Join(attrs, "; ")))
		}
		b.WriteString("\n")
	}
	if len(rep.Errors) > 0 {
		b.WriteString("### Errors\n\n")
		for _, e := range rep.Errors {
			addr := ""
			if e.Address != "" {
				addr = " (`" + e.Address + "`)"
			}
			fmt.Fprintf(&b, "- **%s**%s: %s\n", e.Summary, addr, oneLine(firstParagraph(e.Detail)))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "<sub>%s · exit status %d</sub>\n", rep.Schema, rep.ExitCode)
	_, err := io.WriteString(w, b.String())
	return err
}

func labels(c Change) string {
	var parts []string
	for _, l := range c.LabelsAdded {
		parts = append(parts, "+"+l)
	}
	for _, l := range c.LabelsRemoved {
		parts = append(parts, "−"+l)
	}
	return cell(strings.Join(parts, " "))
}

func content(cc *ContentChange) string {
	switch {
	case cc == nil:
		return ""
	case !cc.Known:
		return "known at apply"
	}
	return fmt.Sprintf("+%d −%d lines", cc.LinesAdded, cc.LinesRemoved)
}

func value(v any) string {
	if v == nil {
		return "null"
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// fence is a code fence longer than any run of backticks in text, so page
// content cannot close it.
func fence(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
