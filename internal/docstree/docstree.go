// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package docstree turns a folder of Markdown files into a page tree: which
// file is which page, its title, labels, parent, depth and place among its
// siblings. It reads local files only and sends nothing anywhere; the
// confluence_docs_tree data source is its framework glue.
package docstree

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// GeneratedIndex is the file name a generated folder page is keyed by
// ("guide/index.md"), so that links to the folder ("guide/",
// "guide/index.html") reach it like they would reach a written index page.
const GeneratedIndex = "index.md"

// indexNames are the files that are their folder's page, in order of
// preference when a folder holds several (the order the page resource tries
// them in when it resolves a link to a folder). Docusaurus' index.mdx and
// README.mdx come after the Markdown ones.
var indexNames = []string{"index.md", "README.md", "_index.md", "index.mdx", "README.mdx"}

// summaryName is mdBook's table of contents: its link order is the
// chapters' order, and it is navigation, not a page.
const summaryName = "SUMMARY.md"

// Options tune a scan.
type Options struct {
	// RootName names the root folder: the title of a root index page that
	// has neither a front matter title nor a level-1 heading.
	RootName string
	// MaxDepth is the deepest depth allowed (0 is the top); negative means
	// no limit. A deeper page is an error naming the file.
	MaxDepth int
	// Exclude lists path.Match patterns of files and folders to leave out.
	// A pattern with a "/" is matched against the path from the root
	// ("guide/drafts", "*/CHANGELOG.md"); one without against the name of
	// every file and folder, as in .gitignore ("includes", "_*.md"). A
	// matched folder is left out with everything in it.
	Exclude []string
	// SourceURLTemplate, when not empty, puts a "Managed in Git" panel at
	// the top of every page linking to its source: "{path}" in it is
	// replaced by the page's source path (for a generated folder page, the
	// folder).
	SourceURLTemplate string
	// RequireImages makes a local image whose file is not in the tree (nor
	// in a StaticDirs folder) an error naming the page and the line
	// (published, it would be a broken image). The data source always sets
	// it.
	RequireImages bool
	// IncludeDrafts publishes drafts too (see draftReason); by default they
	// are left out of the tree, as the site generators leave them out of a
	// production build.
	IncludeDrafts bool
	// StaticDirs are folders outside the tree where an image that is not
	// under the root is looked up next, by the same path from the top
	// (Docusaurus' and Hugo's static/: "/img/logo.png" is static/img/
	// logo.png), in order. A lookup never leaves the folder.
	StaticDirs []StaticDir
}

// StaticDir is a folder of static files, as fs.FS, with the name the
// caller knows it by (Image.Dir).
type StaticDir struct {
	Name string
	FS   fs.FS
}

// Image is a local image a page shows, as storage.RenderMarkdown lists it.
type Image struct {
	// Path is the file relative to the root, slash separated.
	Path string
	// Filename is the attachment name the page refers to it by.
	Filename string
	// Dir is the Name of the StaticDirs folder Path was found in, "" when
	// it is under the root (or found nowhere and RequireImages is off).
	Dir string
}

// Page is one page of the tree.
type Page struct {
	// SourcePath is the file relative to the root ("guide/install.md");
	// for a generated folder page, the folder followed by GeneratedIndex.
	SourcePath string
	Title      string
	// Labels come from the front matter's tags and labels, lower case with
	// spaces as "-" (Confluence labels hold no spaces), sorted.
	Labels []string
	// Depth is 0 for the top pages, 1 for their children, and so on.
	Depth int
	// Parent is the parent page's SourcePath, "" for a top page.
	Parent string
	// Order is the page's 0-based place among its siblings.
	Order int
	// Markdown is the text to publish: the file (with the Managed in Git
	// panel when asked for) or, for a generated folder page, a list of
	// links to its children.
	Markdown string
	// Generated is true for a folder page made up for a folder without an
	// index page.
	Generated bool
	Images    []Image
}

// Tree is a scanned folder.
type Tree struct {
	// Pages in tree order: each page before its children, siblings in order.
	Pages []Page
	// Links maps every page's SourcePath to its title, the links map of
	// confluence_page.
	Links map[string]string
	// Children lists each parent's children in order, by the parent's
	// SourcePath; Top lists the top pages in order.
	Children map[string][]string
	Top      []string
	// Drafts are the files left out as drafts, sorted (empty with
	// IncludeDrafts).
	Drafts []string
	// Warnings are what the published pages will miss, one line each,
	// naming the file and the line: links to drafts.
	Warnings []string
}

