// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// Small conversions and wording shared by resources and data sources.

var (
	pageIDPattern = regexp.MustCompile(`^[0-9]+$`)
	titlePattern  = regexp.MustCompile(`^\S(.*\S)?$`)
	// noControlCharacters refuses C0 and C1 control characters, which
	// Confluence stores but no reader can see or type.
	noControlCharacters = regexp.MustCompile(`^[^\x00-\x1f\x7f-\x9f]*$`)
)

// setStrings returns the strings of a known set, sorted; nil for a null or
// unknown set.
func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	slices.Sort(out)
	return out
}

// labelNamesValue returns the names of labels as a set.
func labelNamesValue(diags *diag.Diagnostics, labels []confluence.Label) types.Set {
	names := make([]string, 0, len(labels))
	for _, l := range labels {
		names = append(names, l.Name)
	}
	return stringSetValue(diags, names)
}

// stringSetValue returns strings as a set value (empty, never null).
func stringSetValue(diags *diag.Diagnostics, values []string) types.Set {
	if values == nil {
		values = []string{}
	}
	set, d := types.SetValueFrom(context.Background(), types.StringType, values)
	diags.Append(d...)
	return set
}

// timeString renders a time as RFC 3339, or null when Confluence gave none.
func timeString(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// readBodyValue returns a page's body in canonical storage format. A body
// the canonicaliser cannot parse is returned as Confluence sent it, with a
// warning, rather than failing the read.
func readBodyValue(diags *diag.Diagnostics, page confluence.Page) types.String {
	canonical, err := storage.Canonicalize(page.Body)
	if err != nil {
		diags.AddWarning("Page Body Not Canonicalised",
			fmt.Sprintf("The body of page %s (%q) could not be parsed as storage format (%s), so it is returned exactly as Confluence sent it.", page.ID, page.Title, err))
		return types.StringValue(page.Body)
	}
	return types.StringValue(canonical)
}

// containsAll reports whether every one of want is in have.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// summarize is the short form of an error for a sentence.
func summarize(err error) string {
	if apiErr, ok := confluence.AsAPIError(err); ok {
		if apiErr.Message != "" {
			return fmt.Sprintf("%d %s", apiErr.StatusCode, apiErr.Message)
		}
		return fmt.Sprintf("status %d", apiErr.StatusCode)
	}
	return "that the request failed (" + err.Error() + ")"
}
