// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// alertMacros maps the first line of a GitHub-style alert to its panel
// macro (info, note, tip and warning are the panel macros of
// https://confluence.atlassian.com/doc/info-tip-note-and-warning-macros-51872369.html).
// GitHub's IMPORTANT is "crucial to succeed" (the yellow note panel) and
// CAUTION "negative consequences" (the red warning panel).
var alertMacros = map[string]string{
	"[!INFO]":      "info",
	"[!NOTE]":      "note",
	"[!WARNING]":   "warning",
	"[!TIP]":       "tip",
	"[!IMPORTANT]": "note",
	"[!CAUTION]":   "warning",
}

// tocMarkers are paragraphs that ask for a table of contents in place:
// Python-Markdown's (MkDocs) [TOC] and GitLab's [[_TOC_]].
var tocMarkers = map[string]bool{"[TOC]": true, "[[_TOC_]]": true, "[[TOC]]": true}

// tocMacro is the table of contents macro
// (https://confluence.atlassian.com/doc/table-of-contents-macro-182682099.html).
const tocMacro = `<ac:structured-macro ac:name="toc" />`

// storageRenderer walks a goldmark AST and writes storage format. Text goes
// through goldmark's HTML writer, which resolves backslash escapes and
// entity references exactly as CommonMark specifies and escapes the result
// with the four XML entities only.
type storageRenderer struct {
	source []byte
	text   string // source as a string, for slices of it that live on
	opts   MarkdownOptions
	w      *storageBuffer

	lineStarts []int             // byte offset of each line of source
	lineOffset int               // lines of the file before source (Markdown inside HTML)
	skipText   map[*ast.Text]int // bytes of a text node that are an attribute list

	pages         map[string]PageRef // opts.Pages with cleaned keys
	pagesFolded   map[string]string  // lower-cased key -> key, built on first use
	headingSlugs  map[ast.Node]string
	anchors       map[string]bool // every anchor the page defines
	fragmentLinks []fragmentLink  // same-page #links, checked at the end
	dropHeading   ast.Node        // the title heading left out, if any
	markup        int             // elements prepare saw, for the output's size
	firstHeading  string

	images        []LocalImage
	imageIndex    map[string]int    // path -> index in images
	hashedImages  map[string]bool   // paths whose file name gets a hash
	filenameOwner map[string]string // file name -> first path given it
	collisions    map[string]bool   // paths whose file name clashed

	warnings []MarkdownWarning

	scratch *storageBuffer // for escapedText
	codeBuf []byte         // for codeMacro

	mdx       bool // the source is an MDX file (markdown_mdx.go)
	jsxWarned bool // a JSX component was warned about

	itemLists [][]htmlItem // withRawHTMLFrom's item list of each level
	htmlDepth int          // withRawHTMLFrom calls under way
	tokens    []htmlToken  // slab newToken allocates from
}

// storageBuffer is the one growing buffer the storage format is written
// into. It is the util.BufWriter goldmark's text writer needs, without the
// extra copy a bufio.Writer over a bytes.Buffer makes, and String does not
// copy.
type storageBuffer struct{ strings.Builder }

func (b *storageBuffer) Available() int { return b.Cap() - b.Len() }
func (b *storageBuffer) Buffered() int  { return b.Len() }
func (b *storageBuffer) Flush() error   { return nil }

// fragmentLink is a same-page link to an anchor, checked once every anchor
// (headings, footnotes, HTML anchors) is known.
type fragmentLink struct {
	anchor string
	line   int
}

// newStorageRenderer returns a renderer for source, whose text is also
// given as a string to save a copy.
func newStorageRenderer(source []byte, text string, opts MarkdownOptions) *storageRenderer {
	r := &storageRenderer{
		source:        source,
		text:          text,
		opts:          opts,
		mdx:           isMDX(opts.SourcePath),
		headingSlugs:  map[ast.Node]string{},
		skipText:      map[*ast.Text]int{},
		anchors:       map[string]bool{},
		imageIndex:    map[string]int{},
		filenameOwner: map[string]string{},
		collisions:    map[string]bool{},
	}
	r.lineStarts = make([]int, 1, bytes.Count(source, []byte("\n"))+1)
	for i, c := range source {
		if c == '\n' {
			r.lineStarts = append(r.lineStarts, i+1)
		}
	}
	if opts.Pages != nil {
		r.pages = make(map[string]PageRef, len(opts.Pages))
		for k, v := range opts.Pages {
			r.pages[cleanSourcePath(k)] = v
		}
	}
	return r
}

