// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"maps"
	"net/http"
	"time"
)

// Stats counts the requests the emulator received (control endpoints excluded).
type Stats struct {
	Total   int            `json:"total"`
	Writes  int            `json:"writes"`   // requests other than GET and HEAD
	ByRoute map[string]int `json:"by_route"` // "METHOD /route/{template}" → count
	// RateLimited counts the requests answered 429 by the rate limit
	// (SetRateLimit); they are in Total too.
	RateLimited int `json:"rate_limited"`
	// UploadedBytes is the size of the attachment files received.
	UploadedBytes int64 `json:"uploaded_bytes"`
}

// record counts a request and returns the latency to inject into it.
func (e *Emulator) record(method, routeKey string) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.Total++
	if method != http.MethodGet && method != http.MethodHead {
		e.stats.Writes++
	}
	e.stats.ByRoute[routeKey]++
	return e.latency
}

// Stats returns a copy of the request counters.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.ByRoute = maps.Clone(e.stats.ByRoute)
	return s
}

// ResetStats zeroes the request counters.
func (e *Emulator) ResetStats() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = Stats{ByRoute: map[string]int{}}
}

// Count returns how many requests hit a route, e.g. Count("GET", "/wiki/api/v2/pages/{id}").
func (e *Emulator) Count(method, route string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats.ByRoute[method+" "+route]
}
