// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator/cql"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator/storagefmt"
)

// searchCursor is what a v1 search cursor carries: the query it belongs to and the
// offset of the next result.
type searchCursor struct {
	CQL    string `json:"q"`
	Offset int    `json:"o"`
}

const excerptLength = 200

type v1Space struct {
	ID         int64             `json:"id"`
	Key        string            `json:"key"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Status     string            `json:"status"`
	Expandable map[string]string `json:"_expandable"`
	Links      map[string]string `json:"_links"`
}

type v1Version struct {
	By        v1User `json:"by"`
	When      string `json:"when"`
	Message   string `json:"message"`
	Number    int    `json:"number"`
	MinorEdit bool   `json:"minorEdit"`
}

type v1ContentBody struct {
	Value          string `json:"value"`
	Representation string `json:"representation"`
}

// v1Content is the v1 Content shape with the expansions the emulator supports:
// space (always), version, body.storage, metadata.labels and ancestors.
type v1Content struct {
	ID         string                   `json:"id"`
	Type       string                   `json:"type"`
	Status     string                   `json:"status"`
	Title      string                   `json:"title"`
	Space      v1Space                  `json:"space"`
	Version    *v1Version               `json:"version,omitempty"`
	Body       map[string]v1ContentBody `json:"body,omitempty"`
	Metadata   map[string]any           `json:"metadata,omitempty"`
	Ancestors  []v1Content              `json:"ancestors,omitempty"`
	Expandable map[string]string        `json:"_expandable"`
	Links      map[string]string        `json:"_links"`
}

type v1ContainerSummary struct {
	Title      string `json:"title"`
	DisplayURL string `json:"displayUrl"`
}

type v1SearchResult struct {
	Content               v1Content          `json:"content"`
	Title                 string             `json:"title"`
	Excerpt               string             `json:"excerpt"`
	URL                   string             `json:"url"`
	ResultGlobalContainer v1ContainerSummary `json:"resultGlobalContainer"`
	Breadcrumbs           []any              `json:"breadcrumbs"`
	EntityType            string             `json:"entityType"`
	IconCSSClass          string             `json:"iconCssClass"`
	LastModified          string             `json:"lastModified"`
	FriendlyLastModified  string             `json:"friendlyLastModified"`
	Score                 float64            `json:"score"`
}

type v1SearchResponse struct {
	Results        []v1SearchResult  `json:"results"`
	Start          int               `json:"start"`
	Limit          int               `json:"limit"`
	Size           int               `json:"size"`
	TotalSize      int               `json:"totalSize"`
	CQLQuery       string            `json:"cqlQuery"`
	SearchDuration int               `json:"searchDuration"`
	Links          map[string]string `json:"_links"`
}

type v1ContentArray struct {
	Results []v1Content       `json:"results"`
	Start   int               `json:"start"`
	Limit   int               `json:"limit"`
	Size    int               `json:"size"`
	Links   map[string]string `json:"_links"`
}

// searchRequest is a parsed and executed v1 search: the visible current pages matching
// the query, in result order, and the slice of them this request returns.
type searchRequest struct {
	indexed map[string]*page // the pages searched, for rendering ancestors
	cql     string
	limit   int
	offset  int
	pages   []*page // every match, ordered
	next    string  // cursor for the next request, "" on the last
}

func (c *call) runSearch() (*searchRequest, *apiError) {
	q := c.query("cql")
	if strings.TrimSpace(q) == "" {
		return nil, v1Errorf(http.StatusBadRequest, "CQL query parameter 'cql' is required")
	}
	query, err := cql.ParseAt(q, c.e.now())
	if err != nil {
		return nil, v1Errorf(http.StatusBadRequest, "%s", err.Error())
	}
	limit := defaultLimit
	if raw := c.query("limit"); raw != "" {
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 0 {
			return nil, v1Errorf(http.StatusBadRequest, "Invalid limit %q: must be a non-negative integer", raw)
		}
		// Confluence caps the page size rather than rejecting large limits.
		limit = min(max(n, 1), maxLimit)
	}
	indexed := c.e.searchablePagesLocked()
	sr := &searchRequest{indexed: indexed, cql: q, limit: limit}
	if raw := c.query("cursor"); raw != "" {
		var cur searchCursor
		data, decErr := base64.RawURLEncoding.DecodeString(raw)
		if decErr == nil {
			decErr = json.Unmarshal(data, &cur)
		}
		if decErr != nil || cur.CQL != q || cur.Offset < 0 {
			return nil, v1Errorf(http.StatusBadRequest, "Invalid cursor %q: pass the cursor from _links.next with the same cql", raw)
		}
		sr.offset = cur.Offset
	}

	// Candidates: indexed current pages the caller may view now, in id order so results
	// are stable.
	var docs []cql.Doc
	byID := map[string]*page{}
	for _, p := range indexed {
		if p.Status != statusCurrent {
			continue
		}
		s := c.e.spaceByIDLocked(p.SpaceID)
		// Restrictions are checked on the live page (the index lags content, not
		// permissions); a page purged since it was indexed keeps showing.
		live := c.e.site.Pages[p.ID]
		if live == nil {
			live = p
		}
		if c.e.pagePermLocked(c.acct, live, s) < PermView {
			continue
		}
		d := docOf(indexed, p, s)
		if query.Match(d) {
			docs = append(docs, d)
			byID[p.ID] = p
		}
	}
	slices.SortFunc(docs, func(a, b cql.Doc) int { return cmp.Compare(idNum(a.ID), idNum(b.ID)) })
	query.Sort(docs)
	for _, d := range docs {
		sr.pages = append(sr.pages, byID[d.ID])
	}
	if end := sr.offset + sr.limit; end < len(sr.pages) {
		data, _ := json.Marshal(searchCursor{CQL: q, Offset: end})
		sr.next = base64.RawURLEncoding.EncodeToString(data)
	}
	return sr, nil
}

// window is the part of the results this request returns.
func (sr *searchRequest) window() []*page {
	if sr.offset >= len(sr.pages) {
		return nil
	}
	return sr.pages[sr.offset:min(sr.offset+sr.limit, len(sr.pages))]
}

// docOf is what the search index holds of page p of space s; pages resolves ancestors.
func docOf(pages map[string]*page, p *page, s *space) cql.Doc {
	cur := p.current()
	d := cql.Doc{
		ID: p.ID, Type: p.contentType(), Status: p.Status, SpaceKey: s.Key, Title: cur.Title,
		Text: storagefmt.PlainText(cur.Body), ParentID: p.ParentID, Labels: p.labelNames(),
		Created: p.CreatedAt, LastModified: cur.CreatedAt,
	}
	d.AncestorIDs = ancestorIDs(pages, p)
	return d
}

// ancestorIDs lists the page's ancestors in pages from the root down, as Confluence does.
func ancestorIDs(pages map[string]*page, p *page) []string {
	var ids []string
	seen := map[string]bool{p.ID: true}
	for id := p.ParentID; id != "" && !seen[id]; {
		seen[id] = true
		ids = append([]string{id}, ids...)
		parent := pages[id]
		if parent == nil {
			break
		}
		id = parent.ParentID
	}
	return ids
}

// v1Links builds the _links of a v1 list: base is the /wiki site URL and next, when
// there is more, is relative to base.
func (c *call) v1Links(next string) map[string]string {
	links := map[string]string{
		"base":    c.baseURL(),
		"context": "/wiki",
		"self":    c.baseURL() + strings.TrimPrefix(c.r.URL.Path, "/wiki") + "?" + c.r.URL.RawQuery,
	}
	if next != "" {
		q := url.Values{}
		for k, v := range c.r.URL.Query() {
			q[k] = v
		}
		q.Set("cursor", next)
		links["next"] = strings.TrimPrefix(c.r.URL.Path, "/wiki") + "?" + q.Encode()
	}
	return links
}

// expandSet parses the expand parameter (repeated or comma separated); prefix is
// stripped from each entry ("content." for search results).
func expandSet(c *call, prefix string) map[string]bool {
	set := map[string]bool{}
	for _, v := range multiValues(c, "expand") {
		if strings.HasPrefix(v, prefix) {
			set[strings.TrimPrefix(v, prefix)] = true
		}
	}
	return set
}

func (e *Emulator) accountByIDLocked(id string) v1User {
	for _, a := range e.site.Accounts {
		if a.AccountID == id {
			return v1User{Type: "known", AccountID: a.AccountID, AccountType: "atlassian", Email: a.Email, PublicName: a.DisplayName, DisplayName: a.DisplayName}
		}
	}
	return v1User{Type: "unknown", AccountID: id, AccountType: "atlassian", PublicName: "Unknown user", DisplayName: "Unknown user"}
}

// renderV1Content renders page p of space s; pages resolves ancestors.
func (e *Emulator) renderV1Content(pages map[string]*page, p *page, s *space, expand map[string]bool) v1Content {
	cur := p.current()
	out := v1Content{
		ID: p.ID, Type: p.contentType(), Status: p.Status, Title: cur.Title,
		Space: v1Space{ID: idNum(s.ID), Key: s.Key, Name: s.Name, Type: "global", Status: "current",
			Expandable: map[string]string{"settings": "", "metadata": "", "operations": "", "lookAndFeel": "", "permissions": "", "icon": "", "description": "", "theme": "", "history": "", "homepage": ""},
			Links:      map[string]string{"webui": "/spaces/" + s.Key, "self": "/wiki/rest/api/space/" + s.Key}},
		Expandable: map[string]string{},
		Links: map[string]string{
			"webui":  contentWebUI(s, p, cur.Title),
			"tinyui": "/x/" + p.ID,
			"self":   "/wiki/rest/api/content/" + p.ID,
		},
	}
	if expand["version"] {
		out.Version = &v1Version{By: e.accountByIDLocked(cur.AuthorID), When: formatTime(cur.CreatedAt), Message: cur.Message, Number: cur.Number, MinorEdit: cur.MinorEdit}
	} else {
		out.Expandable["version"] = ""
	}
	if expand["body.storage"] {
		out.Body = map[string]v1ContentBody{"storage": {Value: cur.Body, Representation: "storage"}}
	} else {
		out.Expandable["body"] = ""
	}
	if expand["metadata.labels"] {
		labels := make([]v1Label, 0, len(p.Labels))
		for _, l := range p.Labels {
			labels = append(labels, v1Label{Prefix: l.Prefix, Name: l.Name, ID: l.ID, Label: l.Name})
		}
		out.Metadata = map[string]any{"labels": v1LabelArray{Results: labels, Start: 0, Limit: 200, Size: len(labels), Links: map[string]string{}}}
	} else {
		out.Expandable["metadata"] = ""
	}
	if expand["ancestors"] {
		out.Ancestors = []v1Content{}
		for _, id := range ancestorIDs(pages, p) {
			if a := pages[id]; a != nil {
				out.Ancestors = append(out.Ancestors, e.renderV1Content(pages, a, s, nil))
			}
		}
	} else {
		out.Expandable["ancestors"] = ""
	}
	return out
}

func excerpt(body string) string {
	text := strings.Join(strings.Fields(storagefmt.PlainText(body)), " ")
	if utf8.RuneCountInString(text) <= excerptLength {
		return text
	}
	return string([]rune(text)[:excerptLength]) + "…"
}

func handleSearch(c *call) *apiError {
	sr, err := c.runSearch()
	if err != nil {
		return err
	}
	expand := expandSet(c, "content.")
	window := sr.window()
	results := make([]v1SearchResult, 0, len(window))
	for _, p := range window {
		s := c.e.spaceByIDLocked(p.SpaceID)
		cur := p.current()
		content := c.e.renderV1Content(sr.indexed, p, s, expand)
		results = append(results, v1SearchResult{
			Content: content, Title: cur.Title, Excerpt: excerpt(cur.Body), URL: content.Links["webui"],
			ResultGlobalContainer: v1ContainerSummary{Title: s.Name, DisplayURL: "/spaces/" + s.Key},
			Breadcrumbs:           []any{}, EntityType: "content", IconCSSClass: "aui-icon content-type-page",
			LastModified: formatTime(cur.CreatedAt), FriendlyLastModified: cur.CreatedAt.UTC().Format("Jan 02, 2006"),
			Score: 1,
		})
	}
	return c.json(http.StatusOK, v1SearchResponse{
		Results: results, Start: sr.offset, Limit: sr.limit, Size: len(results), TotalSize: len(sr.pages),
		CQLQuery: sr.cql, Links: c.v1Links(sr.next),
	})
}

func handleContentSearch(c *call) *apiError {
	sr, err := c.runSearch()
	if err != nil {
		return err
	}
	expand := expandSet(c, "")
	window := sr.window()
	results := make([]v1Content, 0, len(window))
	for _, p := range window {
		results = append(results, c.e.renderV1Content(sr.indexed, p, c.e.spaceByIDLocked(p.SpaceID), expand))
	}
	return c.json(http.StatusOK, v1ContentArray{Results: results, Start: sr.offset, Limit: sr.limit, Size: len(results), Links: c.v1Links(sr.next)})
}
