// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A Docusaurus MDX page, saved with a byte order mark, published as it is:
// its front matter is not shown, its import line and JSX component tags
// are left out, its admonition and <details> are macros, its kramdown
// attribute lines are not shown, the kramdown table of contents is the toc
// macro, and the second plan is empty.
func TestAccPageResource_realDocsMarkdownSyntax(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "intro" {
  space_key   = "DOCS"
  title       = "Intro"
  source_path = "docs/intro.mdx"
  links       = {}
  markdown    = "\ufeff---\ntitle: Intro\n---\nimport Tabs from '@theme/Tabs';\n\n# Contents\n{: .no_toc }\n\n* TOC\n{:toc}\n\n:::tip[Remember]\n\nUse *it*.\n\n:::\n\n<details>\n<summary>More</summary>\n\nHidden.\n\n</details>\n\n<Tabs>\n\nTabbed text.\n\n</Tabs>\n\n<h2 id=\"custom\">Custom</h2>\n\nSee [custom](#custom).\n"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps:                    []resource.TestStep{{Config: config, ConfigPlanChecks: emptyPlanAfterApply}},
	})
	page, ok := site.emu.PageByTitle("DOCS", "Intro")
	if !ok {
		t.Fatal("the page was not published")
	}
	for _, want := range []string{
		// Confluence gives each macro an ac:macro-id before its name.
		`ac:name="toc"`,
		`ac:name="tip"`, `<ac:parameter ac:name="title">Remember</ac:parameter>`, `Use <em>it</em>.`,
		`ac:name="expand"`, `<ac:parameter ac:name="title">More</ac:parameter>`, `<p>Hidden.</p>`,
		`<p>Tabbed text.</p>`,
		`<ac:parameter ac:name="">custom</ac:parameter></ac:structured-macro>Custom</h2>`, `<ac:link ac:anchor="custom">`,
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the stored page lacks %s:\n%s", want, page.Body)
		}
	}
	for _, unwanted := range []string{"title: Intro", "import", ":::", "{:", "no_toc", "Tabs", "summary", "\ufeff"} {
		if strings.Contains(page.Body, unwanted) {
			t.Errorf("the stored page shows %q:\n%s", unwanted, page.Body)
		}
	}
}
