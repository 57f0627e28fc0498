// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

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
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ datasource.DataSourceWithConfigure        = &PagesDataSource{}
	_ datasource.DataSourceWithConfigValidators = &PagesDataSource{}
)

// Limits of the confluence_pages search.
const (
	defaultPagesLimit = 100
	maxPagesLimit     = 1000
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
			"otherwise every space that appears in the results is checked, and the read fails, returning nothing, if any of them is denied. " +
			"Data sources are read while planning, so an `allowed_with_confirmation` level needs its code granted before `terraform plan` " +
			"(provider `confirmations` or `CONFLUENCE_CONFIRMATIONS`); the code is bound to the space and the exact query sent (`query`).\n\n" +
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
				MarkdownDescription: fmt.Sprintf("Maximum number of pages returned, 1 to %d. Defaults to `%d`. The search follows Confluence's cursors until it has this many.", maxPagesLimit, defaultPagesLimit),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, maxPagesLimit)},
			},
			"include_body": schema.BoolAttribute{
				MarkdownDescription: "Return each page's body (canonical storage format) in `pages[*].body`. Defaults to `false`. Bodies are read in bulk with the pages and add no requests, but they make the state larger.",
				Optional:            true,
			},
			"include_labels": schema.BoolAttribute{
				MarkdownDescription: "Read each page's labels fresh, by id. Defaults to `false`: `pages[*].labels` then come with the search results at no extra cost, " +
					"as Confluence's search index has them (which may lag a label change by a few seconds). With `true` they are read from each page, one extra request per page found, " +
					"paced by the provider's `requests_per_second`.",
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
		wrapped, err := restrictTo(kind, m.CQL.ValueString())
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

	// With a known space, decide before anything is searched.
	authorized := map[string]bool{}
	if spaceKey := m.SpaceKey.ValueString(); spaceKey != "" {
		if _, ok := d.data.visibleSpace(ctx, &resp.Diagnostics, spaceKey); !ok {
			return
		}
		if !d.data.authorizeRead(ctx, &resp.Diagnostics, policy.Request{Operation: policy.SearchPages, SpaceKey: spaceKey, Content: query}) {
			return
		}
		authorized[spaceKey] = true
	}

	hits, err := d.data.client.Search(ctx, query, limit)
	if err != nil {
		if apiErr, ok := confluence.AsAPIError(err); ok && apiErr.Kind == confluence.KindBadRequest {
			resp.Diagnostics.AddError("Invalid CQL Query",
				fmt.Sprintf("Confluence rejected the search query: %s\n\nQuery sent: %s\n\nCheck the cql argument against https://developer.atlassian.com/cloud/confluence/advanced-searching-using-cql/.", apiErr.Message, query))
			return
		}
		addAPIError(&resp.Diagnostics, "Unable to Search Pages", "While searching pages with "+query, d.data.email, err)
		return
	}

	// Every space the results come from is decided before anything of it is
	// read or returned.
	ids := make([]string, 0, len(hits))
	var spaceKeys []string
	for _, hit := range hits {
		if hit.Type != "" && hit.Type != kind.CQLType() {
			continue // the query is restricted to the type; this guards the restriction
		}
		if hit.SpaceKey == "" {
			resp.Diagnostics.AddError("Unable to Apply Confluence Policy",
				fmt.Sprintf("Confluence returned page %s without its space, so the search_pages policy of its space cannot be checked. Nothing was returned. Narrow the search with space_key, or report this if it persists.", hit.ID))
			return
		}
		ids = append(ids, hit.ID)
		if !authorized[hit.SpaceKey] && !slices.Contains(spaceKeys, hit.SpaceKey) {
			spaceKeys = append(spaceKeys, hit.SpaceKey)
		}
	}
	slices.Sort(spaceKeys)
	// A space whose policy denies the search is left out of the answer
	// without a word: an error or a warning would tell the configuration that
	// the query matched something there, and the answer must be the same
	// whether it did or not. A space that needs a confirmation code the
	// account may search once approved, so a missing code fails the read.
	allowed, denied := true, map[string]bool{}
	for _, key := range spaceKeys {
		req := policy.Request{Operation: policy.SearchPages, SpaceKey: key, Content: query}
		res, err := d.data.decide(ctx, req)
		switch {
		case err != nil:
			d.data.addPolicyEvaluationError(&resp.Diagnostics, req, atRead, err)
			allowed = false
		case res.Decision == policy.DecisionDenied:
			denied[key] = true
		case !d.data.reportDecision(&resp.Diagnostics, res, atRead):
			allowed = false // every space is checked, so one plan reports every code
		}
	}
	if !allowed {
		return
	}
	hits = slices.DeleteFunc(hits, func(h confluence.SearchResult) bool { return denied[h.SpaceKey] })
	ids = slices.DeleteFunc(ids, func(id string) bool {
		return !slices.ContainsFunc(hits, func(h confluence.SearchResult) bool { return h.ID == id })
	})

	includeBody, includeLabels := m.IncludeBody.ValueBool(), m.IncludeLabels.ValueBool()
	current, err := d.readPages(ctx, kind, ids, includeBody, includeLabels)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Pages", fmt.Sprintf("While reading the %d pages found by %s", len(ids), query), d.data.email, err)
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
// when asked). With includeLabels each page's labels are read fresh, one
// request per page (GET /pages/{id}/labels), a few at a time.
func (d *PagesDataSource) readPages(ctx context.Context, kind confluence.ContentKind, ids []string, includeBody, includeLabels bool) (map[string]confluence.Page, error) {
	byID := make(map[string]confluence.Page, len(ids))
	if len(ids) == 0 {
		return byID, nil
	}
	pages, err := d.data.client.ListPages(ctx, confluence.ListPagesOptions{Kind: kind, IDs: ids, IncludeBody: includeBody})
	if err != nil {
		return nil, err
	}
	found := make([]string, 0, len(pages))
	for _, p := range pages {
		byID[p.ID] = p
		found = append(found, p.ID)
	}
	if !includeLabels {
		return byID, nil
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
	if firstErr != nil {
		return nil, firstErr
	}
	return byID, nil
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

// restrictToPages wraps a user's CQL as "type = page AND (<where>)", keeping
// its ORDER BY clause last. It refuses queries whose parentheses or quotes do
// not balance: such a query could close the wrapping parenthesis and escape
// the restriction (e.g. `x = 1) OR (type = blogpost`).
func restrictToPages(cql string) (string, error) { return restrictTo(confluence.KindPage, cql) }

// restrictTo is restrictToPages for content of any kind: "type = blogpost
// AND (<where>)" for blog posts.
func restrictTo(kind confluence.ContentKind, cql string) (string, error) {
	where, orderBy, err := splitOrderBy(cql)
	if err != nil {
		return "", err
	}
	query := "type = " + kind.CQLType()
	if strings.TrimSpace(where) != "" {
		query += " AND (" + strings.TrimSpace(where) + ")"
	}
	if orderBy != "" {
		query += " " + orderBy
	}
	return query, nil
}

// splitOrderBy splits a CQL query at its top-level ORDER BY (outside quotes
// and parentheses) and checks that quotes and parentheses balance.
func splitOrderBy(cql string) (where, orderBy string, err error) {
	if strings.TrimSpace(cql) == "" {
		return "", "", errors.New("the query is empty; write a CQL query such as space = DOCS, or use the filters")
	}
	depth, orderAt := 0, -1
	for i := 0; i < len(cql); i++ {
		switch c := cql[i]; c {
		case '"', '\'':
			end := closingQuote(cql, i)
			if end < 0 {
				return "", "", fmt.Errorf("the string starting at position %d (%s) is not terminated; close it with %c", i+1, excerptAt(cql, i), c)
			}
			i = end
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", "", fmt.Errorf("the parenthesis at position %d closes one that was never opened (%s)", i+1, excerptAt(cql, i))
			}
		default:
			if orderAt < 0 && depth == 0 && orderByAt(cql, i) {
				orderAt = i
			}
		}
	}
	if depth != 0 {
		return "", "", fmt.Errorf("%d parenthesis(es) opened in the query are not closed", depth)
	}
	if orderAt < 0 {
		return cql, "", nil
	}
	return cql[:orderAt], strings.TrimSpace(cql[orderAt:]), nil
}

// closingQuote returns the index of the quote closing the string that opens
// at start, honouring backslash escapes, or -1.
func closingQuote(s string, start int) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case s[start]:
			return i
		}
	}
	return -1
}

// orderByAt reports whether the keywords ORDER BY (any case, separated by
// white space) start at s[i] as whole words.
func orderByAt(s string, i int) bool {
	if i > 0 && !isCQLBreak(rune(s[i-1])) {
		return false
	}
	rest := s[i:]
	if len(rest) < len("order") || !strings.EqualFold(rest[:5], "order") {
		return false
	}
	rest = rest[5:]
	trimmed := strings.TrimLeftFunc(rest, unicode.IsSpace)
	if len(trimmed) == len(rest) || len(trimmed) < 2 || !strings.EqualFold(trimmed[:2], "by") {
		return false
	}
	return len(trimmed) == 2 || isCQLBreak(rune(trimmed[2]))
}

func isCQLBreak(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' }

// excerptAt shows the query around position i for an error message.
func excerptAt(s string, i int) string {
	end := min(len(s), i+20)
	return fmt.Sprintf("%q", s[i:end])
}
