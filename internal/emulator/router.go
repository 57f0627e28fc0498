// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// handlerFunc serves one route. It runs with the emulator's mutex held and writes the
// success response itself; an error it returns is rendered in the matching API shape.
type handlerFunc func(c *call) *apiError

type route struct {
	contentType string // typePage or typeBlogPost for v2 routes of one kind; "" serves any
	method      string
	template    string   // as in the OpenAPI documents, e.g. /wiki/api/v2/pages/{id}
	segments    []string // template split on "/"
	handle      handlerFunc
}

func newRoute(method, template string, h handlerFunc) route {
	rt := route{method: method, template: template, segments: strings.Split(template, "/"), handle: h}
	// A v2 path names the kind it serves (/pages/…, /blogposts/…, /labels/{id}/pages);
	// v1 /content/{id}/… serves every kind.
	for _, seg := range rt.segments {
		switch seg {
		case "pages":
			rt.contentType = typePage
		case "blogposts":
			rt.contentType = typeBlogPost
		}
	}
	return rt
}

// match reports whether path fits the template and returns its path parameters.
func (rt route) match(path string) (map[string]string, bool) {
	parts := strings.Split(path, "/")
	if len(parts) != len(rt.segments) {
		return nil, false
	}
	var params map[string]string
	for i, seg := range rt.segments {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if parts[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[seg[1:len(seg)-1]] = parts[i]
			continue
		}
		if seg != parts[i] {
			return nil, false
		}
	}
	return params, true
}

