// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestOperationsAndLevelsOrder(t *testing.T) {
	wantOps := []Operation{"search_pages", "get_page", "create_page", "update_page", "delete_page"}
	if !slices.Equal(Operations(), wantOps) {
		t.Errorf("Operations() = %v, want %v", Operations(), wantOps)
	}
	wantLevels := []Level{"allowed", "allowed_with_confirmation", "denied"}
	if !slices.Equal(Levels(), wantLevels) {
		t.Errorf("Levels() = %v, want %v", Levels(), wantLevels)
	}
	for i := 1; i < len(wantLevels); i++ {
		if wantLevels[i-1].Restrictiveness() >= wantLevels[i].Restrictiveness() {
			t.Errorf("%s is not less restrictive than %s", wantLevels[i-1], wantLevels[i])
		}
	}
	if Level("bogus").Restrictiveness() <= Denied.Restrictiveness() {
		t.Error("an invalid level ranks at or below denied")
	}
}

func TestDefaultLevel(t *testing.T) {
	want := map[Operation]Level{
		"search_pages": "allowed", "get_page": "allowed",
		"create_page": "allowed_with_confirmation", "update_page": "allowed_with_confirmation", "delete_page": "allowed_with_confirmation",
		"rename_space": "denied",
	}
	for op, l := range want {
		if got := DefaultLevel(op); got != l {
			t.Errorf("DefaultLevel(%s) = %s, want %s", op, got, l)
		}
	}
}

func TestMostRestrictive(t *testing.T) {
	tests := []struct {
		in   []Level
		want Level
	}{
		{nil, ""},
		{[]Level{Allowed}, Allowed},
		{[]Level{Allowed, Denied, AllowedWithConfirmation}, Denied},
		{[]Level{AllowedWithConfirmation, Allowed}, AllowedWithConfirmation},
	}
	for _, tc := range tests {
		if got := MostRestrictive(tc.in...); got != tc.want {
			t.Errorf("MostRestrictive(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for _, l := range []string{"allowed", "allowed_with_confirmation", "denied"} {
		got, err := ParseLevel(l)
		if err != nil || string(got) != l {
			t.Errorf("ParseLevel(%q) = %q, %v", l, got, err)
		}
	}
	tests := []struct {
		in, suggestion string // "" suggestion: none expected
	}{
		{"alowed", "allowed"}, //nolint:misspell // a typo on purpose
		{"Allowed", "allowed"},
		{"deny", "denied"},
		{"denyed", "denied"},
		{"allowed-with-confirmation", "allowed_with_confirmation"},
		{"allowed_with_confirm", "allowed_with_confirmation"},
		{"confirm", "allowed_with_confirmation"},
		{"read", ""},
		{"", ""},
		{"xyzzy", ""},
	}
	for _, tc := range tests {
		_, err := ParseLevel(tc.in)
		if err == nil {
			t.Fatalf("ParseLevel(%q) succeeded", tc.in)
		}
		msg := err.Error()
		for _, accepted := range []string{`"allowed"`, `"allowed_with_confirmation"`, `"denied"`} {
			if !strings.Contains(msg, accepted) {
				t.Errorf("ParseLevel(%q) error %q does not list %s", tc.in, msg, accepted)
			}
		}
		hasSuggestion := strings.Contains(msg, "did you mean")
		if tc.suggestion == "" && hasSuggestion {
			t.Errorf("ParseLevel(%q) error %q suggests something for a non-typo", tc.in, msg)
		}
		if tc.suggestion != "" && !strings.Contains(msg, `did you mean "`+tc.suggestion+`"`) {
			t.Errorf("ParseLevel(%q) error %q does not suggest %q", tc.in, msg, tc.suggestion)
		}
	}
}

func TestParseOperation(t *testing.T) {
	for _, op := range Operations() {
		got, err := ParseOperation(string(op))
		if err != nil || got != op {
			t.Errorf("ParseOperation(%q) = %q, %v", op, got, err)
		}
	}
	_, err := ParseOperation("delete_pages")
	if err == nil || !strings.Contains(err.Error(), `did you mean "delete_page"`) || !strings.Contains(err.Error(), `"search_pages"`) {
		t.Errorf("ParseOperation(delete_pages) error %v, want a suggestion and the accepted list", err)
	}
}

func TestOperationIsWrite(t *testing.T) {
	for _, op := range Operations() {
		want := op == CreatePage || op == UpdatePage || op == DeletePage
		if op.IsWrite() != want {
			t.Errorf("%s.IsWrite() = %t", op, op.IsWrite())
		}
	}
}