// render writes the document and returns the storage format, not yet
// canonical. hashed names image paths whose file name gets a hash suffix.
func (r *storageRenderer) render(doc ast.Node, hashed map[string]bool) string {
	r.hashedImages = hashed
	r.prepare(doc)
	r.w = &storageBuffer{}
	// Storage is the Markdown's text plus tags: from 9 bytes per element
	// for prose to 24 where markup is dense (macros, links, images). A
	// buffer that is big enough at once is not copied as it grows.
	r.w.Grow(len(r.source) + 32*r.markup)
	if r.opts.TableOfContents && !r.hasTOCMarker(doc) {
		r.str(tocMacro)
	}
	r.block(doc)
	return r.w.String()
}

func (r *storageRenderer) str(s string) { _, _ = r.w.WriteString(s) }

// warn records a warning about line.
func (r *storageRenderer) warn(line int, format string, args ...any) {
	r.warnings = append(r.warnings, MarkdownWarning{Line: line, Message: fmt.Sprintf(format, args...)})
}

// finishWarnings checks the same-page links against the anchors and
// returns every warning in line order.
func (r *storageRenderer) finishWarnings() []MarkdownWarning {
	for _, l := range r.fragmentLinks {
		if !r.anchors[l.anchor] {
			r.warn(l.line, "the link to #%s points at no heading or anchor on this page", l.anchor)
		}
	}
	sort.SliceStable(r.warnings, func(i, j int) bool { return r.warnings[i].Line < r.warnings[j].Line })
	return r.warnings
}

// lineAt returns the 1-based line of byte offset.
func (r *storageRenderer) lineAt(offset int) int {
	return r.lineOffset + sort.Search(len(r.lineStarts), func(i int) bool { return r.lineStarts[i] > offset })
}

// lineOf returns the line a node starts on, as near as the AST knows.
func (r *storageRenderer) lineOf(n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if offset, ok := r.firstOffset(n); ok {
			return r.lineAt(offset)
		}
	}
	return 1
}

// firstOffset finds the first source offset inside n.
func (r *storageRenderer) firstOffset(n ast.Node) (int, bool) {
	switch n := n.(type) {
	case *ast.Text:
		return n.Segment.Start, true
	case *ast.RawHTML:
		if n.Segments.Len() > 0 {
			return n.Segments.At(0).Start, true
		}
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start, true
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if offset, ok := r.firstOffset(c); ok {
			return offset, true
		}
	}
	return 0, false
}

