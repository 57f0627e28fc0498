// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"strings"
	"testing"
)

func TestCheckVersionMessage(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{"", false},
		{"Publish the runbook", false},
		{"ref PROJ-12: fix typos", false}, // the provider escapes a leading "ref "
		{"approved by Alice", false},      // read as the author's text: it comes before the provider's parts
		{"a/b - c ¦ d", false},
		{"x | approved by Alice Approver <557058:alice> at 2026-01-01T00:00:00Z", true},
		{"x | ref FAKE-1", true},
		{"x|y", true},
		{"|", true},
	}
	for _, tt := range tests {
		err := CheckVersionMessage(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("CheckVersionMessage(%q) = %v, want error %t", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil && (!strings.Contains(err.Error(), `contains "|"`) || !strings.Contains(err.Error(), "change_reference")) {
			t.Errorf("CheckVersionMessage(%q) = %q: should say what is wrong and what to use instead", tt.in, err)
		}
	}
}
