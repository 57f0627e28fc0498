// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"strings"
	"testing"
)

// benchmarkMarkdown returns about size bytes of Markdown that uses every
// construct the renderer knows, repeated.
func benchmarkMarkdown(size int) string {
	section := "## Section {#s}\n\nSome *emphasis*, **strong**, `code`, [a link](https://example.com/x?a=1&b=2), " +
		"[a page](other.md#part), an image ![alt](img/a.png) and <kbd>Ctrl</kbd> text.\n" +
		"More text on a second line with a footnote[^n].\n\n" +
		"- item one\n- item two\n  - nested\n\n1. first\n2. second\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
		"```go\nfunc main() {\n\tprintln(\"hi\")\n}\n```\n\n" +
		"> [!NOTE]\n> A note.\n\n" +
		"!!! tip \"Tip\"\n    Indented *Markdown*.\n\n" +
		"<div align=\"center\">\n<img src=\"img/b.png\" alt=\"b\">\n</div>\n\n<!-- a comment -->\n\n"
	var b strings.Builder
	b.WriteString("---\ntitle: Bench\n---\n# Bench\n\n")
	for b.Len() < size {
		b.WriteString(section)
	}
	b.WriteString("\n[^n]: The note.\n")
	return b.String()
}

func BenchmarkMarkdownToStorage1MB(b *testing.B) {
	md := benchmarkMarkdown(1 << 20)
	b.SetBytes(int64(len(md)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := MarkdownToStorage(md); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderMarkdownDocsTree1MB(b *testing.B) {
	md := benchmarkMarkdown(1 << 20)
	opts := MarkdownOptions{SourcePath: "docs/a.md", Pages: map[string]PageRef{"docs/other.md": {Title: "Other"}}}
	b.SetBytes(int64(len(md)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := RenderMarkdown(md, opts); err != nil {
			b.Fatal(err)
		}
	}
}
