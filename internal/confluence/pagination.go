// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxPageSize is the largest page size the v2 list endpoints accept.
const maxPageSize = 250

// multiEntityResult is the v2 list envelope, MultiEntityResult<T>.
type multiEntityResult[T any] struct {
	Results []T                        `json:"results"`
	Links   map[string]json.RawMessage `json:"_links"`
}

// listAll GETs a v2 list endpoint and follows its cursor until the end, or
// until maxResults items (0 = all). The next page comes from the Link header
// or, failing that, from _links.next; both are relative to the site root.
func listAll[T any](ctx context.Context, c *Client, first *url.URL, maxResults int) ([]T, error) {
	var all []T
	err := c.walkPages(first, func(u *url.URL) (string, error) {
		var page multiEntityResult[T]
		meta, err := c.do(ctx, request{method: http.MethodGet, url: u}, &page)
		if err != nil {
			return "", err
		}
		all = append(all, page.Results...)
		if (maxResults > 0 && len(all) >= maxResults) || len(page.Results) == 0 {
			return "", nil
		}
		if next := nextLink(meta.header.Values("Link")); next != "" {
			return next, nil
		}
		return linkString(page.Links, "next"), nil
	})
	if maxResults > 0 && len(all) > maxResults {
		all = all[:maxResults]
	}
	return all, err
}

// walkPages requests first, then each next link visit returns ("" when
// done), on the API base the client talks to. It stops rather than loop when
// a server returns the same next link twice.
func (c *Client) walkPages(first *url.URL, visit func(u *url.URL) (next string, err error)) error {
	seen := map[string]bool{}
	for u := first; ; {
		if seen[u.String()] {
			return fmt.Errorf("GET %s: the server returned the same next link twice; stopping to avoid a loop", u.EscapedPath())
		}
		seen[u.String()] = true
		next, err := visit(u)
		if err != nil || next == "" {
			return err
		}
		if u, err = c.onSite(next); err != nil {
			return fmt.Errorf("GET %s: following the next link: %w", first.EscapedPath(), err)
		}
	}
}

// nextLink returns the rel="next" target of RFC 8288 Link header values, e.g.
// `</wiki/api/v2/pages?cursor=abc>; rel="next", <https://x.atlassian.net/wiki>; rel="base"`.
func nextLink(values []string) string {
	for _, v := range values {
		for v != "" {
			start := strings.IndexByte(v, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(v[start:], '>')
			if end < 0 {
				break
			}
			target := v[start+1 : start+end]
			rest := v[start+end+1:]
			params := rest
			if i := strings.IndexByte(rest, '<'); i >= 0 {
				params = rest[:i]
			}
			params = strings.TrimRight(strings.TrimSpace(params), ",") // the link separator
			for _, p := range strings.Split(params, ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(value), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target
					}
				}
			}
			v = rest
		}
	}
	return ""
}

// linkString reads a string entry of a _links object; entries that are not
// strings (GenericLinks allows objects) read as "".
func linkString(links map[string]json.RawMessage, key string) string {
	var s string
	if raw, ok := links[key]; ok && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// onSite resolves a link from a response (site-root relative, or absolute)
// onto the configured site. An absolute link's scheme and host are replaced
// by the configured ones, so the credentials never go to another host.
func (c *Client) onSite(link string) (*url.URL, error) {
	ref, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("invalid link %q: %w", link, err)
	}
	// Links through the gateway may carry its /ex/confluence/{cloudId}
	// prefix; do maps the site-relative path back onto the API base, so
	// pagination follows the gateway, never /wiki at the site host.
	p, rawPath := stripGatewayPrefix(ref.Path), ""
	if ref.RawPath != "" {
		rawPath = stripGatewayPrefix(ref.RawPath)
	}
	u := c.site.ResolveReference(&url.URL{Path: p, RawPath: rawPath, RawQuery: ref.RawQuery})
	if !strings.HasPrefix(u.Path, "/wiki/") {
		return nil, fmt.Errorf("link %q does not point into /wiki", link)
	}
	return u, nil
}

// joinV1Next joins a v1 _links.next (e.g. "/rest/api/search?cursor=…") onto
// _links.base (e.g. "https://x.atlassian.net/wiki"); base defaults to /wiki.
func joinV1Next(base, next string) string {
	basePath := "/wiki"
	if b, err := url.Parse(base); err == nil && b.Path != "" {
		basePath = strings.TrimSuffix(b.Path, "/")
	}
	if !strings.HasPrefix(next, "/") {
		next = "/" + next
	}
	return basePath + next
}

// chunks splits s into slices of at most n elements.
func chunks(s []string, n int) [][]string {
	if len(s) == 0 {
		return [][]string{nil}
	}
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// pageSize returns a v2 page size: the requested one within [1, 250], else 250.
func pageSize(requested int) int {
	if requested <= 0 || requested > maxPageSize {
		return maxPageSize
	}
	return requested
}
