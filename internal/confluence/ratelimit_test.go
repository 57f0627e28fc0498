// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNextRate(t *testing.T) {
	cases := []struct {
		name     string
		in       rateInputs
		want     float64
		wantMemo rateMemory
	}{
		{name: "429 halves the rate", in: rateInputs{current: 10, ceiling: 10, limited: true}, want: 5, wantMemo: rateMemory{failed: 10}},
		{name: "429 halves what was really sent", in: rateInputs{current: 10, ceiling: 10, observed: 3, limited: true}, want: 1.5, wantMemo: rateMemory{failed: 3}},
		{name: "a burst faster than the rate does not count", in: rateInputs{current: 4, ceiling: 10, observed: 50, limited: true}, want: 2, wantMemo: rateMemory{failed: 4}},
		{name: "429 never goes below the floor", in: rateInputs{current: 0.15, ceiling: 10, limited: true}, want: minRate, wantMemo: rateMemory{failed: 0.15}},
		{name: "unlimited halves the observed rate", in: rateInputs{current: 0, ceiling: 0, observed: 30, limited: true}, want: 15, wantMemo: rateMemory{failed: 30}},
		{name: "unlimited with nothing observed starts from the default", in: rateInputs{current: 0, ceiling: 0, limited: true}, want: DefaultRequestsPerSecond / 2, wantMemo: rateMemory{failed: DefaultRequestsPerSecond}},
		{
			name: "429 above a good rate steps back to it",
			in:   rateInputs{current: 10.8, ceiling: 100, limited: true, memory: rateMemory{good: 9, failed: 12}},
			want: 9, wantMemo: rateMemory{good: 9, failed: 10.8},
		},
		{
			name: "429 at the good rate: the limit fell a little, step down",
			in:   rateInputs{current: 9, ceiling: 100, limited: true, quiet: recoveryInterval, memory: rateMemory{good: 9, failed: 10.8}},
			want: 9 * stepDown, wantMemo: rateMemory{good: 9 * stepDown, failed: 9},
		},
		{
			name: "429 at the good rate soon after a drop: the limit fell far, halve",
			in:   rateInputs{current: 9, ceiling: 100, limited: true, quiet: recoveryInterval - time.Millisecond, memory: rateMemory{good: 9, failed: 10.8}},
			want: 4.5, wantMemo: rateMemory{failed: 9},
		},
		{name: "no rise before the quiet interval", in: rateInputs{current: 2, ceiling: 10, quiet: recoveryInterval - time.Millisecond}, want: 2},
		{name: "slow rise after it, and the rate is good", in: rateInputs{current: 2, ceiling: 10, quiet: recoveryInterval}, want: 2.4, wantMemo: rateMemory{good: 2}},
		{
			name: "rise stops just below the failed rate",
			in:   rateInputs{current: 9, ceiling: 100, quiet: recoveryInterval, memory: rateMemory{good: 7.5, failed: 10}},
			want: 10 * belowFailed, wantMemo: rateMemory{good: 9, failed: 10},
		},
		{
			name: "just below it no probe before probeInterval",
			in:   rateInputs{current: 9.7, ceiling: 100, quiet: probeInterval - time.Second, memory: rateMemory{good: 9, failed: 10}},
			want: 9.7, wantMemo: rateMemory{good: 9, failed: 10},
		},
		{
			name: "a rare probe above it",
			in:   rateInputs{current: 9.7, ceiling: 100, quiet: probeInterval, memory: rateMemory{good: 9.7, failed: 10}},
			want: 9.7 * probeIncrease, wantMemo: rateMemory{good: 9.7, failed: 10},
		},
		{name: "no rise while near the limit", in: rateInputs{current: 2, ceiling: 10, nearLimit: true, quiet: time.Hour}, want: 2},
		{name: "capped at the ceiling", in: rateInputs{current: 9, ceiling: 10, quiet: time.Hour}, want: 10, wantMemo: rateMemory{good: 9}},
		{name: "at the ceiling stays", in: rateInputs{current: 10, ceiling: 10, quiet: time.Hour}, want: 10},
		{name: "unlimited stays unlimited", in: rateInputs{current: 0, ceiling: 0, quiet: time.Hour}, want: 0},
		{name: "unlimited again once fast enough", in: rateInputs{current: 900, ceiling: 0, quiet: time.Hour}, want: 0, wantMemo: rateMemory{good: 900}},
	}
	for _, c := range cases {
		got, memo := nextRate(c.in)
		if math.Abs(got-c.want) > 1e-9 || math.Abs(memo.good-c.wantMemo.good) > 1e-9 || math.Abs(memo.failed-c.wantMemo.failed) > 1e-9 {
			t.Errorf("%s: nextRate = %v %+v, want %v %+v", c.name, got, memo, c.want, c.wantMemo)
		}
	}
}

