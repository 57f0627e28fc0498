// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// pageContentClear may only clear what every page validator accepts; the
// rest goes to the validators (their errors are tested with the real CLI in
// TestAccPageResource_invalidInputFailsAtPlanWithoutRequests).
func TestPageContentClear(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	null := tftypes.NewValue(tftypes.String, nil)
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	boolean := tftypes.NewValue(tftypes.Bool, true)
	for _, tc := range []struct {
		name  string
		attrs map[string]tftypes.Value
		want  bool
	}{
		{"markdown alone", map[string]tftypes.Value{"markdown": str("# x"), "body": null}, true},
		{"markdown with docs-tree attributes", map[string]tftypes.Value{"markdown": str("# x"), "source_path": str("a.md"), "drop_title_heading": boolean}, true},
		{"body alone", map[string]tftypes.Value{"body": str("<p/>"), "markdown": null, "source_path": null}, true},
		{"both", map[string]tftypes.Value{"body": str("<p/>"), "markdown": str("x")}, false},
		{"neither", map[string]tftypes.Value{"body": null, "markdown": null}, false},
		{"body with source_path", map[string]tftypes.Value{"body": str("<p/>"), "source_path": str("a.md")}, false},
		{"body with drop_title_heading", map[string]tftypes.Value{"body": str("<p/>"), "drop_title_heading": boolean}, false},
		{"body with an unknown source_path", map[string]tftypes.Value{"body": str("<p/>"), "source_path": unknown}, false},
		{"unknown markdown", map[string]tftypes.Value{"markdown": unknown}, false},
		{"unknown body", map[string]tftypes.Value{"body": unknown}, false},
		{"markdown with an unknown body", map[string]tftypes.Value{"markdown": str("x"), "body": unknown}, false},
	} {
		if got := pageContentClear(tc.attrs); got != tc.want {
			t.Errorf("%s: pageContentClear = %v, want %v", tc.name, got, tc.want)
		}
	}
}