func buildRoutes() []route {
	const v2, v1 = "/wiki/api/v2", "/wiki/rest/api"
	return []route{
		newRoute(http.MethodGet, v1+"/user/current", handleCurrentUser),
		newRoute(http.MethodGet, v1+"/user", handleGetUser),
		newRoute(http.MethodGet, v2+"/spaces", handleListSpaces),
		newRoute(http.MethodPost, v2+"/spaces", handleCreateSpace),
		newRoute(http.MethodDelete, v1+"/space/{spaceKey}", handleDeleteSpace),
		newRoute(http.MethodGet, v2+"/spaces/{id}", handleGetSpace),
		newRoute(http.MethodGet, v2+"/spaces/{id}/pages", handleListSpacePages),
		newRoute(http.MethodGet, v2+"/spaces/{id}/content/labels", handleListSpaceContentLabels),
		newRoute(http.MethodGet, v2+"/spaces/{space-id}/properties", spacePropertyAPI.list),
		newRoute(http.MethodPost, v2+"/spaces/{space-id}/properties", spacePropertyAPI.create),
		newRoute(http.MethodGet, v2+"/spaces/{space-id}/properties/{property-id}", spacePropertyAPI.get),
		newRoute(http.MethodPut, v2+"/spaces/{space-id}/properties/{property-id}", spacePropertyAPI.update),
		newRoute(http.MethodDelete, v2+"/spaces/{space-id}/properties/{property-id}", spacePropertyAPI.remove),
		newRoute(http.MethodGet, v2+"/pages", handleListPages),
		newRoute(http.MethodPost, v2+"/pages", handleCreatePage),
		newRoute(http.MethodGet, v2+"/pages/{id}", handleGetPage),
		newRoute(http.MethodPut, v2+"/pages/{id}", handleUpdatePage),
		newRoute(http.MethodDelete, v2+"/pages/{id}", handleDeletePage),
		newRoute(http.MethodGet, v2+"/pages/{id}/versions", handleListPageVersions),
		newRoute(http.MethodGet, v2+"/pages/{id}/children", handleListChildPages),
		newRoute(http.MethodPut, v1+"/content/{pageId}/move/{position}/{targetId}", handleMovePage),
		newRoute(http.MethodGet, v2+"/pages/{page-id}/versions/{version-number}", handleGetPageVersion),
		newRoute(http.MethodGet, v2+"/pages/{id}/labels", handleListPageLabels),
		newRoute(http.MethodGet, v2+"/labels/{id}/pages", handleListLabelPages),
		newRoute(http.MethodGet, v2+"/pages/{page-id}/properties", pagePropertyAPI.list),
		newRoute(http.MethodPost, v2+"/pages/{page-id}/properties", pagePropertyAPI.create),
		newRoute(http.MethodGet, v2+"/pages/{page-id}/properties/{property-id}", pagePropertyAPI.get),
		newRoute(http.MethodPut, v2+"/pages/{page-id}/properties/{property-id}", pagePropertyAPI.update),
		newRoute(http.MethodDelete, v2+"/pages/{page-id}/properties/{property-id}", pagePropertyAPI.remove),
		newRoute(http.MethodPost, v1+"/content/{id}/label", handleV1AddLabels),
		newRoute(http.MethodDelete, v1+"/content/{id}/label", handleV1RemoveLabelByQuery),
		newRoute(http.MethodDelete, v1+"/content/{id}/label/{label}", handleV1RemoveLabel),
		newRoute(http.MethodGet, v2+"/pages/{id}/attachments", handleListPageAttachments),
		newRoute(http.MethodGet, v2+"/attachments/{id}", handleGetAttachment),
		newRoute(http.MethodDelete, v2+"/attachments/{id}", handleDeleteAttachment),
		newRoute(http.MethodPost, v1+"/content/{id}/child/attachment", handleCreateAttachments),
		newRoute(http.MethodPost, v1+"/content/{id}/child/attachment/{attachmentId}/data", handleUpdateAttachmentData),
		newRoute(http.MethodGet, v1+"/content/{id}/child/attachment/{attachmentId}/download", handleV1DownloadAttachment),
		newRoute(http.MethodGet, "/wiki/download/attachments/{pageId}/{filename}", handleDownload),
		newRoute(http.MethodGet, v1+"/content/{id}/restriction", handleGetRestrictions),
		newRoute(http.MethodPut, v1+"/content/{id}/restriction", handlePutRestrictions),
		newRoute(http.MethodDelete, v1+"/content/{id}/restriction", handleDeleteRestrictions),
		newRoute(http.MethodGet, v1+"/group", handleListGroups),
		newRoute(http.MethodGet, v1+"/group/by-id", handleGetGroupByID),
		newRoute(http.MethodGet, v1+"/user/memberof", handleMemberOf),
		newRoute(http.MethodGet, v1+"/search/user", handleSearchUsers),
		// Blog posts: the v2 blog post API, served by the page handlers
		// (BlogPostSingle is PageSingle without a parent).
		newRoute(http.MethodGet, v2+"/spaces/{id}/blogposts", handleListSpacePages),
		newRoute(http.MethodGet, v2+"/blogposts", handleListPages),
		newRoute(http.MethodPost, v2+"/blogposts", handleCreatePage),
		newRoute(http.MethodGet, v2+"/blogposts/{id}", handleGetPage),
		newRoute(http.MethodPut, v2+"/blogposts/{id}", handleUpdatePage),
		newRoute(http.MethodDelete, v2+"/blogposts/{id}", handleDeletePage),
		newRoute(http.MethodGet, v2+"/blogposts/{id}/versions", handleListPageVersions),
		newRoute(http.MethodGet, v2+"/blogposts/{blogpost-id}/versions/{version-number}", handleGetPageVersion),
		newRoute(http.MethodGet, v2+"/blogposts/{id}/labels", handleListPageLabels),
		newRoute(http.MethodGet, v2+"/labels/{id}/blogposts", handleListLabelPages),
		newRoute(http.MethodGet, v2+"/blogposts/{blogpost-id}/properties", pagePropertyAPI.list),
		newRoute(http.MethodPost, v2+"/blogposts/{blogpost-id}/properties", pagePropertyAPI.create),
		newRoute(http.MethodGet, v2+"/blogposts/{blogpost-id}/properties/{property-id}", pagePropertyAPI.get),
		newRoute(http.MethodPut, v2+"/blogposts/{blogpost-id}/properties/{property-id}", pagePropertyAPI.update),
		newRoute(http.MethodDelete, v2+"/blogposts/{blogpost-id}/properties/{property-id}", pagePropertyAPI.remove),
		newRoute(http.MethodGet, v1+"/search", handleSearch),
		newRoute(http.MethodGet, v1+"/content/search", handleContentSearch),
	}
}

// call is one request being served.
type call struct {
	// contentType is the kind of content the route serves (its route's
	// contentType): content of another kind answers 404, as GET
	// /pages/{id} does for a blog post's id.
	contentType string
	e           *Emulator
	w           http.ResponseWriter
	r           *http.Request
	acct        *Account
	params      map[string]string
}

func (c *call) param(name string) string { return c.params[name] }

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// baseURL is the site's /wiki base as Confluence reports it in _links.base.
func (c *call) baseURL() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + "/wiki"
}

