// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Refreshing a page Terraform manages is not a get_page (DESIGN.md, "Policy
// at plan time"), but the state is not proof that Terraform manages a page:
// whoever may push the state may write any page id, version and space into
// it. So a refresh that would bring a page's content or its place into the
// state (the page was edited, or is in another space than the state says)
// takes it only when get_page allows it in the space Confluence holds the
// page in, or when Confluence itself says the page is this account's own:
// its terraform.change record names the account and was saved by it, and
// the space is in the scope of the account's connection. The usual refresh
// (version unchanged, same space) reads nothing more than before.

// mayRefreshContent decides whether Read may bring page's content and place
// into the state; spaceKey is the space Confluence holds the page in. It
// reports false when it added an error. The get_page decision is cached per
// space and run, so it costs no request beyond the space's records (which
// the plan of an edited page loads anyway); the record is read only in
// spaces where get_page does not allow the read.
func (r *PageResource) mayRefreshContent(ctx context.Context, diags *diag.Diagnostics, page *confluence.Page, spaceKey string) bool {
	// No title: a refusal must not tell a forged state what the page is called.
	req := policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: page.ID, Noun: r.kind().policyNoun()}
	res, err := r.data.decide(ctx, req)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, req, atRead, err)
		return false
	}
	var refusal diag.Diagnostics
	if r.data.reportDecision(&refusal, res, atRead) {
		diags.Append(refusal...)
		return true
	}
	own, err := r.isOwnPage(ctx, page.ID, spaceKey)
	if err != nil {
		addAPIError(diags, r.kind().summary("Unable to Read Page"), r.kind().text("While checking that page ")+page.ID+" was written by this account through Terraform (its terraform.change record)", r.data.account(), err)
		return false
	}
	if own {
		return true
	}
	why := fmt.Sprintf(r.kind().text("Terraform was refreshing page %s from the state, which says Terraform manages it; but Confluence holds no record that this account wrote it through Terraform in a space of its connection's scope, "+
		"so bringing its content into the state is a get_page, decided in space %s where Confluence holds the page. Nothing was read into the state.\n\n")+
		"If the state was edited, restore a good copy (terraform state push) or remove the resource from the state (terraform state rm <address>). "+
		r.kind().text("To manage an existing page, import it once the administrators allow get_page in space %s."), page.ID, spaceKey, spaceKey)
	for _, d := range refusal.Errors() {
		diags.AddError(d.Summary(), d.Detail()+"\n\n"+why)
	}
	return false
}

// isOwnPage reports whether Confluence shows that this account wrote the
// page through Terraform in a space of its connection's scope: the page's
// terraform.change record names the account, Confluence records the account
// as the author of the record's current version (a record anyone else
// saved proves nothing), and spaceKey, where the page is, is in scope.
func (r *PageResource) isOwnPage(ctx context.Context, pageID, spaceKey string) (bool, error) {
	return r.data.ownsContent(ctx, r.kind().api, pageID, spaceKey)
}

// ownsContent is isOwnPage for content of kind api, for any resource.
func (d *providerData) ownsContent(ctx context.Context, api confluence.ContentKind, pageID, spaceKey string) (bool, error) {
	user, err := d.run.CurrentUser(ctx)
	if err != nil {
		return false, err
	}
	records, err := d.run.SpaceRecords(ctx, spaceKey)
	if err != nil {
		return false, err
	}
	if !policy.InScope(user.AccountID, d.connection, spaceKey, records) {
		return false, nil
	}
	props, err := d.client.ListContentProperties(ctx, api, pageID, auditPropertyKey)
	if err != nil || len(props) == 0 {
		return false, err
	}
	// A record that does not parse names no account.
	var rec auditRecord
	_ = json.Unmarshal(props[0].Value, &rec)
	return rec.AccountID != "" && rec.AccountID == user.AccountID && props[0].AuthorID == user.AccountID, nil
}
