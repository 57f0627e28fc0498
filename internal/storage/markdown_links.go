// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer/html"
)

// Links and images, in the storage format of "Links" and "Images" on
// https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html:
//
//	<ac:link ac:anchor="a"><ri:page ri:content-title="T" ri:space-key="K" />
//	  <ac:plain-text-link-body><![CDATA[text]]></ac:plain-text-link-body></ac:link>
//	<ac:image ac:alt="…" ac:title="…" ac:width="…"><ri:attachment ri:filename="f.png" /></ac:image>
//
// A link body with markup uses <ac:link-body> (rich text) instead of
// <ac:plain-text-link-body>.

// githubSlug returns the anchor GitHub gives a heading with this text
// (github-slugger): lower case, every character that is not a letter,
// digit, mark, "-", "_" or space removed, and each space replaced by "-".
func githubSlug(heading string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case c == ' ':
			b.WriteByte('-')
		case c == '-' || c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c):
			b.WriteRune(c)
		}
	}
	return b.String()
}

// cleanSourcePath brings a source path into the one form used as a key:
// slash-separated, cleaned, without a leading "./" or "/".
func cleanSourcePath(p string) string {
	p = path.Clean("/" + strings.ReplaceAll(p, "\\", "/"))
	return strings.TrimPrefix(p, "/")
}

// resolveRelative resolves a link destination path against the directory
// of the page's source path. A destination starting with "/" is relative to
// the root. The result may start with "../" when it leaves the root.
func resolveRelative(sourcePath, dest string) string {
	if strings.HasPrefix(dest, "/") {
		return cleanSourcePath(dest)
	}
	dir := path.Dir(cleanSourcePath(sourcePath))
	joined := path.Clean(path.Join(dir, dest))
	if joined == "." {
		return ""
	}
	return joined
}

// isRemote reports whether a destination names a URL of its own rather
// than a file next to the page: it has a scheme (https:, mailto:, data:)
// or is protocol-relative.
func isRemote(dest string) bool {
	if strings.HasPrefix(dest, "//") {
		return true
	}
	if isPlainPath(dest) {
		// No scheme, and nothing url.Parse could reject.
		return false
	}
	u, err := url.Parse(dest)
	if err != nil {
		// Not a URL we could resolve as a path either; treat it as remote
		// so it is left as written.
		return true
	}
	return u.Scheme != ""
}

