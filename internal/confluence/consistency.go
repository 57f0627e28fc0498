// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Confluence Cloud is eventually consistent: a page just created may answer 404 for
// a moment, labels just added show up late, and an update may get a transient 409
// while the page is locked or not yet reconciled. These helpers absorb that with
// bounded waits, so the provider can tell "not there yet" from "gone" and "busy"
// from "edited by someone else".

const (
	// MaxRequestBody is the largest request body Confluence accepts: POST
	// /wiki/api/v2/pages documents 413 "Returned if the request is too large in
	// size (over 5 MB)". A page whose JSON request would be larger fails with
	// IsTooLarge; check it at plan time instead.
	MaxRequestBody = 5 << 20

	// DefaultFreshReadBudget is how long GetPageFresh waits in total for a page
	// that was just written to become readable.
	DefaultFreshReadBudget = 10 * time.Second
	// DefaultTransientConflictRetries is how many times UpdatePageRetryingTransient
	// repeats an update refused with a transient 409.
	DefaultTransientConflictRetries = 3

	// freshReadFirstWait is the first wait of GetPageFresh; it doubles up to
	// freshReadMaxWait.
	freshReadFirstWait = 250 * time.Millisecond
	freshReadMaxWait   = 2 * time.Second
)

// pause waits d (as the sleep seam decides) or until ctx ends.
func (c *Client) pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(c.sleep(d))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// GetPageFresh reads a page the caller has just written (created, or updated by an
// apply that expects it): a 404 is retried with growing waits until budget (total
// waiting; 0 selects DefaultFreshReadBudget) is used up, and only then returned.
// Use it where a missing page means "not visible yet", never to decide that a page
// someone else may have deleted is gone.
func (c *Client) GetPageFresh(ctx context.Context, id string, opts GetPageOptions, budget time.Duration) (*Page, error) {
	if budget <= 0 {
		budget = DefaultFreshReadBudget
	}
	wait, waited := freshReadFirstWait, time.Duration(0)
	for {
		page, err := c.GetPage(ctx, id, opts)
		if !IsNotFound(err) || waited+wait > budget {
			return page, err
		}
		tflog.SubsystemDebug(ctx, Subsystem, "page just written is not readable yet; waiting", map[string]any{"page_id": id, "wait_ms": wait.Milliseconds()})
		if err := c.pause(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
		wait = min(wait*2, freshReadMaxWait)
	}
}

// ListPagesFresh lists pages the caller may have just created (a create whose
// answer was lost): while nothing is listed it waits and lists again with
// GetPageFresh's growing waits, until budget (total waiting; 0 selects
// DefaultFreshReadBudget) is used up, then returns what it last listed.
// Confluence Cloud lists new content late (Atlassian gives no consistency
// guarantee for reads after writes, and documents search lag at
// https://developer.atlassian.com/cloud/confluence/rest/v1/api-group-search/).
func (c *Client) ListPagesFresh(ctx context.Context, opts ListPagesOptions, budget time.Duration) ([]Page, error) {
	if budget <= 0 {
		budget = DefaultFreshReadBudget
	}
	wait, waited := freshReadFirstWait, time.Duration(0)
	for {
		pages, err := c.ListPages(ctx, opts)
		if err != nil || len(pages) > 0 || waited+wait > budget {
			return pages, err
		}
		tflog.SubsystemDebug(ctx, Subsystem, "page just created is not listed yet; waiting", map[string]any{"title": opts.Title, "wait_ms": wait.Milliseconds()})
		if err := c.pause(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
		wait = min(wait*2, freshReadMaxWait)
	}
}

// GetPageLabelsFresh reads the labels of a page the caller has just labelled: while
// any of want is missing it waits and reads again, until budget (total waiting; 0
// selects DefaultFreshReadBudget) is used up, then returns what it last read. Labels
// show up late on Confluence Cloud; without this, a refresh right after an apply
// would plan to add them again.
func (c *Client) GetPageLabelsFresh(ctx context.Context, pageID string, want []string, budget time.Duration) ([]Label, error) {
	return c.GetContentLabelsFresh(ctx, KindPage, pageID, want, budget)
}

// GetContentLabelsFresh is GetPageLabelsFresh for content of any kind.
func (c *Client) GetContentLabelsFresh(ctx context.Context, kind ContentKind, pageID string, want []string, budget time.Duration) ([]Label, error) {
	if budget <= 0 {
		budget = DefaultFreshReadBudget
	}
	wait, waited := freshReadFirstWait, time.Duration(0)
	for {
		labels, err := c.GetContentLabels(ctx, kind, pageID)
		if err != nil || hasAllLabels(labels, want) || waited+wait > budget {
			return labels, err
		}
		tflog.SubsystemDebug(ctx, Subsystem, "labels just added are not readable yet; waiting", map[string]any{"page_id": pageID, "wait_ms": wait.Milliseconds()})
		if err := c.pause(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
		wait = min(wait*2, freshReadMaxWait)
	}
}

func hasAllLabels(labels []Label, want []string) bool {
	have := make(map[string]bool, len(labels))
	for _, l := range labels {
		have[l.Name] = true
	}
	for _, name := range want {
		if !have[name] {
			return false
		}
	}
	return true
}

// UpdatePageRetryingTransient is UpdatePage that survives transient 409s: after a
// 409 it reads the page's version, and when the version has not moved (the 409 was
// a lock or an unreconciled page, not an edit) it waits and sends the same update
// again, at most retries times (negative: none; 0 selects
// DefaultTransientConflictRetries). When the version has moved, the 409 is returned
// with CurrentVersion set: someone else edited the page and the caller must not
// overwrite it.
func (c *Client) UpdatePageRetryingTransient(ctx context.Context, req UpdatePageRequest, retries int) (*Page, error) {
	switch {
	case retries == 0:
		retries = DefaultTransientConflictRetries
	case retries < 0:
		retries = 0
	}
	wait := firstRetryWait
	for attempt := 0; ; attempt++ {
		page, err := c.UpdatePage(ctx, req)
		if !IsConflict(err) {
			return page, err
		}
		apiErr, _ := AsAPIError(err)
		current, readErr := c.GetPage(ctx, req.ID, GetPageOptions{})
		if readErr != nil {
			return nil, err
		}
		if current.Version.Number != req.VersionNumber-1 {
			apiErr.CurrentVersion, apiErr.Transient = current.Version.Number, false
			return nil, err
		}
		apiErr.Transient = true // the version has not moved: nothing was saved
		if attempt >= retries {
			return nil, err
		}
		tflog.SubsystemDebug(ctx, Subsystem, "transient conflict on page update; retrying", map[string]any{"page_id": req.ID, "attempt": attempt + 1, "wait_ms": wait.Milliseconds()})
		if err := c.pause(ctx, wait+c.jitter(wait/5)); err != nil {
			return nil, err
		}
		wait = min(wait*2, c.maxRetryWait)
	}
}
