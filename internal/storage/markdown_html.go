// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// Raw HTML in Markdown: goldmark hands it over as HTML blocks (whole lines)
// and inline raw HTML (one tag or comment each). The tags of one sibling
// list (the blocks of a document or list item, the inlines of a paragraph)
// are tokenised with the HTML5 tokenizer and paired there, so an element
// opened in one HTML block and closed in a later one may wrap the Markdown
// between them (<div align="center"> … </div>), and every element written
// is closed exactly once, at the same depth: the output stays well-formed
// whatever the input.
//
// What is written (the HTML storage format holds, "Confluence Storage
// Format", https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html):
//   - comments: nothing;
//   - elements of htmlRules: kept (b and i as strong and em, kbd as code, …)
//     with only the attributes storage uses; layout wrappers (center,
//     details, figure, …) are left out with their content kept; <img> is an
//     ac:image and <a> a link as Markdown's are;
//   - an element never closed, or a closing tag never opened: left out,
//     with a warning;
//   - anything else (script, style, iframe, forms, svg, custom and ac:/ri:
//     elements, processing instructions, CDATA): escaped text, with a
//     warning. Markdown therefore cannot inject Confluence macros.

// htmlRuleKind says what happens to an element.
type htmlRuleKind uint8

const (
	htmlEscape htmlRuleKind = iota // not storable: shown as text, warned
	htmlKeep                       // written as storage XHTML
	htmlUnwrap                     // tags left out, content kept
	htmlDrop                       // void element left out silently
	htmlImage                      // <img>: ac:image
	htmlLink                       // <a>: a link or an anchor
)

type htmlRule struct {
	kind   htmlRuleKind
	as     string   // element written instead, e.g. "strong" for b
	inline bool     // allowed inside running text
	void   bool     // has no content and no closing tag
	attrs  []string // attributes kept
}

var htmlRules = func() map[string]htmlRule {
	rules := map[string]htmlRule{}
	block := func(kind htmlRuleKind, names ...string) {
		for _, n := range names {
			rules[n] = htmlRule{kind: kind}
		}
	}
	inline := func(as string, names ...string) {
		for _, n := range names {
			rules[n] = htmlRule{kind: htmlKeep, as: as, inline: true}
		}
	}
	block(htmlKeep, "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul",
		"li", "table", "thead", "tbody", "tfoot", "tr", "caption", "dl", "dt", "dd")
	rules["ol"] = htmlRule{kind: htmlKeep, attrs: []string{"start"}}
	rules["th"] = htmlRule{kind: htmlKeep, attrs: []string{"colspan", "rowspan"}}
	rules["td"] = htmlRule{kind: htmlKeep, attrs: []string{"colspan", "rowspan"}}
	rules["colgroup"] = htmlRule{kind: htmlKeep, attrs: []string{"span"}}
	rules["col"] = htmlRule{kind: htmlKeep, void: true, attrs: []string{"span"}}
	rules["hr"] = htmlRule{kind: htmlKeep, void: true}
	rules["br"] = htmlRule{kind: htmlKeep, void: true, inline: true}
	inline("", "strong", "em", "u", "s", "del", "sub", "sup", "code", "span")
	inline("strong", "b")
	inline("em", "i", "var", "cite", "dfn")
	inline("code", "kbd", "tt", "samp")
	inline("u", "ins")
	inline("s", "strike")
	for _, n := range []string{"center", "font", "section", "article", "nav", "figure", "figcaption",
		"picture", "main", "header", "footer", "aside", "small", "big", "abbr", "mark", "address",
		"details", "label", "time", "bdi", "bdo", "data", "q", "nobr"} {
		rules[n] = htmlRule{kind: htmlUnwrap, inline: true}
	}
	// A <details> summary reads as a bold line.
	rules["summary"] = htmlRule{kind: htmlKeep, as: "strong", inline: true}
	for _, n := range []string{"wbr", "source", "track", "meta", "link", "base", "area", "param"} {
		rules[n] = htmlRule{kind: htmlDrop, void: true, inline: true}
	}
	rules["img"] = htmlRule{kind: htmlImage, void: true, inline: true}
	rules["a"] = htmlRule{kind: htmlLink, inline: true}
	return rules
}()

