// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// largeBody returns a storage body of at least size bytes made of what
// pages hold: headings, paragraphs with inline markup and entities, lists,
// tables with Cloud editor attributes, code and info macros, links.
func largeBody(size int) string {
	var b strings.Builder
	b.Grow(size + 4096)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<h2 local-id="h%d">Section %d</h2>`, i, i)
		fmt.Fprintf(&b, "<p local-id=\"p%d\">This is paragraph %d with <strong>bold</strong>, <em>emphasis</em>, <code>inline   code</code>,\n"+
			"an entity &rarr; and a non-breaking&nbsp;space, and a <a href=\"https://example.com/docs/%d?a=1&amp;b=2\">link</a>.</p>", i, i, i)
		fmt.Fprintf(&b, `<ul local-id="u%d"><li><p>first item</p></li><li><p>second <b>item</b></p></li></ul>`, i)
		fmt.Fprintf(&b, `<table data-layout="default" data-table-width="760" ac:local-id="t%d"><colgroup><col style="width: 380.0px;" /><col style="width: 380.0px;" /></colgroup>`+
			`<tbody><tr><th><p>Column</p></th><th><p>Value</p></th></tr><tr><td><p>index</p></td><td><p>%d</p></td></tr></tbody></table>`, i, i)
		fmt.Fprintf(&b, `<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="m%d"><ac:parameter ac:name="language">go</ac:parameter>`+
			`<ac:plain-text-body><![CDATA[fmt.Println("page %d")
if a < b && c > d {
	return
}]]></ac:plain-text-body></ac:structured-macro>`, i, i)
		fmt.Fprintf(&b, `<ac:structured-macro ac:name="info" ac:schema-version="1" ac:macro-id="n%d"><ac:rich-text-body><p>Generated content; edits are detected on refresh.</p></ac:rich-text-body></ac:structured-macro>`, i)
		fmt.Fprintf(&b, `<p><ac:link><ri:page ri:content-title="Page %d" ri:version-at-save="3" /><ac:plain-text-link-body><![CDATA[see page %d]]></ac:plain-text-link-body></ac:link></p>`, i, i)
	}
	return b.String()
}

// BenchmarkCanonicalize5MB is the target of issue 16: ≤ 100 ms and ≤ 3× the
// input in allocations for a 5 MB body.
func BenchmarkCanonicalize5MB(b *testing.B) {
	body := largeBody(5 << 20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(body); err != nil {
			b.Fatal(err)
		}
	}
}

// allocationBudget is what Canonicalize may allocate per input byte. It
// allocated 18× before the parser shared nodes and names and the writer
// wrote into one buffer, 12.6× after, with encoding/xml's tokens costing
// about 5×. Issue 16 asks for 3×: the scanner's strings are spans of the
// body, nodes are 24 bytes in chunks, and the output is one buffer of the
// body's size; together about 2.6×.
const allocationBudget = 3

// TestCanonicalizeAllocationBudget holds Canonicalize to allocationBudget,
// which a benchmark only reports.
func TestCanonicalizeAllocationBudget(t *testing.T) {
	body := largeBody(1 << 20)
	if _, err := Canonicalize(body); err != nil { // warm up lazily built tables
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Canonicalize(body); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	if limit := uint64(allocationBudget * len(body)); allocated > limit {
		t.Errorf("Canonicalize of %d bytes allocated %d bytes (%.1f× the input), want at most %d×", len(body), allocated, float64(allocated)/float64(len(body)), allocationBudget)
	}
}

// TestCanonicalizeMergesTextRunsLinearly holds a body of text runs that
// merge into one node (text, then a comment that leaves nothing, many
// times) to the same budget: merging by copying would be quadratic.
func TestCanonicalizeMergesTextRunsLinearly(t *testing.T) {
	body := "<p>" + strings.Repeat("a &amp; b<!-- c --><![CDATA[ d ]]>", 1<<14) + "</p>"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Canonicalize(body); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > uint64(allocationBudget*len(body)) {
		t.Errorf("Canonicalize of %d bytes allocated %d bytes (%.1f× the input), want at most %d×", len(body), allocated, float64(allocated)/float64(len(body)), allocationBudget)
	}
}
