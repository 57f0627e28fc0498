// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// FaultKind says how an injected fault answers.
type FaultKind int

const (
	// Fault503 answers 503 Service Unavailable with Retry-After, before handling.
	Fault503 FaultKind = iota
	// FaultDropAfterCommit handles the request (the change is stored) and then closes
	// the connection without any response.
	FaultDropAfterCommit
	// Fault500Before answers 500 before handling; nothing is changed.
	Fault500Before
	// Fault502AfterCommit handles the request (the change is stored) and then answers
	// 502 Bad Gateway, as Atlassian's edge does when the site's answer is lost on the
	// way back.
	Fault502AfterCommit
	// Fault504AfterCommit handles the request (the change is stored) and then answers
	// 504 Gateway Timeout, as the edge does when the site answers too late.
	Fault504AfterCommit
)

func (k FaultKind) String() string {
	switch k {
	case Fault503:
		return "503"
	case FaultDropAfterCommit:
		return "drop-after-commit"
	case Fault500Before:
		return "500-before"
	case Fault502AfterCommit:
		return "502-after-commit"
	case Fault504AfterCommit:
		return "504-after-commit"
	default:
		return fmt.Sprintf("FaultKind(%d)", int(k))
	}
}

// Fault injects failures into requests whose method and URL path match.
type Fault struct {
	Method string // empty matches any method
	Path   string // regular expression matched against the URL path
	Kind   FaultKind
	Times  int // how many requests it hits; 0 means once
	Skip   int // how many matching requests pass untouched before it hits
}

type activeFault struct {
	Fault
	path      *regexp.Regexp
	remaining int
	skip      int
}

// InjectFault arms a fault. It panics if Path is not a valid regular expression, since
// that is a mistake in the test that calls it.
func (e *Emulator) InjectFault(f Fault) {
	re := regexp.MustCompile(f.Path)
	n := f.Times
	if n <= 0 {
		n = 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &activeFault{Fault: f, path: re, remaining: n, skip: f.Skip})
}

// ClearFaults disarms every injected fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// takeFault returns the first armed fault matching the request and uses up one of its hits.
func (e *Emulator) takeFault(method, path string) *activeFault {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, f := range e.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if !f.path.MatchString(path) {
			continue
		}
		if f.skip > 0 {
			f.skip--
			continue
		}
		f.remaining--
		if f.remaining <= 0 {
			e.faults = append(e.faults[:i:i], e.faults[i+1:]...)
		}
		return f
	}
	return nil
}

// discardWriter swallows the response of a request whose connection will be dropped.
type discardWriter struct{ header http.Header }

func newDiscardWriter() *discardWriter { return &discardWriter{header: http.Header{}} }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// dropConnection closes the client connection without writing a response. When the
// writer cannot be hijacked (HTTP/2, recorders) it aborts the handler instead, which
// net/http also turns into a reset stream or closed connection.
func dropConnection(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func secondsDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
