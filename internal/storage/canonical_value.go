// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"crypto/sha256"
	"encoding/hex"
)

// Canonical is storage format already in canonical form (see Canonicalize).
// Holding one means the text was canonicalised exactly once: its Hash needs no
// second pass, and comparing two Canonical values is comparing pages.
type Canonical string

// CanonicalOf canonicalises body once.
func CanonicalOf(body string) (Canonical, error) {
	c, err := Canonicalize(body)
	return Canonical(c), err
}

// Hash is HashPrefix and the hex SHA-256 of the canonical text, the same
// value Hash(body) returns for any body equivalent to it.
func (c Canonical) Hash() string {
	sum := sha256.Sum256([]byte(c))
	return HashPrefix + hex.EncodeToString(sum[:])
}

// String is the canonical text.
func (c Canonical) String() string { return string(c) }
