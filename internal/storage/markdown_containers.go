// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Fenced containers whose body is Markdown between colon fences, not
// indented:
//
//	:::tip[Title]            Docusaurus ≥ 3 (remark-directive),
//	:::tip Title             Docusaurus 2,
//	::: warning Title        VitePress (markdown-it-container),
//	Body, *Markdown*.
//	:::
//
// (https://docusaurus.io/docs/markdown-features/admonitions,
// https://vitepress.dev/guide/markdown#custom-containers). A container
// nests in one with a longer fence (::::info around :::tip), and a fence of
// at least the opening length closes it, as in both tools. They become the
// same panels as MkDocs admonitions (admonitionMacros); VitePress's
// "::: details" is an expand macro; any other name (Pandoc's fenced divs,
// VitePress's code-group) keeps its body without a frame. Pandoc's and
// Quarto's fenced divs (::: {.callout-note}) are read the same way.

// containerOpener matches the opening fence: colons, a name, then a title
// in brackets or after a space, then remark-directive attributes ({#id}),
// which are not shown.
var containerOpener = regexp.MustCompile(`^(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[([^\]]*)\])?(?:[ \t]*\{[^}]*\})?(?:[ \t]+(.*?))?[ \t]*$`)

// pandocDivOpener matches Pandoc's fenced div with attributes, as Quarto's
// callouts are written (::: {.callout-tip title="T"},
// https://pandoc.org/MANUAL.html#divs-and-spans,
// https://quarto.org/docs/authoring/callouts.html): the first class names
// the kind.
var pandocDivOpener = regexp.MustCompile(`^(:{3,})[ \t]*\{([^{}]*)\}[ \t]*:*[ \t]*$`)

var (
	pandocClass = regexp.MustCompile(`(?:^|\s)\.([A-Za-z][\w-]*)`)
	pandocTitle = regexp.MustCompile(`(?:^|\s)title="([^"]*)"`)
)

// containerTitleKinds are the names Docusaurus and VitePress render as
// admonitions; other names are kept as their content.
var containerTitleKinds = setOf("note", "tip", "info", "warning", "danger", "caution", "important", "details",
	"success", "question", "example", "quote", "bug", "failure", "abstract")

type containerParser struct{}

func (containerParser) Trigger() []byte { return []byte{':'} }

func (containerParser) Open(_ ast.Node, reader text.Reader, _ gmparser.Context) (ast.Node, gmparser.State) {
	line, _ := reader.PeekLine()
	indent, _ := util.IndentWidth(line, reader.LineOffset())
	if indent > 3 {
		return nil, gmparser.NoChildren
	}
	trimmed := strings.TrimRight(string(util.TrimLeftSpace(line)), "\r\n")
	var fence, kind, title string
	if m := containerOpener.FindStringSubmatch(trimmed); m != nil {
		fence, kind, title = m[1], strings.ToLower(m[2]), strings.TrimSpace(m[3]+m[4])
	} else if m := pandocDivOpener.FindStringSubmatch(trimmed); m != nil {
		fence = m[1]
		if class := pandocClass.FindStringSubmatch(m[2]); class != nil {
			kind = strings.TrimPrefix(strings.ToLower(class[1]), "callout-")
		}
		if t := pandocTitle.FindStringSubmatch(m[2]); t != nil {
			title = strings.TrimSpace(t[1])
		}
	} else {
		return nil, gmparser.NoChildren
	}
	n := &admonition{fence: len(fence)}
	switch {
	case kind == "details":
		n.kind, n.expandOnly = kind, true
	case containerTitleKinds[kind]:
		n.kind = kind
	}
	if title == "" && n.kind != "" {
		title = strings.ToUpper(kind[:1]) + kind[1:]
	}
	n.title = title
	reader.AdvanceToEOL()
	return n, gmparser.HasChildren
}

func (containerParser) Continue(node ast.Node, reader text.Reader, pc gmparser.Context) gmparser.State {
	n, ok := node.(*admonition)
	if !ok {
		return gmparser.Close
	}
	line, _ := reader.PeekLine()
	if indent, pos := util.IndentWidth(line, reader.LineOffset()); indent < 4 && !inOpenCodeFence(node, pc) {
		colons := 0
		for pos+colons < len(line) && line[pos+colons] == ':' {
			colons++
		}
		if colons >= n.fence && util.IsBlank(line[pos+colons:]) {
			reader.AdvanceToEOL()
			return gmparser.Close
		}
	}
	return gmparser.Continue | gmparser.HasChildren
}

// inOpenCodeFence reports whether a fenced code block inside container is
// open: a ":::" line there is code (Docusaurus documenting its own syntax),
// not the container's end.
func inOpenCodeFence(container ast.Node, pc gmparser.Context) bool {
	for _, open := range pc.OpenedBlocks() {
		if open.Node.Kind() != ast.KindFencedCodeBlock {
			continue
		}
		for p := open.Node.Parent(); p != nil; p = p.Parent() {
			if p == container {
				return true
			}
		}
	}
	return false
}

func (containerParser) Close(ast.Node, text.Reader, gmparser.Context) {}

// CanInterruptParagraph is true: Docusaurus nests a container right after a
// line of its parent's text.
func (containerParser) CanInterruptParagraph() bool { return true }

func (containerParser) CanAcceptIndentedLine() bool { return false }
