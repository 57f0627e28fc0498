// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.abhg.dev/goldmark/frontmatter"
)

// PageRef names a Confluence page a Markdown link can point at. Pages are
// named by title, not id, so pages published together may link to each
// other both ways without a dependency cycle.
type PageRef struct {
	Title    string
	SpaceKey string // "" means the linking page's own space
}

// MarkdownOptions tell RenderMarkdown where a page comes from and how its
// links, title and table of contents are rendered. The zero value renders
// Markdown on its own, as MarkdownToStorage does.
type MarkdownOptions struct {
	// SourcePath is the page's own Markdown file, slash-separated and
	// relative to the root its siblings are named from, e.g.
	// "docs/guide/install.md". Relative links and images resolve against
	// its directory.
	SourcePath string
	// Pages maps source paths (in the same form as SourcePath) to the pages
	// they are published as. When it is nil, relative links stay plain
	// <a href> links; when it is set (even empty), a relative link becomes a
	// page link or, when its target is not in Pages, its text with a
	// warning.
	Pages map[string]PageRef
	// SourceURLTemplate, with Pages, is where a relative link to a file that
	// is not a page goes (LICENSE, main.go#L10, a folder), as on GitHub:
	// "{path}" is replaced by the target's path in the same form as
	// SourcePath, each segment URL-escaped, and the link's ?query and
	// #fragment are kept. The template for SourcePath is that page's own
	// source URL, e.g. "https://github.com/acme/h/blob/main/docs/{path}"
	// when SourcePath is relative to docs/. A target above the root
	// ("../LICENSE") climbs the template's URL path above "{path}" (to
	// .../blob/main/LICENSE), as GitHub resolves the link against the
	// file's URL; one that would climb above the host or a forge's
	// blob/<branch> (tree, raw, src) is not addressable: its text is shown
	// with a warning. Empty: such links are their text with a warning.
	SourceURLTemplate string
	// SpaceKey is the page's own space: page links into it carry no
	// ri:space-key.
	SpaceKey string
	// Title is the page's title, used by DropTitleHeading.
	Title string
	// DropTitleHeading leaves out the first level-1 heading when its text
	// is Title (mark's --drop-h1, md2conf's --skip-title-heading).
	DropTitleHeading bool
	// TableOfContents puts the toc macro at the top of the page, unless the
	// Markdown places it itself with a [TOC] or [[_TOC_]] paragraph.
	TableOfContents bool
}

// MarkdownWarning is something in the Markdown that did not render as its
// author meant (an unresolved link, HTML that cannot be stored), with the
// 1-based line of the Markdown file it is on.
type MarkdownWarning struct {
	Line    int
	Message string
}

func (w MarkdownWarning) String() string { return fmt.Sprintf("line %d: %s", w.Line, w.Message) }

// LocalImage is an image file the page shows as an attachment.
type LocalImage struct {
	// Path is the file, resolved against SourcePath's directory and
	// cleaned, in the same slash-separated form as SourcePath (it starts
	// with "../" when it lies above the root).
	Path string
	// Filename is the attachment's file name on the page (see
	// imageFilename for the rule), as written in ri:attachment.
	Filename string
	// Line is the first line that shows the image.
	Line int
}

// RenderedMarkdown is a page rendered from Markdown.
type RenderedMarkdown struct {
	// Storage is the body in canonical storage format.
	Storage string
	// Warnings are in order of line.
	Warnings []MarkdownWarning
	// Images are the local images to attach, each path once, in order of
	// first use.
	Images []LocalImage
	// FrontMatter is the decoded YAML or TOML front matter (see
	// FrontMatter); empty when there is none.
	FrontMatter map[string]any
	// FirstHeading is the plain text of the first level-1 heading, a title
	// candidate for pages whose front matter has none ("" if there is none).
	FirstHeading string
}

// MarkdownToStorage renders Markdown as Confluence storage format with the
// zero MarkdownOptions and ignores warnings. See RenderMarkdown.
func MarkdownToStorage(markdown string) (string, error) {
	rendered, err := RenderMarkdown(markdown, MarkdownOptions{})
	if err != nil {
		return "", err
	}
	return rendered.Storage, nil
}

