// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// blogPost creates a blog post as the administrator and labels it.
func (s *seeder) blogPost(spaceKey, title, body string, labels ...string) *confluence.Page {
	s.t.Helper()
	ctx := context.Background()
	post, err := s.client.CreatePage(ctx, confluence.CreatePageRequest{Kind: confluence.KindBlogPost, SpaceID: s.spaceID(spaceKey), Title: title, Body: body})
	if err != nil {
		s.t.Fatalf("creating blog post %q in %s: %v", title, spaceKey, err)
	}
	if err := s.client.AddPageLabels(ctx, post.ID, labels); err != nil {
		s.t.Fatalf("labelling blog post %q: %v", title, err)
	}
	return post
}

func TestAccBlogPostDataSource_readsByIDAndTitle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	post := admin.blogPost("DOCS", "Release 2.0", "<p><b>Big</b> release</p>", "release-notes")
	page := admin.page("DOCS", "Release 2.0", "", "<p>A page with the same title</p>")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_blog_post" "by_id" {
  id = %q
}

data "confluence_blog_post" "by_title" {
  space_key = "DOCS"
  title     = "Release 2.0"
}

data "confluence_pages" "posts" {
  type      = "blogpost"
  space_key = "DOCS"
  label     = ["release-notes"]
}

data "confluence_pages" "pages" {
  space_key = "DOCS"
  title     = "Release 2.0"
}
`, post.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.confluence_blog_post.by_id", tfjsonpath.New("title"), knownvalue.StringExact("Release 2.0")),
					statecheck.ExpectKnownValue("data.confluence_blog_post.by_id", tfjsonpath.New("body"), knownvalue.StringExact("<p><strong>Big</strong> release</p>")),
					statecheck.ExpectKnownValue("data.confluence_blog_post.by_id", tfjsonpath.New("space_key"), knownvalue.StringExact("DOCS")),
					statecheck.ExpectKnownValue("data.confluence_blog_post.by_id", tfjsonpath.New("labels"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("release-notes")})),
					statecheck.ExpectKnownValue("data.confluence_blog_post.by_id", tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(`/blog/\d{4}/\d{2}/\d{2}/`+post.ID+`/`))),
					statecheck.ExpectKnownValue("data.confluence_blog_post.by_title", tfjsonpath.New("id"), knownvalue.StringExact(post.ID)),
					statecheck.ExpectKnownValue("data.confluence_pages.posts", tfjsonpath.New("query"), knownvalue.StringRegexp(regexp.MustCompile(`^type = blogpost AND space = "DOCS"`))),
					statecheck.ExpectKnownValue("data.confluence_pages.posts", tfjsonpath.New("pages"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(post.ID), "parent_id": knownvalue.StringExact("")}),
					})),
					// Without type, only the page holding the title.
					statecheck.ExpectKnownValue("data.confluence_pages.pages", tfjsonpath.New("pages"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(page.ID)}),
					})),
				},
			},
			{
				// A page id is not a blog post.
				Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_blog_post" "wrong" {
  id = %q
}
`, page.ID),
				ExpectError: regexp.MustCompile(`Blog Post Not Found`),
			},
		},
	})
}

// get_page governs reading a blog post: a denied read names the blog post
// and never fetches its body.
func TestAccBlogPostDataSource_policy(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	post := admin.blogPost("DOCS", "Incident report", "<p>secret</p>")
	admin.governReaderAs("DOCS", "reader-ci", map[policy.Operation]policy.Level{policy.GetPage: policy.Denied})
	site.emu.ResetStats()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(readerEmail, readerToken, `connection = "reader-ci"`) + `
data "confluence_blog_post" "incident" {
  space_key = "DOCS"
  title     = "Incident report"
}
`,
			ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page on blog post "Incident report"`),
		}},
	})
	if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/blogposts/{id}"); n != 0 {
		t.Fatalf("the denied blog post %s was read %d times", post.ID, n)
	}
}