// entry is a page or a folder while the tree is built.
type entry struct {
	key       string // source path of the page (index page for a folder)
	dir       string // the folder, for a folder entry
	name      string // file or folder name, the last sort key
	file      *fileInfo
	children  []*entry
	rank      int // place in SUMMARY.md, -1 when not listed
	weight    float64
	hasWeight bool
	depth     int
	parent    string
	order     int
	title     string
}

type fileInfo struct {
	markdown    string
	frontMatter map[string]any
	heading     string
	images      []storage.LocalImage
	// imageDirs is the StaticDirs name each image was found in, by path.
	imageDirs map[string]string
	// warnings are the renderer's, with no page published alongside: every
	// relative link warns (see draftLinkWarnings).
	warnings []storage.MarkdownWarning
}

// Scan reads every Markdown file (.md, .markdown, .mdx) under fsys,
// skipping hidden files and folders and, unless IncludeDrafts, drafts, and
// returns the page tree. Nested folders become parent pages: a folder's
// index page (indexNames) is its page, and a folder without one gets a
// generated page listing its children. The root folder's index page, when it has one, is the single
// top page; otherwise the root's files and folders are the top pages.
//
// Errors name the file: unreadable files, bad front matter, two pages with
// one title (Confluence titles are unique in a space), a page deeper than
// MaxDepth.
func Scan(fsys fs.FS, opts Options) (Tree, error) {
	for _, pattern := range opts.Exclude {
		if _, err := path.Match(pattern, ""); err != nil {
			return Tree{}, fmt.Errorf("the exclude pattern %q is malformed (%w); use path.Match syntax: *, ?, [a-z]", pattern, err)
		}
	}
	s := &scanner{fsys: fsys, opts: opts, files: map[string]*fileInfo{}, dirs: map[string][]string{}, drafts: map[string]string{}}
	if err := s.walk(); err != nil {
		return Tree{}, err
	}
	if err := s.readSummary(); err != nil {
		return Tree{}, err
	}
	if err := s.findImages(); err != nil {
		return Tree{}, err
	}
	drafts := append([]string{}, slices.Sorted(maps.Keys(s.drafts))...)
	warnings, err := s.draftLinkWarnings()
	if err != nil {
		return Tree{}, err
	}
	root := s.folder(".")
	if root == nil {
		return Tree{Links: map[string]string{}, Children: map[string][]string{}, Top: []string{}, Drafts: drafts, Warnings: warnings}, nil
	}
	var top []*entry
	if root.file != nil {
		top = []*entry{root}
	} else {
		top = root.children
	}
	for i, e := range top {
		s.place(e, 0, "", i)
	}
	if err := s.titles(); err != nil {
		return Tree{}, err
	}
	tree := Tree{Links: make(map[string]string, len(s.order)), Children: map[string][]string{}, Top: []string{}, Drafts: drafts, Warnings: warnings}
	for _, e := range s.order {
		if opts.MaxDepth >= 0 && e.depth > opts.MaxDepth {
			return Tree{}, fmt.Errorf("%s is %d levels deep, deeper than the %d levels this tree may have (depth 0 to %d); move it up a folder or publish that part of the tree on its own", describe(e), e.depth+1, opts.MaxDepth+1, opts.MaxDepth)
		}
		tree.Links[e.key] = e.title
		if e.parent == "" {
			tree.Top = append(tree.Top, e.key)
		} else {
			tree.Children[e.parent] = append(tree.Children[e.parent], e.key)
		}
	}
	for _, e := range s.order {
		tree.Pages = append(tree.Pages, s.page(e))
	}
	return tree, nil
}

type scanner struct {
	fsys    fs.FS
	opts    Options
	files   map[string]*fileInfo
	dirs    map[string][]string // folder → its Markdown files and sub-folders with Markdown, as paths
	summary map[string]int      // source path → place in SUMMARY.md
	order   []*entry            // placed entries, tree order
	drafts  map[string]string   // source path → why it is a draft, for the files left out
}

