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
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ datasource.DataSourceWithConfigure        = &PageDataSource{}
	_ datasource.DataSourceWithConfigValidators = &PageDataSource{}
)

// maxAncestorDepth bounds the walk up a page tree; Confluence trees are far
// shallower, so reaching it means the parent links loop.
const maxAncestorDepth = 100

// NewPageDataSource is the confluence_page data source factory.
func NewPageDataSource() datasource.DataSource { return &PageDataSource{} }

// PageDataSource reads one page by id, or by space and title.
type PageDataSource struct {
	data *providerData
}

// pageDataModel maps the confluence_page data source.
type pageDataModel struct {
	ID             types.String `tfsdk:"id"`
	SpaceKey       types.String `tfsdk:"space_key"`
	Title          types.String `tfsdk:"title"`
	Body           types.String `tfsdk:"body"`
	Labels         types.Set    `tfsdk:"labels"`
	Version        types.Int64  `tfsdk:"version"`
	ParentID       types.String `tfsdk:"parent_id"`
	Ancestors      types.List   `tfsdk:"ancestors"`
	URL            types.String `tfsdk:"url"`
	Status         types.String `tfsdk:"status"`
	LastModifiedAt types.String `tfsdk:"last_modified_at"`
	LastModifiedBy types.String `tfsdk:"last_modified_by"`
}

func (d *PageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_page"
}

func (d *PageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = pageDataSourceSchema()
}

func pageDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Reads one Confluence page, by `id` or by `space_key` and `title`: its body in canonical storage format, labels, version, place in the page tree and web address.\n\n" +
			"Reading is governed by the `get_page` operation of the policy of the page's space. Data sources are read while planning, so an " +
			"`allowed_with_confirmation` level needs its code (bound to the page id) granted before `terraform plan`, in " +
			"`CONFLUENCE_CONFIRMATIONS`. The page's metadata is looked up first and its body only read once the policy allows it.\n\n" +
			"A page or space the authenticated account cannot view is reported as not found, as Confluence hides it. " +
			"Pages Terraform manages with the `confluence_page` resource need no data source: refer to the resource's attributes instead.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Page id. Either `id`, or `space_key` with `title`. A trashed or archived page is read too (see `status`).",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the page's space. Set it with `title` to find a current page by title; computed when the page is read by `id`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{validators.SpaceKey()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Page title. Set it with `space_key` to find a current page by its exact title (unique within a space); computed when the page is read by `id`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"body": schema.StringAttribute{
				MarkdownDescription: "Page body in canonical storage format (XHTML, one top-level block per line; see the `storage_canonical` function).",
				Computed:            true,
			},
			"labels": schema.SetAttribute{
				MarkdownDescription: "Label names.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "Current version number.",
				Computed:            true,
			},
			"parent_id": schema.StringAttribute{
				MarkdownDescription: "Id of the parent page; empty for a page at the top of the space (such as the homepage).",
				Computed:            true,
			},
			"ancestors": schema.ListAttribute{
				MarkdownDescription: "Ids of the page's ancestors from the top of the space down to the parent; empty for a top-level page. Costs one request per level.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Web address of the page.",
				Computed:            true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Page status: `current`, `archived` or `trashed`.",
				Computed:            true,
			},
			"last_modified_at": schema.StringAttribute{
				MarkdownDescription: "When the current version was saved (RFC 3339).",
				Computed:            true,
			},
			"last_modified_by": schema.StringAttribute{
				MarkdownDescription: "Account id of whoever saved the current version.",
				Computed:            true,
			},
		},
	}
}

func (d *PageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("title")),
		datasourcevalidator.RequiredTogether(path.MatchRoot("space_key"), path.MatchRoot("title")),
		datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot("space_key")),
	}
}

func (d *PageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *PageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m pageDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.configured(&resp.Diagnostics) {
		return
	}

	page, spaceKey, ok := d.data.readContent(ctx, &resp.Diagnostics, pageKind, m.ID.ValueString(), m.SpaceKey.ValueString(), m.Title.ValueString())
	if !ok {
		return
	}
	ancestors, err := d.ancestors(ctx, page)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Page Ancestors", "While walking up the page tree of page "+page.ID, d.data.account(), err)
		return
	}

	m.ID = types.StringValue(page.ID)
	m.SpaceKey = types.StringValue(spaceKey)
	m.Title = types.StringValue(page.Title)
	m.Body = readBodyValue(&resp.Diagnostics, *page)
	m.Labels = labelNamesValue(&resp.Diagnostics, page.Labels)
	m.Version = types.Int64Value(int64(page.Version.Number))
	m.ParentID = types.StringValue(page.ParentID)
	var diags diag.Diagnostics
	m.Ancestors, diags = types.ListValueFrom(ctx, types.StringType, ancestors)
	resp.Diagnostics.Append(diags...)
	m.URL = types.StringValue(d.data.client.PageURL(page.WebUI))
	m.Status = types.StringValue(page.Status)
	m.LastModifiedAt = timeString(page.Version.CreatedAt)
	m.LastModifiedBy = types.StringValue(page.Version.AuthorID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// ancestors walks up the parent links, one request per level, and returns
// the ids from the top of the space down to the parent. The client has no
// call for GET /pages/{id}/ancestors; trees are shallow, so the walk is cheap.
func (d *PageDataSource) ancestors(ctx context.Context, page *confluence.Page) ([]string, error) {
	var up []string
	seen := map[string]bool{page.ID: true}
	for parentID := page.ParentID; parentID != ""; {
		if seen[parentID] || len(up) >= maxAncestorDepth {
			return nil, fmt.Errorf("the parent links of page %s loop or are deeper than %d levels (at page %s)", page.ID, maxAncestorDepth, parentID)
		}
		seen[parentID] = true
		up = append(up, parentID)
		parent, err := d.data.client.GetPage(ctx, parentID, confluence.GetPageOptions{})
		if err != nil {
			return nil, err
		}
		parentID = parent.ParentID
	}
	ancestors := make([]string, 0, len(up))
	for i := len(up) - 1; i >= 0; i-- {
		ancestors = append(ancestors, up[i])
	}
	return ancestors, nil
}
