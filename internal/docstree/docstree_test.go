// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func files(m map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for k, v := range m {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

// outline is a tree in one line per page: indentation by depth, then
// "source path = title", in tree order, so a test states the whole shape.
func outline(t *testing.T, tree Tree) []string {
	t.Helper()
	var out []string
	parents := map[string]Page{}
	for i, p := range tree.Pages {
		if p.Parent != "" {
			parent, ok := parents[p.Parent]
			if !ok || parent.Depth != p.Depth-1 {
				t.Errorf("page %s: parent %q is not a page one level up (tree order must put parents first)", p.SourcePath, p.Parent)
			}
		} else if p.Depth != 0 {
			t.Errorf("page %s at depth %d has no parent", p.SourcePath, p.Depth)
		}
		if i > 0 && tree.Pages[i-1].Parent == p.Parent && tree.Pages[i-1].Order != p.Order-1 {
			t.Errorf("page %s: order %d does not follow its sibling's %d", p.SourcePath, p.Order, tree.Pages[i-1].Order)
		}
		if tree.Links[p.SourcePath] != p.Title {
			t.Errorf("links[%s] = %q, want the title %q", p.SourcePath, tree.Links[p.SourcePath], p.Title)
		}
		parents[p.SourcePath] = p
		out = append(out, strings.Repeat("  ", p.Depth)+p.SourcePath+" = "+p.Title)
	}
	// Children and Top list every page once, siblings in order.
	listed := 0
	for _, p := range tree.Pages {
		siblings := tree.Top
		if p.Parent != "" {
			siblings = tree.Children[p.Parent]
		}
		if p.Order >= len(siblings) || siblings[p.Order] != p.SourcePath {
			t.Errorf("page %s (order %d) is not in place among its siblings %v", p.SourcePath, p.Order, siblings)
		}
	}
	for _, kids := range tree.Children {
		listed += len(kids)
	}
	if listed+len(tree.Top) != len(tree.Pages) {
		t.Errorf("children and top list %d pages of %d", listed+len(tree.Top), len(tree.Pages))
	}
	if len(tree.Links) != len(tree.Pages) {
		t.Errorf("links has %d entries for %d pages", len(tree.Links), len(tree.Pages))
	}
	return out
}