// isMarkdown reports whether a file is a page: Markdown, or MDX (Markdown
// with JSX, Docusaurus' format; the renderer shows its Markdown).
func isMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown" || ext == ".mdx"
}

// walk reads every Markdown file and records which folders hold some.
func (s *scanner) walk() error {
	err := fs.WalkDir(s.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s cannot be read: %w", displayPath(p), err)
		}
		if p != "." && (strings.HasPrefix(d.Name(), ".") || s.excluded(p)) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isMarkdown(p) || p == summaryName {
			return nil
		}
		data, err := fs.ReadFile(s.fsys, p)
		if err != nil {
			return fmt.Errorf("%s cannot be read: %w", p, err)
		}
		if !utf8.Valid(data) {
			return fmt.Errorf("%s is not UTF-8 text; save it as UTF-8 or move it out of the folder", p)
		}
		// A byte order mark (editors on Windows write one) is not text,
		// and before "---" it would hide the front matter.
		text := strings.TrimPrefix(string(data), "\ufeff")
		info, draft, err := readFile(p, text, s.opts.IncludeDrafts)
		if err != nil {
			return err
		}
		if draft != "" {
			s.drafts[p] = draft
			return nil
		}
		s.files[p] = info
		for child, dir := p, path.Dir(p); ; child, dir = dir, path.Dir(dir) {
			if slices.Contains(s.dirs[dir], child) {
				break
			}
			s.dirs[dir] = append(s.dirs[dir], child)
			if dir == "." {
				break
			}
		}
		return nil
	})
	return err
}

// excluded reports whether a pattern of Options.Exclude matches the path.
// Folders are matched as the walk reaches them, so a folder left out takes
// everything in it along.
func (s *scanner) excluded(p string) bool {
	for _, pattern := range s.opts.Exclude {
		subject := p
		if !strings.Contains(pattern, "/") {
			subject = path.Base(p)
		}
		if ok, _ := path.Match(pattern, subject); ok {
			return true
		}
	}
	return false
}

// readFile takes what the tree needs from one file, or, for a draft left
// out (includeDrafts false), says why it is a draft and renders nothing.
func readFile(p, markdown string, includeDrafts bool) (info *fileInfo, draft string, err error) {
	fm, err := storage.FrontMatter(markdown)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w; fix the block between the delimiter lines at the top of the file", p, err)
	}
	if draft := draftReason(p, fm); draft != "" && !includeDrafts {
		return nil, draft, nil
	}
	rendered, err := storage.RenderMarkdown(markdown, storage.MarkdownOptions{SourcePath: p, Pages: map[string]storage.PageRef{}})
	if err != nil {
		return nil, "", fmt.Errorf("%s cannot be rendered: %w", p, err)
	}
	return &fileInfo{markdown: markdown, frontMatter: fm, heading: rendered.FirstHeading, images: rendered.Images, warnings: rendered.Warnings}, "", nil
}

// findImages looks every local image a page shows up under the root, then
// in each static folder, and with RequireImages fails, at plan time, for
// every one found nowhere, naming the page and the line: published, it
// would be a broken image.
func (s *scanner) findImages() error {
	var problems []string
	for p, f := range s.files {
		for _, img := range f.images {
			if !fs.ValidPath(img.Path) {
				// "../x.png": above the root, and fs.ValidPath keeps the
				// static folders from being left the same way.
				problems = append(problems, fmt.Sprintf("%s, line %d: the image %s lies outside the tree; move it under the root", p, img.Line, img.Path))
				continue
			}
			dir, found := s.imageDir(img.Path)
			if !found {
				problems = append(problems, fmt.Sprintf("%s, line %d: the image %s does not exist%s; add the file or fix the reference", p, img.Line, img.Path, s.staticHint()))
				continue
			}
			if dir != "" {
				if f.imageDirs == nil {
					f.imageDirs = map[string]string{}
				}
				f.imageDirs[img.Path] = dir
			}
		}
	}
	if len(problems) == 0 || !s.opts.RequireImages {
		return nil
	}
	slices.Sort(problems)
	return errors.New("local images not found:\n  " + strings.Join(problems, "\n  "))
}

