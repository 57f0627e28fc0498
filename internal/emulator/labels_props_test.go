// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestLabelsAddListRemove(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Labelled", "<p/>")
	v1 := "/wiki/rest/api/content/" + p.ID + "/label"

	var added struct {
		Results []struct{ Prefix, Name, ID, Label string }
		Size    int
	}
	s.must(200, bot, "POST", v1, []map[string]string{{"prefix": "global", "name": "Runbook"}, {"prefix": "global", "name": "ops-team"}}).decode(t, &added)
	if added.Size != 2 || added.Results[0].Name != "runbook" || added.Results[0].Label != "runbook" {
		t.Errorf("added = %+v (labels are stored lowercased)", added)
	}
	// Adding again only adds what is missing.
	s.must(200, bot, "POST", v1, []map[string]string{{"prefix": "global", "name": "runbook"}, {"prefix": "global", "name": "third"}}).decode(t, &added)
	if added.Size != 3 {
		t.Errorf("size %d after re-adding, want 3", added.Size)
	}

	for _, bad := range []string{"two words", "a:b", "semi;colon", "comma,", "and&", "hash#", "bang!", strings.Repeat("x", 256), ""} {
		s.must(400, bot, "POST", v1, []map[string]string{{"prefix": "global", "name": bad}})
	}
	s.must(403, reader, "POST", v1, []map[string]string{{"prefix": "global", "name": "nope"}})
	s.must(404, editor, "POST", "/wiki/rest/api/content/"+s.createPage(bot, "OPS", "Hidden", "<p/>").ID+"/label", []map[string]string{{"prefix": "global", "name": "x"}})

	s.must(204, bot, "DELETE", v1+"/ops-team", nil)
	s.must(204, bot, "DELETE", v1+"?name=THIRD", nil)
	var list struct {
		Results []struct{ Name, Prefix string }
		Links   struct{ Next string } `json:"_links"`
	}
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"/labels?prefix=global", nil).decode(t, &list)
	if fmt.Sprint(list.Results) != "[{runbook global}]" {
		t.Errorf("labels after removal: %v", list.Results)
	}
	var withLabels struct {
		Labels struct{ Results []struct{ Name string } }
	}
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"?include-labels=true", nil).decode(t, &withLabels)
	if len(withLabels.Labels.Results) != 1 {
		t.Errorf("include-labels: %+v", withLabels)
	}
	if snap, _ := s.emu.Page(p.ID); fmt.Sprint(snap.Labels) != "[runbook]" {
		t.Errorf("snapshot labels %v", snap.Labels)
	}
}

func TestLabelListPaging(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Many labels", "<p/>")
	var labels []map[string]string
	for i := range 7 {
		labels = append(labels, map[string]string{"prefix": "global", "name": fmt.Sprintf("l%d", i)})
	}
	s.must(200, bot, "POST", "/wiki/rest/api/content/"+p.ID+"/label", labels)
	seen := map[string]bool{}
	for next := "/wiki/api/v2/pages/" + p.ID + "/labels?limit=3"; next != ""; {
		var list struct {
			Results []struct{ Name string }
			Links   struct{ Next string } `json:"_links"`
		}
		s.must(200, reader, "GET", next, nil).decode(t, &list)
		for _, l := range list.Results {
			if seen[l.Name] {
				t.Fatalf("label %s twice", l.Name)
			}
			seen[l.Name] = true
		}
		next = list.Links.Next
	}
	if len(seen) != 7 {
		t.Errorf("saw %d labels, want 7", len(seen))
	}
}

func TestSpacePropertiesNeedAdminToWrite(t *testing.T) {
	s := newTestSite(t)
	base := "/wiki/api/v2/spaces/" + s.spaceID("DOCS") + "/properties"
	value := map[string]any{"key": "tf-connection-ci", "value": map[string]any{"account": "abc", "spaces": []string{"DOCS"}}}

	s.must(403, bot, "POST", base, value)
	s.must(404, "editor@example.com", "GET", "/wiki/api/v2/spaces/"+s.spaceID("OPS")+"/properties", nil)
	r := s.must(201, admin, "POST", base, value)
	var created struct {
		ID      string
		Version struct{ Number int }
	}
	r.decode(t, &created)
	if created.Version.Number != 1 || r.header.Get("Location") == "" {
		t.Errorf("created = %+v, Location %q", created, r.header.Get("Location"))
	}
	s.must(409, admin, "POST", base, value)

	var list struct{ Results []struct{ Key string } }
	s.must(200, reader, "GET", base+"?key=tf-connection-ci", nil).decode(t, &list)
	if len(list.Results) != 1 {
		t.Errorf("key filter: %+v", list)
	}
	s.must(200, reader, "GET", base+"?key=other", nil).decode(t, &list)
	if len(list.Results) != 0 {
		t.Errorf("key filter other: %+v", list)
	}

	update := func(n int) map[string]any {
		return map[string]any{"key": "tf-connection-ci", "value": map[string]any{"n": n}, "version": map[string]any{"number": n, "message": "rotate"}}
	}
	s.must(403, bot, "PUT", base+"/"+created.ID, update(2))
	s.must(409, admin, "PUT", base+"/"+created.ID, update(3))
	s.must(200, admin, "PUT", base+"/"+created.ID, update(2))
	if v, ok := s.emu.SpaceProperty("DOCS", "tf-connection-ci"); !ok || string(v) != `{"n":2}` {
		t.Errorf("stored value %s", v)
	}
	s.must(200, reader, "GET", base+"/"+created.ID, nil)
	s.must(403, bot, "DELETE", base+"/"+created.ID, nil)
	s.must(204, admin, "DELETE", base+"/"+created.ID, nil)
	s.must(404, admin, "GET", base+"/"+created.ID, nil)
}

func TestPagePropertiesVersioned(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "With props", "<p/>")
	base := "/wiki/api/v2/pages/" + p.ID + "/properties"
	var created struct {
		ID      string
		Key     string
		Value   json.RawMessage
		Version struct{ Number int }
	}
	s.must(200, bot, "POST", base, map[string]any{"key": "tf-audit", "value": map[string]any{"decision": "allowed"}}).decode(t, &created)
	s.must(403, reader, "POST", base, map[string]any{"key": "x", "value": 1})
	s.must(409, bot, "PUT", base+"/"+created.ID, map[string]any{"key": "tf-audit", "value": 2, "version": map[string]any{"number": 1}})
	s.must(200, bot, "PUT", base+"/"+created.ID, map[string]any{"key": "tf-audit", "value": 2, "version": map[string]any{"number": 2}})

	var withProps struct {
		Properties struct{ Results []struct{ Key string } }
	}
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+p.ID+"?include-properties=true", nil).decode(t, &withProps)
	if len(withProps.Properties.Results) != 1 {
		t.Errorf("include-properties: %+v", withProps)
	}
	if snap, _ := s.emu.Page(p.ID); string(snap.Properties["tf-audit"]) != "2" {
		t.Errorf("snapshot properties %v", snap.Properties)
	}
	s.must(204, bot, "DELETE", base+"/"+created.ID, nil)
	var list struct{ Results []any }
	s.must(200, reader, "GET", base, nil).decode(t, &list)
	if len(list.Results) != 0 {
		t.Errorf("properties after delete: %v", list.Results)
	}
}
