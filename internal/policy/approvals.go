// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Approvals (issue 13): a policy that names approvers grants an
// allowed_with_confirmation change only through approval records in
// Confluence. An approval is a space property in the space of the change,
// written by the approver with their own credentials under
// ApprovalPropertyKey(code, their account id). Who approved is what
// Confluence records as the author of the property's current version
// (SpaceProperty.version.createdBy in the v2 API), never a field of the value:
// the writer chooses the value, Confluence chooses the author.
//
// Writing a space property needs space admin in Confluence, so approvers are
// people who administer the space; automation accounts never hold that
// permission (DESIGN.md, "What the policy does and does not protect"), and
// even if one did, its own approvals are refused here.

// ApprovalPropertyPrefix starts the key of every approval record.
const ApprovalPropertyPrefix = "terraform.approval."

// ApprovalSchemaVersion is the approval record format this package writes and
// reads.
const ApprovalSchemaVersion = 1

// Approval lifetimes: an approval without an expiry is refused, and one may
// not outlive MaxApprovalLifetime from the time Confluence recorded it.
const (
	DefaultApprovalLifetime = 24 * time.Hour
	MaxApprovalLifetime     = 30 * 24 * time.Hour
	// MaxApprovalReasonLength keeps the record small; a reason is a sentence.
	MaxApprovalReasonLength = 500
)

var codePattern = regexp.MustCompile(fmt.Sprintf(`^([a-z_]+)-[0-9a-f]{%d}$`, confirmationHexDigits))

// ValidateCode checks that code looks like a confirmation code
// ("update_page-3f9a1c2b7e") for a known operation.
func ValidateCode(code string) error {
	m := codePattern.FindStringSubmatch(code)
	if m == nil {
		return fmt.Errorf("%q is not a confirmation code: codes are an operation, a dash and %d hex digits, as the plan shows them", code, confirmationHexDigits)
	}
	if !Operation(m[1]).Valid() {
		return fmt.Errorf("confirmation code %q names unknown operation %q", code, m[1])
	}
	return nil
}

// ApprovalPropertyKey is the space property key of the approval of code by the
// account accountID. One key per approver keeps approvals of the same code by
// different people apart.
func ApprovalPropertyKey(code, accountID string) string {
	return ApprovalPropertyPrefix + code + "." + accountID
}

// ApprovalValue is the JSON value of an approval record. The approver chooses
// every field; only Code, Reason and ExpiresAt are used, and the expiry is
// bounded by the time Confluence recorded. ApproverAccountID, ApproverEmail
// and ApprovedAt are informational: verification never trusts them.
type ApprovalValue struct {
	SchemaVersion     int       `json:"schema_version"`
	Code              string    `json:"code"`
	Reason            string    `json:"reason"`
	ExpiresAt         time.Time `json:"expires_at"`
	ApproverAccountID string    `json:"approver_account_id,omitempty"`
	ApproverEmail     string    `json:"approver_email,omitempty"`
	ApprovedAt        time.Time `json:"approved_at,omitzero"`
}

// EncodeApproval validates v and returns the JSON stored as the approval
// record; schema_version is always ApprovalSchemaVersion.
func EncodeApproval(v ApprovalValue) ([]byte, error) {
	if err := ValidateCode(v.Code); err != nil {
		return nil, err
	}
	if err := ValidateApprovalReason(v.Reason); err != nil {
		return nil, err
	}
	if v.ExpiresAt.IsZero() {
		return nil, errors.New("the approval has no expiry")
	}
	v.SchemaVersion = ApprovalSchemaVersion
	v.ExpiresAt = v.ExpiresAt.UTC()
	v.ApprovedAt = v.ApprovedAt.UTC()
	return json.Marshal(v)
}

// ValidateApprovalReason requires a reason: the audit trail must say why.
func ValidateApprovalReason(reason string) error {
	switch r := strings.TrimSpace(reason); {
	case r == "":
		return errors.New("the approval needs a reason (what was reviewed, e.g. the pull request)")
	case len(r) > MaxApprovalReasonLength:
		return fmt.Errorf("the reason is %d characters long: use at most %d", len(r), MaxApprovalReasonLength)
	}
	return nil
}

