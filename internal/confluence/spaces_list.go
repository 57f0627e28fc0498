// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"net/url"
	"strconv"
)

// ListVisibleSpaces returns every space the account can see, following the
// cursor: GET /wiki/api/v2/spaces?limit=250. The provider uses it to find a
// connection's records when it knows the connection's name but none of the
// spaces of its scope (creating or importing an operation policy).
func (c *Client) ListVisibleSpaces(ctx context.Context) ([]Space, error) {
	q := url.Values{"limit": {strconv.Itoa(maxPageSize)}}
	results, err := listAll[spaceJSON](ctx, c, c.v2("/spaces", q), 0)
	spaces := make([]Space, 0, len(results))
	for _, s := range results {
		spaces = append(spaces, *s.toSpace())
	}
	return spaces, err
}
