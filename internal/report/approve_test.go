// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// approveCode is a code as the provider makes it, whatever its length.
var approveCode = policy.ConfirmationCode(policy.UpdatePage, "docs-bot", "DOCS", "42", "x")

// approveSite is a demo emulator where docs-bot's updates in DOCS need the
// approval of editor@example.com (who holds space admin) or admin@example.com.
func approveSite(t *testing.T) (*emulator.Emulator, func(email, token string) *confluence.Client) {
	t.Helper()
	emu := emulator.NewDemo(emulator.Options{})
	emu.Grant("editor@example.com", "DOCS", emulator.PermAdmin)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	as := func(email, token string) *confluence.Client {
		c, err := confluence.New(confluence.Config{BaseURL: srv.URL, Email: email, APIToken: token, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	admin := as("admin@example.com", "admin-token")
	ctx := context.Background()
	space, err := admin.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	var botID string
	for _, a := range emulator.DemoAccounts() {
		if a.Email == "bot@example.com" {
			botID = a.AccountID
		}
	}
	conn, _ := policy.EncodeConnection(policy.ConnectionRecord{Name: "docs-bot", AccountID: botID, Email: "bot@example.com", Spaces: []string{"DOCS"}})
	pol, _ := policy.EncodePolicy(policy.PolicyRecord{Connection: "docs-bot", Levels: map[policy.Operation]policy.Level{policy.UpdatePage: policy.AllowedWithConfirmation},
		Approvers: []string{"editor@example.com", "admin@example.com"}})
	for key, value := range map[string][]byte{policy.ConnectionPropertyKey("docs-bot"): conn, policy.PolicyPropertyKey("docs-bot"): pol} {
		if _, err := admin.PutSpaceProperty(ctx, space.ID, key, json.RawMessage(value)); err != nil {
			t.Fatal(err)
		}
	}
	return emu, as
}

func TestApprove(t *testing.T) {
	emu, as := approveSite(t)
	ctx := context.Background()
	now := time.Now()
	ok := ApproveOptions{SpaceKey: "DOCS", Codes: []string{approveCode}, Reason: "reviewed PR 7", Expires: "2h", Now: now}

	// Bad input: refused before any request.
	before := emu.Stats().Total
	for _, tt := range []struct {
		name    string
		mutate  func(*ApproveOptions)
		wantErr string
	}{
		{"no space", func(o *ApproveOptions) { o.SpaceKey = "" }, "--space is required"},
		{"no code", func(o *ApproveOptions) { o.Codes = nil }, "no confirmation code"},
		{"bad code", func(o *ApproveOptions) { o.Codes = []string{"update_page-xyz"} }, "not a confirmation code"},
		{"no reason", func(o *ApproveOptions) { o.Reason = "" }, "--reason"},
		{"expiry too far", func(o *ApproveOptions) { o.Expires = "60d" }, "--expires"},
	} {
		o := ok
		tt.mutate(&o)
		if _, err := Approve(ctx, as("editor@example.com", "editor-token"), o); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	if n := emu.Stats().Total - before; n != 0 {
		t.Errorf("bad input sent %d requests", n)
	}

	// The bot and an unlisted account are refused before anything is written.
	writes := emu.Stats().Writes
	if _, err := Approve(ctx, as("bot@example.com", "bot-token"), ok); err == nil || !strings.Contains(err.Error(), "no identity approves its own change") {
		t.Errorf("bot: %v", err)
	}
	if _, err := Approve(ctx, as("reader@example.com", "reader-token"), ok); err == nil || !strings.Contains(err.Error(), "not a listed approver") {
		t.Errorf("reader: %v", err)
	}
	if n := emu.Stats().Writes - writes; n != 0 {
		t.Errorf("refused approvals wrote %d times", n)
	}

	// A listed approver's approval: Confluence records them as its author.
	done, err := Approve(ctx, as("editor@example.com", "editor-token"), ok)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || done[0].Approver.DisplayName != "Erin Editor" || !done[0].ExpiresAt.Equal(now.Add(2*time.Hour).UTC().Truncate(time.Second)) {
		t.Fatalf("approved %+v", done)
	}
	props, err := as("reader@example.com", "reader-token").ListSpaceProperties(ctx, spaceID(t, as), done[0].PropertyKey)
	if err != nil || len(props) != 1 || props[0].AuthorID != done[0].Approver.AccountID {
		t.Fatalf("stored approval %+v %v", props, err)
	}
	var value policy.ApprovalValue
	if err := json.Unmarshal(props[0].Value, &value); err != nil || value.Code != approveCode || value.Reason != "reviewed PR 7" {
		t.Errorf("stored value %+v %v", value, err)
	}
	// Approving again updates the same record.
	if _, err := Approve(ctx, as("editor@example.com", "editor-token"), ok); err != nil {
		t.Errorf("approving again: %v", err)
	}
}

func spaceID(t *testing.T, as func(email, token string) *confluence.Client) string {
	t.Helper()
	s, err := as("reader@example.com", "reader-token").GetSpaceByKey(context.Background(), "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}
