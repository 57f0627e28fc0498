// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// releaseNotesConfig publishes one blog post per section of a CHANGELOG, as
// examples/resources/confluence_blog_post does.
func releaseNotesConfig(site *testSite, changelog string) string {
	return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
locals {
  changelog = %q
  sections = {
    for s in split("\n## ", trimprefix(local.changelog, "## ")) :
    trimspace(split("\n", s)[0]) => trimspace(join("\n", slice(split("\n", s), 1, length(split("\n", s)))))
  }
}

resource "confluence_blog_post" "release" {
  for_each        = local.sections
  space_key       = "DOCS"
  title           = "Release ${each.key}"
  markdown        = each.value
  labels          = ["release-notes"]
  version_message = "release notes for ${each.key}"
}
`, changelog)
}

const (
	changelogV1 = "## 1.1.0\n- Blog posts\n\n## 1.0.0\n- First release\n"
	// 1.1.0 gets a fix; 1.0.0 is unchanged.
	changelogV2 = "## 1.1.0\n- Blog posts\n- Fixed labels\n\n## 1.0.0\n- First release\n"
	// 1.0.0 is dropped from the changelog.
	changelogV3 = "## 1.1.0\n- Blog posts\n- Fixed labels\n"
)

// blogPost reads a blog post as a person would.
func (s *testSite) blogPost(t *testing.T, id string) *confluence.Page {
	t.Helper()
	p, err := s.asAccount(t, adminEmail, adminToken).GetPage(context.Background(), id, confluence.GetPageOptions{Kind: confluence.KindBlogPost, IncludeBody: true})
	if err != nil {
		t.Fatalf("reading blog post %s: %v", id, err)
	}
	return p
}

// humanEditBlogPost saves a new version of a blog post as editor@example.com.
func (s *testSite) humanEditBlogPost(t *testing.T, id, body string) {
	t.Helper()
	ctx := context.Background()
	editor := s.asAccount(t, editorEmail, editorToken)
	post, err := editor.GetPage(ctx, id, confluence.GetPageOptions{Kind: confluence.KindBlogPost})
	if err != nil {
		t.Fatalf("editor reading blog post %s: %v", id, err)
	}
	if _, err := editor.UpdatePage(ctx, confluence.UpdatePageRequest{
		Kind: confluence.KindBlogPost, ID: id, Status: "current", Title: post.Title, Body: body,
		VersionNumber: post.Version.Number + 1, VersionMessage: "fixed a typo",
	}); err != nil {
		t.Fatalf("editor updating blog post %s: %v", id, err)
	}
}

// The release-notes configuration under a policy: creates blog posts (not
// pages), updates one with a confirmation code, shows a person's edit,
// trashes the post of a dropped section, imports, and every second plan is
// empty.
func TestAccBlogPostResource_releaseNotes(t *testing.T) {
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.AllowedWithConfirmation, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	const v110, v100 = `confluence_blog_post.release["1.1.0"]`, `confluence_blog_post.release["1.0.0"]`
	var id110, id100, code string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: releaseNotesConfig(site, changelogV1),
				ConfigStateChecks: []statecheck.StateCheck{
					captureID{address: v110, into: &id110},
					captureID{address: v100, into: &id100},
					statecheck.ExpectKnownValue(v110, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(v110, tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed")),
					statecheck.ExpectKnownValue(v110, tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(`/wiki/spaces/DOCS/blog/\d{4}/\d{2}/\d{2}/\d+/Release`))),
					statecheck.ExpectKnownValue(v100, tfjsonpath.New("labels"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("release-notes")})),
					stateCheckFunc(func() error {
						if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/blogposts"); n != 2 {
							return fmt.Errorf("%d blog post creates, want 2", n)
						}
						if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n != 0 {
							return fmt.Errorf("%d page creates, want none", n)
						}
						post := site.blogPost(t, id110)
						if post.Title != "Release 1.1.0" || !strings.Contains(post.Body, "Blog posts") {
							return fmt.Errorf("blog post not as configured: %+v", post)
						}
						snap, _ := site.emu.Page(id110)
						if _, ok := snap.Properties[auditPropertyKey]; !ok {
							return fmt.Errorf("blog post %s has no %s record", id110, auditPropertyKey)
						}
						return nil
					}),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// An update is gated: the plan carries its code, the apply
				// without it writes nothing.
				Config: releaseNotesConfig(site, changelogV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(v110, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(v100, plancheck.ResourceActionNoop),
					capturePlanned{address: v110, attribute: "confirmation_code", into: &code},
				}},
				ExpectError: regexp.MustCompile(`(?s)Confirmation Code Not Granted.*update_page on blog post "Release 1.1.0"`),
			},
			{
				PreConfig:        func() { t.Setenv(envConfirmations, code) },
				Config:           releaseNotesConfig(site, changelogV2),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(v110, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(v110, tfjsonpath.New("policy_decision"), knownvalue.StringExact("allowed_with_confirmation")),
					stateCheckFunc(func() error {
						post := site.blogPost(t, id110)
						if !strings.Contains(post.Body, "Fixed labels") || !strings.Contains(post.Version.Message, "release notes for 1.1.0") {
							return fmt.Errorf("update not written as configured: %+v", post)
						}
						return nil
					}),
				},
			},
			{
				// A person edits the 1.0.0 post: the plan shows their text as
				// what the apply would replace, and replacing it is an update
				// that needs its own code (the one granted above does not
				// unlock it).
				PreConfig: func() { site.humanEditBlogPost(t, id100, "<p>Edited by a person</p>") },
				Config:    releaseNotesConfig(site, changelogV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(v100, plancheck.ResourceActionUpdate),
					expectBefore{resource: v100, attribute: "body", contains: "Edited by a person"},
				}},
				ExpectError: regexp.MustCompile(`(?s)Confirmation Code Not Granted.*blog post "Release 1.0.0"`),
			},
			{
				// The section is dropped: both the person's version and the
				// post go, the post into the trash (delete_page allowed).
				Config:           releaseNotesConfig(site, changelogV3),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func() error {
					if snap, ok := site.emu.Page(id100); !ok || snap.Status != "trashed" {
						return fmt.Errorf("blog post 1.0.0 not in the trash: %+v", snap)
					}
					return nil
				})},
			},
			{
				// No changelog left: the last post is trashed too. (This also
				// leaves no for_each instance for the test harness's final
				// state read, which cannot address them.)
				Config: site.providerBlock(botEmail, botToken, `connection = "docs-bot"`),
				ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func() error {
					if snap, ok := site.emu.Page(id110); !ok || snap.Status != "trashed" {
						return fmt.Errorf("blog post 1.1.0 not in the trash: %+v", snap)
					}
					return nil
				})},
			},
		},
	})
}

// A blog post written elsewhere is imported by id; importing reads it under
// get_page, and a page id is not a blog post.
func TestAccBlogPostResource_import(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := site.providerBlock(botEmail, botToken) + `
resource "confluence_blog_post" "test" {
  space_key = "DOCS"
  title     = "Announcement"
  markdown  = "We moved to **Terraform**."
  labels    = ["news"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{
				ResourceName:            "confluence_blog_post.test",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"markdown", "body", "version_message", "policy_decision", "confirmation_code"},
			},
			{
				// The space homepage is a page: importing it as a blog post finds nothing.
				ResourceName:  "confluence_blog_post.test",
				ImportState:   true,
				ImportStateId: site.homepageID(t, "DOCS"),
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func (s *testSite) homepageID(t *testing.T, spaceKey string) string {
	t.Helper()
	space, err := s.asAccount(t, adminEmail, adminToken).GetSpaceByKey(context.Background(), spaceKey)
	if err != nil {
		t.Fatal(err)
	}
	return space.HomepageID
}

// A lost create answer never makes a second blog post: the provider finds
// the one it wrote and adopts it.
func TestAccBlogPostResource_lostCreateResponseMakesOnePost(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: `^/wiki/api/v2/blogposts$`, Kind: emulator.FaultDropAfterCommit})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken) + `
resource "confluence_blog_post" "test" {
  space_key = "DOCS"
  title     = "Announcement"
  body      = "<p>Once</p>"
}
`,
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(s *terraform.State) error {
				if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/blogposts"); n != 1 {
					return fmt.Errorf("create sent %d times, want exactly once", n)
				}
				snap, ok := site.emu.PageByTitle("DOCS", "Announcement")
				if !ok || snap.ID != stateID(s, "confluence_blog_post.test") {
					return fmt.Errorf("state does not hold the one blog post that was created: %+v", snap)
				}
				return nil
			},
		}},
	})
}