// isPlainPath reports whether dest has no colon (so no scheme), no percent
// escape and no control character: the common relative path, which
// url.Parse accepts without a scheme.
func isPlainPath(dest string) bool {
	for i := 0; i < len(dest); i++ {
		if c := dest[i]; c == ':' || c == '%' || c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// splitDestination splits a relative destination into its unescaped path
// and fragment, dropping any query.
func splitDestination(dest string) (p, fragment string) {
	if i := strings.IndexByte(dest, '#'); i >= 0 {
		dest, fragment = dest[:i], dest[i+1:]
	}
	if i := strings.IndexByte(dest, '?'); i >= 0 {
		dest = dest[:i]
	}
	if unescaped, err := url.PathUnescape(dest); err == nil {
		dest = unescaped
	}
	if unescaped, err := url.PathUnescape(fragment); err == nil {
		fragment = unescaped
	}
	return dest, fragment
}

// pageCandidates lists the source paths a relative link target may mean,
// in order: the Markdown file itself (.md, .markdown, or MDX's .mdx);
// mdBook's .html form of a chapter (README.md and index.md become
// index.html); and a folder's index page (index.md, README.md, Hugo's
// _index.md, Docusaurus's index.mdx) or, for a Hugo pretty URL "install/"
// or a Docusaurus link "install", install.md or install.mdx.
func pageCandidates(target string) []string {
	lower := strings.ToLower(target)
	switch {
	case isMarkdownFile(lower):
		return []string{target}
	case strings.HasSuffix(lower, ".html") || strings.HasSuffix(lower, ".htm"):
		stem := target[:strings.LastIndexByte(target, '.')]
		candidates := []string{stem + ".md", stem + ".mdx"}
		if path.Base(stem) == "index" {
			dir := path.Dir(stem)
			candidates = append(candidates, path.Join(dir, "README.md"), path.Join(dir, "_index.md"))
		}
		return candidates
	case path.Ext(target) == "" || strings.HasSuffix(target, "/"):
		target = strings.TrimSuffix(target, "/")
		candidates := []string{}
		for _, index := range []string{"index.md", "README.md", "_index.md", "index.mdx", "README.mdx"} {
			candidates = append(candidates, strings.TrimPrefix(path.Join(target, index), "/"))
		}
		if target != "" {
			candidates = append(candidates, target+".md", target+".mdx")
		}
		return candidates
	}
	return nil
}

// isMarkdownFile reports whether a path (lower case) names a Markdown file,
// one that would be a page if it were in the tree.
func isMarkdownFile(lower string) bool {
	return strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".mdx") || strings.HasSuffix(lower, ".markdown")
}

// isIndexPage reports whether a source path is its folder's page, whose
// URL on a static site is the folder itself.
func isIndexPage(sourcePath string) bool {
	base := strings.ToLower(path.Base(sourcePath))
	switch strings.TrimSuffix(base, path.Ext(base)) {
	case "index", "readme", "_index":
		return true
	}
	return false
}

// lookUpPage returns the page a relative link destination path points at.
// An exact match wins; otherwise the match ignores case, as the
// case-insensitive file systems many docs are written on do. A destination
// that reaches no page relative to the file is tried relative to the
// page's URL: MkDocs (use_directory_urls), Hugo and Jekyll's pretty
// permalinks serve guide/get-started.md at guide/get-started/, so authors
// who check their links on the site write "../install" for the sibling
// install.md. Index pages are served at their folder, where both agree.
// When nothing is found, the key returned is the target relative to the
// file.
func (r *storageRenderer) lookUpPage(destPath string) (string, PageRef, bool) {
	target := resolveRelative(r.opts.SourcePath, destPath)
	if key, page, ok := r.findPage(target, destPath); ok {
		return key, page, true
	}
	source := cleanSourcePath(r.opts.SourcePath)
	if source != "" && !strings.HasPrefix(destPath, "/") && !isIndexPage(source) {
		// Any file name will do: resolveRelative takes its directory.
		pageURL := strings.TrimSuffix(source, path.Ext(source)) + "/index.md"
		if key, page, ok := r.findPage(resolveRelative(pageURL, destPath), destPath); ok {
			return key, page, true
		}
	}
	return target, PageRef{}, false
}

// findPage looks a resolved link target up in the pages, exactly and then
// ignoring case.
func (r *storageRenderer) findPage(target, destPath string) (string, PageRef, bool) {
	candidates := pageCandidates(target)
	if strings.HasSuffix(destPath, "/") && target != "" {
		// "v1.2/" is a folder even though it looks like it has an extension.
		candidates = pageCandidates(target + "/")
	}
	for _, candidate := range candidates {
		if page, ok := r.pages[candidate]; ok {
			return candidate, page, true
		}
	}
	if r.pagesFolded == nil {
		r.pagesFolded = make(map[string]string, len(r.pages))
		for k := range r.pages {
			folded := strings.ToLower(k)
			if other, dup := r.pagesFolded[folded]; !dup || k < other {
				r.pagesFolded[folded] = k
			}
		}
	}
	for _, candidate := range candidates {
		if key, ok := r.pagesFolded[strings.ToLower(candidate)]; ok {
			return key, r.pages[key], true
		}
	}
	return "", PageRef{}, false
}

// githubAnchorPrefix is what GitHub puts before the id of every heading
// and HTML anchor it renders; READMEs link to "#user-content-x" to reach
// "x" from places GitHub does not rewrite.
const githubAnchorPrefix = "user-content-"

// otherPageAnchor is the anchor a fragment of a link to another page
// names: GitHub's prefix is left out, since no published page has it.
func otherPageAnchor(fragment string) string {
	if rest, ok := strings.CutPrefix(fragment, githubAnchorPrefix); ok && rest != "" {
		return rest
	}
	return fragment
}

// sameAnchor is the anchor on this page a fragment reaches: as written if
// the page has it; else without GitHub's "user-content-" prefix, and
// lower case when only that form is an anchor (GitHub's anchors are lower
// case, so #Install reaches "install").
func (r *storageRenderer) sameAnchor(fragment string) string {
	if r.anchors[fragment] {
		return fragment
	}
	fragment = otherPageAnchor(fragment)
	if lower := strings.ToLower(fragment); !r.anchors[fragment] && r.anchors[lower] {
		return lower
	}
	return fragment
}

// anchorForms are the anchors a same-page fragment may reach (see
// sameAnchor), for the headings a page on its own anchors.
func anchorForms(fragment string) []string {
	stripped := otherPageAnchor(fragment)
	return []string{fragment, strings.ToLower(fragment), stripped, strings.ToLower(stripped)}
}

// isTemplated reports whether a link or image destination holds a
// template the site generator fills in (Liquid or Jinja "{{ site.baseurl
// }}", "{% link %}", Hugo "{{< >}}"): it names no file until then.
func isTemplated(dest string) bool {
	return strings.Contains(dest, "{{") || strings.Contains(dest, "{%")
}

func (r *storageRenderer) link(n *ast.Link) {
	if r.pages == nil && len(n.Destination) > 0 && n.Destination[0] != '#' {
		// A URL, the common case: no copy of the destination, no line.
		r.urlLink(n)
		return
	}
	dest := string(n.Destination)
	line := r.lineOf(n)
	switch {
	case dest == "":
		r.inlineChildren(n)
	case strings.HasPrefix(dest, "#"):
		_, fragment := splitDestination(dest)
		fragment = r.sameAnchor(fragment)
		r.fragmentLinks = append(r.fragmentLinks, fragmentLink{anchor: fragment, line: line})
		r.anchorLinkStart(fragment)
		r.linkBody(n)
		r.str("</ac:link>")
	case r.pages != nil && strings.HasPrefix(dest, hugoRefScheme):
		dest = strings.TrimPrefix(dest, hugoRefScheme)
		if destPath, _ := splitDestination(dest); !strings.HasPrefix(destPath, "/") {
			if _, _, found := r.lookUpPage(destPath); !found {
				if _, _, fromRoot := r.lookUpPage("/" + destPath); fromRoot {
					dest = "/" + dest
				}
			}
		}
		r.pageLink(n, dest, line)
	case r.pages != nil && !isRemote(dest):
		if r.linksOwnImage(n, dest) {
			// [![d](img/a.png)](img/a.png): GitHub's way to let readers
			// open the full-size image; Confluence does that itself.
			r.inlineChildren(n)
			return
		}
		r.pageLink(n, dest, line)
	default:
		r.urlLink(n)
	}
}

// linksOwnImage reports whether a relative link holds nothing but a local
// image of the same file.
func (r *storageRenderer) linksOwnImage(n *ast.Link, dest string) bool {
	img, ok := n.FirstChild().(*ast.Image)
	if !ok || n.ChildCount() != 1 {
		return false
	}
	src := string(img.Destination)
	if src == "" || isRemote(src) || isTemplated(src) {
		return false
	}
	linked, _ := splitDestination(dest)
	shown, _ := splitDestination(src)
	return resolveRelative(r.opts.SourcePath, linked) == resolveRelative(r.opts.SourcePath, shown)
}

// urlLink writes an <a href> link, or only its text when the URL could run
// code in the reader's browser.
func (r *storageRenderer) urlLink(n *ast.Link) {
	dest := safeURL(n.Destination)
	if dest == nil {
		r.inlineChildren(n)
		return
	}
	r.str(`<a href="`)
	r.escapedBytes(dest)
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

// linkOpening is what the start of a relative link opened.
type linkOpening int

const (
	// linkTextOnly: nothing; only the link's text is shown.
	linkTextOnly linkOpening = iota
	// linkToPage: an ac:link, which a link body and </ac:link> close.
	linkToPage
	// linkToURL: an <a href>, which the link's content and </a> close.
	linkToURL
)

// pageLink writes a link to another published page, to a file's source,
// or the link's text with a warning (see pageLinkStart).
func (r *storageRenderer) pageLink(n *ast.Link, dest string, line int) {
	destPath, fragment := splitDestination(dest)
	switch r.pageLinkStart(destPath, fragment, dest, line) {
	case linkTextOnly:
		r.inlineChildren(n)
	case linkToPage:
		r.linkBody(n)
		r.str("</ac:link>")
	case linkToURL:
		r.inlineChildren(n)
		r.str("</a>")
	}
}

// pageLinkStart writes the start of a relative link, up to its body: an
// ac:link to the page destPath resolves to (to an anchor when that is this
// page), else an <a href> to the file's source URL (see fileLinkStart).
// written is the destination as the author wrote it, for warnings.
func (r *storageRenderer) pageLinkStart(destPath, fragment, written string, line int) linkOpening {
	if destPath == "" { // "?query#x" or "#x" after all
		fragment = r.sameAnchor(fragment)
		r.fragmentLinks = append(r.fragmentLinks, fragmentLink{anchor: fragment, line: line})
		r.anchorLinkStart(fragment)
		return linkToPage
	}
	if isTemplated(written) {
		r.warn(line, "the link to %q is a template only the site generator fills in; only its text is shown", written)
		return linkTextOnly
	}
	key, page, ok := r.lookUpPage(destPath)
	if !ok {
		return r.fileLinkStart(key, written, line)
	}
	if key == cleanSourcePath(r.opts.SourcePath) {
		if fragment != "" {
			fragment = r.sameAnchor(fragment)
			r.fragmentLinks = append(r.fragmentLinks, fragmentLink{anchor: fragment, line: line})
		}
		r.anchorLinkStart(fragment)
		return linkToPage
	}
	r.str("<ac:link")
	if fragment = otherPageAnchor(fragment); fragment != "" {
		r.str(` ac:anchor="`)
		r.escaped(fragment)
		r.str(`"`)
	}
	r.str(`><ri:page ri:content-title="`)
	r.escaped(page.Title)
	r.str(`"`)
	if page.SpaceKey != "" && page.SpaceKey != r.opts.SpaceKey {
		r.str(` ri:space-key="`)
		r.escaped(page.SpaceKey)
		r.str(`"`)
	}
	r.str(" />")
	return linkToPage
}

// fileLinkStart opens an <a href> to the source URL of target, a relative
// link's target that is no published page (LICENSE, main.go#L10, a
// folder), keeping the ?query and #fragment as written: on GitHub the link
// opens that file, and so it does in Confluence. A Markdown file inside
// the root warns as well (it would be a page if it were published: a typo,
// or a file left out); one above the root cannot be a page, so it links
// silently. Without a source URL template, or when the template cannot
// address the target, only the text is shown, with a warning.
func (r *storageRenderer) fileLinkStart(target, written string, line int) linkOpening {
	markdown := isMarkdownFile(strings.ToLower(target))
	if r.opts.SourceURLTemplate == "" {
		if markdown {
			r.warn(line, "the link to %q (%s) points at no page published with this one; only its text is shown", written, target)
		} else {
			r.warn(line, "the link to %q (%s) points at no page published with this one; only its text is shown (set source_url_template to link files that are not pages to their source)", written, target)
		}
		return linkTextOnly
	}
	sourceURL, ok := fillSourceURL(r.opts.SourceURLTemplate, target)
	if !ok {
		r.warn(line, "the link to %q (%s) leaves the folder source_url_template addresses; only its text is shown", written, target)
		return linkTextOnly
	}
	if markdown && !leavesRoot(target) {
		r.warn(line, "the link to %q (%s) points at no page published with this one; it links to the file's source instead", written, target)
	}
	if i := strings.IndexAny(written, "?#"); i >= 0 {
		sourceURL += written[i:]
	}
	href := safeURL([]byte(sourceURL))
	if href == nil { // cannot happen with an http(s) template; stay safe
		return linkTextOnly
	}
	r.str(`<a href="`)
	r.escapedBytes(href)
	r.str(`">`)
	return linkToURL
}

// leavesRoot reports whether a resolved target lies above the root.
func leavesRoot(target string) bool { return target == ".." || strings.HasPrefix(target, "../") }

// fillSourceURL is the source URL of target, a path in SourcePath's form
// (cleaned; "../" only at its start), by template: "{path}" replaced by the
// path, each segment escaped for a URL path, as the docs tree's Managed in
// Git panel fills it. Each "../" drops a folder of the template's URL path
// before "{path}", as GitHub resolves a relative link against the file's
// URL. It fails when the target climbs above the host, above a forge's
// blob/<branch> (or tree, raw, src: GitHub, GitLab, Bitbucket, Gitea),
// above a "{path}" that does not start a path segment, or when "{path}" is
// not in the URL's path (or there is more than one).
func fillSourceURL(template, target string) (string, bool) {
	climbs := 0
	for leavesRoot(target) {
		climbs++
		target = strings.TrimPrefix(strings.TrimPrefix(target, ".."), "/")
	}
	segments := strings.Split(target, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	escaped := strings.Join(segments, "/")
	if climbs == 0 {
		return strings.ReplaceAll(template, "{path}", escaped), strings.Contains(template, "{path}")
	}
	prefix, rest, found := strings.Cut(template, "{path}")
	scheme := strings.Index(prefix, "://")
	if !found || strings.Contains(rest, "{path}") || scheme < 0 || strings.ContainsAny(prefix, "?#") || !strings.HasSuffix(prefix, "/") {
		return "", false
	}
	hostEnd := strings.IndexByte(prefix[scheme+3:], '/')
	if hostEnd <= 0 {
		return "", false
	}
	hostEnd += scheme + 3
	folders := strings.Split(strings.Trim(prefix[hostEnd:], "/"), "/")
	if folders[0] == "" {
		folders = nil
	}
	if len(folders)-climbs < forgeFloor(folders) {
		return "", false
	}
	kept := prefix[:hostEnd+1]
	if left := folders[:len(folders)-climbs]; len(left) > 0 {
		kept += strings.Join(left, "/") + "/"
	}
	return kept + escaped + rest, true
}

// forgeFloor is how many of a source URL's leading path folders name the
// repository and branch rather than folders in it: up to the segment after
// GitHub's and GitLab's blob, tree or raw, Bitbucket's src, or Gitea's
// src/branch (0 when the URL has none of them).
func forgeFloor(folders []string) int {
	for i, f := range folders {
		switch f {
		case "blob", "tree", "raw", "src":
			floor := i + 2
			if floor < len(folders) && (folders[i+1] == "branch" || folders[i+1] == "tag" || folders[i+1] == "commit") {
				floor++
			}
			return floor
		}
	}
	return 0
}

// anchorLinkStart opens a link to an anchor on this page (or to the page
// itself when anchor is empty).
func (r *storageRenderer) anchorLinkStart(anchor string) {
	if anchor == "" {
		r.str("<ac:link>")
		return
	}
	r.str(`<ac:link ac:anchor="`)
	r.escaped(anchor)
	r.str(`">`)
}

// plainLinkBody writes a plain-text link body.
func (r *storageRenderer) plainLinkBody(text string) {
	r.str("<ac:plain-text-link-body>")
	writeCDATA(&r.w.Builder, text)
	r.str("</ac:plain-text-link-body>")
}

// linkBody writes the body of an ac:link: plain text when the link text has
// no markup, else rich text.
func (r *storageRenderer) linkBody(n ast.Node) {
	plain := true
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); !ok || t.HardLineBreak() {
			if _, isString := c.(*ast.String); !isString {
				plain = false
				break
			}
		}
	}
	if plain {
		if text := r.plainText(n); text != "" {
			r.plainLinkBody(text)
		}
		return
	}
	r.str("<ac:link-body>")
	r.inlineChildren(n)
	r.str("</ac:link-body>")
}

func (r *storageRenderer) image(n *ast.Image) {
	width, height := "", ""
	var list strings.Builder
	for c := n.NextSibling(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok || r.skipText[t] == 0 {
			break
		}
		list.Write(t.Segment.Value(r.source)[:r.skipText[t]])
	}
	if list.Len() > 0 {
		width, height = attributeListValue(list.String(), "width"), attributeListValue(list.String(), "height")
	}
	r.imageElement(string(n.Destination), r.escapedText(n), string(n.Title), width, height, r.lineOf(n))
}

// attributeList matches an attribute list right after a link or image
// (Python-Markdown's attr_list, used by MkDocs: `{ .md-button }`,
// `{ width="300" }`). It is not shown; an image's width and height are
// kept.
var attributeList = regexp.MustCompile(`^\{:?[ \t]*(?:(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}]+))[ \t]*)+\}`)

var attributeListPair = regexp.MustCompile(`([\w-]+)=(?:"([^"]*)"|'([^']*)'|([^\s}]+))`)

func attributeListValue(list, name string) string {
	for _, m := range attributeListPair.FindAllStringSubmatch(list, -1) {
		if m[1] == name {
			return m[2] + m[3] + m[4]
		}
	}
	return ""
}

// prepareAttributeList finds the attribute list that follows a link or
// image. goldmark may split the text at spaces: match on the run of text
// nodes that follows, then skip the match in each.
func (r *storageRenderer) prepareAttributeList(n ast.Node) {
	next, ok := n.NextSibling().(*ast.Text)
	if !ok || !bytes.HasPrefix(next.Segment.Value(r.source), []byte("{")) {
		return
	}
	var run []*ast.Text
	var value []byte
	for c := ast.Node(next); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok {
			break
		}
		run = append(run, t)
		value = append(value, t.Segment.Value(r.source)...)
		if t.SoftLineBreak() || t.HardLineBreak() {
			break
		}
	}
	if m := attributeList.Find(value); m != nil {
		remaining := len(m)
		for _, t := range run {
			skip := min(remaining, t.Segment.Len())
			r.skipText[t] = skip
			remaining -= skip
		}
	}
}

