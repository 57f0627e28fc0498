// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// contentKind is what differs between confluence_page and
// confluence_blog_post: the client calls (confluence.ContentKind picks
// /pages or /blogposts), the noun in messages, and whether the content has a
// parent. Everything else (pageChange, the CRUD and plan code, the policy
// operations) is shared: blog posts are governed by create_page,
// update_page and delete_page, so existing policies keep meaning what they
// meant.
type contentKind struct {
	api      confluence.ContentKind
	noun     string // "page", "blog post"
	title    string // "Page", "Blog Post": for Title Case summaries
	typeName string // the resource type name after the provider's, e.g. "_page"
}

var (
	pageKind     = contentKind{api: confluence.KindPage, noun: "page", title: "Page", typeName: "_page"}
	blogPostKind = contentKind{api: confluence.KindBlogPost, noun: "blog post", title: "Blog Post", typeName: "_blog_post"}
)

// hasParent reports whether the kind's schema has parent_id.
func (k contentKind) hasParent() bool { return k.api.HasParent() }

// policyNoun is policy.Request.Noun: empty for pages, so their messages are
// as they always were.
func (k contentKind) policyNoun() string {
	if k.api == confluence.KindPage {
		return ""
	}
	return k.noun
}

// bind marks what a confirmation code is bound to with the kind, so a code
// granted for a page never unlocks a blog post with the same title and
// content (create_page binds the title, not an id). Pages' codes are as
// they always were.
func (k contentKind) bind(content string) string {
	if k.api == confluence.KindPage {
		return content
	}
	return "kind=" + k.api.CQLType() + "\n" + content
}

// latestCreated is the most recently created of found (blog post titles
// are unique per day, not per space, so a title may be held by older
// posts); found is not empty.
func latestCreated(found []confluence.Page) confluence.Page {
	latest := found[0]
	for _, p := range found[1:] {
		if p.CreatedAt.After(latest.CreatedAt) {
			latest = p
		}
	}
	return latest
}

// titleHolder returns the content of the resource's kind, in the given
// status, that holds title in the space, i.e. that a create of that title
// clashes with. For a blog post that is only a post of the posting day: a
// create posts today (by the provider's clock, in UTC as Confluence dates
// posts), and posts of other days may share the title.
func (r *PageResource) titleHolder(ctx context.Context, spaceKey, status, title string) (confluence.Page, bool) {
	holder, ok := r.data.run.ContentTitled(ctx, r.kind().api, spaceKey, status, title)
	if ok && r.kind().api == confluence.KindBlogPost && !sameDay(holder.CreatedAt, r.data.now()) {
		return confluence.Page{}, false
	}
	return holder, ok
}

// sameDay reports whether a and b fall on the same UTC day.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}

// resourceType is the full resource type name, e.g. confluence_blog_post.
func (k contentKind) resourceType() string { return "confluence" + k.typeName }

// Schemas and their Terraform types are built once per process: decode and
// encode run for every resource in every plan, and building the schema (for
// a blog post, rewording every description) was most of their cost.
var (
	pageSchemaOnce     = sync.OnceValue(pageResourceSchema)
	blogPostSchemaOnce = sync.OnceValue(blogPostKind.buildSchema)
	pageTypeOnce       = sync.OnceValue(func() tftypes.Type { return pageSchemaOnce().Type().TerraformType(context.Background()) })
	blogPostTypeOnce   = sync.OnceValue(func() tftypes.Type { return blogPostSchemaOnce().Type().TerraformType(context.Background()) })
)

// schema is the kind's resource schema: the page schema, without parent_id
// for a kind that has no parent. Callers must not modify it.
func (k contentKind) schema() schema.Schema {
	if k.hasParent() {
		return pageSchemaOnce()
	}
	return blogPostSchemaOnce()
}

// terraformType is the Terraform type of the kind's schema.
func (k contentKind) terraformType() tftypes.Type {
	if k.hasParent() {
		return pageTypeOnce()
	}
	return blogPostTypeOnce()
}

// buildSchema builds schema's value.
func (k contentKind) buildSchema() schema.Schema {
	s := pageResourceSchema()
	if k.hasParent() {
		return s
	}
	attrs := make(map[string]schema.Attribute, len(s.Attributes))
	for name, a := range s.Attributes {
		if name != "parent_id" {
			attrs[name] = describedAs(a, k.describe(name, a.GetMarkdownDescription()))
		}
	}
	s.Attributes = attrs
	s.MarkdownDescription = "A Confluence blog post managed as code, from storage-format XHTML (`body`) or Markdown (`markdown`): release notes, announcements, meeting minutes. " +
		"It is the page resource without a parent: edits made in Confluence by people are detected and shown in the plan, never silently overwritten; " +
		"every change is checked at plan time against the operation policy's page operations (`create_page`, `update_page`, `delete_page`)."
	return s
}

// Messages are written for pages; for another kind, summary and text name
// it instead. Only the word page is replaced, never part of another word,
// so operation names (create_page, update_page) stay as they are.
var (
	pageWord  = regexp.MustCompile(`\b([Pp])age(s?)\b`)
	titleWord = regexp.MustCompile(`\bPage\b`)
)

