// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ datasource.DataSourceWithConfigure        = &PagePropertiesDataSource{}
	_ datasource.DataSourceWithConfigValidators = &PagePropertiesDataSource{}
)

// NewPagePropertiesDataSource is the confluence_page_properties data source factory.
func NewPagePropertiesDataSource() datasource.DataSource { return &PagePropertiesDataSource{} }

// PagePropertiesDataSource reads the Page Properties tables of one page, or of
// every page a label or CQL query finds (Confluence's Page Properties Report).
type PagePropertiesDataSource struct {
	data *providerData
}

type pagePropertiesModel struct {
	PageID     types.String              `tfsdk:"page_id"`
	SpaceKey   types.String              `tfsdk:"space_key"`
	Title      types.String              `tfsdk:"title"`
	Label      types.String              `tfsdk:"label"`
	CQL        types.String              `tfsdk:"cql"`
	TableID    types.String              `tfsdk:"table_id"`
	Limit      types.Int64               `tfsdk:"limit"`
	Query      types.String              `tfsdk:"query"`
	Properties types.Map                 `tfsdk:"properties"`
	Pages      []pagePropertiesPageModel `tfsdk:"pages"`
}

type pagePropertiesPageModel struct {
	ID             types.String `tfsdk:"id"`
	Title          types.String `tfsdk:"title"`
	SpaceKey       types.String `tfsdk:"space_key"`
	Version        types.Int64  `tfsdk:"version"`
	URL            types.String `tfsdk:"url"`
	LastModifiedAt types.String `tfsdk:"last_modified_at"`
	LastModifiedBy types.String `tfsdk:"last_modified_by"`
	Properties     types.Map    `tfsdk:"properties"`
}

func (d *PagePropertiesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_page_properties"
}

func (d *PagePropertiesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = pagePropertiesDataSourceSchema()
}

func pagePropertiesDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Reads the *Page Properties* tables (the `details` macro) of one page, or of every page a label or CQL query finds, " +
			"as Confluence's Page Properties Report does, and returns each page's properties as a map of strings. " +
			"Use it to feed reviewed facts documented in Confluence (an API's owner, rate limit, allowed roles, expiry) to other providers.\n\n" +
			"A table is read as Confluence reads it: one row per property with the key in the first cell and the value in the second, " +
			"or keys in a heading row with one row of values below. Values are plain text: whitespace collapsed, paragraphs, list items and line breaks " +
			"kept as `\\n`; links become their text (or, without text, the page title, file name or address), user mentions the account id, " +
			"status lozenges their title, dates their `datetime`; images and emoticons are left out. A key missing from the table is absent from the map " +
			"(use `lookup(map, key, default)` or `try`), never an empty string; a key present with an empty cell is `\"\"`.\n\n" +
			"A table that is not a key/value table (a row without exactly two cells, an empty or repeated key, a nested table, two tables in one macro) " +
			"fails the read with an error naming the page. Without `table_id` every Page Properties table of a page is read, and a key in two tables is an error.\n\n" +
			"Reading one page (`page_id`, or `space_key` with `title`) is governed by the `get_page` operation of the policy of the page's space; " +
			"a report (`label` or `cql`) by `search_pages`, checked for `space_key` before searching, or else for every space in the results, " +
			"and, since it reads every page's body, by `get_page` in the space of every result too: a result in a space where `get_page` is denied fails the read, naming the space. " +
			"Data sources are read while planning, so an `allowed_with_confirmation` level needs its code granted before `terraform plan`. " +
			"A report costs one search request and one bulk read per 250 pages found, however many pages it covers.",
		Attributes: map[string]schema.Attribute{
			"page_id": schema.StringAttribute{
				MarkdownDescription: "Id of the one page to read. Exactly one of `page_id`, `title` (with `space_key`), `label` and `cql`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space: with `title` it finds the one page; with `label` it limits the report to this space (and the policy is checked before searching).",
				Optional:            true,
				Validators:          []validator.String{validators.SpaceKey()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Exact title of the one page to read, in `space_key`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255), stringvalidator.AlsoRequires(path.MatchRoot("space_key"))},
			},
			"label": schema.StringAttribute{
				MarkdownDescription: "Report: read every page carrying this label (and in `space_key`, when set), in title order.",
				Optional:            true,
				Validators:          []validator.String{validators.LabelName()},
			},
			"cql": schema.StringAttribute{
				MarkdownDescription: "Report: read every page a CQL query finds, wrapped as `type = page AND (<query>)` as in `confluence_pages`. Add `ORDER BY` for a stable order.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"table_id": schema.StringAttribute{
				MarkdownDescription: "Read only the Page Properties macros whose `id` parameter is this (the macro's *Page Properties ID*). " +
					"Without it every Page Properties table of the page is read. Reading one page, a page without a matching table is an error; " +
					"in a report, pages without one are left out, as in Confluence's report.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"limit": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Report: the maximum number of pages searched, 1 to %d. Defaults to `%d`.", maxPagesLimit, defaultPagesLimit),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, maxPagesLimit)},
			},
			"query": schema.StringAttribute{
				MarkdownDescription: "Report: the CQL query sent to Confluence (confirmation codes are bound to it); null when one page is read.",
				Computed:            true,
			},
			"properties": schema.MapAttribute{
				MarkdownDescription: "The properties of the one page read (key → plain-text value); null for a report (see `pages`).",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"pages": schema.ListNestedAttribute{
				MarkdownDescription: "The pages read, with their properties: one element when one page is read; in a report, every page found that has a matching table, in the order of the search.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":               schema.StringAttribute{MarkdownDescription: "Page id.", Computed: true},
						"title":            schema.StringAttribute{MarkdownDescription: "Page title.", Computed: true},
						"space_key":        schema.StringAttribute{MarkdownDescription: "Key of the page's space.", Computed: true},
						"version":          schema.Int64Attribute{MarkdownDescription: "Version of the page the properties were read from.", Computed: true},
						"url":              schema.StringAttribute{MarkdownDescription: "Web address of the page.", Computed: true},
						"last_modified_at": schema.StringAttribute{MarkdownDescription: "When that version was saved (RFC 3339).", Computed: true},
						"last_modified_by": schema.StringAttribute{MarkdownDescription: "Account id of whoever saved that version: who last changed the reviewed facts.", Computed: true},
						"properties":       schema.MapAttribute{MarkdownDescription: "Key → plain-text value; a key missing from the page is absent.", Computed: true, ElementType: types.StringType},
					},
				},
			},
		},
	}
}