// ParseApprovalExpiry reads an expiry given as a duration from now ("24h",
// "90m", "3d") or as an RFC 3339 time. It must be in the future and at most
// MaxApprovalLifetime away.
func ParseApprovalExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	var at time.Time
	switch {
	case s == "":
		at = now.Add(DefaultApprovalLifetime)
	case strings.HasSuffix(s, "d") && !strings.ContainsAny(s, "T:"):
		days, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil {
			return time.Time{}, fmt.Errorf("expiry %q: use a duration such as 24h or 3d, or an RFC 3339 time", s)
		}
		at = now.Add(time.Duration(days) * 24 * time.Hour)
	default:
		if d, err := time.ParseDuration(s); err == nil {
			at = now.Add(d)
		} else if t, err := time.Parse(time.RFC3339, s); err == nil {
			at = t
		} else {
			return time.Time{}, fmt.Errorf("expiry %q: use a duration such as 24h or 3d, or an RFC 3339 time such as 2026-12-01T18:00:00Z", s)
		}
	}
	switch {
	case !at.After(now):
		return time.Time{}, fmt.Errorf("expiry %s is not in the future", at.UTC().Format(time.RFC3339))
	case at.Sub(now) > MaxApprovalLifetime:
		return time.Time{}, fmt.Errorf("expiry %s is more than %d days away: approvals are short-lived", at.UTC().Format(time.RFC3339), int(MaxApprovalLifetime/(24*time.Hour)))
	}
	return at.UTC().Truncate(time.Second), nil
}

// ApprovalRequirement is what one governing policy demands of a gated change:
// approvals of its code by Required distinct accounts among Approvers.
type ApprovalRequirement struct {
	Connection string
	Approvers  []string // e-mail addresses or account ids, as the policy names them
	Required   int
}

// StoredApproval is an approval record as Confluence reports it: the property
// key and value, and the author and time Confluence recorded for the current
// version of the property.
type StoredApproval struct {
	Key       string
	Value     []byte
	AuthorID  string    // SpaceProperty.version.createdBy
	WrittenAt time.Time // SpaceProperty.version.createdAt
}

// Account is what Confluence reports about an account id (GET /user): the
// e-mail address is empty when the account does not share it.
type Account struct {
	AccountID, Email, DisplayName string
}

// Name is "Display Name <account id>", or the id alone.
func (a Account) Name() string {
	if a.DisplayName == "" {
		return a.AccountID
	}
	return fmt.Sprintf("%s <%s>", a.DisplayName, a.AccountID)
}

// Approval is an accepted approval.
type Approval struct {
	Code        string
	Approver    Account
	At          time.Time // when Confluence recorded it
	ExpiresAt   time.Time
	Reason      string
	PropertyKey string
}

// String is the sentence page history and terraform.change carry:
// "approved by Alice Approver <557058:…> at 2026-11-29T17:00:00Z".
func (a Approval) String() string {
	return fmt.Sprintf("approved by %s at %s", a.Approver.Name(), a.At.UTC().Format(time.RFC3339))
}

// RefusedApproval is an approval record that does not count, and why.
type RefusedApproval struct {
	PropertyKey string
	AuthorID    string
	Why         string
}

// ApprovalStatus is the verdict on the approvals of one confirmation code.
type ApprovalStatus struct {
	Code      string
	SpaceKey  string // where the records were read; set by the caller
	Granted   bool
	Approvals []Approval // accepted, oldest first
	Refused   []RefusedApproval
	// Missing says, when not granted, what is still needed: one sentence.
	Missing string
}

// Summary is the accepted approvals as one phrase, "approved by A at T; approved by B at T".
func (s ApprovalStatus) Summary() string {
	parts := make([]string, len(s.Approvals))
	for i, a := range s.Approvals {
		parts[i] = a.String()
	}
	return strings.Join(parts, "; ")
}

// Listed reports whether the account is among approvers: by account id, or by
// the e-mail address Confluence reports for it (compared without case).
func Listed(a Account, approvers []string) bool {
	for _, entry := range approvers {
		if entry == a.AccountID || (a.Email != "" && strings.EqualFold(entry, a.Email)) {
			return true
		}
	}
	return false
}

