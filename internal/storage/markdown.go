// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MarkdownToStorage renders GitHub Flavored Markdown as Confluence storage
// format. The result is in canonical form (see Canonicalize), so it always
// passes Validate, is deterministic, and two Markdown sources that mean the
// same (`*a*` and `_a_`, CRLF and LF line endings, …) give the same storage.
//
// Mapping:
//   - headings h1–h6, paragraphs, block quotes, <hr />, hard line breaks <br />;
//   - emphasis <em>, strong emphasis <strong>, strikethrough <del>, inline
//     code <code>;
//   - links and autolinks <a href>; images <ac:image><ri:url ri:value /></ac:image>
//     with ac:alt and ac:title; javascript:, vbscript:, file: and non-image
//     data: URLs are dropped (the link text stays);
//   - fenced and indented code blocks: the "code" macro, with the info
//     string's first word as its "language" parameter;
//   - tables: <table><tbody>, header cells <th> (column alignment is not
//     carried over: Cloud stores it differently per editor version);
//   - lists <ul>/<ol start>; a list whose every item starts with a GFM task
//     box becomes <ac:task-list> (a box in a mixed list stays literal text);
//   - alerts: a block quote whose first line is exactly [!INFO], [!NOTE],
//     [!WARNING] or [!TIP] (any case) becomes the info, note, warning or tip
//     macro with the rest of the quote as its rich-text body;
//   - raw HTML is shown as literal text, never interpreted, so Markdown
//     cannot inject macros or markup the policy did not see.
//
// Escaping uses only &amp; &lt; &gt; &quot; and numeric references;
// characters XML cannot hold (control characters) become U+FFFD.
func MarkdownToStorage(markdown string) (string, error) {
	source := []byte(normalizeMarkdown(markdown))
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	doc := md.Parser().Parse(text.NewReader(source))

	var buf bytes.Buffer
	r := storageRenderer{source: source, w: bufio.NewWriter(&buf)}
	r.block(doc)
	if err := r.w.Flush(); err != nil {
		return "", fmt.Errorf("rendering Markdown: %w", err)
	}
	storage, err := Canonicalize(replaceNonXMLChars(buf.String()))
	if err != nil {
		return "", fmt.Errorf("internal error: Markdown rendered to malformed storage format (%w); please report this with the Markdown source", err)
	}
	return storage, nil
}

// normalizeMarkdown makes the input valid UTF-8 with LF line endings, so that
// encoding details never change the rendered page.
func normalizeMarkdown(markdown string) string {
	markdown = strings.ToValidUTF8(markdown, "\uFFFD")
	markdown = strings.ReplaceAll(markdown, "\r\n", "\n")
	return strings.ReplaceAll(markdown, "\r", "\n")
}

// replaceNonXMLChars replaces the characters XML 1.0 cannot represent, not
// even as references (e.g. U+0001 from "&#1;" in Markdown), with U+FFFD.
func replaceNonXMLChars(s string) string {
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

// alertMacros maps the first line of a GitHub-style alert to its macro.
var alertMacros = map[string]string{
	"[!INFO]":    "info",
	"[!NOTE]":    "note",
	"[!WARNING]": "warning",
	"[!TIP]":     "tip",
}

// storageRenderer walks a goldmark AST and writes storage format. Text goes
// through goldmark's HTML writer, which resolves backslash escapes and
// entity references exactly as CommonMark specifies and escapes the result
// with the four XML entities only.
type storageRenderer struct {
	source []byte
	w      *bufio.Writer
}

func (r *storageRenderer) str(s string) { _, _ = r.w.WriteString(s) }

func (r *storageRenderer) blockChildren(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.block(c)
	}
}

func (r *storageRenderer) inlineChildren(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.inline(c)
	}
}

