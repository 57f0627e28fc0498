// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"net/url"
	"strings"
	"testing"

	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// The renderer's fast paths skip work the general code would do; each must
// give what the general code gives. FuzzMarkdownFastPaths checks them
// against it.

// slowReplaceNonXMLChars is replaceNonXMLChars without its fast path.
func slowReplaceNonXMLChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// slowIsRemote is isRemote without its fast path.
func slowIsRemote(dest string) bool {
	if strings.HasPrefix(dest, "//") {
		return true
	}
	u, err := url.Parse(dest)
	if err != nil {
		return true
	}
	return u.Scheme != ""
}

// slowNormalizeMarkdown is normalizeMarkdown without its fast path.
func slowNormalizeMarkdown(markdown string) string {
	markdown = strings.TrimPrefix(markdown, "\uFEFF")
	markdown = strings.ToValidUTF8(markdown, "\uFFFD")
	markdown = strings.ReplaceAll(markdown, "\r\n", "\n")
	return strings.ReplaceAll(markdown, "\r", "\n")
}

func checkFastPaths(t *testing.T, s string) {
	t.Helper()
	if got, want := replaceNonXMLChars(s), slowReplaceNonXMLChars(s); got != want {
		t.Errorf("replaceNonXMLChars(%q) = %q, want %q", s, got, want)
	}
	if got, want := normalizeMarkdown(s), slowNormalizeMarkdown(s); got != want {
		t.Errorf("normalizeMarkdown(%q) = %q, want %q", s, got, want)
	}
	if got, want := isRemote(s), slowIsRemote(s); got != want {
		t.Errorf("isRemote(%q) = %v, want %v", s, got, want)
	}
	if got, want := isDangerousURL([]byte(s)), html.IsDangerousURL([]byte(s)); got != want {
		t.Errorf("isDangerousURL(%q) = %v, want %v", s, got, want)
	}
	r := &storageRenderer{w: &storageBuffer{}}
	r.escaped(s)
	r.escapedBytes([]byte(s))
	if got, want := r.w.String(), strings.Repeat(string(util.EscapeHTML([]byte(s))), 2); got != want {
		t.Errorf("escaped(%q) = %q, want %q", s, got, want)
	}
	r.w.Reset()
	writeCDATA(&r.w.Builder, s)
	writeCDATABytes(r.w, []byte(s))
	if got, want := r.w.String(), strings.Repeat("<![CDATA["+strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>")+"]]>", 2); got != want {
		t.Errorf("CDATA of %q = %q, want %q", s, got, want)
	}
}

func TestMarkdownFastPaths(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "a", "plain/path.md#x?y", "a b.png", "%zz.png", "a%20b.png", "x:y", "//host/p", "/abs",
		"https://example.com/a", "mailto:a@b", "JavaScript:alert(1)", "vbscript:x", "FILE:///etc",
		"data:image/png;base64,x", "data:text/html,x", "Data:Image/GIF;x", "\u212Aava", "javascr\u0130pt:",
		"a\x00b", "a\x01b", "\x7f", "tab\tnl\ncr\r", "crlf\r\n\r\n", "\uFFFE", "\uFFFF", "\uFFFD",
		"\xed\xa0\x80", "\xff", "ok \u00e9 \U0001F600", "]]>", "a]]>b]]>", "]]", "<&>\"'",
	} {
		checkFastPaths(t, s)
	}
}

func FuzzMarkdownFastPaths(f *testing.F) {
	for _, s := range []string{"", "a b.png", "%zz", "x:y", "JavaScript:", "\x01", "\uFFFE", "\xff", "]]>", "a\r\nb\rc"} {
		f.Add(s)
	}
	f.Fuzz(checkFastPaths)
}
