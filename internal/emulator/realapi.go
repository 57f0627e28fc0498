// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Switches for behaviours of Confluence Cloud that clients must survive and that a
// well-behaved test site would otherwise never show: read-after-write lag, transient
// 409s, gateway errors after a write was saved, 413 on large bodies, strict parameter
// checking and the documented default label prefixes. Each has an Options field, a
// setter and a confluence-emulator flag.

// DefaultBodyLimit is the largest request body Confluence accepts: POST
// /wiki/api/v2/pages documents 413 "Returned if the request is too large in size
// (over 5 MB)" (v2 OpenAPI document, operation createPage).
const DefaultBodyLimit int64 = 5 << 20

// ReadLag keeps a just-written object out of reads for a number of reads and/or a
// duration after the write, as Confluence Cloud's eventually consistent reads do:
// publishers report 404 on GET by id right after a create and labels showing up late
// (see issue 12 of this project; Atlassian documents search lag at
// https://developer.atlassian.com/cloud/confluence/rest/v1/api-group-search/ and gives
// no consistency guarantee for reads after writes). With both fields set the object
// stays hidden until both are used up.
type ReadLag struct {
	Reads int           // reads that do not see the object yet
	For   time.Duration // time after the write during which reads do not see it
}

func (l ReadLag) enabled() bool { return l.Reads > 0 || l.For > 0 }

// lagState is one hidden object's remaining lag. It is not saved by Save.
type lagState struct {
	readsLeft int
	until     time.Time
}

// SetReadLag sets the lag of pages created from now on (GET /pages/{id} answers 404 and
// page lists leave them out) and of labels added from now on (page labels, the space's
// content labels and the label's pages leave them out). Writes always see everything.
func (e *Emulator) SetReadLag(pages, labels ReadLag) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pageLag, e.labelLag = pages, labels
}

// SetTransientConflicts makes the next n page updates that carry the right version
// answer 409 without saving anything, as Confluence Cloud does when its collaborative
// editing service has not reconciled the page or a database lock fails. The bodies are
// the ones other publishers report: "ExternalChangesException: Trying to access
// unreconciled content … Retry in a few moments"
// (github.com/justmiles/go-markdown2confluence issue 11) and
// "OptimisticLockException: Batch update returned unexpected row count"
// (github.com/duo-labs/markdown-to-confluence issue 6, sphinx-contrib/confluencebuilder
// pull request 127). Unlike a stale version, the page's version has not moved.
func (e *Emulator) SetTransientConflicts(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.transientConflicts = max(n, 0)
}

// SetBodyLimit sets the largest request body accepted (0 restores DefaultBodyLimit);
// larger bodies answer 413.
func (e *Emulator) SetBodyLimit(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.bodyLimit = n
}

// SetStrictSpec turns spec-strict requests on or off: query parameters an operation's
// OpenAPI document does not declare, and values outside a parameter's declared type or
// enum (e.g. status=draft on GET /wiki/api/v2/pages, whose status enum is current,
// archived, deleted, trashed), answer 400 in the API's error shape.
func (e *Emulator) SetStrictSpec(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.strictSpec = on
}

// SetDocumentedLabelPrefixes makes GET /wiki/api/v2/spaces/{id}/content/labels without
// prefix list only my and team labels, as its OpenAPI document declares
// (prefix: enum [my, team], default "my, team"), so global labels never show unasked.
func (e *Emulator) SetDocumentedLabelPrefixes(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.documentedLabelPrefixes = on
}

// startLagLocked hides a just-written object under key for lag.
func (e *Emulator) startLagLocked(hidden map[string]*lagState, key string, lag ReadLag) {
	if !lag.enabled() {
		return
	}
	st := &lagState{readsLeft: lag.Reads}
	if lag.For > 0 {
		st.until = e.now().Add(lag.For)
	}
	hidden[key] = st
}

// hiddenLocked reports whether the object under key is still lagging, using up one of
// its hidden reads; lag that has run out is forgotten.
func (e *Emulator) hiddenLocked(hidden map[string]*lagState, key string) bool {
	st := hidden[key]
	if st == nil {
		return false
	}
	if st.readsLeft <= 0 && !e.now().Before(st.until) {
		delete(hidden, key)
		return false
	}
	if st.readsLeft > 0 {
		st.readsLeft--
	}
	return true
}

func labelLagKey(pageID, name string) string { return pageID + "\x00" + name }

