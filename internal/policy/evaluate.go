// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Request describes one operation the provider is about to perform.
type Request struct {
	Operation Operation
	SpaceKey  string
	// PageID and PageTitle name the page in messages and in the confirmation
	// code: create_page is bound to the title (the page has no id yet), every
	// other operation to the id. Both are empty for search_pages.
	PageID, PageTitle string
	// Noun names the content in messages: "" for a page, "blog post" for a
	// blog post. Blog posts are governed by the page operations; the
	// provider binds their codes to the kind through Content.
	Noun string
	// AccountID is the account the provider is authenticated as.
	AccountID string
	// Connection is the provider's configured connection name, "" for none.
	Connection string
	// RequirePolicy denies operations that no connection record governs.
	RequirePolicy bool
	// Content is the canonical content the change would write, "" for deletes
	// and reads. It is hashed as given into the confirmation code; the
	// provider decides what it passes while content is still unknown.
	Content string
}

// Result is the decision for one request, with what a reviewer needs to
// understand it.
type Result struct {
	// Operation is the operation decided.
	Operation Operation
	Decision  Decision
	// Level is the effective level; empty when the decision is unmanaged.
	Level Level
	// Connection names the governing connection(s), sorted and joined with
	// ", " when several govern; empty when unmanaged.
	Connection string
	// ConfirmationCode is set only when Decision is
	// DecisionAllowedWithConfirmation.
	ConfirmationCode string
	// Reason is what a reviewer reads in the plan: why, and for a denial
	// what to do instead (no approval grants one).
	Reason string
	// PolicyLocation says where the deciding record lives, e.g.
	// `space property "terraform.policy.ci-bot" in space DOCS`.
	PolicyLocation string
	// Approvals is set for an allowed_with_confirmation decision whose
	// governing policy names approvers: the code is then granted only by
	// approval records (VerifyApprovals), never by the provider's
	// confirmations. Empty: the confirmations grant it (the weaker mode).
	Approvals []ApprovalRequirement
	// ApprovalStatus is the verdict on the approval records, filled in by
	// the provider after reading them; nil until then.
	ApprovalStatus *ApprovalStatus
}

// NeedsApproval reports whether the decision is granted only by approvals.
func (r Result) NeedsApproval() bool {
	return r.Decision == DecisionAllowedWithConfirmation && len(r.Approvals) > 0
}

// verdict is what one governing connection says about a request.
type verdict struct {
	connection string
	level      Level
	clause     string // why, as a clause of the reason sentence
	location   string
	approval   *ApprovalRequirement // the policy's approvers, if it names any
	fix        string               // what the administrators change to decide otherwise
}

// Evaluate decides req against the records of req's space (DESIGN.md,
// "Policy at plan time"):
//
//   - Connection records whose account id is req.AccountID govern. Several →
//     the most restrictive level wins; all of them are named in
//     Result.Connection. A governing connection without a policy record in
//     the space gets DefaultLevel; one whose scope does not list the space
//     is denied.
//   - A named req.Connection must have a record in the space (else denied:
//     the space is outside its scope) for the same account (else an error:
//     the credentials belong to another identity).
//   - Nothing governs → denied when the space holds any connection record
//     (it is managed, and this account is not registered there); otherwise
//     unmanaged, or denied when req.RequirePolicy.
//
// Errors are for inconsistent input (invalid operation or records, records
// of another space, identity mismatch), never for denials.
func Evaluate(req Request, records SpaceRecords) (Result, error) {
	res, err := evaluate(req, records)
	if err != nil {
		return Result{}, err
	}
	res.Operation = req.Operation
	return res, nil
}

