// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"math"
	"net/http"
	"strconv"

	"golang.org/x/time/rate"
)

// allow takes a token from the account's bucket. When the bucket is empty it answers 429
// with the headers Atlassian sends (Retry-After in seconds, X-RateLimit-*) and returns false.
func (e *Emulator) allow(w http.ResponseWriter, a *Account) bool {
	e.mu.Lock()
	if e.rps <= 0 {
		e.mu.Unlock()
		return true
	}
	now := e.now()
	lim := e.limiters[a.AccountID]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(e.rps), e.burst)
		e.limiters[a.AccountID] = lim
	}
	burst := e.burst
	if lim.AllowN(now, 1) {
		remaining := int(math.Max(0, math.Floor(lim.TokensAt(now))))
		e.mu.Unlock()
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(burst))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		return true
	}
	// Time until one token is back: (1 - tokens) / rate.
	wait := (1 - lim.TokensAt(now)) / e.rps
	e.stats.RateLimited++
	e.mu.Unlock()
	retryAfter := int(math.Ceil(wait))
	if retryAfter < 1 {
		retryAfter = 1
	}
	reset := now.Add(secondsDuration(float64(retryAfter))).UTC()
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(burst))
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset", reset.Format("2006-01-02T15:04:05Z"))
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte("Rate limit exceeded. Retry after " + strconv.Itoa(retryAfter) + " seconds.\n"))
	return false
}
