// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"regexp"
	"testing"
)

func TestRestrictToPages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cql, want, wantErr string
	}{
		{cql: "space = DOCS", want: "type = page AND (space = DOCS)"},
		{cql: "space = DOCS OR label = x ORDER BY title DESC", want: "type = page AND (space = DOCS OR label = x) ORDER BY title DESC"},
		{cql: "order by created", want: "type = page order by created"},
		{cql: `title = "order by x" and (label = a)`, want: `type = page AND (title = "order by x" and (label = a))`},
		{cql: `title = "a \" ) OR (type = blogpost"`, want: `type = page AND (title = "a \" ) OR (type = blogpost")`},
		{cql: "recorder = x", want: "type = page AND (recorder = x)"},
		{cql: "space = DOCS) OR (type = blogpost", wantErr: "closes one that was never opened"},
		{cql: "(space = DOCS", wantErr: "not closed"},
		{cql: `title = "open`, wantErr: "not terminated"},
		{cql: "   ", wantErr: "empty"},
	} {
		got, err := RestrictToPages(tc.cql)
		switch {
		case tc.wantErr != "":
			if err == nil || !regexp.MustCompile(regexp.QuoteMeta(tc.wantErr)).MatchString(err.Error()) {
				t.Errorf("RestrictToPages(%q) error = %v, want one containing %q", tc.cql, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("RestrictToPages(%q): %v", tc.cql, err)
		case got != tc.want:
			t.Errorf("RestrictToPages(%q) = %q, want %q", tc.cql, got, tc.want)
		}
	}
}
