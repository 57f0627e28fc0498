// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

type v2Label struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Prefix string `json:"prefix"`
}

func toV2Label(l *label) v2Label { return v2Label{ID: l.ID, Name: l.Name, Prefix: l.Prefix} }

// v1Label is the v1 Label shape: it repeats the name as "label".
type v1Label struct {
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Label  string `json:"label"`
}

type v1LabelArray struct {
	Results []v1Label         `json:"results"`
	Start   int               `json:"start"`
	Limit   int               `json:"limit"`
	Size    int               `json:"size"`
	Links   map[string]string `json:"_links"`
}

// invalidLabelChars are the characters Confluence refuses in label names.
const invalidLabelChars = ":;,.?&[]()#^*@!<>/\\"

const maxLabelLength = 255

// normalizeLabel validates a label name and returns it lowercased, as Confluence stores it.
func normalizeLabel(name string) (string, *apiError) {
	if name == "" {
		return "", v1Errorf(http.StatusBadRequest, "Label name cannot be empty")
	}
	if utf8.RuneCountInString(name) > maxLabelLength {
		return "", v1Errorf(http.StatusBadRequest, "Label '%s' is longer than %d characters", name, maxLabelLength)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || strings.ContainsRune(invalidLabelChars, r) {
			return "", v1Errorf(http.StatusBadRequest, "Label '%s' contains an invalid character: %q. Labels cannot contain spaces or any of %s", name, r, invalidLabelChars)
		}
	}
	return strings.ToLower(name), nil
}

func handleListPageLabels(c *call) *apiError {
	p, _, _, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	prefix := c.query("prefix")
	var matched []*label
	for _, l := range c.e.visibleLabelsLocked(p) {
		if prefix == "" || l.Prefix == prefix {
			matched = append(matched, l)
		}
	}
	labels, next, err := keyedPage(matched, func(l *label) string { return paddedID(l.ID) }, false, "labels", c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]v2Label, 0, len(labels))
	for _, l := range labels {
		results = append(results, toV2Label(l))
	}
	return writeV2List(c, results, next)
}

// labelSortKey returns the key function for a v2 label sort (LabelSortOrder).
// Label ids are handed out when a name is first used, so id order is creation order
// and created-date sorts like id.
func labelSortKey(sortName string) (func(*label) string, bool, *apiError) {
	desc := strings.HasPrefix(sortName, "-")
	switch strings.TrimPrefix(sortName, "-") {
	case "", "id", "created-date":
		return func(l *label) string { return paddedID(l.ID) }, desc, nil
	case "name":
		return func(l *label) string { return l.Name + "\x00" + paddedID(l.ID) }, desc, nil
	default:
		return nil, false, badRequest("Invalid sort %q: use id, name or created-date, optionally prefixed with -", sortName)
	}
}

// handleListSpaceContentLabels lists each label used on the space's current pages once.
func handleListSpaceContentLabels(c *call) *apiError {
	s, _, err := c.visibleSpace(c.param("id"))
	if err != nil {
		return err
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	sortName := c.query("sort")
	key, desc, err := labelSortKey(sortName)
	if err != nil {
		return err
	}
	prefix := c.query("prefix")
	wanted := func(l *label) bool { return prefix == "" || l.Prefix == prefix }
	if prefix == "" && c.e.documentedLabelPrefixes {
		// The documented default, "my, team": global labels only when asked for.
		wanted = func(l *label) bool { return l.Prefix == "my" || l.Prefix == "team" }
	}
	// Pages in id order, so that which page's copy of a label is listed does not depend
	// on map order (copies differ only if one name was added with different prefixes).
	byID := map[string]*label{}
	for _, id := range slices.SortedFunc(maps.Keys(c.e.site.Pages), func(a, b string) int { return cmp.Compare(idNum(a), idNum(b)) }) {
		p := c.e.site.Pages[id]
		if p.SpaceID != s.ID || p.Status != statusCurrent {
			continue
		}
		for _, l := range c.e.visibleLabelsLocked(p) {
			if _, seen := byID[l.ID]; !seen && wanted(l) {
				byID[l.ID] = l
			}
		}
	}
	labels, next, err := keyedPage(slices.Collect(maps.Values(byID)), key, desc, "space-labels:"+sortName, c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]v2Label, 0, len(labels))
	for _, l := range labels {
		results = append(results, toV2Label(l))
	}
	return writeV2List(c, results, next)
}

// maxSpaceIDsPerRequest is how many space-id values GET /labels/{id}/pages takes, as documented.
const maxSpaceIDsPerRequest = 100

