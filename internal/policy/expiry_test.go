// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"testing"
	"time"
)

func TestTokenExpiryStatus(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		in   time.Duration // expiry relative to now
		want ExpiryStatus
	}{
		{365 * day, ExpiryOK},
		{31 * day, ExpiryOK},
		{30*day + time.Second, ExpiryOK},
		{30 * day, ExpiryWarning},
		{29 * day, ExpiryWarning},
		{time.Second, ExpiryWarning},
		{0, ExpiryExpired},
		{-time.Second, ExpiryExpired},
		{-400 * day, ExpiryExpired},
	}
	for _, tc := range tests {
		got, remaining := TokenExpiryStatus(now.Add(tc.in), now)
		if got != tc.want || remaining != tc.in {
			t.Errorf("expiry in %v: %s, %v; want %s, %v", tc.in, got, remaining, tc.want, tc.in)
		}
	}
}

func TestSelfGoverned(t *testing.T) {
	rec := ConnectionRecord{Name: "ci-bot", AccountID: "557058:bot"}
	if !SelfGoverned("557058:bot", rec) {
		t.Error("the connection's own account is not self-governed")
	}
	if SelfGoverned("557058:admin", rec) {
		t.Error("an admin account is reported self-governed")
	}
	if SelfGoverned("", ConnectionRecord{Name: "ci-bot"}) {
		t.Error("an empty account id matches a record without one")
	}
}