// imageElement writes an ac:image for src: an attachment when src is a
// local file, a URL otherwise. alt is already escaped; title, width and
// height are not.
func (r *storageRenderer) imageElement(src, alt, title, width, height string, line int) {
	src, shown := githubThemedImage(src)
	if !shown {
		return
	}
	var url []byte
	filename := ""
	switch {
	case src == "":
		r.str(alt)
		return
	case isTemplated(src):
		// "{{ site.baseurl }}/a.png", "{{ contributor.avatar_url }}": no
		// file to attach until the site generator runs.
		r.warn(line, "the image %q is a template only the site generator fills in; only its alt text is shown", src)
		r.str(alt)
		return
	case isRemote(src):
		if url = safeURL([]byte(src)); url == nil {
			r.str(alt)
			return
		}
	default:
		p, _ := splitDestination(src)
		filename = r.localImage(resolveRelative(r.opts.SourcePath, p), line)
	}
	r.str("<ac:image")
	if alt != "" {
		r.str(` ac:alt="`)
		r.str(alt)
		r.str(`"`)
	}
	if height = digitsOnly(height); height != "" {
		r.str(` ac:height="`)
		r.str(height)
		r.str(`"`)
	}
	if title != "" {
		r.str(` ac:title="`)
		r.escaped(title)
		r.str(`"`)
	}
	if width = digitsOnly(width); width != "" {
		r.str(` ac:width="`)
		r.str(width)
		r.str(`"`)
	}
	if url != nil {
		r.str(`><ri:url ri:value="`)
		r.escapedBytes(url)
	} else {
		r.str(`><ri:attachment ri:filename="`)
		r.escaped(filename)
	}
	r.str(`" /></ac:image>`)
}

