// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

// InScope reports whether spaceKey is in the scope of the account's
// connection, by the records of that space: with a named connection, its
// record there belongs to accountID and lists the space; without one, some
// record of accountID there lists the space. A space that holds no record
// of the account is outside every scope, whatever the policy decides there
// (unmanaged spaces included).
//
// It answers "may this account's automation work here at all", the
// precondition for treating content there as the account's own; the level
// of each operation is Evaluate's.
func InScope(accountID, connection, spaceKey string, records SpaceRecords) bool {
	if accountID == "" || records.SpaceKey != spaceKey {
		return false
	}
	for _, rec := range records.Connections {
		if rec.AccountID != accountID || (connection != "" && rec.Name != connection) {
			continue
		}
		if rec.InScope(spaceKey) {
			return true
		}
	}
	return false
}
