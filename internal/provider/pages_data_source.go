// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ datasource.DataSourceWithConfigure        = &PagesDataSource{}
	_ datasource.DataSourceWithConfigValidators = &PagesDataSource{}
)

// Limits of the confluence_pages search.
const (
	defaultPagesLimit = 100
	// maxPagesLimit bounds what one data source puts in state (about 1 KB a
	// page without bodies) and what one read costs (40 search requests of
	// 250 at most, plus the bulk reads).
	maxPagesLimit = 10000
	// labelIndexMinHits is how many results in one space make include_labels
	// read that space's labels through the run's label index (about
	// 2 + ⌈S/250⌉ + L requests for a space of S pages and L labels) rather
	// than one request per page.
	labelIndexMinHits = 20
	// filterOrder is appended to queries built from the filters, so results
	// (and which ones a limit cuts off) are stable between runs. Titles are
	// unique within a space; created breaks ties across spaces.
	filterOrder = "ORDER BY title, created"
	// labelWorkers bounds the concurrent label requests of one search; the
	// client's rate limiter still paces them.
	labelWorkers = 4
)

// NewPagesDataSource is the confluence_pages data source factory.
func NewPagesDataSource() datasource.DataSource { return &PagesDataSource{} }

// PagesDataSource searches pages with CQL or structured filters.
type PagesDataSource struct {
	data *providerData
}

// pagesModel maps the confluence_pages data source.
type pagesModel struct {
	CQL           types.String      `tfsdk:"cql"`
	Type          types.String      `tfsdk:"type"`
	SpaceKey      types.String      `tfsdk:"space_key"`
	Title         types.String      `tfsdk:"title"`
	TitleContains types.String      `tfsdk:"title_contains"`
	Text          types.String      `tfsdk:"text"`
	Label         types.Set         `tfsdk:"label"`
	AncestorID    types.String      `tfsdk:"ancestor_id"`
	Limit         types.Int64       `tfsdk:"limit"`
	IncludeBody   types.Bool        `tfsdk:"include_body"`
	IncludeLabels types.Bool        `tfsdk:"include_labels"`
	Query         types.String      `tfsdk:"query"`
	Pages         []pageResultModel `tfsdk:"pages"`
}

// pageResultModel is one element of pages.
type pageResultModel struct {
	ID             types.String `tfsdk:"id"`
	Title          types.String `tfsdk:"title"`
	SpaceKey       types.String `tfsdk:"space_key"`
	Status         types.String `tfsdk:"status"`
	Version        types.Int64  `tfsdk:"version"`
	ParentID       types.String `tfsdk:"parent_id"`
	URL            types.String `tfsdk:"url"`
	Labels         types.Set    `tfsdk:"labels"`
	LastModifiedAt types.String `tfsdk:"last_modified_at"`
	LastModifiedBy types.String `tfsdk:"last_modified_by"`
	Body           types.String `tfsdk:"body"`
}

// pageFilterAttributes are the structured filters; cql conflicts with all of them.
var pageFilterAttributes = []string{"space_key", "title", "title_contains", "text", "label", "ancestor_id"}

func (d *PagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pages"
}

func (d *PagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = pagesDataSourceSchema()
}

