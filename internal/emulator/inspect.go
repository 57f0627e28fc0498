// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"maps"
	"slices"
)

// PageSnapshot is a page as stored, for tests; reading it is not a request.
type PageSnapshot struct {
	ID, SpaceKey, Title, ParentID, Status string
	Version                               int
	Body                                  string // storage format as stored (after rewriting)
	VersionMessage                        string
	AuthorAccountID                       string // who created the page
	LastEditorAccountID                   string // who wrote the current version
	Labels                                []string
	Properties                            map[string]json.RawMessage // page properties by key
}

// Page returns the stored page with the given id, in any status.
func (e *Emulator) Page(id string) (PageSnapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.site.Pages[id]
	if p == nil {
		return PageSnapshot{}, false
	}
	return e.snapshotLocked(p), true
}

// PageByTitle returns the page with the title in the space, current or trashed.
func (e *Emulator) PageByTitle(spaceKey, title string) (PageSnapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.spaceByKeyLocked(spaceKey)
	if s == nil {
		return PageSnapshot{}, false
	}
	for _, p := range e.site.Pages {
		if p.SpaceID == s.ID && p.title() == title {
			return e.snapshotLocked(p), true
		}
	}
	return PageSnapshot{}, false
}

// PageVersions returns every stored version of a page as snapshots, oldest first.
func (e *Emulator) PageVersions(id string) []PageSnapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.site.Pages[id]
	if p == nil {
		return nil
	}
	out := make([]PageSnapshot, 0, len(p.Versions))
	for _, v := range p.Versions {
		snap := e.snapshotLocked(p)
		snap.Title, snap.Version, snap.Body, snap.VersionMessage, snap.LastEditorAccountID = v.Title, v.Number, v.Body, v.Message, v.AuthorID
		out = append(out, snap)
	}
	return out
}

func (e *Emulator) snapshotLocked(p *page) PageSnapshot {
	cur := p.current()
	snap := PageSnapshot{
		ID: p.ID, Title: cur.Title, ParentID: p.ParentID, Status: p.Status, Version: cur.Number,
		Body: cur.Body, VersionMessage: cur.Message, AuthorAccountID: p.AuthorID, LastEditorAccountID: cur.AuthorID,
		Labels: p.labelNames(), Properties: map[string]json.RawMessage{},
	}
	if s := e.spaceByIDLocked(p.SpaceID); s != nil {
		snap.SpaceKey = s.Key
	}
	for _, pr := range p.Properties {
		snap.Properties[pr.Key] = slices.Clone(pr.Value)
	}
	return snap
}

// SpaceProperty returns the value of a space property by key.
func (e *Emulator) SpaceProperty(spaceKey, key string) (json.RawMessage, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.spaceByKeyLocked(spaceKey)
	if s == nil {
		return nil, false
	}
	if p := findPropertyByKey(s.Properties, key); p != nil {
		return slices.Clone(p.Value), true
	}
	return nil, false
}

// Accounts returns the site's accounts, tokens included (for printing and tests).
func (e *Emulator) Accounts() []Account {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.site.Accounts)
}

// Grants returns a copy of the permissions per email and space key.
func (e *Emulator) Grants() map[string]map[string]Permission {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]map[string]Permission, len(e.site.Grants))
	for email, g := range e.site.Grants {
		out[email] = maps.Clone(g)
	}
	return out
}
