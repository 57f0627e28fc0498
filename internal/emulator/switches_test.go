// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRateLimitAnswers429ThenRecovers(t *testing.T) {
	s := newTestSite(t)
	s.emu.SetRateLimit(1, 2)
	s.must(200, bot, "GET", "/wiki/rest/api/user/current", nil)
	s.must(200, bot, "GET", "/wiki/rest/api/user/current", nil)
	r := s.doRaw(bot, "bot-token", "GET", "/wiki/rest/api/user/current")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("third request: status %d, want 429", r.status)
	}
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || retry < 1 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if r.header.Get(h) == "" {
			t.Errorf("429 lacks %s", h)
		}
	}
	if got := s.emu.Stats().RateLimited; got != 1 {
		t.Errorf("Stats().RateLimited = %d after one 429, want 1", got)
	}
	// Buckets are per account.
	s.must(200, reader, "GET", "/wiki/rest/api/user/current", nil)
	s.clock.Advance(time.Duration(retry) * time.Second)
	s.must(200, bot, "GET", "/wiki/rest/api/user/current", nil)
}

func TestFault503AndFault500LeaveNothingChanged(t *testing.T) {
	s := newTestSite(t)
	docs := s.spaceID("DOCS")
	s.emu.InjectFault(Fault{Method: "POST", Path: `^/wiki/api/v2/pages$`, Kind: Fault503})
	r := s.doRawJSON(bot, "POST", "/wiki/api/v2/pages", pageCreate(docs, "Faulty", "<p/>"))
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Errorf("503 fault: status %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	s.emu.InjectFault(Fault{Method: "POST", Path: `/pages$`, Kind: Fault500Before, Times: 2})
	for range 2 {
		if r := s.doRawJSON(bot, "POST", "/wiki/api/v2/pages", pageCreate(docs, "Faulty", "<p/>")); r.status != 500 {
			t.Errorf("500 fault: status %d", r.status)
		}
	}
	if _, ok := s.emu.PageByTitle("DOCS", "Faulty"); ok {
		t.Fatal("a faulted request stored the page")
	}
	s.createPage(bot, "DOCS", "Faulty", "<p/>") // faults used up
}

func TestDroppedConnectionAfterCommit(t *testing.T) {
	s := newTestSite(t)
	s.emu.InjectFault(Fault{Method: "POST", Path: `^/wiki/api/v2/pages$`, Kind: FaultDropAfterCommit})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.srv.URL+"/wiki/api/v2/pages", jsonBody(t, pageCreate(s.spaceID("DOCS"), "Committed", "<p/>")))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(bot, "bot-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("client got status %d, want a transport error", resp.StatusCode)
	}
	if _, ok := s.emu.PageByTitle("DOCS", "Committed"); !ok {
		t.Error("the write was not committed before the connection dropped")
	}
}

func TestStatsCountByRouteTemplate(t *testing.T) {
	s := newTestSite(t)
	p := s.createPage(bot, "DOCS", "Counted", "<p/>")
	s.emu.ResetStats()
	for range 3 {
		s.must(200, bot, "GET", "/wiki/api/v2/pages/"+p.ID, nil)
	}
	s.must(200, bot, "PUT", "/wiki/api/v2/pages/"+p.ID, pageUpdate(p.ID, "Counted", "<p/>", 2, ""))
	if got := s.emu.Count("GET", "/wiki/api/v2/pages/{id}"); got != 3 {
		t.Errorf("GET count %d, want 3", got)
	}
	st := s.emu.Stats()
	if st.Total != 4 || st.Writes != 1 || st.ByRoute["PUT /wiki/api/v2/pages/{id}"] != 1 {
		t.Errorf("stats %+v", st)
	}

	// The control endpoints are neither counted nor authenticated.
	var fromHTTP Stats
	s.doRaw("", "", "GET", "/__emulator/stats").decode(t, &fromHTTP)
	if fromHTTP.Total != 4 {
		t.Errorf("stats over HTTP %+v", fromHTTP)
	}
	if r := s.doRaw("", "", "POST", "/__emulator/reset-stats"); r.status != http.StatusNoContent {
		t.Errorf("reset-stats: %d", r.status)
	}
	if st := s.emu.Stats(); st.Total != 0 || len(st.ByRoute) != 0 {
		t.Errorf("after reset %+v", st)
	}
}

func TestLatencyIsApplied(t *testing.T) {
	// Only checks that a configured latency does not break serving; durations are not asserted.
	s := newTestSite(t)
	s.emu.SetLatency(time.Millisecond)
	s.must(200, bot, "GET", "/wiki/rest/api/user/current", nil)
}
