// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func newSiteWith(t *testing.T, opts Options) *testSite {
	t.Helper()
	clock := newFakeClock()
	opts.Now = clock.Now
	return serveSite(t, NewDemo(opts), clock)
}

// listIDs returns the ids GET path lists.
func (s *testSite) listIDs(email, path string) []string {
	s.t.Helper()
	var list struct{ Results []struct{ ID string } }
	s.must(200, email, "GET", path, nil).decode(s.t, &list)
	ids := make([]string, 0, len(list.Results))
	for _, r := range list.Results {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestPageLagHidesANewPageForSomeReads(t *testing.T) {
	s := newSiteWith(t, Options{PageLag: ReadLag{Reads: 2}})
	p := s.createPage(bot, "DOCS", "Lagging", "<p>x</p>")
	s.must(404, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	if ids := s.listIDs(bot, "/wiki/api/v2/pages?space-id="+p.SpaceID); strings.Contains(strings.Join(ids, ","), p.ID) {
		t.Errorf("the second read, a list, shows the lagging page: %v", ids)
	}
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	if ids := s.listIDs(bot, "/wiki/api/v2/pages?space-id="+p.SpaceID); !strings.Contains(strings.Join(ids, ","), p.ID) {
		t.Errorf("the page is still missing from lists after its lag: %v", ids)
	}
	// Writes see the page at once: an update during the lag succeeds.
	q := s.createPage(bot, "DOCS", "Lagging too", "<p>x</p>")
	s.must(200, bot, "PUT", "/wiki/api/v2/pages/"+q.ID, pageUpdate(q.ID, "Lagging too", "<p>y</p>", 2, ""))
}

func TestPageLagByDuration(t *testing.T) {
	s := newTestSite(t)
	s.emu.SetReadLag(ReadLag{For: 3 * time.Second}, ReadLag{})
	p := s.createPage(bot, "DOCS", "Slow", "<p/>")
	for range 3 {
		s.must(404, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	}
	s.clock.Advance(3 * time.Second)
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	// Pages created before the switch are unaffected.
	s.emu.SetReadLag(ReadLag{}, ReadLag{})
	q := s.createPage(bot, "DOCS", "Fast", "<p/>")
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+q.ID, nil)
}

func TestLabelLagHidesNewLabelsFromEveryRead(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Labelled", "<p/>")
	s.addLabels(p.ID, "old")
	s.emu.SetReadLag(ReadLag{}, ReadLag{For: time.Minute})
	ids := s.addLabels(p.ID, "fresh")
	space := s.spaceID("DOCS")

	var labels struct{ Results []labelItem }
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID+"/labels", nil).decode(t, &labels)
	if got := labelNames(labels.Results); got != "old" {
		t.Errorf("page labels during the lag: %q, want old", got)
	}
	var withLabels struct {
		Labels struct{ Results []labelItem } `json:"labels"`
	}
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID+"?include-labels=true", nil).decode(t, &withLabels)
	if got := labelNames(withLabels.Labels.Results); got != "old" {
		t.Errorf("include-labels during the lag: %q, want old", got)
	}
	s.must(200, bot, "GET", "/wiki/api/v2/spaces/"+space+"/content/labels", nil).decode(t, &labels)
	if got := labelNames(labels.Results); got != "old" {
		t.Errorf("space content labels during the lag: %q, want old", got)
	}
	if got := s.listIDs(reader, "/wiki/api/v2/labels/"+ids["fresh"]+"/pages"); len(got) != 0 {
		t.Errorf("label pages during the lag: %v, want none", got)
	}

	s.clock.Advance(time.Minute)
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID+"/labels", nil).decode(t, &labels)
	if got := labelNames(labels.Results); got != "old,fresh" {
		t.Errorf("page labels after the lag: %q, want old,fresh", got)
	}
	if got := s.listIDs(bot, "/wiki/api/v2/labels/"+ids["fresh"]+"/pages"); len(got) != 1 || got[0] != p.ID {
		t.Errorf("label pages after the lag: %v, want [%s]", got, p.ID)
	}
}

