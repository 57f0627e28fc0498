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

// decide evaluates update_page for the change's page.
func (r *AttachmentResource) decide(ctx context.Context, ch attachmentChange) (policy.Result, *attachmentPage, error) {
	pg, err := r.cache().page(ctx, r.data.client, ch.pageID)
	if err != nil {
		return policy.Result{}, nil, err
	}
	res, err := r.data.decide(ctx, policy.UpdatePage, pg.spaceKey, ch.pageID, pg.title, ch.content)
	return res, pg, err
}

// decideAtPlan decides and reports for the plan; ok is false when the change
// must not go ahead. A page that is gone governs nothing (its files went with it).
func (r *AttachmentResource) decideAtPlan(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange) (policy.Result, bool) {
	res, _, err := r.decide(ctx, ch)
	if err != nil {
		if ch.op == attachmentRemove && confluence.IsNotFound(err) {
			return res, true
		}
		r.addDecideError(diags, ch, err)
		return res, false
	}
	return res, r.data.reportDecision(diags, res, ch.subject())
}

// decideContentLater handles a change whose content is known only at apply:
// denied fails the plan now; a needed confirmation warns that its code comes
// at apply.
func (r *AttachmentResource) decideContentLater(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange) {
	res, _, err := r.decide(ctx, ch)
	if err != nil {
		r.addDecideError(diags, ch, err)
		return
	}
	switch res.Decision {
	case policy.DecisionDenied:
		r.data.reportDecision(diags, res, ch.subject())
	case policy.DecisionAllowedWithConfirmation:
		diags.AddWarning("Confirmation Code Not Final",
			ch.subject()+" needs confirmation, but the file is known only at apply, so its confirmation code cannot be bound to the change yet. "+
				"The apply will stop before uploading and show the final code; grant that code and apply again.")
	}
}

// decideAtApply re-decides right before a write and stops it unless it is
// allowed and, where needed, its code granted.
func (r *AttachmentResource) decideAtApply(ctx context.Context, diags *diag.Diagnostics, ch attachmentChange) (policy.Result, *attachmentPage, bool) {
	res, pg, err := r.decide(ctx, ch)
	if err != nil {
		r.addDecideError(diags, ch, err)
		return res, nil, false
	}
	return res, pg, r.data.enforceAtApply(diags, res, ch.subject())
}

func (r *AttachmentResource) addDecideError(diags *diag.Diagnostics, ch attachmentChange, err error) {
	if confluence.IsNotFound(err) {
		addAPIError(diags, "Unable to Read Page", ch.subject()+": while reading the page to decide the policy", r.data.account(), err)
		return
	}
	r.data.addPolicyEvaluationError(diags, ch.subject(), err)
}
