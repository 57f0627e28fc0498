// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// A credential expiring soon warns once per run and connection, whichever
// resource reports first.
func TestWarnExpiring_oncePerConnection(t *testing.T) {
	d := &providerData{run: newRunCache(nil)}
	at := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
	d.run.noteExpiring([]policy.ConnectionExpiry{
		{Connection: "docs-bot", ExpiresAt: at, Status: policy.ExpiryWarning, Remaining: 10 * 24 * time.Hour},
		{Connection: "old-bot", ExpiresAt: at, Status: policy.ExpiryExpired, Remaining: -time.Hour}, // denied instead
	})
	var first, second diag.Diagnostics
	d.warnExpiring(&first)
	d.warnExpiring(&second)
	if len(first) != 1 || len(second) != 0 {
		t.Fatalf("first %v, second %v; want one warning, then none", first, second)
	}
	if w := first[0]; w.Summary() != "Connection Credential Expires Soon" || !strings.Contains(w.Detail(), `connection "docs-bot"`) ||
		!strings.Contains(w.Detail(), "2026-12-09T00:00:00Z, in 10 day(s)") || !strings.Contains(w.Detail(), "token_expires_at") {
		t.Fatalf("warning %q: %q", w.Summary(), w.Detail())
	}
}

// The connection name is reported unregistered only when the space
// registers the account under other names and no space this run has read
// holds a record of the name; a record elsewhere makes it a scope denial.
func TestCheckConnectionName(t *testing.T) {
	docs := policy.SpaceRecords{SpaceKey: "DOCS", Connections: []policy.ConnectionRecord{{Name: "docs-bot", AccountID: "bot", Spaces: []string{"DOCS"}}}}
	ops := policy.SpaceRecords{SpaceKey: "OPS", Connections: []policy.ConnectionRecord{{Name: "ops-bot", AccountID: "bot", Spaces: []string{"OPS"}}}}
	cached := func(records ...policy.SpaceRecords) *runCache {
		c := newRunCache(nil)
		for _, r := range records {
			c.records[r.SpaceKey] = &onceValue[policy.SpaceRecords]{done: true, value: r}
		}
		return c
	}
	tests := []struct {
		name, connection string
		run              *runCache
		records          policy.SpaceRecords
		want             string // "" for no error
	}{
		{name: "registered here", connection: "docs-bot", run: cached(docs), records: docs},
		{name: "no connection", connection: "", run: cached(docs), records: docs},
		{name: "typo", connection: "docs-robot", run: cached(docs), records: docs, want: `connection "docs-robot" (set by CONFLUENCE_CONNECTION)`},
		{name: "registered in another space read", connection: "ops-bot", run: cached(docs, ops), records: docs},
		{name: "space without the account", connection: "docs-robot", run: cached(ops), records: policy.SpaceRecords{SpaceKey: "DOCS"}},
		{name: "names from every space read", connection: "robot", run: cached(docs, ops), records: docs, want: `registered as connection "docs-bot", "ops-bot"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &providerData{connection: tt.connection, connectionFrom: envConnection, run: tt.run}
			err := d.checkConnectionName("DOCS", tt.records, "bot")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			var unregistered *unregisteredConnectionError
			if !errors.As(err, &unregistered) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
