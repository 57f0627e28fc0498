// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

var _ function.Function = &StorageCanonicalFunction{}

// NewStorageCanonicalFunction is the storage_canonical function factory.
func NewStorageCanonicalFunction() function.Function { return &StorageCanonicalFunction{} }

// StorageCanonicalFunction returns the canonical form of a storage-format
// body, the form the provider compares bodies in.
type StorageCanonicalFunction struct{}

func (f *StorageCanonicalFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "storage_canonical"
}

func (f *StorageCanonicalFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Canonicalise Confluence storage format",
		MarkdownDescription: "Returns the canonical form of a Confluence storage-format (XHTML) body: the same content with everything Confluence rewrites on save " +
			"normalised away (`b`→`strong`, `i`→`em`, sorted attributes, self-closing empty elements, entities decoded, macro ids dropped, white space collapsed), " +
			"one top-level block per line. Two bodies Confluence shows the same have the same canonical form; bodies read by the `confluence_page` and " +
			"`confluence_pages` data sources are already in this form. Fails, naming the line and column, when the argument is not well-formed storage format.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "xhtml",
				MarkdownDescription: "Storage-format XHTML, e.g. `<p><b>Hello</b></p>`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *StorageCanonicalFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var body string
	resp.Error = req.Arguments.Get(ctx, &body)
	if resp.Error != nil {
		return
	}
	canonical, err := storage.Canonicalize(body)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, invalidStorageArgument(err))
		return
	}
	resp.Error = resp.Result.Set(ctx, canonical)
}

// invalidStorageArgument describes a storage-format syntax error in a
// function argument, with its position when the parser gave one. Terraform
// prefixes it with the argument's name and ends the sentence.
func invalidStorageArgument(err error) string {
	var syntaxErr *storage.SyntaxError
	if errors.As(err, &syntaxErr) {
		where := ""
		if syntaxErr.Element != "" {
			where = fmt.Sprintf(" (in <%s>)", syntaxErr.Element)
		}
		return fmt.Sprintf("not well-formed storage format at line %d, column %d%s: %s",
			syntaxErr.Line, syntaxErr.Column, where, syntaxErr.Msg)
	}
	return "not valid storage format: " + err.Error()
}
