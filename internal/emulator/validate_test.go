// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"testing"
)

// newValidatingTransport checks every request the emulator's tests send and every
// response they receive against the OpenAPI documents (see ValidatingTransport) and
// reports mismatches as test errors.
func newValidatingTransport(t *testing.T) http.RoundTripper {
	t.Helper()
	if _, err := LoadSpecValidator(); err != nil {
		t.Fatalf("loading OpenAPI documents: %v", err)
	}
	return ValidatingTransport(http.DefaultTransport, func(violation string) { t.Errorf("OpenAPI violation: %s", violation) })
}
