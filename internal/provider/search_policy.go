// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// searchPages runs a page search under the search_pages policy, for every
// data source that searches (confluence_pages, confluence_page_properties):
//   - with a known space (spaceKey), the decision is taken before anything is
//     searched;
//   - every space the results come from is decided before anything of it is
//     read or returned. A space whose policy denies the search is left out
//     without a word: an error or a warning would tell the configuration that
//     the query matched something there, and the answer must be the same
//     whether it did or not. A space that needs a confirmation code the
//     account may search once approved, so a missing code fails the read.
//
// It returns the page hits to read; ok is false after an error in diags.
func (d *providerData) searchPages(ctx context.Context, diags *diag.Diagnostics, query, spaceKey string, limit int) ([]confluence.SearchResult, bool) {
	return d.searchContent(ctx, confluence.KindPage, diags, query, spaceKey, limit)
}

// searchContent is searchPages for content of any kind (confluence_pages
// with type = "blogpost"); search_pages governs every kind.
func (d *providerData) searchContent(ctx context.Context, kind confluence.ContentKind, diags *diag.Diagnostics, query, spaceKey string, limit int) ([]confluence.SearchResult, bool) {
	authorized := map[string]bool{}
	if spaceKey != "" {
		if _, ok := d.visibleSpace(ctx, diags, spaceKey); !ok {
			return nil, false
		}
		if !d.authorizeRead(ctx, diags, policy.Request{Operation: policy.SearchPages, SpaceKey: spaceKey, Content: query}) {
			return nil, false
		}
		authorized[spaceKey] = true
	}

	hits, err := d.client.Search(ctx, query, limit)
	if err != nil {
		if apiErr, ok := confluence.AsAPIError(err); ok && apiErr.Kind == confluence.KindBadRequest {
			diags.AddError("Invalid CQL Query",
				fmt.Sprintf("Confluence rejected the search query: %s\n\nQuery sent: %s\n\nCheck the cql argument against https://developer.atlassian.com/cloud/confluence/advanced-searching-using-cql/.", apiErr.Message, query))
			return nil, false
		}
		addAPIError(diags, "Unable to Search Pages", "While searching pages with "+query, d.account(), err)
		return nil, false
	}

	pages := make([]confluence.SearchResult, 0, len(hits))
	var spaceKeys []string
	for _, hit := range hits {
		if hit.Type != "" && hit.Type != kind.CQLType() {
			continue // the query is restricted to the kind; this guards the restriction
		}
		if hit.SpaceKey == "" {
			diags.AddError("Unable to Apply Confluence Policy",
				fmt.Sprintf("Confluence returned page %s without its space, so the search_pages policy of its space cannot be checked. Nothing was returned. Narrow the search with space_key, or report this if it persists.", hit.ID))
			return nil, false
		}
		pages = append(pages, hit)
		if !authorized[hit.SpaceKey] && !slices.Contains(spaceKeys, hit.SpaceKey) {
			spaceKeys = append(spaceKeys, hit.SpaceKey)
		}
	}
	slices.Sort(spaceKeys)
	allowed, denied := true, map[string]bool{}
	for _, key := range spaceKeys {
		req := policy.Request{Operation: policy.SearchPages, SpaceKey: key, Content: query}
		res, err := d.decide(ctx, req)
		switch {
		case err != nil:
			d.addPolicyEvaluationError(diags, req, atRead, err)
			allowed = false
		case res.Decision == policy.DecisionDenied:
			denied[key] = true
		case !d.reportDecision(diags, res, atRead):
			allowed = false // every space is checked, so one plan reports every code
		}
	}
	if !allowed {
		return nil, false
	}
	return slices.DeleteFunc(pages, func(h confluence.SearchResult) bool { return denied[h.SpaceKey] }), true
}