func evaluate(req Request, records SpaceRecords) (Result, error) {
	if err := validateInput(req, records); err != nil {
		return Result{}, err
	}
	subject := req.Subject()

	if req.Connection != "" {
		rec, ok := records.Connection(req.Connection)
		if !ok {
			return Result{
				Decision:   DecisionDenied,
				Level:      Denied,
				Connection: req.Connection,
				Reason: fmt.Sprintf("%s is denied: space %s is outside the scope of connection %q (the space holds no record of it), so every operation there is denied. %s",
					subject, req.SpaceKey, req.Connection, deniedRemedy(req, fmt.Sprintf("register connection %q in the space", req.Connection))),
				PolicyLocation: fmt.Sprintf("space property %q in space %s (absent)", ConnectionPropertyKey(req.Connection), req.SpaceKey),
			}, nil
		}
		if rec.AccountID != req.AccountID {
			return Result{}, fmt.Errorf("identity mismatch: the provider is configured as connection %q, which space %s registers for account %s (%s), but the API token authenticates as account %s: use the token of connection %q or change the provider's connection setting",
				req.Connection, req.SpaceKey, rec.AccountID, describeAccount(rec), req.AccountID, req.Connection)
		}
	}

	var governing []verdict
	for _, rec := range records.Connections {
		if rec.AccountID == req.AccountID {
			governing = append(governing, judge(req, rec, records))
		}
	}
	if len(governing) == 0 {
		return unmanaged(req, records, subject), nil
	}

	levels := make([]Level, len(governing))
	names := make([]string, len(governing))
	for i, v := range governing {
		levels[i], names[i] = v.level, v.connection
	}
	sort.Strings(names)
	level := MostRestrictive(levels...)
	var clauses, locations, fixes []string
	var approvals []ApprovalRequirement
	for _, v := range governing {
		if v.level == level {
			clauses = append(clauses, v.clause)
			locations = append(locations, v.location)
			fixes = append(fixes, v.fix)
			if v.approval != nil {
				approvals = append(approvals, *v.approval)
			}
		}
	}
	why := strings.Join(clauses, "; ")
	if len(governing) > 1 {
		why += fmt.Sprintf(" (the most restrictive of connections %s, which all belong to account %s)", quoteAll(names), req.AccountID)
	}

	res := Result{
		Decision:       decisionFor(level),
		Level:          level,
		Connection:     strings.Join(names, ", "),
		PolicyLocation: strings.Join(locations, "; "),
	}
	switch level {
	case Allowed:
		res.Reason = fmt.Sprintf("%s is allowed: %s.", subject, why)
	case AllowedWithConfirmation:
		res.ConfirmationCode = ConfirmationCode(req.Operation, res.Connection, req.SpaceKey,
			PageIdentity(req.Operation, req.PageID, req.PageTitle), req.Content)
		res.Reason = fmt.Sprintf("%s needs confirmation: %s.", subject, why)
		if len(approvals) > 0 {
			res.Approvals = approvals
			res.Reason = fmt.Sprintf("%s needs approval: %s; a listed approver approves it with their own credentials (confluence-plan-report approve %s --space %s --reason ...).",
				subject, why, res.ConfirmationCode, req.SpaceKey)
		}
	default:
		res.Reason = fmt.Sprintf("%s is denied: %s. %s", subject, why, deniedRemedy(req, strings.Join(fixes, " and ")))
	}
	return res, nil
}

// deniedRemedy says what to do about a denied request: no approval or code
// grants it, so only the space's administrators can change the decision,
// by doing change. A delete can also be avoided: Terraform can stop
// managing the page and leave it in Confluence.
func deniedRemedy(req Request, change string) string {
	noun := "page"
	if req.Noun != "" {
		noun = req.Noun
	}
	ask := fmt.Sprintf("ask the Confluence administrators of space %s to %s", req.SpaceKey, change)
	switch req.Operation {
	case DeletePage:
		return fmt.Sprintf("No approval or confirmation code grants a denied operation. To stop managing the %[1]s without deleting it, "+
			"set on_destroy = \"retain\" on its resource and apply before removing the resource, or replace the resource with a removed block "+
			"(from = <resource address>, lifecycle { destroy = false }); to delete it, %[2]s.", noun, ask)
	case CreatePage, UpdatePage:
		return fmt.Sprintf("No approval or confirmation code grants a denied operation: if this %s change should be made, %s.", noun, ask)
	}
	return fmt.Sprintf("No approval or confirmation code grants a denied operation: if it should be allowed, %s.", ask)
}

// judge is the verdict of one governing connection record.
func judge(req Request, rec ConnectionRecord, records SpaceRecords) verdict {
	if !rec.InScope(req.SpaceKey) {
		return verdict{
			connection: rec.Name,
			level:      Denied,
			clause: fmt.Sprintf("space %s is outside the scope of connection %q (scope: %s), so every operation there is denied",
				req.SpaceKey, rec.Name, listOrNone(rec.Spaces)),
			location: fmt.Sprintf("space property %q in space %s", ConnectionPropertyKey(rec.Name), req.SpaceKey),
			fix:      fmt.Sprintf("add space %s to the scope of connection %q", req.SpaceKey, rec.Name),
		}
	}
	location := fmt.Sprintf("space property %q in space %s", PolicyPropertyKey(rec.Name), req.SpaceKey)
	if pol, ok := records.Policy(rec.Name); ok {
		l := pol.Level(req.Operation)
		v := verdict{
			connection: rec.Name,
			level:      l,
			clause:     fmt.Sprintf("connection %q sets %s to %s", rec.Name, req.Operation, l),
			location:   location,
			fix:        fmt.Sprintf("change %s in the policy of connection %q", req.Operation, rec.Name),
		}
		// Approvals grant a gated operation only: an allowed one needs none,
		// and nothing grants a denied one, so neither mentions them.
		if n := pol.Required(); n > 0 && l == AllowedWithConfirmation {
			v.approval = &ApprovalRequirement{Connection: rec.Name, Approvers: slices.Clone(pol.Approvers), Required: n}
			v.clause += fmt.Sprintf(" and requires %d approval(s) from %s", n, strings.Join(pol.Approvers, ", "))
		}
		return v
	}
	l := DefaultLevel(req.Operation)
	return verdict{
		connection: rec.Name,
		level:      l,
		clause: fmt.Sprintf("connection %q has no operation policy in space %s, so %s gets the default level %s",
			rec.Name, req.SpaceKey, req.Operation, l),
		location: location + " (absent: default levels apply)",
		fix:      fmt.Sprintf("give connection %q a policy for %s", rec.Name, req.Operation),
	}
}

