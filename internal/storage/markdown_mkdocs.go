// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MkDocs blocks whose body is indented Markdown: admonitions
// (https://python-markdown.github.io/extensions/admonition/):
//
//	!!! warning "Title"
//	    Body, *Markdown*.
//
// collapsible admonitions ("???", "???+" open, pymdownx.details) and content
// tabs (=== "Tab", pymdownx.tabbed). Without this parser their bodies,
// indented four spaces, would be code blocks.

// admonition is an MkDocs admonition or content tab; its children are the
// body's blocks.
type admonition struct {
	ast.BaseBlock
	kind        string // "note", "warning", …; "" for a content tab
	title       string
	collapsible bool
	expandOnly  bool // an expand macro without a panel (VitePress "::: details")
	fence       int  // colons of a fenced container's opening line (markdown_containers.go)
}

var kindAdmonition = ast.NewNodeKind("MkDocsAdmonition")

func (n *admonition) Kind() ast.NodeKind { return kindAdmonition }

func (n *admonition) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"kind": n.kind, "title": n.title}, nil)
}

var (
	// `!!! type "title"`, `??? type`, `???+ type extra-class "title"`.
	admonitionOpener = regexp.MustCompile(`^(!!!|\?\?\?\+?)[ \t]+([A-Za-z][\w-]*)(?:[ \t]+[A-Za-z][\w-]*)*(?:[ \t]+"(.*)")?[ \t]*$`)
	// `=== "Tab"`, `===+ "Tab"`, `===! "Tab"`.
	tabOpener = regexp.MustCompile(`^===[+!]?[ \t]+"(.*)"[ \t]*$`)
)

// admonitionMacros maps MkDocs Material's admonition types to the panel
// macros by colour: blue info, green tip, yellow note, red warning.
var admonitionMacros = map[string]string{
	"note": "info", "abstract": "info", "summary": "info", "tldr": "info", "info": "info",
	"todo": "info", "example": "info", "quote": "info", "cite": "info", "seealso": "info",
	"tip": "tip", "hint": "tip", "important": "note", "success": "tip", "check": "tip", "done": "tip",
	"question": "note", "help": "note", "faq": "note", "warning": "note", "caution": "note",
	"attention": "note",
	"failure":   "warning", "fail": "warning", "missing": "warning", "danger": "warning",
	"error": "warning", "bug": "warning",
}

type admonitionParser struct{}

func (admonitionParser) Trigger() []byte { return []byte{'!', '?', '='} }

func (admonitionParser) Open(_ ast.Node, reader text.Reader, _ gmparser.Context) (ast.Node, gmparser.State) {
	line, _ := reader.PeekLine()
	indent, _ := util.IndentWidth(line, reader.LineOffset())
	if indent > 3 {
		return nil, gmparser.NoChildren
	}
	trimmed := strings.TrimRight(string(util.TrimLeftSpace(line)), "\r\n")
	var n *admonition
	if m := admonitionOpener.FindStringSubmatch(trimmed); m != nil {
		kind := strings.ToLower(m[2])
		title := strings.ToUpper(kind[:1]) + kind[1:]
		if strings.Contains(trimmed, `"`) {
			title = m[3]
		}
		n = &admonition{kind: kind, title: title, collapsible: strings.HasPrefix(m[1], "?")}
	} else if m := tabOpener.FindStringSubmatch(trimmed); m != nil {
		n = &admonition{title: m[1]}
	} else {
		return nil, gmparser.NoChildren
	}
	reader.AdvanceToEOL()
	return n, gmparser.NoChildren
}

func (admonitionParser) Continue(_ ast.Node, reader text.Reader, _ gmparser.Context) gmparser.State {
	line, _ := reader.PeekLine()
	if util.IsBlank(line) {
		reader.AdvanceToEOL()
		return gmparser.Continue | gmparser.HasChildren
	}
	indent, _ := util.IndentWidth(line, reader.LineOffset())
	if indent < 4 {
		return gmparser.Close
	}
	pos, padding := util.IndentPosition(line, reader.LineOffset(), 4)
	reader.AdvanceAndSetPadding(pos, padding)
	return gmparser.Continue | gmparser.HasChildren
}

func (admonitionParser) Close(ast.Node, text.Reader, gmparser.Context) {}

// CanInterruptParagraph is false: Python-Markdown starts an admonition only
// at the start of a block.
func (admonitionParser) CanInterruptParagraph() bool { return false }

func (admonitionParser) CanAcceptIndentedLine() bool { return false }

// mkdocsBlocks adds the admonition and fenced container parsers to
// goldmark.
type mkdocsBlocks struct{}

func (mkdocsBlocks) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(gmparser.WithBlockParsers(
		util.Prioritized(admonitionParser{}, 150),
		// Before the definition list parsers, which also start at ":".
		util.Prioritized(containerParser{}, 90),
	))
}

// admonition writes an admonition as a panel macro with its title, a
// collapsible one inside an expand macro, and a content tab as its title in
// bold over its content.
func (r *storageRenderer) admonition(n *admonition) {
	if n.kind == "" {
		if n.title != "" {
			r.str("<p><strong>")
			r.escaped(n.title)
			r.str("</strong></p>")
		}
		r.blockChildren(n)
		return
	}
	if n.expandOnly {
		r.str(`<ac:structured-macro ac:name="expand">`)
		r.titleParameter(n.title)
		r.str(`<ac:rich-text-body>`)
		r.blockChildren(n)
		r.str(`</ac:rich-text-body></ac:structured-macro>`)
		return
	}
	macro, ok := admonitionMacros[n.kind]
	if !ok {
		macro = "info"
	}
	if n.collapsible {
		// https://confluence.atlassian.com/doc/expand-macro-223222352.html
		r.str(`<ac:structured-macro ac:name="expand">`)
		r.titleParameter(n.title)
		r.str(`<ac:rich-text-body><ac:structured-macro ac:name="`)
		r.str(macro)
		r.str(`"><ac:rich-text-body>`)
		r.blockChildren(n)
		r.str(`</ac:rich-text-body></ac:structured-macro></ac:rich-text-body></ac:structured-macro>`)
		return
	}
	r.str(`<ac:structured-macro ac:name="`)
	r.str(macro)
	r.str(`">`)
	r.titleParameter(n.title)
	r.str(`<ac:rich-text-body>`)
	r.blockChildren(n)
	r.str(`</ac:rich-text-body></ac:structured-macro>`)
}

func (r *storageRenderer) titleParameter(title string) {
	if title == "" {
		return
	}
	r.str(`<ac:parameter ac:name="title">`)
	r.escaped(title)
	r.str(`</ac:parameter>`)
}