func (d *PagePropertiesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("page_id"), path.MatchRoot("title"), path.MatchRoot("label"), path.MatchRoot("cql")),
		datasourcevalidator.Conflicting(path.MatchRoot("page_id"), path.MatchRoot("space_key")),
		datasourcevalidator.Conflicting(path.MatchRoot("cql"), path.MatchRoot("space_key")),
		datasourcevalidator.Conflicting(path.MatchRoot("limit"), path.MatchRoot("page_id")),
		datasourcevalidator.Conflicting(path.MatchRoot("limit"), path.MatchRoot("title")),
	}
}

func (d *PagePropertiesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *PagePropertiesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m pagePropertiesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.configured(&resp.Diagnostics) {
		return
	}
	if m.Label.IsNull() && m.CQL.IsNull() {
		d.readOne(ctx, &m, &resp.Diagnostics)
	} else {
		d.readReport(ctx, &m, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readOne reads one page: its metadata first, to learn its space, and its
// body only once get_page is allowed there.
func (d *PagePropertiesDataSource) readOne(ctx context.Context, m *pagePropertiesModel, diags *diag.Diagnostics) {
	var pageID, spaceKey, title string
	if !m.PageID.IsNull() {
		pageID = m.PageID.ValueString()
		page, err := d.data.client.GetPage(ctx, pageID, confluence.GetPageOptions{})
		if err != nil {
			d.data.contentReadError(diags, pageKind, pageID, err)
			return
		}
		title = page.Title
		space, err := d.data.client.GetSpace(ctx, page.SpaceID)
		if err != nil {
			addAPIError(diags, "Unable to Read Space", fmt.Sprintf("While reading the space (id %s) of page %s", page.SpaceID, pageID), d.data.email, err)
			return
		}
		spaceKey = space.Key
	} else {
		spaceKey = m.SpaceKey.ValueString()
		title = m.Title.ValueString()
		space, ok := d.data.visibleSpace(ctx, diags, spaceKey)
		if !ok {
			return
		}
		found, err := d.data.client.ListPages(ctx, confluence.ListPagesOptions{SpaceIDs: []string{space.ID}, Title: title, Statuses: []string{"current"}, MaxResults: 1})
		if err != nil {
			addAPIError(diags, "Unable to Find Page", fmt.Sprintf("While looking up page %q in space %s", title, spaceKey), d.data.email, err)
			return
		}
		if len(found) == 0 {
			diags.AddError("Page Not Found",
				fmt.Sprintf("Space %s has no current page titled %q visible to %s. Check the title (it must match exactly); the page may also be trashed, or restricted so the account may not view it.", spaceKey, title, d.data.email))
			return
		}
		pageID = found[0].ID
	}

	if !d.data.authorizeRead(ctx, diags, policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: pageID, PageTitle: title}) {
		return
	}
	page, err := d.data.client.GetPage(ctx, pageID, confluence.GetPageOptions{IncludeBody: true})
	if err != nil {
		d.data.contentReadError(diags, pageKind, pageID, err)
		return
	}
	tableID := m.TableID.ValueString()
	values, found, err := pagePropertiesOf(page.Body, tableID)
	if err != nil {
		addMalformedTableError(diags, *page, spaceKey, err)
		return
	}
	if !found {
		what := "no Page Properties table (details macro)"
		if tableID != "" {
			what = fmt.Sprintf("no Page Properties table with id %q", tableID)
		}
		diags.AddError("Page Properties Table Not Found",
			fmt.Sprintf("Page %s (%q, space %s, version %d) has %s. Add one to the page (Insert → Page Properties, a two-column table of keys and values), or check table_id against the macro's Page Properties ID.",
				page.ID, page.Title, spaceKey, page.Version.Number, what))
		return
	}
	result := d.pageModel(diags, *page, spaceKey, values)
	m.Query = types.StringNull()
	m.Properties = result.Properties
	m.Pages = []pagePropertiesPageModel{result}
}

// readReport is Confluence's Page Properties Report: one search, the policy
// of every space found, then the pages' bodies in bulk by id (the search
// index may lag behind edits; a read by id is current).
func (d *PagePropertiesDataSource) readReport(ctx context.Context, m *pagePropertiesModel, diags *diag.Diagnostics) {
	var query string
	if !m.CQL.IsNull() {
		wrapped, err := confluence.RestrictToPages(m.CQL.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("cql"), "Invalid CQL Query", err.Error())
			return
		}
		query = wrapped
	} else {
		query = filterCQL(pageFilters{spaceKey: m.SpaceKey.ValueString(), labels: []string{m.Label.ValueString()}})
	}
	limit := defaultPagesLimit
	if !m.Limit.IsNull() {
		limit = int(m.Limit.ValueInt64())
	}

	hits, ok := d.data.searchPages(ctx, diags, query, m.SpaceKey.ValueString(), limit)
	if !ok {
		return
	}
	ids := make([]string, 0, len(hits))
	spaceOf := map[string]string{}
	for _, hit := range hits {
		ids = append(ids, hit.ID)
		spaceOf[hit.ID] = hit.SpaceKey
	}

	// The report reads every page's body: get_page, decided before any is
	// read (body_read_policy.go).
	bodies := bodyReader{what: "confluence_page_properties with label or cql (a Page Properties report)", remedy: "narrow the report (space_key, label or cql) to spaces where get_page is allowed"}
	if !d.data.authorizeBodies(ctx, diags, pageKind, hits, bodies) {
		return
	}
	current, err := (&PagesDataSource{data: d.data}).readPages(ctx, confluence.KindPage, hits, true, false)
	if err != nil {
		addAPIError(diags, "Unable to Read Pages", fmt.Sprintf("While reading the %d pages found by %s", len(ids), query), d.data.email, err)
		return
	}
	if !d.data.authorizeMovedBodies(ctx, diags, pageKind, hits, current, bodies) {
		return
	}
	tableID := m.TableID.ValueString()
	m.Query = types.StringValue(query)
	m.Properties = types.MapNull(types.StringType)
	m.Pages = make([]pagePropertiesPageModel, 0, len(ids))
	for _, id := range ids {
		page, ok := current[id]
		if !ok {
			continue // deleted or hidden since it was indexed
		}
		values, found, err := pagePropertiesOf(page.Body, tableID)
		if err != nil {
			addMalformedTableError(diags, page, spaceOf[id], err)
			continue // report every malformed page in one run
		}
		if !found {
			continue
		}
		m.Pages = append(m.Pages, d.pageModel(diags, page, spaceOf[id], values))
	}
}

// pagePropertiesOf reads the properties of the tables named tableID (all
// when empty) from a body.
func pagePropertiesOf(body, tableID string) (map[string]string, bool, error) {
	tables, err := storage.PageProperties(body)
	if err != nil {
		return nil, false, err
	}
	return storage.SelectPageProperties(tables, tableID)
}

func addMalformedTableError(diags *diag.Diagnostics, page confluence.Page, spaceKey string, err error) {
	detail := err.Error()
	var perr *storage.PagePropertiesError
	if errors.As(err, &perr) {
		detail = perr.Error()
	}
	diags.AddError("Malformed Page Properties Table",
		fmt.Sprintf("Page %s (%q, space %s, version %d) cannot be read as Page Properties: %s\n\nFix the table on the page (a key cell and a value cell per row), then plan again. Nothing was returned.",
			page.ID, page.Title, spaceKey, page.Version.Number, detail))
}

func (d *PagePropertiesDataSource) pageModel(diags *diag.Diagnostics, page confluence.Page, spaceKey string, values map[string]string) pagePropertiesPageModel {
	props, dg := types.MapValueFrom(context.Background(), types.StringType, values)
	diags.Append(dg...)
	return pagePropertiesPageModel{
		ID:             types.StringValue(page.ID),
		Title:          types.StringValue(page.Title),
		SpaceKey:       types.StringValue(spaceKey),
		Version:        types.Int64Value(int64(page.Version.Number)),
		URL:            types.StringValue(d.data.client.PageURL(page.WebUI)),
		LastModifiedAt: timeString(page.Version.CreatedAt),
		LastModifiedBy: types.StringValue(page.Version.AuthorID),
		Properties:     props,
	}
}