// imageDir finds an image file: under the root (dir ""), else in the first
// static folder that holds it.
func (s *scanner) imageDir(p string) (dir string, found bool) {
	if _, err := fs.Stat(s.fsys, p); err == nil {
		return "", true
	}
	for _, static := range s.opts.StaticDirs {
		if _, err := fs.Stat(static.FS, p); err == nil {
			return static.Name, true
		}
	}
	return "", false
}

// staticHint names the folders a missing image was looked up in besides
// the root, or suggests static folders when there are none.
func (s *scanner) staticHint() string {
	if len(s.opts.StaticDirs) == 0 {
		return " under the root (for /img/… paths served from a static/ folder, list that folder in static_dirs)"
	}
	names := make([]string, len(s.opts.StaticDirs))
	for i, d := range s.opts.StaticDirs {
		names[i] = d.Name
	}
	return " under the root nor in " + strings.Join(names, ", ")
}

// readSummary reads the order of mdBook's SUMMARY.md at the root, if any.
func (s *scanner) readSummary() error {
	data, err := fs.ReadFile(s.fsys, summaryName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s cannot be read: %w", summaryName, err)
	}
	s.summary = map[string]int{}
	for i, dest := range summaryLinks(data) {
		if _, seen := s.summary[dest]; !seen {
			s.summary[dest] = i
		}
	}
	return nil
}

// folder builds the entry of a folder that holds Markdown (nil otherwise):
// its index page if it has one, and its other files and sub-folders.
func (s *scanner) folder(dir string) *entry {
	members := s.dirs[dir]
	if len(members) == 0 {
		return nil
	}
	e := &entry{dir: dir, name: path.Base(dir), rank: -1, key: s.folderKey(dir)}
	e.file = s.files[e.key]
	if e.key == "" {
		e.key = GeneratedIndex // the root: no page, its children are the top pages
	}
	for _, m := range members {
		var child *entry
		switch {
		case m == e.key:
			continue
		case s.files[m] != nil:
			child = &entry{key: m, name: path.Base(m), file: s.files[m]}
			s.sortKeys(child)
		default:
			child = s.folder(m)
		}
		e.children = append(e.children, child)
	}
	s.sortKeys(e)
	slices.SortStableFunc(e.children, compareSiblings)
	return e
}

// sortKeys sets an entry's SUMMARY.md rank and front matter weight. A
// folder without an index page ranks where its first listed descendant does.
func (s *scanner) sortKeys(e *entry) {
	e.rank = -1
	if r, ok := s.summary[e.key]; ok && e.file != nil {
		e.rank = r
	} else if e.file == nil {
		for _, c := range e.children {
			if c.rank >= 0 && (e.rank < 0 || c.rank < e.rank) {
				e.rank = c.rank
			}
		}
	}
	if e.file != nil {
		e.weight, e.hasWeight = weight(e.file.frontMatter)
	}
}

