// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmparser "github.com/yuin/goldmark/parser"
)

// benchmarkMarkdown returns about size bytes of Markdown that uses every
// construct the renderer knows, repeated.
func benchmarkMarkdown(size int) string { //nolint:unparam // the benchmarks use 1 MB; other sizes are for profiling
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

// proseMarkdown returns about size bytes of Markdown written like a real
// docs page: mostly paragraphs under headings, some lists, a few links,
// inline code and code blocks, the odd table and alert.
func proseMarkdown(size int) string {
	sentences := []string{
		"The provider reads the page from the API and compares its body with the one in the state.",
		"When they differ only in form, no change is planned, so a page edited in the browser keeps its history clean.",
		"Each resource is identified by its id; titles may change without replacing the page.",
		"See the [upgrade guide](https://example.com/docs/upgrade) before you change the `version` attribute.",
		"Attachments are uploaded once and replaced only when their content hash changes.",
		"A *draft* page is not visible to readers until it is **published**, which happens on the next apply.",
		"Errors from the API are retried with exponential back-off, up to the limit set in the provider block.",
	}
	var b strings.Builder
	b.WriteString("# Reference\n\nThis page describes the resources of the provider.\n\n")
	for section := 0; b.Len() < size; section++ {
		b.WriteString("## Section about topic number ")
		b.WriteString(strings.Repeat("x", section%7+1))
		b.WriteString("\n\n")
		for p := range 4 {
			for s := range 4 {
				b.WriteString(sentences[(section+p*3+s)%len(sentences)])
				if s < 3 {
					b.WriteString(" ")
				}
			}
			b.WriteString("\n\n")
		}
		switch section % 4 {
		case 0:
			b.WriteString("- the first point, stated briefly\n- a second point with `code` in it\n- a third point\n\n")
		case 1:
			b.WriteString("1. Install the provider.\n2. Write the configuration.\n3. Run `terraform apply`.\n\n")
		case 2:
			b.WriteString("```hcl\nresource \"confluence_page\" \"p\" {\n  title = \"Page\"\n  body  = file(\"page.md\")\n}\n```\n\n")
		case 3:
			b.WriteString("| Name | Description |\n|------|-------------|\n| `id` | The page id. |\n| `title` | The title. |\n\n")
		}
		if section%10 == 9 {
			b.WriteString("> [!NOTE]\n> Changes made in the browser are overwritten on the next apply.\n\n")
		}
	}
	return b.String()
}

// The goldmark floor: goldmark turning the same input into HTML with the
// same Markdown extensions. Any Markdown publisher built on goldmark pays
// this; MarkdownToStorage's own cost is what it takes beyond it.
var goldmarkFloor = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList))

func benchmarkGoldmarkFloor(b *testing.B, md string) {
	source := []byte(md)
	var out bytes.Buffer
	b.SetBytes(int64(len(md)))
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		if err := goldmarkFloor.Convert(source, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkMarkdownToStorage(b *testing.B, md string) {
	b.SetBytes(int64(len(md)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := MarkdownToStorage(md); err != nil {
			b.Fatal(err)
		}
	}
}

// Dense: every construct every ~600 bytes.

func BenchmarkMarkdownGoldmarkFloor1MB(b *testing.B) {
	benchmarkGoldmarkFloor(b, benchmarkMarkdown(1<<20))
}

func BenchmarkMarkdownToStorage1MB(b *testing.B) {
	benchmarkMarkdownToStorage(b, benchmarkMarkdown(1<<20))
}

// BenchmarkMarkdownGoldmarkParse1MB is goldmark's parse alone, with the very
// parser MarkdownToStorage uses: no renderer can make the conversion
// cheaper than this.
func BenchmarkMarkdownGoldmarkParse1MB(b *testing.B) {
	source := []byte(benchmarkMarkdown(1 << 20))
	b.SetBytes(int64(len(source)))
	b.ResetTimer()
	for b.Loop() {
		markdownWithFrontMatter.Parser().Parse(textReader(source), gmparser.WithContext(gmparser.NewContext()))
	}
}

// BenchmarkMarkdownToStorage1MBHalvesInParallel converts the two halves of
// the dense input (split at a heading) at once, one per core: what splitting
// a page over the cores could give at best, before the work of joining
// footnotes, references and anchors across the split. On 2 cores it is
// still above 50 ms per MB, which is why MarkdownToStorage does not split.
func BenchmarkMarkdownToStorage1MBHalvesInParallel(b *testing.B) {
	md := benchmarkMarkdown(1 << 20)
	mid := len(md)/2 + strings.Index(md[len(md)/2:], "\n## ") + 1
	halves := [2]string{md[:mid], md[mid:]}
	b.SetBytes(int64(len(md)))
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for _, half := range halves {
			wg.Go(func() {
				if _, err := MarkdownToStorage(half); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
}

// Typical: prose like a real docs page.

func BenchmarkMarkdownGoldmarkFloorProse1MB(b *testing.B) {
	benchmarkGoldmarkFloor(b, proseMarkdown(1<<20))
}

func BenchmarkMarkdownToStorageProse1MB(b *testing.B) {
	benchmarkMarkdownToStorage(b, proseMarkdown(1<<20))
}

// Real: this repository's registry docs and guides (docs/, about 180 KB of
// pages with front matter, tables, lists and code), each page rendered on
// its own, repeated to 1 MB.

func repositoryDocs(b *testing.B) []string {
	b.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "docs", "*", "*.md"))
	if err != nil || len(files) == 0 {
		b.Skip("the repository's docs/ is not here")
	}
	var pages []string
	total := 0
	for total < 1<<20 {
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			pages = append(pages, string(raw))
			total += len(raw)
		}
	}
	return pages
}

func BenchmarkMarkdownGoldmarkFloorRepoDocs1MB(b *testing.B) {
	pages := repositoryDocs(b)
	g := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList))
	var out bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		for _, page := range pages {
			out.Reset()
			if err := g.Convert([]byte(page), &out); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkMarkdownToStorageRepoDocs1MB(b *testing.B) {
	pages := repositoryDocs(b)
	b.ResetTimer()
	for b.Loop() {
		for _, page := range pages {
			if _, err := MarkdownToStorage(page); err != nil {
				b.Fatal(err)
			}
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
