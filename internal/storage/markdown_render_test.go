// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"reflect"
	"strings"
	"testing"
)

// treeOptions is a page in a small docs tree: docs/guide/install.md among
// pages in the same space and one in another.
func treeOptions() MarkdownOptions {
	return MarkdownOptions{
		SourcePath: "docs/guide/install.md",
		SpaceKey:   "DOCS",
		Title:      "Install",
		Pages: map[string]PageRef{
			"docs/guide/install.md": {Title: "Install"},
			"docs/guide/config.md":  {Title: "Config & TLS", SpaceKey: "DOCS"},
			"docs/index.md":         {Title: "Home"},
			"docs/api/README.md":    {Title: "API", SpaceKey: "API"},
			"./docs/faq/_index.md":  {Title: "FAQ"},
		},
	}
}

const anchorStep = `<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">step-one</ac:parameter></ac:structured-macro>`

func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	tree := treeOptions()
	tests := []struct {
		name     string
		markdown string
		opts     MarkdownOptions
		want     string
		warnings []MarkdownWarning
	}{
		// Links between pages.
		{
			name: "relative link to a page in the same space", markdown: "See [config](config.md).", opts: tree,
			want: `<p>See <ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[config]]></ac:plain-text-link-body></ac:link>.</p>`,
		},
		{
			name: "link with fragment and parent directory", markdown: "[home](../index.md#get-started)", opts: tree,
			want: `<p><ac:link ac:anchor="get-started"><ri:page ri:content-title="Home" /><ac:plain-text-link-body><![CDATA[home]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "mdBook html link to a README chapter in another space", markdown: "[api](../api/index.html)", opts: tree,
			want: `<p><ac:link><ri:page ri:content-title="API" ri:space-key="API" /><ac:plain-text-link-body><![CDATA[api]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "mdBook html link to a chapter", markdown: "[c](./config.html#x)", opts: tree,
			want: `<p><ac:link ac:anchor="x"><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "Hugo folder link to _index.md, root-relative", markdown: "[faq](/docs/faq/)", opts: tree,
			want: `<p><ac:link><ri:page ri:content-title="FAQ" /><ac:plain-text-link-body><![CDATA[faq]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "Hugo ref and relref shortcodes", markdown: "[i]({{< ref \"/docs/index.md\" >}}) [c]({{% relref \"config\" %}})\n\n[x](y.md)", opts: tree,
			want:     `<p><ac:link><ri:page ri:content-title="Home" /><ac:plain-text-link-body><![CDATA[i]]></ac:plain-text-link-body></ac:link> <ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link></p>` + "\n<p>x</p>",
			warnings: []MarkdownWarning{{3, `the link to "y.md" (docs/guide/y.md) points at no page published with this one; only its text is shown`}},
		},
		{
			name: "case-insensitive match and a folder with a dot", markdown: "[c](CONFIG.md) [f](../faq/)", opts: tree,
			want: `<p><ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link> <ac:link><ri:page ri:content-title="FAQ" /><ac:plain-text-link-body><![CDATA[f]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "escaped path", markdown: "[c](conf%69g.md)", opts: tree,
			want: `<p><ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "link text with markup is a rich link body", markdown: "[the `config` page](config.md)", opts: tree,
			want: `<p><ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:link-body>the <code>config</code> page</ac:link-body></ac:link></p>`,
		},
		{
			name: "unpublished target keeps the text and warns", markdown: "Intro.\n\nSee [the FAQ](../faq.md) now.", opts: tree,
			want:     `<p>Intro.</p>` + "\n" + `<p>See the FAQ now.</p>`,
			warnings: []MarkdownWarning{{3, `the link to "../faq.md" (docs/faq.md) points at no page published with this one; only its text is shown`}},
		},
		{
			name: "absolute URLs are unchanged", markdown: "[x](https://example.com/a.md) [m](mailto:a@b.c)", opts: tree,
			want: `<p><a href="https://example.com/a.md">x</a> <a href="mailto:a@b.c">m</a></p>`,
		},
		{
			name: "without a page map relative links stay links", markdown: "[c](config.md)",
			want: `<p><a href="config.md">c</a></p>`,
		},
		{
			name: "link to the page itself is an anchor link", markdown: "# Step one\n\n[again](install.md#step-one)", opts: tree,
			want: `<h1>` + anchorStep + `Step one</h1>` + "\n" + `<p><ac:link ac:anchor="step-one"><ac:plain-text-link-body><![CDATA[again]]></ac:plain-text-link-body></ac:link></p>`,
		},
		// Anchors.
		{
			name: "every heading of a docs tree page has a GitHub anchor", markdown: "## Hello, World! 2.0\n\n## Hello, World! 2.0\n\n### Ünïcode_and-dash", opts: tree,
			want: `<h2><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">hello-world-20</ac:parameter></ac:structured-macro>Hello, World! 2.0</h2>` + "\n" +
				`<h2><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">hello-world-20-1</ac:parameter></ac:structured-macro>Hello, World! 2.0</h2>` + "\n" +
				`<h3><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">ünïcode_and-dash</ac:parameter></ac:structured-macro>Ünïcode_and-dash</h3>`,
		},
		{
			name: "heading id attribute names the anchor", markdown: "## Step 1 {#step-one}\n\n[go](#step-one)",
			want: `<h2>` + anchorStep + `Step 1</h2>` + "\n" + `<p><ac:link ac:anchor="step-one"><ac:plain-text-link-body><![CDATA[go]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "a page on its own anchors only the headings it links to", markdown: "# Title\n\n## Step one\n\n[s](#step-one)",
			want: `<h1>Title</h1>` + "\n" + `<h2>` + anchorStep + `Step one</h2>` + "\n" + `<p><ac:link ac:anchor="step-one"><ac:plain-text-link-body><![CDATA[s]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "a fragment in another case reaches the heading", markdown: "## Step one\n\n[s](#Step-One)",
			want: `<h2>` + anchorStep + `Step one</h2>` + "\n" + `<p><ac:link ac:anchor="step-one"><ac:plain-text-link-body><![CDATA[s]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "fragment without a heading warns", markdown: "text\n\n[s](#nowhere)",
			want:     `<p>text</p>` + "\n" + `<p><ac:link ac:anchor="nowhere"><ac:plain-text-link-body><![CDATA[s]]></ac:plain-text-link-body></ac:link></p>`,
			warnings: []MarkdownWarning{{3, "the link to #nowhere points at no heading or anchor on this page"}},
		},
		// Title and table of contents.
		{
			name: "title heading dropped", markdown: "# Install\n\nText", opts: MarkdownOptions{Title: "Install", DropTitleHeading: true},
			want: `<p>Text</p>`,
		},
		{
			name: "other first heading kept", markdown: "# Installing\n\nText", opts: MarkdownOptions{Title: "Install", DropTitleHeading: true},
			want: "<h1>Installing</h1>\n<p>Text</p>",
		},
		{
			name: "toc option", markdown: "Text", opts: MarkdownOptions{TableOfContents: true},
			want: "<ac:structured-macro ac:name=\"toc\" />\n<p>Text</p>",
		},
		{
			name: "toc marker", markdown: "Intro\n\n[TOC]\n\nText", opts: MarkdownOptions{TableOfContents: true},
			want: "<p>Intro</p>\n<ac:structured-macro ac:name=\"toc\" />\n<p>Text</p>",
		},
		{name: "gitlab toc marker", markdown: "[[_TOC_]]", want: `<ac:structured-macro ac:name="toc" />`},
		// Front matter.
		{name: "yaml front matter is not shown", markdown: "---\ntitle: X\n---\n\nBody", want: "<p>Body</p>"},
		{name: "toml front matter is not shown", markdown: "+++\ntitle = \"X\"\n+++\nBody", want: "<p>Body</p>"},
		{name: "a leading rule is not front matter", markdown: "---\n\nBody", want: "<hr />\n<p>Body</p>"},
		{
			name: "front matter that is not a mapping is shown and warned about", markdown: "---\n- a\n---\nBody",
			want:     "<hr />\n<ul>\n  <li>a</li>\n</ul>\n<hr />\n<p>Body</p>",
			warnings: []MarkdownWarning{{1, "the YAML front matter starting at line 1 is not a valid YAML mapping: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]interface {}; it is shown as text"}},
		},
		// Images.
		{
			name: "local image is an attachment", markdown: "![A *b*](../img/x%20y.png \"T\")", opts: tree,
			want: `<p><ac:image ac:alt="A b" ac:title="T"><ri:attachment ri:filename="docs_img_x y.png" /></ac:image></p>`,
		},
		{
			name: "remote image keeps its URL", markdown: "![](https://example.com/a.png)",
			want: `<p><ac:image><ri:url ri:value="https://example.com/a.png" /></ac:image></p>`,
		},
		{
			name: "html img with width", markdown: `<img src="shot.png" alt="Shot" width="300px" height="50%">`, opts: tree,
			want: `<p><ac:image ac:alt="Shot" ac:width="300"><ri:attachment ri:filename="docs_guide_shot.png" /></ac:image></p>`,
		},
		// Raw HTML.
		{name: "comments dropped", markdown: "<!-- ignore -->\n\nText <!-- inline --> more", want: "<p>Text more</p>"},
		{
			name: "html wraps Markdown between its blocks", markdown: "<div align=\"center\">\n\n**bold**\n\n</div>",
			want: "<div><p><strong>bold</strong></p></div>",
		},
		{
			name: "inline html kept and mapped", markdown: "Press <kbd>Ctrl</kbd>+<b>C</b>, H<sub>2</sub>O <span style=\"x\">s</span><br>end",
			want: "<p>Press <code>Ctrl</code>+<strong>C</strong>, H<sub>2</sub>O <span>s</span><br />end</p>",
		},
		{
			name: "html table", markdown: "<table>\n<tr><th colspan=\"2\" class=\"x\">H</th></tr>\n<tr><td>a<td>b</tr>\n</table>",
			want: "<table>\n  <tr><th colspan=\"2\">H</th></tr>\n  <tr><td>a</td><td>b</td></tr>\n</table>",
		},
		{
			name: "details becomes an expand macro titled by its summary", markdown: "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>",
			want: "<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">More</ac:parameter>\n  <ac:rich-text-body>\n    <p>Hidden <em>text</em>.</p>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name: "html anchors and links", markdown: "<a name=\"top\"></a>\n\n[up](#top) <a href=\"config.md\">c</a> <a href=\"https://x.example\" title=\"t\">x</a>", opts: tree,
			want: `<p><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">top</ac:parameter></ac:structured-macro></p>` + "\n" +
				`<p><ac:link ac:anchor="top"><ac:plain-text-link-body><![CDATA[up]]></ac:plain-text-link-body></ac:link> <ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:link-body>c</ac:link-body></ac:link> <a href="https://x.example" title="t">x</a></p>`,
		},
		{
			name: "scripts are escaped with a warning, confluence markup is text", markdown: "<script>alert(1)</script>\n\nx <ac:structured-macro ac:name=\"html\"/>",
			want: "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>x &lt;ac:structured-macro ac:name=\"html\"/&gt;</p>",
			warnings: []MarkdownWarning{
				{1, "the HTML element <script> cannot be stored in a page; it is shown as text"},
			},
		},
		{
			name: "unbalanced tags are left out with a warning", markdown: "a <b>bold\n\nc </i> d",
			want: "<p>a bold</p>\n<p>c d</p>",
			warnings: []MarkdownWarning{
				{1, "the HTML element <b> is never closed; its tags are left out, its content kept"},
				{3, "closing tag </i> closes no open <i>; it is left out"},
			},
		},
		{
			name: "style content, processing instructions and CDATA are text", markdown: "<style>\np > a { color: red }\n</style>\n\n<?php echo 1; ?>\n\n<![CDATA[x]]>",
			want: "<p>&lt;style&gt; p &gt; a { color: red } &lt;/style&gt;</p>\n<p>&lt;?php echo 1; ?&gt;</p>\n<p>&lt;![CDATA[x]]&gt;</p>",
			warnings: []MarkdownWarning{
				{1, "the HTML element <style> cannot be stored in a page; it is shown as text"},
				{5, "<?php echo 1; ?> cannot be stored in a page; it is shown as text"},
				{7, "<![CDATA[x]]> cannot be stored in a page; it is shown as text"},
			},
		},
		{
			name: "attributes: quoted with > inside, unquoted, entities, multi-line", markdown: "<a\n  href='https://x.example/?a=1&amp;b=>'\n  title=T>x</a> <img src=a.png alt=\"&quot;A&quot;\">",
			want: `<p><a href="https://x.example/?a=1&amp;b=%3E" title="T">x</a> <ac:image ac:alt="&quot;A&quot;"><ri:attachment ri:filename="a.png" /></ac:image></p>`,
		},
		{
			name: "a lone less-than sign in an HTML block is text", markdown: "<div>\n1 < 2 <3\n</div>",
			want: "<div>1 &lt; 2 &lt;3</div>",
		},
		{
			name: "javascript href dropped", markdown: `<a href="javascript:alert(1)">x</a>`,
			want: "<p>x</p>",
		},
		// Extensions.
		{
			name: "footnotes", markdown: "A[^n] B[^n].\n\n[^n]: The *note*.",
			want: `<p>A<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">fnref-1</ac:parameter></ac:structured-macro><sup><ac:link ac:anchor="fn-1"><ac:plain-text-link-body><![CDATA[1]]></ac:plain-text-link-body></ac:link></sup>` +
				` B<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">fnref-1-1</ac:parameter></ac:structured-macro><sup><ac:link ac:anchor="fn-1"><ac:plain-text-link-body><![CDATA[1]]></ac:plain-text-link-body></ac:link></sup>.</p>` + "\n" +
				"<hr />\n<ol>\n" +
				`  <li><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">fn-1</ac:parameter></ac:structured-macro><p>The <em>note</em>. <ac:link ac:anchor="fnref-1"><ac:plain-text-link-body><![CDATA[↩]]></ac:plain-text-link-body></ac:link> <ac:link ac:anchor="fnref-1-1"><ac:plain-text-link-body><![CDATA[↩]]></ac:plain-text-link-body></ac:link></p></li>` +
				"\n</ol>",
		},
		{
			name: "definition list", markdown: "Term\n: One\n: Two",
			want: "<dl>\n  <dt>Term</dt>\n  <dd>One</dd>\n  <dd>Two</dd>\n</dl>",
		},
		{
			name: "mkdocs admonition with title and nested Markdown", markdown: "!!! danger \"Stop\"\n    Do *not*:\n\n        indented code\n\n    - list\n\nAfter.",
			want: "<ac:structured-macro ac:name=\"warning\">\n  <ac:parameter ac:name=\"title\">Stop</ac:parameter>\n  <ac:rich-text-body>\n    <p>Do <em>not</em>:</p>\n" +
				"    <ac:structured-macro ac:name=\"code\">\n      <ac:plain-text-body><![CDATA[indented code]]></ac:plain-text-body>\n    </ac:structured-macro>\n" +
				"    <ul>\n      <li>list</li>\n    </ul>\n  </ac:rich-text-body>\n</ac:structured-macro>\n<p>After.</p>",
		},
		{
			name: "mkdocs admonition default and empty titles", markdown: "!!! note\n    a\n\n!!! tip \"\"\n    b",
			want: "<ac:structured-macro ac:name=\"info\">\n  <ac:parameter ac:name=\"title\">Note</ac:parameter>\n  <ac:rich-text-body>\n    <p>a</p>\n  </ac:rich-text-body>\n</ac:structured-macro>\n" +
				"<ac:structured-macro ac:name=\"tip\">\n  <ac:rich-text-body>\n    <p>b</p>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name: "collapsible admonition", markdown: "???+ question \"Why?\"\n    Because.",
			want: "<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">Why?</ac:parameter>\n  <ac:rich-text-body>\n    <ac:structured-macro ac:name=\"note\">\n      <ac:rich-text-body>\n        <p>Because.</p>\n      </ac:rich-text-body>\n    </ac:structured-macro>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name: "content tabs", markdown: "=== \"pip\"\n\n    ```sh\n    pip install x\n    ```\n\n=== \"uv\"\n    uv add x",
			want: "<p><strong>pip</strong></p>\n<ac:structured-macro ac:name=\"code\">\n  <ac:parameter ac:name=\"language\">bash</ac:parameter>\n  <ac:plain-text-body><![CDATA[pip install x]]></ac:plain-text-body>\n</ac:structured-macro>\n<p><strong>uv</strong></p>\n<p>uv add x</p>",
		},
		{name: "not an admonition without a type", markdown: "!!! hello world!", want: "<p>!!! hello world!</p>"},
		{
			name: "github important and caution alerts", markdown: "> [!IMPORTANT]\n> i\n\n> [!CAUTION]\n> c",
			want: "<ac:structured-macro ac:name=\"note\">\n  <ac:rich-text-body>\n    <p>i</p>\n  </ac:rich-text-body>\n</ac:structured-macro>\n<ac:structured-macro ac:name=\"warning\">\n  <ac:rich-text-body>\n    <p>c</p>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := RenderMarkdown(tt.markdown, tt.opts)
			if err != nil {
				t.Fatalf("RenderMarkdown(%q): %v", tt.markdown, err)
			}
			if got.Storage != tt.want {
				t.Errorf("RenderMarkdown(%q)\n got: %s\nwant: %s", tt.markdown, got.Storage, tt.want)
			}
			if !reflect.DeepEqual(got.Warnings, tt.warnings) {
				t.Errorf("warnings\n got: %q\nwant: %q", got.Warnings, tt.warnings)
			}
			if err := Validate(got.Storage); err != nil {
				t.Errorf("output does not validate: %v", err)
			}
		})
	}
}

func TestParseFenceInfo(t *testing.T) {
	t.Parallel()
	tests := []struct{ info, language, title string }{
		{"go", "go", ""},
		{"golang", "go", ""},
		{"rust,ignore,does_not_compile", "rust", ""},
		{"sh", "bash", ""},
		{"shell", "shell", ""},
		{"console", "bash", ""},
		{"yml", "yaml", ""},
		{"JS", "javascript", ""},
		{"ts", "typescript", ""},
		{"py title=\"app.py\" linenums=\"1\"", "python", "app.py"},
		{`title="Text file"`, "", "Text file"},
		{"{.python title='x.py'}", "python", "x.py"},
		{"{", "", ""},
		{"go {linenos=table,hl_lines=[8]}", "go", ""},
		{"language-java", "java", ""},
		{"mermaid", "", ""},
		{"hcl", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		got := parseFenceInfo(tt.info)
		if got.language != tt.language || got.title != tt.title {
			t.Errorf("parseFenceInfo(%q) = %+v, want language %q title %q", tt.info, got, tt.language, tt.title)
		}
	}
}

func TestGithubSlug(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Getting Started":        "getting-started",
		"  What's new in 2.0?  ": "whats-new-in-20",
		"API: `GET /pages`":      "api-get-pages",
		"foo_bar - baz":          "foo_bar---baz",
		"Ärger & Übel":           "ärger--übel",
		"日本語":                    "日本語",
		"emoji 🎉 party":          "emoji--party",
	}
	for in, want := range tests {
		if got := githubSlug(in); got != want {
			t.Errorf("githubSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderMarkdownImages(t *testing.T) {
	t.Parallel()
	md := "![a](img/a.png) ![again](./img/a.png)\n\n<img src=\"../shared/b.svg\">\n\n![remote](https://x.example/c.png) ![up](../../../d.png)"
	got, err := RenderMarkdown(md, MarkdownOptions{SourcePath: "docs/guide/page.md"})
	if err != nil {
		t.Fatal(err)
	}
	want := []LocalImage{
		{Path: "docs/guide/img/a.png", Filename: "docs_guide_img_a.png", Line: 1},
		{Path: "docs/shared/b.svg", Filename: "docs_shared_b.svg", Line: 3},
		{Path: "../d.png", Filename: "up_d.png", Line: 5},
	}
	if !reflect.DeepEqual(got.Images, want) {
		t.Errorf("images\n got: %+v\nwant: %+v", got.Images, want)
	}
	if n := strings.Count(got.Storage, `ri:filename="docs_guide_img_a.png"`); n != 2 {
		t.Errorf("the image used twice is shown %d times: %s", n, got.Storage)
	}
}

// Two paths that give one file name both get a hashed name, whatever their
// order, and other images keep theirs.
func TestImageFilenameCollision(t *testing.T) {
	t.Parallel()
	for _, md := range []string{"![](a_b/c.png) ![](a/b_c.png) ![](d.png)", "![](a/b_c.png) ![](d.png) ![](a_b/c.png)"} {
		got, err := RenderMarkdown(md, MarkdownOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, img := range got.Images {
			names[img.Path] = img.Filename
		}
		want := map[string]string{"a_b/c.png": imageFilename("a_b/c.png", true), "a/b_c.png": imageFilename("a/b_c.png", true), "d.png": "d.png"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%q: file names %v, want %v", md, names, want)
		}
		if names["a_b/c.png"] == names["a/b_c.png"] {
			t.Errorf("%q: file names still collide: %v", md, names)
		}
		for _, name := range names {
			if !strings.Contains(got.Storage, `ri:filename="`+name+`"`) {
				t.Errorf("%q: storage does not show %s: %s", md, name, got.Storage)
			}
		}
	}
}

func TestRenderMarkdownFrontMatterAndFirstHeading(t *testing.T) {
	t.Parallel()
	got, err := RenderMarkdown("---\ntitle: Guide\nweight: 2\ntags: [a, b]\ndate: 2024-05-01\nnested: {x: 1.5, y: null}\n---\n# First *One*\n\n# Second", MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"title": "Guide", "weight": int64(2), "tags": []any{"a", "b"}, "date": "2024-05-01T00:00:00Z",
		"nested": map[string]any{"x": 1.5, "y": nil},
	}
	if !reflect.DeepEqual(got.FrontMatter, want) {
		t.Errorf("front matter\n got: %#v\nwant: %#v", got.FrontMatter, want)
	}
	if got.FirstHeading != "First One" {
		t.Errorf("first heading %q", got.FirstHeading)
	}
}

func TestFrontMatter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, markdown string
		want           map[string]any
		wantErr        string
	}{
		{"none", "# T", map[string]any{}, ""},
		{"yaml", "---\ntitle: T\nlabels: [x]\n---\nbody", map[string]any{"title": "T", "labels": []any{"x"}}, ""},
		{"toml", "+++\ntitle = \"T\"\nweight = 3\ndate = 2024-01-02\n[params]\nk = true\n+++\nbody",
			map[string]any{"title": "T", "weight": int64(3), "date": "2024-01-02T00:00:00Z", "params": map[string]any{"k": true}}, ""},
		{"crlf", "---\r\ntitle: T\r\n---\r\nbody", map[string]any{"title": "T"}, ""},
		{"unclosed is a rule", "---\ntitle: T\n", map[string]any{}, ""},
		{"empty", "---\n---\nbody", map[string]any{}, ""},
		{"invalid", "---\ntitle: [\n---\n", nil, "YAML front matter starting at line 1 is not a valid YAML mapping"},
	}
	for _, tt := range tests {
		got, err := FrontMatter(tt.markdown)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: FrontMatter = %#v, %v; want %#v", tt.name, got, err, tt.want)
		}
	}
}

// A change of only the front matter, or of pages the page does not link
// to, renders the same body: such a change writes nothing.
func TestRenderMarkdownBodyIndependentOfUnusedInputs(t *testing.T) {
	t.Parallel()
	render := func(md string, pages map[string]PageRef) string {
		t.Helper()
		got, err := RenderMarkdown(md, MarkdownOptions{SourcePath: "a.md", Pages: pages})
		if err != nil {
			t.Fatal(err)
		}
		return got.Storage
	}
	body := "# A\n\nSee [b](b.md)."
	base := render("---\ntitle: A\nweight: 1\n---\n"+body, map[string]PageRef{"b.md": {Title: "B"}})
	if other := render("---\ntitle: Other\ntags: [x]\n---\n"+body, map[string]PageRef{"b.md": {Title: "B"}}); other != base {
		t.Errorf("front matter changed the body:\n%s\n%s", base, other)
	}
	if other := render(body, map[string]PageRef{"b.md": {Title: "B"}, "c.md": {Title: "C"}}); other != base {
		t.Errorf("an unrelated page changed the body:\n%s\n%s", base, other)
	}
	if other := render(body, map[string]PageRef{"b.md": {Title: "B renamed"}}); other == base {
		t.Errorf("renaming the linked page did not change the body: %s", other)
	}
}
