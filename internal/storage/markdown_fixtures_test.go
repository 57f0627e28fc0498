// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of TestMarkdownFixtures")

// TestMarkdownFixtures publishes three small docs trees written like real
// mdBook, MkDocs and Hugo sites: every page is rendered with the page map
// of its tree (titles from front matter, else the first heading, as the
// docs-as-code guide does), compared with its golden .storage and
// .warnings files (go test -run TestMarkdownFixtures -update rewrites
// them; review the diff), and checked for what must never show as text.
func TestMarkdownFixtures(t *testing.T) {
	t.Parallel()
	// Source paths are relative to each tool's content root.
	for site, content := range map[string]string{"mdbook": "src", "mkdocs": "docs", "hugo": "content"} {
		t.Run(site, func(t *testing.T) {
			t.Parallel()
			root := filepath.Join("testdata", "markdown", site, content)
			sources := map[string]string{}
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
					return err
				}
				data, err := os.ReadFile(p)
				rel, _ := filepath.Rel(root, p)
				sources[filepath.ToSlash(rel)] = string(data)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			pages := map[string]PageRef{}
			for p, md := range sources {
				pages[p] = PageRef{Title: fixtureTitle(t, p, md)}
			}
			for p, md := range sources {
				opts := MarkdownOptions{SourcePath: p, Pages: pages, SpaceKey: "DOCS", Title: pages[p].Title, DropTitleHeading: true}
				got, err := RenderMarkdown(md, opts)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				checkNothingShowsAsText(t, p, got.Storage)
				if again := mustCanonicalize(t, got.Storage); again != got.Storage {
					t.Errorf("%s: output is not canonical", p)
				}
				var warnings strings.Builder
				for _, w := range got.Warnings {
					warnings.WriteString(w.String() + "\n")
				}
				for _, img := range got.Images {
					warnings.WriteString("image " + img.Path + " as " + img.Filename + "\n")
				}
				compareGolden(t, filepath.Join(root, filepath.FromSlash(p)+".storage"), got.Storage+"\n")
				compareGolden(t, filepath.Join(root, filepath.FromSlash(p)+".warnings"), warnings.String())
			}
		})
	}
}

func fixtureTitle(t *testing.T, p, md string) string {
	fm, err := FrontMatter(md)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if title, ok := fm["title"].(string); ok {
		return title
	}
	rendered, err := RenderMarkdown(md, MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rendered.FirstHeading != "" {
		return rendered.FirstHeading
	}
	return strings.TrimSuffix(path.Base(p), ".md")
}

var (
	frontMatterLine = regexp.MustCompile(`(?m)^(title|tags|weight|icon|hide|draft|date)\s*[:=]`)
	relativeHref    = regexp.MustCompile(`href="[^":#]*\.(md|html)`)
	cdataSection    = regexp.MustCompile(`(?s)<!\[CDATA\[.*?\]\]>`)
)

// checkNothingShowsAsText checks the "done means" on one page: no
// front matter, HTML comment, admonition or footnote marker as text, no
// dead relative link.
func checkNothingShowsAsText(t *testing.T, p, storage string) {
	t.Helper()
	// Code may show anything.
	storage = cdataSection.ReplaceAllString(storage, "")
	text := PlainText(storage)
	for _, marker := range []string{"<!--", "!!!", "???", "[^", "&lt;div", "&lt;img", "&lt;kbd", "&lt;details", "&lt;p "} {
		if strings.Contains(storage, marker) || strings.Contains(text, marker) {
			t.Errorf("%s: %q shows as text:\n%s", p, marker, storage)
		}
	}
	if frontMatterLine.MatchString(text) {
		t.Errorf("%s: front matter shows as text:\n%s", p, text)
	}
	if relativeHref.MatchString(storage) {
		t.Errorf("%s: a relative link stayed an <a href>:\n%s", p, storage)
	}
}

func compareGolden(t *testing.T, file, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/storage -run TestMarkdownFixtures -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendering:\n got: %s\nwant: %s", file, got, want)
	}
}
