// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"slices"
)

type v2Space struct {
	ID          string            `json:"id"`
	Key         string            `json:"key"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Status      string            `json:"status"`
	AuthorID    string            `json:"authorId"`
	CreatedAt   string            `json:"createdAt"`
	HomepageID  string            `json:"homepageId"`
	Description map[string]any    `json:"description"`
	Links       map[string]string `json:"_links"`
}

func renderSpace(s *space, base string) v2Space {
	out := v2Space{
		ID: s.ID, Key: s.Key, Name: s.Name, Type: "global", Status: "current",
		AuthorID: s.AuthorID, CreatedAt: formatTime(s.CreatedAt), HomepageID: s.HomepageID,
		Description: map[string]any{},
		Links:       map[string]string{"webui": "/spaces/" + s.Key},
	}
	if base != "" {
		out.Links["base"] = base
	}
	return out
}

func handleListSpaces(c *call) *apiError {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	keys, ids := multiValues(c, "keys"), multiValues(c, "ids")
	var visible []*space
	for _, s := range c.e.site.Spaces {
		if len(keys) > 0 && !slices.Contains(keys, s.Key) {
			continue
		}
		if len(ids) > 0 && !slices.Contains(ids, s.ID) {
			continue
		}
		if c.e.permLocked(c.acct, s) >= PermView {
			visible = append(visible, s)
		}
	}
	key := func(s *space) string { return paddedID(s.ID) }
	spaces, next, err := keyedPage(visible, key, false, "spaces", c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]v2Space, 0, len(spaces))
	for _, s := range spaces {
		results = append(results, renderSpace(s, ""))
	}
	return writeV2List(c, results, next)
}

// visibleSpace finds a space the caller may see; others answer 404, as Confluence hides them.
func (c *call) visibleSpace(id string) (*space, Permission, *apiError) {
	s := c.e.spaceByIDLocked(id)
	perm := c.e.permLocked(c.acct, s)
	if perm < PermView {
		return nil, PermNone, notFound()
	}
	return s, perm, nil
}

func handleGetSpace(c *call) *apiError {
	s, _, err := c.visibleSpace(c.param("id"))
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, renderSpace(s, c.baseURL()))
}
