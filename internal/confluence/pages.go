// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page is a v2 page.
type Page struct {
	ID, Status, Title, SpaceID, ParentID, ParentType, AuthorID, OwnerID string
	CreatedAt                                                           time.Time
	Version                                                             PageVersion
	Body                                                                string // storage value, when requested
	HasBody                                                             bool   // the response carried a storage body
	Labels                                                              []Label
	WebUI                                                               string // _links.webui, relative to /wiki; see Client.PageURL
}

// PageVersion is one version of a page.
type PageVersion struct {
	Number    int
	Message   string
	MinorEdit bool
	AuthorID  string
	CreatedAt time.Time
}

// timestamp decodes Confluence's date-times leniently: an absent or
// unparsable value is the zero time rather than a failed response.
type timestamp time.Time

func (t *timestamp) UnmarshalJSON(b []byte) error {
	var s string
	_ = json.Unmarshal(b, &s) // null or a non-string leaves s empty
	if parsed, err := time.Parse(time.RFC3339Nano, s); err == nil {
		*t = timestamp(parsed)
	}
	return nil
}

type versionJSON struct {
	Number    int       `json:"number"`
	Message   string    `json:"message"`
	MinorEdit bool      `json:"minorEdit"`
	AuthorID  string    `json:"authorId"`
	CreatedAt timestamp `json:"createdAt"`
}

func (v versionJSON) toVersion() PageVersion {
	return PageVersion{
		Number:    v.Number,
		Message:   v.Message,
		MinorEdit: v.MinorEdit,
		AuthorID:  v.AuthorID,
		CreatedAt: time.Time(v.CreatedAt),
	}
}

// pageJSON covers PageSingle and PageBulk.
type pageJSON struct {
	ID         string      `json:"id"`
	Status     string      `json:"status"`
	Title      string      `json:"title"`
	SpaceID    string      `json:"spaceId"`
	ParentID   string      `json:"parentId"`
	ParentType string      `json:"parentType"`
	AuthorID   string      `json:"authorId"`
	OwnerID    string      `json:"ownerId"`
	CreatedAt  timestamp   `json:"createdAt"`
	Version    versionJSON `json:"version"`
	Body       struct {
		Storage *struct {
			Value string `json:"value"`
		} `json:"storage"`
	} `json:"body"`
	Labels *struct {
		Results []labelJSON `json:"results"`
		Meta    struct {
			HasMore bool `json:"hasMore"`
		} `json:"meta"`
	} `json:"labels"`
	Links map[string]json.RawMessage `json:"_links"`
}

func (p pageJSON) toPage() Page {
	page := Page{
		ID:         p.ID,
		Status:     p.Status,
		Title:      p.Title,
		SpaceID:    p.SpaceID,
		ParentID:   p.ParentID,
		ParentType: p.ParentType,
		AuthorID:   p.AuthorID,
		OwnerID:    p.OwnerID,
		CreatedAt:  time.Time(p.CreatedAt),
		Version:    p.Version.toVersion(),
		WebUI:      linkString(p.Links, "webui"),
	}
	if p.Body.Storage != nil {
		page.Body, page.HasBody = p.Body.Storage.Value, true
	}
	if p.Labels != nil {
		page.Labels = make([]Label, 0, len(p.Labels.Results))
		for _, l := range p.Labels.Results {
			page.Labels = append(page.Labels, l.toLabel())
		}
	}
	return page
}

// pageReadStatuses makes trashed and archived pages visible to a read by id;
// without a status Confluence answers 404 for a trashed page.
var pageReadStatuses = []string{"current", "archived", "trashed"}

// GetPageOptions selects what GetPage returns.
type GetPageOptions struct {
	Kind          ContentKind // KindPage (default) or KindBlogPost
	IncludeBody   bool        // the storage body
	Version       int         // a historical version; 0 = the latest
	IncludeLabels bool        // all labels (fetched separately when the page has many)
}

// GetPage reads a page by id: GET /wiki/api/v2/pages/{id}, or with
// opts.Kind a blog post: GET /wiki/api/v2/blogposts/{id}. Current, archived
// and trashed pages are returned (see Page.Status).
func (c *Client) GetPage(ctx context.Context, id string, opts GetPageOptions) (*Page, error) {
	q := url.Values{"status": opts.Kind.readStatuses()}
	if opts.IncludeBody {
		q.Set("body-format", "storage")
	}
	if opts.Version > 0 {
		q.Set("version", strconv.Itoa(opts.Version))
	}
	if opts.IncludeLabels {
		q.Set("include-labels", "true")
	}
	var out pageJSON
	if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v2(escapeSegments(opts.Kind.collection(), id), q)}, &out); err != nil {
		return nil, err
	}
	page := out.toPage()
	if opts.IncludeLabels && (out.Labels == nil || out.Labels.Meta.HasMore) {
		// include-labels returns only the first labels; read them all.
		labels, err := c.GetContentLabels(ctx, opts.Kind, id)
		if err != nil {
			return nil, err
		}
		page.Labels = labels
	}
	return &page, nil
}

