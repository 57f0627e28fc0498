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
	} {
		f.Add(seed)
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
	})
}
