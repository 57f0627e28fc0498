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

// A page's restrictions (who may see and edit it) and its list of child
// pages are page metadata, and the state is not proof that Terraform manages
// the page they belong to: whoever may push the state may write any page id
// into it. So the resources that read them (confluence_page_restrictions,
// confluence_page_order) read them only after get_page allows it in the
// space Confluence holds the page in, or, on a refresh, when Confluence
// itself says the page is this account's own (page_read_policy.go). The
// decision is taken before the metadata is read, so a refused read sends no
// request for it.

// pageMetadataRead says what a resource is about to read, for messages.
type pageMetadataRead struct {
	what      string // "the restrictions", "the child pages"
	importing bool   // an import: only get_page lets it read
	// ownPages, when set, also lets a refresh read when every one of these
	// pages is provably this account's own: the page order's refresh writes
	// only the relative order of the pages its state names, which tells
	// nothing about a parent this account did not write (often a person's
	// section page, or the space's homepage).
	ownPages []string
}

// mayReadPageMetadata decides whether the metadata read may go ahead for
// page pageID. gone is true when Confluence has no such page visible to the
// account (the caller removes the resource from the state). It reports
// ok false when it added an error.
//
// Cost: the page's space comes from a space index this run has listed
// already (the refresh of the page itself lists it), else from one request
// for the page's metadata; the decision uses the space's policy records,
// loaded once per run; the page's terraform.change record is read only
// when get_page does not allow the read.
func (d *providerData) mayReadPageMetadata(ctx context.Context, diags *diag.Diagnostics, pageID string, read pageMetadataRead) (ok, gone bool) {
	space, found := d.run.listedSpaceOf(pageID)
	if !found {
		page, err := d.client.GetPage(ctx, pageID, confluence.GetPageOptions{})
		if confluence.IsNotFound(err) {
			return false, true
		}
		if err != nil {
			addAPIError(diags, "Unable to Read Page", fmt.Sprintf("While finding the space of page %s to decide get_page before reading %s", pageID, read.what), d.account(), err)
			return false, false
		}
		if space, err = d.run.SpaceByID(ctx, page.SpaceID); err != nil {
			addAPIError(diags, "Unable to Read Space", fmt.Sprintf("While reading the space (id %s) of page %s to decide get_page before reading %s", page.SpaceID, pageID, read.what), d.account(), err)
			return false, false
		}
	}
	// No title in the request: a refusal must not tell a forged state what
	// the page it points at is called.
	req := policy.Request{Operation: policy.GetPage, SpaceKey: space.Key, PageID: pageID}
	res, err := d.decide(ctx, req)
	if err != nil {
		d.addPolicyEvaluationError(diags, req, atRead, err)
		return false, false
	}
	var refusal diag.Diagnostics
	if d.reportDecision(&refusal, res, atRead) {
		diags.Append(refusal...)
		return true, false
	}
	var why string
	if read.importing {
		why = fmt.Sprintf("Terraform was importing %s of page %s: they are page metadata, so reading them is a get_page, decided in space %s where Confluence holds the page. Nothing was read into the state.\n\n"+
			"Ask the administrators to allow get_page in space %s, or remove the import.", read.what, pageID, space.Key, space.Key)
	} else {
		own, err := d.ownsContent(ctx, confluence.KindPage, pageID, space.Key)
		if err != nil {
			addAPIError(diags, "Unable to Read Page", "While checking that page "+pageID+" was written by this account through Terraform (its terraform.change record)", d.account(), err)
			return false, false
		}
		if own {
			return true, false
		}
		if len(read.ownPages) > 0 {
			all, err := d.allOwnContent(ctx, read.ownPages, space.Key)
			if err != nil {
				addAPIError(diags, "Unable to Read Page", "While checking that the pages of "+read.what+" of page "+pageID+" were written by this account through Terraform (their terraform.change records)", d.account(), err)
				return false, false
			}
			if all {
				return true, false
			}
		}
		why = fmt.Sprintf("Terraform was refreshing %s of page %s from the state; but Confluence holds no record that this account wrote that page through Terraform in a space of its connection's scope, "+
			"so reading %s is a get_page, decided in space %s where Confluence holds the page. Nothing was read into the state.\n\n"+
			"If the state was edited, restore a good copy (terraform state push) or remove the resource from the state (terraform state rm <address>). "+
			"To manage %s of a page this account did not write, ask the administrators to allow get_page in space %s.", read.what, pageID, read.what, space.Key, read.what, space.Key)
	}
	for _, d := range refusal {
		if d.Severity() == diag.SeverityError {
			diags.AddError(d.Summary(), d.Detail()+"\n\n"+why)
		} else {
			diags.Append(d)
		}
	}
	return false, false
}

// allOwnContent reports whether every page of ids is this account's own
// (ownsContent), in space spaceKey. One record read per page, only where
// get_page does not allow the read.
func (d *providerData) allOwnContent(ctx context.Context, ids []string, spaceKey string) (bool, error) {
	for _, id := range ids {
		own, err := d.ownsContent(ctx, confluence.KindPage, id, spaceKey)
		if err != nil || !own {
			return false, err
		}
	}
	return true, nil
}

// listedSpaceOf returns the space whose page index, listed earlier in this
// run, holds page id; it sends no request. Confluence answered the listing,
// so the space is where Confluence holds the page, whatever a state says.
func (c *runCache) listedSpaceOf(id string) (*confluence.Space, bool) {
	c.mu.Lock()
	var spaces []*onceValue[*confluence.Space]
	for _, s := range c.spaces {
		spaces = append(spaces, s)
	}
	for _, s := range c.spaceByID {
		spaces = append(spaces, s)
	}
	c.mu.Unlock()
	for _, entry := range spaces {
		space, done := entry.peek()
		if !done || space == nil {
			continue
		}
		c.mu.Lock()
		index, listed := c.index[indexKey(confluence.KindPage, space.ID, "current")]
		c.mu.Unlock()
		if !listed {
			continue
		}
		if pages, done := index.peek(); done {
			if _, ok := pages[id]; ok {
				return space, true
			}
		}
	}
	return nil, false
}

// peek returns the value when it is computed, without computing it or
// waiting for a computation under way.
func (o *onceValue[T]) peek() (T, bool) {
	var zero T
	if !o.mu.TryLock() {
		return zero, false
	}
	defer o.mu.Unlock()
	if !o.done {
		return zero, false
	}
	return o.value, true
}
