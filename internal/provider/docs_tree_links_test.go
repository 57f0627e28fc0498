// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// A docs folder links to repository files that are not pages, as READMEs
// do: through the docs-tree module, with its source_url_template, each
// such link opens the file's source (a file above the docs folder
// included, #L10 line anchors kept), a link written relative to the page's
// URL (MkDocs, Hugo) reaches its page, and without the template the links
// keep only their text.
//
// Not parallel: the module names its provider docs-as-code/confluence (see
// TestAccDocsTreeModule_publishesFolder).
func TestAccDocsTreeModule_linksToSourceFiles(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "docs-as-code")
	site := newTestSite(t)
	// root is the docs/ folder of a repository whose LICENSE, cmd/ and
	// examples/ lie next to it.
	root := writeTree(t, map[string]string{
		"index.md": "# Handbook\n\nSee [install](guide/install.md).\n",
		"guide/install.md": "# Install\n\nRead [the license](../../LICENSE), [main.go](../../cmd/main.go#L10), " +
			"the [examples](../../examples/), [CI](../ci.yaml) and [config](../config/).\n",
		"guide/config.md": "# Config\n",
	})
	const template = "https://git.example.com/handbook/blob/main/docs/{path}"
	vars := func(template string) tfconfig.Variables {
		v := tfconfig.Variables{"root": tfconfig.StringVariable(root), "space_key": tfconfig.StringVariable("DOCS")}
		if template != "" {
			v["source_url_template"] = tfconfig.StringVariable(template)
		}
		return v
	}
	installBody := func() string {
		t.Helper()
		snap, ok := site.emu.PageByTitle("DOCS", "Install")
		if !ok {
			t.Fatal("the install page was not published")
		}
		return snap.Body
	}
	sourceLinks := []string{
		`<a href="https://git.example.com/handbook/blob/main/LICENSE">the license</a>`,
		`<a href="https://git.example.com/handbook/blob/main/cmd/main.go#L10">main.go</a>`,
		`<a href="https://git.example.com/handbook/blob/main/examples">examples</a>`,
		`<a href="https://git.example.com/handbook/blob/main/docs/ci.yaml">CI</a>`,
	}
	configLink := `<ri:page ri:content-title="Config" />`
	checked := 0
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          vars(template),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, {
			// Without the template the same links keep only their text:
			// the install page is rewritten.
			PreConfig: func() {
				body := installBody()
				for _, want := range append(sourceLinks, configLink) {
					if !strings.Contains(body, want) {
						t.Errorf("with source_url_template the install page lacks %s:\n%s", want, body)
					}
				}
				checked++
			},
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          vars(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(`confluence_page.level2["guide/install.md"]`, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, {
			// The tree leaves the configuration (the test framework cannot
			// read for_each state, so the bodies are checked here).
			PreConfig: func() {
				body := installBody()
				if strings.Contains(body, "git.example.com") || !strings.Contains(body, "Read the license, main.go, the examples, CI and") {
					t.Errorf("without source_url_template the links must keep only their text:\n%s", body)
				}
				if !strings.Contains(body, configLink) {
					t.Errorf("the pretty-URL link to config lost its page:\n%s", body)
				}
				checked++
			},
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          tfconfig.Variables{"root": tfconfig.StringVariable(t.TempDir()), "space_key": tfconfig.StringVariable("DOCS")},
		}},
	})
	if checked != 2 {
		t.Fatalf("the published pages were inspected %d times, want 2", checked)
	}
}

// A malformed source_url_template, or one with body, fails the plan at the
// attribute, and nothing reaches Confluence.
func TestAccPageResource_sourceURLTemplateInvalidFailsAtPlan(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	cases := []struct{ attrs, want string }{
		{"markdown = \"x\"\n  source_url_template = \"github.com/acme/h/blob/main/{path}\"", `Invalid Attribute Value Match.*source_url_template = "github.com.*must be an http:// or https:// URL containing \{path\}`},
		{"markdown = \"x\"\n  source_url_template = \"https://github.com/acme/h/blob/main/\"", `Invalid Attribute Value Match.*source_url_template = "https.*must be an http:// or https:// URL containing \{path\}`},
		{"body = \"<p>x</p>\"\n  source_url_template = \"https://github.com/acme/h/blob/main/{path}\"", `Invalid Attribute Combination.*body.*source_url_template`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: pageConfig(site, c.attrs), PlanOnly: true, ExpectError: wrappedError(c.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories(), Steps: steps})
	if stats := site.emu.Stats(); stats.Total != 0 {
		t.Fatalf("an invalid source_url_template sent %d requests to Confluence (%v), want none", stats.Total, stats.ByRoute)
	}
}

// The page's source_url_template reaches the renderer; while it is
// unknown, so is the content.
func TestRenderContentSourceURLTemplate(t *testing.T) {
	t.Parallel()
	m := pageModel{
		Body: types.StringNull(), Markdown: types.StringValue("[License](../../LICENSE)\n"),
		SourcePath: types.StringValue("guide/a.md"), SpaceKey: types.StringValue("DOCS"), Title: types.StringValue("A"),
		Links:          types.MapValueMust(types.StringType, map[string]attr.Value{"guide/a.md": types.StringValue("A")}),
		SourceTemplate: types.StringValue("https://github.com/acme/h/blob/main/docs/{path}"),
	}
	c, err := renderContent(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<a href="https://github.com/acme/h/blob/main/LICENSE">License</a>`; !strings.Contains(c.send, want) || len(c.warnings) != 0 {
		t.Errorf("rendered %s with warnings %v, want %s and none", c.send, c.warnings, want)
	}
	m.SourceTemplate = types.StringNull()
	if c, err := renderContent(m); err != nil || strings.Contains(c.send, "href") || len(c.warnings) != 1 {
		t.Errorf("without a template the link is its text with one warning: %s %v %v", c.send, c.warnings, err)
	}
	m.SourceTemplate = types.StringUnknown()
	if c, err := renderContent(m); err != nil || c.known {
		t.Errorf("an unknown template must leave the content unknown: %+v %v", c, err)
	}
}
