// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Reading a page's body is get_page, whichever data source reads it: a
// search (search_pages) that returns bodies, or reads them to report Page
// Properties, is also get_page on every page whose body it reads, decided in
// the page's space. The decisions come from the policy records the search
// already loaded for each space of its results, so they cost no request.

// bodyReader names the data source that reads bodies in messages, and what
// its user can do when get_page is denied.
type bodyReader struct {
	what   string // "confluence_pages with include_body = true"
	remedy string // the first thing to try, e.g. "drop include_body"
}

// authorizeBodies decides get_page for reading the body of every hit, in the
// hit's space, before any body is read. A space where get_page is denied is
// one error naming the space, the operation and what to do; a page that
// needs a confirmation code not yet granted is an error with its code (the
// same code the confluence_page data source needs for that page). It
// reports whether every body may be read.
func (d *providerData) authorizeBodies(ctx context.Context, diags *diag.Diagnostics, kind contentKind, hits []confluence.SearchResult, reader bodyReader) bool {
	var spaces []string
	bySpace := map[string][]confluence.SearchResult{}
	for _, hit := range hits {
		if _, seen := bySpace[hit.SpaceKey]; !seen {
			spaces = append(spaces, hit.SpaceKey)
		}
		bySpace[hit.SpaceKey] = append(bySpace[hit.SpaceKey], hit)
	}
	slices.Sort(spaces)
	ok := true
	for _, spaceKey := range spaces {
		var denied []policy.Result
		var deniedHits []confluence.SearchResult
		for _, hit := range bySpace[spaceKey] {
			req := policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: hit.ID, PageTitle: hit.Title, Noun: kind.policyNoun()}
			res, err := d.decide(ctx, req)
			switch {
			case err != nil:
				d.addPolicyEvaluationError(diags, req, atRead, err)
				ok = false
			case res.Decision == policy.DecisionDenied:
				denied, deniedHits = append(denied, res), append(deniedHits, hit)
			case !d.reportDecision(diags, res, atRead):
				ok = false // every page is decided, so one plan reports every code
			}
			if err != nil {
				break // the space's records could not be evaluated: once is enough
			}
		}
		if len(denied) > 0 {
			d.addBodiesDenied(diags, kind, reader, spaceKey, len(bySpace[spaceKey]), denied, deniedHits)
			ok = false
		}
	}
	return ok
}

// addBodiesDenied is the one error for a space where get_page denies
// reading the bodies of results.
func (d *providerData) addBodiesDenied(diags *diag.Diagnostics, kind contentKind, reader bodyReader, spaceKey string, results int, denied []policy.Result, hits []confluence.SearchResult) {
	const shown = 5
	var names []string
	for _, hit := range hits[:min(len(hits), shown)] {
		names = append(names, fmt.Sprintf("%q (id %s)", hit.Title, hit.ID))
	}
	if len(hits) > shown {
		names = append(names, fmt.Sprintf("and %d more", len(hits)-shown))
	}
	diags.AddError("Operation Denied by Confluence Policy",
		fmt.Sprintf(kind.text("%s reads the body of every page it finds, and reading a page's body is the get_page operation, decided in the page's space. "+
			"get_page is denied in space %s for %d of the %d results there: %s.\n\n%s\n\n")+
			"Nothing was returned. Either %s, or ask the administrators to allow get_page in space %s: the policy lives in %s.",
			reader.what, spaceKey, len(denied), results, strings.Join(names, ", "), denied[0].Reason, reader.remedy, spaceKey, denied[0].PolicyLocation))
}

// authorizeMovedBodies decides get_page again for the pages read whose space
// is not the one their search hit named (moved since the search indexed
// them): the decision that counts is the one in the space Confluence holds
// the page in. byID holds the pages read; it reports whether every body may
// be kept.
func (d *providerData) authorizeMovedBodies(ctx context.Context, diags *diag.Diagnostics, kind contentKind, hits []confluence.SearchResult, byID map[string]confluence.Page, reader bodyReader) bool {
	var moved []confluence.SearchResult
	for _, hit := range hits {
		page, ok := byID[hit.ID]
		if !ok || page.SpaceID == "" {
			continue
		}
		decided, err := d.run.Space(ctx, hit.SpaceKey)
		if err == nil && decided.ID == page.SpaceID {
			continue
		}
		actual, err := d.run.SpaceByID(ctx, page.SpaceID)
		if err != nil {
			addAPIError(diags, "Unable to Read Space", fmt.Sprintf(kind.text("While reading the space (id %s) of page %s, found by the search in space %s"), page.SpaceID, page.ID, hit.SpaceKey), d.account(), err)
			return false
		}
		hit.SpaceKey = actual.Key
		moved = append(moved, hit)
	}
	return len(moved) == 0 || d.authorizeBodies(ctx, diags, kind, moved, reader)
}
