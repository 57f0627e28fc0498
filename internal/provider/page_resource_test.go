// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// emptyPlanAfterApply asserts that a second plan after the apply is empty,
// although Confluence rewrote the body on save.
var emptyPlanAfterApply = resource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

// pageConfig is a confluence_page "test" in DOCS titled "Runbook" (unless the
// attributes set a title) managed by the bot.
func pageConfig(site *testSite, attrs string, extra ...string) string {
	if !regexp.MustCompile(`(?m)^\s*title\s*=`).MatchString(attrs) {
		attrs = `title = "Runbook"` + "\n  " + attrs
	}
	return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page" "test" {
  space_key = "DOCS"
  %s
  %s
}
`, attrs, strings.Join(extra, "\n  "))
}

func TestAccPageResource_lifecycle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// Storage body with forms Confluence rewrites (b, br, attribute order, entity).
				Config: pageConfig(site, `body = "<p><b>Deploy</b> with care&nbsp;&rarr; now<br/></p><p class=\"x\" title=\"y\">Second</p>"`, `labels = ["runbook", "ops"]`, `version_message = "first"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("confirmation_code"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("labels"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ops"), knownvalue.StringExact("runbook")})),
					statecheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("body_hash"), knownvalue.StringRegexp(regexp.MustCompile(`^sha256:[0-9a-f]{64}$`))),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources["confluence_page.test"].Primary.ID
					snap, ok := site.emu.Page(pageID)
					if !ok || !strings.Contains(snap.Body, "<strong>Deploy</strong>") {
						return fmt.Errorf("page %s not stored as Confluence would: %+v", pageID, snap)
					}
					return nil
				},
			},
			{
				// Change content, title and labels: one new version, minimal label changes.
				Config: site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "test" {
  space_key       = "DOCS"
  title           = "Runbook v2"
  markdown        = "# Deploy\n\nWith **care**.\n"
  labels          = ["runbook", "deploy"]
  version_message = "second"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("confluence_page.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					snap, _ := site.emu.Page(pageID)
					if snap.Title != "Runbook v2" || snap.Version != 2 || !strings.Contains(snap.VersionMessage, "second") {
						return fmt.Errorf("unexpected page after update: %+v", snap)
					}
					labels := append([]string(nil), snap.Labels...)
					sort.Strings(labels)
					if got := strings.Join(labels, ","); got != "deploy,runbook" {
						return fmt.Errorf("labels = %q", got)
					}
					return nil
				},
			},
			{
				ResourceName:            "confluence_page.test",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"markdown", "body", "version_message", "policy_decision", "confirmation_code"},
			},
		},
	})
}

// asAccount is a client acting in Confluence as a person would, for tests
// that edit pages behind Terraform's back.
func (s *testSite) asAccount(t *testing.T, email, token string) *confluence.Client {
	t.Helper()
	c, err := confluence.New(confluence.Config{BaseURL: s.URL(), Email: email, APIToken: token, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// humanEdit saves a new version of a page as editor@example.com.
func (s *testSite) humanEdit(t *testing.T, pageID, body string) {
	t.Helper()
	ctx := context.Background()
	editor := s.asAccount(t, editorEmail, editorToken)
	page, err := editor.GetPage(ctx, pageID, confluence.GetPageOptions{})
	if err != nil {
		t.Fatalf("editor reading page %s: %v", pageID, err)
	}
	_, err = editor.UpdatePage(ctx, confluence.UpdatePageRequest{
		ID: pageID, Status: "current", Title: page.Title, ParentID: page.ParentID, Body: body,
		VersionNumber: page.Version.Number + 1, VersionMessage: "fixed a typo",
	})
	if err != nil {
		t.Fatalf("editor updating page %s: %v", pageID, err)
	}
}

func stateID(s *terraform.State, name string) string {
	return s.RootModule().Resources[name].Primary.ID
}

// expectBefore checks the refreshed value an attribute had before the change:
// what the plan shows as being replaced.
type expectBefore struct {
	resource, attribute string
	contains            string
}

func (e expectBefore) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.resource {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		got, _ := before[e.attribute].(string)
		if !strings.Contains(got, e.contains) {
			resp.Error = fmt.Errorf("%s.%s before the change = %q, want it to contain %q", e.resource, e.attribute, got, e.contains)
		}
		return
	}
	resp.Error = fmt.Errorf("no planned change for %s", e.resource)
}

func TestAccPageResource_humanEditShownAndReplaced(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := pageConfig(site, `markdown = "Deploy with **care**."`)
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: emptyPlanAfterApply,
				Check:            func(s *terraform.State) error { pageID = stateID(s, "confluence_page.test"); return nil },
			},
			{
				// A person fixes the page in Confluence: the plan shows their text
				// as what the apply replaces, and the apply writes version 3.
				PreConfig: func() { site.humanEdit(t, pageID, "<p>Deploy with <b>great</b> care.</p><p>Ask #ops first.</p>") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("confluence_page.test", plancheck.ResourceActionUpdate),
						expectBefore{"confluence_page.test", "body", "<p>Ask #ops first.</p>"},
						plancheck.ExpectKnownValue("confluence_page.test", tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					versions := site.emu.PageVersions(pageID)
					if len(versions) != 3 || !strings.Contains(versions[1].Body, "Ask #ops first.") || versions[1].LastEditorAccountID == versions[2].LastEditorAccountID {
						return fmt.Errorf("history does not keep the person's version 2: %+v", versions)
					}
					return nil
				},
			},
		},
	})
}

