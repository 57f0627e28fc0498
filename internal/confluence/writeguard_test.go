// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// Ctrl-C while a create is in flight: the request was sent, so it is
// finished and its result returned; the caller can put the page in state.
func TestCancelledWriteInFlightCompletes(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		cancel() // the run is interrupted while Confluence works on the create
		select {
		case <-r.Context().Done():
			return // the client gave up on the request: the test fails below
		case <-time.After(300 * time.Millisecond): // a slow site
		}
		writeJSON(w, 200, `{"id":"7","title":"T","status":"current","version":{"number":1}}`)
	})
	page, err := tc.CreatePage(ctx, CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if err != nil {
		t.Fatalf("CreatePage after cancellation mid-request: %v; want the created page", err)
	}
	if page.ID != "7" {
		t.Errorf("page = %+v", page)
	}
	if tc.rec.count() != 1 {
		t.Errorf("requests = %d, want 1", tc.rec.count())
	}
}

// A write not yet sent when the run is cancelled is never sent.
func TestCancelledWriteIsNotStarted(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{}`)
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := tc.CreatePage(ctx, CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if !errors.Is(err, ErrNotSent) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrNotSent and context.Canceled", err)
	}
	if MayHaveBeenApplied(err) {
		t.Error("a write that was never sent may have been applied, says MayHaveBeenApplied")
	}
	if err := tc.AddPageLabels(ctx, "7", []string{"a"}); !errors.Is(err, ErrNotSent) {
		t.Errorf("AddPageLabels: %v, want ErrNotSent", err)
	}
	if tc.rec.count() != 0 {
		t.Errorf("requests = %d, want 0", tc.rec.count())
	}
}

// Cancelled while waiting for the rate limiter: not sent, and it says so.
func TestCancelledWhileWaitingForTheLimiter(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{}`)
	})
	ctx, cancel := context.WithCancel(t.Context())
	tc.limiter = slowLimiter(time.Hour)
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err := tc.CreatePage(ctx, CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if !errors.Is(err, ErrNotSent) || MayHaveBeenApplied(err) {
		t.Fatalf("err = %v, want ErrNotSent", err)
	}
	if tc.rec.count() != 0 {
		t.Errorf("requests = %d, want 0", tc.rec.count())
	}
}

// A write refused with 429 (nothing done) is not sent again once the run is
// cancelled.
func TestCancelledWriteIsNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		cancel()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := tc.UpdatePage(ctx, UpdatePageRequest{ID: "7", Title: "T", Body: "<p/>", VersionNumber: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if tc.rec.count() != 1 {
		t.Errorf("requests = %d, want 1", tc.rec.count())
	}
}

// A write waiting out a Retry-After stops waiting when the run is cancelled.
func TestCancelledWriteStopsWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	tc.sleep = func(d time.Duration) time.Duration { return d } // really wait
	go func() {
		for tc.rec.count() == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := tc.CreatePage(ctx, CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("returned after %v, want promptly after the cancellation", d)
	}
	if tc.rec.count() != 1 {
		t.Errorf("requests = %d, want 1", tc.rec.count())
	}
}

// A sent write whose answer never comes is bounded by the grace period.
func TestCancelledWriteIsBounded(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tc := newTestClient(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done() // never answers
	})
	tc.writeGrace = 200 * time.Millisecond
	start := time.Now()
	_, err := tc.CreatePage(ctx, CreatePageRequest{SpaceID: "1", Title: "T", Body: "<p/>"})
	if err == nil {
		t.Fatal("CreatePage succeeded without an answer")
	}
	if !MayHaveBeenApplied(err) {
		t.Errorf("err = %v: a sent write without an answer may have been applied", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v, want within the 200ms grace", d)
	}
}