func TestTransientConflictLeavesTheVersionUnchanged(t *testing.T) {
	s := newSiteWith(t, Options{TransientConflicts: 2})
	p := s.createPage(bot, "DOCS", "Busy", "<p>1</p>")
	path := "/wiki/api/v2/pages/" + p.ID
	wantTexts := []string{"OptimisticLockException", "Trying to access unreconciled content " + p.ID + ". Retry in a few moments"}
	for i, want := range wantTexts {
		r := s.doRawJSON(editor, "PUT", path, pageUpdate(p.ID, "Busy", "<p>2</p>", 2, ""))
		var doc struct {
			Errors []v2Error `json:"errors"`
		}
		r.decode(t, &doc)
		if r.status != http.StatusConflict || len(doc.Errors) != 1 || doc.Errors[0].Code != "CONFLICT" || !strings.Contains(doc.Errors[0].Title, want) {
			t.Fatalf("attempt %d: status %d body %s, want 409 CONFLICT with %q", i+1, r.status, r.body, want)
		}
		if strings.Contains(doc.Errors[0].Title, "Current version is") {
			t.Errorf("a transient conflict must not look like a stale version: %s", r.body)
		}
		var cur pageJSON
		s.must(200, bot, "GET", path, nil).decode(t, &cur)
		if cur.Version.Number != 1 {
			t.Fatalf("a transient 409 saved the update: version %d", cur.Version.Number)
		}
	}
	var updated pageJSON
	s.must(200, bot, "PUT", path, pageUpdate(p.ID, "Busy", "<p>2</p>", 2, "")).decode(t, &updated)
	if updated.Version.Number != 2 {
		t.Errorf("version after the conflicts passed: %d", updated.Version.Number)
	}
	// A stale version is still the ordinary conflict, and is checked first.
	s.emu.SetTransientConflicts(1)
	r := s.doRawJSON(bot, "PUT", path, pageUpdate(p.ID, "Busy", "<p>3</p>", 2, ""))
	if r.status != http.StatusConflict || !strings.Contains(string(r.body), "Current version is: 2") {
		t.Errorf("stale version: %d %s", r.status, r.body)
	}
}

func TestGatewayErrorsAfterTheWriteWasSaved(t *testing.T) {
	for _, tc := range []struct {
		kind   FaultKind
		status int
	}{{Fault502AfterCommit, http.StatusBadGateway}, {Fault504AfterCommit, http.StatusGatewayTimeout}} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			s := newTestSite(t)
			docs := s.spaceID("DOCS")
			for _, f := range WriteGatewayFaults(tc.kind, 1) {
				s.emu.InjectFault(f)
			}
			r := s.doRawJSON(bot, "POST", "/wiki/api/v2/pages", pageCreate(docs, "Saved anyway", "<p>1</p>"))
			if r.status != tc.status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
				t.Fatalf("create: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			p, ok := s.emu.PageByTitle("DOCS", "Saved anyway")
			if !ok {
				t.Fatal("the create was not saved before the gateway error")
			}
			if r := s.doRawJSON(bot, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Saved anyway", "<p>2</p>", 2, "")); r.status != tc.status {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			var cur pageJSON
			s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil).decode(t, &cur)
			if cur.Version.Number != 2 {
				t.Errorf("the update was not saved: version %d", cur.Version.Number)
			}
			prop := map[string]any{"key": "terraform.change", "value": map[string]any{"v": 1}}
			if r := s.doRawJSON(bot, "POST", "/wiki/api/v2/pages/"+p.ID+"/properties", prop); r.status != tc.status {
				t.Errorf("property create: %d %s", r.status, r.body)
			}
			if r := s.doRawJSON(bot, "POST", "/wiki/rest/api/content/"+p.ID+"/label", []map[string]string{{"prefix": "global", "name": "late"}}); r.status != tc.status {
				t.Errorf("label add: %d %s", r.status, r.body)
			}
			var props struct{ Results []struct{ Key string } }
			s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID+"/properties", nil).decode(t, &props)
			var labels struct{ Results []labelItem }
			s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID+"/labels", nil).decode(t, &labels)
			if len(props.Results) != 1 || labelNames(labels.Results) != "late" {
				t.Errorf("property and label writes were not saved: %+v %+v", props.Results, labels.Results)
			}
			// Reads are not faulted.
			s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
		})
	}
}

func TestBodiesOverTheLimitAnswer413(t *testing.T) {
	s := newSiteWith(t, Options{BodyLimit: 2048})
	docs := s.spaceID("DOCS")
	big := "<p>" + strings.Repeat("x", 4096) + "</p>"
	r := s.doRawJSON(bot, "POST", "/wiki/api/v2/pages", pageCreate(docs, "Huge", big))
	var doc struct{ Errors []v2Error }
	r.decode(t, &doc)
	if r.status != http.StatusRequestEntityTooLarge || len(doc.Errors) != 1 || doc.Errors[0].Status != 413 {
		t.Fatalf("oversized create: %d %s", r.status, r.body)
	}
	if _, ok := s.emu.PageByTitle("DOCS", "Huge"); ok {
		t.Error("an oversized create stored the page")
	}
	p := s.createPage(bot, "DOCS", "Small", "<p/>")
	labels := make([]map[string]string, 0, 200)
	for i := range 200 {
		labels = append(labels, map[string]string{"prefix": "global", "name": fmt.Sprintf("label-%03d", i)})
	}
	r = s.doRawJSON(bot, "POST", "/wiki/rest/api/content/"+p.ID+"/label", labels)
	var v1 v1ErrorBody
	r.decode(t, &v1)
	if r.status != http.StatusRequestEntityTooLarge || v1.StatusCode != 413 {
		t.Errorf("oversized v1 label write: %d %s", r.status, r.body)
	}
	// The default is the documented 5 MB.
	if d := NewDemo(Options{}); d.bodyLimitLocked() != 5<<20 {
		t.Errorf("default body limit %d", d.bodyLimitLocked())
	}
}

