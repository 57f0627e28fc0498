// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"net/http"
	"net/url"
)

// CreateSpace creates a space: POST /wiki/api/v2/spaces. The provider itself
// never creates spaces; the live contract suite does, so that it works only
// in a space of its own.
func (c *Client) CreateSpace(ctx context.Context, key, name string) (*Space, error) {
	var out spaceJSON
	body := map[string]any{"key": key, "name": name}
	if _, err := c.do(ctx, request{method: http.MethodPost, url: c.v2("/spaces", nil), body: body}, &out); err != nil {
		return nil, err
	}
	return out.toSpace(), nil
}

// DeleteSpace deletes a space and everything in it: DELETE
// /wiki/rest/api/space/{spaceKey}, which Confluence answers 202 and completes
// as a long task.
func (c *Client) DeleteSpace(ctx context.Context, key string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, url: c.v1("/space/"+url.PathEscape(key), nil)}, nil)
	return err
}