func TestScan(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string
		check func(t *testing.T, tree Tree)
	}{
		{
			name: "mdBook: SUMMARY.md orders chapters and is not a page",
			files: map[string]string{
				"SUMMARY.md":           "# Summary\n\n[Introduction](README.md)\n\n- [Zebra setup](zebra.md)\n- [Chapter two](chapter_2/README.md)\n  - [Later](chapter_2/later.md)\n  - [Earlier](chapter_2/earlier.md)\n- [Draft]()\n- [Site](https://example.com/)\n",
				"README.md":            "# The Book\n\nIntro.\n",
				"zebra.md":             "# Zebra setup\n",
				"apple.md":             "# Apple appendix\n\nNot in the summary: after the listed chapters.\n",
				"chapter_2/README.md":  "# Chapter two\n",
				"chapter_2/earlier.md": "# Earlier\n",
				"chapter_2/later.md":   "# Later\n",
			},
			opts: Options{RootName: "src", MaxDepth: -1},
			want: []string{
				"README.md = The Book",
				"  zebra.md = Zebra setup",
				"  chapter_2/README.md = Chapter two",
				"    chapter_2/later.md = Later",
				"    chapter_2/earlier.md = Earlier",
				"  apple.md = Apple appendix",
			},
		},
		{
			name: "MkDocs and Just the Docs: weights order siblings, unweighted pages follow by name",
			files: map[string]string{
				"index.md":        "---\ntitle: Handbook\n---\n# Welcome\n",
				"b-setup.md":      "---\nweight: 1\ntags: [Getting Started, setup]\n---\n# Setup\n",
				"a-usage.md":      "---\nnav_order: 2.5\nlabels: ops\n---\n# Usage\n",
				"c-faq.md":        "# FAQ\n",
				"about.md":        "No heading at all.\n",
				"ref/index.md":    "---\nweight: 0\n---\n# Reference\n",
				"ref/cli.md":      "# CLI\n",
				"assets/logo.png": "not markdown",
				".github/x.md":    "# Hidden\n",
				"notes.txt":       "not markdown",
			},
			opts: Options{RootName: "docs", MaxDepth: -1},
			want: []string{
				"index.md = Handbook",
				"  ref/index.md = Reference",
				"    ref/cli.md = CLI",
				"  b-setup.md = Setup",
				"  a-usage.md = Usage",
				"  about.md = About",
				"  c-faq.md = FAQ",
			},
			check: func(t *testing.T, tree Tree) {
				byPath := pagesByPath(tree)
				if got := byPath["b-setup.md"].Labels; !reflect.DeepEqual(got, []string{"getting-started", "setup"}) {
					t.Errorf("labels from tags: %v", got)
				}
				if got := byPath["a-usage.md"].Labels; !reflect.DeepEqual(got, []string{"ops"}) {
					t.Errorf("labels from one string: %v", got)
				}
				if got := byPath["c-faq.md"].Labels; got == nil || len(got) != 0 {
					t.Errorf("no labels must be an empty list, got %#v", got)
				}
			},
		},
		{
			name: "Hugo: _index.md is the section page, TOML front matter",
			files: map[string]string{
				"_index.md":                "+++\ntitle = \"Docs home\"\n+++\n",
				"posts/_index.md":          "---\ntitle: Posts\nweight: 2\n---\n",
				"posts/first.md":           "+++\ntitle = \"First post\"\nweight = 1\ntags = [\"news\"]\n+++\nBody\n",
				"posts/second.md":          "+++\ntitle = \"Second post\"\nweight = 2\n+++\nBody\n",
				"guides/_index.md":         "---\ntitle: Guides\nweight: 1\n---\n",
				"guides/install/_index.md": "---\ntitle: Installing\n---\n",
				"guides/install/linux.md":  "# Linux\n",
			},
			opts: Options{RootName: "content", MaxDepth: -1},
			want: []string{
				"_index.md = Docs home",
				"  guides/_index.md = Guides",
				"    guides/install/_index.md = Installing",
				"      guides/install/linux.md = Linux",
				"  posts/_index.md = Posts",
				"    posts/first.md = First post",
				"    posts/second.md = Second post",
			},
		},
		{
			name: "no root index: the root's files and folders are the top pages; a folder without an index gets a generated page",
			files: map[string]string{
				"intro.md":           "# Intro\n",
				"how-to/deploy.md":   "# Deploy\n",
				"how-to/rollback.md": "# Roll back\n",
				"how-to/deep/x.md":   "# X\n",
			},
			opts: Options{RootName: "docs", MaxDepth: -1},
			want: []string{
				"how-to/index.md = How to",
				"  how-to/deep/index.md = Deep",
				"    how-to/deep/x.md = X",
				"  how-to/deploy.md = Deploy",
				"  how-to/rollback.md = Roll back",
				"intro.md = Intro",
			},
			check: func(t *testing.T, tree Tree) {
				folder := pagesByPath(tree)["how-to/index.md"]
				if !folder.Generated || len(folder.Images) != 0 {
					t.Errorf("the folder page must be generated: %+v", folder)
				}
				want := "Pages in this section:\n\n- [Deep](<deep/index.md>)\n- [Deploy](<deploy.md>)\n- [Roll back](<rollback.md>)\n"
				if folder.Markdown != want {
					t.Errorf("generated page:\n%s\nwant:\n%s", folder.Markdown, want)
				}
				if pagesByPath(tree)["intro.md"].Generated {
					t.Error("a file's page is not generated")
				}
			},
		},
		{
			name: "index.md wins over README.md, which becomes a child page",
			files: map[string]string{
				"index.md":  "# Home\n",
				"README.md": "# Read me\n",
			},
			opts: Options{MaxDepth: -1},
			want: []string{"index.md = Home", "  README.md = Read me"},
		},
		{
			name: "title falls back to the folder name for an index page, to the root name at the top",
			files: map[string]string{
				"README.md":                 "no heading\n",
				"user_guide/README.md":      "## Only a level-2 heading\n",
				"user_guide/first-steps.md": "Text\n",
			},
			opts: Options{RootName: "product-docs", MaxDepth: -1},
			want: []string{
				"README.md = Product docs",
				"  user_guide/README.md = User guide",
				"    user_guide/first-steps.md = First steps",
			},
		},
		{
			name: "seven levels of folders",
			files: map[string]string{
				"index.md":              "# Top\n",
				"a/b/c/d/e/f/g/page.md": "# Deepest\n",
				"a/index.md":            "# A\n",
				"a/b/c/d/e/f/index.md":  "# F\n",
			},
			opts: Options{MaxDepth: 9},
			want: []string{
				"index.md = Top",
				"  a/index.md = A",
				"    a/b/index.md = B",
				"      a/b/c/index.md = C",
				"        a/b/c/d/index.md = D",
				"          a/b/c/d/e/index.md = E",
				"            a/b/c/d/e/f/index.md = F",
				"              a/b/c/d/e/f/g/index.md = G",
				"                a/b/c/d/e/f/g/page.md = Deepest",
			},
		},
		{
			name: "images are listed per page",
			files: map[string]string{
				"guide/intro.md": "# Intro\n\n![Flow](img/flow.png) ![Remote](https://example.com/x.png)\n\n<img src=\"../shared/logo.svg\" width=\"40\">\n",
			},
			opts: Options{MaxDepth: -1},
			want: []string{"guide/index.md = Guide", "  guide/intro.md = Intro"},
			check: func(t *testing.T, tree Tree) {
				got := pagesByPath(tree)["guide/intro.md"].Images
				want := []Image{{Path: "guide/img/flow.png", Filename: "guide_img_flow.png"}, {Path: "shared/logo.svg", Filename: "shared_logo.svg"}}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("images %+v, want %+v", got, want)
				}
			},
		},
		{
			name: "exclude leaves out files and whole folders",
			files: map[string]string{
				"index.md":              "# Home\n",
				"includes/abbr.md":      "*[HTML]: Hyper Text Markup Language\n",
				"drafts/next/idea.md":   "# Idea\n",
				"guide/CHANGELOG.md":    "# Changes\n",
				"guide/install.md":      "# Install\n",
				"drafts/keep.md":        "# Kept\n",
				"CHANGELOG.md":          "# Root changes\n",
				"guide/includes/tip.md": "# Tip\n",
			},
			opts: Options{MaxDepth: -1, Exclude: []string{"includes", "drafts/next", "guide/CHANGE*"}},
			want: []string{
				"index.md = Home",
				"  CHANGELOG.md = Root changes",
				"  drafts/index.md = Drafts",
				"    drafts/keep.md = Kept",
				"  guide/index.md = Guide",
				"    guide/install.md = Install",
			},
		},
		{
			name:  "an empty folder is an empty tree",
			files: map[string]string{"img/a.png": "png"},
			opts:  Options{MaxDepth: -1},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Scan(files(tt.files), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := outline(t, tree)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, p := range tree.Pages {
				if !p.Generated && p.Markdown != tt.files[p.SourcePath] {
					t.Errorf("page %s: the Markdown must be the file as written", p.SourcePath)
				}
			}
			if tt.check != nil {
				tt.check(t, tree)
			}
		})
	}
}

