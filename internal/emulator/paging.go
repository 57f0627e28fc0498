// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultLimit = 25
	maxLimit     = 250
)

// cursorState is what an opaque v2 cursor carries: the sort it was issued for and the
// sort key of the last item returned. Paging is keyset-based, so items created or
// removed between requests never make another item repeat or vanish.
type cursorState struct {
	Sort string `json:"s"`
	Key  string `json:"k"`
}

func encodeCursor(cs cursorState) string {
	data, _ := json.Marshal(cs)
	return base64.RawURLEncoding.EncodeToString(data)
}

func decodeCursor(raw, sortName string) (cursorState, *apiError) {
	var cs cursorState
	data, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil {
		err = json.Unmarshal(data, &cs)
	}
	if err != nil || cs.Sort != sortName {
		return cursorState{}, badRequest("Invalid cursor %q: use the cursor from the previous response's _links.next unchanged", raw)
	}
	return cs, nil
}

// parseLimit reads the limit query parameter (1–250, default 25).
func parseLimit(c *call) (int, *apiError) {
	raw := c.query("limit")
	if raw == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxLimit {
		return 0, badRequest("Invalid limit %q: must be an integer between 1 and %d", raw, maxLimit)
	}
	return n, nil
}

// keyedPage sorts items by key (descending if desc), skips past the cursor and returns
// at most limit items plus the cursor for the next page ("" when this is the last).
// Keys must be unique; callers append the zero-padded id to make them so.
func keyedPage[T any](items []T, key func(T) string, desc bool, sortName, rawCursor string, limit int) ([]T, string, *apiError) {
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b T) int {
		if desc {
			return strings.Compare(key(b), key(a))
		}
		return strings.Compare(key(a), key(b))
	})
	if rawCursor != "" {
		cs, err := decodeCursor(rawCursor, sortName)
		if err != nil {
			return nil, "", err
		}
		start := len(sorted)
		for i, it := range sorted {
			k := key(it)
			if (!desc && k > cs.Key) || (desc && k < cs.Key) {
				start = i
				break
			}
		}
		sorted = sorted[start:]
	}
	if len(sorted) <= limit {
		return sorted, "", nil
	}
	page := sorted[:limit]
	return page, encodeCursor(cursorState{Sort: sortName, Key: key(page[limit-1])}), nil
}

// paddedID makes decimal ids compare as strings in numeric order.
func paddedID(id string) string {
	return strings.Repeat("0", max(0, 20-len(id))) + id
}

// v2Links is the _links object of v2 list responses.
type v2Links struct {
	Next string `json:"next,omitempty"`
	Base string `json:"base"`
}

type v2List[T any] struct {
	Results []T     `json:"results"`
	Links   v2Links `json:"_links"`
}

// writeV2List answers a v2 list, with _links.next and the Link header when more follow.
func writeV2List[T any](c *call, results []T, nextCursor string) *apiError {
	if results == nil {
		results = []T{}
	}
	links := v2Links{Base: c.baseURL()}
	if nextCursor != "" {
		links.Next = nextURL(c.r.URL, nextCursor)
		c.w.Header().Set("Link", "<"+links.Next+`>; rel="next", <`+links.Base+`>; rel="base"`)
	}
	return c.json(http.StatusOK, v2List[T]{Results: results, Links: links})
}

// nextURL is the request's path and query (relative to the site root) with the cursor replaced.
func nextURL(u *url.URL, cursor string) string {
	q := u.Query()
	q.Set("cursor", cursor)
	return u.Path + "?" + q.Encode()
}

// multiValues reads a query parameter that may be repeated or comma separated.
func multiValues(c *call, name string) []string {
	var out []string
	for _, v := range c.r.URL.Query()[name] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
