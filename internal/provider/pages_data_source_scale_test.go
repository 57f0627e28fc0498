// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// More results than the former 1,000 cap, labels read through the space's
// label index: a few requests per space, not one per page.
func TestAccPagesDataSource_moreThanAThousandWithLabelIndex(t *testing.T) {
	t.Parallel()
	const pages = 1100
	site := newTestSite(t)
	admin := newSeeder(t, site)
	for i := 1; i <= pages; i++ {
		labels := []string{"bulk"}
		if i%3 == 0 {
			labels = append(labels, "third")
		}
		admin.page("OPS", fmt.Sprintf("Bulk %04d", i), "", "<p>bulk</p>", labels...)
	}
	site.emu.ResetStats()

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
data "confluence_pages" "all" {
  space_key      = "OPS"
  title_contains = "bulk"
  include_labels = true
  limit          = %d
}
`, pages),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages"), knownvalue.ListSizeExact(pages)),
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(pages-1).AtMapKey("title"), knownvalue.StringExact("Bulk 1100")),
				// Early pages are read one by one, the rest from the index: both right.
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(2).AtMapKey("labels"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("bulk"), knownvalue.StringExact("third")})),
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(1097).AtMapKey("labels"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("bulk"), knownvalue.StringExact("third")})),
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(1098).AtMapKey("labels"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("bulk")})),
			},
			Check: func(*terraform.State) error {
				// The provider reads the first few labelled pages of a space one by
				// one (see runCache.IndexedLabels), then the index serves the rest.
				if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/pages/{id}/labels"); n > labelIndexAfterPages {
					return fmt.Errorf("labels were read page by page %d times, want at most %d", n, labelIndexAfterPages)
				}
				if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/pages/{id}"); n != 0 {
					return fmt.Errorf("pages were read one by one (%d requests)", n)
				}
				// Terraform reads the data source at plan and again at apply.
				stats := site.emu.Stats()
				if stats.Total > 2*40 {
					return fmt.Errorf("reading %d pages with labels cost %d requests, want a few dozen: %v", pages, stats.Total, stats.ByRoute)
				}
				t.Logf("%d pages with labels: %d requests: %v", pages, stats.Total, stats.ByRoute)
				return nil
			},
		}},
	})
}
