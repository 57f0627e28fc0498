// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ datasource.DataSourceWithConfigure        = &BlogPostDataSource{}
	_ datasource.DataSourceWithConfigValidators = &BlogPostDataSource{}
)

// NewBlogPostDataSource is the confluence_blog_post data source factory.
func NewBlogPostDataSource() datasource.DataSource { return &BlogPostDataSource{} }

// BlogPostDataSource reads one blog post by id, or by space and title.
type BlogPostDataSource struct {
	data *providerData
}

// blogPostDataModel maps the confluence_blog_post data source.
type blogPostDataModel struct {
	ID             types.String `tfsdk:"id"`
	SpaceKey       types.String `tfsdk:"space_key"`
	Title          types.String `tfsdk:"title"`
	Body           types.String `tfsdk:"body"`
	Labels         types.Set    `tfsdk:"labels"`
	Version        types.Int64  `tfsdk:"version"`
	URL            types.String `tfsdk:"url"`
	Status         types.String `tfsdk:"status"`
	CreatedAt      types.String `tfsdk:"created_at"`
	LastModifiedAt types.String `tfsdk:"last_modified_at"`
	LastModifiedBy types.String `tfsdk:"last_modified_by"`
}

func (d *BlogPostDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_blog_post"
}

func (d *BlogPostDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Confluence blog post, by `id` or by `space_key` and `title`: its body in canonical storage format, labels, version and web address.\n\n" +
			"Reading is governed by the `get_page` operation of the policy of the blog post's space, as for pages. Data sources are read while planning, so an " +
			"`allowed_with_confirmation` level needs its code (bound to the blog post id) granted before `terraform plan`. The blog post's metadata is looked up first and its body only read once the policy allows it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Blog post id. Either `id`, or `space_key` with `title`. A trashed blog post is read too (see `status`).",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a blog post id (digits)")},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the blog post's space. Set it with `title` to find a current blog post by title; computed when read by `id`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{validators.SpaceKey()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Blog post title. Set it with `space_key` to find a current blog post by its exact title. Confluence keeps blog post titles unique per space and posting day, so several posts may share a title: the most recently created is read.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"body":             schema.StringAttribute{MarkdownDescription: "Body in canonical storage format (XHTML, one top-level block per line).", Computed: true},
			"labels":           schema.SetAttribute{MarkdownDescription: "Label names.", Computed: true, ElementType: types.StringType},
			"version":          schema.Int64Attribute{MarkdownDescription: "Current version number.", Computed: true},
			"url":              schema.StringAttribute{MarkdownDescription: "Web address of the blog post (it contains the posting date and the title).", Computed: true},
			"status":           schema.StringAttribute{MarkdownDescription: "Status: `current` or `trashed`.", Computed: true},
			"created_at":       schema.StringAttribute{MarkdownDescription: "When the blog post was created (RFC 3339); its posting day.", Computed: true},
			"last_modified_at": schema.StringAttribute{MarkdownDescription: "When the current version was saved (RFC 3339).", Computed: true},
			"last_modified_by": schema.StringAttribute{MarkdownDescription: "Account id of whoever saved the current version.", Computed: true},
		},
	}
}

func (d *BlogPostDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("title")),
		datasourcevalidator.RequiredTogether(path.MatchRoot("space_key"), path.MatchRoot("title")),
		datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot("space_key")),
	}
}

func (d *BlogPostDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *BlogPostDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m blogPostDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.configured(&resp.Diagnostics) {
		return
	}
	kind := confluence.KindBlogPost
	// First the metadata, to learn the space; the body only once the policy
	// of that space allows the read.
	var id, spaceKey, title string
	if !m.ID.IsNull() {
		id = m.ID.ValueString()
		post, err := d.data.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: kind})
		if err != nil {
			d.readError(&resp.Diagnostics, id, err)
			return
		}
		space, err := d.data.client.GetSpace(ctx, post.SpaceID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Read Space", fmt.Sprintf("While reading the space (id %s) of blog post %s", post.SpaceID, id), d.data.email, err)
			return
		}
		spaceKey, title = space.Key, post.Title
	} else {
		spaceKey, title = m.SpaceKey.ValueString(), m.Title.ValueString()
		space, ok := d.data.visibleSpace(ctx, &resp.Diagnostics, spaceKey)
		if !ok {
			return
		}
		found, err := d.data.client.ListPages(ctx, confluence.ListPagesOptions{Kind: kind, SpaceIDs: []string{space.ID}, Title: title, Statuses: []string{"current"}})
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Find Blog Post", fmt.Sprintf("While looking up blog post %q in space %s", title, spaceKey), d.data.email, err)
			return
		}
		if len(found) == 0 {
			resp.Diagnostics.AddError("Blog Post Not Found",
				fmt.Sprintf("Space %s has no current blog post titled %q visible to %s. Check the title (it must match exactly); the blog post may also be trashed, or restricted so the account may not view it.", spaceKey, title, d.data.email))
			return
		}
		id = latestCreated(found).ID
	}

	if !d.data.authorizeRead(ctx, &resp.Diagnostics, policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: id, PageTitle: title, Noun: blogPostKind.policyNoun()}) {
		return
	}
	post, err := d.data.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: kind, IncludeBody: true, IncludeLabels: true})
	if err != nil {
		d.readError(&resp.Diagnostics, id, err)
		return
	}
	m.ID = types.StringValue(post.ID)
	m.SpaceKey = types.StringValue(spaceKey)
	m.Title = types.StringValue(post.Title)
	m.Body = readBodyValue(&resp.Diagnostics, *post)
	m.Labels = labelNamesValue(&resp.Diagnostics, post.Labels)
	m.Version = types.Int64Value(int64(post.Version.Number))
	m.URL = types.StringValue(d.data.client.PageURL(post.WebUI))
	m.Status = types.StringValue(post.Status)
	m.CreatedAt = timeString(post.CreatedAt)
	m.LastModifiedAt = timeString(post.Version.CreatedAt)
	m.LastModifiedBy = types.StringValue(post.Version.AuthorID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readError reports a failed read by id; not found also covers blog posts
// hidden from the account, and ids of pages (a page is not a blog post).
func (d *BlogPostDataSource) readError(diags *diag.Diagnostics, id string, err error) {
	if confluence.IsNotFound(err) {
		diags.AddError("Blog Post Not Found",
			fmt.Sprintf("Confluence has no blog post %s visible to %s. Either it does not exist (it may have been purged, or the id is a page's) or the account may not view it. Check the id, or ask a space administrator for access.", id, d.data.email))
		return
	}
	addAPIError(diags, "Unable to Read Blog Post", "While reading blog post "+id, d.data.email, err)
}