func TestStrictSpecRefusesUndocumentedParameters(t *testing.T) {
	s := newTestSite(t)
	docs := s.spaceID("DOCS")
	draft := "/wiki/api/v2/pages?space-id=" + docs + "&status=current&status=draft"
	unknown := "/wiki/api/v2/pages?space-id=" + docs + "&expand=body"
	v1Unknown := "/wiki/rest/api/search?cql=type%3Dpage&expand=content.body"
	// Off by default: the emulator is lenient.
	for _, path := range []string{draft, unknown, v1Unknown} {
		if r := s.doRaw(bot, "bot-token", "GET", path); r.status != 200 {
			t.Errorf("lenient %s: %d %s", path, r.status, r.body)
		}
	}
	s.emu.SetStrictSpec(true)
	r := s.doRaw(bot, "bot-token", "GET", draft)
	var doc struct{ Errors []v2Error }
	r.decode(t, &doc)
	if r.status != 400 || len(doc.Errors) != 1 || doc.Errors[0].Code != "INVALID_REQUEST_PARAMETER" || !strings.Contains(doc.Errors[0].Title, `"status"`) {
		t.Errorf("status=draft: %d %s", r.status, r.body)
	}
	r = s.doRaw(bot, "bot-token", "GET", unknown)
	if r.status != 400 || !strings.Contains(string(r.body), `\"expand\"`) {
		t.Errorf("undocumented expand on v2: %d %s", r.status, r.body)
	}
	r = s.doRaw(bot, "bot-token", "GET", "/wiki/api/v2/pages?limit=1000")
	if r.status != 400 || !strings.Contains(string(r.body), "limit") {
		t.Errorf("limit over the documented maximum: %d %s", r.status, r.body)
	}
	var v1 v1ErrorBody
	r = s.doRaw(bot, "bot-token", "GET", v1Unknown)
	r.decode(t, &v1)
	// v1 search documents expand, so a v1 request with an undocumented name instead:
	if r.status != 200 {
		t.Errorf("documented v1 expand refused: %d %s", r.status, r.body)
	}
	r = s.doRaw(bot, "bot-token", "GET", "/wiki/rest/api/search?cql=type%3Dpage&bogus=1")
	r.decode(t, &v1)
	if r.status != 400 || v1.StatusCode != 400 || !strings.Contains(v1.Message, "BadRequestException") {
		t.Errorf("undocumented v1 parameter: %d %s", r.status, r.body)
	}
	// Documented requests pass.
	s.must(200, bot, "GET", "/wiki/api/v2/pages?space-id="+docs+"&status=current&status=trashed&limit=250", nil)
	s.createPage(bot, "DOCS", "Strict create", "<p/>")
}

func TestDocumentedLabelPrefixesLeaveGlobalLabelsOut(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Prefixed", "<p/>")
	s.addLabels(p.ID, "global-one", "team:squad", "my:mine")
	path := "/wiki/api/v2/spaces/" + s.spaceID("DOCS") + "/content/labels"
	var labels struct{ Results []labelItem }
	s.must(200, bot, "GET", path, nil).decode(t, &labels)
	if got := labelNames(labels.Results); got != "global-one,squad,mine" {
		t.Errorf("lenient default: %q", got)
	}
	s.emu.SetDocumentedLabelPrefixes(true)
	s.must(200, bot, "GET", path, nil).decode(t, &labels)
	if got := labelNames(labels.Results); got != "squad,mine" {
		t.Errorf("documented default my, team: %q", got)
	}
	s.must(200, bot, "GET", path+"?prefix=team", nil).decode(t, &labels)
	if got := labelNames(labels.Results); got != "squad" {
		t.Errorf("prefix=team: %q", got)
	}
	// Page labels are not affected: their prefix has no default.
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID+"/labels", nil).decode(t, &labels)
	if len(labels.Results) != 3 {
		t.Errorf("page labels: %+v", labels.Results)
	}
}
