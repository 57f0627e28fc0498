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

// The attachment resource's only contact with the policy helpers of
// policy_check.go: attaching, replacing and removing a file change the page,
// so each is the page's update_page operation; reading a file someone else
// uploaded into the state is its get_page.

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

// mayReadAttachment decides whether Read may bring att (its name, comment,
// size and the hash of its content, downloaded when no record of it exists)
// into the state. A file is part of its page's content, and the state is not
// proof that Terraform uploaded it (whoever may push the state may name any
// attachment and page), so a file whose current version this account did
// not upload is read only when get_page allows it in the space of the page
// Confluence attaches it to, as for an import of the page. The account's own
// uploads, the usual refresh, need no decision. It reports false when it
// added an error.
func (r *AttachmentResource) mayReadAttachment(ctx context.Context, diags *diag.Diagnostics, state attachmentModel, att *confluence.Attachment) bool {
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Unable to Read Attachment", "While reading attachment "+att.ID+": while reading the authenticated account", r.data.account(), err)
		return false
	}
	if att.Version.AuthorID != "" && att.Version.AuthorID == user.AccountID {
		return true
	}
	pageID := att.PageID
	if pageID == "" {
		pageID = state.PageID.ValueString()
	}
	pg, err := r.cache().page(ctx, r.data.client, pageID)
	if err != nil {
		addAPIError(diags, "Unable to Read Page", fmt.Sprintf("While reading page %s, which attachment %s (%q) is attached to, to decide get_page", pageID, att.ID, att.Title), r.data.account(), err)
		return false
	}
	// No title in the request: a refusal must not tell a forged state what
	// the page it points at is called.
	var refusal diag.Diagnostics
	if r.data.authorizeRead(ctx, &refusal, policy.Request{Operation: policy.GetPage, SpaceKey: pg.spaceKey, PageID: pg.id}) {
		diags.Append(refusal...)
		return true
	}
	if managed := !state.Version.IsNull() && !state.Version.IsUnknown(); managed {
		// A person's new version of a file on a page this account wrote
		// through Terraform is drift on its own page, as a person's edit of
		// the page's body is (page_read_policy.go).
		own, err := r.data.ownsContent(ctx, confluence.KindPage, pg.id, pg.spaceKey)
		if err != nil {
			addAPIError(diags, "Unable to Read Page", "While checking that page "+pg.id+" was written by this account through Terraform (its terraform.change record)", r.data.account(), err)
			return false
		}
		if own {
			return true
		}
	}
	author := "an account Confluence does not name"
	if att.Version.AuthorID != "" {
		author = r.data.run.describeAccount(ctx, att.Version.AuthorID)
	}
	why := fmt.Sprintf("Terraform was reading attachment %s of page %s (version %d, uploaded by %s, not by this account) on a page Confluence does not show this account wrote through Terraform: a file is part of its page's content, so reading it is a get_page, "+
		"decided in space %s where Confluence holds the page. Nothing was read into the state.\n\n"+
		"Ask the administrators to allow get_page in space %s, or stop managing the file (a removed block with destroy = false, or terraform state rm <address>); "+
		"if the state was edited, restore a good copy (terraform state push).",
		att.ID, pg.id, att.Version.Number, author, pg.spaceKey, pg.spaceKey)
	for _, d := range refusal {
		if d.Severity() == diag.SeverityError {
			diags.AddError(d.Summary(), d.Detail()+"\n\n"+why)
		} else {
			diags.Append(d)
		}
	}
	return false
}
