// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import "testing"

func TestCanonicalValue(t *testing.T) {
	c, err := CanonicalOf(`<p>a <b>b</b></p><p>c</p>`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<p>a <strong>b</strong></p>\n<p>c</p>"; c.String() != want {
		t.Errorf("CanonicalOf = %q, want %q", c, want)
	}
	h, err := Hash(`<p>a <strong>b</strong></p> <p>c</p>`)
	if err != nil || c.Hash() != h {
		t.Errorf("Canonical.Hash %s, Hash of an equivalent body %s (%v)", c.Hash(), h, err)
	}
	again, err := CanonicalOf(c.String())
	if err != nil || again != c {
		t.Errorf("canonical text must canonicalise to itself: %q (%v)", again, err)
	}
	md, err := MarkdownToStorage("a **b**\n\nc")
	if err != nil || Canonical(md) != c {
		t.Errorf("MarkdownToStorage = %q (%v): its output must already be canonical, %q", md, err, c)
	}
	if _, err := CanonicalOf("<p>"); err == nil {
		t.Error("malformed storage must fail")
	}
}
