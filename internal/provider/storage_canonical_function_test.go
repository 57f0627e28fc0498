// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFunctionStorageCanonical(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// What Confluence rewrites on save is normalised away.
				Config: `
output "canonical" {
  value = provider::confluence::storage_canonical("<p><b>bold</b>  &nbsp;x <i>it</i> <ac:structured-macro ac:macro-id=\"1\" ac:name=\"info\"></ac:structured-macro></p>")
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("canonical", knownvalue.StringExact(
						`<p><strong>bold</strong> &#160;x <em>it</em> <ac:structured-macro ac:name="info" /></p>`)),
				},
			},
			{
				Config: `
output "canonical" {
  value = provider::confluence::storage_canonical("<p>ok</p>\n<p><b>bold</p>")
}
`,
				ExpectError: wrappedError(`Invalid value for "xhtml" parameter: not well-formed storage format at line 2, column 11 \(in <b>\)`),
			},
		},
	})
}
