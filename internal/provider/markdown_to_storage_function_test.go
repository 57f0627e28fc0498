// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// functionVersionChecks skips function tests on Terraform without provider
// functions.
var functionVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

// wrappedError matches an error message that Terraform may have wrapped at
// any space of pattern.
func wrappedError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

func TestFunctionMarkdownToStorage(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionVersionChecks,
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: `
output "page" {
  value = provider::confluence::markdown_to_storage("# Title\n\nHello **world**, see [docs](https://example.com).\n\n- one\n- two\n")
}
output "panel" {
  value = provider::confluence::markdown_to_storage("> [!NOTE]\n> Careful\n")
}
output "docs" {
  value = provider::confluence::markdown_to_storage("---\ntitle: T\n---\n<!-- hidden -->\n!!! tip \"Hint\"\n    Press <kbd>S</kbd>.\n")
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("page", knownvalue.StringExact(
					"<h1>Title</h1>\n<p>Hello <strong>world</strong>, see <a href=\"https://example.com\">docs</a>.</p>\n<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>")),
				statecheck.ExpectKnownOutputValue("panel", knownvalue.StringExact(
					"<ac:structured-macro ac:name=\"note\">\n  <ac:rich-text-body>\n    <p>Careful</p>\n  </ac:rich-text-body>\n</ac:structured-macro>")),
				statecheck.ExpectKnownOutputValue("docs", knownvalue.StringExact(
					"<ac:structured-macro ac:name=\"tip\">\n  <ac:parameter ac:name=\"title\">Hint</ac:parameter>\n  <ac:rich-text-body>\n    <p>Press <code>S</code>.</p>\n  </ac:rich-text-body>\n</ac:structured-macro>")),
			},
		}},
	})
}
