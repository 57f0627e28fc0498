// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// The attachment resource's only contact with the policy helpers of
// policy_check.go: attaching, replacing and removing a file change the page,
// so each is the page's update_page operation.

// attachmentChange is one attachment operation to govern.
type attachmentChange struct {
	op       attachmentOp
	pageID   string
	filename string
	content  string // what a confirmation code is bound to
}

func (ch attachmentChange) subject() string {
	return describeAttachmentChange(ch.op, ch.pageID, ch.filename)
}

// request is the policy request of the change on its page.
func (r *AttachmentResource) request(ctx context.Context, ch attachmentChange) (policy.Request, *attachmentPage, error) {
	req := policy.Request{Operation: policy.UpdatePage, PageID: ch.pageID, Content: ch.content}
	pg, err := r.cache().page(ctx, r.data.client, ch.pageID)
	if err != nil {
		return req, nil, err
	}
	req.SpaceKey, req.PageTitle = pg.spaceKey, pg.title
	return req, pg, nil
}

// decideAt decides and reports the change for its moment; ok is false when it
// must not go ahead.
func (r *AttachmentResource) decideAt(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange, when decisionMoment) (policy.Result, *attachmentPage, bool) {
	req, pg, err := r.request(ctx, ch)
	if err != nil {
		if when == atPlan && ch.op == attachmentRemove && confluence.IsNotFound(err) {
			return policy.Result{}, nil, true // the page is gone, and its files with it
		}
		addAPIError(diags, "Unable to Read Page", ch.subject()+": while reading the page to decide the policy", r.data.account(), err)
		return policy.Result{}, nil, false
	}
	res, ok := r.data.decideAndReport(ctx, diags, req, when)
	return res, pg, ok
}

// decideAtPlan decides and reports for the plan.
func (r *AttachmentResource) decideAtPlan(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange) (policy.Result, bool) {
	res, _, ok := r.decideAt(ctx, diags, ch, atPlan)
	return res, ok
}

// decideAtApply re-decides right before a write and stops it unless it is
// allowed and, where needed, its code granted.
func (r *AttachmentResource) decideAtApply(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange) (policy.Result, *attachmentPage, bool) {
	return r.decideAt(ctx, diags, ch, atApply)
}

// decideContentLater handles a change whose content is known only at apply:
// denied fails the plan now; a needed confirmation warns that its code comes
// at apply.
func (r *AttachmentResource) decideContentLater(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange) {
	req, _, err := r.request(ctx, ch)
	if err != nil {
		addAPIError(diags, "Unable to Read Page", ch.subject()+": while reading the page to decide the policy", r.data.account(), err)
		return
	}
	res, err := r.data.decide(ctx, req)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, req, atPlan, err)
		return
	}
	switch res.Decision {
	case policy.DecisionDenied:
		r.data.reportDecision(diags, res, atPlan)
	case policy.DecisionAllowedWithConfirmation:
		diags.AddWarning("Confirmation Code Not Final",
			ch.subject()+" needs confirmation, but the file is known only at apply, so its confirmation code cannot be bound to the change yet. "+
				"The apply will stop before uploading and show the final code; grant that code and apply again.")
	}
}
