// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// A small docs tree published with one for_each: its pages link to each
// other both ways by title (no dependency cycle), fragments reach anchors,
// the first heading that repeats the title is dropped, and changing only
// the link map writes nothing.
func TestAccPageResource_docsTreeLinksBothWays(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	tree := func(extraLink string) string {
		return site.providerBlock(botEmail, botToken) + `
locals {
  pages = {
    "index.md"         = { title = "Handbook", md = "# Handbook\n\nSee [install](guide/install.md) and [TLS](guide/config.md#tls-setup).\n" }
    "guide/install.md" = { title = "Install", md = "# Install\n\nBack to [the handbook](../index.md). A [gone page](old.md).\n" }
    "guide/config.md"  = { title = "Config", md = "---\ntitle: Config\nweight: 2\n---\n# Config\n\n## TLS setup\n\nSee [install](install.md).\n" }
  }
  paths  = sort(keys(local.pages))
  titles = merge({ for k, v in local.pages : k => v.title }, ` + extraLink + `)
}

# count rather than for_each only because the test framework's state checks
# cannot address string keys; users write for_each = local.pages.
resource "confluence_page" "docs" {
  count              = length(local.paths)
  space_key          = "DOCS"
  title              = local.pages[local.paths[count.index]].title
  markdown           = local.pages[local.paths[count.index]].md
  source_path        = local.paths[count.index]
  links              = local.titles
  drop_title_heading = true
}
`
	}
	var writes int
	var before map[string]int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: tree("{}"), ConfigPlanChecks: emptyPlanAfterApply},
			{
				// Only the link map changes; every rendered body stays the same.
				PreConfig:        func() { writes, before = site.emu.Stats().Writes, site.emu.Stats().ByRoute },
				Config:           tree(`{ "unused.md" = "Unused" }`),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig: func() {
					if w := site.emu.Stats().Writes; w != writes {
						t.Errorf("a change of only the link map wrote %d times: %v then %v", w-writes, before, site.emu.Stats().ByRoute)
					}
				},
				Config:           tree(`{ "unused.md" = "Unused" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	body := func(title string) string {
		snap, ok := site.emu.PageByTitle("DOCS", title)
		if !ok {
			t.Fatalf("page %q was not published", title)
		}
		return snap.Body
	}
	handbook, install, config := body("Handbook"), body("Install"), body("Config")
	for _, want := range []string{`ri:content-title="Install"`, `ri:content-title="Config"`, `ac:anchor="tls-setup"`} {
		if !strings.Contains(handbook, want) {
			t.Errorf("the handbook lacks %s:\n%s", want, handbook)
		}
	}
	if !strings.Contains(install, `ri:content-title="Handbook"`) {
		t.Errorf("the install page does not link back to the handbook:\n%s", install)
	}
	if strings.Contains(install, "old.md") || !strings.Contains(install, "gone page") {
		t.Errorf("an unpublished link must keep its text only:\n%s", install)
	}
	if strings.Contains(install, "<h1>") || strings.Contains(config, "weight: 2") || strings.Contains(config, "title: Config") {
		t.Errorf("the title heading or front matter reached a page:\n%s\n%s", install, config)
	}
	if !strings.Contains(config, `ac:name="anchor"`) {
		t.Errorf("headings in a docs tree get anchors:\n%s", config)
	}
}

func TestRenderContentDocsTree(t *testing.T) {
	links := types.MapValueMust(types.StringType, map[string]attr.Value{"./guide/b.md": types.StringValue("B page")})
	m := pageModel{
		Body: types.StringNull(), Markdown: types.StringValue("# A\n\n[b](b.md) and [c](c.md)\n"),
		SourcePath: types.StringValue("guide/a.md"), Links: links, SpaceKey: types.StringValue("DOCS"), Title: types.StringValue("A"),
		DropTitleHeading: types.BoolValue(true), TableOfContents: types.BoolNull(),
	}
	c, err := renderContent(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.send, `ri:content-title="B page"`) || strings.Contains(c.send, "<h1>") {
		t.Errorf("rendered %s", c.send)
	}
	if len(c.warnings) != 1 || c.warnings[0].Line != 3 {
		t.Fatalf("one warning for the unpublished c.md on line 3, got %v", c.warnings)
	}
	msg := markdownWarnings(m, c.warnings)
	for _, want := range []string{`Page "A" in space DOCS (guide/a.md)`, "line 3:", "c.md"} {
		if !strings.Contains(msg, want) {
			t.Errorf("warning %q lacks %q", msg, want)
		}
	}
	// Unknown options make the content unknown, never guessed.
	m.Links = types.MapUnknown(types.StringType)
	if c, err := renderContent(m); err != nil || c.known {
		t.Errorf("unknown links must leave the content unknown: %+v %v", c, err)
	}
}
