// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"net/http"
	"strings"
)

// endpointScopes are the OAuth 2.0 scopes each endpoint the client calls
// requires of a scoped token or an OAuth access token, as the operations'
// security requirements (oAuthDefinitions) in Atlassian's OpenAPI documents
// list them: granular scopes for v2, classic scopes for v1. TestEndpointScopes
// checks this table against the documents.
var endpointScopes = []struct {
	method, template string
	scopes           []string
}{
	{http.MethodGet, "/wiki/rest/api/user/current", []string{"read:confluence-user"}},
	{http.MethodGet, "/wiki/rest/api/user", []string{"read:confluence-user"}},
	{http.MethodGet, "/wiki/api/v2/spaces", []string{"read:space:confluence"}},
	{http.MethodGet, "/wiki/api/v2/spaces/{id}", []string{"read:space:confluence"}},
	{http.MethodGet, "/wiki/api/v2/spaces/{id}/pages", []string{"read:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/spaces/{id}/content/labels", []string{"read:space:confluence"}},
	{http.MethodGet, "/wiki/api/v2/spaces/{space-id}/properties", []string{"read:space:confluence"}},
	{http.MethodPost, "/wiki/api/v2/spaces/{space-id}/properties", []string{"read:space:confluence", "write:space:confluence"}},
	{http.MethodGet, "/wiki/api/v2/spaces/{space-id}/properties/{property-id}", []string{"read:space:confluence"}},
	{http.MethodPut, "/wiki/api/v2/spaces/{space-id}/properties/{property-id}", []string{"read:space:confluence", "write:space:confluence"}},
	{http.MethodDelete, "/wiki/api/v2/spaces/{space-id}/properties/{property-id}", []string{"read:space:confluence", "write:space:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages", []string{"read:page:confluence"}},
	{http.MethodPost, "/wiki/api/v2/pages", []string{"write:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages/{id}", []string{"read:page:confluence"}},
	{http.MethodPut, "/wiki/api/v2/pages/{id}", []string{"write:page:confluence"}},
	{http.MethodDelete, "/wiki/api/v2/pages/{id}", []string{"delete:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages/{id}/versions", []string{"read:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages/{id}/labels", []string{"read:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages/{id}/children", []string{"read:page:confluence"}},
	{http.MethodPut, "/wiki/rest/api/content/{pageId}/move/{position}/{targetId}", []string{"write:confluence-content"}},
	{http.MethodGet, "/wiki/api/v2/labels/{id}/pages", []string{"read:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages/{page-id}/properties", []string{"read:page:confluence"}},
	{http.MethodPost, "/wiki/api/v2/pages/{page-id}/properties", []string{"read:page:confluence", "write:page:confluence"}},
	{http.MethodGet, "/wiki/api/v2/pages/{page-id}/properties/{property-id}", []string{"read:page:confluence"}},
	{http.MethodPut, "/wiki/api/v2/pages/{page-id}/properties/{property-id}", []string{"read:page:confluence", "write:page:confluence"}},
	{http.MethodDelete, "/wiki/api/v2/pages/{page-id}/properties/{property-id}", []string{"read:page:confluence", "write:page:confluence"}},
	{http.MethodPost, "/wiki/rest/api/content/{id}/label", []string{"write:confluence-content"}},
	{http.MethodDelete, "/wiki/rest/api/content/{id}/label", []string{"write:confluence-content"}},
	{http.MethodDelete, "/wiki/rest/api/content/{id}/label/{label}", []string{"write:confluence-content"}},
	{http.MethodGet, "/wiki/rest/api/search", []string{"search:confluence"}},
	// Only the live contract suite creates and deletes (its own) spaces.
	{http.MethodPost, "/wiki/api/v2/spaces", []string{"write:space:confluence"}},
	{http.MethodDelete, "/wiki/rest/api/space/{spaceKey}", []string{"write:confluence-space"}},
}

// RequiredScopes returns the scopes a request needs, or nil for a path the
// table does not know. path is site-relative, e.g. /wiki/api/v2/pages/123.
func RequiredScopes(method, path string) []string {
	parts := strings.Split(path, "/")
	for _, e := range endpointScopes {
		if e.method == method && templateMatches(e.template, parts) {
			return append([]string(nil), e.scopes...)
		}
	}
	return nil
}

func templateMatches(template string, parts []string) bool {
	segs := strings.Split(template, "/")
	if len(segs) != len(parts) {
		return false
	}
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			if parts[i] == "" {
				return false
			}
			continue
		}
		if s != parts[i] {
			return false
		}
	}
	return true
}

// isScopeMismatch reports whether an error answer from the gateway says the
// token lacks a scope: 401 {"code":401,"message":"Unauthorized; scope does not
// match"} (or a 403 saying the same).
func isScopeMismatch(status int, message string) bool {
	return (status == http.StatusUnauthorized || status == http.StatusForbidden) &&
		strings.Contains(strings.ToLower(message), "scope")
}
