// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// ModifyPlan makes form-only edits no-ops, plans the computed values that are
// pure functions of the configuration, and applies the operation policy. It
// runs at plan and again at apply with the same inputs, so everything it plans
// must come out identical both times. The rules are pageChange's; this
// function reads the request, asks the policy and writes the plan.
func (r *PageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // validate only: the provider is not configured
	}
	if req.Plan.Raw.IsNull() {
		var state pageModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			r.governDelete(ctx, &resp.Diagnostics, state)
		}
		return
	}
	var plan, config pageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var state *pageModel
	if !req.State.Raw.IsNull() {
		state = &pageModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	content, err := renderContent(config)
	if err != nil {
		resp.Diagnostics.AddAttributeError(contentPath(config), "Invalid Page Content", err.Error())
		return
	}
	if state != nil {
		plan = keepEquivalentForm(plan, config, *state, content)
	}
	if config.ParentID.IsNull() {
		// The space homepage, so removing parent_id moves the page back there.
		plan.ParentID = r.homepageID(ctx, &resp.Diagnostics, plan)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state != nil && !plan.SpaceKey.Equal(state.SpaceKey) {
		// A new space replaces the page. Terraform plans the new page
		// separately, as a create without prior state; here the old page's
		// deletion is what needs governing.
		r.governDelete(ctx, &resp.Diagnostics, *state)
		return
	}

	change := newPageChange(plan, state, content)
	plan = change.planComputed(plan, state)
	if change.reachesConfluence() {
		if r.data.configUnknown || plan.SpaceKey.IsUnknown() {
			// The policy to apply is not known yet; the apply decides and enforces.
			plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
		} else {
			res, ok := r.planPolicy(ctx, &resp.Diagnostics, change)
			if !ok {
				return
			}
			plan = change.planDecision(plan, res)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planPolicy decides the change at plan time and reports the decision. A
// change not fully known is still refused when denied; when it needs
// confirmation the reviewer is told its code is not final yet.
func (r *PageResource) planPolicy(ctx context.Context, diags *diag.Diagnostics, change pageChange) (policy.Result, bool) {
	req := change.policyRequest()
	res, err := r.data.decide(ctx, req)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, req, atPlan, err)
		return res, false
	}
	if change.known || res.Decision == policy.DecisionDenied {
		return res, r.data.reportDecision(diags, res, atPlan)
	}
	if res.Decision == policy.DecisionAllowedWithConfirmation {
		diags.AddWarning("Confirmation Code Not Final",
			res.Reason+"\n\nThe change depends on values not known until apply, so its confirmation code cannot be bound to it yet. "+
				"The apply will stop before writing and show the final code; grant that code and apply again.")
	}
	return res, true
}

// governDelete applies the delete_page policy to the page in state, unless
// destroying it leaves the page in Confluence. A destroy plan has no
// attributes to carry a code, so a confirmation shows as a warning.
func (r *PageResource) governDelete(ctx context.Context, diags *diag.Diagnostics, state pageModel) {
	if r.data.configUnknown || state.OnDestroy.ValueString() == onDestroyRetain {
		return
	}
	r.data.decideAndReport(ctx, diags, newDeleteChange(state).policyRequest(), atPlan)
}

// homepageID is the planned parent when none is configured: the space's
// homepage, unknown while the space is.
func (r *PageResource) homepageID(ctx context.Context, diags *diag.Diagnostics, plan pageModel) types.String {
	if r.data.configUnknown || plan.SpaceKey.IsUnknown() {
		return types.StringUnknown()
	}
	space, err := r.data.run.Space(ctx, plan.SpaceKey.ValueString())
	if err != nil {
		addAPIError(diags, "Unable to Read Space", "While planning page "+quote(plan.Title.ValueString())+" in space "+plan.SpaceKey.ValueString(), r.data.account(), err)
		return types.StringUnknown()
	}
	return types.StringValue(space.HomepageID)
}