// prepare walks the document once before rendering: it names every
// heading's anchor (GitHub's rules, numbered when repeated), finds the title
// heading to drop, the attribute lists after links and images, and the
// anchors the page links to itself.
func (r *storageRenderer) prepare(doc ast.Node) {
	seen := map[string]int{}
	linked := map[string]bool{}
	scanHTML := func(raw []byte) {
		for rest := raw; ; {
			i := bytes.Index(rest, []byte(`href="#`))
			if i < 0 {
				return
			}
			rest = rest[i+len(`href="#`):]
			if end := bytes.IndexByte(rest, '"'); end >= 0 {
				_, fragment := splitDestination("#" + string(rest[:end]))
				for _, anchor := range anchorForms(fragment) {
					linked[anchor] = true
				}
			}
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if _, isText := n.(*ast.Text); !isText {
			r.markup++
		}
		switch n := n.(type) {
		case *ast.Heading:
			r.prepareHeading(doc, n, seen)
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if dest := string(n.Destination); strings.HasPrefix(dest, "#") {
				_, fragment := splitDestination(dest)
				for _, anchor := range anchorForms(fragment) {
					linked[anchor] = true
				}
			}
			r.prepareAttributeList(n)
		case *ast.Image:
			r.prepareAttributeList(n)
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				scanHTML(seg.Value(r.source))
			}
		case *ast.HTMLBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				scanHTML(seg.Value(r.source))
			}
		case *ast.Text, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.CodeSpan:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if r.opts.SourcePath == "" && r.opts.Pages == nil {
		// A page on its own: only the headings it links to get an anchor,
		// so pages without such links render as before anchors existed
		// and an upgrade rewrites none of them.
		for h, slug := range r.headingSlugs {
			if !linked[slug] && !linked[strings.ToLower(slug)] {
				delete(r.headingSlugs, h)
			}
		}
	}
}

func (r *storageRenderer) prepareHeading(doc ast.Node, h *ast.Heading, seen map[string]int) {
	plain := r.plainText(h)
	if h.Level == 1 && r.firstHeading == "" && h.Parent() == doc {
		r.firstHeading = strings.TrimSpace(plain)
		if r.opts.DropTitleHeading && r.dropHeading == nil && r.firstHeading == strings.TrimSpace(r.opts.Title) && r.firstHeading != "" {
			r.dropHeading = h
			return
		}
	}
	slug := ""
	if id, ok := h.AttributeString("id"); ok {
		if b, isBytes := id.([]byte); isBytes {
			slug = string(b)
		}
	}
	if slug == "" {
		slug = githubSlug(plain)
		if slug == "" {
			return
		}
		if count, dup := seen[slug]; dup {
			seen[slug] = count + 1
			slug = slug + "-" + strconv.Itoa(count+1)
		}
	}
	seen[slug] = max(seen[slug], 0)
	r.headingSlugs[h] = slug
	r.anchors[slug] = true
}

// plainText returns the text under n without markup, unescaped.
func (r *storageRenderer) plainText(n ast.Node) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(r.source))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.RawHTML:
				// Tags are not text.
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// anchorMacro writes the anchor macro
// (https://confluence.atlassian.com/doc/anchor-macro-182682083.html), whose
// unnamed default parameter is the anchor's name.
func (r *storageRenderer) anchorMacro(name string) {
	r.anchors[name] = true
	r.str(`<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">`)
	r.escaped(name)
	r.str(`</ac:parameter></ac:structured-macro>`)
}

// escaped writes s as character data or an attribute value, escaped as
// util.EscapeHTML does, without converting s to bytes.
func (r *storageRenderer) escaped(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		if esc := util.EscapeHTMLByte(s[i]); esc != nil {
			r.w.WriteString(s[start:i])
			r.w.Write(esc)
			start = i + 1
		}
	}
	r.w.WriteString(s[start:])
}

// escapedBytes writes b escaped (util.EscapeHTML without its copy).
func (r *storageRenderer) escapedBytes(b []byte) {
	start := 0
	for i := 0; i < len(b); i++ {
		if esc := util.EscapeHTMLByte(b[i]); esc != nil {
			r.w.Write(b[start:i])
			r.w.Write(esc)
			start = i + 1
		}
	}
	r.w.Write(b[start:])
}

func (r *storageRenderer) blockChildren(n ast.Node) {
	r.withRawHTML(n, true, r.block)
}

func (r *storageRenderer) inlineChildren(n ast.Node) {
	r.withRawHTML(n, false, r.inline)
}

func (r *storageRenderer) block(n ast.Node) {
	if n.Attributes() != nil && n.Kind() != ast.KindParagraph && n.Kind() != ast.KindListItem {
		// An id a block attribute list gave a code block, list or table.
		if id := kramdownID(n); id != "" {
			r.anchorMacro(id)
		}
	}
	switch n := n.(type) {
	case *ast.Document:
		r.blockChildren(n)
	case *ast.Paragraph:
		if r.isESMParagraph(n) {
			return
		}
		if r.isTOCMarker(n) {
			r.str(tocMacro)
			return
		}
		if isKramdownAnchorOnly(n) {
			r.anchorMacro(kramdownID(n))
			return
		}
		r.str("<p>")
		if id := kramdownID(n); id != "" {
			r.anchorMacro(id)
		}
		r.inlineChildren(n)
		r.str("</p>")
	case *ast.TextBlock: // a paragraph in a tight list item
		r.inlineChildren(n)
	case *ast.Heading:
		r.heading(n)
	case *ast.ThematicBreak:
		r.str("<hr />")
	case *ast.FencedCodeBlock:
		var info []byte
		if n.Info != nil {
			info = n.Info.Segment.Value(r.source)
		}
		r.codeMacro(info, n.Lines())
	case *ast.CodeBlock:
		r.codeMacro(nil, n.Lines())
	case *ast.Blockquote:
		r.blockquote(n)
	case *ast.List:
		r.list(n)
	case *ast.ListItem:
		r.str("<li>")
		if id := kramdownID(n); id != "" {
			r.anchorMacro(id)
		}
		r.blockChildren(n)
		r.str("</li>")
	case *extast.Table:
		r.str("<table><tbody>")
		r.blockChildren(n)
		r.str("</tbody></table>")
	case *extast.TableHeader:
		r.tableRow(n, "th")
	case *extast.TableRow:
		r.tableRow(n, "td")
	case *extast.DefinitionList:
		r.str("<dl>")
		r.blockChildren(n)
		r.str("</dl>")
	case *extast.DefinitionTerm:
		r.str("<dt>")
		r.inlineChildren(n)
		r.str("</dt>")
	case *extast.DefinitionDescription:
		r.str("<dd>")
		r.blockChildren(n)
		r.str("</dd>")
	case *extast.FootnoteList:
		r.footnoteList(n)
	case *admonition:
		r.admonition(n)
	default:
		// Block kinds of extensions not enabled here; keep their content.
		r.blockChildren(n)
	}
}

