// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"strings"
	"testing"
)

func TestUnauthenticatedRequestsGetPlainText401(t *testing.T) {
	s := newTestSite(t)
	for _, tc := range []struct{ name, email, token string }{
		{"missing credentials", "", ""},
		{"wrong token", bot, "nope"},
		{"unknown account", "ghost@example.com", "ghost-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.doRaw(tc.email, tc.token, "GET", "/wiki/rest/api/user/current")
			if r.status != 401 {
				t.Fatalf("status %d, want 401", r.status)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q, want text/plain", ct)
			}
		})
	}
}

func TestCurrentUserAnswersForTheCaller(t *testing.T) {
	s := newTestSite(t)
	for _, email := range []string{admin, bot, reader} {
		u := s.must(200, email, "GET", "/wiki/rest/api/user/current", nil).object(t)
		want := map[string]any{"email": email, "accountType": "atlassian", "type": "known"}
		for k, v := range want {
			if u[k] != v {
				t.Errorf("%s: %s = %v, want %v", email, k, u[k], v)
			}
		}
		if u["accountId"] == "" || u["displayName"] == "" || u["publicName"] == "" {
			t.Errorf("%s: accountId/displayName/publicName missing: %v", email, u)
		}
	}
}

func TestGetUserByAccountID(t *testing.T) {
	s := newTestSite(t)
	editorID := s.accountID(editor)
	u := s.must(200, bot, "GET", "/wiki/rest/api/user?accountId="+editorID, nil).object(t)
	if u["accountId"] != editorID || u["email"] != editor || u["displayName"] == "" || u["type"] != "known" {
		t.Errorf("user %s = %v", editorID, u)
	}
	s.must(404, bot, "GET", "/wiki/rest/api/user?accountId=557058:nobody", nil)
}

func TestUnknownRouteIs404AndCounted(t *testing.T) {
	s := newTestSite(t)
	r := s.doRaw(admin, "admin-token", "GET", "/wiki/not-an-api")
	if r.status != 404 {
		t.Fatalf("status %d, want 404", r.status)
	}
	if got := s.emu.Stats().Total; got != 1 {
		t.Errorf("total %d, want 1", got)
	}
}