func TestParseRateHeaders(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	c := &Client{now: func() time.Time { return now }}
	h := http.Header{}
	h.Set("X-RateLimit-Reset", "2026-07-01T12:02Z") // the documented format, no Retry-After
	h.Set("X-RateLimit-Limit", "40")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-NearLimit", "true")
	rh := parseRateHeaders(h, now, c.parseRetryAfter)
	if rh.retryAfter != 2*time.Minute || rh.limit != 40 || rh.remaining != 0 || !rh.nearLimit {
		t.Errorf("headers = %+v", rh)
	}
	h.Set("Retry-After", "9") // wins over the reset time
	if rh := parseRateHeaders(h, now, c.parseRetryAfter); rh.retryAfter != 9*time.Second {
		t.Errorf("Retry-After = %v, want 9s", rh.retryAfter)
	}
	if rh := parseRateHeaders(http.Header{}, now, c.parseRetryAfter); rh != (rateHeaders{remaining: -1}) {
		t.Errorf("no headers = %+v", rh)
	}
}

// fakeLimiter is an adaptive limiter on a fake clock that waits record.
type fakeLimiter struct {
	*adaptiveLimiter
	clock time.Time
	waits []time.Duration
}

func newFakeLimiter(rps float64) *fakeLimiter {
	f := &fakeLimiter{adaptiveLimiter: newAdaptiveLimiter(rps), clock: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	f.now = func() time.Time { return f.clock }
	f.sleep = func(_ context.Context, d time.Duration) error {
		f.waits = append(f.waits, d)
		f.clock = f.clock.Add(d)
		return nil
	}
	return f
}

func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func (f *fakeLimiter) parse(v string) (time.Duration, bool) {
	c := &Client{now: func() time.Time { return f.clock }}
	return c.parseRetryAfter(v)
}

// A 429 lowers the shared rate once (requests already in flight do not lower
// it again), pauses every request until Retry-After, and the rate climbs back
// only slowly.
func TestAdaptiveLimiterDropsPausesAndRecovers(t *testing.T) {
	f := newFakeLimiter(10)
	ctx := t.Context()
	for range 10 { // the burst
		if err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sent := f.clock
	f.observe(sent, http.StatusTooManyRequests, headers("Retry-After", "3", "X-RateLimit-Limit", "2"), f.parse)
	if got := f.Rate(); got != 5 {
		t.Fatalf("rate after a 429 = %v, want 5", got)
	}
	// Three more requests sent at the old rate come back 429 too: no further drop.
	for range 3 {
		f.observe(sent, http.StatusTooManyRequests, headers("Retry-After", "3"), f.parse)
	}
	if got := f.Rate(); got != 5 {
		t.Fatalf("rate after 429s of requests sent before the drop = %v, want still 5", got)
	}
	// The next request waits out the Retry-After; the saved-up burst is gone
	// and the burst is no bigger than the server's own bucket (2).
	f.waits = nil
	for range 3 {
		if err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.waits) == 0 || f.waits[0] < 3*time.Second {
		t.Fatalf("waits after a 429 with Retry-After 3 = %v, want the first at least 3s", f.waits)
	}
	if f.lim.Burst() != 2 {
		t.Errorf("burst = %d, want 2 (X-RateLimit-Limit)", f.lim.Burst())
	}
	// A 429 to a request sent after the drop lowers the rate again.
	f.observe(f.clock, http.StatusTooManyRequests, headers("Retry-After", "1"), f.parse)
	if got := f.Rate(); got >= 5 {
		t.Fatalf("rate after a 429 at the lowered rate = %v, want below 5", got)
	}
	low := f.Rate()

	// Recovery: nothing until recoveryInterval passes quietly, then one step.
	f.clock = f.clock.Add(recoveryInterval / 2)
	f.observe(f.clock, http.StatusOK, headers(), f.parse)
	if f.Rate() != low {
		t.Fatalf("rate rose after %v: %v", recoveryInterval/2, f.Rate())
	}
	f.clock = f.clock.Add(recoveryInterval)
	f.observe(f.clock, http.StatusOK, headers("X-RateLimit-NearLimit", "true"), f.parse)
	if f.Rate() != low {
		t.Fatalf("rate rose while the site is near its limit: %v", f.Rate())
	}
	f.observe(f.clock, http.StatusOK, headers(), f.parse)
	if got, want := f.Rate(), low*rateIncrease; math.Abs(got-want) > 1e-9 {
		t.Fatalf("rate after a quiet interval = %v, want %v", got, want)
	}
	// Back to the ceiling, never above it.
	for range 100 {
		f.clock = f.clock.Add(recoveryInterval)
		f.observe(f.clock, http.StatusOK, headers(), f.parse)
	}
	if f.Rate() != 10 {
		t.Errorf("rate after a long quiet spell = %v, want the ceiling 10", f.Rate())
	}
}

// The pause is shared: after one call is refused with Retry-After, another
// call waits it out before sending, instead of spending a request on a 429.
func TestRateLimitPauseIsShared(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, 200, `{"id":"1","key":"DOC"}`)
	})
	tc.maxRetries = 0
	tc.budget = 0 // no 429 retries: the first call fails at once
	if _, err := tc.GetSpace(t.Context(), "1"); !IsRateLimited(err) {
		t.Fatalf("first call: %v, want rate limited", err)
	}
	tc.limiterWaits = nil
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if w := tc.recordedLimiterWaits(); len(w) != 1 || w[0] < 7*time.Second {
		t.Errorf("second call's limiter waits = %v, want one of at least 7s", w)
	}
	if tc.rec.count() != 2 {
		t.Errorf("requests = %d, want 2", tc.rec.count())
	}
}