// htmlRuleFor returns the rule for element name in running text (inline)
// or between blocks. Block elements in running text are left out, content
// kept: storage cannot nest a <p> in a <p>.
func htmlRuleFor(name string, inline bool) htmlRule {
	rule, ok := htmlRules[name]
	if !ok {
		return htmlRule{kind: htmlEscape}
	}
	if inline && !rule.inline && rule.kind == htmlKeep {
		if rule.void {
			return htmlRule{kind: htmlDrop, void: true}
		}
		return htmlRule{kind: htmlUnwrap}
	}
	return rule
}

// impliedEndTags returns the open elements a start tag of name closes in
// HTML (the "optional end tags" of the HTML standard), or nil.
func impliedEndTags(name string) map[string]bool {
	switch name {
	case "li":
		return liCloses
	case "dt", "dd":
		return ddCloses
	case "tr":
		return trCloses
	case "td", "th":
		return tdCloses
	}
	if rule, ok := htmlRules[name]; ok && !rule.inline {
		return pCloses
	}
	return nil
}

var (
	liCloses = setOf("li", "p")
	ddCloses = setOf("dt", "dd", "p")
	trCloses = setOf("tr", "td", "th")
	tdCloses = setOf("td", "th")
	pCloses  = setOf("p")
)

// optionalEndTags may be left unclosed in HTML; a closing tag of an
// enclosing element closes them.
var optionalEndTags = setOf("p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption")

type htmlAction uint8

const (
	actionNone     htmlAction = iota // write nothing
	actionText                       // write the decoded text, escaped
	actionEscape                     // write the token as typed, escaped
	actionOpen                       // start tag of a paired element
	actionClose                      // end tag of a paired element
	actionVoid                       // element without content
	actionUnpaired                   // start or end tag without partner: warned, left out
)

// htmlToken is one token of raw HTML.
type htmlToken struct {
	typ     html.TokenType
	name    string
	attrs   []html.Attribute
	raw     string
	text    string
	line    int
	action  htmlAction
	partner int      // for actionClose: index of its start tag's item
	closing string   // for actionOpen: what closes the element, set when written
	rule    htmlRule // for tags
}

// htmlItem is a Markdown node or a raw HTML token of a sibling list.
type htmlItem struct {
	node       ast.Node
	tok        *htmlToken
	closes     []int // start tags implicitly closed just before this item
	blockStart bool  // first token of an HTML block
}

// withRawHTML renders the children of n with render, pairing the raw HTML
// among them.
func (r *storageRenderer) withRawHTML(n ast.Node, block bool, render func(ast.Node)) {
	r.withRawHTMLFrom(n.FirstChild(), block, render)
}

// withRawHTMLFrom renders first and its next siblings.
func (r *storageRenderer) withRawHTMLFrom(first ast.Node, block bool, render func(ast.Node)) {
	hasHTML, siblings := false, 0
	for c := first; c != nil; c = c.NextSibling() {
		switch c.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
			hasHTML = true
		}
		siblings++
	}
	if !hasHTML {
		for c := first; c != nil; c = c.NextSibling() {
			render(c)
		}
		return
	}
	// The item list of each nesting level is reused from call to call:
	// most sibling lists are short, and a page has thousands of them.
	depth := r.htmlDepth
	if depth == len(r.itemLists) {
		r.itemLists = append(r.itemLists, nil)
	}
	items := r.itemLists[depth][:0]
	if cap(items) < 2*siblings {
		// Room for the nodes and the tokens of the HTML among them.
		items = make([]htmlItem, 0, 2*siblings)
	}
	for c := first; c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.HTMLBlock:
			var closure *gmtext.Segment
			if c.HasClosure() {
				closure = &c.ClosureLine
			}
			start := len(items)
			items = r.appendHTMLTokens(items, r.segmentsText(c.Lines(), closure), r.lineOf(c))
			if start < len(items) {
				// Separate HTML blocks are separate paragraphs.
				items[start].blockStart = true
			}
		case *ast.RawHTML:
			raw := r.segmentsText(c.Segments, nil)
			if tok, ok := parseInlineTag(raw); ok {
				tok.line = r.lineOf(c)
				items = append(items, htmlItem{tok: r.newToken(tok)})
			} else {
				items = r.appendHTMLTokens(items, raw, r.lineOf(c))
			}
		default:
			items = append(items, htmlItem{node: c})
		}
	}
	r.itemLists[depth] = items
	r.htmlDepth++
	defer func() { r.htmlDepth-- }()
	trailing := r.pairHTML(items, !block)
	w := htmlEmitter{r: r, items: items, block: block, markdownOpen: map[int]bool{}}
	for i := range items {
		item := &items[i]
		for _, start := range item.closes {
			w.close(start)
		}
		if item.node != nil || item.blockStart {
			w.beforeBlock()
		}
		if item.node != nil {
			render(item.node)
			continue
		}
		w.token(i, item.tok)
	}
	w.endParagraph()
	for _, start := range trailing {
		w.close(start)
	}
}