func pagesDataSourceSchema() schema.Schema {
	filters := make([]path.Expression, 0, len(pageFilterAttributes))
	for _, name := range pageFilterAttributes {
		filters = append(filters, path.MatchRoot(name))
	}
	digits := stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")
	return schema.Schema{
		MarkdownDescription: "Searches Confluence pages, with a CQL query (`cql`) or with structured filters that are combined with `AND`. " +
			"Only pages are returned (the query is always restricted to `type = page`), or with `type = \"blogpost\"` only blog posts, and only content the authenticated account may view.\n\n" +
			"Filter values are quoted and escaped, never spliced into the query, so a title such as `a\" OR space = \"OPS` matches literally. " +
			"Queries built from filters are ordered by title, then creation date (`" + filterOrder + "`), so the results and the ones `limit` cuts off are stable; " +
			"a `cql` query keeps its own `ORDER BY` (add one for stable results).\n\n" +
			"The search is governed by the `search_pages` operation of the policy. With `space_key` the policy of that space is checked before searching; " +
			"otherwise every space that appears in the results is checked: results from a space where the search is denied are left out without a word " +
			"(an error would tell the configuration that the query matched something there), and a space that needs a confirmation code fails the read until it is granted. " +
			"Data sources are read while planning, so an `allowed_with_confirmation` level needs its code granted before `terraform plan` " +
			"(in `CONFLUENCE_CONFIRMATIONS`); the code is bound to the space and the exact query sent (`query`).\n\n" +
			"Reading a page's body is `get_page`, whichever data source reads it: with `include_body = true` every result's body is also governed by `get_page` " +
			"in the result's space, decided before any body is read (from the policy records the search already loaded, so at no extra request). " +
			"A result in a space where `get_page` is denied fails the read with an error naming the space; drop `include_body`, narrow the search, " +
			"or ask the administrators to allow `get_page` there. A result whose `get_page` needs confirmation needs the same code as the `confluence_page` data source for that page.\n\n" +
			"Pages are read again by id after the search (in bulk, 250 per request), because Confluence's search index lags behind recent edits: " +
			"versions, titles and bodies are current, and pages deleted since they were indexed are left out.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "What to search: `page` (default) or `blogpost` (blog posts, e.g. release notes). The query is restricted to `type = <type>` either way. " +
					"Blog post results have an empty `parent_id`. The search is governed by `search_pages` for both.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("page", "blogpost")},
			},
			"cql": schema.StringAttribute{
				MarkdownDescription: "A CQL query, e.g. `space = DOCS AND label = \"runbook\" ORDER BY lastmodified DESC`. It is wrapped as `type = page AND (<query>)`, keeping its `ORDER BY`. " +
					"Conflicts with the filters. When Confluence rejects the query the error quotes its message.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(filters...),
				},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Only pages in this space, e.g. `DOCS`.",
				Optional:            true,
				Validators:          []validator.String{validators.SpaceKey()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Only pages with exactly this title (Confluence compares titles case-insensitively).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"title_contains": schema.StringAttribute{
				MarkdownDescription: "Only pages whose title contains these words (CQL `title ~`; Confluence matches words, not substrings).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"text": schema.StringAttribute{
				MarkdownDescription: "Only pages whose title, content or labels contain these words (CQL `text ~`).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"label": schema.SetAttribute{
				MarkdownDescription: "Only pages that carry every one of these labels.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(validators.LabelName()),
				},
			},
			"ancestor_id": schema.StringAttribute{
				MarkdownDescription: "Only pages below this page, at any depth (the page itself is not included).",
				Optional:            true,
				Validators:          []validator.String{digits},
			},
			"limit": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Maximum number of pages returned, 1 to %d. Defaults to `%d`. The search follows Confluence's cursors (250 results per request) until it has this many; "+
					"the maximum keeps the state and a single read bounded. Narrow the query to read more.", maxPagesLimit, defaultPagesLimit),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, maxPagesLimit)},
			},
			"include_body": schema.BoolAttribute{
				MarkdownDescription: "Return each page's body (canonical storage format) in `pages[*].body`. Defaults to `false`. Bodies are read in bulk with the pages and add no requests, but they make the state larger. " +
					"Reading a body is `get_page`: `true` needs `get_page` allowed in the space of every result, as well as `search_pages`.",
				Optional: true,
			},
			"include_labels": schema.BoolAttribute{
				MarkdownDescription: "Read each page's labels fresh rather than from the search index. Defaults to `false`: `pages[*].labels` then come with the search results at no extra cost, " +
					"as Confluence's search index has them (which may lag a label change by a few seconds). " +
					fmt.Sprintf("With `true`, in a space with at least %d results the labels come from the space's label index (the labels used in the space, then the pages carrying each: ", labelIndexMinHits) +
					"about 2 + S/250 + L requests for a space of S pages and L labels, shared with `confluence_page` refreshes in the same run); " +
					"in other spaces, or when the space uses more than 50 labels, they are read from each page, one request per page, paced by the provider's `requests_per_second`.",
				Optional: true,
			},
			"query": schema.StringAttribute{
				MarkdownDescription: "The CQL query sent to Confluence, with the `type = page` restriction and, for filters, the quoting and ordering added by the provider. Confirmation codes are bound to it.",
				Computed:            true,
			},
			"pages": schema.ListNestedAttribute{
				MarkdownDescription: "The pages found, in the order of the search.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":               schema.StringAttribute{MarkdownDescription: "Page id.", Computed: true},
						"title":            schema.StringAttribute{MarkdownDescription: "Page title.", Computed: true},
						"space_key":        schema.StringAttribute{MarkdownDescription: "Key of the page's space.", Computed: true},
						"status":           schema.StringAttribute{MarkdownDescription: "Page status, normally `current`.", Computed: true},
						"version":          schema.Int64Attribute{MarkdownDescription: "Current version number.", Computed: true},
						"parent_id":        schema.StringAttribute{MarkdownDescription: "Id of the parent page; empty for a page at the top of the space.", Computed: true},
						"url":              schema.StringAttribute{MarkdownDescription: "Web address of the page.", Computed: true},
						"labels":           schema.SetAttribute{MarkdownDescription: "Label names: from the search results, or read fresh from the page with `include_labels`.", Computed: true, ElementType: types.StringType},
						"last_modified_at": schema.StringAttribute{MarkdownDescription: "When the current version was saved (RFC 3339).", Computed: true},
						"last_modified_by": schema.StringAttribute{MarkdownDescription: "Account id of whoever saved the current version.", Computed: true},
						"body":             schema.StringAttribute{MarkdownDescription: "Body in canonical storage format (see the `storage_canonical` function); null unless `include_body` is `true`.", Computed: true},
					},
				},
			},
		},
	}
}

