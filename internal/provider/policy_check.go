// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// This file is the one place that words policy decisions. policy.Result's
// Reason already names the operation, page and space (policy.Request.Subject),
// so the messages here add only what the moment needs: what was not done and
// what to do about it.

// decisionMoment is when a decision is reported; the same decision reads
// differently at plan (a warning the reviewer sees), at apply (the last check
// before a write) and when a data source reads (no apply follows).
type decisionMoment int

const (
	atPlan decisionMoment = iota
	atApply
	atRead
)

// decide evaluates the policy for one request. req names the operation, the
// space, the page and the content a confirmation code is bound to; the
// authenticated account and the provider's settings are filled in here.
// Policy records are loaded once per run.
func (d *providerData) decide(ctx context.Context, req policy.Request) (policy.Result, error) {
	user, err := d.run.CurrentUser(ctx)
	if err != nil {
		return policy.Result{}, fmt.Errorf("reading the authenticated account: %w", err)
	}
	records, err := d.run.SpaceRecords(ctx, req.SpaceKey)
	if err != nil {
		if answeredError(err) {
			return policy.Result{}, fmt.Errorf("reading the policy records of space %s: %w", req.SpaceKey, err)
		}
		return policy.Result{}, err // policy.RecordsFromProperties names the space itself
	}
	req.AccountID = user.AccountID
	req.Connection = d.connection
	req.RequirePolicy = d.requirePolicy
	if err := d.checkConnectionName(req.SpaceKey, records, user.AccountID); err != nil {
		return policy.Result{}, err
	}
	res, err := policy.Evaluate(req, records)
	if err == nil {
		now := d.clock()
		res = policy.DenyExpired(req, res, records, now)
		d.run.noteExpiring(policy.GoverningExpiries(user.AccountID, records, now))
	}
	if err == nil && res.NeedsApproval() {
		res.ApprovalStatus, err = d.approvalsFor(ctx, req.SpaceKey, user.AccountID, res)
	}
	return res, err
}

// reportDecision adds the diagnostics of a decision for its moment and
// reports whether the operation may go ahead:
//   - denied is an error at every moment;
//   - allowed_with_confirmation is a warning with the code at plan, and an
//     error at apply or read unless the code is granted.
func (d *providerData) reportDecision(diags *diag.Diagnostics, res policy.Result, when decisionMoment) bool {
	if when != atApply {
		d.warnExpiring(diags)
	}
	switch res.Decision {
	case policy.DecisionDenied:
		diags.AddError("Operation Denied by Confluence Policy",
			fmt.Sprintf("%s\n\n%sThe policy lives in %s; it is changed in the administrators' workspace.", res.Reason, notDone(when), res.PolicyLocation))
		return false
	case policy.DecisionAllowedWithConfirmation:
		if res.NeedsApproval() {
			// The policy names approvers: only their records in Confluence
			// grant the code (approvals.go).
			if when == atPlan {
				d.reportApproval(diags, res)
				return true
			}
			return d.checkApproval(diags, res, when)
		}
		granted := policy.Granted(res.ConfirmationCode, d.confirmations)
		switch {
		case when == atPlan:
			state := "It has not been granted yet: an approver who reviewed this plan grants it with CONFLUENCE_CONFIRMATIONS=" + res.ConfirmationCode + " in the environment of the apply."
			if granted {
				state = "It is granted for this run."
			}
			diags.AddWarning("Confirmation Required: "+res.ConfirmationCode,
				fmt.Sprintf("%s\n\nConfirmation code: %s\nThe code is bound to this exact change; any other change gets a different code. %s", res.Reason, res.ConfirmationCode, state))
		case granted:
		case when == atApply:
			diags.AddError("Confirmation Code Not Granted",
				fmt.Sprintf("%s\n\nIt needs confirmation code %s, which was not granted. %s"+
					"An approver who reviewed the plan grants it with CONFLUENCE_CONFIRMATIONS=%s in the environment of the apply. A code granted for a different change does not unlock this one.",
					res.Reason, res.ConfirmationCode, notDone(when), res.ConfirmationCode))
			return false
		default:
			diags.AddError("Confirmation Required: "+res.ConfirmationCode,
				fmt.Sprintf("%s\n\nConfirmation code: %s\n%sData sources are read while planning, so the code must be granted before terraform plan runs, with CONFLUENCE_CONFIRMATIONS=%s in its environment. "+
					"The code is bound to this space and this exact %s; any other gets a different code. The policy lives in %s.",
					res.Reason, res.ConfirmationCode, notDone(when), res.ConfirmationCode, boundWhat(res), res.PolicyLocation))
			return false
		}
	}
	return true
}

