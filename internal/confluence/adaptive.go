// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The client's own rate adapts to Confluence's answers. Atlassian documents
// (https://developer.atlassian.com/cloud/confluence/rate-limiting/, "Rate
// limit responses") that a 429 may carry Retry-After (seconds to wait; a
// request re-sent earlier fails again with the same or a longer wait) and
// X-RateLimit-Reset (ISO 8601 time the limit resets), that X-RateLimit-Limit
// is how many requests fit in the window and X-RateLimit-Remaining how many
// are left, and that X-RateLimit-NearLimit: true says less than 20 % of the
// budget remains. Its advice: slow down on 429, back off exponentially with
// jitter, and honour Retry-After.
const (
	// rateDecrease multiplies the rate on a 429 while no good rate is known:
	// halve it, as in TCP's AIMD.
	rateDecrease = 0.5
	// stepDown multiplies the rate on a 429 at a rate that was good.
	stepDown = 0.9
	// rateIncrease multiplies the rate after every quiet recoveryInterval:
	// slow, so that a site near its limit is not pushed straight back over it.
	rateIncrease = 1.2
	// recoveryInterval is how long the rate must go without a 429 (and
	// without the site saying it is near its limit) before it rises a step.
	recoveryInterval = 5 * time.Second
	// minRate is the floor: one request every ten seconds still makes
	// progress, and Retry-After pauses cover longer waits.
	minRate = 0.1
	// belowFailed is how close under the lowest rate that drew a 429 the
	// rate may rise again.
	belowFailed = 0.97
	// probeInterval is how long the rate must stay quiet just below a rate
	// that drew a 429 before it tries above it (the site may have raised
	// its limit): each probe costs a 429 and a Retry-After pause for every
	// request, so it is rare.
	probeInterval = 30 * time.Second
	// probeIncrease is the step of such a probe.
	probeIncrease = 1.1
	// observedWindow is how many recent sends estimate the actual rate.
	observedWindow = 16
)

// adaptiveLimiter is the client's shared limiter: a token bucket whose rate
// drops on 429, pauses every request until the server's Retry-After, and
// recovers slowly towards the configured ceiling.
type adaptiveLimiter struct {
	mu sync.Mutex
	// lim is nil while the client is unlimited and has never been rate limited.
	lim         *rate.Limiter
	ceiling     float64   // configured rate; 0 means unlimited
	current     float64   // the rate in force; 0 means unlimited
	pausedUntil time.Time // no request is sent before this (Retry-After)
	lastDrop    time.Time // when the rate last dropped
	lastChange  time.Time // when the rate last changed (drop or rise)
	serverLimit int       // X-RateLimit-Limit, the server's bucket size (0 unknown)
	sends       []time.Time
	// memory is what the rate learnt from earlier answers.
	memory rateMemory

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newAdaptiveLimiter(rps float64) *adaptiveLimiter {
	a := &adaptiveLimiter{ceiling: rps, current: rps, now: time.Now, sleep: sleepContext}
	if rps > 0 {
		a.lim = rate.NewLimiter(rate.Limit(rps), burstFor(rps, 0))
	}
	return a
}

// burstFor lets short bursts of one second's worth through, never more than
// the server's own bucket holds.
func burstFor(rps float64, serverLimit int) int {
	b := max(1, int(rps))
	if serverLimit > 0 {
		b = min(b, serverLimit)
	}
	return b
}

// Wait blocks until a request may be sent: after any Retry-After pause, and
// when a token is free. Every reservation is made at max(now, pausedUntil),
// which only moves forward, so the token bucket's clock stays monotonic.
func (a *adaptiveLimiter) Wait(ctx context.Context) error {
	a.mu.Lock()
	now := a.now()
	at := now
	if a.pausedUntil.After(at) {
		at = a.pausedUntil
	}
	var r *rate.Reservation
	delay := at.Sub(now)
	if a.lim != nil {
		r = a.lim.ReserveN(at, 1)
		delay = r.DelayFrom(now)
	}
	a.mu.Unlock()
	if delay <= 0 {
		a.sent()
		return nil
	}
	if err := a.sleep(ctx, delay); err != nil {
		if r != nil {
			a.mu.Lock()
			r.CancelAt(a.now())
			a.mu.Unlock()
		}
		return err
	}
	a.sent()
	return nil
}

// sent records a send for the observed-rate estimate.
func (a *adaptiveLimiter) sent() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sends = append(a.sends, a.now())
	if len(a.sends) > observedWindow {
		a.sends = a.sends[len(a.sends)-observedWindow:]
	}
}

// observedLocked is the rate of the recent sends (0 when unknown).
func (a *adaptiveLimiter) observedLocked() float64 {
	n := len(a.sends)
	if n < 2 {
		return 0
	}
	span := a.sends[n-1].Sub(a.sends[0]).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(n-1) / span
}

// rateHeaders are the rate-limit headers of one answer.
type rateHeaders struct {
	retryAfter time.Duration // Retry-After, or until X-RateLimit-Reset; 0 when absent
	limit      int           // X-RateLimit-Limit (0 when absent)
	remaining  int           // X-RateLimit-Remaining (-1 when absent)
	nearLimit  bool          // X-RateLimit-NearLimit: true
}

// parseRateHeaders reads Atlassian's rate-limit headers; parseRetryAfter
// reads Retry-After in seconds or as an HTTP date.
func parseRateHeaders(h http.Header, now time.Time, parseRetryAfter func(string) (time.Duration, bool)) rateHeaders {
	rh := rateHeaders{remaining: -1}
	if d, ok := parseRetryAfter(h.Get("Retry-After")); ok {
		rh.retryAfter = d
	} else if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		// Documented as "yyyy-MM-ddTHH:mmZ"; the emulator adds seconds.
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z"} {
			if t, err := time.Parse(layout, v); err == nil {
				rh.retryAfter = max(t.Sub(now), 0)
				break
			}
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit"))); err == nil && n > 0 {
		rh.limit = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining"))); err == nil && n >= 0 {
		rh.remaining = n
	}
	rh.nearLimit = strings.EqualFold(strings.TrimSpace(h.Get("X-RateLimit-NearLimit")), "true")
	return rh
}