// digitsOnly returns a pixel size ("300" or "300px") as digits, or "" when
// it is something else (a percentage: storage sizes are pixels).
func digitsOnly(size string) string {
	size = strings.TrimSuffix(strings.TrimSpace(size), "px")
	if size == "" || strings.Trim(size, "0123456789") != "" {
		return ""
	}
	return size
}

// localImage records a local image and returns its attachment file name.
func (r *storageRenderer) localImage(p string, line int) string {
	if i, ok := r.imageIndex[p]; ok {
		return r.images[i].Filename
	}
	filename := imageFilename(p, r.hashedImages[p])
	if owner, taken := r.filenameOwner[filename]; taken && owner != p {
		r.collisions[owner], r.collisions[p] = true, true
	} else {
		r.filenameOwner[filename] = p
	}
	r.imageIndex[p] = len(r.images)
	r.images = append(r.images, LocalImage{Path: p, Filename: filename, Line: line})
	return filename
}

// imageFilenameCollisions returns the image paths that were given the same
// file name as another path.
func (r *storageRenderer) imageFilenameCollisions() map[string]bool {
	if len(r.collisions) == 0 {
		return nil
	}
	return r.collisions
}

// imageFilename is the attachment file name of the image at path p: the
// path with "/" replaced by "_" and ".." by "up", so "docs/img/a.png" is
// "docs_img_a.png". It depends on nothing but the path, so it stays the same
// while the page changes. Only when two different paths give one name
// ("a_b/c.png" and "a/b_c.png" on one page) do both get the first eight hex
// digits of the SHA-256 of their path before the extension
// ("a_b_c-1a2b3c4d.png").
func imageFilename(p string, hashed bool) string {
	segments := strings.Split(p, "/")
	for i, s := range segments {
		if s == ".." {
			segments[i] = "up"
		}
	}
	name := strings.Join(segments, "_")
	if name == "" {
		name = "image"
	}
	if hashed {
		sum := sha256.Sum256([]byte(p))
		ext := path.Ext(name)
		name = strings.TrimSuffix(name, ext) + "-" + hex.EncodeToString(sum[:4]) + ext
	}
	return name
}
