// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFunctionPageURL(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: `
output "site" {
  value = provider::confluence::page_url("https://example.atlassian.net", "65601")
}
output "wiki_suffix" {
  value = provider::confluence::page_url("https://example.atlassian.net/wiki/", "42")
}
output "loopback" {
  value = provider::confluence::page_url("http://127.0.0.1:8090", "7")
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("site", knownvalue.StringExact("https://example.atlassian.net/wiki/pages/viewpage.action?pageId=65601")),
					statecheck.ExpectKnownOutputValue("wiki_suffix", knownvalue.StringExact("https://example.atlassian.net/wiki/pages/viewpage.action?pageId=42")),
					statecheck.ExpectKnownOutputValue("loopback", knownvalue.StringExact("http://127.0.0.1:8090/wiki/pages/viewpage.action?pageId=7")),
				},
			},
			{
				Config: `
output "bad_id" {
  value = provider::confluence::page_url("https://example.atlassian.net", "65601&x=1")
}
`,
				ExpectError: wrappedError(`Invalid value for "page_id" parameter: "65601&x=1" is not a page id`),
			},
			{
				Config: `
output "plain_http" {
  value = provider::confluence::page_url("http://example.atlassian.net", "1")
}
`,
				ExpectError: wrappedError(`Invalid value for "base_url" parameter:.*uses http with a host that is not loopback`),
			},
		},
	})
}