// rateMemory is what the limiter learnt about the site's limit.
type rateMemory struct {
	good   float64 // the last rate that went a recoveryInterval without a 429 (0 unknown)
	failed float64 // the lowest rate that drew a 429 since (0 unknown)
}

// rateInputs is what the limiter knows when an answer arrives.
type rateInputs struct {
	current, ceiling float64       // the rate in force and the configured one (0 = unlimited)
	observed         float64       // the rate actually sent recently (0 unknown)
	limited          bool          // the answer is a 429
	nearLimit        bool          // the site says it is near its limit
	quiet            time.Duration // since the rate last changed
	memory           rateMemory
}

// nextRate is the rule of the limiter, a pure function: the rate after an
// answer, and what it learnt.
//
// On a 429 the rate that drew it (what was really sent, if less) is
// remembered as failed. If the rate had risen above the last good one, that
// rise failed: it steps back. If it was at the good rate for a while, the
// site's limit fell a little (or its bucket absorbed a small excess for a
// while): it steps down by stepDown. With no good rate yet, or refused again
// soon after the last change (the limit fell far), it halves, as in TCP's
// AIMD, to find the limit fast; never below minRate.
//
// A rate that goes recoveryInterval without a 429 is good and rises by
// rateIncrease, but only to just below the failed rate (belowFailed); past
// that only by probeIncrease after probeInterval, since each probe costs a
// 429 and a pause for every request. Nothing rises while the server says it
// is near its limit. So a steady apply runs close under the site's limit,
// not at three quarters of it as plain halving would.
func nextRate(in rateInputs) (float64, rateMemory) {
	mem := in.memory
	if in.limited {
		base := in.current
		if in.observed > 0 && (base == 0 || in.observed < base) {
			base = in.observed
		}
		if base == 0 {
			// Unlimited and nothing observed: start from the documented default.
			base = DefaultRequestsPerSecond
		}
		if mem.failed == 0 || base < mem.failed {
			mem.failed = base
		}
		switch {
		case mem.good > 0 && mem.good < in.current:
			return max(minRate, min(mem.good, base)), mem
		case mem.good > 0 && in.quiet >= recoveryInterval:
			mem.good = max(minRate, base*stepDown)
			return mem.good, mem
		}
		// No good rate, or it failed again soon after the last change: the
		// limit is far below, halve.
		mem.good = 0
		return max(minRate, base*rateDecrease), mem
	}
	if in.current == 0 || in.nearLimit || in.quiet < recoveryInterval || in.current == in.ceiling {
		return in.current, mem
	}
	next := in.current * rateIncrease
	if below := mem.failed * belowFailed; mem.failed > 0 && next > below {
		switch {
		case in.current < below:
			next = below
		case in.quiet >= probeInterval:
			next = in.current * probeIncrease
		default:
			return in.current, mem
		}
	}
	mem.good = in.current
	if in.ceiling > 0 && next >= in.ceiling {
		return in.ceiling, mem
	}
	if in.ceiling == 0 && next >= 1000 {
		return 0, mem // back to unlimited
	}
	return next, mem
}

// observe adapts the limiter to one answer. askedAt is when the request
// asked the limiter to go: a 429 to a request let through before the last
// drop (in flight, or waiting for a token reserved at the old rate) says
// nothing new about the lowered rate and does not lower it again, but its
// Retry-After still pauses everyone.
func (a *adaptiveLimiter) observe(askedAt time.Time, status int, header http.Header, parseRetryAfter func(string) (time.Duration, bool)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	rh := parseRateHeaders(header, now, parseRetryAfter)
	if rh.limit > 0 {
		a.serverLimit = rh.limit
	}
	limited := status == http.StatusTooManyRequests
	if limited {
		if until := now.Add(rh.retryAfter); until.After(a.pausedUntil) {
			a.pausedUntil = until
		}
		if !a.lastDrop.IsZero() && !askedAt.After(a.lastDrop) {
			return
		}
	}
	next, memory := nextRate(rateInputs{
		current: a.current, ceiling: a.ceiling, observed: a.observedLocked(),
		limited: limited, nearLimit: rh.nearLimit || rh.remaining == 0, quiet: now.Sub(a.lastChange),
		memory: a.memory,
	})
	a.memory = memory
	if next == a.current && !limited {
		return
	}
	a.current = next
	a.lastChange = now
	if limited {
		a.lastDrop = now
	}
	at := now
	if a.pausedUntil.After(at) {
		at = a.pausedUntil
	}
	if next == 0 {
		if a.lim != nil {
			a.lim.SetLimitAt(at, rate.Inf)
		}
		return
	}
	if a.lim == nil {
		a.lim = rate.NewLimiter(rate.Limit(next), burstFor(next, a.serverLimit))
	}
	a.lim.SetLimitAt(at, rate.Limit(next))
	a.lim.SetBurstAt(at, burstFor(next, a.serverLimit))
	if limited {
		// The server's bucket is empty: so is ours, or the tokens saved up
		// at the old rate would all be spent the moment the pause ends.
		if tokens := int(math.Floor(a.lim.TokensAt(at))); tokens > 0 {
			a.lim.ReserveN(at, tokens)
		}
	}
}

// Rate returns the rate in force, in requests per second (0 = unlimited).
func (a *adaptiveLimiter) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.current
}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