// RenderMarkdown renders Markdown (CommonMark with GitHub's extensions) as
// Confluence storage format. The result is in canonical form (see
// Canonicalize), so it always passes Validate, is deterministic, and two
// Markdown sources that mean the same (`*a*` and `_a_`, CRLF and LF line
// endings, …) give the same storage.
//
// Mapping (storage elements as documented on "Confluence Storage Format",
// https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html):
//   - YAML ("---") and TOML ("+++") front matter is not shown; it is
//     returned decoded in FrontMatter;
//   - headings h1–h6, each with an anchor macro named by GitHub's slug rules
//     (or its {#id} attribute) so #fragment links reach it; paragraphs,
//     block quotes, <hr />, hard line breaks <br />;
//   - emphasis <em>, strong emphasis <strong>, strikethrough <del>, inline
//     code <code>;
//   - links: absolute URLs stay <a href>; #fragment becomes an ac:link to
//     the anchor; with opts.Pages, a relative link to a Markdown file (or
//     mdBook's .html form of it, or a folder's index) becomes an ac:link to
//     the page by title, also when it is written relative to the page's
//     URL (MkDocs, Hugo, Jekyll: "../install" from get-started.md), and a
//     link to any other file an <a href> to its source URL when
//     opts.SourceURLTemplate is set; javascript:, vbscript:, file: and
//     non-image data: URLs are dropped (the link text stays);
//   - images: remote images <ac:image><ri:url />, local files
//     <ac:image><ri:attachment /> listed in Images; ac:alt and ac:title;
//   - fenced and indented code blocks: the code macro, its language the
//     fence's first word normalised to one the macro knows (none if
//     unknown), title="…" as its title;
//   - tables, lists, GFM task lists (ac:task-list), footnotes (numbered
//     links to a list at the end), definition lists (<dl>);
//   - alerts: a block quote whose first line is exactly [!NOTE], [!TIP],
//     [!INFO], [!IMPORTANT], [!WARNING] or [!CAUTION] becomes a panel macro;
//     MkDocs "!!! kind" admonitions become panels with a title, "???" ones
//     an expand macro, "=== " content tabs a bold title over their content;
//     Docusaurus and VitePress ":::kind" containers panels as well
//     (markdown_containers.go);
//   - the toc macro for a [TOC] or [[_TOC_]] paragraph, kramdown's {:toc}
//     or opts.TableOfContents; block attribute lists ({: .no_toc #id })
//     are not shown, their id is an anchor (markdown_kramdown.go);
//   - in an .mdx SourcePath, import/export statements and JSX component
//     tags are left out (markdown_mdx.go);
//   - raw HTML: comments dropped; well-formed tags of HTML elements storage
//     holds are kept (attributes limited to the safe few storage uses),
//     <img> becomes ac:image and <a> a link as above, <details> the expand
//     macro, an id an anchor macro; anything else
//     (scripts, forms, unknown or ac:/ri: elements, unbalanced tags) is
//     escaped text with a warning, so Markdown cannot inject macros.
//
// Escaping uses only &amp; &lt; &gt; &quot; and numeric references;
// characters XML cannot hold (control characters) become U+FFFD.
func RenderMarkdown(markdown string, opts MarkdownOptions) (RenderedMarkdown, error) {
	text := normalizeMarkdown(markdown)
	source := []byte(text)
	if opts.Pages != nil && strings.Contains(text, "{{") {
		source = hugoRefLinks.ReplaceAll(source, []byte("](<"+hugoRefScheme+"$1>)"))
		text = string(source)
	}
	var result RenderedMarkdown
	md := markdownPlain
	if hasClosedFrontMatter(source) {
		md = markdownWithFrontMatter
	}
	pc := gmparser.NewContext()
	doc := md.Parser().Parse(textReader(source), gmparser.WithContext(pc))
	if md == markdownWithFrontMatter {
		fm, err := decodeFrontMatter(source, pc)
		if err != nil {
			// Not front matter after all (or a typo in it): show the text
			// rather than lose it, and say why.
			result.Warnings = append(result.Warnings, MarkdownWarning{Line: 1, Message: err.Error() + "; it is shown as text"})
			pc = gmparser.NewContext()
			doc = markdownPlain.Parser().Parse(textReader(source), gmparser.WithContext(pc))
		} else {
			result.FrontMatter = fm
		}
	}
	if result.FrontMatter == nil {
		result.FrontMatter = map[string]any{}
	}

	r := newStorageRenderer(source, text, opts)
	body := r.render(doc, nil)
	if collisions := r.imageFilenameCollisions(); len(collisions) > 0 {
		// Two image paths map to one file name: render again with those
		// paths given hashed names (rare; see imageFilename).
		r = newStorageRenderer(source, text, opts)
		body = r.render(doc, collisions)
	}
	storage, err := Canonicalize(replaceNonXMLChars(body))
	if err != nil {
		return RenderedMarkdown{}, fmt.Errorf("internal error: Markdown rendered to malformed storage format (%w); please report this with the Markdown source", err)
	}
	result.Storage = storage
	result.Warnings = append(result.Warnings, r.finishWarnings()...)
	result.Images = r.images
	result.FirstHeading = r.firstHeading
	return result, nil
}

