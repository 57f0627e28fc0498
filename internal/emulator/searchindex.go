// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import "slices"

// FreezeSearchIndex simulates the lag of Confluence's search index behind writes.
// From now until ThawSearchIndex, /wiki/rest/api/search and
// /wiki/rest/api/content/search answer from a snapshot of the pages taken now: their
// ids, titles, versions, bodies, parents, labels and statuses stay as they were,
// so pages edited, trashed or purged since still show in results as they were
// indexed. Every v2 endpoint keeps answering from the current site, as in
// Confluence, where reads by id are current even when search is not. Permissions
// are still checked when a search runs. Freezing again takes a new snapshot. The
// frozen index is not saved by Save.
func (e *Emulator) FreezeSearchIndex() {
	e.mu.Lock()
	defer e.mu.Unlock()
	frozen := make(map[string]*page, len(e.site.Pages))
	for id, p := range e.site.Pages {
		frozen[id] = indexedCopy(p)
	}
	e.frozenIndex = frozen
}

// ThawSearchIndex makes search answer from the current site again.
func (e *Emulator) ThawSearchIndex() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.frozenIndex = nil
}

// searchablePagesLocked is what search answers from: the frozen snapshot while the
// index is frozen, else the live pages.
func (e *Emulator) searchablePagesLocked() map[string]*page {
	if e.frozenIndex != nil {
		return e.frozenIndex
	}
	return e.site.Pages
}

// indexedCopy copies what search reads of a page. Writes never modify a stored
// version or label in place, so cloning the slices keeps later writes out of the copy.
func indexedCopy(p *page) *page {
	c := *p
	c.Versions = slices.Clone(p.Versions)
	c.Labels = slices.Clone(p.Labels)
	c.Properties = nil // search does not read properties
	return &c
}
