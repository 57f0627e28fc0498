// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// emulatorClient is a client of an emulated demo site, authenticated as the bot,
// whose waits are recorded instead of slept. Every exchange is checked against the
// OpenAPI documents.
type emulatorClient struct {
	*Client
	emu   *emulator.Emulator
	mu    sync.Mutex
	waits []time.Duration
}

func newEmulatorClient(t *testing.T, opts emulator.Options) *emulatorClient {
	t.Helper()
	emu := emulator.NewDemo(opts)
	srv := httptest.NewServer(emulator.ValidatingHandler(emu, func(v string) { t.Errorf("OpenAPI violation: %s", v) }))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, Email: "bot@example.com", APIToken: "bot-token", MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ec := &emulatorClient{Client: c, emu: emu}
	c.sleep = func(d time.Duration) time.Duration {
		ec.mu.Lock()
		defer ec.mu.Unlock()
		ec.waits = append(ec.waits, d)
		return 0
	}
	c.jitter = func(time.Duration) time.Duration { return 0 }
	return ec
}

func (ec *emulatorClient) create(t *testing.T, title string) *Page {
	t.Helper()
	space, err := ec.GetSpaceByKey(t.Context(), "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ec.CreatePage(t.Context(), CreatePageRequest{SpaceID: space.ID, Title: title, Body: "<p>v1</p>"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGetPageFreshWaitsOutReadAfterWriteLag(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{PageLag: emulator.ReadLag{Reads: 3}})
	p := ec.create(t, "Fresh")
	if _, err := ec.GetPage(t.Context(), p.ID, GetPageOptions{}); !IsNotFound(err) {
		t.Fatalf("plain GetPage during the lag: %v, want 404 (the switch is not on)", err)
	}
	got, err := ec.GetPageFresh(t.Context(), p.ID, GetPageOptions{IncludeBody: true}, 0)
	if err != nil || got.ID != p.ID || got.Body == "" {
		t.Fatalf("GetPageFresh: %+v, %v", got, err)
	}
	if want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}; !slices.Equal(ec.waits, want) {
		t.Errorf("waits %v, want %v", ec.waits, want)
	}
}

func TestGetPageFreshGivesUpAfterItsBudget(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{PageLag: emulator.ReadLag{Reads: 100}})
	p := ec.create(t, "Never")
	_, err := ec.GetPageFresh(t.Context(), p.ID, GetPageOptions{}, time.Second)
	if !IsNotFound(err) {
		t.Fatalf("GetPageFresh past its budget: %v, want the 404", err)
	}
	var total time.Duration
	for _, w := range ec.waits {
		total += w
	}
	if total > time.Second || len(ec.waits) != 2 {
		t.Errorf("waits %v (total %s) exceed the 1s budget or stop early", ec.waits, total)
	}
	// A page that does not exist at all costs the same bounded waits, never more.
	ec.waits = nil
	if _, err := ec.GetPageFresh(t.Context(), "999999", GetPageOptions{}, time.Second); !IsNotFound(err) {
		t.Errorf("missing page: %v", err)
	}
}

func TestGetPageLabelsFreshWaitsForLabelsJustAdded(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{LabelLag: emulator.ReadLag{Reads: 2}})
	p := ec.create(t, "Labelled")
	if err := ec.AddPageLabels(t.Context(), p.ID, []string{"ops", "runbook"}); err != nil {
		t.Fatal(err)
	}
	labels, err := ec.GetPageLabelsFresh(t.Context(), p.ID, []string{"runbook", "ops"}, 0)
	if err != nil || len(labels) != 2 {
		t.Fatalf("GetPageLabelsFresh: %+v, %v", labels, err)
	}
	if len(ec.waits) != 2 {
		t.Errorf("waits %v, want 2", ec.waits)
	}
	// A label that never comes: what was read is returned once the budget is spent.
	ec.waits = nil
	labels, err = ec.GetPageLabelsFresh(t.Context(), p.ID, []string{"ops", "never"}, 500*time.Millisecond)
	if err != nil || len(labels) != 2 || len(ec.waits) != 1 {
		t.Errorf("missing label: %+v, %v, waits %v", labels, err, ec.waits)
	}
}