// hugoRefLinks matches a link whose destination is Hugo's ref or relref
// shortcode, [text]({{< ref "install.md" >}}): in a docs tree the path in it
// is resolved like any relative link. (The replacement holds no newline, so
// line numbers stay right.)
var hugoRefLinks = regexp.MustCompile(`\]\([ \t]*\{\{[<%][ \t]*(?:rel)?ref[ \t]+"([^"<>\n]+)"[ \t]*[>%]\}\}[ \t]*\)`)

// hugoRefScheme marks a destination taken from a ref shortcode: Hugo looks
// such a path up relative to the page first, then to the content root.
const hugoRefScheme = "hugo-ref:"

// The goldmark set-ups, built once: parsers are safe for concurrent use and
// keep per-parse state in the gmparser.Context.
var (
	markdownPlain           = newMarkdown(false)
	markdownWithFrontMatter = newMarkdown(true)
)

func newMarkdown(frontMatter bool) goldmark.Markdown {
	extensions := []goldmark.Extender{extension.GFM, extension.Footnote, extension.DefinitionList, mkdocsBlocks{}, kramdownAttributes{}}
	if frontMatter {
		extensions = append(extensions, &frontmatter.Extender{})
	}
	return goldmark.New(
		goldmark.WithExtensions(extensions...),
		// {#id} after a heading names its anchor, as in MkDocs, Hugo and
		// Pandoc.
		goldmark.WithParserOptions(gmparser.WithHeadingAttribute()),
	)
}

func textReader(source []byte) text.Reader { return text.NewReader(source) }

// normalizeMarkdown makes the input valid UTF-8 with LF line endings and
// without a leading byte order mark, so that encoding details never change
// the rendered page. Input that already is (the usual case) is returned as
// it is. Editors on Windows save UTF-8 with a BOM (U+FEFF); CommonMark does
// not strip it, so "---" on line 1 would no longer open the front matter.
func normalizeMarkdown(markdown string) string {
	markdown = strings.TrimPrefix(markdown, "\uFEFF")
	markdown = strings.ToValidUTF8(markdown, "\uFFFD")
	if strings.IndexByte(markdown, '\r') < 0 {
		return markdown
	}
	markdown = strings.ReplaceAll(markdown, "\r\n", "\n")
	return strings.ReplaceAll(markdown, "\r", "\n")
}

// replaceNonXMLChars replaces the characters XML 1.0 cannot represent, not
// even as references (e.g. U+0001 from "&#1;" in Markdown), with U+FFFD.
// Most pages hold none: a scan finds that without decoding each rune
// through strings.Map.
func replaceNonXMLChars(s string) string {
	if onlyXMLChars(s) {
		return s
	}
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

// onlyXMLChars reports whether s is valid UTF-8 holding only characters
// XML 1.0 can represent, so replaceNonXMLChars leaves it as it is.
func onlyXMLChars(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}
