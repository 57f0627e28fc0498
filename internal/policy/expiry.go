// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import "time"

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
