// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/url"
	"strings"
	"testing"
)

type restrictionsJSON struct {
	Results []struct {
		Operation    string `json:"operation"`
		Restrictions struct {
			User struct {
				Results []struct {
					AccountID string `json:"accountId"`
				} `json:"results"`
			} `json:"user"`
			Group struct {
				Results []struct{ ID, Name string } `json:"results"`
			} `json:"group"`
		} `json:"restrictions"`
	} `json:"results"`
}

func (r restrictionsJSON) summary() map[string]string {
	out := map[string]string{}
	for _, res := range r.Results {
		var subjects []string
		for _, u := range res.Restrictions.User.Results {
			subjects = append(subjects, u.AccountID)
		}
		for _, g := range res.Restrictions.Group.Results {
			subjects = append(subjects, "group:"+g.Name)
		}
		out[res.Operation] = strings.Join(subjects, ",")
	}
	return out
}

func TestRestrictionsEnforcedOnReadsAndWrites(t *testing.T) {
	s := newTestSite(t)
	writers := s.emu.AddGroup("doc-writers", editor)
	p := s.createPage(bot, "DOCS", "Locked", "<p>v1</p>")
	path := "/wiki/rest/api/content/" + p.ID + "/restriction"

	var got restrictionsJSON
	s.must(200, reader, "GET", path, nil).decode(t, &got)
	if sum := got.summary(); sum["read"] != "" || sum["update"] != "" {
		t.Fatalf("a new page has restrictions: %v", sum)
	}

	// Edit: the bot and the doc-writers group; view: additionally the reader.
	body := []map[string]any{
		{"operation": "update", "restrictions": map[string]any{
			"user":  []map[string]any{{"type": "known", "accountId": s.accountID(bot)}},
			"group": []map[string]any{{"type": "group", "id": writers}},
		}},
		{"operation": "read", "restrictions": map[string]any{
			"user":  map[string]any{"results": []map[string]any{{"type": "known", "accountId": s.accountID(bot)}, {"type": "known", "accountId": s.accountID(reader)}}},
			"group": []map[string]any{{"type": "group", "id": writers}},
		}},
	}
	s.must(200, bot, "PUT", path, body).decode(t, &got)
	if sum := got.summary(); !strings.Contains(sum["read"], s.accountID(reader)) || !strings.Contains(sum["update"], "group:doc-writers") {
		t.Fatalf("after PUT: %v", sum)
	}

	// The editor, in doc-writers, may still edit; the reader may view only.
	s.must(200, editor, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Locked", "<p>v2</p>", 2, ""))
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID, nil)

	// The admin is in neither list: the page is hidden from reads and search.
	if r := s.do(admin, "GET", "/wiki/api/v2/pages/"+p.ID, nil); r.status != 404 {
		t.Fatalf("admin GET restricted page: %d, want 404", r.status)
	}
	var search struct{ Results []any }
	s.must(200, admin, "GET", "/wiki/rest/api/search?cql="+url.QueryEscape(`title = "Locked"`), nil).decode(t, &search)
	if len(search.Results) != 0 {
		t.Fatalf("admin search finds the restricted page: %v", search.Results)
	}
	s.must(200, reader, "GET", "/wiki/rest/api/search?cql="+url.QueryEscape(`title = "Locked"`), nil).decode(t, &search)
	if len(search.Results) != 1 {
		t.Fatalf("reader search: %d results, want 1", len(search.Results))
	}

	// Only edit is restricted to the bot: the editor may view but no longer write.
	s.must(200, bot, "PUT", path, []map[string]any{{"operation": "update", "restrictions": map[string]any{
		"user": []map[string]any{{"type": "known", "accountId": s.accountID(bot)}}}}})
	s.must(200, editor, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	s.must(403, editor, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Locked", "<p>v3</p>", 3, ""))
	s.must(403, editor, "POST", "/wiki/api/v2/pages/"+p.ID+"/properties", map[string]any{"key": "k", "value": 1})
	s.must(403, editor, "PUT", path, []map[string]any{})
	s.must(200, admin, "GET", "/wiki/api/v2/pages/"+p.ID, nil)

	// Delete removes them all.
	s.must(200, bot, "DELETE", path, nil).decode(t, &got)
	if sum := got.summary(); sum["read"] != "" || sum["update"] != "" {
		t.Fatalf("after DELETE: %v", sum)
	}
	s.must(200, editor, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Locked", "<p>v3</p>", 3, ""))

	// Unknown users and groups are refused.
	if r := s.do(bot, "PUT", path, []map[string]any{{"operation": "update", "restrictions": map[string]any{
		"user": []map[string]any{{"type": "known", "accountId": "nobody"}}}}}); r.status != 400 {
		t.Fatalf("unknown user: %d, want 400", r.status)
	}
}

func TestGroupsAndUserSearch(t *testing.T) {
	s := newTestSite(t)
	id := s.emu.AddGroup("doc-writers", editor, bot)
	s.emu.AddGroup("auditors", reader)

	var groups struct {
		Results []struct{ ID, Name string }
	}
	s.must(200, bot, "GET", "/wiki/rest/api/group", nil).decode(t, &groups)
	if len(groups.Results) != 2 || groups.Results[0].Name != "auditors" || groups.Results[1].ID != id {
		t.Fatalf("groups: %+v", groups.Results)
	}
	s.must(200, bot, "GET", "/wiki/rest/api/group/by-id?id="+id, nil)
	s.must(200, bot, "GET", "/wiki/rest/api/user/memberof?accountId="+url.QueryEscape(s.accountID(editor)), nil).decode(t, &groups)
	if len(groups.Results) != 1 || groups.Results[0].Name != "doc-writers" {
		t.Fatalf("memberof: %+v", groups.Results)
	}

	var users struct {
		Results []struct {
			User struct {
				AccountID string `json:"accountId"`
				Email     string `json:"email"`
			} `json:"user"`
		} `json:"results"`
	}
	s.must(200, bot, "GET", "/wiki/rest/api/search/user?cql="+url.QueryEscape(`user.fullname ~ "editor@example.com"`), nil).decode(t, &users)
	if len(users.Results) != 1 || users.Results[0].User.AccountID != s.accountID(editor) {
		t.Fatalf("search by e-mail: %+v", users.Results)
	}
	s.must(200, bot, "GET", "/wiki/rest/api/search/user?cql="+url.QueryEscape(`user = "`+s.accountID(reader)+`"`), nil).decode(t, &users)
	if len(users.Results) != 1 || users.Results[0].User.Email != reader {
		t.Fatalf("search by id: %+v", users.Results)
	}
	if r := s.do(bot, "GET", "/wiki/rest/api/search/user?cql="+url.QueryEscape(`space = DOCS`), nil); r.status != 400 {
		t.Fatalf("content CQL on user search: %d, want 400", r.status)
	}
}
