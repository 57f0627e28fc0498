// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

var _ function.Function = &MarkdownImagesFunction{}

// NewMarkdownImagesFunction is the markdown_images function factory.
func NewMarkdownImagesFunction() function.Function { return &MarkdownImagesFunction{} }

// MarkdownImagesFunction lists the local images a Markdown page shows, with
// the attachment file names the page resource renders them as, so a
// configuration can attach exactly those files (confluence_attachment).
type MarkdownImagesFunction struct{}

var markdownImageType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"path":     types.StringType,
	"filename": types.StringType,
	"line":     types.Int64Type,
}}

func (f *MarkdownImagesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "markdown_images"
}

func (f *MarkdownImagesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "List the local images of a Markdown page",
		MarkdownDescription: "Returns the local images a Markdown page shows (`![alt](img/x.png)` and `<img src=\"img/x.png\">`), each once, in order of first use: " +
			"`path`, the file resolved against the directory of `source_path` (in the same form as `source_path`); `filename`, the attachment name " +
			"`confluence_page` shows it as (the path with `/` replaced by `_`); and `line`, where it is first used. Remote images are not listed. " +
			"Attach each file to its page with `confluence_attachment` (`source` = the file on disk, `filename` = `filename`) so the page displays it.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "markdown", MarkdownDescription: "Markdown text, e.g. `file(\"${local.root}/${each.key}\")`."},
			function.StringParameter{Name: "source_path", MarkdownDescription: "The page's `source_path`, e.g. `guide/install.md`."},
		},
		Return: function.ListReturn{ElementType: markdownImageType},
	}
}

func (f *MarkdownImagesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var markdown, sourcePath string
	resp.Error = req.Arguments.Get(ctx, &markdown, &sourcePath)
	if resp.Error != nil {
		return
	}
	rendered, err := storage.RenderMarkdown(markdown, storage.MarkdownOptions{SourcePath: cleanSourcePath(sourcePath), Pages: map[string]storage.PageRef{}})
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "The Markdown could not be rendered: "+err.Error())
		return
	}
	images := make([]attr.Value, 0, len(rendered.Images))
	for _, img := range rendered.Images {
		images = append(images, types.ObjectValueMust(markdownImageType.AttrTypes, map[string]attr.Value{
			"path":     types.StringValue(img.Path),
			"filename": types.StringValue(img.Filename),
			"line":     types.Int64Value(int64(img.Line)),
		}))
	}
	resp.Error = resp.Result.Set(ctx, types.ListValueMust(markdownImageType, images))
}