// ListPagesOptions filters ListPages. Empty fields do not filter.
type ListPagesOptions struct {
	Kind          ContentKind // KindPage (default) or KindBlogPost (GET /blogposts)
	IDs, SpaceIDs []string
	Title         string
	Statuses      []string // of ListableStatuses; Confluence's default is current
	IncludeBody   bool
	Sort          string // e.g. id, -modified-date
	Limit         int    // page size, default and maximum 250
	MaxResults    int    // 0 = all
}

// ListableStatuses are the statuses GET /wiki/api/v2/pages can filter on: its
// status parameter's enum in the v2 OpenAPI document. Drafts are not among
// them; that endpoint never lists a draft.
var ListableStatuses = []string{"current", "archived", "deleted", "trashed"}

// documentedStatuses keeps the statuses GET /pages documents, in order.
// Others are not sent (Confluence refuses undocumented enum values with 400);
// ok is false when statuses were asked for and none of them can be listed,
// so that nothing can match.
func documentedStatuses(kind ContentKind, statuses []string) (kept []string, ok bool) {
	for _, s := range statuses {
		if slices.Contains(kind.listableStatuses(), s) && !slices.Contains(kept, s) {
			kept = append(kept, s)
		}
	}
	return kept, len(statuses) == 0 || len(kept) > 0
}

// ListPages lists pages with GET /wiki/api/v2/pages, following cursors. More
// than 250 ids (or 100 space ids) are split into several requests, so the
// results are ordered within each request only. Statuses outside
// ListableStatuses (e.g. draft) are not sent: the endpoint cannot return such
// pages, and asking only for them returns nothing without a request.
func (c *Client) ListPages(ctx context.Context, opts ListPagesOptions) ([]Page, error) {
	const maxSpaceIDs = 100 // the endpoint's limit on space-id values
	statuses, listable := documentedStatuses(opts.Kind, opts.Statuses)
	if !listable {
		return nil, nil
	}
	size := pageSize(opts.Limit)
	if opts.MaxResults > 0 && opts.MaxResults < size {
		size = opts.MaxResults
	}

	var pages []Page
	for _, ids := range chunks(opts.IDs, maxPageSize) {
		for _, spaceIDs := range chunks(opts.SpaceIDs, maxSpaceIDs) {
			q := url.Values{"limit": {strconv.Itoa(size)}}
			setAll(q, "id", ids)
			setAll(q, "space-id", spaceIDs)
			setAll(q, "status", statuses)
			if opts.Title != "" {
				q.Set("title", opts.Title)
			}
			if opts.IncludeBody {
				q.Set("body-format", "storage")
			}
			if opts.Sort != "" {
				q.Set("sort", opts.Sort)
			}
			remaining := 0
			if opts.MaxResults > 0 {
				remaining = opts.MaxResults - len(pages)
			}
			results, err := listAll[pageJSON](ctx, c, c.v2(escapeSegments(opts.Kind.collection()), q), remaining)
			for _, p := range results {
				pages = append(pages, p.toPage())
			}
			if err != nil {
				return pages, err
			}
			if opts.MaxResults > 0 && len(pages) >= opts.MaxResults {
				return pages, nil
			}
		}
	}
	return pages, nil
}

// setAll sets a repeated query parameter (form style, exploded: id=1&id=2),
// as the v2 document declares array parameters.
func setAll(q url.Values, key string, values []string) {
	if len(values) > 0 {
		q[key] = append([]string(nil), values...)
	}
}

// bodyWrite is PageBodyWrite.
type bodyWrite struct {
	Representation string `json:"representation"`
	Value          string `json:"value"`
}

func storageBody(value string) bodyWrite { return bodyWrite{Representation: "storage", Value: value} }

// CreatePageRequest is the input of CreatePage.
type CreatePageRequest struct {
	Kind           ContentKind // KindPage (default) or KindBlogPost
	SpaceID, Title string
	ParentID       string // empty: under the space homepage
	Body           string // storage XHTML
	Status         string // current (default) or draft
}

// CreatePage creates a page: POST /wiki/api/v2/pages, or with req.Kind a blog
// post: POST /wiki/api/v2/blogposts (which takes no parent). It is never retried:
// after a lost response the page may exist, and only the caller can tell
// whether it is the one it meant to create.
func (c *Client) CreatePage(ctx context.Context, req CreatePageRequest) (*Page, error) {
	if req.SpaceID == "" {
		return nil, errors.New("creating a " + req.Kind.String() + ": the space id is empty")
	}
	if req.ParentID != "" && !req.Kind.HasParent() {
		return nil, errors.New("creating a " + req.Kind.String() + ": it cannot have a parent")
	}
	status := req.Status
	if status == "" {
		status = "current"
	}
	body := struct {
		SpaceID  string    `json:"spaceId"`
		Status   string    `json:"status"`
		Title    string    `json:"title"`
		ParentID string    `json:"parentId,omitempty"`
		Body     bodyWrite `json:"body"`
	}{req.SpaceID, status, req.Title, req.ParentID, storageBody(req.Body)}

	var out pageJSON
	if _, err := c.do(ctx, request{method: http.MethodPost, url: c.v2(escapeSegments(req.Kind.collection()), nil), body: body}, &out); err != nil {
		return nil, err
	}
	page := out.toPage()
	return &page, nil
}