func (r *storageRenderer) heading(n *ast.Heading) {
	if ast.Node(n) == r.dropHeading {
		return
	}
	level := strconv.Itoa(min(max(n.Level, 1), 6))
	r.str("<h")
	r.str(level)
	r.str(">")
	if slug, ok := r.headingSlugs[n]; ok {
		r.anchorMacro(slug)
	}
	r.inlineChildren(n)
	r.str("</h")
	r.str(level)
	r.str(">")
}

// isTOCMarker reports whether paragraph p is only a table of contents
// marker (or a kramdown {:toc} line, see markdown_kramdown.go).
func (r *storageRenderer) isTOCMarker(p *ast.Paragraph) bool {
	if isKramdownTOC(p) {
		return true
	}
	if p.Lines().Len() != 1 {
		return false
	}
	line := p.Lines().At(0)
	// The map index converts the bytes without a copy.
	return tocMarkers[string(bytes.TrimSpace(line.Value(r.source)))]
}

func (r *storageRenderer) hasTOCMarker(doc ast.Node) bool {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if p, ok := c.(*ast.Paragraph); ok && r.isTOCMarker(p) || isKramdownTOC(c) {
			return true
		}
	}
	return false
}

func (r *storageRenderer) tableRow(row ast.Node, cell string) {
	r.str("<tr>")
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		r.str("<")
		r.str(cell)
		r.str(">")
		r.inlineChildren(c)
		r.str("</")
		r.str(cell)
		r.str(">")
	}
	r.str("</tr>")
}

// codeMacro writes the code block macro
// (https://confluence.atlassian.com/doc/code-block-macro-139390.html).
func (r *storageRenderer) codeMacro(info []byte, lines *text.Segments) {
	fence := parseFenceInfo(string(info))
	r.str(`<ac:structured-macro ac:name="code">`)
	if fence.language != "" {
		r.str(`<ac:parameter ac:name="language">`)
		r.str(fence.language)
		r.str("</ac:parameter>")
	}
	if fence.title != "" {
		r.str(`<ac:parameter ac:name="title">`)
		r.escaped(fence.title)
		r.str("</ac:parameter>")
	}
	// The code goes through a scratch buffer: the last line ending is left
	// out, and "]]>" may only be split once the whole text is known.
	code := r.codeBuf[:0]
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code = append(code, seg.Value(r.source)...)
	}
	r.codeBuf = code
	r.str("<ac:plain-text-body>")
	writeCDATABytes(r.w, bytes.TrimSuffix(code, []byte("\n")))
	r.str("</ac:plain-text-body></ac:structured-macro>")
}

// writeCDATABytes is writeCDATA (canonical.go) for bytes.
func writeCDATABytes(w *storageBuffer, b []byte) {
	w.WriteString("<![CDATA[")
	for {
		i := bytes.Index(b, []byte("]]>"))
		if i < 0 {
			break
		}
		w.Write(b[:i])
		w.WriteString("]]]]><![CDATA[>")
		b = b[i+3:]
	}
	w.Write(b)
	w.WriteString("]]>")
}

