// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"reflect"
	"testing"
)

// Links and images as real docs folders write them (GitHub READMEs,
// MkDocs, Hugo, Jekyll, Docusaurus), found by publishing some 3,400 real
// Markdown files: links to repository files that are not pages, links
// written relative to the page's URL, GitHub's anchor prefix, templates in
// image sources, and MDX pages.

// Link bodies and elements the cases below expect.
const (
	configLink = `<ac:link><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link>`
	stepOneH2  = `<h2>` + anchorStep + `Step one</h2>`
	xToStepOne = `<ac:link ac:anchor="step-one"><ac:plain-text-link-body><![CDATA[x]]></ac:plain-text-link-body></ac:link>`
)

func TestRenderMarkdownRealDocsLinks(t *testing.T) {
	t.Parallel()
	tree := treeOptions()
	// withTemplate is tree with a source URL template; the tree's source
	// paths are relative to the repository, as docs/guide/install.md is.
	withTemplate := func(template string) MarkdownOptions {
		o := treeOptions()
		o.SourceURLTemplate = template
		return o
	}
	repoRooted := withTemplate("https://github.com/acme/h/blob/main/{path}")
	// docsRooted is the docs-tree module's set-up: the root is the docs/
	// folder of the repository, and so is the template.
	docsRooted := MarkdownOptions{
		SourcePath:        "guide/install.md",
		Pages:             map[string]PageRef{"guide/install.md": {Title: "Install"}, "index.md": {Title: "Home"}},
		SourceURLTemplate: "https://github.com/acme/h/blob/main/docs/{path}",
	}
	mdx := MarkdownOptions{
		SourcePath: "docs/guide.md",
		Pages:      map[string]PageRef{"docs/guide.md": {Title: "Guide"}, "docs/intro.mdx": {Title: "Intro"}, "docs/api/index.mdx": {Title: "API"}},
	}
	// prettyURLs is a page that is not an index page among siblings, as
	// ko's docs/get-started.md and testify's usage/USAGE.md are.
	prettyURLs := MarkdownOptions{
		SourcePath: "usage/USAGE.md",
		Pages:      map[string]PageRef{"usage/USAGE.md": {Title: "Usage"}, "usage/GENERICS.md": {Title: "Generics"}, "usage/install.md": {Title: "Install"}, "index.md": {Title: "Home"}},
	}
	tests := []struct {
		name     string
		markdown string
		opts     MarkdownOptions
		want     string
		warnings []MarkdownWarning
	}{
		// L1: links to repository files that are not pages.
		{
			name: "non-Markdown repo file links to the source", markdown: "[License](../../LICENSE)", opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/LICENSE">License</a></p>`,
		},
		{
			name: "line anchors and query are kept", markdown: "[main](../../cmd/main.go#L10-L20) [ci](<../../.github/workflows/ci.yaml?plain=1#L5>)", opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/cmd/main.go#L10-L20">main</a> <a href="https://github.com/acme/h/blob/main/.github/workflows/ci.yaml?plain=1#L5">ci</a></p>`,
		},
		{
			name: "a folder links to its source", markdown: "[examples](../../examples/)", opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/examples">examples</a></p>`,
		},
		{
			name: "path segments are escaped once", markdown: "[s](<../my file.txt>) [p](../a%20b.txt)", opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/docs/my%20file.txt">s</a> <a href="https://github.com/acme/h/blob/main/docs/a%20b.txt">p</a></p>`,
		},
		{
			name: "link text with markup stays inside the a element", markdown: "[the `LICENSE`](../../LICENSE)", opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/LICENSE">the <code>LICENSE</code></a></p>`,
		},
		{
			name: "html a to a repo file links to the source", markdown: `<a href="../../LICENSE">MIT</a>`, opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/LICENSE">MIT</a></p>`,
		},
		{
			name: "a file above the root climbs the template's folders", markdown: "[License](../../LICENSE) [c](../../CONTRIBUTING.md#setup)", opts: docsRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/LICENSE">License</a> <a href="https://github.com/acme/h/blob/main/CONTRIBUTING.md#setup">c</a></p>`,
		},
		{
			name: "climbing above the branch is not addressable", markdown: "[x](../../../x.go)", opts: docsRooted,
			want:     `<p>x</p>`,
			warnings: []MarkdownWarning{{1, `the link to "../../../x.go" (../../x.go) leaves the folder source_url_template addresses; only its text is shown`}},
		},
		{
			name: "a Markdown file in the root but not in the tree links to its source and warns", markdown: "Intro\n\n[the FAQ](../faq.md)", opts: repoRooted,
			want:     "<p>Intro</p>\n" + `<p><a href="https://github.com/acme/h/blob/main/docs/faq.md">the FAQ</a></p>`,
			warnings: []MarkdownWarning{{3, `the link to "../faq.md" (docs/faq.md) points at no page published with this one; it links to the file's source instead`}},
		},
		{
			name: "without a template a repo file is text with a hint", markdown: "[License](../../LICENSE)", opts: tree,
			want:     `<p>License</p>`,
			warnings: []MarkdownWarning{{1, `the link to "../../LICENSE" (LICENSE) points at no page published with this one; only its text is shown (set source_url_template to link files that are not pages to their source)`}},
		},
		{
			name: "pages stay page links with a template", markdown: "[c](config.md)", opts: repoRooted,
			want: `<p>` + configLink + `</p>`,
		},
		{
			name: "link around its own local image is silent", markdown: "[![d](img/a.png)](img/a.png)", opts: tree,
			want: `<p><ac:image ac:alt="d"><ri:attachment ri:filename="docs_guide_img_a.png" /></ac:image></p>`,
		},
		{
			name: "link around its own image, written differently, with a template", markdown: "[![d](./img/a.png)](img/a.png#full)", opts: repoRooted,
			want: `<p><ac:image ac:alt="d"><ri:attachment ri:filename="docs_guide_img_a.png" /></ac:image></p>`,
		},
		{
			name: "link around another image still links", markdown: "[![d](img/a.png)](img/large.png)", opts: repoRooted,
			want: `<p><a href="https://github.com/acme/h/blob/main/docs/guide/img/large.png"><ac:image ac:alt="d"><ri:attachment ri:filename="docs_guide_img_a.png" /></ac:image></a></p>`,
		},
		{
			name: "a templated link destination is text, not a source link", markdown: "[home]({{site.baseurl}}/index)", opts: repoRooted,
			want:     `<p>home</p>`,
			warnings: []MarkdownWarning{{1, `the link to "{{site.baseurl}}/index" is a template only the site generator fills in; only its text is shown`}},
		},
		// L2: links relative to the page's URL.
		{
			name: "pretty-URL relative link (MkDocs/Hugo)", markdown: "[c](../config/) [c](../config)", opts: tree,
			want: `<p>` + configLink + ` ` + configLink + `</p>`,
		},
		{
			name: "pretty-URL link to a sibling file (testify, ko)", markdown: "[g](../GENERICS.md#any) [i](../install)", opts: prettyURLs,
			want: `<p><ac:link ac:anchor="any"><ri:page ri:content-title="Generics" /><ac:plain-text-link-body><![CDATA[g]]></ac:plain-text-link-body></ac:link> ` +
				`<ac:link><ri:page ri:content-title="Install" /><ac:plain-text-link-body><![CDATA[i]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "the file-relative page wins over the URL-relative one", markdown: "[h](../index.md)", opts: prettyURLs,
			want: `<p><ac:link><ri:page ri:content-title="Home" /><ac:plain-text-link-body><![CDATA[h]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name:     "an index page is served at its folder: no URL-relative retry",
			markdown: "[c](../config.md)",
			opts:     MarkdownOptions{SourcePath: "docs/guide/index.md", Pages: map[string]PageRef{"docs/guide/index.md": {Title: "Guide"}, "docs/guide/config.md": {Title: "Config"}}},
			want:     `<p>c</p>`,
			warnings: []MarkdownWarning{{1, `the link to "../config.md" (docs/config.md) points at no page published with this one; only its text is shown`}},
		},
		// L3: anchors.
		{
			name: "user-content- prefix", markdown: "[x](#user-content-step-one)\n\n## Step one",
			want: `<p>` + xToStepOne + "</p>\n" + stepOneH2,
		},
		{
			name:     "user-content- prefix in a docs tree, in HTML and to another page",
			markdown: "<a href=\"#user-content-step-one\">x</a> [c](config.md#user-content-tls)\n\n## Step one", opts: tree,
			want: `<p><ac:link ac:anchor="step-one"><ac:link-body>x</ac:link-body></ac:link> ` +
				`<ac:link ac:anchor="tls"><ri:page ri:content-title="Config &amp; TLS" /><ac:plain-text-link-body><![CDATA[c]]></ac:plain-text-link-body></ac:link></p>` + "\n" + stepOneH2,
		},
		{
			name: "an anchor really named user-content-x is kept", markdown: "<a name=\"user-content-x\"></a>\n\n## X\n\n[a](#user-content-x)", opts: tree,
			want: `<p><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">user-content-x</ac:parameter></ac:structured-macro></p>` + "\n" +
				`<h2><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">x</ac:parameter></ac:structured-macro>X</h2>` + "\n" +
				`<p><ac:link ac:anchor="user-content-x"><ac:plain-text-link-body><![CDATA[a]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "self link by file name folds case", markdown: "[x](install.md#Step-One)\n\n## Step one", opts: tree,
			want: `<p>` + xToStepOne + "</p>\n" + stepOneH2,
		},
		{
			name: "self link by file name with GitHub's prefix", markdown: "[x](./install.md#user-content-step-one)\n\n## Step one", opts: tree,
			want: `<p>` + xToStepOne + "</p>\n" + stepOneH2,
		},
		// L4: templates in image sources.
		{
			name: "liquid image source shows the alt text", markdown: `<img src="{{ contributor.avatar_url }}" alt="avatar">`, opts: tree,
			want:     `<p>avatar</p>`,
			warnings: []MarkdownWarning{{1, `the image "{{ contributor.avatar_url }}" is a template only the site generator fills in; only its alt text is shown`}},
		},
		{
			name: "templated Markdown image", markdown: "![logo](<{{ site.baseurl }}/a.png>) ![j](<{% link a.png %}>)",
			want: `<p>logo j</p>`,
			warnings: []MarkdownWarning{
				{1, `the image "{{ site.baseurl }}/a.png" is a template only the site generator fills in; only its alt text is shown`},
				{1, `the image "{% link a.png %}" is a template only the site generator fills in; only its alt text is shown`},
			},
		},
		// L5: MDX pages.
		{
			name: "links to .mdx pages", markdown: "[i](./intro.mdx) [i](intro) [a](api/) [h](intro.html)", opts: mdx,
			want: `<p><ac:link><ri:page ri:content-title="Intro" /><ac:plain-text-link-body><![CDATA[i]]></ac:plain-text-link-body></ac:link> ` +
				`<ac:link><ri:page ri:content-title="Intro" /><ac:plain-text-link-body><![CDATA[i]]></ac:plain-text-link-body></ac:link> ` +
				`<ac:link><ri:page ri:content-title="API" /><ac:plain-text-link-body><![CDATA[a]]></ac:plain-text-link-body></ac:link> ` +
				`<ac:link><ri:page ri:content-title="Intro" /><ac:plain-text-link-body><![CDATA[h]]></ac:plain-text-link-body></ac:link></p>`,
		},
		{
			name: "a missing .mdx page warns like a missing .md page", markdown: "[o](old.mdx)", opts: mdx,
			want:     `<p>o</p>`,
			warnings: []MarkdownWarning{{1, `the link to "old.mdx" (docs/old.mdx) points at no page published with this one; only its text is shown`}},
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

// A templated image source is no local image: nothing to attach, so
// docs trees and markdown_images neither list nor look for it.
func TestRenderMarkdownTemplatedImageIsNotAttached(t *testing.T) {
	t.Parallel()
	got, err := RenderMarkdown("<img src=\"{{ c.avatar_url }}\">\n\n![a]({{site.baseurl}}/a.png) ![b](b.png)", MarkdownOptions{SourcePath: "docs/a.md", Pages: map[string]PageRef{}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []LocalImage{{Path: "docs/b.png", Filename: "docs_b.png", Line: 3}}; !reflect.DeepEqual(got.Images, want) {
		t.Errorf("images %+v, want %+v", got.Images, want)
	}
}