// VerifyApprovals decides whether the stored approval records grant code for
// a change by the governed account. A record counts only if:
//   - its key is ApprovalPropertyKey(code, author), its value decodes and
//     names code;
//   - Confluence reports an author for it (the author of its current
//     version), who is not the governed account: no identity approves its
//     own change, even when listed as an approver;
//   - the author is a listed approver of the requirement (by account id, or
//     by the e-mail address Confluence reports in accounts);
//   - it has not expired at now, and its expiry is at most
//     MaxApprovalLifetime after Confluence recorded it.
//
// The code is granted when every requirement has at least Required distinct
// accepted approvers; no requirement grants nothing. Records for other codes
// are ignored.
func VerifyApprovals(code, governedAccountID string, reqs []ApprovalRequirement, stored []StoredApproval, accounts map[string]Account, now time.Time) ApprovalStatus {
	st := ApprovalStatus{Code: code}
	if code == "" || len(reqs) == 0 {
		st.Missing = "no approval can grant this change: the policy names no approvers"
		return st
	}
	prefix := ApprovalPropertyPrefix + code + "."
	accepted := map[string]Approval{} // by author
	for _, rec := range stored {
		keyAccount, ok := strings.CutPrefix(rec.Key, prefix)
		if !ok {
			continue
		}
		refuse := func(format string, args ...any) {
			st.Refused = append(st.Refused, RefusedApproval{PropertyKey: rec.Key, AuthorID: rec.AuthorID, Why: fmt.Sprintf(format, args...)})
		}
		acct, known := accounts[rec.AuthorID]
		if !known {
			acct = Account{AccountID: rec.AuthorID}
		}
		var v ApprovalValue
		if err := json.Unmarshal(rec.Value, &v); err != nil {
			refuse("its value is not an approval record: %v", err)
			continue
		}
		switch {
		case rec.AuthorID == "":
			refuse("Confluence reports no author for it")
		case rec.AuthorID == governedAccountID:
			refuse("it was written by %s, the governed account itself: no identity approves its own change", acct.Name())
		case keyAccount != rec.AuthorID:
			refuse("it is stored under the key of account %s but was last written by %s", keyAccount, acct.Name())
		case v.SchemaVersion != ApprovalSchemaVersion:
			refuse("schema_version %d is not %d", v.SchemaVersion, ApprovalSchemaVersion)
		case v.Code != code:
			refuse("it names code %q, not %q", v.Code, code)
		case v.ExpiresAt.IsZero():
			refuse("it has no expiry")
		case !now.Before(v.ExpiresAt):
			refuse("it expired at %s", v.ExpiresAt.UTC().Format(time.RFC3339))
		case v.ExpiresAt.Sub(rec.WrittenAt) > MaxApprovalLifetime:
			refuse("its expiry %s is more than %d days after it was written", v.ExpiresAt.UTC().Format(time.RFC3339), int(MaxApprovalLifetime/(24*time.Hour)))
		case !slices.ContainsFunc(reqs, func(r ApprovalRequirement) bool { return Listed(acct, r.Approvers) }):
			refuse("%s is not a listed approver", acct.Name())
		default:
			accepted[rec.AuthorID] = Approval{Code: code, Approver: acct, At: rec.WrittenAt, ExpiresAt: v.ExpiresAt, Reason: v.Reason, PropertyKey: rec.Key}
		}
	}
	for _, a := range accepted {
		st.Approvals = append(st.Approvals, a)
	}
	sort.Slice(st.Approvals, func(i, j int) bool {
		if !st.Approvals[i].At.Equal(st.Approvals[j].At) {
			return st.Approvals[i].At.Before(st.Approvals[j].At)
		}
		return st.Approvals[i].Approver.AccountID < st.Approvals[j].Approver.AccountID
	})
	var missing []string
	for _, r := range reqs {
		n := 0
		for _, a := range st.Approvals {
			if Listed(a.Approver, r.Approvers) {
				n++
			}
		}
		if n < max(r.Required, 1) {
			missing = append(missing, fmt.Sprintf("connection %q needs %d approval(s) from its approvers (%s) and has %d", r.Connection, max(r.Required, 1), strings.Join(r.Approvers, ", "), n))
		}
	}
	st.Granted = len(missing) == 0
	if !st.Granted {
		st.Missing = strings.Join(missing, "; ")
	}
	return st
}

// CheckApprover says whether account me may approve code in the space whose
// records are given, before an approval is written: it refuses an account
// that a connection record of the space governs (no identity approves its own
// change) and an account that no policy gating the code's operation lists as
// an approver. The provider verifies again at apply from what Confluence
// records; this check only spares a useless write and explains why.
func CheckApprover(me Account, records SpaceRecords, code string) error {
	if err := ValidateCode(code); err != nil {
		return err
	}
	op := Operation(code[:strings.LastIndex(code, "-")])
	for _, c := range records.Connections {
		if c.AccountID == me.AccountID {
			return fmt.Errorf("%s is the account of connection %q in space %s: no identity approves its own change; ask a listed approver", me.Name(), c.Name, records.SpaceKey)
		}
	}
	var gating []string
	for _, p := range records.Policies {
		if p.Level(op) != AllowedWithConfirmation || p.Required() == 0 {
			continue
		}
		if Listed(me, p.Approvers) {
			return nil
		}
		gating = append(gating, fmt.Sprintf("%q (%s)", p.Connection, strings.Join(p.Approvers, ", ")))
	}
	if len(gating) == 0 {
		return fmt.Errorf("no operation policy in space %s names approvers for %s: its codes are granted through the provider's confirmations, not by approval", records.SpaceKey, op)
	}
	return fmt.Errorf("%s is not a listed approver of the policies that gate %s in space %s: %s", me.Name(), op, records.SpaceKey, strings.Join(gating, "; "))
}
