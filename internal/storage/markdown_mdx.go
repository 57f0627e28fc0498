// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// MDX (https://mdxjs.com/docs/what-is-mdx/), the Markdown of Docusaurus:
// a .mdx file may start with ESM import and export statements, and uses
// JSX components (<Tabs>, <TabItem>) as elements. Neither means anything
// in a page: the statements are left out, and the components' tags too
// (their content kept, with one warning), instead of being shown as text.

// esmStatement starts a top-level import or export statement ("ESM" in
// https://mdxjs.com/docs/what-is-mdx/#esm).
var esmStatement = regexp.MustCompile(`^(?:import|export)(?:[ \t{*]|$)`)

// mdxComment is a paragraph that is only a JSX comment expression, as
// Docusaurus's {/* truncate */} marker
// (https://mdxjs.com/docs/what-is-mdx/#expressions).
var mdxComment = regexp.MustCompile(`^\{[ \t]*/\*[^{}]*\*/[ \t]*\}$`)

// isMDX reports whether the page's source file is MDX.
func isMDX(sourcePath string) bool {
	return strings.HasSuffix(strings.ToLower(sourcePath), ".mdx")
}

// isESMParagraph reports whether paragraph p is an import or export
// statement of an MDX file (a paragraph of the document, not of a list or
// quote, whose first line starts with the keyword at the line's start) or
// a comment expression.
func (r *storageRenderer) isESMParagraph(p *ast.Paragraph) bool {
	if !r.mdx || p.Parent() == nil || p.Parent().Kind() != ast.KindDocument || p.Lines().Len() == 0 {
		return false
	}
	first := p.Lines().At(0)
	if p.Lines().Len() == 1 && mdxComment.Match(bytes.TrimSpace(first.Value(r.source))) {
		return true
	}
	if first.Start > 0 && r.source[first.Start-1] != '\n' {
		return false // indented: MDX reads it as text
	}
	return esmStatement.Match(bytes.TrimRight(first.Value(r.source), "\n"))
}

// isJSXComponent reports whether raw, a start, end or self-closing tag, is
// a JSX component's: JSX names components with a capital letter and HTML
// elements in lower case (https://react.dev/learn/writing-markup-with-jsx).
func isJSXComponent(raw string) bool {
	name := strings.TrimPrefix(raw, "<")
	name = strings.TrimPrefix(name, "/")
	return name != "" && name[0] >= 'A' && name[0] <= 'Z'
}

// mdxRule is the rule for a tag of an MDX file that rule (of its
// lower-cased name) would escape: a JSX component's tags are left out,
// content kept, and the first one is warned about.
func (r *storageRenderer) mdxRule(t *htmlToken, rule htmlRule) htmlRule {
	if !r.mdx || rule.kind != htmlEscape || !isJSXComponent(t.raw) {
		return rule
	}
	if !r.jsxWarned {
		r.jsxWarned = true
		name := strings.TrimLeft(t.raw, "</")
		if end := strings.IndexAny(name, " \t\r\n/>"); end >= 0 {
			name = name[:end]
		}
		r.warn(t.line, "JSX components such as <%s> cannot be stored in a page; their tags are left out and their content kept (the first is on this line)", name)
	}
	return htmlRule{kind: htmlUnwrap, inline: true}
}