// summary is a Title Case diagnostic summary for the kind.
func (k contentKind) summary(page string) string {
	if k.api == confluence.KindPage {
		return page
	}
	return k.text(titleWord.ReplaceAllString(page, k.title))
}

// text is a message for the kind.
func (k contentKind) text(page string) string {
	if k.api == confluence.KindPage {
		return page
	}
	return pageWord.ReplaceAllStringFunc(page, func(w string) string {
		noun := k.noun
		if w[0] == 'P' {
			noun = strings.ToUpper(noun[:1]) + noun[1:]
		}
		if strings.HasSuffix(w, "s") {
			noun += "s"
		}
		return noun
	})
}

// blogPostDescriptions replace the page schema's descriptions where more than
// the noun differs.
var blogPostDescriptions = map[string]string{
	"title": "Blog post title, 1 to 255 characters. Confluence keeps blog post titles unique per space and posting day (trashed blog posts included), not per space as for pages.",
	"url":   "Web address of the blog post (it contains the posting date and the title, so it changes with the title).",
	"links": "Titles of the pages a docs tree publishes, by source path (the same form as `source_path`). A relative link in `markdown` to one of them becomes a Confluence page link by title, " +
		"also when it is written relative to the page's URL as MkDocs, Hugo and Jekyll serve it; a link to a file not in the map keeps its text, or links to the file's source with " +
		"`source_url_template`, and the plan warns naming the blog post and the line (except for a file that is not Markdown linked to its source). " +
		"When omitted, relative links stay plain links. Only with `markdown`.",
}

// describe is the description of attribute name for the kind: the page
// schema's, naming the kind's noun.
func (k contentKind) describe(name, page string) string {
	if text, ok := blogPostDescriptions[name]; ok && k.api == confluence.KindBlogPost {
		return text
	}
	return k.text(page)
}

// describedAs returns a with its MarkdownDescription set to text.
func describedAs(a schema.Attribute, text string) schema.Attribute {
	switch a := a.(type) {
	case schema.StringAttribute:
		a.MarkdownDescription = text
		return a
	case schema.SetAttribute:
		a.MarkdownDescription = text
		return a
	case schema.Int64Attribute:
		a.MarkdownDescription = text
		return a
	case schema.BoolAttribute:
		a.MarkdownDescription = text
		return a
	case schema.MapAttribute:
		a.MarkdownDescription = text
		return a
	case schema.ListAttribute:
		a.MarkdownDescription = text
		return a
	case schema.Float64Attribute:
		a.MarkdownDescription = text
		return a
	case schema.ObjectAttribute:
		a.MarkdownDescription = text
		return a
	}
	return a // a kind of attribute the page schema does not use yet: the test of the blog post schema names it
}

// The shared code reads and writes pageModel. A kind without a parent has
// no parent_id in its schema, so its values go through the page schema:
// decode adds a null parent_id, encode drops it. For pages both are the
// framework's own Get and Set on the same schema.

// decode reads a plan, state or config value of the kind into m.
func (k contentKind) decode(ctx context.Context, raw tftypes.Value, m *pageModel) diag.Diagnostics {
	page := pageSchemaOnce()
	if !k.hasParent() {
		var attrs map[string]tftypes.Value
		if err := raw.As(&attrs); err != nil {
			var diags diag.Diagnostics
			diags.AddError("Provider Bug: Unreadable Value", "While reading a "+k.noun+": "+err.Error()+". Please report this issue to the provider developers.")
			return diags
		}
		// As shares the value's own map: build a new one.
		withParent := make(map[string]tftypes.Value, len(attrs)+1)
		for name, v := range attrs {
			withParent[name] = v
		}
		withParent["parent_id"] = tftypes.NewValue(tftypes.String, nil)
		raw = tftypes.NewValue(pageTypeOnce(), withParent)
	}
	return tfsdk.State{Schema: page, Raw: raw}.Get(ctx, m)
}

// encode turns m into a value of the kind's schema.
func (k contentKind) encode(ctx context.Context, m pageModel) (tftypes.Value, diag.Diagnostics) {
	st := tfsdk.State{Schema: pageSchemaOnce(), Raw: tftypes.NewValue(pageTypeOnce(), nil)}
	diags := st.Set(ctx, &m)
	if diags.HasError() || k.hasParent() {
		return st.Raw, diags
	}
	var attrs map[string]tftypes.Value
	if err := st.Raw.As(&attrs); err != nil {
		diags.AddError("Provider Bug: Unwritable Value", "While writing a "+k.noun+": "+err.Error()+". Please report this issue to the provider developers.")
		return st.Raw, diags
	}
	without := make(map[string]tftypes.Value, len(attrs))
	for name, v := range attrs {
		if name != "parent_id" {
			without[name] = v
		}
	}
	return tftypes.NewValue(k.terraformType(), without), diags
}

// setState writes m into a state.
func (k contentKind) setState(ctx context.Context, st *tfsdk.State, m pageModel) diag.Diagnostics {
	raw, diags := k.encode(ctx, m)
	if !diags.HasError() {
		st.Raw = raw
	}
	return diags
}

// setPlan writes m into a plan.
func (k contentKind) setPlan(ctx context.Context, p *tfsdk.Plan, m pageModel) diag.Diagnostics {
	raw, diags := k.encode(ctx, m)
	if !diags.HasError() {
		p.Raw = raw
	}
	return diags
}
