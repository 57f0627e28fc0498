// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"testing"
	"time"
)

// Approvals are verified by who Confluence records as the author of a space
// property's current version (SpaceProperty.version.createdBy and createdAt
// in the v2 OpenAPI document, GET /spaces/{space-id}/properties), never by the
// value the writer sent: the emulator must record the authenticated account
// and its own clock, whatever the request body claims.
func TestSpacePropertyVersionRecordsItsAuthor(t *testing.T) {
	s := newTestSite(t)
	s.emu.Grant("editor@example.com", "DOCS", PermAdmin)
	base := "/wiki/api/v2/spaces/" + s.spaceID("DOCS") + "/properties"
	type prop struct {
		ID        string
		CreatedBy string
		Version   struct {
			Number    int
			CreatedBy string
			CreatedAt string
		}
	}
	var created prop
	s.must(201, "editor@example.com", "POST", base, map[string]any{"key": "terraform.approval.x", "value": map[string]any{"approver_account_id": "someone-else"},
		"createdBy": "forged", "version": map[string]any{"createdBy": "forged"}}).decode(t, &created)
	editor := s.accountID("editor@example.com")
	if created.CreatedBy != editor || created.Version.CreatedBy != editor || created.Version.CreatedAt != s.clock.Now().Format("2006-01-02T15:04:05.000Z") {
		t.Fatalf("created %+v, want author %s", created, editor)
	}

	// Another admin overwrites it: the current version names them; the
	// property's creator stays the first writer.
	s.clock.Advance(time.Minute)
	var updated prop
	s.must(200, admin, "PUT", base+"/"+created.ID, map[string]any{"key": "terraform.approval.x", "value": 1, "version": map[string]any{"number": 2}}).decode(t, &updated)
	var list struct{ Results []prop }
	s.must(200, reader, "GET", base+"?key=terraform.approval.x", nil).decode(t, &list)
	if len(list.Results) != 1 {
		t.Fatalf("list %+v", list)
	}
	got := list.Results[0]
	if got.CreatedBy != editor || got.Version.CreatedBy != s.accountID(admin) || got.Version.Number != 2 || got.Version.CreatedAt != s.clock.Now().Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("after update %+v", got)
	}
}
