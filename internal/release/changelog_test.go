// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package release

import (
	"os"
	"strings"
	"testing"
)

func TestCheckChangelog(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
	}{
		{name: "unreleased and released", text: "<!--\nhow to write it\n-->\n\n## Unreleased\n\nBUG FIXES:\n\n* a fix\n\n## 0.2.0 (March 2, 2027)\n\nNOTES:\n\n* note\n\nFEATURES:\n\n* **New Resource:** `x`\n\n## 0.1.0 (January 15, 2027)\n\nFEATURES:\n\n* first\n"},
		{name: "old unreleased heading", text: "## 0.1.0 (Unreleased)\n\nFEATURES:\n\n* x\n", wantErr: "is neither"},
		{name: "ISO date", text: "## 0.1.0 (2027-03-02)\n\nFEATURES:\n\n* x\n", wantErr: "is neither"},
		{name: "impossible date", text: "## 0.1.0 (February 30, 2027)\n\nFEATURES:\n\n* x\n", wantErr: "is not a date"},
		{name: "v in the version", text: "## v0.1.0 (March 2, 2027)\n\nFEATURES:\n\n* x\n", wantErr: "is neither"},
		{name: "unknown section", text: "## Unreleased\n\nIMPROVEMENTS:\n\n* x\n", wantErr: "is not a heading, a section label"},
		{name: "sections out of order", text: "## Unreleased\n\nBUG FIXES:\n\n* x\n\nFEATURES:\n\n* y\n", wantErr: "comes after"},
		{name: "empty section", text: "## Unreleased\n\nFEATURES:\n\nBUG FIXES:\n\n* y\n", wantErr: "has no entries"},
		{name: "entry without section", text: "## Unreleased\n\n* x\n", wantErr: "outside a section"},
		{name: "unreleased below a release", text: "## 0.1.0 (March 2, 2027)\n\nFEATURES:\n\n* x\n\n## Unreleased\n\nFEATURES:\n\n* y\n", wantErr: "must be the first heading"},
		{name: "version twice", text: "## 0.1.0 (March 2, 2027)\n\nFEATURES:\n\n* x\n\n## 0.1.0 (March 1, 2027)\n\nFEATURES:\n\n* y\n", wantErr: "listed twice"},
		{name: "wrapped entry", text: "## Unreleased\n\nFEATURES:\n\n* a long\n  entry\n"},
		{name: "indented line without entry", text: "## Unreleased\n\nFEATURES:\n\n  stray\n", wantErr: "is not a heading"},
		{name: "dash entries", text: "## Unreleased\n\nFEATURES:\n\n- x\n", wantErr: "is not a heading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckChangelog(tt.text)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestRepositoryChangelog(t *testing.T) {
	data, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckChangelog(string(data)); err != nil {
		t.Fatalf("CHANGELOG.md is not in the registry's changelog format:\n%v", err)
	}
}
