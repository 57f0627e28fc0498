// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Child page order, as Confluence Cloud keeps it:
//
//   - GET /wiki/api/v2/pages/{id}/children lists a page's child pages the
//     caller may view, "ascending by child-position" unless sort says
//     otherwise (ChildPageSortOrder in the v2 document), each with its
//     childPosition;
//   - PUT /wiki/rest/api/content/{pageId}/move/{position}/{targetId} (v1,
//     "Move a page to a new location relative to a target page") puts a page
//     before or after a target under the target's parent, or appends it as
//     the target's last child. A move is not a new version of the page.
//
// A parent's order is stored once a move sets it (site.ChildOrder); children
// it does not list (pages created or moved under the parent since) follow
// the listed ones in creation order, so a new page comes last as in
// Confluence.

// childrenLocked returns the current child pages of parentID ("" for the
// top level of a space, then only those of spaceID) in child-position order.
func (e *Emulator) childrenLocked(spaceID, parentID string) []*page {
	var children []*page
	for _, p := range e.site.Pages {
		if p.ParentID == parentID && p.Status == statusCurrent && (parentID != "" || p.SpaceID == spaceID) {
			children = append(children, p)
		}
	}
	listed := e.site.ChildOrder[childOrderKey(spaceID, parentID)]
	rank := func(p *page) int {
		if i := slices.Index(listed, p.ID); i >= 0 {
			return i
		}
		return len(listed)
	}
	slices.SortFunc(children, func(a, b *page) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(paddedID(a.ID), paddedID(b.ID))
	})
	return children
}

// childOrderKey keys site.ChildOrder: the parent page's id, or the space
// for its top-level pages.
func childOrderKey(spaceID, parentID string) string {
	if parentID == "" {
		return "space:" + spaceID
	}
	return parentID
}

// childPage is ChildPage of the v2 document.
type childPage struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	Title         string `json:"title"`
	SpaceID       string `json:"spaceId"`
	ChildPosition int    `json:"childPosition"`
}

func handleListChildPages(c *call) *apiError {
	parent, _, _, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	sortName := c.query("sort")
	desc := strings.HasPrefix(sortName, "-")
	var key func(childPage) string
	switch strings.TrimPrefix(sortName, "-") {
	case "", "child-position":
		key = func(p childPage) string { return fmt.Sprintf("%010d", p.ChildPosition) }
	case "id", "created-date": // ids grow with creation
		key = func(p childPage) string { return paddedID(p.ID) }
	case "modified-date":
		key = func(p childPage) string { return timeKey(c.e.site.Pages[p.ID].lastModified()) + paddedID(p.ID) }
	default:
		return badRequest("Invalid sort %q: use child-position, id, created-date or modified-date, optionally prefixed with -", sortName)
	}
	var results []childPage
	for i, p := range c.e.childrenLocked(parent.SpaceID, parent.ID) {
		if c.e.pagePermLocked(c.acct, p, c.e.spaceByIDLocked(p.SpaceID)) < PermView {
			continue // "Only pages that the user has permission to view will be returned."
		}
		results = append(results, childPage{ID: p.ID, Status: p.Status, Title: p.title(), SpaceID: p.SpaceID, ChildPosition: i})
	}
	page, next, err := keyedPage(results, key, desc, "children:"+sortName, c.query("cursor"), limit)
	if err != nil {
		return err
	}
	return writeV2List(c, page, next)
}

// Move positions of the v1 move API.
const (
	moveBefore = "before"
	moveAfter  = "after"
	moveAppend = "append"
)

func handleMovePage(c *call) *apiError {
	p, s, perm, err := c.visiblePage(c.param("pageId"))
	if err != nil || p.Status != statusCurrent {
		return v1Errorf(http.StatusNotFound, "No content found with id: %s", c.param("pageId"))
	}
	target, _, _, err := c.visiblePage(c.param("targetId"))
	if err != nil || target.Status != statusCurrent {
		return v1Errorf(http.StatusNotFound, "No content found with id: %s", c.param("targetId"))
	}
	if perm < PermEdit {
		return v1Errorf(http.StatusForbidden, "%s may not move page %s in space %s", c.acct.DisplayName, p.ID, s.Key)
	}
	position := c.param("position")
	newParent := target.ParentID
	switch position {
	case moveBefore, moveAfter:
		if target.ID == p.ID {
			return v1Errorf(http.StatusBadRequest, "Cannot move page %s %s itself", p.ID, position)
		}
	case moveAppend:
		newParent = target.ID
	default:
		return v1Errorf(http.StatusBadRequest, "Invalid position %q: use before, after or append", position)
	}
	if target.SpaceID != p.SpaceID {
		// Documented by Atlassian, but not modelled here: the provider never
		// moves a page to another space with this API.
		return v1Errorf(http.StatusBadRequest, "The emulator moves pages within their space only (page %s is in %s, target %s is not)", p.ID, s.Key, target.ID)
	}
	if newParent != "" {
		if err := c.e.checkParentLocked(s, newParent, p.ID); err != nil {
			return v1Errorf(err.status, "%s", err.title)
		}
	}
	if newParent != p.ParentID && c.e.pagePermLocked(c.acct, target, s) < PermEdit && position == moveAppend {
		return v1Errorf(http.StatusForbidden, "%s may not add child pages to page %s", c.acct.DisplayName, target.ID)
	}

	var order []string
	for _, child := range c.e.childrenLocked(p.SpaceID, newParent) {
		if child.ID != p.ID {
			order = append(order, child.ID)
		}
	}
	at := len(order)
	if i := slices.Index(order, target.ID); i >= 0 && position != moveAppend {
		at = i
		if position == moveAfter {
			at++
		}
	}
	order = slices.Insert(order, at, p.ID)
	if c.e.site.ChildOrder == nil {
		c.e.site.ChildOrder = map[string][]string{}
	}
	if oldKey := childOrderKey(p.SpaceID, p.ParentID); p.ParentID != newParent && c.e.site.ChildOrder[oldKey] != nil {
		c.e.site.ChildOrder[oldKey] = slices.DeleteFunc(slices.Clone(c.e.site.ChildOrder[oldKey]), func(id string) bool { return id == p.ID })
	}
	c.e.site.ChildOrder[childOrderKey(p.SpaceID, newParent)] = order
	p.ParentID = newParent
	return c.json(http.StatusOK, map[string]string{"pageId": p.ID})
}

// ChildIDs returns the ids of a page's current child pages in child-position
// order, for tests; reading it is not a request.
func (e *Emulator) ChildIDs(parentID string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	parent := e.site.Pages[parentID]
	if parent == nil {
		return nil
	}
	var ids []string
	for _, p := range e.childrenLocked(parent.SpaceID, parentID) {
		ids = append(ids, p.ID)
	}
	return ids
}