func (c *call) json(status int, v any) *apiError {
	writeJSON(c.w, status, v)
	return nil
}

func (c *call) noContent() *apiError {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// decode reads the JSON request body into v. A body over the limit answers 413, as
// documented for POST /wiki/api/v2/pages ("Returned if the request is too large in
// size (over 5 MB)").
func (c *call) decode(v any) *apiError {
	limit := c.e.bodyLimitLocked()
	dec := json.NewDecoder(http.MaxBytesReader(c.w, c.r.Body, limit))
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errorf(http.StatusRequestEntityTooLarge, "Request entity too large: the request body is over the limit of %d bytes", limit)
		}
		return badRequest("Could not parse the request body as JSON: %v", err)
	}
	return nil
}

// Paths of the emulator's own control endpoints; they are neither counted nor authenticated.
const (
	statsPath      = "/__emulator/stats"
	resetStatsPath = "/__emulator/reset-stats"
)

// ServeHTTP serves one request, checked against the OpenAPI documents when
// Options.Validate is set.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.validated != nil {
		e.validated.ServeHTTP(w, r)
		return
	}
	e.serveHTTP(w, r)
}

// serveHTTP serves one request: control endpoints first, then (in this order) counting,
// latency, authentication, rate limiting, fault injection and the route's handler.
func (e *Emulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == statsPath && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, e.Stats())
		return
	case r.URL.Path == resetStatsPath && r.Method == http.MethodPost:
		e.ResetStats()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if e.serveAuthHosts(w, r) {
		return
	}
	r, viaGateway, known := e.gatewayRequest(r)

	rt, params, found := e.lookup(r.Method, r.URL.Path)
	found = found && known
	routeKey := r.Method + " " + r.URL.Path
	if found {
		routeKey = r.Method + " " + rt.template
	}
	latency := e.record(r.Method, routeKey)
	if latency > 0 && !sleep(r.Context(), latency) {
		return
	}

	cred := e.authenticateAt(r, viaGateway)
	switch {
	case cred == nil && viaGateway:
		gatewayUnauthorized(w, "Unauthorized")
		return
	case cred == nil:
		siteUnauthorized(w)
		return
	case found && cred.scoped && !scopesAllow(r.Method, rt.template, cred.scopes):
		gatewayUnauthorized(w, "Unauthorized; scope does not match")
		return
	}
	acct := cred.acct
	if !e.allow(w, acct) {
		return
	}
	if !found {
		writeAPIError(w, notFound())
		return
	}
	e.mu.Lock()
	strict := e.strictSpec
	e.mu.Unlock()
	if strict {
		if err := checkStrictSpec(r); err != nil {
			writeAPIError(w, err)
			return
		}
	}

	fault := e.takeFault(r.Method, r.URL.Path)
	switch {
	case fault == nil:
	case fault.Kind == Fault503:
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("Service Unavailable (injected fault)\n"))
		return
	case fault.Kind == Fault500Before:
		writeAPIError(w, errorf(http.StatusInternalServerError, "Internal server error (injected fault)"))
		return
	case fault.Kind == FaultDropAfterCommit:
		// Run the handler against a throw-away writer so the change is committed, then
		// drop the connection without answering, as a proxy timing out would.
		e.serve(newDiscardWriter(), r, rt, params, acct)
		dropConnection(w)
		return
	case fault.Kind == Fault502AfterCommit, fault.Kind == Fault504AfterCommit:
		// The change is committed; only the answer is lost on the way back.
		e.serve(newDiscardWriter(), r, rt, params, acct)
		status := http.StatusBadGateway
		if fault.Kind == Fault504AfterCommit {
			status = http.StatusGatewayTimeout
		}
		writeGatewayError(w, status)
		return
	}
	e.serve(w, r, rt, params, acct)
}

func (e *Emulator) serve(w http.ResponseWriter, r *http.Request, rt route, params map[string]string, acct *Account) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := &call{e: e, w: w, r: r, acct: acct, params: params, contentType: rt.contentType}
	if err := rt.handle(c); err != nil {
		writeAPIError(w, err)
	}
}

func (e *Emulator) lookup(method, path string) (route, map[string]string, bool) {
	for _, rt := range e.routes {
		if rt.method != method {
			continue
		}
		if params, ok := rt.match(path); ok {
			return rt, params, true
		}
	}
	return route{}, nil, false
}

// sleep waits for d or until ctx ends; it reports whether the full time passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