func TestUpdatePageRetryingTransientSurvivesTransientConflicts(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{TransientConflicts: 2})
	p := ec.create(t, "Busy")
	req := UpdatePageRequest{ID: p.ID, Title: "Busy", Body: "<p>v2</p>", VersionNumber: 2, VersionMessage: "ci"}

	// Plain UpdatePage shows the transient 409 for what it is.
	_, err := ec.UpdatePage(t.Context(), req)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Kind != KindConflict || !apiErr.Transient || !IsTransientConflict(err) || apiErr.CurrentVersion != 0 {
		t.Fatalf("UpdatePage under a transient 409: %#v", err)
	}
	updated, err := ec.UpdatePageRetryingTransient(t.Context(), req, 0)
	if err != nil || updated.Version.Number != 2 {
		t.Fatalf("UpdatePageRetryingTransient: %+v, %v", updated, err)
	}
	if len(ec.waits) != 1 || ec.waits[0] != time.Second {
		t.Errorf("waits %v, want one of 1s", ec.waits)
	}
}

func TestUpdatePageRetryingTransientStopsAtARealEdit(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{})
	p := ec.create(t, "Edited")
	// Someone else saves version 2 first.
	if _, err := ec.UpdatePage(t.Context(), UpdatePageRequest{ID: p.ID, Title: "Edited", Body: "<p>human</p>", VersionNumber: 2}); err != nil {
		t.Fatal(err)
	}
	_, err := ec.UpdatePageRetryingTransient(t.Context(), UpdatePageRequest{ID: p.ID, Title: "Edited", Body: "<p>bot</p>", VersionNumber: 2}, 3)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Kind != KindConflict || apiErr.Transient || apiErr.CurrentVersion != 2 {
		t.Fatalf("conflict with a real edit: %#v", err)
	}
	if len(ec.waits) != 0 {
		t.Errorf("a real edit was retried: waits %v", ec.waits)
	}
	// A transient 409 that outlasts the retries is returned as transient.
	ec.emu.SetTransientConflicts(5)
	_, err = ec.UpdatePageRetryingTransient(t.Context(), UpdatePageRequest{ID: p.ID, Title: "Edited", Body: "<p>bot</p>", VersionNumber: 3}, 2)
	if !IsTransientConflict(err) || len(ec.waits) != 2 {
		t.Errorf("exhausted retries: %v, waits %v", err, ec.waits)
	}
}

func TestGatewayErrorsAfterCommitMayHaveBeenApplied(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{})
	p := ec.create(t, "Gateway")
	for _, f := range emulator.WriteGatewayFaults(emulator.Fault504AfterCommit, 1) {
		ec.emu.InjectFault(f)
	}
	_, err := ec.UpdatePage(t.Context(), UpdatePageRequest{ID: p.ID, Title: "Gateway", Body: "<p>v2</p>", VersionNumber: 2})
	if !MayHaveBeenApplied(err) || !isKind(err, KindServer) {
		t.Fatalf("504 after commit: %v", err)
	}
	if !strings.Contains(err.Error(), "504 Gateway Timeout") {
		t.Errorf("message %q", err)
	}
	// The update was saved: reading back is how the caller finds out.
	got, err := ec.GetPage(t.Context(), p.ID, GetPageOptions{})
	if err != nil || got.Version.Number != 2 {
		t.Errorf("read back: %+v %v", got, err)
	}
	for _, notApplied := range []error{nil, &APIError{Kind: KindBadRequest, StatusCode: 400}, &APIError{Kind: KindServer, StatusCode: 500}} {
		if MayHaveBeenApplied(notApplied) {
			t.Errorf("MayHaveBeenApplied(%v) = true", notApplied)
		}
	}
}