func (r *storageRenderer) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Document:
		r.blockChildren(n)
	case *ast.Paragraph:
		r.str("<p>")
		r.inlineChildren(n)
		r.str("</p>")
	case *ast.TextBlock: // a paragraph in a tight list item
		r.inlineChildren(n)
	case *ast.Heading:
		level := strconv.Itoa(min(max(n.Level, 1), 6))
		r.str("<h" + level + ">")
		r.inlineChildren(n)
		r.str("</h" + level + ">")
	case *ast.ThematicBreak:
		r.str("<hr />")
	case *ast.FencedCodeBlock:
		r.codeMacro(n.Language(r.source), n.Lines())
	case *ast.CodeBlock:
		r.codeMacro(nil, n.Lines())
	case *ast.Blockquote:
		r.blockquote(n)
	case *ast.List:
		r.list(n)
	case *ast.ListItem:
		r.str("<li>")
		r.blockChildren(n)
		r.str("</li>")
	case *ast.HTMLBlock:
		r.htmlBlock(n)
	case *extast.Table:
		r.str("<table><tbody>")
		r.blockChildren(n)
		r.str("</tbody></table>")
	case *extast.TableHeader:
		r.tableRow(n, "th")
	case *extast.TableRow:
		r.tableRow(n, "td")
	default:
		// Block kinds of extensions not enabled here; keep their content.
		r.blockChildren(n)
	}
}

func (r *storageRenderer) tableRow(row ast.Node, cell string) {
	r.str("<tr>")
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		r.str("<" + cell + ">")
		r.inlineChildren(c)
		r.str("</" + cell + ">")
	}
	r.str("</tr>")
}

func (r *storageRenderer) codeMacro(language []byte, lines *text.Segments) {
	r.str(`<ac:structured-macro ac:name="code">`)
	if len(language) > 0 {
		r.str(`<ac:parameter ac:name="language">`)
		html.DefaultWriter.Write(r.w, language)
		r.str("</ac:parameter>")
	}
	var code bytes.Buffer
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(r.source))
	}
	r.str("<ac:plain-text-body>")
	writeCDATASection(r.w, strings.TrimSuffix(code.String(), "\n"))
	r.str("</ac:plain-text-body></ac:structured-macro>")
}

// writeCDATASection writes s as CDATA, splitting "]]>" so it cannot end the
// section early.
func writeCDATASection(w *bufio.Writer, s string) {
	_, _ = w.WriteString("<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>")
}

func (r *storageRenderer) blockquote(n *ast.Blockquote) {
	first, ok := n.FirstChild().(*ast.Paragraph)
	if ok && first.Lines().Len() > 0 {
		markerLine := first.Lines().At(0)
		marker := strings.ToUpper(strings.TrimSpace(string(markerLine.Value(r.source))))
		if macro, isAlert := alertMacros[marker]; isAlert {
			r.alert(macro, first)
			return
		}
	}
	r.str("<blockquote>")
	r.blockChildren(n)
	r.str("</blockquote>")
}

// alert writes a panel macro for a block quote whose first paragraph starts
// with an alert marker line.
func (r *storageRenderer) alert(macro string, first *ast.Paragraph) {
	r.str(`<ac:structured-macro ac:name="` + macro + `"><ac:rich-text-body>`)
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
		r.str("<p>")
		for c := rest; c != nil; c = c.NextSibling() {
			r.inline(c)
		}
		r.str("</p>")
	}
	for c := first.NextSibling(); c != nil; c = c.NextSibling() {
		r.block(c)
	}
	r.str("</ac:rich-text-body></ac:structured-macro>")
}

func (r *storageRenderer) list(n *ast.List) {
	if isTaskList(n) {
		r.taskList(n)
		return
	}
	tag := "ul"
	if n.IsOrdered() {
		tag = "ol"
	}
	r.str("<" + tag)
	if n.IsOrdered() && n.Start != 1 {
		r.str(` start="` + strconv.Itoa(n.Start) + `"`)
	}
	r.str(">")
	r.blockChildren(n)
	r.str("</" + tag + ">")
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
		r.str("<ac:task><ac:task-status>" + status + "</ac:task-status><ac:task-body>")
		// The first block's text (after the box) is the task's text; any
		// further blocks (a nested list, more paragraphs) follow it.
		first := item.FirstChild()
		for c := first.FirstChild().NextSibling(); c != nil; c = c.NextSibling() {
			r.inline(c)
		}
		for c := first.NextSibling(); c != nil; c = c.NextSibling() {
			r.block(c)
		}
		r.str("</ac:task-body></ac:task>")
	}
	r.str("</ac:task-list>")
}

