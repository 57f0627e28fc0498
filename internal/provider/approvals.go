// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// approvalsNow is the clock approvals are checked against; tests replace it.
var approvalsNow = time.Now

// approvalsFor reads the approval records of res's confirmation code in the
// space and verifies them (policy.VerifyApprovals): who approved is the
// author Confluence records for each property's current version, looked up
// by account id for the e-mail address and name Confluence reports.
// governedAccountID is the account the provider is authenticated as.
func (d *providerData) approvalsFor(ctx context.Context, spaceKey, governedAccountID string, res policy.Result) (*policy.ApprovalStatus, error) {
	props, err := d.run.approvalRecords(ctx, spaceKey)
	if err != nil {
		return nil, fmt.Errorf("reading the approval records of space %s: %w", spaceKey, err)
	}
	prefix := policy.ApprovalPropertyPrefix + res.ConfirmationCode + "."
	var stored []policy.StoredApproval
	accounts := map[string]policy.Account{}
	for _, p := range props {
		if !strings.HasPrefix(p.Key, prefix) {
			continue
		}
		stored = append(stored, policy.StoredApproval{Key: p.Key, Value: p.Value, AuthorID: p.AuthorID, WrittenAt: p.UpdatedAt})
		if _, done := accounts[p.AuthorID]; done || p.AuthorID == "" {
			continue
		}
		// An account that cannot be looked up keeps only its id: it then
		// counts only where the policy lists that id.
		acct := policy.Account{AccountID: p.AuthorID}
		if u, err := d.run.otherUser(ctx, p.AuthorID); err == nil {
			acct.Email, acct.DisplayName = u.Email, u.DisplayName
		}
		accounts[p.AuthorID] = acct
	}
	st := policy.VerifyApprovals(res.ConfirmationCode, governedAccountID, res.Approvals, stored, accounts, approvalsNow())
	st.SpaceKey = spaceKey
	return &st, nil
}

// approvalRecords lists a space's properties once per run for approvals
// (space properties cannot be listed by key prefix).
func (c *runCache) approvalRecords(ctx context.Context, spaceKey string) ([]confluence.Property, error) {
	c.mu.Lock()
	if c.approvals == nil {
		c.approvals = map[string]*onceValue[[]confluence.Property]{}
	}
	c.mu.Unlock()
	return entry(&c.mu, c.approvals, spaceKey).get(func() ([]confluence.Property, error) {
		space, err := c.Space(ctx, spaceKey)
		if err != nil {
			return nil, err
		}
		return c.client.ListSpaceProperties(ctx, space.ID, "")
	})
}

// user looks another account up by id, once per run.
func (c *runCache) otherUser(ctx context.Context, accountID string) (*confluence.User, error) {
	return entry(&c.mu, c.users, accountID).get(func() (*confluence.User, error) { return c.client.GetUser(ctx, accountID) })
}

// approvalState is the "Approval state:" line of the plan warning, which
// confluence-plan-report reads: "approved (approved by …)" or "waiting (…)".
func approvalState(res policy.Result) string {
	st := res.ApprovalStatus
	switch {
	case st == nil:
		return "waiting (the approval records were not read)"
	case st.Granted:
		return "approved (" + st.Summary() + ")"
	}
	return "waiting (" + st.Missing + ")"
}

// approvalNote is what the version message and terraform.change record about
// the approval of a change: "approved by Alice <account id> at …", or "" when
// the change was not granted by approvals.
func approvalNote(res policy.Result) string {
	if !res.NeedsApproval() || res.ApprovalStatus == nil || !res.ApprovalStatus.Granted {
		return ""
	}
	return res.ApprovalStatus.Summary()
}

// reportApproval is the plan-time warning of a change that needs approval
// under a policy naming approvers.
func (d *providerData) reportApproval(diags *diag.Diagnostics, res policy.Result) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nConfirmation code: %s\nThe code is bound to this exact change; any other change gets a different code.\nApproval state: %s\n",
		res.Reason, res.ConfirmationCode, approvalState(res))
	if st := res.ApprovalStatus; st != nil && !st.Granted {
		fmt.Fprintf(&b, "To approve, a listed approver runs with their own credentials: confluence-plan-report approve %s --space %s --reason \"…\"\n",
			res.ConfirmationCode, approvalSpace(res))
	}
	if policy.Granted(res.ConfirmationCode, d.confirmations) {
		b.WriteString("The provider's confirmations (CONFLUENCE_CONFIRMATIONS) list this code, but they cannot grant it: the policy names approvers, and the apply will refuse the code given that way.\n")
	}
	writeRefused(&b, res.ApprovalStatus)
	diags.AddWarning("Confirmation Required: "+res.ConfirmationCode, strings.TrimRight(b.String(), "\n"))
}

// checkApproval stops a gated operation under a policy naming approvers
// unless the approval records grant its code. A code granted through
// CONFLUENCE_CONFIRMATIONS is refused outright: whoever runs the apply
// (often the automation itself) must not be able to approve its own change.
func (d *providerData) checkApproval(diags *diag.Diagnostics, res policy.Result, when decisionMoment) bool {
	if policy.Granted(res.ConfirmationCode, d.confirmations) {
		diags.AddError("Confirmation Not Accepted From Confirmations",
			fmt.Sprintf("%s\n\nIt needs code %s, and CONFLUENCE_CONFIRMATIONS lists it, but the governing policy names approvers, so only their approval recorded in Confluence grants it. %s\n\n"+
				"Remove the code from the confirmations. A listed approver approves it with their own credentials: confluence-plan-report approve %s --space %s --reason \"…\"",
				res.Reason, res.ConfirmationCode, notDone(when), res.ConfirmationCode, approvalSpace(res)))
		return false
	}
	st := res.ApprovalStatus
	if st == nil || !st.Granted {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n\nIt needs code %s approved by its approvers, and it is not: %s. %s\n\n"+
			"A listed approver who is not the automation account approves it with their own credentials: confluence-plan-report approve %s --space %s --reason \"…\"\n",
			res.Reason, res.ConfirmationCode, strings.TrimPrefix(strings.TrimSuffix(approvalState(res), ")"), "waiting ("), notDone(when), res.ConfirmationCode, approvalSpace(res))
		writeRefused(&b, st)
		diags.AddError("Approval Required", strings.TrimRight(b.String(), "\n"))
		return false
	}
	return true
}

func writeRefused(b *strings.Builder, st *policy.ApprovalStatus) {
	if st == nil || len(st.Refused) == 0 {
		return
	}
	b.WriteString("Approval records that do not count:\n")
	for _, r := range st.Refused {
		fmt.Fprintf(b, "  - %s: %s\n", r.PropertyKey, r.Why)
	}
}

// approvalSpace is the space an approval of res must be recorded in.
func approvalSpace(res policy.Result) string {
	if res.ApprovalStatus != nil && res.ApprovalStatus.SpaceKey != "" {
		return res.ApprovalStatus.SpaceKey
	}
	return "KEY"
}
