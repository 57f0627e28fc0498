// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// decide evaluates the policy for one operation on one space, with the
// authenticated account and the space's records loaded once per run.
func (d *providerData) decide(ctx context.Context, op policy.Operation, spaceKey, pageID, pageTitle, content string) (policy.Result, error) {
	user, err := d.run.CurrentUser(ctx)
	if err != nil {
		return policy.Result{}, fmt.Errorf("reading the authenticated account: %w", err)
	}
	records, err := d.run.SpaceRecords(ctx, spaceKey)
	if err != nil {
		return policy.Result{}, fmt.Errorf("reading the policy records of space %s: %w", spaceKey, err)
	}
	res, err := policy.Evaluate(policy.Request{
		Operation:     op,
		SpaceKey:      spaceKey,
		PageID:        pageID,
		PageTitle:     pageTitle,
		AccountID:     user.AccountID,
		Connection:    d.connection,
		RequirePolicy: d.requirePolicy,
		Content:       content,
	}, records)
	if err == nil && res.NeedsApproval() {
		res.ApprovalStatus, err = d.approvalsFor(ctx, spaceKey, user.AccountID, res)
	}
	return res, err
}

// reportDecision adds the plan-time diagnostics of a decision: an error when
// denied, a warning with the code when a confirmation is needed. It reports
// whether the operation may go ahead.
func (d *providerData) reportDecision(diags *diag.Diagnostics, res policy.Result, subject string) bool {
	switch res.Decision {
	case policy.DecisionDenied:
		diags.AddError("Operation Denied by Confluence Policy",
			fmt.Sprintf("%s: %s\n\nThe policy lives in %s. Change it in the administrators' workspace, or change this configuration.", subject, res.Reason, res.PolicyLocation))
		return false
	case policy.DecisionAllowedWithConfirmation:
		if res.NeedsApproval() {
			d.reportApproval(diags, res, subject)
			return true
		}
		granted := "It has not been granted yet: to apply, set confirmations = [\"" + res.ConfirmationCode + "\"] in the provider block or CONFLUENCE_CONFIRMATIONS=" + res.ConfirmationCode + " for the apply."
		if policy.Granted(res.ConfirmationCode, d.confirmations) {
			granted = "It is granted for this run."
		}
		diags.AddWarning("Confirmation Required: "+res.ConfirmationCode,
			fmt.Sprintf("%s: %s\n\nConfirmation code: %s\nThe code is bound to this exact change; any other change gets a different code. %s", subject, res.Reason, res.ConfirmationCode, granted))
	}
	return true
}

// addPolicyEvaluationError reports that the policy could not be evaluated,
// which stops the operation: an unknown decision never lets a change through.
func (d *providerData) addPolicyEvaluationError(diags *diag.Diagnostics, subject string, err error) {
	if _, ok := confluence.AsAPIError(err); ok {
		addAPIError(diags, "Unable to Evaluate Confluence Policy", subject+": while loading the policy, so nothing was done", d.account(), err)
		return
	}
	diags.AddError("Unable to Evaluate Confluence Policy",
		subject+": the policy could not be evaluated, so nothing was done. "+err.Error())
}

// enforceAtApply re-evaluates the policy right before a write and stops it
// unless it is allowed and, where needed, its code granted. A policy that
// changed between plan and apply never gets this far for planned values:
// Terraform's apply-time re-plan of policy_decision and confirmation_code no
// longer matches the saved plan and stops the apply first.
func (d *providerData) enforceAtApply(diags *diag.Diagnostics, res policy.Result, subject string) bool {
	switch res.Decision {
	case policy.DecisionDenied:
		diags.AddError("Operation Denied by Confluence Policy",
			fmt.Sprintf("%s is denied: %s\n\nNothing was written. The policy lives in %s.", subject, res.Reason, res.PolicyLocation))
		return false
	case policy.DecisionAllowedWithConfirmation:
		if res.NeedsApproval() {
			return d.enforceApproval(diags, res, subject)
		}
		if !policy.Granted(res.ConfirmationCode, d.confirmations) {
			diags.AddError("Confirmation Code Not Granted",
				fmt.Sprintf("%s needs confirmation code %s, which was not granted. Nothing was written.\n\nAn approver who reviewed the plan grants it with CONFLUENCE_CONFIRMATIONS=%s (or the provider's confirmations argument) for the apply. A code granted for a different change does not unlock this one.",
					subject, res.ConfirmationCode, res.ConfirmationCode))
			return false
		}
	}
	return true
}
