// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &SpaceDataSource{}

// NewSpaceDataSource is the confluence_space data source factory.
func NewSpaceDataSource() datasource.DataSource { return &SpaceDataSource{} }

// SpaceDataSource looks a space up by key.
type SpaceDataSource struct {
	data *providerData
}

// spaceModel maps the confluence_space data source.
type spaceModel struct {
	Key        types.String `tfsdk:"key"`
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	Type       types.String `tfsdk:"type"`
	Status     types.String `tfsdk:"status"`
	HomepageID types.String `tfsdk:"homepage_id"`
	URL        types.String `tfsdk:"url"`
}

func (d *SpaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space"
}

func (d *SpaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = spaceDataSourceSchema()
}

func spaceDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Looks up a Confluence space by key: its id, name, type and homepage. " +
			"A space the authenticated account cannot view is reported as not found, as Confluence hides it. " +
			"No operation policy governs reading a space.",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				MarkdownDescription: "Space key, e.g. `DOCS` (case-sensitive).",
				Required:            true,
				Validators:          []validator.String{validators.SpaceKey()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Space id.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Space name.",
				Computed:            true,
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Space type: `global`, `personal`, or another type Confluence reports.",
				Computed:            true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Space status: `current` or `archived`.",
				Computed:            true,
			},
			"homepage_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space's homepage, the default parent of new pages. Empty when the space has none.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Web address of the space.",
				Computed:            true,
			},
		},
	}
}

func (d *SpaceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *SpaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m spaceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.configured(&resp.Diagnostics) {
		return
	}
	key := m.Key.ValueString()
	space, ok := d.data.visibleSpaceAt(ctx, &resp.Diagnostics, path.Root("key"), key)
	if !ok {
		return
	}
	m.ID = types.StringValue(space.ID)
	m.Name = types.StringValue(space.Name)
	m.Type = types.StringValue(space.Type)
	m.Status = types.StringValue(space.Status)
	m.HomepageID = types.StringValue(space.HomepageID)
	m.URL = types.StringValue(d.data.client.PageURL(space.WebUI))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// visibleSpace looks a space up once per run and reports a space that does
// not exist or is hidden from the account as such, on space_key.
func (d *providerData) visibleSpace(ctx context.Context, diags *diag.Diagnostics, key string) (*confluence.Space, bool) {
	return d.visibleSpaceAt(ctx, diags, path.Root("space_key"), key)
}

// visibleSpaceAt is visibleSpace for a key held by the attribute attr.
func (d *providerData) visibleSpaceAt(ctx context.Context, diags *diag.Diagnostics, attr path.Path, key string) (*confluence.Space, bool) {
	space, err := d.run.Space(ctx, key)
	if err != nil {
		addSpaceError(diags, attr, "Unable to Read Space", "While reading space "+key, d.account(), err)
		return nil, false
	}
	return space, true
}

// addSpaceError reports a failed space lookup: a space that does not exist
// or is hidden from the account as an error on the attribute holding its key
// (Confluence lists only the spaces an account may view: GET
// /wiki/api/v2/spaces), anything else as addAPIError does.
func addSpaceError(diags *diag.Diagnostics, attr path.Path, summary, doing, account string, err error) {
	if apiErr, ok := confluence.AsAPIError(err); ok && apiErr.Kind == confluence.KindNotFound && apiErr.SpaceKey != "" {
		diags.AddAttributeError(attr, "Space Not Found", spaceNotFoundDetail(apiErr.SpaceKey, account))
		return
	}
	addAPIError(diags, summary, doing, account, err)
}