// segmentsText returns the source text of segs followed by closure (if not
// nil): a slice of the source when they are contiguous, as they are outside
// block quotes and list items.
func (r *storageRenderer) segmentsText(segs *gmtext.Segments, closure *gmtext.Segment) string {
	n := segs.Len()
	contiguous := true
	for i := 0; i < n && contiguous; i++ {
		seg := segs.At(i)
		contiguous = plainSegment(seg) && (i == 0 || segs.At(i-1).Stop == seg.Start)
	}
	if closure != nil && n > 0 {
		contiguous = contiguous && plainSegment(*closure) && segs.At(n-1).Stop == closure.Start
	}
	if contiguous && n > 0 {
		stop := segs.At(n - 1).Stop
		if closure != nil {
			stop = closure.Stop
		}
		return r.text[segs.At(0).Start:stop]
	}
	var raw strings.Builder
	for i := 0; i < n; i++ {
		seg := segs.At(i)
		raw.Write(seg.Value(r.source))
	}
	if closure != nil {
		raw.Write(closure.Value(r.source))
	}
	return raw.String()
}

// plainSegment reports whether seg.Value is exactly its bytes of the
// source: no padding for a tab, no line ending added.
func plainSegment(seg gmtext.Segment) bool { return seg.Padding == 0 && !seg.ForceNewline }

// newToken returns a copy of t allocated from a slab, as tokens are many
// and small.
func (r *storageRenderer) newToken(t htmlToken) *htmlToken {
	if len(r.tokens) == cap(r.tokens) {
		r.tokens = make([]htmlToken, 0, 64)
	}
	r.tokens = append(r.tokens, t)
	return &r.tokens[len(r.tokens)-1]
}

// htmlEmitter writes the items of one sibling list. Between blocks it puts
// running text and inline elements that raw HTML leaves there into a
// paragraph of their own, as a browser shows them, so the page's top level
// holds blocks only.
type htmlEmitter struct {
	r      *storageRenderer
	items  []htmlItem
	block  bool
	depth  int  // elements written and open
	inP    bool // a paragraph this emitter opened is open
	pDepth int  // depth at which it was opened

	// markdownDepth counts open elements with a markdown attribute
	// (Python-Markdown's md_in_html, used by MkDocs: <div markdown>), whose
	// text is Markdown.
	markdownDepth int
	markdownOpen  map[int]bool

	// bodies are the depths at which the body of a macro written for an
	// element (<details>) is open: blocks go there as at the top.
	bodies map[int]bool
}

// betweenBlocks reports whether what is written next goes between blocks,
// where running text needs a paragraph of its own.
func (w *htmlEmitter) betweenBlocks() bool {
	return w.block && (w.depth == 0 || w.bodies[w.depth])
}

func (w *htmlEmitter) beforeInline() {
	if !w.inP && w.betweenBlocks() {
		w.r.str("<p>")
		w.inP, w.pDepth = true, w.depth
	}
}

func (w *htmlEmitter) beforeBlock() {
	if w.inP && w.depth == w.pDepth {
		w.endParagraph()
	}
}

func (w *htmlEmitter) endParagraph() {
	if w.inP {
		w.r.str("</p>")
		w.inP = false
	}
}

// close writes the end of the element whose start tag is items[start].
func (w *htmlEmitter) close(start int) {
	t := w.items[start].tok
	if w.markdownOpen[start] {
		w.markdownDepth--
		delete(w.markdownOpen, start)
	}
	if t.closing == "" {
		return
	}
	w.beforeBlock()
	w.r.str(t.closing)
	delete(w.bodies, w.depth)
	w.depth--
}

