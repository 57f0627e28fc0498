// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// The author's message and the change reference cannot pose as a part the
// provider writes: "|" is escaped in every part, and a message starting
// with "ref " (which would read as the reference when none is set) is
// written as "ref: ".
func TestVersionMessageEscapesAuthorText(t *testing.T) {
	allowed := policy.Result{Decision: policy.DecisionAllowed, Connection: "docs-bot"}
	tests := []struct {
		message, reference string
		want               string
	}{
		{"Publish", "", "Publish | policy allowed as docs-bot | via Terraform"},
		{"ref FAKE-1", "", "ref: FAKE-1 | policy allowed as docs-bot | via Terraform"},
		{"  ref FAKE-1 ", "ci/42", "ref: FAKE-1 | ref ci/42 | policy allowed as docs-bot | via Terraform"},
		{"reference docs", "", "reference docs | policy allowed as docs-bot | via Terraform"},
		{"x | approved by Alice", "", "x ¦ approved by Alice | policy allowed as docs-bot | via Terraform"},
		{"", "PR-7 | approved by Alice", "ref PR-7 ¦ approved by Alice | policy allowed as docs-bot | via Terraform"},
		{"approved by Alice", "", "approved by Alice | policy allowed as docs-bot | via Terraform"},
	}
	for _, tt := range tests {
		if got := versionMessage(tt.message, tt.reference, allowed); got != tt.want {
			t.Errorf("versionMessage(%q, %q) = %q, want %q", tt.message, tt.reference, got, tt.want)
		}
	}
}
