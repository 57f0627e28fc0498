// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// draftsFolder is Jekyll's folder of unpublished posts.
const draftsFolder = "_drafts"

// draftReason says why a file is a draft, or "" when it is not. Drafts are
// what the site generators leave out of a production build, so publishing
// them would leak unfinished pages:
//
//   - Hugo: `draft: true` — "If true, the content will not be rendered
//     unless you pass the --buildDrafts flag to the hugo command"
//     (gohugo.io/content-management/front-matter/#draft);
//   - Docusaurus: `draft: true` — "Draft documents will only be available
//     during development" (docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-docs#markdown-front-matter);
//   - Jekyll: `published: false` — "Set to false if you don't want a
//     specific post to show up when the site is generated"
//     (jekyllrb.com/docs/front-matter/#predefined-global-variables), and
//     files in _drafts/, which are built only with --drafts
//     (jekyllrb.com/docs/posts/#drafts).
//
// Hugo's `published` is a date (an alias of publishDate), so only a boolean
// false counts.
func draftReason(p string, fm map[string]any) string {
	if draft, ok := boolValue(fm["draft"]); ok && draft {
		return "draft: true"
	}
	if published, ok := boolValue(fm["published"]); ok && !published {
		return "published: false"
	}
	if slices.Contains(strings.Split(path.Dir(p), "/"), draftsFolder) {
		return "in a " + draftsFolder + " folder"
	}
	return ""
}

// boolValue reads a front matter boolean, also written as a string
// ("true", as Hugo's cast to bool accepts).
func boolValue(v any) (value, ok bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// draftLinkWarnings finds the links from published pages to drafts left
// out: published, they show only their text (the page resource warns that
// they point at no page; this says why). The renderer decides what a link
// reaches, so each page that has unresolved links is rendered twice more,
// with the tree's pages and with the drafts as well: a link that warns in
// the first and not in the second reaches a draft.
func (s *scanner) draftLinkWarnings() ([]string, error) {
	if len(s.drafts) == 0 {
		return nil, nil
	}
	published := make(map[string]storage.PageRef, len(s.files)+len(s.dirs))
	for p := range s.files {
		published[p] = storage.PageRef{Title: p}
	}
	for dir := range s.dirs {
		if key := s.folderKey(dir); key != "" {
			published[key] = storage.PageRef{Title: key}
		}
	}
	withDrafts := maps.Clone(published)
	for p := range s.drafts {
		if _, ok := withDrafts[p]; !ok {
			withDrafts[p] = storage.PageRef{Title: p}
		}
	}
	type lineMessage struct {
		line    int
		message string
	}
	var out []string
	for _, p := range slices.Sorted(maps.Keys(s.files)) {
		f := s.files[p]
		if len(f.warnings) == 0 {
			continue // not a link that reaches no page
		}
		before, err := storage.RenderMarkdown(f.markdown, storage.MarkdownOptions{SourcePath: p, Pages: published})
		if err != nil {
			return nil, fmt.Errorf("%s cannot be rendered: %w", p, err)
		}
		after, err := storage.RenderMarkdown(f.markdown, storage.MarkdownOptions{SourcePath: p, Pages: withDrafts})
		if err != nil {
			return nil, fmt.Errorf("%s cannot be rendered: %w", p, err)
		}
		still := map[lineMessage]int{}
		for _, w := range after.Warnings {
			still[lineMessage{w.Line, w.Message}]++
		}
		for _, w := range before.Warnings {
			if key := (lineMessage{w.Line, w.Message}); still[key] > 0 {
				still[key]--
				continue
			}
			out = append(out, fmt.Sprintf("%s, line %d: %s", p, w.Line, s.draftLinkMessage(w.Message)))
		}
	}
	return out, nil
}

// folderKey is the source path of a folder's page: its index page, or the
// generated page's key; "" for the root folder without an index page,
// which is no page.
func (s *scanner) folderKey(dir string) string {
	prefix := ""
	if dir != "." {
		prefix = dir + "/"
	}
	for _, index := range indexNames {
		if s.files[prefix+index] != nil {
			return prefix + index
		}
	}
	if dir == "." {
		return ""
	}
	return prefix + GeneratedIndex
}

// draftLinkMessage says which draft a link leads to when the renderer's
// warning names it (or there is only one), and what that means.
func (s *scanner) draftLinkMessage(rendererMessage string) string {
	var target string
	if len(s.drafts) == 1 {
		for p := range s.drafts {
			target = p
		}
	} else {
		for _, p := range slices.Sorted(maps.Keys(s.drafts)) {
			if strings.Contains(rendererMessage, "("+p+")") {
				target = p
				break
			}
		}
	}
	if target == "" {
		return "a link leads to a draft, which is left out of the tree, so the page shows only the link's text"
	}
	return fmt.Sprintf("the link to %s leads to a draft (%s), which is left out of the tree, so the page shows only the link's text", target, s.drafts[target])
}
