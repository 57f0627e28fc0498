// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package docstree

import (
	"strings"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// A file saved with a UTF-8 byte order mark keeps its front matter when the
// "Managed in Git" panel is added: the panel goes after the front matter,
// which still decodes, and the body shows no "---".
func TestWithBannerAfterByteOrderMark(t *testing.T) {
	t.Parallel()
	got := WithBanner("\ufeff---\ntitle: T\n---\nText", "a.md", "https://git.example/a.md")
	if !strings.HasPrefix(got, "---\ntitle: T\n---\n> [!INFO]\n") {
		t.Fatalf("WithBanner put the panel before the front matter:\n%q", got)
	}
	rendered, err := storage.RenderMarkdown(got, storage.MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rendered.FrontMatter["title"] != "T" || strings.Contains(rendered.Storage, "title: T") {
		t.Errorf("front matter lost: %v\n%s", rendered.FrontMatter, rendered.Storage)
	}
}
