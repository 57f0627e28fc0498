// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Label is a content label.
type Label struct {
	ID, Name, Prefix string
}

type labelJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Prefix string `json:"prefix"`
}

func (l labelJSON) toLabel() Label { return Label(l) }

// GetPageLabels returns all labels of a page: GET /wiki/api/v2/pages/{id}/labels,
// following cursors.
func (c *Client) GetPageLabels(ctx context.Context, pageID string) ([]Label, error) {
	return c.GetContentLabels(ctx, KindPage, pageID)
}

// GetContentLabels is GetPageLabels for content of any kind:
// GET /wiki/api/v2/blogposts/{id}/labels for a blog post. (Label writes go
// through v1 /content/{id}/label, which serves every kind.)
func (c *Client) GetContentLabels(ctx context.Context, kind ContentKind, id string) ([]Label, error) {
	q := url.Values{"limit": {strconv.Itoa(maxPageSize)}}
	results, err := listAll[labelJSON](ctx, c, c.v2(escapeSegments(kind.collection(), id, "labels"), q), 0)
	labels := make([]Label, 0, len(results))
	for _, l := range results {
		labels = append(labels, l.toLabel())
	}
	return labels, err
}

// ListSpaceContentLabels returns every label used on content of the space:
// GET /wiki/api/v2/spaces/{id}/content/labels (all cursors, 250 per request).
// Together with ListLabelPages it indexes a space's labels in a few requests
// instead of one GetPageLabels per page.
func (c *Client) ListSpaceContentLabels(ctx context.Context, spaceID string) ([]Label, error) {
	q := url.Values{"limit": {strconv.Itoa(maxPageSize)}}
	results, err := listAll[labelJSON](ctx, c, c.v2(escapeSegments("spaces", spaceID, "content", "labels"), q), 0)
	labels := make([]Label, 0, len(results))
	for _, l := range results {
		labels = append(labels, l.toLabel())
	}
	return labels, err
}

// ListLabelPages returns the current pages carrying the label, optionally only
// in the given spaces: GET /wiki/api/v2/labels/{id}/pages (all cursors, 250 per
// request). Pages come without body. More than 100 space ids are split into
// several requests, so the results are ordered within each request only.
func (c *Client) ListLabelPages(ctx context.Context, labelID string, spaceIDs []string) ([]Page, error) {
	const maxSpaceIDs = 100 // the endpoint's limit on space-id values
	var pages []Page
	for _, chunk := range chunks(spaceIDs, maxSpaceIDs) {
		q := url.Values{"limit": {strconv.Itoa(maxPageSize)}}
		setAll(q, "space-id", chunk)
		results, err := listAll[pageJSON](ctx, c, c.v2(escapeSegments("labels", labelID, "pages"), q), 0)
		for _, p := range results {
			pages = append(pages, p.toPage())
		}
		if err != nil {
			return pages, err
		}
	}
	return pages, nil
}

// AddPageLabels adds global labels to a page:
// POST /wiki/rest/api/content/{id}/label with [{"prefix":"global","name":…}].
// Adding a label the page already has changes nothing, so unlike other POSTs
// this one is retried like an idempotent request.
func (c *Client) AddPageLabels(ctx context.Context, pageID string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	type labelCreate struct {
		Prefix string `json:"prefix"`
		Name   string `json:"name"`
	}
	body := make([]labelCreate, 0, len(names))
	for _, n := range names {
		body = append(body, labelCreate{Prefix: "global", Name: n})
	}
	u := c.v1(escapeSegments("content", pageID, "label"), nil)
	_, err := c.do(ctx, request{method: http.MethodPost, url: u, body: body, retryPOST: true}, nil)
	return err
}

// RemovePageLabel removes a label from a page:
// DELETE /wiki/rest/api/content/{id}/label?name=… (the query form works for
// any label name, including ones with characters a path segment cannot hold).
// A 404 (label or page already gone) counts as success.
func (c *Client) RemovePageLabel(ctx context.Context, pageID, name string) error {
	u := c.v1(escapeSegments("content", pageID, "label"), url.Values{"name": {name}})
	_, err := c.do(ctx, request{method: http.MethodDelete, url: u}, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}
