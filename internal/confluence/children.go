// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ChildPage is a child page as GET /wiki/api/v2/pages/{id}/children lists it.
type ChildPage struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	SpaceID       string `json:"spaceId"`
	ChildPosition int    `json:"childPosition"`
}

// ListChildPages returns a page's child pages the account may view, in the
// order Confluence shows them (ascending child position), following cursors:
// GET /wiki/api/v2/pages/{id}/children.
func (c *Client) ListChildPages(ctx context.Context, parentID string) ([]ChildPage, error) {
	q := url.Values{"limit": {strconv.Itoa(maxPageSize)}, "sort": {"child-position"}}
	return listAll[ChildPage](ctx, c, c.v2(escapeSegments("pages", parentID, "children"), q), 0)
}

// Positions of MovePage.
const (
	MoveBefore = "before" // under the target's parent, just before the target
	MoveAfter  = "after"  // under the target's parent, just after the target
	MoveAppend = "append" // the target's last child
)

// MovePage moves a page relative to a target page:
// PUT /wiki/rest/api/content/{pageId}/move/{position}/{targetId}. Moving a
// page to where it already is changes nothing, so the request is retried
// like any PUT.
func (c *Client) MovePage(ctx context.Context, pageID, position, targetID string) error {
	u := c.v1(escapeSegments("content", pageID, "move", position, targetID), nil)
	_, err := c.do(ctx, request{method: http.MethodPut, url: u}, nil)
	return err
}