// conflictOnNextUpdate lets a person save the page right before the
// provider's update reaches Confluence: an edit between plan and apply.
type conflictOnNextUpdate struct {
	site   *testSite
	t      *testing.T
	pageID func() string
	armed  bool
}

func (c *conflictOnNextUpdate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.armed && r.Method == http.MethodPut && r.URL.Path == "/wiki/api/v2/pages/"+c.pageID() {
		c.armed = false
		c.site.humanEdit(c.t, c.pageID(), "<p>Edited during the apply.</p>")
	}
	c.site.emu.ServeHTTP(w, r)
}

func TestAccPageResource_editBetweenPlanAndApplyFails(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var pageID string
	interceptor := &conflictOnNextUpdate{site: site, t: t, pageID: func() string { return pageID }}
	site.srv.Config.Handler = interceptor
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>One</p>"`),
				Check:  func(s *terraform.State) error { pageID = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig:   func() { interceptor.armed = true },
				Config:      pageConfig(site, `body = "<p>Two</p>"`),
				ExpectError: regexp.MustCompile(`(?s)Page Changed Since the Plan.*version 2.*Nothing was written`),
			},
			{
				// The person's version is intact; the next plan shows it.
				Config: pageConfig(site, `body = "<p>Two</p>"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectBefore{"confluence_page.test", "body", "Edited during the apply."}},
				},
				Check: func(*terraform.State) error {
					versions := site.emu.PageVersions(pageID)
					if len(versions) != 3 || !strings.Contains(versions[1].Body, "Edited during the apply.") {
						return fmt.Errorf("unexpected history: %+v", versions)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPageResource_lostCreateResponseMakesOnePage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: `^/wiki/api/v2/pages$`, Kind: emulator.FaultDropAfterCommit})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           pageConfig(site, `body = "<p>Once</p>"`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(s *terraform.State) error {
				if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n != 1 {
					return fmt.Errorf("create sent %d times, want exactly once", n)
				}
				snap, ok := site.emu.PageByTitle("DOCS", "Runbook")
				if !ok || snap.ID != stateID(s, "confluence_page.test") {
					return fmt.Errorf("state does not hold the one page that was created: %+v", snap)
				}
				return nil
			},
		}},
	})
}

func TestAccPageResource_titleClashSuggestsImport(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	ctx := context.Background()
	space, err := site.asAccount(t, editorEmail, editorToken).GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	existing, err := site.asAccount(t, editorEmail, editorToken).CreatePage(ctx, confluence.CreatePageRequest{SpaceID: space.ID, Title: "Runbook", Body: "<p>Mine</p>"})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      pageConfig(site, `body = "<p>Mine</p>"`),
			ExpectError: regexp.MustCompile(`(?s)Page Already Exists.*terraform import 'confluence_page.<name>' ` + existing.ID),
		}},
	})
	if snap, _ := site.emu.Page(existing.ID); snap.Version != 1 || !strings.Contains(snap.Body, "Mine") {
		t.Fatalf("the person's page was touched: %+v", snap)
	}
}

func TestAccPageResource_invalidInputFailsAtPlanWithoutRequests(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	cases := []struct {
		attrs string
		want  string
	}{
		{`body = "<p>unclosed <b>bold</p>"`, `(?s)Invalid Storage Format.*with confluence_page.test,.*on terraform_plugin_test.tf line \d+, in resource "confluence_page" "test":.*body = .*Line 1,\s+column 20: element <b>`},
		{`body = "<p>Tom &foo; Jerry</p>"`, `(?s)Invalid Storage Format.*body`},
		{"body = \"<p>x</p>\"\n  labels = [\"two words\"]", `(?s)Invalid Label.*labels.*space`},
		{"body = \"<p>x</p>\"\n  labels = [\"Upper\"]", `(?s)Invalid Label.*lower case`},
		{`body = "<p>x</p>"` + "\n  markdown = \"x\"", `(?s)Invalid Attribute Combination.*body.*markdown`},
		{`title = "Neither"`, `(?s)Missing Attribute Configuration.*body.*markdown`},
		{`body = "<p>x</p>"` + "\n  source_path = \"docs/a.md\"", `(?s)Invalid Attribute Combination.*body.*source_path`},
		{`body = "<p>x</p>"` + "\n  drop_title_heading = true", `(?s)Invalid Attribute Combination.*body.*drop_title_heading`},
		{`body = "<p>x</p>"` + "\n  on_destroy = \"shred\"", `(?s)Invalid Attribute Value Match.*on_destroy.*trash`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      pageConfig(site, c.attrs),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      site.providerBlock(botEmail, botToken) + `resource "confluence_page" "test" {` + "\n" + `space_key = "DOCS"` + "\n" + `title = "` + strings.Repeat("t", 256) + `"` + "\n" + `body = "<p/>"` + "\n}",
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)title.*length`),
	})
	for _, title := range []string{`Bell\u0007`, `Nul\u0000here`, `Two\nlines`} {
		steps = append(steps, resource.TestStep{
			Config:      site.providerBlock(botEmail, botToken) + `resource "confluence_page" "test" {` + "\n" + `space_key = "DOCS"` + "\n" + `title = "` + title + `"` + "\n" + `body = "<p/>"` + "\n}",
			PlanOnly:    true,
			ExpectError: wrappedError(`title.*must not contain control characters`),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories(), Steps: steps})
	if stats := site.emu.Stats(); stats.Total != 0 {
		t.Fatalf("invalid configuration sent %d requests to Confluence (%v), want none", stats.Total, stats.ByRoute)
	}
}

func TestAccPageResource_formOnlyChangesPlanNothing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	noChange := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: pageConfig(site, `markdown = "Deploy with *care*.\n\n- one\n- two\n"`), ConfigPlanChecks: emptyPlanAfterApply},
			{Config: pageConfig(site, `markdown = "Deploy with _care_.\n\n* one\n* two"`), ConfigPlanChecks: noChange},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: pageConfig(site, `title = "Other"`+"\n"+`body = "<p><b>x</b></p>"`), ConfigPlanChecks: emptyPlanAfterApply},
			{Config: pageConfig(site, `title = "Other"`+"\n"+`body = "<p>\n  <strong>x</strong>\n</p>\n"`), ConfigPlanChecks: noChange},
		},
	})
}

