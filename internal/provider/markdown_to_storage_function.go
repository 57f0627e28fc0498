// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

var _ function.Function = &MarkdownToStorageFunction{}

// NewMarkdownToStorageFunction is the markdown_to_storage function factory.
func NewMarkdownToStorageFunction() function.Function { return &MarkdownToStorageFunction{} }

// MarkdownToStorageFunction renders Markdown as Confluence storage format,
// exactly as the confluence_page resource renders its markdown attribute.
type MarkdownToStorageFunction struct{}

func (f *MarkdownToStorageFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "markdown_to_storage"
}

func (f *MarkdownToStorageFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Render Markdown as Confluence storage format",
		MarkdownDescription: "Renders Markdown (CommonMark with GitHub tables, task lists, strikethrough, footnotes and definition lists) as Confluence storage-format XHTML, " +
			"with the same renderer the `confluence_page` resource uses for its `markdown` argument: front matter is left out, fenced code becomes the code macro " +
			"(language normalised, `title=\"…\"` as its title), GitHub alerts (`> [!NOTE]`, `[!TIP]`, `[!INFO]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`) " +
			"and MkDocs `!!!` admonitions become panels, `[TOC]` the table of contents macro, and raw HTML that storage can hold is kept (the rest is shown as text). " +
			"The page is rendered on its own: relative links stay plain links (the resource resolves them to page links in a docs tree). " +
			"`body = provider::confluence::markdown_to_storage(x)` therefore writes the same page as `markdown = x` for a page on its own; use it to post-process or inspect the storage format.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "markdown",
				MarkdownDescription: "Markdown text, e.g. `file(\"${path.module}/docs/intro.md\")`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *MarkdownToStorageFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var markdown string
	resp.Error = req.Arguments.Get(ctx, &markdown)
	if resp.Error != nil {
		return
	}
	rendered, err := storage.MarkdownToStorage(markdown)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Unable to render the markdown argument as storage format: "+err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, rendered)
}
