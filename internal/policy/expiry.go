// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// ExpiryStatus says how close a connection's API token is to expiring.
type ExpiryStatus string

const (
	ExpiryOK      ExpiryStatus = "ok"
	ExpiryWarning ExpiryStatus = "warning" // expires within ExpiryWarningWindow
	ExpiryExpired ExpiryStatus = "expired"
)

// ExpiryWarningWindow is how long before a token expires plans start warning.
const ExpiryWarningWindow = 30 * 24 * time.Hour

// TokenExpiryStatus classifies a token expiring at expiresAt, as seen at now,
// and returns the time left (negative once expired). A token expiring exactly
// at now is expired.
func TokenExpiryStatus(expiresAt, now time.Time) (ExpiryStatus, time.Duration) {
	remaining := expiresAt.Sub(now)
	switch {
	case remaining <= 0:
		return ExpiryExpired, remaining
	case remaining <= ExpiryWarningWindow:
		return ExpiryWarning, remaining
	}
	return ExpiryOK, remaining
}

// SelfGoverned reports whether the authenticated account is the account the
// connection record governs. The provider refuses such a plan for an
// operation policy: no identity edits its own policy.
func SelfGoverned(authenticatedAccountID string, rec ConnectionRecord) bool {
	return authenticatedAccountID != "" && authenticatedAccountID == rec.AccountID
}

// ConnectionExpiry is the recorded expiry of one connection's credential.
type ConnectionExpiry struct {
	Connection string
	ExpiresAt  time.Time
	Status     ExpiryStatus
	Remaining  time.Duration // negative once expired
}

// GoverningExpiries returns, sorted by connection name, the expiry of every
// connection record in records that governs accountID (its account id) and
// whose credential expires within ExpiryWarningWindow of now or has
// expired. Records without an expiry are left out: nothing is known.
func GoverningExpiries(accountID string, records SpaceRecords, now time.Time) []ConnectionExpiry {
	var out []ConnectionExpiry
	for _, rec := range records.Connections {
		if accountID == "" || rec.AccountID != accountID || rec.ExpiresAt == nil {
			continue
		}
		status, left := TokenExpiryStatus(*rec.ExpiresAt, now)
		if status == ExpiryOK {
			continue
		}
		out = append(out, ConnectionExpiry{Connection: rec.Name, ExpiresAt: rec.ExpiresAt.UTC(), Status: status, Remaining: left})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Connection < out[j].Connection })
	return out
}

// DenyExpired turns res, the decision of req, into a denial when a
// connection record governing req's account says its credential has
// expired. The record is the administrators' kill switch: setting
// token_expires_at in the past (or letting it pass) stops every operation
// the connection governs, reads included, whatever its policy says and even
// if Atlassian still accepts the token. A decision that is already a denial
// is kept as it is.
func DenyExpired(req Request, res Result, records SpaceRecords, now time.Time) Result {
	if res.Decision == DecisionDenied {
		return res
	}
	var expired []ConnectionExpiry
	for _, e := range GoverningExpiries(req.AccountID, records, now) {
		if e.Status == ExpiryExpired {
			expired = append(expired, e)
		}
	}
	if len(expired) == 0 {
		return res
	}
	names, clauses, locations := make([]string, len(expired)), make([]string, len(expired)), make([]string, len(expired))
	for i, e := range expired {
		names[i] = e.Connection
		clauses[i] = fmt.Sprintf("connection %q expired at %s", e.Connection, e.ExpiresAt.Format(time.RFC3339))
		locations[i] = fmt.Sprintf("space property %q in space %s (expires_at)", ConnectionPropertyKey(e.Connection), req.SpaceKey)
	}
	return Result{
		Operation:  req.Operation,
		Decision:   DecisionDenied,
		Level:      Denied,
		Connection: strings.Join(names, ", "),
		Reason: fmt.Sprintf("%s is denied: the credential of %s according to its record, so every operation the connection governs is denied. "+
			"To restore it, an administrator rotates the token and updates token_expires_at of the confluence_connection in the administrators' workspace, and applies it.",
			req.Subject(), strings.Join(clauses, " and of ")),
		PolicyLocation: strings.Join(locations, "; "),
	}
}

// AccountConnectionNames are the names of the connection records in records
// that register accountID, sorted.
func AccountConnectionNames(accountID string, records SpaceRecords) []string {
	var names []string
	for _, rec := range records.Connections {
		if accountID != "" && rec.AccountID == accountID {
			names = append(names, rec.Name)
		}
	}
	sort.Strings(names)
	return names
}
