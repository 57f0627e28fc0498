// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSpaceDataSource(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	docsID, docsHome := site.emu.AddSpace("DOCS", "ignored: the space exists")
	site.emu.AddSpace("SECRET", "Secret")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_space" "secret" {
  key = "SECRET"
}
`,
				ExpectError: wrappedError(`Space Not Found.*no space with key "SECRET" visible to reader@example.com`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_space" "docs" {
  key = "DOCS"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("id"), knownvalue.StringExact(docsID)),
					statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("name"), knownvalue.StringExact("Documentation")),
					statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("type"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("status"), knownvalue.StringExact("current")),
					statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("homepage_id"), knownvalue.StringExact(docsHome)),
					statecheck.ExpectKnownValue("data.confluence_space.docs", tfjsonpath.New("url"),
						knownvalue.StringRegexp(regexp.MustCompile(`^http://127\.0\.0\.1:\d+/wiki/spaces/DOCS$`))),
				},
			},
		},
	})
}