func (w *htmlEmitter) token(i int, t *htmlToken) {
	r := w.r
	switch t.action {
	case actionText:
		if strings.Trim(t.text, xmlSpace) == "" {
			if !w.betweenBlocks() {
				r.escaped(t.text)
			}
			return
		}
		if w.block && w.markdownDepth > 0 {
			w.beforeBlock()
			r.markdownFragment(t.raw, t.line)
			return
		}
		w.beforeInline()
		r.escaped(t.text)
	case actionEscape:
		w.beforeInline()
		r.escaped(t.raw)
	case actionOpen:
		switch {
		case t.name == "details" && w.betweenBlocks():
			w.beforeBlock()
			w.details(i)
		case t.rule.kind == htmlUnwrap: // writes nothing
		case t.rule.inline:
			w.beforeInline()
		default:
			w.beforeBlock()
		}
		if t.closing == "" {
			t.closing = r.openHTMLElement(t)
			if t.closing != "" {
				w.depth++
			}
		}
		if v, ok := t.attr("markdown"); ok && v != "0" {
			w.markdownOpen[i] = true
			w.markdownDepth++
		}
	case actionClose:
		w.close(t.partner)
	case actionVoid:
		if t.rule.kind == htmlDrop {
			return
		}
		if t.rule.inline {
			w.beforeInline()
		} else {
			w.beforeBlock()
		}
		r.voidHTMLElement(t)
	}
}

// details writes <details>, whose start tag is items[i], as the expand
// macro (https://confluence.atlassian.com/doc/expand-macro-223222352.html),
// the text of its <summary> as the macro's title: both show a title that
// opens to the content. Only between blocks, where a macro may stand.
func (w *htmlEmitter) details(i int) {
	t := w.items[i].tok
	if id := htmlID(t); id != "" {
		w.r.anchorMacro(id)
	}
	w.r.str(`<ac:structured-macro ac:name="expand">`)
	w.r.titleParameter(w.takeSummary(i + 1))
	w.r.str(`<ac:rich-text-body>`)
	t.closing = `</ac:rich-text-body></ac:structured-macro>`
	w.depth++
	if w.bodies == nil {
		w.bodies = map[int]bool{}
	}
	w.bodies[w.depth] = true
}

// takeSummary returns the plain text of the <summary> element that starts
// the items from first on (after white space), HTML or Markdown, and marks
// its items as written. It returns "" when there is none.
func (w *htmlEmitter) takeSummary(first int) string {
	start := first
	for start < len(w.items) && w.items[start].tok != nil && w.items[start].tok.typ == html.TextToken &&
		strings.Trim(w.items[start].tok.text, xmlSpace) == "" {
		start++
	}
	if start == len(w.items) || w.items[start].tok == nil || w.items[start].tok.name != "summary" ||
		w.items[start].tok.action != actionOpen {
		return ""
	}
	end := start + 1
	for ; end < len(w.items); end++ {
		if tok := w.items[end].tok; tok != nil && tok.action == actionClose && tok.partner == start {
			break
		}
	}
	if end == len(w.items) {
		return ""
	}
	var title strings.Builder
	for j := start; j <= end; j++ {
		item := &w.items[j]
		if item.node != nil {
			// <summary>, a blank line, **Markdown**: its text.
			title.WriteString(" " + w.r.plainText(item.node) + " ")
			item.node, item.tok, item.blockStart = nil, &htmlToken{action: actionNone}, false
			continue
		}
		if item.tok.typ == html.TextToken {
			title.WriteString(item.tok.text)
		}
		item.tok.action = actionNone
	}
	return strings.Join(strings.Fields(title.String()), " ")
}

