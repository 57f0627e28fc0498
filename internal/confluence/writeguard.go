// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// A write that was sent must end in state. When Terraform is interrupted
// (Ctrl-C) it cancels the context of every operation in flight; a create
// aborted after Confluence stored the page would return an error, the page
// would never reach state, and the next apply would find its title taken.
// So a write runs on a context detached from cancellation: once its request
// has left, it is finished (answer read and returned) within writeGrace; a
// write not yet sent when the run is cancelled is never sent, and one
// waiting between attempts (a 429, a 503) is not sent again.

// ErrNotSent wraps the cancellation of a write that was refused before any
// of its requests left: nothing was changed.
var ErrNotSent = errors.New("the write was not sent because the run was cancelled; nothing was changed")

// isWrite reports whether a method changes something.
func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// writeGuard follows one write call. parent is the caller's context; the
// requests run on a detached context that is cancelled when the caller is
// cancelled while no attempt is in flight, or writeGrace after the caller
// is cancelled while one is.
type writeGuard struct {
	mu       sync.Mutex
	parent   context.Context
	cancel   context.CancelFunc
	grace    time.Duration
	inFlight bool
	sent     bool // some attempt left
	timer    *time.Timer
	stop     func() bool
}

type writeGuardKey struct{}

// guardWrite returns the context to run a write on and a release function
// to call when the call is done (its answer read).
func (c *Client) guardWrite(ctx context.Context) (context.Context, func()) {
	detached, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g := &writeGuard{parent: ctx, cancel: cancel, grace: c.writeGrace}
	detached = context.WithValue(detached, writeGuardKey{}, g)
	g.stop = context.AfterFunc(ctx, g.parentDone)
	return detached, func() {
		g.stop()
		g.mu.Lock()
		if g.timer != nil {
			g.timer.Stop()
		}
		g.mu.Unlock()
		cancel()
	}
}

func writeGuardOf(ctx context.Context) *writeGuard {
	g, _ := ctx.Value(writeGuardKey{}).(*writeGuard)
	return g
}

// parentDone runs when the caller is cancelled.
func (g *writeGuard) parentDone() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.inFlight {
		g.cancel() // waiting for the limiter or between attempts: stop now
		return
	}
	g.timer = time.AfterFunc(g.grace, g.cancel)
}

// begin is called just before an attempt is sent; false refuses it.
func (g *writeGuard) begin() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.parent.Err(); err != nil {
		if g.sent {
			return fmt.Errorf("not sending the write again because the run was cancelled: %w", err)
		}
		return fmt.Errorf("%w (%w)", ErrNotSent, err)
	}
	g.inFlight, g.sent = true, true
	return nil
}

// between is called when an attempt ended and another will follow after a
// wait: the caller's cancellation may interrupt it now. It reports the
// caller's cancellation, which stops the retries.
func (g *writeGuard) between() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight = false
	if err := g.parent.Err(); err != nil {
		g.cancel()
		return fmt.Errorf("not sending the write again because the run was cancelled: %w", err)
	}
	return nil
}