// compareSiblings orders pages as their source does: SUMMARY.md order
// first, then front matter weight (lower first, unweighted after), then
// by name.
func compareSiblings(a, b *entry) int {
	switch {
	case (a.rank >= 0) != (b.rank >= 0):
		return boolOrder(a.rank >= 0)
	case a.rank != b.rank:
		return a.rank - b.rank
	case a.hasWeight != b.hasWeight:
		return boolOrder(a.hasWeight)
	case a.weight < b.weight:
		return -1
	case a.weight > b.weight:
		return 1
	}
	if c := strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

func boolOrder(first bool) int {
	if first {
		return -1
	}
	return 1
}

// place records an entry and its descendants in tree order.
func (s *scanner) place(e *entry, depth int, parent string, order int) {
	e.depth, e.parent, e.order = depth, parent, order
	s.order = append(s.order, e)
	for i, c := range e.children {
		s.place(c, depth+1, e.key, i)
	}
}

// titles gives every page its title and fails on two pages with one title.
// A generated folder title that another page has too ("Api" for guide/api/
// and reference/api/, a common shape of real trees) is qualified with its
// parent's title ("Reference / Api"), so the tree publishes; titles the
// author wrote are never changed, and two of them that clash fail the plan.
func (s *scanner) titles() error {
	count := map[string]int{}
	for _, e := range s.order {
		e.title = s.title(e)
		count[strings.ToLower(e.title)]++
	}
	byKey := make(map[string]*entry, len(s.order))
	for _, e := range s.order { // parents first: a parent's title is final before its children's
		byKey[e.key] = e
		if e.file == nil && count[strings.ToLower(e.title)] > 1 {
			e.title = qualifiedTitle(s.parentTitle(byKey, e), e.title)
		}
	}
	seen := map[string]*entry{}
	for _, e := range s.order {
		folded := strings.ToLower(e.title)
		if other, dup := seen[folded]; dup {
			return fmt.Errorf("%s and %s both have the title %q, and titles are unique in a Confluence space; %s", describe(other), describe(e), e.title, retitleHint(other, e))
		}
		seen[folded] = e
	}
	return nil
}

// parentTitle is the title of e's parent page, or for a top page the root
// folder's name.
func (s *scanner) parentTitle(byKey map[string]*entry, e *entry) string {
	if parent, ok := byKey[e.parent]; ok && e.parent != "" {
		return parent.title
	}
	return nameTitle(s.opts.RootName)
}

// qualifiedTitle is a generated title told apart by its parent's title.
func qualifiedTitle(parent, title string) string {
	return parent + " / " + title
}

// title is the front matter title, else the first level-1 heading, else
// the file (or, for a folder page, the folder) name.
func (s *scanner) title(e *entry) string {
	if e.file != nil {
		if t, ok := e.file.frontMatter["title"].(string); ok && strings.TrimSpace(t) != "" {
			return strings.TrimSpace(t)
		}
		if e.file.heading != "" {
			return e.file.heading
		}
	}
	name := strings.TrimSuffix(e.name, path.Ext(e.name))
	if e.dir != "" || slices.Contains(indexNames, e.name) {
		name = path.Base(path.Dir(e.key))
	}
	if name == "." || name == "" {
		name = s.opts.RootName
	}
	return nameTitle(name)
}

// nameTitle makes a title of a file name: "getting-started" → "Getting started".
func nameTitle(name string) string {
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return ' '
		}
		return r
	}, name))
	if name == "" {
		return "Home"
	}
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}

// retitleHint says how to give one of two pages with one title another
// title: a written title is edited in its file, a generated one by giving
// its folder an index page.
func retitleHint(a, b *entry) string {
	for _, e := range []*entry{b, a} {
		if e.file == nil {
			return fmt.Sprintf("give the folder %s/ an index.md with a `title:` in its front matter (or a `# heading`), or give the other page another title", e.dir)
		}
	}
	return "give one of them another title (front matter `title:` or its first `# heading`)"
}

func describe(e *entry) string {
	if e.file == nil {
		return fmt.Sprintf("the generated page of folder %s/", e.dir)
	}
	return e.key
}

func displayPath(p string) string {
	if p == "." {
		return "the root folder"
	}
	return p
}

// page is the published form of an entry.
func (s *scanner) page(e *entry) Page {
	p := Page{SourcePath: e.key, Title: e.title, Depth: e.depth, Parent: e.parent, Order: e.order, Labels: []string{}, Images: []Image{}}
	source := e.key
	if e.file == nil {
		p.Generated = true
		p.Markdown = s.folderMarkdown(e)
		source = e.dir
	} else {
		p.Markdown = e.file.markdown
		p.Labels = labels(e.file.frontMatter)
		for _, img := range e.file.images {
			p.Images = append(p.Images, Image{Path: img.Path, Filename: img.Filename, Dir: e.file.imageDirs[img.Path]})
		}
	}
	if s.opts.SourceURLTemplate != "" {
		p.Markdown = WithBanner(p.Markdown, source, SourceURL(s.opts.SourceURLTemplate, source))
	}
	return p
}

// folderMarkdown lists a generated folder page's children as links, which
// the page resource turns into page links by title.
func (s *scanner) folderMarkdown(e *entry) string {
	var b strings.Builder
	b.WriteString("Pages in this section:\n\n")
	for _, c := range e.children {
		fmt.Fprintf(&b, "- [%s](<%s>)\n", escapeLinkText(c.title), strings.TrimPrefix(c.key, e.dir+"/"))
	}
	return b.String()
}

func escapeLinkText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\[]*_`<>", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