// appendHTMLTokens tokenises raw, which starts on line, the way an HTML
// tokenizer does for what Markdown holds (text, tags, comments, raw text of
// script and style), without its per-call buffers. Anything that is not a
// tag is text.
func (r *storageRenderer) appendHTMLTokens(items []htmlItem, raw string, line int) []htmlItem {
	add := func(t htmlToken) {
		t.line = line
		items = append(items, htmlItem{tok: r.newToken(t)})
		line += strings.Count(t.raw, "\n")
	}
	text := func(s string) htmlToken {
		return htmlToken{typ: html.TextToken, raw: s, text: html.UnescapeString(s)}
	}
	for raw != "" {
		lt := strings.IndexByte(raw, '<')
		switch {
		case lt < 0:
			add(text(raw))
			return items
		case lt > 0:
			add(text(raw[:lt]))
			raw = raw[lt:]
			continue
		}
		end := -1
		typ := html.CommentToken
		switch {
		case strings.HasPrefix(raw, "<!--"):
			if e := strings.Index(raw[4:], "-->"); e >= 0 {
				end = 4 + e + 3
			}
		case strings.HasPrefix(raw, "<![CDATA["):
			if e := strings.Index(raw, "]]>"); e >= 0 {
				end = e + 3
			}
		case strings.HasPrefix(raw, "<?"), strings.HasPrefix(raw, "<!"):
			if e := strings.IndexByte(raw, '>'); e >= 0 {
				end = e + 1
			}
			if len(raw) > 9 && strings.EqualFold(raw[:9], "<!doctype") {
				typ = html.DoctypeToken
			}
		default:
			if e := tagEnd(raw); e >= 0 {
				if tag, ok := parseInlineTag(raw[:e+1]); ok {
					add(tag)
					raw = raw[e+1:]
					if tag.typ == html.StartTagToken && rawTextElements[tag.name] {
						// Script and style hold raw text up to their end tag.
						closing := indexFold(raw, "</"+tag.name)
						if closing < 0 {
							closing = len(raw)
						}
						if closing > 0 {
							add(htmlToken{typ: html.TextToken, raw: raw[:closing], text: raw[:closing]})
						}
						raw = raw[closing:]
					}
					continue
				}
			}
			// A "<" that starts no tag is text.
			add(text("<"))
			raw = raw[1:]
			continue
		}
		if end < 0 { // unterminated: the rest is that token
			end = len(raw)
		}
		add(htmlToken{typ: typ, raw: raw[:end], text: raw[:end]})
		raw = raw[end:]
	}
	return items
}

// rawTextElements hold text that is not parsed for tags.
var rawTextElements = setOf("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext")

// tagEnd returns the index of the ">" that ends the tag starting s, skipping
// quoted attribute values, or -1.
func tagEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '>':
			return i
		case '"', '\'':
			closing := strings.IndexByte(s[i+1:], s[i])
			if closing < 0 {
				return -1
			}
			i += closing + 1
		case '<':
			return -1
		}
	}
	return -1
}

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, substr string) int {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return i
		}
	}
	return -1
}

