// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

var _ datasource.DataSourceWithConfigure = &ContentPropertyDataSource{}

// NewContentPropertyDataSource is the confluence_content_property data source factory.
func NewContentPropertyDataSource() datasource.DataSource { return &ContentPropertyDataSource{} }

// ContentPropertyDataSource reads one content property of a page.
type ContentPropertyDataSource struct {
	data *providerData
}

type contentPropertyDataModel struct {
	ID         types.String `tfsdk:"id"`
	PageID     types.String `tfsdk:"page_id"`
	Key        types.String `tfsdk:"key"`
	Value      types.String `tfsdk:"value"`
	PropertyID types.String `tfsdk:"property_id"`
	Version    types.Int64  `tfsdk:"version"`
}

func (d *ContentPropertyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_content_property"
}

func (d *ContentPropertyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one JSON content property of a Confluence page, e.g. a record another workspace wrote with `confluence_content_property`. " +
			"Governed by the `get_page` operation of the policy of the page's space (checked while planning; an `allowed_with_confirmation` level needs its code granted before `terraform plan`). " +
			"A missing property is an error, as is a page the account may not view.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "`<page_id>/<key>`.", Computed: true},
			"page_id": schema.StringAttribute{
				MarkdownDescription: "Id of the page.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Property key.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(propertyKeyPattern, "must be 1 to 255 letters, digits, '.', '_', ':' or '-'")},
			},
			"value":       schema.StringAttribute{MarkdownDescription: "The value as compact JSON; decode it with `jsondecode`.", Computed: true},
			"property_id": schema.StringAttribute{MarkdownDescription: "Confluence's id of the property.", Computed: true},
			"version":     schema.Int64Attribute{MarkdownDescription: "Current version of the property.", Computed: true},
		},
	}
}

func (d *ContentPropertyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *ContentPropertyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m contentPropertyDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.configured(&resp.Diagnostics) {
		return
	}
	pageID, key := m.PageID.ValueString(), m.Key.ValueString()
	spaceKey, title, err := d.data.pageSpace(ctx, pageID)
	if err != nil {
		d.data.contentReadError(&resp.Diagnostics, pageKind, pageID, err)
		return
	}
	if !d.data.authorizeRead(ctx, &resp.Diagnostics, policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: pageID, PageTitle: title}) {
		return
	}
	props, err := d.data.client.ListPageProperties(ctx, pageID, key)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Content Property", fmt.Sprintf("While reading content property %q of page %s in space %s", key, pageID, spaceKey), d.data.email, err)
		return
	}
	p, ok := findPropertyKey(props, key)
	if !ok {
		resp.Diagnostics.AddError("Content Property Not Found",
			fmt.Sprintf("Page %s has no content property %q. Check the key (it is case-sensitive), or create it with the confluence_content_property resource.", pageID, key))
		return
	}
	value := string(p.Value)
	if compact, err := compactJSON(value); err == nil {
		value = compact
	}
	m.ID = types.StringValue(pageID + "/" + key)
	m.Value = types.StringValue(value)
	m.PropertyID = types.StringValue(p.ID)
	m.Version = types.Int64Value(int64(p.Version))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
