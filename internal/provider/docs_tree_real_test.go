// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// A real documentation site (Docusaurus-like: a draft, .mdx, tags with
// dots, two api/ folders without index pages, a logo in static/) published
// by the module: the draft stays out until include_drafts, the labels are
// valid, the folder titles are told apart, and the logo is attached from
// the static folder.
//
// Not parallel: see TestAccDocsTreeModule_publishesFolder.
func TestAccDocsTreeModule_realSite(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "docs-as-code")
	site := newTestSite(t)
	root := writeTree(t, map[string]string{
		"index.md":           "# Handbook\n\n![Logo](/img/logo.png)\n\nSoon: [the plans](wip.md).\n",
		"wip.md":             "---\ntitle: Secret plans\ndraft: true\n---\nTBD\n",
		"intro.mdx":          "---\ntags: [Node.js, C#]\n---\n# Intro\n",
		"guide/api/x.md":     "# X\n",
		"reference/api/y.md": "# Y\n",
	})
	static := writeTree(t, map[string]string{"img/logo.png": docsTreePNG})
	vars := func(includeDrafts bool) tfconfig.Variables {
		return tfconfig.Variables{
			"root":           tfconfig.StringVariable(root),
			"space_key":      tfconfig.StringVariable("DOCS"),
			"static_dirs":    tfconfig.ListVariable(tfconfig.StringVariable(static)),
			"include_drafts": tfconfig.BoolVariable(includeDrafts),
		}
	}
	published := func(title string) (id, body string, labels []string) {
		t.Helper()
		snap, ok := site.emu.PageByTitle("DOCS", title)
		if !ok || snap.Status != "current" {
			t.Fatalf("page %q was not published", title)
		}
		return snap.ID, snap.Body, snap.Labels
	}
	checked := 0
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          vars(false),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("titles", knownvalue.MapExact(map[string]knownvalue.Check{
					"index.md":               knownvalue.StringExact("Handbook"),
					"intro.mdx":              knownvalue.StringExact("Intro"),
					"guide/index.md":         knownvalue.StringExact("Guide"),
					"guide/api/index.md":     knownvalue.StringExact("Guide / Api"),
					"guide/api/x.md":         knownvalue.StringExact("X"),
					"reference/index.md":     knownvalue.StringExact("Reference"),
					"reference/api/index.md": knownvalue.StringExact("Reference / Api"),
					"reference/api/y.md":     knownvalue.StringExact("Y"),
				})),
			},
		}, {
			PreConfig: func() {
				checked++
				if snap, ok := site.emu.PageByTitle("DOCS", "Secret plans"); ok {
					t.Errorf("the draft was published: %+v", snap)
				}
				handbook, body, _ := published("Handbook")
				if strings.Contains(body, "Secret plans") || !strings.Contains(body, "the plans") {
					t.Errorf("the link to the draft must show as its text only:\n%s", body)
				}
				if atts := site.emu.Attachments(handbook); len(atts) != 1 || atts[0].Title != "img_logo.png" || !bytes.Equal(atts[0].Data, []byte(docsTreePNG)) {
					t.Errorf("the logo from the static folder must be attached byte for byte: %+v", atts)
				}
				if _, _, labels := published("Intro"); !slices.Equal(labels, []string{"c-", "node-js"}) {
					t.Errorf("intro.mdx labels %v, want [c- node-js]", labels)
				}
			},
			// Opted in, the draft is published and the link reaches it.
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          vars(true),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`confluence_page.level1["wip.md"]`, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(`confluence_page.level0["index.md"]`, plancheck.ResourceActionUpdate),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("titles", tfjsonpath.New("wip.md"), knownvalue.StringExact("Secret plans")),
			},
		}, {
			PreConfig: func() {
				checked++
				published("Secret plans")
				if _, body, _ := published("Handbook"); !strings.Contains(body, `ri:content-title="Secret plans"`) {
					t.Errorf("with drafts published, the link reaches the page:\n%s", body)
				}
			},
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          tfconfig.Variables{"root": tfconfig.StringVariable(t.TempDir()), "space_key": tfconfig.StringVariable("DOCS")},
		}},
	})
	if checked != 2 {
		t.Fatal("the published site was not inspected")
	}
}

