// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFunctionStorageEqual(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: `
output "rewritten" {
  value = provider::confluence::storage_equal("<p><b>Hi</b> <br/></p>", "<p>\n  <strong>Hi</strong> <br></br>\n</p>")
}
output "different" {
  value = provider::confluence::storage_equal("<p>Hi</p>", "<p>Hello</p>")
}
output "from_markdown" {
  value = provider::confluence::storage_equal(provider::confluence::markdown_to_storage("**Hi**"), "<p><b>Hi</b></p>")
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("rewritten", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("different", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("from_markdown", knownvalue.Bool(true)),
				},
			},
			{
				Config: `
output "invalid" {
  value = provider::confluence::storage_equal("<p>Hi</p>", "<p>Hi")
}
`,
				ExpectError: wrappedError(`Invalid value for "b" parameter: not well-formed storage format at line 1, column 1`),
			},
		},
	})
}
