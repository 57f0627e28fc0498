// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"unicode"
)

// confirmationDomain is hashed ahead of the fields so that a code can never
// collide with any other hash of the same fields, and so that a future change
// of encoding can bump the version instead of silently changing every code.
const confirmationDomain = "terraform-provider-confluence/confirmation/v2"

// confirmationHexDigits is how much of the SHA-256 a code shows: 128 bits.
// The code is what an approver approves, so two different changes must never
// share one: a configuration author who can vary a change (a label, a
// title) could otherwise search for a malicious change whose code collides
// with a benign one. At 128 bits a collision takes about 2^64 hashes; 40 bits
// fell in seconds.
const confirmationHexDigits = 32

// ConfirmationCode binds an allowed-with-confirmation decision to one exact
// change: "<operation>-<32 lowercase hex digits>", e.g.
// "update_page-3f9a1c2b7e5d4c3b2a1f0e9d8c7b6a59".
//
// The digits are the first 32 hex digits of SHA-256 over the length-prefixed
// fields confirmationDomain, operation, connection, spaceKey, page, content:
// each field is its byte length as a big-endian uint64 followed by its bytes,
// so text cannot move from one field into the next ("ab","c" and "a","bc"
// give different codes).
//
// page identifies the page: the title for create_page (the page has no id
// yet), the page id for every other operation; PageIdentity picks it. content
// is the canonical content the change would write, "" for deletes and reads.
func ConfirmationCode(op Operation, connection, spaceKey, page, content string) string {
	h := sha256.New()
	var size [8]byte
	for _, field := range []string{confirmationDomain, string(op), connection, spaceKey, page, content} {
		binary.BigEndian.PutUint64(size[:], uint64(len(field)))
		h.Write(size[:])
		h.Write([]byte(field))
	}
	return string(op) + "-" + hex.EncodeToString(h.Sum(nil))[:confirmationHexDigits]
}

// PageIdentity is the page field of a confirmation code: the title for
// create_page, the page id otherwise.
func PageIdentity(op Operation, pageID, pageTitle string) string {
	if op == CreatePage {
		return pageTitle
	}
	return pageID
}

// Granted reports whether code is among the granted confirmations. Matching
// is exact after trimming surrounding spaces; an empty code is never granted.
func Granted(code string, confirmations []string) bool {
	code = strings.TrimSpace(code)
	if code == "" {
		return false
	}
	for _, c := range confirmations {
		if strings.TrimSpace(c) == code {
			return true
		}
	}
	return false
}

// ParseConfirmations splits a list of granted codes as given in an
// environment variable: separated by commas, spaces or newlines, empty entries
// dropped, duplicates removed, first occurrence order kept.
func ParseConfirmations(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || unicode.IsSpace(r)
	})
	seen := make(map[string]bool, len(fields))
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