func (r *storageRenderer) blockquote(n *ast.Blockquote) {
	first, ok := n.FirstChild().(*ast.Paragraph)
	if ok && first.Lines().Len() > 0 {
		markerLine := first.Lines().At(0)
		// Every marker starts "[!", which no upper-casing produces: only
		// such lines are copied and looked up.
		if marker := bytes.TrimSpace(markerLine.Value(r.source)); bytes.HasPrefix(marker, []byte("[!")) {
			if macro, isAlert := alertMacros[strings.ToUpper(string(marker))]; isAlert {
				r.alert(macro, first)
				return
			}
		}
	}
	r.str("<blockquote>")
	r.blockChildren(n)
	r.str("</blockquote>")
}

// alert writes a panel macro for a block quote whose first paragraph starts
// with an alert marker line.
func (r *storageRenderer) alert(macro string, first *ast.Paragraph) {
	r.str(`<ac:structured-macro ac:name="`)
	r.str(macro)
	r.str(`"><ac:rich-text-body>`)
	markerEnd := first.Lines().At(0).Stop
	rest := first.FirstChild()
	for rest != nil {
		t, isText := rest.(*ast.Text)
		if !isText || t.Segment.Start >= markerEnd {
			break
		}
		rest = rest.NextSibling()
	}
	if rest != nil {
		// The rest of the paragraph, as its own sibling list so raw HTML in
		// it pairs as usual.
		r.str("<p>")
		r.withRawHTMLFrom(rest, false, r.inline)
		r.str("</p>")
	}
	r.withRawHTMLFrom(first.NextSibling(), true, r.block)
	r.str("</ac:rich-text-body></ac:structured-macro>")
}

func (r *storageRenderer) list(n *ast.List) {
	if isKramdownTOC(n) {
		r.str(tocMacro)
		return
	}
	if isTaskList(n) {
		r.taskList(n)
		return
	}
	tag := "ul"
	if n.IsOrdered() {
		tag = "ol"
	}
	r.str("<")
	r.str(tag)
	if n.IsOrdered() && n.Start != 1 {
		r.str(` start="`)
		r.str(strconv.Itoa(n.Start))
		r.str(`"`)
	}
	r.str(">")
	r.blockChildren(n)
	r.str("</")
	r.str(tag)
	r.str(">")
}

// taskCheckBox returns the GFM task box starting list item item, if any.
func taskCheckBox(item ast.Node) *extast.TaskCheckBox {
	if first := item.FirstChild(); first != nil {
		if box, ok := first.FirstChild().(*extast.TaskCheckBox); ok {
			return box
		}
	}
	return nil
}

func isTaskList(n *ast.List) bool {
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		if taskCheckBox(item) == nil {
			return false
		}
	}
	return n.FirstChild() != nil
}

func (r *storageRenderer) taskList(n *ast.List) {
	r.str("<ac:task-list>")
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		status := "incomplete"
		if taskCheckBox(item).IsChecked {
			status = "complete"
		}
		r.str("<ac:task><ac:task-status>")
		r.str(status)
		r.str("</ac:task-status><ac:task-body>")
		// The first block's text (after the box) is the task's text; any
		// further blocks (a nested list, more paragraphs) follow it.
		first := item.FirstChild()
		r.withRawHTMLFrom(first.FirstChild().NextSibling(), false, r.inline)
		r.withRawHTMLFrom(first.NextSibling(), true, r.block)
		r.str("</ac:task-body></ac:task>")
	}
	r.str("</ac:task-list>")
}

// Footnotes have no macro in storage format: a reference is a superscript
// link to an anchor in a numbered list at the end of the page, and each
// note links back to its first reference, as GitHub renders them.

func footnoteAnchor(index int) string { return "fn-" + strconv.Itoa(index) }

func footnoteRefAnchor(index, ref int) string {
	if ref == 0 {
		return "fnref-" + strconv.Itoa(index)
	}
	return "fnref-" + strconv.Itoa(index) + "-" + strconv.Itoa(ref)
}

func (r *storageRenderer) footnoteList(n *extast.FootnoteList) {
	r.str("<hr /><ol>")
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		fn, ok := c.(*extast.Footnote)
		if !ok {
			continue
		}
		r.str("<li>")
		r.anchorMacro(footnoteAnchor(fn.Index))
		r.blockChildren(fn)
		r.str("</li>")
	}
	r.str("</ol>")
}