// pairHTML decides what each token of items does, pairing start and end
// tags, and returns the start tags left open at the end that an optional
// end tag closes there.
func (r *storageRenderer) pairHTML(items []htmlItem, inline bool) []int {
	var stack []int
	var closed map[string]bool // end tag names in items, built on first need
	// closeImplied closes, before item i, the open elements on top of the
	// stack that HTML closes implicitly there (a <p> before a block, an
	// <li> before the next <li>).
	closeImplied := func(i int, closes func(open string) bool) {
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if !closes(items[top].tok.name) {
				return
			}
			items[top].tok.action = actionOpen
			items[i].closes = append(items[i].closes, top)
			stack = stack[:len(stack)-1]
		}
	}
	for i := range items {
		t := items[i].tok
		if t == nil {
			if !inline {
				closeImplied(i, func(open string) bool { return open == "p" })
			}
			continue
		}
		if t.typ == html.StartTagToken || t.typ == html.SelfClosingTagToken {
			if implied := impliedEndTags(t.name); implied != nil {
				closeImplied(i, func(open string) bool { return implied[open] })
			}
		}
		switch t.typ {
		case html.TextToken:
			t.action = actionText
		case html.CommentToken:
			if strings.HasPrefix(t.raw, "<!--") {
				t.action = actionNone
			} else {
				// <?php …?>, <![CDATA[…]]> and other bogus comments.
				t.action = actionEscape
				r.warn(t.line, "%s cannot be stored in a page; it is shown as text", abbreviate(t.raw))
			}
		case html.DoctypeToken:
			t.action = actionNone
		case html.StartTagToken, html.SelfClosingTagToken:
			t.rule = r.mdxRule(t, htmlRuleFor(t.name, inline))
			switch {
			case t.rule.kind == htmlEscape:
				t.action = actionEscape
				if t.typ == html.StartTagToken && !strings.Contains(t.raw, "=") && isPlaceholderTag(t.name) {
					if closed == nil {
						closed = endTagNames(items)
					}
					if !closed[t.name] {
						// A placeholder in prose (<container-id>, <volume
						// name>: words, no attribute values): shown as
						// written, which is what its author meant.
						continue
					}
				}
				r.warn(t.line, "the HTML element <%s> cannot be stored in a page; it is shown as text", t.name)
			case t.rule.void || t.typ == html.SelfClosingTagToken:
				t.action = actionVoid
			default:
				t.action = actionUnpaired // until its end tag is found
				stack = append(stack, i)
			}
		case html.EndTagToken:
			t.rule = r.mdxRule(t, htmlRuleFor(t.name, inline))
			switch {
			case t.rule.kind == htmlEscape:
				t.action = actionEscape
			case t.rule.void:
				t.action = actionNone // </br> and the like
			default:
				depth := len(stack) - 1
				for depth >= 0 && items[stack[depth]].tok.name != t.name && optionalEndTags[items[stack[depth]].tok.name] {
					depth--
				}
				if depth < 0 || items[stack[depth]].tok.name != t.name {
					t.action = actionUnpaired
					if t.name == "p" {
						// HTML5 closes an open <p> at the next block's start
						// tag, so GitHub READMEs' <p align="center"><img>
						// <p>tagline</p></p> ends with a </p> that closes
						// nothing; browsers show an empty paragraph there
						// ("an end tag whose tag name is p", HTML Standard
						// 13.2.6.4.7), which is no loss to leave out.
						continue
					}
					r.warnUnpaired(t, fmt.Sprintf("closing tag </%s> closes no open <%s>; it is left out", t.name, t.name))
					continue
				}
				for j := len(stack) - 1; j > depth; j-- {
					items[stack[j]].tok.action = actionOpen
					items[i].closes = append(items[i].closes, stack[j])
				}
				items[stack[depth]].tok.action = actionOpen
				t.action, t.partner = actionClose, stack[depth]
				stack = stack[:depth]
			}
		}
	}
	var trailing []int
	for j := len(stack) - 1; j >= 0; j-- {
		t := items[stack[j]].tok
		if optionalEndTags[t.name] && allOptional(items, stack[:j]) {
			t.action = actionOpen
			trailing = append(trailing, stack[j])
			continue
		}
		r.warnUnpaired(t, fmt.Sprintf("the HTML element <%s> is never closed; its tags are left out, its content kept", t.name))
	}
	return trailing
}

// isPlaceholderTag reports whether a tag named name reads as a placeholder
// ("<name>", "<container-id>") rather than HTML: it is no HTML element and
// no Confluence (ac:, ri:) or other namespaced element.
func isPlaceholderTag(name string) bool {
	return !htmlElementNames[name] && !strings.Contains(name, ":")
}

// endTagNames returns the names of the end tags among items.
func endTagNames(items []htmlItem) map[string]bool {
	names := map[string]bool{}
	for _, item := range items {
		if item.tok != nil && item.tok.typ == html.EndTagToken {
			names[item.tok.name] = true
		}
	}
	return names
}

// allOptional reports whether every start tag in open may close implicitly,
// so one of them closing at the end keeps the nesting intact.
func allOptional(items []htmlItem, open []int) bool {
	for _, i := range open {
		if !optionalEndTags[items[i].tok.name] {
			return false
		}
	}
	return true
}

