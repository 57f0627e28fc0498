// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"errors"
	"testing"
)

func FuzzCanonicalize(f *testing.F) {
	for _, seed := range []string{
		"", "text", cloudPage,
		"<p>a <b> b </b>&nbsp;<i>c</i></p>\n<ul><li>x</li></ul>",
		"<pre>  a\r\n b</pre><ac:plain-text-body><![CDATA[]]]]><![CDATA[>]]></ac:plain-text-body>",
		`<td>Status: <ac:structured-macro ac:name="status" ac:macro-id="1"><ac:parameter ac:name="title">OK</ac:parameter></ac:structured-macro> x</td>`,
		"<ac:rich-text-body> t <p>x</p> u </ac:rich-text-body>",
		"<p>x", "</p>", "&foo;", "<a b='1' b='2'/>",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		canonical, err := Canonicalize(body)
		if err != nil {
			var syntaxErr *SyntaxError
			if !errors.As(err, &syntaxErr) || syntaxErr.Line < 1 || syntaxErr.Column < 1 {
				t.Fatalf("Canonicalize(%q) error %v is not a positioned *SyntaxError", body, err)
			}
			return
		}
		again, err := Canonicalize(canonical)
		if err != nil {
			t.Fatalf("canonical form %q does not parse: %v", canonical, err)
		}
		if again != canonical {
			t.Fatalf("not idempotent for %q:\nfirst:  %q\nsecond: %q", body, canonical, again)
		}
		_ = PlainText(body)
	})
}

func FuzzMarkdownToStorage(f *testing.F) {
	for _, seed := range []string{
		"", "# T\n\n*a* **b** `c` ~~d~~\n\n- [ ] t\n- [x] u\n\n| a | b |\n|---|---|\n| 1 | 2 |",
		"> [!NOTE]\n> body\n\n```go\n]]>\n```\n\n<div>raw</div> <b>x</b>",
		"![i](http://x/y.png \"t\") [l](javascript:x) <a@b.c> www.x.org &#1; &bogus; \x00",
		"1. a\n   - b\n\n     c\n2. d\n\n    code\n\n---\nline  \nbreak",
		"---\ntitle: x\n---\n# x\n\n[a](b.md#c) [d](../e.html) [f](#x) ![g](h.png){ width=3 }",
		"+++\na = 1\n+++\n<div markdown>\n*x*\n</div>\n<p>open<ul><li>a<li>b</ul>\n</div></span><b><i></b></i>",
		"!!! note \"t\"\n    x[^1]\n\n    ??? tip\n        y\n\n=== \"a\"\n    b\n\n[^1]: n\n\nT\n: d",
		"<details><summary>s</summary>\n\nbody\n\n</details>\n<!-- c --><?php x ?><![CDATA[y]]><script>z</script>",
		"<a name=\"n\"></a><a href=\"#n\">l</a><img src=\"a b.png\" width=\"9\"><table><tr><td>x<td>y</table>",
		"> [!CAUTION]\n> c\n\n[TOC]\n\n```rust,ignore title=\"x\"\ny\n```",
		"::::tip[T]\nx\n:::details D\ny\n:::\n::::\n<details id=\"d\"><summary>s</summary>b<p id=\"p\">q</p></p></details><x-y>",
		"\ufeffIntro\n{: .lead #i }\n\n## H {: #h }\n{: .no_toc }\n\n* TOC\n{:toc}\n\n{: #only}\n\n![d](a.png#gh-dark-mode-only)",
	} {
		f.Add(seed)
	}
	tree := MarkdownOptions{
		SourcePath: "docs/a/page.md", SpaceKey: "S", Title: "x", DropTitleHeading: true, TableOfContents: true,
		Pages: map[string]PageRef{"docs/a/b.md": {Title: "B"}, "docs/e.md": {Title: "E", SpaceKey: "O"}, "docs/a/page.md": {Title: "x"}},
	}
	f.Fuzz(func(t *testing.T, markdown string) {
		storage, err := MarkdownToStorage(markdown)
		if err != nil {
			t.Fatalf("MarkdownToStorage(%q): %v", markdown, err)
		}
		if err := Validate(storage); err != nil {
			t.Fatalf("MarkdownToStorage(%q) = %q, which does not validate: %v", markdown, storage, err)
		}
		again, err := MarkdownToStorage(markdown)
		if err != nil || again != storage {
			t.Fatalf("MarkdownToStorage(%q) is not deterministic", markdown)
		}
		// In a docs tree, with every option: valid, canonical (so it
		// canonicalises stably) and deterministic.
		rendered, err := RenderMarkdown(markdown, tree)
		if err != nil {
			t.Fatalf("RenderMarkdown(%q): %v", markdown, err)
		}
		canonical, err := Canonicalize(rendered.Storage)
		if err != nil {
			t.Fatalf("RenderMarkdown(%q) = %q, which does not parse: %v", markdown, rendered.Storage, err)
		}
		if canonical != rendered.Storage {
			t.Fatalf("RenderMarkdown(%q) is not canonical:\n got: %q\ncanonical: %q", markdown, rendered.Storage, canonical)
		}
		if again, err := RenderMarkdown(markdown, tree); err != nil || again.Storage != rendered.Storage || len(again.Warnings) != len(rendered.Warnings) {
			t.Fatalf("RenderMarkdown(%q) is not deterministic", markdown)
		}
		seen := map[string]string{}
		for _, img := range rendered.Images {
			if other, dup := seen[img.Filename]; dup {
				t.Fatalf("RenderMarkdown(%q): images %q and %q share the file name %q", markdown, other, img.Path, img.Filename)
			}
			seen[img.Filename] = img.Path
		}
	})
}
