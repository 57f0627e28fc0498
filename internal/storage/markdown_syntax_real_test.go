// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"reflect"
	"testing"
)

// Syntax of real docs (Docusaurus, VitePress, Jekyll/kramdown, MDX, GitHub
// READMEs) that CommonMark alone renders as text or warns about. Each
// expected body is exact, in canonical form.
func TestRenderMarkdownRealDocsSyntax(t *testing.T) {
	t.Parallel()
	const anchor = `<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">`
	const anchorEnd = `</ac:parameter></ac:structured-macro>`
	// An anchor between blocks is written on lines of its own.
	blockAnchor := func(name string) string {
		return "<ac:structured-macro ac:name=\"anchor\">\n  <ac:parameter ac:name=\"\">" + name + "</ac:parameter>\n</ac:structured-macro>\n"
	}
	tests := []struct {
		name     string
		markdown string
		opts     MarkdownOptions
		want     string
		warnings []MarkdownWarning
	}{
		// GitHub README headers.
		{
			name:     "a stray </p> after a nested <p> is left out without a warning",
			markdown: "<p align=\"center\">\n  <img src=\"https://x/l.png\">\n  <p>Tag</p>\n</p>",
			want:     "<p><ac:image><ri:url ri:value=\"https://x/l.png\" /></ac:image></p>\n<p>Tag</p>",
		},
		{
			name:     "a stray closing tag of another element still warns",
			markdown: "a</span>",
			want:     "<p>a</p>",
			warnings: []MarkdownWarning{{1, "closing tag </span> closes no open <span>; it is left out"}},
		},
		{
			name:     "GitHub theme images: the light one is kept without its fragment, the dark one left out",
			markdown: "![Logo](logo-dark.png#gh-dark-mode-only)\n![Logo](logo-light.png#gh-light-mode-only)\n\n<img src=\"https://x/d.png#gh-dark-mode-only\"><img src=\"https://x/l.png#gh-light-mode-only\">",
			opts:     MarkdownOptions{SourcePath: "README.md", Pages: map[string]PageRef{}},
			want:     "<p><ac:image ac:alt=\"Logo\"><ri:attachment ri:filename=\"logo-light.png\" /></ac:image></p>\n<p><ac:image><ri:url ri:value=\"https://x/l.png\" /></ac:image></p>",
		},
		// Byte order mark.
		{
			name:     "a byte order mark before the front matter",
			markdown: "\ufeff---\ntitle: T\n---\nText",
			want:     "<p>Text</p>",
		},
		// Ids of HTML elements.
		{
			name:     "a heading's id is an anchor at its start that links reach",
			markdown: "<h2 id=\"custom\">Title</h2>\n\n[a](#custom)",
			want:     "<h2>" + anchor + "custom" + anchorEnd + "Title</h2>\n<p><ac:link ac:anchor=\"custom\"><ac:plain-text-link-body><![CDATA[a]]></ac:plain-text-link-body></ac:link></p>",
		},
		{
			name:     "an inline element's id is an anchor before it",
			markdown: "Versions<sup id=\"footnote-versions\">1</sup>\n\n[1](#footnote-versions)",
			want:     "<p>Versions" + anchor + "footnote-versions" + anchorEnd + "<sup>1</sup></p>\n<p><ac:link ac:anchor=\"footnote-versions\"><ac:plain-text-link-body><![CDATA[1]]></ac:plain-text-link-body></ac:link></p>",
		},
		{
			name:     "ids of a wrapper, a table and a cell; a row's id is dropped",
			markdown: "<section id=\"s\">\n\nx\n\n</section>\n\n<table id=\"t\"><tr id=\"r\"><td id=\"c\">1</td></tr></table>\n\n[s](#s) [t](#t) [c](#c)",
			want: blockAnchor("s") + "<p>x</p>\n" + blockAnchor("t") + "<table>\n  <tr><td>" + anchor + "c" + anchorEnd + "1</td></tr>\n</table>\n" +
				"<p><ac:link ac:anchor=\"s\"><ac:plain-text-link-body><![CDATA[s]]></ac:plain-text-link-body></ac:link> <ac:link ac:anchor=\"t\"><ac:plain-text-link-body><![CDATA[t]]></ac:plain-text-link-body></ac:link> <ac:link ac:anchor=\"c\"><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link></p>",
		},
		// Docusaurus and VitePress containers.
		{
			name:     "Docusaurus admonition with a title in brackets",
			markdown: ":::tip[My tip]\n\nUse it\n\n:::",
			want:     "<ac:structured-macro ac:name=\"tip\">\n  <ac:parameter ac:name=\"title\">My tip</ac:parameter>\n  <ac:rich-text-body>\n    <p>Use it</p>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name:     "Docusaurus admonitions nest in longer fences; titles after a space; default titles",
			markdown: "::::danger Parent\nParent text\n:::note\nChild *text*\n:::\n::::\n\nafter",
			want: "<ac:structured-macro ac:name=\"warning\">\n  <ac:parameter ac:name=\"title\">Parent</ac:parameter>\n  <ac:rich-text-body>\n    <p>Parent text</p>\n" +
				"    <ac:structured-macro ac:name=\"info\">\n      <ac:parameter ac:name=\"title\">Note</ac:parameter>\n      <ac:rich-text-body>\n        <p>Child <em>text</em></p>\n      </ac:rich-text-body>\n    </ac:structured-macro>\n" +
				"  </ac:rich-text-body>\n</ac:structured-macro>\n<p>after</p>",
		},
		{
			name:     "VitePress containers: a titled warning, details as an expand macro, an unknown name keeps its body",
			markdown: "::: warning Careful\nText\n:::\n\n::: details Click me\nHidden\n:::\n\n::: code-group\n```sh\nls\n```\n:::",
			want: "<ac:structured-macro ac:name=\"note\">\n  <ac:parameter ac:name=\"title\">Careful</ac:parameter>\n  <ac:rich-text-body>\n    <p>Text</p>\n  </ac:rich-text-body>\n</ac:structured-macro>\n" +
				"<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">Click me</ac:parameter>\n  <ac:rich-text-body>\n    <p>Hidden</p>\n  </ac:rich-text-body>\n</ac:structured-macro>\n" +
				"<ac:structured-macro ac:name=\"code\">\n  <ac:parameter ac:name=\"language\">bash</ac:parameter>\n  <ac:plain-text-body><![CDATA[ls]]></ac:plain-text-body>\n</ac:structured-macro>",
		},
		{
			name:     "a fence line inside a code block does not close the container; containers in quotes and lists",
			markdown: ":::note\n```\n:::\n```\n:::\n\n> :::warning\n> quoted\n> :::\n\n- :::info\n  listed\n  :::",
			want: "<ac:structured-macro ac:name=\"info\">\n  <ac:parameter ac:name=\"title\">Note</ac:parameter>\n  <ac:rich-text-body>\n    <ac:structured-macro ac:name=\"code\">\n      <ac:plain-text-body><![CDATA[:::]]></ac:plain-text-body>\n    </ac:structured-macro>\n  </ac:rich-text-body>\n</ac:structured-macro>\n" +
				"<blockquote>\n  <ac:structured-macro ac:name=\"note\">\n    <ac:parameter ac:name=\"title\">Warning</ac:parameter>\n    <ac:rich-text-body>\n      <p>quoted</p>\n    </ac:rich-text-body>\n  </ac:structured-macro>\n</blockquote>\n" +
				"<ul>\n  <li><ac:structured-macro ac:name=\"info\"><ac:parameter ac:name=\"title\">Info</ac:parameter><ac:rich-text-body><p>listed</p></ac:rich-text-body></ac:structured-macro></li>\n</ul>",
		},
		{
			name:     "Quarto callouts and Pandoc fenced divs: the first class is the kind",
			markdown: "::: {.callout-warning title=\"Careful\"}\nText\n:::\n\n::: {.columns}\ncol\n:::",
			want:     "<ac:structured-macro ac:name=\"note\">\n  <ac:parameter ac:name=\"title\">Careful</ac:parameter>\n  <ac:rich-text-body>\n    <p>Text</p>\n  </ac:rich-text-body>\n</ac:structured-macro>\n<p>col</p>",
		},
		{
			name:     "a closing fence alone, or colons without a name, stay text",
			markdown: ":::\n\n::: \n\na ::: b",
			want:     "<p>:::</p>\n<p>:::</p>\n<p>a ::: b</p>",
		},
		// <details>.
		{
			name:     "details with a summary holding markup, and Markdown inside",
			markdown: "<details open>\n<summary><b>Show</b> more</summary>\n\n- a\n\n</details>",
			want:     "<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">Show more</ac:parameter>\n  <ac:rich-text-body>\n    <ul>\n      <li>a</li>\n    </ul>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name:     "details whose summary is Markdown",
			markdown: "<details>\n<summary>\n\n**Bold** title\n\n</summary>\n\nBody\n\n</details>",
			want:     "<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">Bold title</ac:parameter>\n  <ac:rich-text-body>\n    <p>Body</p>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name:     "details on one line: its text gets a paragraph in the body",
			markdown: "<details><summary>T</summary>body <b>x</b><div>d</div></details>",
			want:     "<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">T</ac:parameter>\n  <ac:rich-text-body>\n    <p>body <strong>x</strong></p>\n    <div>d</div>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name:     "details inside running text stays a bold summary",
			markdown: "a <details><summary>T</summary>x</details>",
			want:     "<p>a <strong>T</strong>x</p>",
		},
		// kramdown (Jekyll) and attr_list (MkDocs) block attribute lists.
		{
			name:     "an attribute list line after a paragraph is not shown",
			markdown: "Intro\n{: .lead }",
			want:     "<p>Intro</p>",
		},
		{
			name:     "an attribute list at the end of a heading's line names its anchor",
			markdown: "## Title {: #custom }\n\n## Other {: .no_toc }\n\n[a](#custom) [b](#other)",
			want: "<h2>" + anchor + "custom" + anchorEnd + "Title</h2>\n<h2>" + anchor + "other" + anchorEnd + "Other</h2>\n" +
				"<p><ac:link ac:anchor=\"custom\"><ac:plain-text-link-body><![CDATA[a]]></ac:plain-text-link-body></ac:link> <ac:link ac:anchor=\"other\"><ac:plain-text-link-body><![CDATA[b]]></ac:plain-text-link-body></ac:link></p>",
		},
		{
			name:     "just-the-docs: no_toc under a heading, and a list followed by {:toc} is the table of contents",
			markdown: "# Contents\n{: .no_toc .text-delta }\n\n1. TOC\n{:toc}\n\n## A",
			opts:     MarkdownOptions{TableOfContents: true},
			want:     "<h1>Contents</h1>\n<ac:structured-macro ac:name=\"toc\" />\n<h2>A</h2>",
		},
		{
			name:     "just-the-docs: the table of contents in a details element",
			markdown: "<details open markdown=\"block\">\n  <summary>\n    Table of contents\n  </summary>\n  {: .text-delta }\n1. TOC\n{:toc}\n</details>",
			want:     "<ac:structured-macro ac:name=\"expand\">\n  <ac:parameter ac:name=\"title\">Table of contents</ac:parameter>\n  <ac:rich-text-body>\n    <ac:structured-macro ac:name=\"toc\" />\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{
			name:     "ids of attribute lists: before a paragraph, after one, on a line of their own, after a code block",
			markdown: "{: #intro}\nPara\n\nP2\n\n{: #p2 .x}\n\n```\ncode\n```\n{: #code}\n\nText\n{ .class #pid }\n\n[a](#intro) [b](#p2) [c](#code) [d](#pid)",
			want: "<p>" + anchor + "intro" + anchorEnd + "Para</p>\n<p>" + anchor + "p2" + anchorEnd + "P2</p>\n" + blockAnchor("code") +
				"<ac:structured-macro ac:name=\"code\">\n  <ac:plain-text-body><![CDATA[code]]></ac:plain-text-body>\n</ac:structured-macro>\n<p>" + anchor + "pid" + anchorEnd + "Text</p>\n" +
				"<p><ac:link ac:anchor=\"intro\"><ac:plain-text-link-body><![CDATA[a]]></ac:plain-text-link-body></ac:link> <ac:link ac:anchor=\"p2\"><ac:plain-text-link-body><![CDATA[b]]></ac:plain-text-link-body></ac:link> " +
				"<ac:link ac:anchor=\"code\"><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link> <ac:link ac:anchor=\"pid\"><ac:plain-text-link-body><![CDATA[d]]></ac:plain-text-link-body></ac:link></p>",
		},
		{
			name:     "an attribute list after a list item's text: its id is an anchor at the item's start",
			markdown: "- one\n- two\n  {: #second }\n\n[2](#second)",
			want:     "<ul>\n  <li>one</li>\n  <li>" + anchor + "second" + anchorEnd + "two</li>\n</ul>\n<p><ac:link ac:anchor=\"second\"><ac:plain-text-link-body><![CDATA[2]]></ac:plain-text-link-body></ac:link></p>",
		},
		{
			name:     "a {:toc} line of its own is the table of contents; an id with nothing before it is an anchor alone",
			markdown: "{: #top}\n\n{:toc}\n\n[t](#top)",
			want:     blockAnchor("top") + "<ac:structured-macro ac:name=\"toc\" />\n<p><ac:link ac:anchor=\"top\"><ac:plain-text-link-body><![CDATA[t]]></ac:plain-text-link-body></ac:link></p>",
		},
		{
			name:     "braces that are no attribute list stay text",
			markdown: "{foo}\n\n{::options parse_block_html=\"true\" /}\n\n{ \"a\": 1 }\n\n## Set {x}",
			want:     "<p>{foo}</p>\n<p>{::options parse_block_html=\"true\" /}</p>\n<p>{ \"a\": 1 }</p>\n<h2>Set {x}</h2>",
		},
		// MDX.
		{
			name: "MDX: import and export statements are left out, JSX component tags too with one warning",
			markdown: "import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\nexport const meta = {\n  a: 1,\n};\n\n" +
				"<Tabs groupId=\"os\">\n<TabItem value=\"a\" label=\"A\" default>\n\nFirst *tab*\n\n</TabItem>\n<TabItem value=\"b\">\nB <Badge text=\"x\" />\n</TabItem>\n</Tabs>\n\n" +
				"```js\nimport x from 'y';\n```\n\n{/* truncate */}\n\n- import in a list stays",
			opts: MarkdownOptions{SourcePath: "docs/intro.mdx", Pages: map[string]PageRef{}},
			want: "<p>First <em>tab</em></p>\n<p>B</p>\n<ac:structured-macro ac:name=\"code\">\n  <ac:parameter ac:name=\"language\">javascript</ac:parameter>\n  <ac:plain-text-body><![CDATA[import x from 'y';]]></ac:plain-text-body>\n</ac:structured-macro>\n" +
				"<ul>\n  <li>import in a list stays</li>\n</ul>",
			warnings: []MarkdownWarning{{8, "JSX components such as <Tabs> cannot be stored in a page; their tags are left out and their content kept (the first is on this line)"}},
		},
		{
			name:     "not MDX: import lines are text, capitalised tags unknown HTML",
			markdown: "import Tabs from '@theme/Tabs';\n\n<Tabs>x</Tabs>",
			opts:     MarkdownOptions{SourcePath: "docs/intro.md", Pages: map[string]PageRef{}},
			want:     "<p>import Tabs from '@theme/Tabs';</p>\n<p>&lt;Tabs&gt;x&lt;/Tabs&gt;</p>",
			warnings: []MarkdownWarning{{3, "the HTML element <tabs> cannot be stored in a page; it is shown as text"}},
		},
		// Placeholders in prose.
		{
			name:     "placeholder tags are shown as written without a warning",
			markdown: "Run `docker rm` <container-id> as <name>.\n\n- volume=(<volume name>|<mount point destination>)",
			want:     "<p>Run <code>docker rm</code> &lt;container-id&gt; as &lt;name&gt;.</p>\n<ul>\n  <li>volume=(&lt;volume name&gt;|&lt;mount point destination&gt;)</li>\n</ul>",
		},
		{
			name:     "unsupported elements, placeholders with attributes or a closing tag still warn",
			markdown: "<iframe>\n\n<widget size=\"2\"> <x-y>a</x-y>",
			want:     "<p>&lt;iframe&gt;</p>\n<p>&lt;widget size=\"2\"&gt; &lt;x-y&gt;a&lt;/x-y&gt;</p>",
			warnings: []MarkdownWarning{
				{1, "the HTML element <iframe> cannot be stored in a page; it is shown as text"},
				{3, "the HTML element <widget> cannot be stored in a page; it is shown as text"},
				{3, "the HTML element <x-y> cannot be stored in a page; it is shown as text"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := RenderMarkdown(tt.markdown, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.Storage != tt.want {
				t.Errorf("storage\n got: %q\nwant: %q", got.Storage, tt.want)
			}
			if !reflect.DeepEqual(got.Warnings, tt.warnings) && (len(got.Warnings) > 0 || len(tt.warnings) > 0) {
				t.Errorf("warnings\n got: %v\nwant: %v", got.Warnings, tt.warnings)
			}
		})
	}
}

// A byte order mark does not hide the front matter from FrontMatter, which
// the docs tree reads titles and labels with.
func TestFrontMatterAfterByteOrderMark(t *testing.T) {
	t.Parallel()
	for _, markdown := range []string{"\ufeff---\ntitle: T\ntags: [a]\n---\nText", "\ufeff+++\ntitle = \"T\"\ntags = [\"a\"]\n+++\nText"} {
		got, err := FrontMatter(markdown)
		want := map[string]any{"title": "T", "tags": []any{"a"}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("FrontMatter(%q) = %v, %v; want %v", markdown, got, err, want)
		}
		rendered, err := RenderMarkdown(markdown, MarkdownOptions{})
		if err != nil || !reflect.DeepEqual(rendered.FrontMatter, want) || rendered.Storage != "<p>Text</p>" {
			t.Errorf("RenderMarkdown(%q) = %q with %v, %v", markdown, rendered.Storage, rendered.FrontMatter, err)
		}
	}
}