// warnUnpaired warns about a tag left out, unless leaving it out changes
// nothing visible (a wrapper such as <center>).
func (r *storageRenderer) warnUnpaired(t *htmlToken, message string) {
	if t.rule.kind == htmlUnwrap {
		return
	}
	r.warn(t.line, "%s", message)
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// attr returns the value of the attribute name of t.
func (t *htmlToken) attr(name string) (string, bool) {
	for _, a := range t.attrs {
		if a.Namespace == "" && a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// openHTMLElement writes the start of a paired element and returns what
// closes it.
func (r *storageRenderer) openHTMLElement(t *htmlToken) string {
	switch t.rule.kind {
	case htmlKeep:
		name := t.name
		if t.rule.as != "" {
			name = t.rule.as
		}
		id := htmlID(t)
		if id != "" && !anchorInside[t.name] {
			r.anchorBefore(t, id)
		}
		r.startTag(name, t, false)
		if id != "" && anchorInside[t.name] {
			r.anchorMacro(id)
		}
		return "</" + name + ">"
	case htmlUnwrap:
		// <section id="usage">: the wrapper goes, the link target stays.
		if id := htmlID(t); id != "" {
			r.anchorMacro(id)
		}
	case htmlLink:
		return r.htmlLinkStart(t)
	}
	return ""
}

// Storage keeps no id attribute, so an element's id (<h2 id="custom">,
// <sup id="note-1">) becomes an anchor macro that #custom links reach: at
// the start of the content of elements that hold running text, as a
// Markdown heading's anchor is, and just before any other element. Table
// parts cannot hold a macro before them and lose their id.
var (
	anchorInside = setOf("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "blockquote", "li", "dt",
		"dd", "td", "th", "caption")
	anchorNowhere = setOf("thead", "tbody", "tfoot", "tr", "colgroup", "col")
)

// htmlID returns the id attribute of t, trimmed.
func htmlID(t *htmlToken) string {
	id, _ := t.attr("id")
	return strings.TrimSpace(id)
}

// anchorBefore writes the anchor macro for an element's id before it,
// unless the element sits where no macro may.
func (r *storageRenderer) anchorBefore(t *htmlToken, id string) {
	if !anchorNowhere[t.name] {
		r.anchorMacro(id)
	}
}

func (r *storageRenderer) voidHTMLElement(t *htmlToken) {
	switch t.rule.kind {
	case htmlKeep:
		if t.rule.void {
			if id := htmlID(t); id != "" {
				r.anchorBefore(t, id)
			}
			r.startTag(t.name, t, true)
		}
	case htmlImage:
		src, _ := t.attr("src")
		alt, _ := t.attr("alt")
		title, _ := t.attr("title")
		width, _ := t.attr("width")
		height, _ := t.attr("height")
		r.imageElement(strings.TrimSpace(src), string(util.EscapeHTML([]byte(alt))), title, width, height, t.line)
	case htmlLink: // <a name="x" />
		if closing := r.htmlLinkStart(t); closing != "" {
			r.str(closing)
		}
	}
}

// startTag writes <name …> with the attributes the rule keeps.
func (r *storageRenderer) startTag(name string, t *htmlToken, selfClosing bool) {
	r.str("<")
	r.str(name)
	for _, keep := range t.rule.attrs {
		if v, ok := t.attr(keep); ok {
			r.str(" ")
			r.str(keep)
			r.str(`="`)
			r.escaped(v)
			r.str(`"`)
		}
	}
	if selfClosing {
		r.str(" />")
	} else {
		r.str(">")
	}
}

// htmlLinkStart writes the start of <a>: an anchor macro for <a name> or
// <a id> without href, a page or anchor link for a relative href, an <a
// href> for a URL. It returns what closes it ("" when the tags are left
// out).
func (r *storageRenderer) htmlLinkStart(t *htmlToken) string {
	href, hasHref := t.attr("href")
	href = strings.TrimSpace(href)
	if !hasHref || href == "" {
		name, ok := t.attr("name")
		if !ok || name == "" {
			name, _ = t.attr("id")
		}
		if name != "" {
			r.anchorMacro(name)
		}
		return ""
	}
	switch {
	case strings.HasPrefix(href, "#"):
		_, fragment := splitDestination(href)
		fragment = r.sameAnchor(fragment)
		r.fragmentLinks = append(r.fragmentLinks, fragmentLink{anchor: fragment, line: t.line})
		r.anchorLinkStart(fragment)
		r.str("<ac:link-body>")
		return "</ac:link-body></ac:link>"
	case r.pages != nil && !isRemote(href):
		destPath, fragment := splitDestination(href)
		switch r.pageLinkStart(destPath, fragment, href, t.line) {
		case linkToPage:
			r.str("<ac:link-body>")
			return "</ac:link-body></ac:link>"
		case linkToURL:
			return "</a>"
		}
		return ""
	}
	dest := safeURL([]byte(href))
	if dest == nil {
		return ""
	}
	r.str(`<a href="`)
	r.escapedBytes(dest)
	r.str(`"`)
	if title, ok := t.attr("title"); ok && title != "" {
		r.str(` title="`)
		r.escaped(title)
		r.str(`"`)
	}
	r.str(">")
	return "</a>"
}

// markdownFragment renders text from inside an HTML element with a
// markdown attribute as Markdown blocks, sharing the page's images, links
// and warnings. line is the file line text starts on.
func (r *storageRenderer) markdownFragment(text string, line int) {
	child := *r
	child.text = dedent(text)
	child.source = []byte(child.text)
	child.itemLists, child.htmlDepth, child.tokens = nil, 0, nil
	child.lineOffset = line - 1
	child.lineStarts = []int{0}
	for i, c := range child.source {
		if c == '\n' {
			child.lineStarts = append(child.lineStarts, i+1)
		}
	}
	child.headingSlugs = map[ast.Node]string{}
	child.skipText = map[*ast.Text]int{}
	child.dropHeading = nil
	doc := markdownPlain.Parser().Parse(gmtext.NewReader(child.source))
	child.prepare(doc)
	child.block(doc)
	r.images, r.warnings, r.fragmentLinks, r.jsxWarned = child.images, child.warnings, child.fragmentLinks, child.jsxWarned
}

// dedent removes the indentation all non-blank lines of s share.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if common < 0 || indent < common {
			common = indent
		}
	}
	if common <= 0 {
		return s
	}
	for i, line := range lines {
		if len(line) >= common {
			lines[i] = line[common:]
		} else {
			lines[i] = strings.TrimLeft(line, " \t")
		}
	}
	return strings.Join(lines, "\n")
}

