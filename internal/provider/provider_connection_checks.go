// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Checks of the provider's own connection against the records in
// Confluence, made while deciding (policy_check.go): a connection name that
// the account is not registered under, and a credential the record says has
// expired or expires soon. Both reuse the run's cached records: no request
// of their own.

// clock is the provider's clock (replaceable in tests through now).
func (d *providerData) clock() time.Time {
	if d.now == nil {
		return time.Now()
	}
	return d.now()
}

// unregisteredConnectionError says the provider's connection names no
// connection registered for the authenticated account, while the account is
// registered under other names: most likely a typo in the name.
type unregisteredConnectionError struct {
	connection, from, accountID string
	spacesRead                  []string
	registered                  []string // the account's connection names seen in this run
}

func (e *unregisteredConnectionError) Error() string {
	return fmt.Sprintf("the provider is configured as connection %q (set by %s), but no connection of that name is registered for account %s: none of the spaces this run has read (%s) holds a record of it. "+
		"The account is registered as connection %s. Correct the name in %s, likely a typo, or ask an administrator to register connection %q for this account.",
		e.connection, e.from, e.accountID, strings.Join(e.spacesRead, ", "), quoteNames(e.registered), e.from, e.connection)
}

// checkConnectionName reports the provider's connection as unregistered
// when the space being decided registers the account under other names and
// no space whose records this run has read holds a record of it. A space
// that registers the account under no name at all is left to the policy:
// for it the space is outside the connection's scope.
func (d *providerData) checkConnectionName(spaceKey string, records policy.SpaceRecords, accountID string) error {
	if d.connection == "" {
		return nil
	}
	if _, ok := records.Connection(d.connection); ok {
		return nil
	}
	if len(policy.AccountConnectionNames(accountID, records)) == 0 {
		return nil
	}
	seen, spaces, registered := d.run.connectionSeen(d.connection, accountID)
	if seen {
		return nil // registered elsewhere: this space is outside its scope
	}
	if !slices.Contains(spaces, spaceKey) {
		spaces = append(spaces, spaceKey)
		sort.Strings(spaces)
	}
	for _, n := range policy.AccountConnectionNames(accountID, records) {
		if !slices.Contains(registered, n) {
			registered = append(registered, n)
		}
	}
	sort.Strings(registered)
	from := d.connectionFrom
	if from == "" {
		from = "the provider's connection argument"
	}
	return &unregisteredConnectionError{connection: d.connection, from: from, accountID: accountID, spacesRead: spaces, registered: registered}
}

// connectionSeen looks through the records this run has loaded so far:
// whether any space holds a record of the named connection, which spaces
// were read, and the names the account is registered under. Records still
// being loaded are skipped rather than waited for.
func (c *runCache) connectionSeen(name, accountID string) (seen bool, spaces, registered []string) {
	c.mu.Lock()
	entries := make(map[string]*onceValue[policy.SpaceRecords], len(c.records))
	for k, v := range c.records {
		entries[k] = v
	}
	c.mu.Unlock()
	for key, e := range entries {
		if !e.mu.TryLock() {
			continue
		}
		done, recs := e.done, e.value
		e.mu.Unlock()
		if !done {
			continue
		}
		spaces = append(spaces, key)
		if _, ok := recs.Connection(name); ok {
			seen = true
		}
		for _, n := range policy.AccountConnectionNames(accountID, recs) {
			if !slices.Contains(registered, n) {
				registered = append(registered, n)
			}
		}
	}
	sort.Strings(spaces)
	return seen, spaces, registered
}

// noteExpiring remembers the governing connections whose credential expires
// soon, for warnExpiring.
func (c *runCache) noteExpiring(expiries []policy.ConnectionExpiry) {
	if len(expiries) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expiring == nil {
		c.expiring = map[string]policy.ConnectionExpiry{}
	}
	for _, e := range expiries {
		if e.Status == policy.ExpiryWarning {
			c.expiring[e.Connection] = e
		}
	}
}

// warnExpiring warns, once per run and connection, that the credential of a
// connection governing this run expires within 30 days per its record.
func (d *providerData) warnExpiring(diags *diag.Diagnostics) {
	c := d.run
	if c == nil {
		return
	}
	c.mu.Lock()
	var due []policy.ConnectionExpiry
	for name, e := range c.expiring {
		if !c.expiryWarned[name] {
			due = append(due, e)
			if c.expiryWarned == nil {
				c.expiryWarned = map[string]bool{}
			}
			c.expiryWarned[name] = true
		}
	}
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].Connection < due[j].Connection })
	for _, e := range due {
		diags.AddWarning("Connection Credential Expires Soon",
			fmt.Sprintf("The record of connection %q, which governs this run, says its credential expires at %s, in %d day(s). From then on every operation the connection governs is denied. "+
				"An administrator rotates the token and updates token_expires_at of the confluence_connection in the administrators' workspace before then.",
				e.Connection, e.ExpiresAt.Format(time.RFC3339), int(e.Remaining.Hours()/24)))
	}
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
