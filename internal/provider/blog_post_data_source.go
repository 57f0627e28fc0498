// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	post, spaceKey, ok := d.data.readContent(ctx, &resp.Diagnostics, blogPostKind, m.ID.ValueString(), m.SpaceKey.ValueString(), m.Title.ValueString())
	if !ok {
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