// unmanaged decides a request that no record governs. A space that holds
// connection records is managed by its administrators: an account they did
// not register there is denied, whatever the provider's configuration says,
// so a governed account cannot step outside its records by leaving its
// connection name out. Only a space with no records at all is unmanaged, and
// require_policy denies even that.
func unmanaged(req Request, records SpaceRecords, subject string) Result {
	location := fmt.Sprintf("space properties %q in space %s", ConnectionPropertyPrefix+"*", req.SpaceKey)
	if len(records.Connections) > 0 {
		names := make([]string, len(records.Connections))
		for i, c := range records.Connections {
			names[i] = c.Name
		}
		sort.Strings(names)
		return Result{
			Decision: DecisionDenied,
			Level:    Denied,
			Reason: fmt.Sprintf("%s is denied: space %s is managed (it holds the records of connections %s) and none of them is registered for account %s, so that account may not act there. %s",
				subject, req.SpaceKey, quoteAll(names), req.AccountID, deniedRemedy(req, "register a connection for account "+req.AccountID+" in the space")),
			PolicyLocation: location,
		}
	}
	if req.RequirePolicy {
		return Result{
			Decision: DecisionDenied,
			Level:    Denied,
			Reason: fmt.Sprintf("%s is denied: no connection record in space %s governs account %s and require_policy is set, so unmanaged operations are denied. %s",
				subject, req.SpaceKey, req.AccountID, deniedRemedy(req, "register a connection for account "+req.AccountID+" in the space")),
			PolicyLocation: location,
		}
	}
	return Result{
		Decision: DecisionUnmanaged,
		Reason: fmt.Sprintf("%s is unmanaged: no connection record in space %s governs account %s, so the operation is allowed (set require_policy to deny unmanaged operations).",
			subject, req.SpaceKey, req.AccountID),
		PolicyLocation: location,
	}
}

func validateInput(req Request, records SpaceRecords) error {
	if !req.Operation.Valid() {
		_, err := ParseOperation(string(req.Operation))
		return fmt.Errorf("evaluating policy: %w", err)
	}
	if strings.TrimSpace(req.SpaceKey) == "" {
		return fmt.Errorf("evaluating policy for %s: the space key is empty", req.Operation)
	}
	if records.SpaceKey != "" && records.SpaceKey != req.SpaceKey {
		return fmt.Errorf("evaluating policy for %s in space %s: the records given are those of space %s", req.Operation, req.SpaceKey, records.SpaceKey)
	}
	if strings.TrimSpace(req.AccountID) == "" {
		return fmt.Errorf("evaluating policy for %s in space %s: the authenticated account id is empty", req.Operation, req.SpaceKey)
	}
	if req.Connection != "" {
		if err := ValidateConnectionName(req.Connection); err != nil {
			return fmt.Errorf("evaluating policy: provider connection setting: %w", err)
		}
	}
	var errs []error
	seen := make(map[string]bool, len(records.Connections))
	for _, c := range records.Connections {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
		}
		if seen[c.Name] {
			errs = append(errs, fmt.Errorf("connection %q has more than one record", c.Name))
		}
		seen[c.Name] = true
	}
	seenPolicy := make(map[string]bool, len(records.Policies))
	for _, p := range records.Policies {
		if err := p.Validate(); err != nil {
			errs = append(errs, err)
		}
		if seenPolicy[p.Connection] {
			errs = append(errs, fmt.Errorf("connection %q has more than one operation policy", p.Connection))
		}
		seenPolicy[p.Connection] = true
	}
	if len(errs) > 0 {
		return fmt.Errorf("evaluating policy in space %s: invalid records: %w", req.SpaceKey, errors.Join(errs...))
	}
	return nil
}

// Subject names the request in a sentence: operation, page and space, e.g.
// `update_page on page "Runbook" (id 65601) in space DOCS`. Every message
// about a decision starts from it, so a request is described one way.
func (req Request) Subject() string {
	var page string
	noun := "page"
	if req.Noun != "" {
		noun = req.Noun
	}
	switch {
	case req.PageTitle != "" && req.PageID != "":
		page = fmt.Sprintf(" on %s %q (id %s)", noun, req.PageTitle, req.PageID)
	case req.PageTitle != "":
		page = fmt.Sprintf(" on %s %q", noun, req.PageTitle)
	case req.PageID != "":
		page = fmt.Sprintf(" on %s id %s", noun, req.PageID)
	}
	subject := fmt.Sprintf("%s%s in space %s", req.Operation, page, req.SpaceKey)
	if req.Operation == SearchPages && req.Content != "" {
		subject += fmt.Sprintf(" (query: %s)", req.Content)
	}
	return subject
}

func describeAccount(rec ConnectionRecord) string {
	switch {
	case rec.DisplayName != "" && rec.Email != "":
		return fmt.Sprintf("%s <%s>", rec.DisplayName, rec.Email)
	case rec.Email != "":
		return rec.Email
	case rec.DisplayName != "":
		return rec.DisplayName
	}
	return "no name recorded"
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func listOrNone(spaces []string) string {
	if len(spaces) == 0 {
		return "none"
	}
	return strings.Join(spaces, ", ")
}