// visibleLabelsLocked returns the page's labels a read sees now.
func (e *Emulator) visibleLabelsLocked(p *page) []*label {
	if len(e.hiddenLabels) == 0 {
		return p.Labels
	}
	out := make([]*label, 0, len(p.Labels))
	for _, l := range p.Labels {
		if !e.hiddenLocked(e.hiddenLabels, labelLagKey(p.ID, l.Name)) {
			out = append(out, l)
		}
	}
	return out
}

// hasVisibleLabelIDLocked reports whether a read sees the label on the page.
func (e *Emulator) hasVisibleLabelIDLocked(p *page, id string) bool {
	for _, l := range p.Labels {
		if l.ID == id {
			return !e.hiddenLocked(e.hiddenLabels, labelLagKey(p.ID, l.Name))
		}
	}
	return false
}

// Messages of Confluence's transient 409s, alternated (see SetTransientConflicts).
var transientConflictMessages = []string{
	"com.atlassian.confluence.api.service.exceptions.ConflictException: javax.persistence.OptimisticLockException: Batch update returned unexpected row count from update [0]; actual row count: 0; expected: 1",
	"com.atlassian.confluence.internal.synchrony.ExternalChangesException: Trying to access unreconciled content %s. Retry in a few moments",
}

// takeTransientConflictLocked returns the 409 an update with the right version gets
// while transient conflicts are armed, or nil.
func (e *Emulator) takeTransientConflictLocked(pageID string) *apiError {
	if e.transientConflicts <= 0 {
		return nil
	}
	e.transientConflicts--
	msg := transientConflictMessages[e.transientSeq%len(transientConflictMessages)]
	e.transientSeq++
	return errorf(http.StatusConflict, "%s", strings.Replace(msg, "%s", pageID, 1))
}

func (e *Emulator) bodyLimitLocked() int64 {
	if e.bodyLimit > 0 {
		return e.bodyLimit
	}
	return DefaultBodyLimit
}

// checkStrictSpec refuses a request whose query the OpenAPI documents do not allow.
func checkStrictSpec(r *http.Request) *apiError {
	v, err := LoadSpecValidator()
	if err != nil {
		return errorf(http.StatusInternalServerError, "emulator: loading the OpenAPI documents: %v", err)
	}
	// Paths the documents do not describe are left to the emulator's own router.
	route, routeErr := v.Route(r, nil)
	if routeErr == nil && route != nil {
		return strictSpecError(r, route)
	}
	return nil
}

func strictSpecError(r *http.Request, route *SpecRoute) *apiError {
	if err := route.CheckRequest(true); err != nil {
		_, isV2 := isAPIPath(r.URL.Path)
		msg := strings.Join(strings.Fields(err.Error()), " ")
		if isV2 {
			return badRequest("Invalid request parameters for %s %s: %s", r.Method, route.route.Path, msg)
		}
		return v1Errorf(http.StatusBadRequest, "Invalid request parameters for %s %s: %s", r.Method, route.route.Path, msg)
	}
	return nil
}

// WriteGatewayFaults returns faults of kind (Fault502AfterCommit or
// Fault504AfterCommit) on every write the provider makes: page create and update,
// page and space property writes, label writes. Each fault hits times requests of its
// route (0 means once).
func WriteGatewayFaults(kind FaultKind, times int) []Fault {
	writes := []struct{ method, path string }{
		{http.MethodPost, `^/wiki/api/v2/pages$`},
		{http.MethodPut, `^/wiki/api/v2/pages/[^/]+$`},
		{http.MethodPost, `^/wiki/api/v2/(pages|spaces)/[^/]+/properties$`},
		{http.MethodPut, `^/wiki/api/v2/(pages|spaces)/[^/]+/properties/[^/]+$`},
		{http.MethodPost, `^/wiki/rest/api/content/[^/]+/label$`},
	}
	faults := make([]Fault, 0, len(writes))
	for _, w := range writes {
		faults = append(faults, Fault{Method: w.method, Path: w.path, Kind: kind, Times: times})
	}
	return faults
}

// writeGatewayError answers as Atlassian's edge proxy does when the site behind it
// timed out or failed after the request reached it: plain text, no API error document.
func writeGatewayError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(status)
	if status == http.StatusGatewayTimeout {
		_, _ = w.Write([]byte("upstream request timeout\n"))
		return
	}
	_, _ = w.Write([]byte("Bad Gateway\n"))
}
