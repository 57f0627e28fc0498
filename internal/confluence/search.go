// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxSearchPageSize is the page size asked of the v1 search. The document sets
// no maximum; the server may return fewer and the cursor covers the rest.
const maxSearchPageSize = 250

// SearchResult is one content hit of a CQL search.
type SearchResult struct {
	ID, Type, Status, Title, SpaceKey string
	WebUI                             string // relative to /wiki; see Client.PageURL
	LastModified                      time.Time
	// Labels are the hit's label names as the search index has them (which
	// may lag a recent change); HasLabels says whether the answer had them.
	Labels    []string
	HasLabels bool
}

type searchMetadata struct {
	Labels *struct {
		Results []labelJSON `json:"results"`
	} `json:"labels"`
}

type searchSpace struct {
	Key string `json:"key"`
}

type searchContainer struct {
	DisplayURL string `json:"displayUrl"`
}

type searchResponse struct {
	Results []searchHit                `json:"results"`
	Links   map[string]json.RawMessage `json:"_links"`
}

// searchHit is one result of GET /wiki/rest/api/search.
type searchHit struct {
	Content *struct {
		ID         string                     `json:"id"`
		Type       string                     `json:"type"`
		Status     string                     `json:"status"`
		Title      string                     `json:"title"`
		Space      *searchSpace               `json:"space"`
		Metadata   *searchMetadata            `json:"metadata"`
		Links      map[string]json.RawMessage `json:"_links"`
		Expandable map[string]json.RawMessage `json:"_expandable"`
	} `json:"content"`
	Title                 string           `json:"title"`
	URL                   string           `json:"url"`
	LastModified          timestamp        `json:"lastModified"`
	ResultGlobalContainer *searchContainer `json:"resultGlobalContainer"`
}

// toResult is the hit as the provider uses it; r.Content is not nil.
func (r searchHit) toResult() SearchResult {
	res := SearchResult{
		ID:           r.Content.ID,
		Type:         r.Content.Type,
		Status:       r.Content.Status,
		Title:        r.Content.Title,
		WebUI:        linkString(r.Content.Links, "webui"),
		LastModified: time.Time(r.LastModified),
	}
	if res.Title == "" {
		res.Title = r.Title
	}
	if res.WebUI == "" {
		res.WebUI = r.URL
	}
	res.SpaceKey = searchSpaceKey(r.Content.Space, r.Content.Expandable, r.ResultGlobalContainer)
	if m := r.Content.Metadata; m != nil && m.Labels != nil {
		res.HasLabels = true
		for _, l := range m.Labels.Results {
			res.Labels = append(res.Labels, l.Name)
		}
	}
	return res
}

// Search runs a CQL query with GET /wiki/rest/api/search and follows the
// cursor (_links.next joined onto _links.base) until limit content results
// (limit <= 0: all). Hits that are not content (spaces, users) are skipped.
// Each hit carries its space key and labels (expanded in the same request).
// Build CQL from user values with QuoteCQL.
func (c *Client) Search(ctx context.Context, cql string, limit int) ([]SearchResult, error) {
	size := maxSearchPageSize
	if limit > 0 && limit < size {
		size = limit
	}
	u := c.v1("/search", url.Values{
		"cql":    {cql},
		"limit":  {strconv.Itoa(size)},
		"expand": {"content.space,content.metadata.labels"},
	})

	var results []SearchResult
	err := c.walkPages(u, func(u *url.URL) (string, error) {
		var page searchResponse
		if _, err := c.do(ctx, request{method: http.MethodGet, url: u}, &page); err != nil {
			return "", err
		}
		for _, r := range page.Results {
			if r.Content == nil || r.Content.ID == "" {
				continue
			}
			results = append(results, r.toResult())
			if limit > 0 && len(results) >= limit {
				return "", nil
			}
		}
		next := linkString(page.Links, "next")
		if next == "" || len(page.Results) == 0 {
			return "", nil
		}
		return joinV1Next(linkString(page.Links, "base"), next), nil
	})
	return results, err
}

// searchSpaceKey finds a hit's space key: from the expanded content.space,
// else the unexpanded link ("/rest/api/space/KEY"), else the global
// container's display URL ("/spaces/KEY").
func searchSpaceKey(space *searchSpace, expandable map[string]json.RawMessage, container *searchContainer) string {
	if space != nil && space.Key != "" {
		return space.Key
	}
	if link := linkString(expandable, "space"); link != "" {
		if _, key, ok := strings.Cut(link, "/space/"); ok && key != "" {
			return strings.Trim(key, "/")
		}
	}
	if container != nil {
		if _, key, ok := strings.Cut(container.DisplayURL, "/spaces/"); ok {
			key, _, _ = strings.Cut(key, "/")
			return key
		}
	}
	return ""
}

// QuoteCQL quotes s as a CQL string literal, escaping backslashes and double
// quotes, so that user values cannot change a query's structure.
func QuoteCQL(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}
