// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

// Trees as real documentation sites write them (Hugo, Docusaurus, Jekyll,
// MkDocs): what a reviewer found when 3,447 real files went through Scan.

func TestScanDrafts(t *testing.T) {
	site := map[string]string{
		"index.md":          "# Home\n\nSee [the plans](wip.md), [old](old.md) and [the guide](guide/).\n",
		"wip.md":            "---\ntitle: Secret plans\ndraft: true\n---\nTBD\n",                                  // Hugo, Docusaurus
		"old.md":            "---\npublished: false\n---\n# Old\n",                                                // Jekyll
		"toml.md":           "+++\ndraft = true\ntitle = \"Home\"\n+++\nA draft whose title clashes: no error.\n", // Hugo TOML
		"quoted.md":         "---\ndraft: \"true\"\n---\n# Quoted\n",
		"_drafts/post.md":   "# Post\n",                         // Jekyll's folder
		"guide/index.md":    "---\ndraft: true\n---\n# Guide\n", // a draft index page
		"guide/install.md":  "# Install\n",
		"final.md":          "---\ndraft: false\npublished: true\n---\n# Final\n",
		"dated.md":          "---\npublished: 2024-05-01\n---\n# Dated\n",       // Hugo: published is a date
		"wip-image.md":      "---\ndraft: true\n---\n![missing](nowhere.png)\n", // a draft's images are not checked
		"mdbook-drafts.md":  "# Chapters\n\n[no link]()\n",
		"unrelated/more.md": "---\ndraft: yes\n---\n# More\n", // YAML 1.2: "yes" is a string, not a boolean
	}
	tree, err := Scan(files(site), Options{MaxDepth: -1, RequireImages: true})
	if err != nil {
		t.Fatal(err)
	}
	got := outline(t, tree)
	want := []string{
		"index.md = Home",
		"  dated.md = Dated",
		"  final.md = Final",
		"  guide/index.md = Guide", // generated: its index page is a draft
		"    guide/install.md = Install",
		"  mdbook-drafts.md = Chapters",
		"  unrelated/index.md = Unrelated",
		"    unrelated/more.md = More",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !pagesByPath(tree)["guide/index.md"].Generated {
		t.Error("a folder whose index page is a draft gets a generated page")
	}
	wantDrafts := []string{"_drafts/post.md", "guide/index.md", "old.md", "quoted.md", "toml.md", "wip-image.md", "wip.md"}
	if !slices.Equal(tree.Drafts, wantDrafts) {
		t.Errorf("drafts %v, want %v", tree.Drafts, wantDrafts)
	}
	// The links to drafts are warned about, naming the page, the line and
	// the draft; the link to the folder whose index is a draft reaches its
	// generated page and is not.
	wantWarnings := []string{
		"index.md, line 3: the link to wip.md leads to a draft (draft: true)",
		"index.md, line 3: the link to old.md leads to a draft (published: false)",
	}
	if len(tree.Warnings) != len(wantWarnings) {
		t.Fatalf("warnings %q, want %d", tree.Warnings, len(wantWarnings))
	}
	for i, w := range wantWarnings {
		if !strings.HasPrefix(tree.Warnings[i], w) || !strings.Contains(tree.Warnings[i], "left out of the tree") {
			t.Errorf("warning %q, want it to start with %q", tree.Warnings[i], w)
		}
	}

	// Opted in, drafts are pages like any other.
	withDrafts, err := Scan(files(map[string]string{"index.md": "# Home\n\n[plans](wip.md)\n", "wip.md": "---\ndraft: true\n---\n# Plans\n", "old.md": "---\npublished: false\n---\n# Old\n"}),
		Options{MaxDepth: -1, IncludeDrafts: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := outline(t, withDrafts); !slices.Equal(got, []string{"index.md = Home", "  old.md = Old", "  wip.md = Plans"}) {
		t.Errorf("with drafts: %v", got)
	}
	if len(withDrafts.Drafts) != 0 || len(withDrafts.Warnings) != 0 {
		t.Errorf("with drafts published, nothing is left out: %v %v", withDrafts.Drafts, withDrafts.Warnings)
	}
}

// A tree of nothing but drafts is empty, not an error.
func TestScanOnlyDrafts(t *testing.T) {
	tree, err := Scan(files(map[string]string{"wip.md": "---\ndraft: true\n---\nTBD\n"}), Options{MaxDepth: -1})
	if err != nil || len(tree.Pages) != 0 || !slices.Equal(tree.Drafts, []string{"wip.md"}) {
		t.Errorf("tree %+v, err %v", tree, err)
	}
}

func TestLabel(t *testing.T) {
	for tag, want := range map[string]string{
		"Node.js":                 "node-js",
		"C#":                      "c-",
		"C++":                     "c++",
		".NET":                    "-net",
		"  Team  Docs ":           "team-docs",
		"a - b":                   "a-b",
		"foo:bar;baz":             "foo-bar-baz",
		"[x] (y)":                 "-x-y-",
		"what?!":                  "what-",
		"a&b@c^d*e<f>g":           "a-b-c-d-e-f-g",
		"Ünïcode Straße":          "ünïcode-straße",
		"snake_case":              "snake_case",
		"#":                       "",
		"...":                     "",
		" ":                       "",
		"-":                       "",
		strings.Repeat("ab", 200): strings.Repeat("ab", 127) + "a",
		strings.Repeat("é", 300):  strings.Repeat("é", 255),
	} {
		got := Label(tag)
		if got != want {
			t.Errorf("Label(%q) = %q, want %q", tag, got, want)
		}
		if got != "" {
			if err := validators.CheckLabelName(got); err != nil {
				t.Errorf("Label(%q) = %q, which the label validator rejects: %v", tag, got, err)
			}
		}
	}
}

func TestScanLabelsFromTags(t *testing.T) {
	tree, err := Scan(files(map[string]string{
		"a.md": "---\ntags: [Node.js, C#, node js, \"#\", 3]\nlabels: Release Notes\n---\n# A\n",
	}), Options{MaxDepth: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := pagesByPath(tree)["a.md"].Labels
	if want := []string{"c-", "node-js", "release-notes"}; !slices.Equal(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
	for _, label := range got {
		if err := validators.CheckLabelName(label); err != nil {
			t.Errorf("label %q: %v", label, err)
		}
	}
}

func TestScanGeneratedTitleCollisions(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "two generated folder pages: each qualified by its parent",
			files: map[string]string{"guide/api/x.md": "# X\n", "reference/api/y.md": "# Y\n"},
			want: []string{
				"guide/index.md = Guide",
				"  guide/api/index.md = Guide / Api",
				"    guide/api/x.md = X",
				"reference/index.md = Reference",
				"  reference/api/index.md = Reference / Api",
				"    reference/api/y.md = Y",
			},
		},
		{
			name:  "a generated page and a written title: the written one stays",
			files: map[string]string{"index.md": "# Handbook\n", "api.md": "# Api\n", "guide/api/x.md": "# X\n"},
			want: []string{
				"index.md = Handbook",
				"  api.md = Api",
				"  guide/index.md = Guide",
				"    guide/api/index.md = Guide / Api",
				"      guide/api/x.md = X",
			},
		},
		{
			name:  "a generated top page is qualified by the root folder's name",
			files: map[string]string{"guide.md": "# Guide\n", "guide/install.md": "# Install\n"},
			want: []string{
				"guide/index.md = Handbook / Guide",
				"  guide/install.md = Install",
				"guide.md = Guide",
			},
		},
		{
			name:  "a qualified parent qualifies its child",
			files: map[string]string{"a/api/v1/x.md": "# X\n", "b/api/v1/y.md": "# Y\n"},
			want: []string{
				"a/index.md = A",
				"  a/api/index.md = A / Api",
				"    a/api/v1/index.md = A / Api / V1",
				"      a/api/v1/x.md = X",
				"b/index.md = B",
				"  b/api/index.md = B / Api",
				"    b/api/v1/index.md = B / Api / V1",
				"      b/api/v1/y.md = Y",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Scan(files(tt.files), Options{MaxDepth: -1, RootName: "handbook"})
			if err != nil {
				t.Fatal(err)
			}
			if got := outline(t, tree); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}

	// The parent's generated page lists the qualified title.
	tree, err := Scan(files(map[string]string{"guide/api/x.md": "# X\n", "reference/api/y.md": "# Y\n"}), Options{MaxDepth: -1})
	if err != nil {
		t.Fatal(err)
	}
	if md := pagesByPath(tree)["reference/index.md"].Markdown; !strings.Contains(md, "[Reference / Api](<api/index.md>)") {
		t.Errorf("the folder page lists its children by their titles:\n%s", md)
	}
}

func TestScanTitleCollisionsStillFail(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "two written titles",
			files: map[string]string{"guide/install.md": "# Install\n", "ops/setup.md": "---\ntitle: install\n---\n"},
			want:  []string{"guide/install.md and ops/setup.md", `title "install"`, "give one of them another title"},
		},
		{
			name:  "a qualified title that a written title has too",
			files: map[string]string{"guide/api/x.md": "# X\n", "reference/api/y.md": "# Y\n", "z.md": "# Reference / Api\n"},
			want:  []string{"the generated page of folder reference/api/", "z.md", `"Reference / Api"`, "give the folder reference/api/ an index.md"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Scan(files(tt.files), Options{MaxDepth: -1})
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

func TestScanMDX(t *testing.T) {
	tree, err := Scan(files(map[string]string{
		"intro.mdx":           "# Intro\n",
		"guide.md":            "# Guide\n\n[Intro](./intro.mdx)\n",
		"tutorial/index.mdx":  "# Tutorial\n",
		"tutorial/basics.MDX": "# Basics\n",
		"api/README.mdx":      "# API\n",
		"api/index.md":        "# API index\n", // .md is preferred over .mdx
		"api/x.mdx":           "# X\n",
	}), Options{MaxDepth: -1})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"api/index.md = API index",
		"  api/README.mdx = API",
		"  api/x.mdx = X",
		"guide.md = Guide",
		"intro.mdx = Intro",
		"tutorial/index.mdx = Tutorial",
		"  tutorial/basics.MDX = Basics",
	}
	if got := outline(t, tree); !reflect.DeepEqual(got, want) {
		t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestScanStaticDirs(t *testing.T) {
	site := files(map[string]string{
		"intro.md":      "# Intro\n\n![Logo](/img/logo.png)\n\n![Local](img/local.png)\n",
		"guide/a.md":    "# A\n\n<img src=\"/img/logo.png\">\n\n![Both](/both.png)\n",
		"img/local.png": "png",
		"both.png":      "root wins",
		"guide/deep.md": "# Deep\n",
	})
	static := StaticDir{Name: "../static", FS: fstest.MapFS{"img/logo.png": {Data: []byte("png")}, "both.png": {Data: []byte("static")}}}
	empty := StaticDir{Name: "assets", FS: fstest.MapFS{}}
	tree, err := Scan(site, Options{MaxDepth: -1, RequireImages: true, StaticDirs: []StaticDir{empty, static}})
	if err != nil {
		t.Fatal(err)
	}
	pages := pagesByPath(tree)
	if got, want := pages["intro.md"].Images, []Image{{Path: "img/logo.png", Filename: "img_logo.png", Dir: "../static"}, {Path: "img/local.png", Filename: "img_local.png"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("intro.md images %+v, want %+v", got, want)
	}
	if got, want := pages["guide/a.md"].Images, []Image{{Path: "img/logo.png", Filename: "img_logo.png", Dir: "../static"}, {Path: "both.png", Filename: "both.png"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("guide/a.md images %+v, want %+v (a file under the root wins)", got, want)
	}

	// Without the static folder the image is missing, and the error says
	// where it was looked for and what to do.
	_, err = Scan(site, Options{MaxDepth: -1, RequireImages: true})
	if err == nil || !strings.Contains(err.Error(), "intro.md, line 3: the image img/logo.png does not exist under the root") || !strings.Contains(err.Error(), "static_dirs") {
		t.Errorf("want the missing image named with a static_dirs hint, got %v", err)
	}
	_, err = Scan(site, Options{MaxDepth: -1, RequireImages: true, StaticDirs: []StaticDir{empty}})
	if err == nil || !strings.Contains(err.Error(), "does not exist under the root nor in assets") {
		t.Errorf("want the folders looked in named, got %v", err)
	}

	// Paths above the root stay refused: a static folder is never a way out.
	_, err = Scan(files(map[string]string{"a/b.md": "# B\n\n![up](../../secret.png)\n"}), Options{MaxDepth: -1, RequireImages: true,
		StaticDirs: []StaticDir{{Name: "static", FS: fstest.MapFS{"secret.png": {Data: []byte("x")}, "../secret.png": {Data: []byte("x")}}}}})
	if err == nil || !strings.Contains(err.Error(), "lies outside the tree") {
		t.Errorf("want an image above the root refused, got %v", err)
	}
}

func TestScanByteOrderMark(t *testing.T) {
	tree, err := Scan(files(map[string]string{"a.md": "\ufeff---\ntitle: Real title\ntags: [ops]\n---\n# Heading\n"}),
		Options{MaxDepth: -1, SourceURLTemplate: "https://git.example.com/{path}"})
	if err != nil {
		t.Fatal(err)
	}
	p := pagesByPath(tree)["a.md"]
	if p.Title != "Real title" || !slices.Equal(p.Labels, []string{"ops"}) || !strings.HasPrefix(p.Markdown, "---\ntitle: Real title\n") {
		t.Errorf("a byte order mark must not hide the front matter: %+v", p)
	}
	if got := WithBanner("\ufeff---\nx: 1\n---\nText\n", "a.md", "https://x/a.md"); !strings.HasPrefix(got, "---\nx: 1\n---\n> [!INFO]") {
		t.Errorf("the panel goes after front matter behind a byte order mark:\n%s", got)
	}
}

// The Managed in Git panel shifts the lines below it; warnings name the
// lines of the file.
func TestSourceLine(t *testing.T) {
	file := "---\ntitle: T\n---\n# T\n\n[broken](missing.md)\n" // the link is on line 6
	published := WithBanner(file, "a.md", "https://git.example.com/a.md")
	rendered, err := storage.RenderMarkdown(published, storage.MarkdownOptions{SourcePath: "a.md", Pages: map[string]storage.PageRef{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rendered.Warnings) != 1 || rendered.Warnings[0].Line != 9 {
		t.Fatalf("the renderer sees the link on line 9 of the published Markdown: %v", rendered.Warnings)
	}
	if got := SourceLines(published, rendered.Warnings); len(got) != 1 || got[0].Line != 6 || got[0].Message != rendered.Warnings[0].Message {
		t.Errorf("SourceLines: %v, want line 6", got)
	}

	noFrontMatter := WithBanner("a\nb\n", "a.md", "https://x/a.md")
	frontMatterOnly := WithBanner("---\nx: 1\n---", "a.md", "https://x/a.md")
	for _, tt := range []struct {
		markdown   string
		line, want int
	}{
		{published, 1, 1}, {published, 3, 3}, // front matter
		{published, 4, 4}, {published, 5, 4}, {published, 6, 4}, // the panel
		{published, 7, 4}, {published, 9, 6}, {published, 20, 17},
		{noFrontMatter, 1, 1}, {noFrontMatter, 4, 1}, {noFrontMatter, 5, 2},
		{frontMatterOnly, 3, 3}, {frontMatterOnly, 4, 4},
		{file, 6, 6}, // no panel: lines as they are
		{"> [!INFO]\n> **Managed in Git:** this page is published from [unterminated\n\ntext\n", 4, 4},
	} {
		if got := SourceLine(tt.markdown, tt.line); got != tt.want {
			t.Errorf("SourceLine(%q, %d) = %d, want %d", tt.markdown, tt.line, got, tt.want)
		}
	}
}

// Through Scan: a page of a tree with the panel, rendered as the page
// resource renders it, warns at the file's line.
func TestScanBannerKeepsWarningLines(t *testing.T) {
	tree, err := Scan(files(map[string]string{"guide/a.md": "---\nweight: 1\n---\n# A\n\n[broken](missing.md)\n"}),
		Options{MaxDepth: -1, SourceURLTemplate: "https://git.example.com/docs/{path}"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tree.Pages {
		if p.SourcePath != "guide/a.md" {
			continue
		}
		rendered, err := storage.RenderMarkdown(p.Markdown, storage.MarkdownOptions{SourcePath: p.SourcePath, Pages: map[string]storage.PageRef{}})
		if err != nil {
			t.Fatal(err)
		}
		if got := SourceLines(p.Markdown, rendered.Warnings); len(got) != 1 || got[0].Line != 6 {
			t.Errorf("warnings %v, want one on line 6", got)
		}
		return
	}
	t.Fatal("guide/a.md was not scanned")
}
