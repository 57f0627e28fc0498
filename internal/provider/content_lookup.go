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

// readContent is what the confluence_page and confluence_blog_post data
// sources share: find the content by id, or by space key and title; decide
// get_page in the space Confluence holds it in; only then read its body and
// labels. Nothing of the content is read before the policy allows it. It
// returns the content and its space key, or ok false after adding an error.
func (d *providerData) readContent(ctx context.Context, diags *diag.Diagnostics, kind contentKind, id, spaceKey, title string) (*confluence.Page, string, bool) {
	if id != "" {
		found, err := d.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: kind.api})
		if err != nil {
			d.contentReadError(diags, kind, id, err)
			return nil, "", false
		}
		space, err := d.run.SpaceByID(ctx, found.SpaceID)
		if err != nil {
			addAPIError(diags, "Unable to Read Space", fmt.Sprintf(kind.text("While reading the space (id %s) of page %s"), found.SpaceID, id), d.account(), err)
			return nil, "", false
		}
		spaceKey, title = space.Key, found.Title
	} else {
		space, ok := d.visibleSpace(ctx, diags, spaceKey)
		if !ok {
			return nil, "", false
		}
		found, err := d.client.ListPages(ctx, confluence.ListPagesOptions{Kind: kind.api, SpaceIDs: []string{space.ID}, Title: title, Statuses: []string{"current"}})
		if err != nil {
			addAPIError(diags, kind.summary("Unable to Find Page"), fmt.Sprintf(kind.text("While looking up page %q in space %s"), title, spaceKey), d.account(), err)
			return nil, "", false
		}
		if len(found) == 0 {
			diags.AddError(kind.summary("Page Not Found"),
				fmt.Sprintf(kind.text("Space %s has no current page titled %q visible to %s. Check the title (it must match exactly); the page may also be trashed, or restricted so the account may not view it."), spaceKey, title, d.account()))
			return nil, "", false
		}
		// Page titles are unique per space; blog post titles per posting
		// day, and the newest post is the one meant.
		id = latestCreated(found).ID
	}
	if !d.authorizeRead(ctx, diags, policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: id, PageTitle: title, Noun: kind.policyNoun()}) {
		return nil, "", false
	}
	content, err := d.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: kind.api, IncludeBody: true, IncludeLabels: true})
	if err != nil {
		d.contentReadError(diags, kind, id, err)
		return nil, "", false
	}
	return content, spaceKey, true
}

// contentReadError reports a failed read by id. Not found also covers
// content hidden from the account, and an id of the other kind.
func (d *providerData) contentReadError(diags *diag.Diagnostics, kind contentKind, id string, err error) {
	if confluence.IsNotFound(err) {
		diags.AddError(kind.summary("Page Not Found"),
			fmt.Sprintf(kind.text("Confluence has no page %s visible to %s. Either it does not exist (it may have been purged, or the id is of another kind of content) or the account may not view it: Confluence hides pages in spaces the account has no view permission for, and restricted pages. Check the id, or ask a space administrator for access."), id, d.account()))
		return
	}
	addAPIError(diags, kind.summary("Unable to Read Page"), kind.text("While reading page ")+id, d.account(), err)
}