func TestAccPageResource_onDestroyModes(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	ids := map[string]string{}
	config := site.providerBlock(adminEmail, adminToken) + `
resource "confluence_page" "trash" {
  space_key = "DOCS"
  title     = "Trash me"
  body      = "<p>t</p>"
}
resource "confluence_page" "purge" {
  space_key  = "DOCS"
  title      = "Purge me"
  body       = "<p>p</p>"
  on_destroy = "purge"
}
resource "confluence_page" "retain" {
  space_key  = "DOCS"
  title      = "Keep me"
  body       = "<p>k</p>"
  on_destroy = "retain"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(s *terraform.State) error {
				for _, name := range []string{"trash", "purge", "retain"} {
					ids[name] = stateID(s, "confluence_page."+name)
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if snap, ok := site.emu.Page(ids["trash"]); !ok || snap.Status != "trashed" {
				return fmt.Errorf("on_destroy = trash: page is %+v, want it in the trash", snap)
			}
			if snap, ok := site.emu.Page(ids["purge"]); ok {
				return fmt.Errorf("on_destroy = purge: page still exists: %+v", snap)
			}
			if snap, ok := site.emu.Page(ids["retain"]); !ok || snap.Status != "current" {
				return fmt.Errorf("on_destroy = retain: page is %+v, want it untouched", snap)
			}
			return nil
		},
	})
	if n := site.emu.Count(http.MethodDelete, "/wiki/api/v2/pages/{id}"); n != 3 {
		t.Fatalf("DELETE requests = %d, want 3 (trash, trash then purge)", n)
	}
}

func TestAccPageResource_goneFromConfluenceIsRecreated(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := pageConfig(site, `body = "<p>Here</p>"`)
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config, Check: func(s *terraform.State) error { firstID = stateID(s, "confluence_page.test"); return nil }},
			{
				// Someone trashes the page and purges it; the next plan creates it again.
				PreConfig: func() {
					admin := site.asAccount(t, adminEmail, adminToken)
					if err := admin.DeletePage(context.Background(), firstID, false); err != nil {
						t.Fatal(err)
					}
					if err := admin.DeletePage(context.Background(), firstID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_page.test", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					if stateID(s, "confluence_page.test") == firstID {
						return fmt.Errorf("page id did not change after re-creation")
					}
					return nil
				},
			},
		},
	})
}

func TestAccPageResource_parentMoveAndBackToHomepage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	parents := site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "parent" {
  space_key = "DOCS"
  title     = "Parent"
  body      = "<p>p</p>"
}
`
	var homepage string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: parents + `
resource "confluence_page" "child" {
  space_key = "DOCS"
  title     = "Child"
  body      = "<p>c</p>"
}`,
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(s *terraform.State) error {
					homepage = s.RootModule().Resources["confluence_page.child"].Primary.Attributes["parent_id"]
					if homepage == "" || homepage == stateID(s, "confluence_page.parent") {
						return fmt.Errorf("child should sit under the homepage, parent_id = %q", homepage)
					}
					return nil
				},
			},
			{
				Config: parents + `
resource "confluence_page" "child" {
  space_key = "DOCS"
  title     = "Child"
  body      = "<p>c</p>"
  parent_id = confluence_page.parent.id
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_page.child", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					snap, _ := site.emu.Page(stateID(s, "confluence_page.child"))
					if snap.ParentID != stateID(s, "confluence_page.parent") {
						return fmt.Errorf("child not moved: parent %q", snap.ParentID)
					}
					return nil
				},
			},
			{
				// Removing parent_id moves the page back under the homepage.
				Config: parents + `
resource "confluence_page" "child" {
  space_key = "DOCS"
  title     = "Child"
  body      = "<p>c</p>"
}`,
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(s *terraform.State) error {
					if snap, _ := site.emu.Page(stateID(s, "confluence_page.child")); snap.ParentID != homepage {
						return fmt.Errorf("child not back under the homepage: parent %q", snap.ParentID)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPageResource_unchangedSendsNoWrite(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := pageConfig(site, `markdown = "# Title\n\nText"`, `labels = ["a", "b"]`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: site.emu.ResetStats,
				Config:    config,
				Check: func(*terraform.State) error {
					if w := site.emu.Stats().Writes; w != 0 {
						return fmt.Errorf("re-applying an unchanged configuration sent %d writes: %v", w, site.emu.Stats().ByRoute)
					}
					return nil
				},
			},
			{
				// Only the version message changes: still nothing to write.
				PreConfig: site.emu.ResetStats,
				Config:    pageConfig(site, `markdown = "# Title\n\nText"`, `labels = ["a", "b"]`, `version_message = "note"`),
				Check: func(*terraform.State) error {
					if w := site.emu.Stats().Writes; w != 0 {
						return fmt.Errorf("a version_message-only change sent %d writes: %v", w, site.emu.Stats().ByRoute)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPageResource_failedUpdateKeepsThePageInState(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: pageConfig(site, `body = "<p>One</p>"`),
				Check:  func(s *terraform.State) error { pageID = stateID(s, "confluence_page.test"); return nil },
			},
			{
				// Confluence fails the update: the apply errors, nothing is lost.
				PreConfig: func() {
					site.emu.InjectFault(emulator.Fault{Method: http.MethodPut, Path: `^/wiki/api/v2/pages/[0-9]+$`, Kind: emulator.Fault500Before})
				},
				Config:      pageConfig(site, `body = "<p>Two</p>"`),
				ExpectError: regexp.MustCompile(`Unable to Update Page`),
			},
			{
				// The page is still managed: the retry updates it in place.
				Config: pageConfig(site, `body = "<p>Two</p>"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("confluence_page.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					if got := stateID(s, "confluence_page.test"); got != pageID {
						return fmt.Errorf("page %s was replaced by %s", pageID, got)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPageResource_permissionErrorNamesAccountAndSpace(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			// reader@example.com may view DOCS but not edit it.
			Config: site.providerBlock(readerEmail, readerToken) + `
resource "confluence_page" "test" {
  space_key = "DOCS"
  title     = "Not mine to write"
  body      = "<p>x</p>"
}`,
			ExpectError: regexp.MustCompile(`(?s)Unable to Create Page.*space DOCS.*reader@example.com\s+lacks\s+the\s+permission`),
		}},
	})
	if _, ok := site.emu.PageByTitle("DOCS", "Not mine to write"); ok {
		t.Fatal("the page was created without edit permission")
	}
}