func (d *PagesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	expressions := []path.Expression{path.MatchRoot("cql")}
	for _, name := range pageFilterAttributes {
		expressions = append(expressions, path.MatchRoot(name))
	}
	return []datasource.ConfigValidator{datasourcevalidator.AtLeastOneOf(expressions...)}
}

func (d *PagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *PagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m pagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.configured(&resp.Diagnostics) {
		return
	}

	kind := confluence.KindPage
	if m.Type.ValueString() == confluence.KindBlogPost.CQLType() {
		kind = confluence.KindBlogPost
	}
	var query string
	if !m.CQL.IsNull() {
		wrapped, err := confluence.RestrictTo(kind, m.CQL.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("cql"), "Invalid CQL Query", err.Error())
			return
		}
		query = wrapped
	} else {
		var labels []string
		resp.Diagnostics.Append(m.Label.ElementsAs(ctx, &labels, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		query = filterCQL(pageFilters{
			kind:          kind,
			spaceKey:      m.SpaceKey.ValueString(),
			title:         m.Title.ValueString(),
			titleContains: m.TitleContains.ValueString(),
			text:          m.Text.ValueString(),
			labels:        labels,
			ancestorID:    m.AncestorID.ValueString(),
		})
	}
	limit := defaultPagesLimit
	if !m.Limit.IsNull() {
		limit = int(m.Limit.ValueInt64())
	}

	hits, ok := d.data.searchContent(ctx, kind, &resp.Diagnostics, query, m.SpaceKey.ValueString(), limit)
	if !ok {
		return
	}

	includeBody, includeLabels := m.IncludeBody.ValueBool(), m.IncludeLabels.ValueBool()
	contentKind := pageKind
	if kind == confluence.KindBlogPost {
		contentKind = blogPostKind
	}
	// A body is get_page, decided before any is read (body_read_policy.go).
	bodies := bodyReader{what: "confluence_pages with include_body = true", remedy: "drop include_body (the search alone is governed by search_pages), narrow the search to spaces where get_page is allowed"}
	if includeBody && !d.data.authorizeBodies(ctx, &resp.Diagnostics, contentKind, hits, bodies) {
		return
	}
	current, err := d.readPages(ctx, kind, hits, includeBody, includeLabels)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Pages", fmt.Sprintf("While reading the %d pages found by %s", len(hits), query), d.data.account(), err)
		return
	}
	if includeBody && !d.data.authorizeMovedBodies(ctx, &resp.Diagnostics, contentKind, hits, current, bodies) {
		return
	}

	m.Query = types.StringValue(query)
	m.Pages = make([]pageResultModel, 0, len(hits))
	for _, hit := range hits {
		page, ok := current[hit.ID]
		if !ok {
			// Deleted, moved out of view or not a page since it was indexed.
			tflog.Debug(ctx, "search hit not found when read by id; left out", map[string]any{"page_id": hit.ID})
			continue
		}
		result := pageResultModel{
			ID:             types.StringValue(page.ID),
			Title:          types.StringValue(page.Title),
			SpaceKey:       types.StringValue(hit.SpaceKey),
			Status:         types.StringValue(page.Status),
			Version:        types.Int64Value(int64(page.Version.Number)),
			ParentID:       types.StringValue(page.ParentID),
			URL:            types.StringValue(d.data.client.PageURL(page.WebUI)),
			Labels:         types.SetNull(types.StringType),
			LastModifiedAt: timeString(page.Version.CreatedAt),
			LastModifiedBy: types.StringValue(page.Version.AuthorID),
			Body:           types.StringNull(),
		}
		if includeBody {
			result.Body = readBodyValue(&resp.Diagnostics, page)
		}
		switch {
		case includeLabels:
			result.Labels = labelNamesValue(&resp.Diagnostics, page.Labels)
		case hit.HasLabels:
			result.Labels = stringSetValue(&resp.Diagnostics, hit.Labels)
		}
		m.Pages = append(m.Pages, result)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readPages re-reads the search hits by id, because the search index lags
// behind writes. Pages are listed in bulk (250 ids per request, with bodies
// when asked). With includeLabels, labels come from the run's label index in
// spaces with many results (labelsFromIndex) and are read page by page
// (GET /pages/{id}/labels, a few at a time) for the rest.
func (d *PagesDataSource) readPages(ctx context.Context, kind confluence.ContentKind, hits []confluence.SearchResult, includeBody, includeLabels bool) (map[string]confluence.Page, error) {
	ids := make([]string, 0, len(hits))
	for _, hit := range hits {
		ids = append(ids, hit.ID)
	}
	byID := make(map[string]confluence.Page, len(ids))
	if len(ids) == 0 {
		return byID, nil
	}
	pages, err := d.data.client.ListPages(ctx, confluence.ListPagesOptions{Kind: kind, IDs: ids, IncludeBody: includeBody})
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		byID[p.ID] = p
	}
	if !includeLabels {
		return byID, nil
	}
	found := d.labelsFromIndex(ctx, kind, hits, byID)
	return byID, d.readLabels(ctx, kind, found, byID)
}

// labelsFromIndex fills in the labels of the pages in byID whose space has
// at least labelIndexMinHits results and whose labels the run's label index
// covers (runCache.IndexedLabels), and returns the ids of the pages left to
// read one by one, in result order.
func (d *PagesDataSource) labelsFromIndex(ctx context.Context, kind confluence.ContentKind, hits []confluence.SearchResult, byID map[string]confluence.Page) []string {
	perSpace := map[string]int{}
	for _, hit := range hits {
		if _, ok := byID[hit.ID]; ok {
			perSpace[hit.SpaceKey]++
		}
	}
	var rest []string
	for _, hit := range hits {
		page, ok := byID[hit.ID]
		if !ok {
			continue
		}
		if perSpace[hit.SpaceKey] >= labelIndexMinHits {
			if names, indexed := d.data.run.IndexedContentLabels(ctx, kind, hit.SpaceKey, hit.ID); indexed {
				page.Labels = make([]confluence.Label, 0, len(names))
				for _, name := range names {
					page.Labels = append(page.Labels, confluence.Label{Name: name})
				}
				byID[hit.ID] = page
				continue
			}
		}
		rest = append(rest, hit.ID)
	}
	return rest
}

// readLabels reads the labels of the pages found, one request per page, a
// few at a time.
func (d *PagesDataSource) readLabels(ctx context.Context, kind confluence.ContentKind, found []string, byID map[string]confluence.Page) error {
	if len(found) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan string)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(labelWorkers, len(found)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				labels, err := d.data.client.GetContentLabels(ctx, kind, id)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("reading the labels of page %s: %w", id, err)
					cancel()
				}
				if err == nil {
					page := byID[id]
					page.Labels = labels
					byID[id] = page
				}
				mu.Unlock()
			}
		}()
	}
	// Hand out the ids from a list: the workers write byID meanwhile.
	for _, id := range found {
		if ctx.Err() != nil {
			break
		}
		jobs <- id
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

// pageFilters are the structured filters of confluence_pages.
type pageFilters struct {
	kind                                             confluence.ContentKind // page (the zero value) or blog post
	spaceKey, title, titleContains, text, ancestorID string
	labels                                           []string
}

// filterCQL builds the query for the filters. Every user value goes through
// confluence.QuoteCQL, so no value can change the query's structure.
func filterCQL(f pageFilters) string {
	clauses := []string{"type = " + f.kind.CQLType()}
	add := func(field, op, value string) {
		if value != "" {
			clauses = append(clauses, field+" "+op+" "+confluence.QuoteCQL(value))
		}
	}
	add("space", "=", f.spaceKey)
	add("title", "=", f.title)
	add("title", "~", f.titleContains)
	add("text", "~", f.text)
	labels := slices.Clone(f.labels)
	slices.Sort(labels) // a set: keep the query (and its confirmation code) stable
	for _, l := range labels {
		add("label", "=", l)
	}
	add("ancestor", "=", f.ancestorID)
	return strings.Join(clauses, " AND ") + " " + filterOrder
}