func pagesByPath(tree Tree) map[string]Page {
	m := map[string]Page{}
	for _, p := range tree.Pages {
		m[p.SourcePath] = p
	}
	return m
}

func TestScanErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string
	}{
		{
			name:  "two files with one title",
			files: map[string]string{"guide/install.md": "# Install\n", "ops/setup.md": "---\ntitle: install\n---\n"},
			opts:  Options{MaxDepth: -1},
			want:  []string{"guide/install.md and ops/setup.md", `title "install"`, "unique in a Confluence space"},
		},
		{
			name:  "deeper than allowed",
			files: map[string]string{"a/b/c.md": "# C\n"},
			opts:  Options{MaxDepth: 1},
			want:  []string{"a/b/c.md is 3 levels deep", "depth 0 to 1"},
		},
		{
			name:  "bad front matter",
			files: map[string]string{"bad.md": "---\ntitle: [unclosed\n---\n# Bad\n"},
			opts:  Options{MaxDepth: -1},
			want:  []string{"bad.md:", "YAML front matter"},
		},
		{
			name:  "malformed exclude pattern",
			files: map[string]string{"a.md": "# A\n"},
			opts:  Options{MaxDepth: -1, Exclude: []string{"[a-"}},
			want:  []string{`exclude pattern "[a-" is malformed`},
		},
		{
			name:  "not UTF-8",
			files: map[string]string{"latin1.md": "caf\xe9\n"},
			opts:  Options{MaxDepth: -1},
			want:  []string{"latin1.md is not UTF-8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Scan(files(tt.files), tt.opts)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestBanner(t *testing.T) {
	const panel = "> [!INFO]\n> **Managed in Git:** this page is published from [guide/my page.md](<https://git.example/blob/main/docs/guide/my%20page.md>). Edit the source there; edits made here are replaced when it is published again.\n\n"
	url := SourceURL("https://git.example/blob/main/docs/{path}", "guide/my page.md")
	tests := []struct{ in, want string }{
		{"# Title\n", panel + "# Title\n"},
		{"---\ntitle: T\n---\n# Title\n", "---\ntitle: T\n---\n" + panel + "# Title\n"},
		{"+++\ntitle = \"T\"\n+++\r\nBody\r\n", "+++\ntitle = \"T\"\n+++\r\n" + panel + "Body\r\n"},
		{"---\ntitle: T\n---", "---\ntitle: T\n---\n" + panel},
		{"---\n\nA thematic break, not front matter\n", panel + "---\n\nA thematic break, not front matter\n"},
		{"", panel},
	}
	for i, tt := range tests {
		if got := WithBanner(tt.in, "guide/my page.md", url); got != tt.want {
			t.Errorf("%d: got\n%q\nwant\n%q", i, got, tt.want)
		}
	}
}

func TestScanBanner(t *testing.T) {
	tree, err := Scan(files(map[string]string{"a/x.md": "---\ntitle: X\n---\nBody\n"}), Options{MaxDepth: -1, SourceURLTemplate: "https://git.example/{path}?plain=1"})
	if err != nil {
		t.Fatal(err)
	}
	byPath := pagesByPath(tree)
	for key, link := range map[string]string{"a/x.md": "[a/x.md](<https://git.example/a/x.md?plain=1>)", "a/index.md": "[a](<https://git.example/a?plain=1>)"} {
		md := byPath[key].Markdown
		if !strings.Contains(md, "> [!INFO]\n> **Managed in Git:** this page is published from "+link) {
			t.Errorf("%s lacks the panel linking %s:\n%s", key, link, md)
		}
	}
	if !strings.HasPrefix(byPath["a/x.md"].Markdown, "---\ntitle: X\n---\n> [!INFO]") {
		t.Errorf("the panel goes after the front matter:\n%s", byPath["a/x.md"].Markdown)
	}
}

// The repository's Markdown fixtures, written like real mdBook, MkDocs and
// Hugo sources, scanned as the trees they are.
func TestScanFixtures(t *testing.T) {
	tests := []struct {
		root string
		want []string
	}{
		{"mdbook/src", []string{
			"README.md = Introduction",
			"  guide/index.md = Guide",
			"    guide/installation.md = Installation",
			"    guide/reading.md = Reading Books",
		}},
		{"mkdocs/docs", []string{
			"index.md = Material for MkDocs",
			"  getting-started.md = Getting started",
			"  setup/index.md = Setup",
			"    setup/changing-the-colors.md = Changing the colors",
		}},
		{"hugo/content", []string{
			"docs/_index.md = Documentation",
			"  docs/getting-started/_index.md = Getting Started",
			"    docs/getting-started/installation.md = Installation",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			tree, err := Scan(os.DirFS(filepath.Join("..", "storage", "testdata", "markdown", filepath.FromSlash(tt.root))), Options{MaxDepth: -1})
			if err != nil {
				t.Fatal(err)
			}
			if got := outline(t, tree); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, p := range tree.Pages {
				if strings.Contains(p.SourcePath, "SUMMARY") {
					t.Errorf("SUMMARY.md is navigation, not a page")
				}
			}
		})
	}
}

func TestScanMissingImagesFailNamingPageAndLine(t *testing.T) {
	fsys := fstest.MapFS{
		"index.md":     {Data: []byte("# Home\n\n![Here](img/here.png)\n\n![Gone](img/gone.png)\n")},
		"img/here.png": {Data: []byte("png")},
		"guide/a.md":   {Data: []byte("# A\n\n![Up](../../outside.png)\n")},
	}
	if _, err := Scan(fsys, Options{MaxDepth: -1}); err != nil {
		t.Fatalf("without RequireImages the scan does not look at image files: %v", err)
	}
	_, err := Scan(fsys, Options{MaxDepth: -1, RequireImages: true})
	if err == nil {
		t.Fatal("missing images must fail the scan")
	}
	for _, want := range []string{"index.md, line 5: the image img/gone.png does not exist", "guide/a.md, line 3: the image ../outside.png lies outside the tree"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "here.png") {
		t.Errorf("an image that exists is not a problem: %v", err)
	}
}
