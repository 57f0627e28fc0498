// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// writeTree writes files (path → content) under a new temporary folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// docsTreeModuleDir is a working configuration made of the repository's
// modules/docs-tree files as they are, plus a provider block for the test
// site. The module's code runs as the root module because the test
// framework's state checks refuse state with child modules ("Modules are
// not supported"); a user calls the same files with
// source = "git::…//modules/docs-tree".
func docsTreeModuleDir(t *testing.T, site *testSite) tfconfig.TestStepConfigFunc {
	t.Helper()
	dir := t.TempDir()
	sources, err := filepath.Glob(filepath.Join("..", "..", "modules", "docs-tree", "*.tf"))
	if err != nil || len(sources) < 3 {
		t.Fatalf("the module's files were not found: %v %v", sources, err)
	}
	for _, src := range sources {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	provider := site.providerBlock(botEmail, botToken)
	if err := os.WriteFile(filepath.Join(dir, "provider_test.tf"), []byte(provider), 0o600); err != nil {
		t.Fatal(err)
	}
	return tfconfig.StaticDirectory(dir)
}

var (
	docsTreePNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
	docsTreeSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`
)

// A folder three levels deep, published by the module in a few lines:
// index pages are parents, a folder without one gets a generated page, the
// pages link to each other both ways by title, each image is attached to
// the page that shows it, every page carries the Managed in Git panel, and
// the second plan is empty.
//
// Not parallel: the module names its provider docs-as-code/confluence, so
// the test framework must serve the provider under that namespace
// (TF_ACC_PROVIDER_NAMESPACE), which t.Setenv allows only outside parallel tests.
func TestAccDocsTreeModule_publishesFolder(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "docs-as-code")
	site := newTestSite(t)
	root := writeTree(t, map[string]string{
		"index.md":                  "---\ntitle: Handbook\ntags: [Team Docs]\n---\n# Handbook\n\nStart with [the guide](guide/) or [install](guide/install.md).\n\n![Logo](img/logo.png)\n",
		"img/logo.png":              docsTreePNG,
		"guide/index.md":            "# User guide\n\nSee [install](install.md) and [errors](../reference/api.md#errors).\n",
		"guide/install.md":          "---\nweight: 1\n---\n# Install\n\n![Flow](img/flow.svg)\n\nBack to [the handbook](../index.md).\n",
		"guide/img/flow.svg":        docsTreeSVG,
		"guide/advanced/tuning.md":  "# Tuning\n\nRead [Install](../install.md) first.\n",
		"reference/api.md":          "# API\n\n## Errors\n\nSee [Install](../guide/install.md).\n",
		"reference/notes/README.md": "# Notes\n",
		"drafts/install.md":         "# Install\n\nA draft whose title would clash: left out by exclude.\n",
	})
	idOf := func(title string) string {
		t.Helper()
		snap, ok := site.emu.PageByTitle("DOCS", title)
		if !ok {
			t.Fatalf("page %q was not published", title)
		}
		return snap.ID
	}
	// inOrder checks the children of a page against the source order.
	inOrder := func(parent string, want ...string) {
		t.Helper()
		ids := make([]string, len(want))
		for i, title := range want {
			ids[i] = idOf(title)
		}
		if got := site.emu.ChildIDs(idOf(parent)); !slices.Equal(got, ids) {
			t.Errorf("children of %q: %v, want %v (%v)", parent, got, ids, want)
		}
	}
	checkOrder := func() {
		t.Helper()
		inOrder("Handbook", "User guide", "Reference")
		inOrder("User guide", "Install", "Advanced") // weight 1 first
		inOrder("Reference", "API", "Notes")
	}
	checked := false
	checkPublished := func() {
		checkOrder()
		checked = true
		page := func(title string) (id, parent, body string, labels []string) {
			t.Helper()
			snap, ok := site.emu.PageByTitle("DOCS", title)
			if !ok || snap.Status != "current" {
				t.Fatalf("page %q was not published", title)
			}
			return snap.ID, snap.ParentID, snap.Body, snap.Labels
		}
		handbook, _, handbookBody, handbookLabels := page("Handbook")
		guide, guideParent, guideBody, _ := page("User guide")
		install, installParent, installBody, installLabels := page("Install")
		advanced, advancedParent, advancedBody, _ := page("Advanced")
		_, tuningParent, _, _ := page("Tuning")
		reference, referenceParent, referenceBody, _ := page("Reference")
		_, apiParent, apiBody, _ := page("API")
		_, notesParent, _, _ := page("Notes")
		for child, parents := range map[string][2]string{
			"User guide": {guideParent, handbook}, "Install": {installParent, guide}, "Advanced": {advancedParent, guide},
			"Tuning": {tuningParent, advanced}, "Reference": {referenceParent, handbook}, "API": {apiParent, reference}, "Notes": {notesParent, reference},
		} {
			if parents[0] != parents[1] {
				t.Errorf("page %q has parent %s, want %s", child, parents[0], parents[1])
			}
		}
		for body, wants := range map[string][]string{
			handbookBody:  {`ri:content-title="User guide"`, `ri:content-title="Install"`, `ri:filename="img_logo.png"`, "Managed in Git", "https://git.example.com/handbook/blob/main/docs/index.md"},
			guideBody:     {`ri:content-title="Install"`, `ri:content-title="API"`, `ac:anchor="errors"`},
			installBody:   {`ri:content-title="Handbook"`, `ri:filename="guide_img_flow.svg"`, "https://git.example.com/handbook/blob/main/docs/guide/install.md"},
			apiBody:       {`ri:content-title="Install"`},
			advancedBody:  {`ri:content-title="Tuning"`, "https://git.example.com/handbook/blob/main/docs/guide/advanced"},
			referenceBody: {`ri:content-title="API"`, `ri:content-title="Notes"`},
		} {
			for _, want := range wants {
				if !strings.Contains(body, want) {
					t.Errorf("a page lacks %s:\n%s", want, body)
				}
			}
		}
		if !strings.Contains(installBody, `ac:name="info"`) || strings.Contains(installBody, "weight: 1") || strings.Contains(installBody, "<h1>") {
			t.Errorf("the install page needs the info panel, no front matter and no repeated title:\n%s", installBody)
		}
		if strings.Join(handbookLabels, ",") != "docs,team-docs" || strings.Join(installLabels, ",") != "docs" {
			t.Errorf("labels: handbook %v (want docs, team-docs), install %v (want docs)", handbookLabels, installLabels)
		}
		for pageID, want := range map[string][2]string{handbook: {"img_logo.png", docsTreePNG}, install: {"guide_img_flow.svg", docsTreeSVG}} {
			atts := site.emu.Attachments(pageID)
			if len(atts) != 1 || atts[0].Title != want[0] || !bytes.Equal(atts[0].Data, []byte(want[1])) {
				t.Errorf("page %s: want exactly %s attached byte for byte, got %+v", pageID, want[0], atts)
			}
		}
	}

	publishVars := tfconfig.Variables{
		"root":                tfconfig.StringVariable(root),
		"space_key":           tfconfig.StringVariable("DOCS"),
		"labels":              tfconfig.SetVariable(tfconfig.StringVariable("docs")),
		"exclude":             tfconfig.ListVariable(tfconfig.StringVariable("drafts")),
		"source_url_template": tfconfig.StringVariable("https://git.example.com/handbook/blob/main/docs/{path}"),
	}
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          publishVars,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_page.level0[\"index.md\"]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("confluence_page.level2[\"guide/install.md\"]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("confluence_page.level3[\"guide/advanced/tuning.md\"]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("confluence_attachment.images[\"guide/install.md:guide_img_flow.svg\"]", plancheck.ResourceActionCreate),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("page_ids", tfjsonpath.New("reference/index.md"), knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValueAtPath("page_ids", tfjsonpath.New("guide/advanced/tuning.md"), knownvalue.NotNull()),
			},
		}, {
			// Someone reorders pages by hand: the plan shows it and the
			// apply restores the source order, without a new page version.
			PreConfig: func() {
				checkPublished()
				moveByHand(t, site, idOf("Advanced"), "before", idOf("Install"))
				moveByHand(t, site, idOf("Reference"), "before", idOf("User guide"))
				if got := site.emu.ChildIDs(idOf("User guide")); !slices.Equal(got, []string{idOf("Advanced"), idOf("Install")}) {
					t.Fatalf("the hand move did not happen: %v", got)
				}
			},
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          publishVars,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_page_order.children[\"guide/index.md\"]", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("confluence_page_order.children[\"index.md\"]", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("confluence_page_order.children[\"reference/index.md\"]", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("confluence_page.level2[\"guide/install.md\"]", plancheck.ResourceActionNoop),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}, {
			// The tree leaves the configuration: its pages go to the trash
			// (and the test framework, which cannot read for_each state,
			// ends on empty state).
			PreConfig: func() {
				checkOrder()
				for _, title := range []string{"Advanced", "Install", "Reference", "User guide"} {
					if snap, _ := site.emu.PageByTitle("DOCS", title); snap.Version != 1 {
						t.Errorf("page %q is at version %d: moving it is not an edit", title, snap.Version)
					}
				}
			},
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          tfconfig.Variables{"root": tfconfig.StringVariable(t.TempDir()), "space_key": tfconfig.StringVariable("DOCS")},
		}},
	})
	if !checked {
		t.Fatal("the published tree was never inspected")
	}
	for _, title := range []string{"Handbook", "Install", "Reference", "Tuning"} {
		if snap, ok := site.emu.PageByTitle("DOCS", title); !ok || snap.Status != "trashed" {
			t.Errorf("page %q must be trashed once its tree leaves the configuration: %+v", title, snap.Status)
		}
	}
}

// moveByHand moves a page as a person editing in Confluence would (the
// editor account, through the v1 move API).
func moveByHand(t *testing.T, site *testSite, pageID, position, targetID string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, site.URL()+"/wiki/rest/api/content/"+pageID+"/move/"+position+"/"+targetID, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(editorEmail, editorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moving page %s %s %s by hand: %s", pageID, position, targetID, resp.Status)
	}
}

// Two files with one title fail the plan naming both, before any page or
// attachment is written.
func TestAccDocsTreeModule_duplicateTitles(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "docs-as-code")
	site := newTestSite(t)
	root := writeTree(t, map[string]string{
		"guide/install.md": "# Install\n",
		"ops/setup.md":     "---\ntitle: Install\n---\nSteps.\n",
	})
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: protoV6ProviderFactories(),
			ConfigDirectory:          docsTreeModuleDir(t, site),
			ConfigVariables:          tfconfig.Variables{"root": tfconfig.StringVariable(root), "space_key": tfconfig.StringVariable("DOCS")},
			ExpectError:              regexp.MustCompile(`(?s)Docs Tree Cannot Be Published.*guide/install.md\s+and\s+ops/setup.md\s+both\s+have\s+the\s+title\s+"Install"`),
		}},
	})
	// The data source reads local files only and fails before any page is
	// planned: nothing at all reaches Confluence.
	if n := site.emu.Stats().Total; n != 0 {
		t.Errorf("a plan that failed on the docs tree sent %d requests: %v", n, site.emu.Stats().ByRoute)
	}
}

// The data source reads local files only: it has no client to send a
// request with, and bad input names the attribute.
func TestDocsTreeDataSourceRead(t *testing.T) {
	ctx := context.Background()
	ds := NewDocsTreeDataSource()
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	read := func(root string) *datasource.ReadResponse {
		config := tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{
			"root":                tftypes.NewValue(tftypes.String, root),
			"source_url_template": tftypes.NewValue(tftypes.String, nil),
			"max_depth":           tftypes.NewValue(tftypes.Number, 1),
			"exclude":             tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "drafts")}),
			"include_drafts":      tftypes.NewValue(tftypes.Bool, nil),
			"static_dirs":         tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
			"drafts":              tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
			"pages":               tftypes.NewValue(schemaResp.Schema.Attributes["pages"].GetType().TerraformType(ctx), nil),
			"links":               tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
			"children":            tftypes.NewValue(tftypes.Map{ElementType: tftypes.List{ElementType: tftypes.String}}, nil),
			"top_pages":           tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
		})}
		resp := &datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: config.Raw}}
		ds.Read(ctx, datasource.ReadRequest{Config: config}, resp)
		return resp
	}

	resp := read(writeTree(t, map[string]string{"a.md": "# A\n", "b/c.md": "---\ntags: X\n---\n# C\n", "b/drafts/d.md": "# D\n"}))
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var m docsTreeModel
	resp.Diagnostics.Append(resp.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	c := m.Pages["b/c.md"]
	if len(m.Pages) != 3 || c.Title.ValueString() != "C" || c.Parent.ValueString() != "b/index.md" || c.Depth.ValueInt64() != 1 ||
		strings.Join(c.Labels, ",") != "x" || !m.Pages["b/index.md"].Generated.ValueBool() || !m.Pages["a.md"].Parent.IsNull() {
		t.Errorf("pages %+v", m.Pages)
	}
	if m.Links["b/index.md"] != "B" || m.Links["a.md"] != "A" {
		t.Errorf("links %v", m.Links)
	}
	if strings.Join(m.TopPages, ",") != "a.md,b/index.md" || strings.Join(m.Children["b/index.md"], ",") != "b/c.md" || len(m.Children) != 1 {
		t.Errorf("top pages %v, children %v", m.TopPages, m.Children)
	}

	for root, want := range map[string]string{
		filepath.Join(t.TempDir(), "missing"):                "Docs Folder Not Found",
		writeTree(t, map[string]string{"a/b/c.md": "# C\n"}): "a/b/c.md is 3 levels deep",
	} {
		resp := read(root)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("root %s: want an error", root)
		}
		if withPath, ok := resp.Diagnostics[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("root")) {
			t.Errorf("root %s: the error must name the attribute root: %v", root, resp.Diagnostics)
		}
		if d := resp.Diagnostics[0]; !strings.Contains(d.Summary()+d.Detail(), want) {
			t.Errorf("root %s: %s: %s lacks %q", root, d.Summary(), d.Detail(), want)
		}
	}
}