// parseInlineTag reads raw, one inline HTML tag as CommonMark defines it
// (goldmark has checked its syntax), without the cost of a tokenizer per
// tag. It reports false for anything but a start, self-closing or end tag
// (comments and the rest go to the tokenizer).
func parseInlineTag(raw string) (htmlToken, bool) {
	if len(raw) < 3 || raw[0] != '<' || raw[len(raw)-1] != '>' {
		return htmlToken{}, false
	}
	body := raw[1 : len(raw)-1]
	t := htmlToken{raw: raw, typ: html.StartTagToken}
	if body[0] == '/' {
		t.typ = html.EndTagToken
		body = body[1:]
	} else if strings.HasSuffix(body, "/") {
		t.typ = html.SelfClosingTagToken
		body = body[:len(body)-1]
	}
	end := 0
	for end < len(body) && (isASCIIAlnum(body[end]) || body[end] == '-' || body[end] == ':') {
		end++
	}
	if end == 0 || !isNameStart(body[0]) {
		return htmlToken{}, false
	}
	t.name, t.text = strings.ToLower(body[:end]), strings.ToLower(body[:end])
	rest := body[end:]
	for {
		rest = strings.TrimLeft(rest, xmlSpace)
		if rest == "" {
			return t, true
		}
		if t.typ == html.EndTagToken {
			return htmlToken{}, false
		}
		nameEnd := strings.IndexAny(rest, " \t\r\n=")
		if nameEnd < 0 {
			nameEnd = len(rest)
		}
		attr := html.Attribute{Key: strings.ToLower(rest[:nameEnd])}
		rest = strings.TrimLeft(rest[nameEnd:], xmlSpace)
		if strings.HasPrefix(rest, "=") {
			rest = strings.TrimLeft(rest[1:], xmlSpace)
			var value string
			switch {
			case rest == "":
				return htmlToken{}, false
			case rest[0] == '"' || rest[0] == '\'':
				closing := strings.IndexByte(rest[1:], rest[0])
				if closing < 0 {
					return htmlToken{}, false
				}
				value, rest = rest[1:1+closing], rest[2+closing:]
			default:
				valueEnd := strings.IndexAny(rest, " \t\r\n")
				if valueEnd < 0 {
					valueEnd = len(rest)
				}
				value, rest = rest[:valueEnd], rest[valueEnd:]
			}
			attr.Val = html.UnescapeString(value)
		}
		t.attrs = append(t.attrs, attr)
	}
}