// notDone says what a refused operation did not do, for its moment.
func notDone(when decisionMoment) string {
	switch when {
	case atApply:
		return "Nothing was written. "
	case atRead:
		return "Nothing was returned. "
	}
	return ""
}

func boundWhat(res policy.Result) string {
	if res.Operation == policy.SearchPages {
		return "query"
	}
	return "page"
}

// addPolicyEvaluationError reports that the policy could not be evaluated,
// which stops the operation: an unknown decision never lets a change through.
func (d *providerData) addPolicyEvaluationError(diags *diag.Diagnostics, req policy.Request, when decisionMoment, err error) {
	doing := "While deciding " + req.Subject()
	var unregistered *unregisteredConnectionError
	if errors.As(err, &unregistered) {
		diags.AddError("Connection Not Registered for This Account", fmt.Sprintf("%s, %s Nothing was done.", doing, unregistered))
		return
	}
	if answeredError(err) {
		addAPIError(diags, "Unable to Evaluate Confluence Policy", doing+" the policy could not be loaded, so nothing was done", d.account(), err)
		return
	}
	diags.AddError("Unable to Evaluate Confluence Policy",
		fmt.Sprintf("%s the policy could not be evaluated, so nothing was done. %s%s", doing, notDone(when), err))
}

// decideAndReport evaluates req and reports the decision for its moment. ok is
// false when the operation must not go ahead (denied, not confirmed, or the
// policy could not be evaluated); the diagnostics say why.
func (d *providerData) decideAndReport(ctx context.Context, diags *diag.Diagnostics, req policy.Request, when decisionMoment) (policy.Result, bool) {
	res, err := d.decide(ctx, req)
	if err != nil {
		d.addPolicyEvaluationError(diags, req, when, err)
		return res, false
	}
	return res, d.reportDecision(diags, res, when)
}

// authorizeRead applies the policy to a read done by a data source. Data
// sources read while planning, and a plan cannot carry a confirmation code to
// an apply, so allowed_with_confirmation requires the code to be granted
// already. req.Content is what the code is bound to: the query of a search,
// "" for get_page (whose code is bound to the page id).
func (d *providerData) authorizeRead(ctx context.Context, diags *diag.Diagnostics, req policy.Request) bool {
	_, ok := d.decideAndReport(ctx, diags, req, atRead)
	return ok
}

// policyNotDecidedSummary is the summary of the warning below; the plan
// report reads it (internal/report) and never counts such a change allowed.
const policyNotDecidedSummary = "Policy Not Decided at Plan"

// reportNotDecided warns that the policy of an operation (subject, as
// policy.Request.Subject words it) cannot be decided by this
// plan because the provider configuration that says who the provider is
// (site, credentials, auth mode, connection or require_policy) is known only
// at apply. The apply decides and refuses what the policy does not allow,
// but a reviewer of this plan cannot tell whether it will; the warning names
// the operation so the plan report holds it back.
func reportNotDecided(diags *diag.Diagnostics, subject string) {
	diags.AddWarning(policyNotDecidedSummary,
		fmt.Sprintf("%s is not decided by this plan: the Confluence provider configuration (url, credentials, auth settings, connection or require_policy) depends on values known only at apply, "+
			"so the policy cannot be read yet. The apply decides and refuses the operation if the policy does not allow it; until then this plan does not show whether it will. "+
			"Set those provider arguments from values known at plan time, such as variables or environment variables.", subject))
}