// The data source's own diagnostics: a link to a draft warns naming the
// page, the line and the draft; a static folder that does not exist is an
// error on its list element.
func TestDocsTreeDataSourceReadDraftsAndStaticDirs(t *testing.T) {
	ctx := context.Background()
	ds := NewDocsTreeDataSource()
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	read := func(root string, staticDirs ...string) *datasource.ReadResponse {
		statics := make([]tftypes.Value, len(staticDirs))
		for i, d := range staticDirs {
			statics[i] = tftypes.NewValue(tftypes.String, d)
		}
		values := map[string]tftypes.Value{}
		for name, attr := range schemaResp.Schema.Attributes {
			values[name] = tftypes.NewValue(attr.GetType().TerraformType(ctx), nil)
		}
		values["root"] = tftypes.NewValue(tftypes.String, root)
		values["static_dirs"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, statics)
		config := tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), values)}
		resp := &datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: config.Raw}}
		ds.Read(ctx, datasource.ReadRequest{Config: config}, resp)
		return resp
	}

	resp := read(writeTree(t, map[string]string{
		"index.md": "# Home\n\nFirst [the plans](wip.md),\nthen [the old page](old.md).\n",
		"wip.md":   "---\ndraft: true\n---\nTBD\n",
		"old.md":   "---\npublished: false\n---\n# Old\n",
	}))
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning: %v", resp.Diagnostics)
	}
	warning := resp.Diagnostics.Warnings()[0]
	for _, want := range []string{"index.md, line 3: the link to wip.md leads to a draft (draft: true)", "index.md, line 4: the link to old.md leads to a draft (published: false)", "include_drafts = true"} {
		if !strings.Contains(warning.Detail(), want) {
			t.Errorf("warning %s: %s lacks %q", warning.Summary(), warning.Detail(), want)
		}
	}
	var m docsTreeModel
	resp.Diagnostics.Append(resp.State.Get(ctx, &m)...)
	if _, leaked := m.Pages["wip.md"]; leaked || len(m.Pages) != 1 || !slices.Equal(m.Drafts, []string{"old.md", "wip.md"}) {
		t.Errorf("pages %v, drafts %v: want only index.md published and both drafts listed", m.Pages, m.Drafts)
	}

	missing := t.TempDir() + "/static"
	resp = read(writeTree(t, map[string]string{"a.md": "# A\n"}), t.TempDir(), missing)
	if !resp.Diagnostics.HasError() {
		t.Fatal("want an error for a static folder that does not exist")
	}
	d := resp.Diagnostics.Errors()[0]
	if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("static_dirs").AtListIndex(1)) || !strings.Contains(d.Detail(), missing) {
		t.Errorf("the error must name static_dirs[1] and the folder: %v", resp.Diagnostics)
	}
}

// The Managed in Git panel does not shift the lines the plan's warnings
// name: a broken link on line 6 of a file is reported at line 6, as
// `terraform plan -json` shows it, and a link to a draft is warned about
// by the data source.
func TestAccDocsTreeWarningLines_managedInGitPanel(t *testing.T) {
	t.Parallel()
	cli := buildCLIProvider(t)
	site := newTestSite(t)
	root := writeTree(t, map[string]string{
		"guide.md": "---\ntitle: Guide\n---\n# Guide\n\n[broken](missing.md)\n\nAnd [the plans](wip.md).\n",
		"wip.md":   "---\ndraft: true\n---\nTBD\n",
	})
	ws := cli.workspace(t, site.providerBlock(botEmail, botToken)+fmt.Sprintf(`
data "confluence_docs_tree" "docs" {
  root                = %q
  source_url_template = "https://git.example.com/docs/{path}"
}

resource "confluence_page" "docs" {
  for_each = data.confluence_docs_tree.docs.pages

  space_key   = "DOCS"
  title       = each.value.title
  markdown    = each.value.markdown
  source_path = each.key
  links       = data.confluence_docs_tree.docs.links
}
`, root))
	out, err := ws.run(t.Context(), "plan", "-json")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, tail(out, 3000))
	}
	diagnostics := map[string]string{}
	scanner := bufio.NewScanner(strings.NewReader(out))
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal(scanner.Bytes(), &msg) == nil && msg.Type == "diagnostic" {
			diagnostics[msg.Diagnostic.Summary] += msg.Diagnostic.Detail
		}
	}
	rendered, ok := diagnostics["Markdown Not Fully Rendered"]
	if !ok {
		t.Fatalf("no Markdown warning in the plan: %v\n%s", diagnostics, tail(out, 3000))
	}
	if !strings.Contains(rendered, `line 6: the link to "missing.md"`) || !strings.Contains(rendered, "line 8:") || strings.Contains(rendered, "line 9:") || strings.Contains(rendered, "line 11:") {
		t.Errorf("the warnings must name the file's lines 6 and 8, not the lines the panel moved them to:\n%s", rendered)
	}
	if drafts := diagnostics["Links to Draft Pages"]; !strings.Contains(drafts, "guide.md, line 8: the link to wip.md leads to a draft (draft: true)") {
		t.Errorf("want the link to the draft named with its line: %q", drafts)
	}
	if strings.Contains(out, "TBD") || strings.Contains(out, `confluence_page.docs[\"wip.md\"]`) {
		t.Errorf("the draft must not be planned:\n%s", tail(out, 3000))
	}
}