// handleListLabelPages lists the current pages carrying a label that the caller may view.
func handleListLabelPages(c *call) *apiError {
	labelID := c.param("id")
	if !c.e.labelKnownLocked(labelID) {
		return errorf(http.StatusNotFound, "Label %s was not found", labelID)
	}
	spaceIDs := multiValues(c, "space-id")
	if len(spaceIDs) > maxSpaceIDsPerRequest {
		return badRequest("Too many space ids: %d given, at most %d per request", len(spaceIDs), maxSpaceIDsPerRequest)
	}
	return c.listPages(pageFilter{labelID: labelID, spaceIDs: spaceIDs, statuses: []string{statusCurrent}})
}

// labelKnownLocked reports whether a label with the id was ever created on the site;
// like Confluence, a label outlives its removal from the last page.
func (e *Emulator) labelKnownLocked(id string) bool {
	return slices.Contains(slices.Collect(maps.Values(e.site.LabelIDs)), id)
}

func (p *page) hasLabelID(id string) bool {
	return slices.ContainsFunc(p.Labels, func(l *label) bool { return l.ID == id })
}

// v1Page finds a page the caller may edit for the v1 label endpoints, answering errors
// in the v1 shape: 404 when it cannot be seen, 403 when it can only be viewed.
func (c *call) v1Page() (*page, *apiError) {
	p, s, perm, err := c.visiblePage(c.param("id"))
	if err != nil || p.Status != statusCurrent {
		return nil, v1Errorf(http.StatusNotFound, "No content found with id: %s", c.param("id"))
	}
	if perm < PermEdit {
		return nil, v1Errorf(http.StatusForbidden, "%s may not edit labels of content %s in space %s", c.acct.DisplayName, p.ID, s.Key)
	}
	return p, nil
}

func (c *call) writeV1Labels(p *page) *apiError {
	out := v1LabelArray{Results: make([]v1Label, 0, len(p.Labels)), Links: map[string]string{
		"base": c.baseURL(), "context": "/wiki", "self": c.baseURL() + "/rest/api/content/" + p.ID + "/label",
	}}
	for _, l := range p.Labels {
		out.Results = append(out.Results, v1Label{Prefix: l.Prefix, Name: l.Name, ID: l.ID, Label: l.Name})
	}
	out.Size, out.Limit = len(out.Results), max(len(out.Results), 200)
	return c.json(http.StatusOK, out)
}

type labelCreate struct {
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
}

func handleV1AddLabels(c *call) *apiError {
	p, err := c.v1Page()
	if err != nil {
		return err
	}
	// The body is an array of labels or a single label.
	var raw json.RawMessage
	if err := c.decode(&raw); err != nil {
		return v1Errorf(err.status, "%s", err.title)
	}
	var reqs []labelCreate
	if err := json.Unmarshal(raw, &reqs); err != nil {
		var one labelCreate
		if err := json.Unmarshal(raw, &one); err != nil {
			return v1Errorf(http.StatusBadRequest, "Expected a label or an array of labels: %v", err)
		}
		reqs = []labelCreate{one}
	}
	// Validate everything first so a bad label adds nothing.
	names := make([]string, 0, len(reqs))
	prefixes := make([]string, 0, len(reqs))
	for _, r := range reqs {
		name, err := normalizeLabel(r.Name)
		if err != nil {
			return err
		}
		prefix := r.Prefix
		if prefix == "" {
			prefix = "global"
		}
		if prefix != "global" && prefix != "my" && prefix != "team" {
			return v1Errorf(http.StatusBadRequest, "Label prefix '%s' is not supported: use global", r.Prefix)
		}
		names, prefixes = append(names, name), append(prefixes, prefix)
	}
	for i, name := range names {
		if p.hasLabel(name) {
			continue
		}
		id := c.e.site.LabelIDs[name]
		if id == "" {
			id = c.e.nextIDLocked()
			c.e.site.LabelIDs[name] = id
		}
		p.Labels = append(p.Labels, &label{ID: id, Prefix: prefixes[i], Name: name})
		c.e.startLagLocked(c.e.hiddenLabels, labelLagKey(p.ID, name), c.e.labelLag)
	}
	return c.writeV1Labels(p)
}

func (p *page) hasLabel(name string) bool {
	for _, l := range p.Labels {
		if l.Name == name {
			return true
		}
	}
	return false
}

func (c *call) removeLabel(name string) *apiError {
	p, err := c.v1Page()
	if err != nil {
		return err
	}
	if name == "" || strings.Contains(name, "/") {
		return v1Errorf(http.StatusBadRequest, "Invalid label name '%s'", name)
	}
	name = strings.ToLower(name)
	for i, l := range p.Labels {
		if l.Name == name {
			p.Labels = append(p.Labels[:i:i], p.Labels[i+1:]...)
			return c.noContent()
		}
	}
	return v1Errorf(http.StatusNotFound, "Label '%s' is not on content %s", name, p.ID)
}

func handleV1RemoveLabel(c *call) *apiError { return c.removeLabel(c.param("label")) }

func handleV1RemoveLabelByQuery(c *call) *apiError { return c.removeLabel(c.query("name")) }