// Blog posts are governed by create_page: a policy that denies it fails the
// plan naming the blog post, and nothing is sent.
func TestAccBlogPostResource_policyDenied(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.CreatePage: policy.Denied}, "DOCS")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: site.emu.ResetStats,
			Config: site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_blog_post" "test" {
  space_key = "DOCS"
  title     = "Announcement"
  markdown  = "Hello"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Operation Denied by Confluence Policy.*create_page on blog post "Announcement"`),
		}},
	})
	if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/blogposts"); n != 0 {
		t.Fatalf("%d blog post creates sent, want none", n)
	}
}

// Bad input fails at plan time with the attribute path and sends nothing.
func TestAccBlogPostResource_invalidBody(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken) + `
resource "confluence_blog_post" "test" {
  space_key = "DOCS"
  title     = "Announcement"
  body      = "<p>unclosed"
}
`,
			ExpectError: regexp.MustCompile(`(?s)with confluence_blog_post.test,.*body`),
		}},
	})
	if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/blogposts"); n != 0 {
		t.Fatalf("%d blog post creates sent, want none", n)
	}
}

// captureID records a resource's id from the state; the legacy state that
// Check functions get cannot address for_each instances.
type captureID struct {
	address string
	into    *string
}

func (c captureID) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.address {
			*c.into, _ = r.AttributeValues["id"].(string)
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the state", c.address)
}

// stateCheckFunc runs a check of Confluence's side after an apply.
type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// settableClock is the emulator's clock in tests that move Confluence's
// days; the provider keeps the real clock.
type settableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *settableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// A post trashed on an earlier day does not hold the title today
// (Confluence keeps blog post titles unique per posting day): adding the
// post back creates a new one instead of planning to restore the old one.
func TestAccBlogPostResource_trashedOnAnotherDayIsNotRestored(t *testing.T) {
	t.Parallel()
	clock := &settableClock{now: time.Now().UTC().Add(-72 * time.Hour)}
	site := newTestSiteWith(t, emulator.Options{Now: clock.Now})
	config := site.providerBlock(botEmail, botToken) + `
