// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package policy holds the provider's access policy: the operations it
// governs, the levels an administrator can assign to them, the connection and
// policy records stored as Confluence space properties, the plan-time
// evaluation of a request against those records, and the confirmation codes
// that bind an allowed-with-confirmation decision to one exact change.
//
// The package is pure: no HTTP, no Terraform framework types. The provider
// loads a space's properties, turns them into SpaceRecords with
// RecordsFromProperties, and calls Evaluate for every operation.
//
// The policy is enforced by the provider before anything is sent. It does not
// replace Confluence permissions: an automation account's API token can always
// be used directly, so the account's own space permissions remain the hard
// boundary.
package policy
