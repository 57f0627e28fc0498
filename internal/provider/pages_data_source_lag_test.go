// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The search index lags behind writes, so confluence_pages re-reads its hits by
// id: a page trashed since it was indexed is left out, and an edited page comes
// back with its current version and body rather than the indexed ones.
func TestAccPagesDataSource_searchIndexLag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site := newTestSite(t)
	seed := newSeeder(t, site)
	edited := seed.page("DOCS", "Lagging edit", "", "<p>As indexed.</p>", "lag")
	trashed := seed.page("DOCS", "Lagging trash", "", "<p>Soon gone.</p>", "lag")

	site.emu.FreezeSearchIndex()
	site.humanEdit(t, edited.ID, "<p>Edited <b>after</b> indexing.</p>")
	if err := site.asAccount(t, adminEmail, adminToken).DeletePage(ctx, trashed.ID, false); err != nil {
		t.Fatalf("trashing page %s: %v", trashed.ID, err)
	}

	// Guard the premise: search still answers as indexed, so the data source
	// gets a stale hit for each page.
	hits, err := site.asAccount(t, readerEmail, readerToken).Search(ctx, `label = "lag"`, 0)
	if err != nil {
		t.Fatalf("searching the frozen index: %v", err)
	}
	if len(hits) != 2 {
		t.Fatalf("frozen index has %d hits for label lag, want both seeded pages: %+v", len(hits), hits)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "lag" {
  label        = ["lag"]
  include_body = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_pages.lag", tfjsonpath.New("pages"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id":      knownvalue.StringExact(edited.ID),
						"title":   knownvalue.StringExact("Lagging edit"),
						"status":  knownvalue.StringExact("current"),
						"version": knownvalue.Int64Exact(2),
						// The editor's <b> comes back in canonical form.
						"body": knownvalue.StringExact("<p>Edited <strong>after</strong> indexing.</p>"),
					}),
				})),
			},
		}},
	})
}