// UpdatePageRequest is the input of UpdatePage.
type UpdatePageRequest struct {
	Kind              ContentKind // KindPage (default) or KindBlogPost
	ID, Status, Title string
	SpaceID           string // optional; Confluence cannot move pages between spaces
	ParentID          string // optional; moves the page under another parent
	Body              string // storage XHTML
	VersionNumber     int    // the new version: current + 1
	VersionMessage    string
}

// UpdatePage replaces a page: PUT /wiki/api/v2/pages/{id}, or with req.Kind
// a blog post: PUT /wiki/api/v2/blogposts/{id}. A stale
// VersionNumber fails with an *APIError of KindConflict whose CurrentVersion
// is the page's version. A PUT retried after a lost response may also answer
// 409 although the first attempt was applied; the caller resolves that by
// re-reading the page.
func (c *Client) UpdatePage(ctx context.Context, req UpdatePageRequest) (*Page, error) {
	if req.ID == "" {
		return nil, errors.New("updating a " + req.Kind.String() + ": the id is empty")
	}
	if req.ParentID != "" && !req.Kind.HasParent() {
		return nil, errors.New("updating a " + req.Kind.String() + ": it cannot have a parent")
	}
	status := req.Status
	if status == "" {
		status = "current"
	}
	type version struct {
		Number  int    `json:"number"`
		Message string `json:"message,omitempty"`
	}
	body := struct {
		ID       string    `json:"id"`
		Status   string    `json:"status"`
		Title    string    `json:"title"`
		SpaceID  string    `json:"spaceId,omitempty"`
		ParentID string    `json:"parentId,omitempty"`
		Body     bodyWrite `json:"body"`
		Version  version   `json:"version"`
	}{req.ID, status, req.Title, req.SpaceID, req.ParentID, storageBody(req.Body), version{req.VersionNumber, req.VersionMessage}}

	var out pageJSON
	u := c.v2(escapeSegments(req.Kind.collection(), req.ID), nil)
	if _, err := c.do(ctx, request{method: http.MethodPut, url: u, body: body}, &out); err != nil {
		return nil, err
	}
	page := out.toPage()
	return &page, nil
}

// DeletePage moves a page to the trash, or with purge removes a trashed page
// for good: DELETE /wiki/api/v2/pages/{id}[?purge=true]. Purging a current
// page needs two calls: trash, then purge.
//
// A 404 is returned as a not-found error, except when an earlier attempt of
// this very call lost its response: then the first attempt most likely did
// the work and the 404 counts as success.
func (c *Client) DeletePage(ctx context.Context, id string, purge bool) error {
	return c.DeleteContent(ctx, KindPage, id, purge)
}

// DeleteContent is DeletePage for content of any kind: DELETE
// /wiki/api/v2/blogposts/{id}[?purge=true] for a blog post.
func (c *Client) DeleteContent(ctx context.Context, kind ContentKind, id string, purge bool) error {
	var q url.Values
	if purge {
		q = url.Values{"purge": {"true"}}
	}
	meta, err := c.do(ctx, request{method: http.MethodDelete, url: c.v2(escapeSegments(kind.collection(), id), q)}, nil)
	if IsNotFound(err) && meta != nil && meta.retriedAfterLostResponse {
		return nil
	}
	return err
}

// ListPageVersions returns a page's versions, newest first, at most limit
// (0 = all): GET /wiki/api/v2/pages/{id}/versions.
func (c *Client) ListPageVersions(ctx context.Context, id string, limit int) ([]PageVersion, error) {
	return c.ListContentVersions(ctx, KindPage, id, limit)
}

// ListContentVersions is ListPageVersions for content of any kind:
// GET /wiki/api/v2/blogposts/{id}/versions for a blog post.
func (c *Client) ListContentVersions(ctx context.Context, kind ContentKind, id string, limit int) ([]PageVersion, error) {
	size := pageSize(limit)
	q := url.Values{"limit": {strconv.Itoa(size)}, "sort": {"-modified-date"}}
	results, err := listAll[versionJSON](ctx, c, c.v2(escapeSegments(kind.collection(), id, "versions"), q), max(limit, 0))
	versions := make([]PageVersion, 0, len(results))
	for _, v := range results {
		versions = append(versions, v.toVersion())
	}
	return versions, err
}

// escapeSegments path-escapes each argument and joins them with "/".
func escapeSegments(segments ...string) string {
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(segments, "/")
}
