// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

var _ function.Function = &StorageEqualFunction{}

// NewStorageEqualFunction is the storage_equal function factory.
func NewStorageEqualFunction() function.Function { return &StorageEqualFunction{} }

// StorageEqualFunction tells whether two storage-format bodies are the same
// page content, comparing their canonical forms.
type StorageEqualFunction struct{}

func (f *StorageEqualFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "storage_equal"
}

func (f *StorageEqualFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Compare two Confluence storage-format bodies",
		MarkdownDescription: "Returns `true` when two storage-format (XHTML) bodies are the same page content, i.e. have the same canonical form " +
			"(see `storage_canonical`): differences Confluence introduces on save, such as `<b>` versus `<strong>`, attribute order, entities or macro ids, do not count. " +
			"Useful in `check` blocks and preconditions, e.g. to assert that a page read with the `confluence_page` data source still holds the expected content. " +
			"Fails, naming the argument, line and column, when either body is not well-formed.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "a",
				MarkdownDescription: "First storage-format body.",
			},
			function.StringParameter{
				Name:                "b",
				MarkdownDescription: "Second storage-format body.",
			},
		},
		Return: function.BoolReturn{},
	}
}

func (f *StorageEqualFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var a, b string
	resp.Error = req.Arguments.Get(ctx, &a, &b)
	if resp.Error != nil {
		return
	}
	canonicalA, err := storage.Canonicalize(a)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, invalidStorageArgument(err))
		return
	}
	canonicalB, err := storage.Canonicalize(b)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, invalidStorageArgument(err))
		return
	}
	resp.Error = resp.Result.Set(ctx, canonicalA == canonicalB)
}
