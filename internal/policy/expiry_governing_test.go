// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"strings"
	"testing"
	"time"
)

func TestDenyExpired(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	conn := func(name, account string, expires *time.Time) ConnectionRecord {
		return ConnectionRecord{Name: name, AccountID: account, Spaces: []string{"DOCS"}, ExpiresAt: expires}
	}
	req := Request{Operation: GetPage, SpaceKey: "DOCS", PageID: "7", AccountID: "bot"}
	allowed := Result{Operation: GetPage, Decision: DecisionAllowed, Level: Allowed, Connection: "docs-bot", Reason: "allowed"}
	denied := Result{Operation: GetPage, Decision: DecisionDenied, Level: Denied, Connection: "docs-bot", Reason: "denied by policy"}
	tests := []struct {
		name       string
		res        Result
		records    []ConnectionRecord
		wantDenied bool
		wantIn     []string // in the reason
		wantReason string   // unchanged reason
	}{
		{name: "no expiry recorded", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", nil)}, wantReason: "allowed"},
		{name: "valid", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", at(400*day))}, wantReason: "allowed"},
		{name: "expiring soon is not denied", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", at(3*day))}, wantReason: "allowed"},
		{name: "expired", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", at(-time.Second))}, wantDenied: true,
			wantIn: []string{`get_page on page id 7 in space DOCS is denied`, `connection "docs-bot" expired at 2026-11-29T11:59:59Z`, "rotates the token and updates token_expires_at"}},
		{name: "expiring exactly now", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", at(0))}, wantDenied: true},
		{name: "unmanaged decision of an expired account still denied", res: Result{Decision: DecisionUnmanaged, Reason: "unmanaged"},
			records: []ConnectionRecord{conn("docs-bot", "bot", at(-day))}, wantDenied: true},
		{name: "another account's expired record", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", nil), conn("reader-ci", "reader", at(-day))}, wantReason: "allowed"},
		{name: "one of two governing records expired", res: allowed, records: []ConnectionRecord{conn("docs-bot", "bot", at(300*day)), conn("old-bot", "bot", at(-day))}, wantDenied: true,
			wantIn: []string{`connection "old-bot" expired`}},
		{name: "already denied keeps its reason", res: denied, records: []ConnectionRecord{conn("docs-bot", "bot", at(-day))}, wantDenied: true, wantReason: "denied by policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DenyExpired(req, tt.res, SpaceRecords{SpaceKey: "DOCS", Connections: tt.records}, now)
			if (got.Decision == DecisionDenied) != tt.wantDenied {
				t.Fatalf("decision %s, want denied=%v: %+v", got.Decision, tt.wantDenied, got)
			}
			if tt.wantReason != "" && got.Reason != tt.wantReason {
				t.Errorf("reason %q, want %q", got.Reason, tt.wantReason)
			}
			for _, w := range tt.wantIn {
				if !strings.Contains(got.Reason, w) {
					t.Errorf("reason %q lacks %q", got.Reason, w)
				}
			}
			if tt.wantDenied && tt.res.Decision != DecisionDenied && (got.Level != Denied || got.Operation != GetPage || !strings.Contains(got.PolicyLocation, "terraform.connection.")) {
				t.Errorf("denial %+v", got)
			}
		})
	}
}

func TestGoverningExpiries(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	records := SpaceRecords{Connections: []ConnectionRecord{
		{Name: "b-soon", AccountID: "bot", ExpiresAt: at(10 * 24 * time.Hour)},
		{Name: "a-gone", AccountID: "bot", ExpiresAt: at(-time.Hour)},
		{Name: "c-fine", AccountID: "bot", ExpiresAt: at(90 * 24 * time.Hour)},
		{Name: "d-none", AccountID: "bot"},
		{Name: "e-other", AccountID: "reader", ExpiresAt: at(-time.Hour)},
	}}
	got := GoverningExpiries("bot", records, now)
	if len(got) != 2 || got[0].Connection != "a-gone" || got[0].Status != ExpiryExpired || got[1].Connection != "b-soon" || got[1].Status != ExpiryWarning {
		t.Fatalf("expiries %+v", got)
	}
	if got := GoverningExpiries("", records, now); len(got) != 0 {
		t.Fatalf("an empty account id governs %+v", got)
	}
}

func TestAccountConnectionNames(t *testing.T) {
	records := SpaceRecords{Connections: []ConnectionRecord{{Name: "z-bot", AccountID: "bot"}, {Name: "a-bot", AccountID: "bot"}, {Name: "reader-ci", AccountID: "reader"}}}
	if got := strings.Join(AccountConnectionNames("bot", records), ","); got != "a-bot,z-bot" {
		t.Fatalf("names %q", got)
	}
	if got := AccountConnectionNames("", records); len(got) != 0 {
		t.Fatalf("empty account: %v", got)
	}
}