// A Retry-After longer than what is left of the budget fails at once, with
// an error that says so and what to do.
func TestRetryAfterLongerThanBudgetFailsAtOnce(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := tc.CreatePage(t.Context(), CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	if tc.rec.count() != 1 || len(tc.recordedWaits()) != 0 {
		t.Errorf("requests %d, waits %v: want one request and no wait", tc.rec.count(), tc.recordedWaits())
	}
	for _, want := range []string{"retry after 10m0s", "longer than the 5m0s left of rate_limit_budget (5m0s)", "raise rate_limit_budget"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// 429s do not spend MaxRetries: with no retries for 503s, a rate-limited
// request is still retried (within the budget) and succeeds.
func TestRateLimitRetriesAreNotCounted(t *testing.T) {
	tc := newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n < 8 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, 200, `{"id":"1","key":"DOC"}`)
	})
	tc.maxRetries = 0
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if tc.rec.count() != 9 {
		t.Errorf("requests = %d, want 9", tc.rec.count())
	}
	if tc.adaptive.Rate() >= DefaultRequestsPerSecond {
		t.Errorf("rate after eight 429s = %v, want lowered", tc.adaptive.Rate())
	}
}

// Without Retry-After, X-RateLimit-Reset says how long to wait.
func TestRateLimitResetHeaderIsHonoured(t *testing.T) {
	var tc *testClient
	tc = newTestClient(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("X-RateLimit-Reset", tc.now().Add(90*time.Second).UTC().Format("2006-01-02T15:04:05Z"))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, 200, `{"id":"1"}`)
	})
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace: %v", err)
	}
	if w := tc.recordedWaits(); len(w) != 1 || w[0] != 90*time.Second {
		t.Errorf("waits = %v, want [1m30s]", w)
	}
}

// Waiting for the limiter is not the site being slow: the request timeout
// starts when the limiter lets the attempt go.
func TestLimiterWaitIsNotPartOfTheRequestTimeout(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"id":"1"}`)
	})
	tc.attemptTimeout = 100 * time.Millisecond
	tc.limiter = slowLimiter(300 * time.Millisecond)
	if _, err := tc.GetSpace(t.Context(), "1"); err != nil {
		t.Fatalf("GetSpace after a long limiter wait: %v", err)
	}
}

type slowLimiter time.Duration

func (d slowLimiter) Wait(ctx context.Context) error { return sleepContext(ctx, time.Duration(d)) }
