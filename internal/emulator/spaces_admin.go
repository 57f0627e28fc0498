// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"regexp"
	"strings"
)

// spaceKeyPattern is what Confluence accepts as a space key: letters and
// digits (https://support.atlassian.com/confluence-cloud/docs/create-a-space/).
var spaceKeyPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)

// handleCreateSpace answers POST /wiki/api/v2/spaces (v2 "Create space",
// SpaceCreateRequest → 201 SpaceBulk with _links.base). Every licensed user
// may create spaces by default (global permission "Create Space"); the
// creator administers the new space. The live contract suite uses it to work
// only in a space of its own.
func handleCreateSpace(c *call) *apiError {
	var body struct {
		Name string `json:"name"`
		Key  string `json:"key"`
	}
	if err := c.decode(&body); err != nil {
		return err
	}
	if strings.TrimSpace(body.Name) == "" {
		return badRequest("name is required")
	}
	if !spaceKeyPattern.MatchString(body.Key) {
		return badRequest("The space key %q is invalid: use letters and numbers only", body.Key)
	}
	key := strings.ToUpper(body.Key)
	if c.e.spaceByKeyLocked(key) != nil {
		return badRequest("A space with key %s already exists", key)
	}
	s := c.e.addSpaceLocked(key, body.Name, c.acct.AccountID)
	email := strings.ToLower(c.acct.Email)
	if c.e.site.Grants[email] == nil {
		c.e.site.Grants[email] = map[string]Permission{}
	}
	c.e.site.Grants[email][key] = PermAdmin
	return c.json(http.StatusCreated, renderSpace(s, c.baseURL()))
}

// handleDeleteSpace answers DELETE /wiki/rest/api/space/{spaceKey} (v1
// "Delete space": 202 with a LongTask). The emulator deletes at once, pages
// included; space admins only, others get 403 (404 when they cannot see it).
func handleDeleteSpace(c *call) *apiError {
	s := c.e.spaceByKeyLocked(c.param("spaceKey"))
	perm := c.e.permLocked(c.acct, s)
	switch {
	case perm < PermView:
		return v1Errorf(http.StatusNotFound, "No space with key : %s", c.param("spaceKey"))
	case perm < PermAdmin:
		return v1Errorf(http.StatusForbidden, "Not permitted to delete space %s", s.Key)
	}
	for id, p := range c.e.site.Pages {
		if p.SpaceID == s.ID {
			delete(c.e.site.Pages, id)
		}
	}
	c.e.site.Spaces = slicesDelete(c.e.site.Spaces, s)
	for _, g := range c.e.site.Grants {
		delete(g, s.Key)
	}
	task := c.e.nextIDLocked()
	return c.json(http.StatusAccepted, map[string]any{
		"ari":   "ari:cloud:confluence::longtask/" + task,
		"id":    task,
		"links": map[string]string{"status": "/rest/api/longtask/" + task},
	})
}

func slicesDelete(spaces []*space, s *space) []*space {
	out := spaces[:0]
	for _, x := range spaces {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