func (r *storageRenderer) inline(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		value := n.Segment.Value(r.source)
		if len(r.skipText) > 0 {
			value = value[min(r.skipText[n], len(value)):]
		}
		if n.IsRaw() {
			html.DefaultWriter.RawWrite(r.w, value)
		} else {
			html.DefaultWriter.Write(r.w, value)
		}
		switch {
		case n.HardLineBreak():
			r.str("<br />")
		case n.SoftLineBreak():
			r.str("\n")
		}
	case *ast.String:
		if n.IsRaw() || n.IsCode() {
			html.DefaultWriter.RawWrite(r.w, n.Value)
		} else {
			html.DefaultWriter.Write(r.w, n.Value)
		}
	case *ast.CodeSpan:
		r.str("<code>")
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				// Line endings inside a code span are spaces (CommonMark).
				value := t.Segment.Value(r.source)
				for {
					nl := bytes.IndexByte(value, '\n')
					if nl < 0 {
						break
					}
					html.DefaultWriter.RawWrite(r.w, value[:nl])
					_ = r.w.WriteByte(' ')
					value = value[nl+1:]
				}
				html.DefaultWriter.RawWrite(r.w, value)
			} else {
				r.inline(c)
			}
		}
		r.str("</code>")
	case *ast.Emphasis:
		tag := "em"
		if n.Level >= 2 {
			tag = "strong"
		}
		r.str("<")
		r.str(tag)
		r.str(">")
		r.inlineChildren(n)
		r.str("</")
		r.str(tag)
		r.str(">")
	case *extast.Strikethrough:
		r.str("<del>")
		r.inlineChildren(n)
		r.str("</del>")
	case *ast.Link:
		r.link(n)
	case *ast.AutoLink:
		r.autoLink(n)
	case *ast.Image:
		r.image(n)
	case *extast.TaskCheckBox: // in a list that is not a task list
		if n.IsChecked {
			r.str("[x] ")
		} else {
			r.str("[ ] ")
		}
	case *extast.FootnoteLink:
		r.anchorMacro(footnoteRefAnchor(n.Index, n.RefIndex))
		r.str("<sup>")
		r.anchorLinkStart(footnoteAnchor(n.Index))
		r.plainLinkBody(strconv.Itoa(n.Index))
		r.str("</ac:link></sup>")
	case *extast.FootnoteBacklink:
		r.str(" ")
		r.anchorLinkStart(footnoteRefAnchor(n.Index, n.RefIndex))
		r.plainLinkBody("\u21a9")
		r.str("</ac:link>")
	default:
		// RawHTML outside a sibling list walk cannot happen; other inline
		// kinds keep their content.
		r.inlineChildren(n)
	}
}

// safeURL returns the URL-escaped destination, or "" when it could run code
// in the reader's browser.
func safeURL(destination []byte) []byte {
	dest := util.URLEscape(destination, true)
	if isDangerousURL(dest) {
		return nil
	}
	return dest
}

// isDangerousURL is html.IsDangerousURL, which lower-cases (so copies) the
// start of every URL it is given, called only when the URL may start with
// one of the prefixes it looks for (data:, file:, javascript:, vbscript:).
func isDangerousURL(url []byte) bool {
	if len(url) == 0 {
		return false
	}
	switch c := url[0]; {
	case c >= utf8.RuneSelf:
	case c|0x20 == 'd', c|0x20 == 'f', c|0x20 == 'j', c|0x20 == 'v':
	default:
		return false
	}
	return html.IsDangerousURL(url)
}

func (r *storageRenderer) autoLink(n *ast.AutoLink) {
	url := n.URL(r.source)
	label := n.Label(r.source)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
		url = append([]byte("mailto:"), url...)
	}
	url = util.URLEscape(url, false)
	if isDangerousURL(url) {
		r.escapedBytes(label)
		return
	}
	r.str(`<a href="`)
	r.escapedBytes(url)
	r.str(`">`)
	r.escapedBytes(label)
	r.str("</a>")
}

// escapedText returns the text under n (an image's alt text), escaped,
// without markup.
func (r *storageRenderer) escapedText(n ast.Node) string {
	if r.scratch == nil {
		r.scratch = &storageBuffer{}
	}
	r.scratch.Reset()
	w := r.scratch
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				html.DefaultWriter.Write(w, c.Segment.Value(r.source))
				if c.SoftLineBreak() || c.HardLineBreak() {
					_ = w.WriteByte(' ')
				}
			case *ast.String:
				html.DefaultWriter.Write(w, c.Value)
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return w.String()
}