resource "confluence_blog_post" "weekly" {
  space_key = "DOCS"
  title     = "Weekly update"
  markdown  = "All good."
}
`
	var first, second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) error { first = stateID(s, "confluence_blog_post.weekly"); return nil },
			},
			{Config: site.providerBlock(botEmail, botToken)},
			{
				PreConfig: func() { clock.Set(time.Now().UTC()) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue("confluence_blog_post.weekly", tfjsonpath.New("version"), knownvalue.Int64Exact(1))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					second = stateID(s, "confluence_blog_post.weekly")
					if second == first {
						return fmt.Errorf("the post trashed days ago (%s) was restored instead of a new post", first)
					}
					if snap, _ := site.emu.Page(first); snap.Status != "trashed" {
						return fmt.Errorf("the old post is %s, want it left in the trash", snap.Status)
					}
					return nil
				},
			},
		},
	})
}

// The same day, the trashed post holds the title: adding it back restores
// it (history kept), as for pages.
func TestAccBlogPostResource_trashedTodayIsRestored(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	config := site.providerBlock(botEmail, botToken) + `
resource "confluence_blog_post" "weekly" {
  space_key = "DOCS"
  title     = "Weekly update"
  markdown  = "All good."
}
`
	var first string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) error { first = stateID(s, "confluence_blog_post.weekly"); return nil },
			},
			{Config: site.providerBlock(botEmail, botToken)},
			{
				Config:           config,
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					// Restored as version 2 (status only), the content written as 3.
					statecheck.ExpectKnownValue("confluence_blog_post.weekly", tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
				},
				Check: func(s *terraform.State) error {
					if id := stateID(s, "confluence_blog_post.weekly"); id != first {
						return fmt.Errorf("a new post %s was created; want %s restored", id, first)
					}
					return nil
				},
			},
		},
	})
}

// A person saving the blog post between plan and apply makes Confluence
// refuse the write (409): the apply fails without writing, and the next plan
// shows their version.
func TestAccBlogPostResource_editBetweenPlanAndApplyFails(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	var id string
	var armed atomic.Bool
	emu := site.emu
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/wiki/api/v2/blogposts/"+id && armed.CompareAndSwap(true, false) {
			site.humanEditBlogPost(t, id, "<p>Edited during the apply.</p>")
		}
		emu.ServeHTTP(w, r)
	})
	config := func(body string) string {
		return site.providerBlock(botEmail, botToken) + fmt.Sprintf(`
resource "confluence_blog_post" "test" {
  space_key = "DOCS"
  title     = "Announcement"
  body      = %q
}
`, body)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config("<p>One</p>"),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_blog_post.test"); return nil },
			},
			{
				PreConfig:   func() { armed.Store(true) },
				Config:      config("<p>Two</p>"),
				ExpectError: regexp.MustCompile(`(?s)Blog Post Changed Since the Plan.*version 2.*Nothing was written`),
			},
			{
				Config: config("<p>Two</p>"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectBefore{"confluence_blog_post.test", "body", "Edited during the apply."}},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					versions := site.emu.PageVersions(id)
					if len(versions) != 3 || !strings.Contains(versions[1].Body, "Edited during the apply.") {
						return fmt.Errorf("unexpected history: %+v", versions)
					}
					return nil
				},
			},
		},
	})
}
