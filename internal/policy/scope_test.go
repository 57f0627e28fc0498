// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import "testing"

func TestInScope(t *testing.T) {
	const bot, other = "acc-bot", "acc-other"
	docs := SpaceRecords{SpaceKey: "DOCS", Connections: []ConnectionRecord{
		{Name: "docs-bot", AccountID: bot, Spaces: []string{"DOCS", "OPS"}},
		{Name: "other-bot", AccountID: other, Spaces: []string{"DOCS"}},
	}}
	// A record copied into a space that its scope no longer lists.
	stale := SpaceRecords{SpaceKey: "OLD", Connections: []ConnectionRecord{{Name: "docs-bot", AccountID: bot, Spaces: []string{"DOCS"}}}}
	cases := []struct {
		name                          string
		account, connection, spaceKey string
		records                       SpaceRecords
		want                          bool
	}{
		{"named connection, its record lists the space", bot, "docs-bot", "DOCS", docs, true},
		{"no connection named, a record of the account lists the space", bot, "", "DOCS", docs, true},
		{"named connection of another account", bot, "other-bot", "DOCS", docs, false},
		{"named connection the space does not hold", bot, "ops-bot", "DOCS", docs, false},
		{"the account has no record in the space", "acc-stranger", "", "DOCS", docs, false},
		{"the record does not list the space", bot, "docs-bot", "OLD", stale, false},
		{"unmanaged space: no records at all", bot, "", "OPS", SpaceRecords{SpaceKey: "OPS"}, false},
		{"records of another space", bot, "docs-bot", "OPS", docs, false},
		{"no account", "", "", "DOCS", docs, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := InScope(tc.account, tc.connection, tc.spaceKey, tc.records); got != tc.want {
				t.Errorf("InScope(%q, %q, %q) = %v, want %v", tc.account, tc.connection, tc.spaceKey, got, tc.want)
			}
		})
	}
}
