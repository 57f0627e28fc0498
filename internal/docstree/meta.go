// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// weightKeys are the front matter keys generators order pages by: Hugo's
// weight, Just the Docs' nav_order, Docusaurus' sidebar_position.
var weightKeys = []string{"weight", "nav_order", "sidebar_position"}

// weight returns the front matter's ordering number, if it has one.
func weight(fm map[string]any) (float64, bool) {
	for _, k := range weightKeys {
		switch v := fm[k].(type) {
		case int64:
			return float64(v), true
		case float64:
			return v, true
		}
	}
	return 0, false
}

// labels returns the front matter's tags and labels (a list, or one string)
// as Confluence labels, each once, sorted (see Label).
func labels(fm map[string]any) []string {
	out := []string{}
	for _, k := range []string{"tags", "labels"} {
		var values []any
		switch v := fm[k].(type) {
		case string:
			values = []any{v}
		case []any:
			values = v
		}
		for _, v := range values {
			s, ok := v.(string)
			if !ok {
				continue
			}
			if label := Label(s); label != "" && !slices.Contains(out, label) {
				out = append(out, label)
			}
		}
	}
	slices.Sort(out)
	return out
}

// labelForbidden are the characters a Confluence label cannot hold:
// white space and : ; , . ? & [ ] ( ) # ^ * @ ! (Atlassian's "Use labels to
// organize your content": labels cannot contain spaces or those
// characters), and < > which Confluence escapes away. The same rule as
// validators.LabelName, which rejects a label holding any of them.
const labelForbidden = ":;,.?&[]()#^*@!<>"

// maxLabelLength is Confluence's longest label, in characters.
const maxLabelLength = 255

// Label makes a tag a Confluence label: lower case, each run of white space
// and of characters labels cannot hold as one "-" ("Node.js" → "node-js",
// "C#" → "c-"), at most 255 characters. A tag of nothing but such
// characters gives "" (no label).
func Label(tag string) string {
	var b strings.Builder
	runes := 0
	for _, r := range strings.ToLower(strings.TrimSpace(tag)) {
		if unicode.IsSpace(r) || strings.ContainsRune(labelForbidden, r) {
			r = '-'
		}
		if r == '-' && strings.HasSuffix(b.String(), "-") {
			continue // one "-" for "Node .js" and "a - b"
		}
		if runes == maxLabelLength {
			break
		}
		b.WriteRune(r)
		runes++
	}
	if strings.Trim(b.String(), "-") == "" {
		return ""
	}
	return b.String()
}

// summaryLinks returns the destinations of the links in mdBook's
// SUMMARY.md, in order, as cleaned source paths relative to the root.
// Draft chapters (empty destinations) and remote links are left out.
func summaryLinks(source []byte) []string {
	doc := goldmark.DefaultParser().Parse(text.NewReader(source))
	var out []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		link, ok := n.(*ast.Link)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		dest := string(link.Destination)
		if i := strings.IndexAny(dest, "#?"); i >= 0 {
			dest = dest[:i]
		}
		if unescaped, err := url.PathUnescape(dest); err == nil {
			dest = unescaped
		}
		if isLocalPath(dest) {
			out = append(out, strings.TrimPrefix(path.Clean("/"+dest), "/"))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// isLocalPath reports whether a link destination names a file of the book
// rather than a URL of its own.
func isLocalPath(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "//") {
		return false
	}
	u, err := url.Parse(dest)
	return err == nil && u.Scheme == ""
}

// SourceURL fills a source URL template: "{path}" becomes the source path,
// each segment escaped for a URL path.
func SourceURL(template, sourcePath string) string {
	segments := strings.Split(sourcePath, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return strings.ReplaceAll(template, "{path}", strings.Join(segments, "/"))
}

// bannerStart opens the Managed in Git panel; bannerEnd closes it.
const (
	bannerStart = "> [!INFO]\n> **Managed in Git:** this page is published from ["
	bannerEnd   = "). Edit the source there; edits made here are replaced when it is published again.\n\n"
)

// WithBanner puts a "Managed in Git" info panel (a GitHub [!INFO] alert,
// which the page resource renders as Confluence's info panel) at the top of
// a page's Markdown, after any front matter so that stays front matter.
// The panel shifts the lines below it: SourceLine maps them back.
func WithBanner(markdown, sourcePath, sourceURL string) string {
	// A byte order mark must not stand between line 1 and the front
	// matter's "---" once the panel is put before the body; the renderer
	// drops it anyway.
	markdown = strings.TrimPrefix(markdown, "\uFEFF")
	banner := bannerStart + escapeLinkText(sourcePath) + "](<" + strings.ReplaceAll(sourceURL, ">", "%3E") + ">" + bannerEnd
	end := frontMatterEnd(markdown)
	if end == len(markdown) && end > 0 && !strings.HasSuffix(markdown, "\n") {
		// Front matter that ends the file: the panel needs a line of its own.
		return markdown + "\n" + banner
	}
	return markdown[:end] + banner + markdown[end:]
}

// SourceLine maps a line of Markdown that WithBanner gave the Managed in
// Git panel to the line of the file it was published from, so that
// warnings about a page of a docs tree name the line the author sees: the
// lines after the panel move up by its length, and a line of the panel
// itself is the line it was put before. Markdown without the panel keeps
// its lines.
func SourceLine(markdown string, line int) int {
	end := frontMatterEnd(markdown)
	if !strings.HasPrefix(markdown[end:], bannerStart) {
		return line
	}
	length := strings.Index(markdown[end:], bannerEnd)
	if length < 0 {
		return line
	}
	first := strings.Count(markdown[:end], "\n") + 1 // the panel's first line
	lines := strings.Count(markdown[end:end+length+len(bannerEnd)], "\n")
	switch {
	case line < first:
		return line
	case line < first+lines:
		return first
	}
	return line - lines
}

// SourceLines applies SourceLine to the renderer's warnings about markdown.
func SourceLines(markdown string, warnings []storage.MarkdownWarning) []storage.MarkdownWarning {
	if len(warnings) == 0 {
		return warnings
	}
	out := make([]storage.MarkdownWarning, len(warnings))
	for i, w := range warnings {
		w.Line = SourceLine(markdown, w.Line)
		out[i] = w
	}
	return out
}

// frontMatterEnd returns the offset just after a front matter block that
// opens on the first line ("---" or "+++") and is closed by the same line,
// or 0 when the text has none (the rule storage.FrontMatter follows).
func frontMatterEnd(markdown string) int {
	// A byte order mark before the opening line (editors on Windows write
	// one) does not stop it being front matter: the panel goes after it,
	// never before it. (Scan drops the mark when it reads a file.)
	bom := 0
	if strings.HasPrefix(markdown, "\ufeff") {
		bom = len("\ufeff")
	}
	first, rest, ok := strings.Cut(markdown[bom:], "\n")
	delim := strings.TrimSuffix(first, "\r")
	if !ok || len(delim) < 3 || (delim[0] != '-' && delim[0] != '+') || strings.Trim(delim, delim[:1]) != "" {
		return 0
	}
	offset := bom + len(first) + 1
	for rest != "" {
		line, next, found := strings.Cut(rest, "\n")
		offset += len(line)
		if found {
			offset++
		}
		if strings.TrimSuffix(line, "\r") == delim {
			return offset
		}
		rest = next
	}
	return 0
}
