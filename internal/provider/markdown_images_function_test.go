// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestFunctionMarkdownImages(t *testing.T) {
	t.Parallel()
	image := func(path, filename string, line int64) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"path": knownvalue.StringExact(path), "filename": knownvalue.StringExact(filename), "line": knownvalue.Int64Exact(line),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: `
output "images" {
  value = provider::confluence::markdown_images("# Install\n\n![Flow](img/flow.png)\n\n![Logo](../assets/logo.svg) ![Remote](https://example.com/x.png)\n\n<img src=\"img/flow.png\" width=\"40\">\n", "guide/install.md")
}
output "none" {
  value = provider::confluence::markdown_images("No images here.", "index.md")
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("images", knownvalue.ListExact([]knownvalue.Check{
					image("guide/img/flow.png", "guide_img_flow.png", 3),
					image("assets/logo.svg", "assets_logo.svg", 5),
				})),
				statecheck.ExpectKnownOutputValue("none", knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}