// htmlBlock shows raw HTML as the literal text the author typed.
func (r *storageRenderer) htmlBlock(n *ast.HTMLBlock) {
	var lines []string
	for i := 0; i < n.Lines().Len(); i++ {
		line := n.Lines().At(i)
		lines = append(lines, string(line.Value(r.source)))
	}
	if n.HasClosure() {
		lines = append(lines, string(n.ClosureLine.Value(r.source)))
	}
	r.str("<p>")
	for i, line := range lines {
		if i > 0 {
			r.str("<br />")
		}
		html.DefaultWriter.RawWrite(r.w, []byte(strings.TrimRight(line, "\n")))
	}
	r.str("</p>")
}

func (r *storageRenderer) inline(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		value := n.Segment.Value(r.source)
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
				value := bytes.ReplaceAll(t.Segment.Value(r.source), []byte("\n"), []byte(" "))
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
		r.str("<" + tag + ">")
		r.inlineChildren(n)
		r.str("</" + tag + ">")
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
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			segment := n.Segments.At(i)
			html.DefaultWriter.RawWrite(r.w, segment.Value(r.source))
		}
	case *extast.TaskCheckBox: // in a list that is not a task list
		if n.IsChecked {
			r.str("[x] ")
		} else {
			r.str("[ ] ")
		}
	default:
		r.inlineChildren(n)
	}
}

// safeURL returns the URL-escaped destination, or "" when it could run code
// in the reader's browser.
func safeURL(destination []byte) []byte {
	dest := util.URLEscape(destination, true)
	if html.IsDangerousURL(dest) {
		return nil
	}
	return dest
}

func (r *storageRenderer) link(n *ast.Link) {
	dest := safeURL(n.Destination)
	if dest == nil {
		r.inlineChildren(n)
		return
	}
	r.str(`<a href="`)
	_, _ = r.w.Write(util.EscapeHTML(dest))
	r.str(`"`)
	if len(n.Title) > 0 {
		r.str(` title="`)
		html.DefaultWriter.Write(r.w, n.Title)
		r.str(`"`)
	}
	r.str(">")
	r.inlineChildren(n)
	r.str("</a>")
}

func (r *storageRenderer) autoLink(n *ast.AutoLink) {
	url := n.URL(r.source)
	label := n.Label(r.source)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
		url = append([]byte("mailto:"), url...)
	}
	url = util.URLEscape(url, false)
	if html.IsDangerousURL(url) {
		_, _ = r.w.Write(util.EscapeHTML(label))
		return
	}
	r.str(`<a href="`)
	_, _ = r.w.Write(util.EscapeHTML(url))
	r.str(`">`)
	_, _ = r.w.Write(util.EscapeHTML(label))
	r.str("</a>")
}

func (r *storageRenderer) image(n *ast.Image) {
	dest := safeURL(n.Destination)
	alt := r.escapedText(n)
	if dest == nil {
		r.str(alt)
		return
	}
	r.str("<ac:image")
	if alt != "" {
		r.str(` ac:alt="` + alt + `"`)
	}
	if len(n.Title) > 0 {
		r.str(` ac:title="`)
		html.DefaultWriter.Write(r.w, n.Title)
		r.str(`"`)
	}
	r.str(`><ri:url ri:value="`)
	_, _ = r.w.Write(util.EscapeHTML(dest))
	r.str(`" /></ac:image>`)
}

// escapedText returns the text under n (an image's alt text), escaped,
// without markup.
func (r *storageRenderer) escapedText(n ast.Node) string {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
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
			default:
				walk(c)
			}
		}
	}
	walk(n)
	_ = w.Flush()
	return buf.String()
}
