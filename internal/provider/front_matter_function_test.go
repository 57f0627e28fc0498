// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFunctionFrontMatter(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: `
locals {
  yaml = provider::confluence::front_matter("---\ntitle: Install\nweight: 2\nratio: 0.5\ndraft: false\ntags: [setup, cli]\ndate: 2024-05-01\nmenu:\n  parent: guide\nempty: null\n---\n# Install\n")
  toml = provider::confluence::front_matter("+++\ntitle = \"Docs\"\nweight = 20\n[params]\nicon = \"book\"\n+++\nBody\n")
}
output "yaml" { value = local.yaml }
output "title" { value = local.yaml.title }
output "labels" { value = [for t in local.yaml.tags : t] }
output "toml_icon" { value = local.toml.params.icon }
output "none" { value = provider::confluence::front_matter("# No front matter\n\n---\n") }
output "fallback" { value = try(provider::confluence::front_matter("text").title, "from file name") }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("yaml", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"title":  knownvalue.StringExact("Install"),
					"weight": knownvalue.Int64Exact(2),
					"ratio":  knownvalue.Float64Exact(0.5),
					"draft":  knownvalue.Bool(false),
					"tags":   knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("setup"), knownvalue.StringExact("cli")}),
					"date":   knownvalue.StringExact("2024-05-01T00:00:00Z"),
					"menu":   knownvalue.ObjectExact(map[string]knownvalue.Check{"parent": knownvalue.StringExact("guide")}),
					"empty":  knownvalue.Null(),
				})),
				statecheck.ExpectKnownOutputValue("title", knownvalue.StringExact("Install")),
				statecheck.ExpectKnownOutputValue("labels", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("setup"), knownvalue.StringExact("cli")})),
				statecheck.ExpectKnownOutputValue("toml_icon", knownvalue.StringExact("book")),
				statecheck.ExpectKnownOutputValue("none", knownvalue.ObjectExact(map[string]knownvalue.Check{})),
				statecheck.ExpectKnownOutputValue("fallback", knownvalue.StringExact("from file name")),
			},
		}},
	})
}

func TestFunctionFrontMatter_invalid(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      `output "x" { value = provider::confluence::front_matter("---\ntitle: [unclosed\n---\nBody\n") }`,
			ExpectError: wrappedError(`Invalid front matter: the YAML front matter starting at line 1 is not a valid YAML mapping`),
		}},
	})
}
