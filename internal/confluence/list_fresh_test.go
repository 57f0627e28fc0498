// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"slices"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// A page just created is listed late: ListPagesFresh waits for it with
// GetPageFresh's growing waits, and gives up after its budget.
func TestListPagesFreshWaitsOutListingLag(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{PageLag: emulator.ReadLag{Reads: 2}})
	p := ec.create(t, "Listed late")
	opts := ListPagesOptions{SpaceIDs: []string{p.SpaceID}, Title: "Listed late"}
	got, err := ec.ListPagesFresh(t.Context(), opts, 0)
	if err != nil || len(got) != 1 || got[0].ID != p.ID {
		t.Fatalf("ListPagesFresh: %+v, %v", got, err)
	}
	if want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}; !slices.Equal(ec.waits, want) {
		t.Errorf("waits %v, want %v", ec.waits, want)
	}

	ec.waits = nil
	opts.Title = "Never created"
	got, err = ec.ListPagesFresh(t.Context(), opts, time.Second)
	var total time.Duration
	for _, w := range ec.waits {
		total += w
	}
	if err != nil || len(got) != 0 || total > time.Second || len(ec.waits) != 2 {
		t.Errorf("a title nobody holds: %+v, %v after waits %v; want nothing after at most 1s of waits", got, err, ec.waits)
	}
}