// A rate-limited site slows the apply down but does not break it: every
// request refused with 429 is retried after Retry-After, creates included,
// and each page is created exactly once.
func TestAccPageResource_rateLimitedSite(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	site.emu.SetRateLimit(5, 4)
	config := fmt.Sprintf(`
provider "confluence" {
  url                 = %q
  email               = %q
  api_token           = %q
  max_retries         = 10
  requests_per_second = 100
}

resource "confluence_page" "many" {
  count     = 6
  space_key = "DOCS"
  title     = "Limited ${count.index}"
  body      = "<p>${count.index}</p>"
}
`, site.URL(), botEmail, botToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(*terraform.State) error {
				for i := range 6 {
					if _, ok := site.emu.PageByTitle("DOCS", fmt.Sprintf("Limited %d", i)); !ok {
						return fmt.Errorf("page %d missing", i)
					}
				}
				if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n <= 6 {
					return fmt.Errorf("creates sent %d times: the site never rate limited them, so this test proves nothing", n)
				}
				return nil
			},
		}},
	})
}

// An update costs two writes per page (the page and its terraform.change
// record, whose id and version private state remembers) and no read of the
// record; where the pages are is checked one by one for the first few pages
// of a space, then from one listing of the space.
func TestAccPageResource_updateCostsTwoWritesPerPage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	pages := func(body string) string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_page" "p" {
  count     = 12
  space_key = "DOCS"
  title     = "Cost ${count.index}"
  body      = "<p>%s ${count.index}</p>"
}
`, body)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: pages("one")},
			{
				PreConfig: func() { site.emu.ResetStats() },
				Config:    pages("two"),
			},
			{
				PreConfig: func() {
					stats := site.emu.Stats()
					if n := stats.ByRoute["PUT /wiki/api/v2/pages/{id}"]; n != 12 {
						t.Errorf("%d page writes, want 12", n)
					}
					if n := stats.ByRoute["PUT /wiki/api/v2/pages/{page-id}/properties/{property-id}"]; n != 12 {
						t.Errorf("%d record writes, want 12: %v", n, stats.ByRoute)
					}
					if n := stats.ByRoute["GET /wiki/api/v2/pages/{page-id}/properties"]; n != 0 {
						t.Errorf("the records were read %d times before being written", n)
					}
					if n := stats.ByRoute["GET /wiki/api/v2/pages/{id}"]; n > 2*locateIndexAfterPages {
						t.Errorf("%d single page reads; the space should be listed instead", n)
					}
				},
				Config: pages("two"),
			},
		},
	})
}