func TestTooLargeBodyIsTyped(t *testing.T) {
	if MaxRequestBody != emulator.DefaultBodyLimit {
		t.Errorf("the client's limit %d and the emulator's %d disagree", MaxRequestBody, emulator.DefaultBodyLimit)
	}
	ec := newEmulatorClient(t, emulator.Options{BodyLimit: 4096})
	space, err := ec.GetSpaceByKey(t.Context(), "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ec.CreatePage(t.Context(), CreatePageRequest{SpaceID: space.ID, Title: "Huge", Body: "<p>" + strings.Repeat("x", 8192) + "</p>"})
	if !IsTooLarge(err) || IsBadRequest(err) || !strings.Contains(err.Error(), "5 MB limit") {
		t.Fatalf("oversized create: %v", err)
	}
	if _, err := ec.ListPages(t.Context(), ListPagesOptions{SpaceIDs: []string{space.ID}, Title: "Huge"}); err != nil {
		t.Fatal(err)
	}
}

func TestLookupAfterFailedCreatePassesStrictSpec(t *testing.T) {
	ec := newEmulatorClient(t, emulator.Options{StrictSpec: true})
	p := ec.create(t, "Strict")
	// The statuses the provider's adopt-after-failed-create lookup asks for.
	found, err := ec.ListPages(t.Context(), ListPagesOptions{SpaceIDs: []string{p.SpaceID}, Title: "Strict", Statuses: []string{"current", "trashed", "draft", "archived"}})
	if err != nil || len(found) != 1 || found[0].ID != p.ID {
		t.Fatalf("lookup: %+v, %v", found, err)
	}
	// Only undocumented statuses: nothing can match, and nothing is sent.
	ec.emu.ResetStats()
	found, err = ec.ListPages(t.Context(), ListPagesOptions{SpaceIDs: []string{p.SpaceID}, Statuses: []string{"draft"}})
	if err != nil || len(found) != 0 || ec.emu.Stats().Total != 0 {
		t.Errorf("drafts only: %+v, %v, %d requests", found, err, ec.emu.Stats().Total)
	}
}

func TestDocumentedStatuses(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		ok   bool
	}{
		{nil, nil, true},
		{[]string{"current", "trashed", "draft", "archived"}, []string{"current", "trashed", "archived"}, true},
		{[]string{"deleted", "deleted"}, []string{"deleted"}, true},
		{[]string{"draft", "historical"}, nil, false},
	} {
		got, ok := documentedStatuses(KindPage, tc.in)
		if !slices.Equal(got, tc.want) || ok != tc.ok {
			t.Errorf("documentedStatuses(%v) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTransientConflictIsRecognisedInBothShapes(t *testing.T) {
	c, err := New(Config{BaseURL: "https://example.atlassian.net", Email: testEmail, APIToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		body      string
		transient bool
	}{
		// v1 shape, as reported in duo-labs/markdown-to-confluence issue 6.
		{`{"statusCode":409,"data":{"authorized":false,"valid":true,"errors":[],"successful":false},"message":"com.atlassian.confluence.api.service.exceptions.ConflictException: javax.persistence.OptimisticLockException: Batch update returned unexpected row count from update [0]; actual row count: 0; expected: 1"}`, true},
		{`{"errors":[{"status":409,"code":"CONFLICT","title":"com.atlassian.confluence.internal.synchrony.ExternalChangesException: Trying to access unreconciled content 42. Retry in a few moments","detail":null}]}`, true},
		{`{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented on update. Current version is: 5","detail":null}]}`, false},
		{`{"errors":[{"status":409,"code":"CONFLICT","title":"A page with this title already exists","detail":null}]}`, false},
	} {
		resp := &http.Response{StatusCode: 409, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(tc.body))}
		apiErr := c.newAPIError("PUT", "/wiki/api/v2/pages/42", resp)
		if apiErr.Transient != tc.transient || IsTransientConflict(apiErr) != tc.transient || apiErr.Kind != KindConflict {
			t.Errorf("%s: transient %v, want %v", tc.body, apiErr.Transient, tc.transient)
		}
	}
	resp := &http.Response{StatusCode: 413, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}
	if err := c.newAPIError("POST", "/wiki/api/v2/pages", resp); !IsTooLarge(err) || err.Kind.String() != "request too large" {
		t.Errorf("413: %#v", err)
	}
}
