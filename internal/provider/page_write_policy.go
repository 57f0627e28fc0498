// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Resources that change an existing page without rewriting its body (a
// content property, its restrictions) are governed by the update_page
// operation of the page's space, decided at plan and enforced at apply with
// the helpers of policy_check.go, like page updates. The page-properties and
// content-property data sources read under get_page / search_pages. This file
// is the only place those resources and data sources call policy_check.go;
// subject says what the provider was doing, for errors that are not decisions.

// pageSpace returns the key of the space a page is in and the page's title
// (two requests: the page's metadata and its space).
func (d *providerData) pageSpace(ctx context.Context, pageID string) (spaceKey, title string, err error) {
	page, err := d.client.GetPage(ctx, pageID, confluence.GetPageOptions{})
	if err != nil {
		return "", "", err
	}
	space, err := d.run.SpaceByID(ctx, page.SpaceID)
	if err != nil {
		return "", "", fmt.Errorf("reading the space (id %s) of page %s: %w", page.SpaceID, pageID, err)
	}
	return space.Key, page.Title, nil
}

// decidePageWrite evaluates update_page for a change to pageID and reports
// the decision for its moment; content is what the change writes, so the
// confirmation code is bound to it. gone is true (and nothing reported) when
// the page no longer exists and missingOK is set, as for a removal.
func (d *providerData) decidePageWrite(ctx context.Context, diags *diag.Diagnostics, pageID, content, subject string, missingOK bool, when decisionMoment) (res policy.Result, ok, gone bool) {
	spaceKey, title, err := d.pageSpace(ctx, pageID)
	if err != nil {
		if confluence.IsNotFound(err) {
			if missingOK {
				return policy.Result{}, true, true
			}
			diags.AddError("Page Not Found",
				fmt.Sprintf("%s: Confluence has no page %s visible to %s. Check page_id; the page may have been deleted, or be restricted so the account may not view it.", subject, pageID, d.account()))
			return policy.Result{}, false, false
		}
		addAPIError(diags, "Unable to Read Page", subject+": while finding the page's space to apply its policy", d.account(), err)
		return policy.Result{}, false, false
	}
	req := policy.Request{Operation: policy.UpdatePage, SpaceKey: spaceKey, PageID: pageID, PageTitle: title, Content: content}
	res, err = d.decide(ctx, req)
	if err != nil {
		d.addPolicyEvaluationError(diags, req, when, err)
		return policy.Result{}, false, false
	}
	return res, true, false
}

// planPageWrite decides a page write at plan time, reports the decision and
// returns the values of policy_decision and confirmation_code. Both are
// unknown when the page or the content is known only at apply; the apply
// decides and enforces then. A removal (missingOK) from a page that is gone
// governs nothing.
func (d *providerData) planPageWrite(ctx context.Context, diags *diag.Diagnostics, pageID types.String, content string, contentKnown, missingOK bool, subject string) (decision, code types.String) {
	if d.configUnknown {
		reportNotDecided(diags, subject+" (update_page)")
	}
	if d.configUnknown || pageID.IsUnknown() || pageID.IsNull() {
		return types.StringUnknown(), types.StringUnknown()
	}
	res, ok, gone := d.decidePageWrite(ctx, diags, pageID.ValueString(), content, subject, missingOK, atPlan)
	if !ok || gone {
		return types.StringUnknown(), types.StringUnknown()
	}
	if !contentKnown {
		if res.Decision == policy.DecisionDenied {
			d.reportDecision(diags, res, atPlan)
		}
		return types.StringUnknown(), types.StringUnknown()
	}
	d.reportDecision(diags, res, atPlan)
	return types.StringValue(string(res.Decision)), types.StringValue(res.ConfirmationCode)
}

// enforcePageWrite re-decides a page write right before it is sent and stops
// it unless allowed (and, where needed, its code granted). gone is true when
// a removal (missingOK) finds the page gone: there is nothing to write.
func (d *providerData) enforcePageWrite(ctx context.Context, diags *diag.Diagnostics, pageID, content, subject string, missingOK bool) (res policy.Result, ok, gone bool) {
	res, ok, gone = d.decidePageWrite(ctx, diags, pageID, content, subject, missingOK, atApply)
	if !ok || gone {
		return res, ok, gone
	}
	return res, d.reportDecision(diags, res, atApply), false
}
