// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

var _ function.Function = &FrontMatterFunction{}

// NewFrontMatterFunction is the front_matter function factory.
func NewFrontMatterFunction() function.Function { return &FrontMatterFunction{} }

// FrontMatterFunction returns the YAML or TOML front matter of a Markdown
// file as an object, the same front matter the page resource leaves out of
// the page body.
type FrontMatterFunction struct{}

func (f *FrontMatterFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "front_matter"
}

func (f *FrontMatterFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Read the front matter of a Markdown file",
		MarkdownDescription: "Returns the front matter at the top of a Markdown file as an object: YAML between `---` lines " +
			"(Jekyll, MkDocs, Hugo) or TOML between `+++` lines (Hugo), starting on the first line. " +
			"Mappings become objects, lists tuples, numbers numbers, dates and times RFC 3339 strings, and `null` a null string. " +
			"A file without front matter gives an empty object, so `try(provider::confluence::front_matter(x).title, \"fallback\")` " +
			"and `lookup(provider::confluence::front_matter(x), \"title\", \"fallback\")` both work. " +
			"Front matter that is not a mapping (a syntax error, a list) fails with the line it starts on. " +
			"`confluence_page` never shows front matter in the page body, so a configuration can take a page's title, labels " +
			"or ordering from it without the text appearing on the page.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "markdown",
				MarkdownDescription: "Markdown text, e.g. `file(\"${path.module}/docs/intro.md\")`.",
			},
		},
		Return: function.DynamicReturn{},
	}
}

func (f *FrontMatterFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var markdown string
	resp.Error = req.Arguments.Get(ctx, &markdown)
	if resp.Error != nil {
		return
	}
	fm, err := storage.FrontMatter(markdown)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Invalid front matter: "+err.Error()+". Fix the block between the delimiter lines at the top of the file, or remove it.")
		return
	}
	value, err := frontMatterValue(fm)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Unsupported front matter: "+err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.DynamicValue(value))
}

// frontMatterValue converts a value returned by storage.FrontMatter into a
// Terraform value.
func frontMatterValue(v any) (attr.Value, error) {
	switch v := v.(type) {
	case nil:
		return types.StringNull(), nil
	case string:
		return types.StringValue(v), nil
	case bool:
		return types.BoolValue(v), nil
	case int64:
		return types.NumberValue(new(big.Float).SetInt64(v)), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			// Terraform numbers have no NaN or infinity: keep YAML's word.
			return types.StringValue(fmt.Sprint(v)), nil
		}
		return types.NumberValue(big.NewFloat(v)), nil
	case []any:
		elems := make([]attr.Value, len(v))
		elemTypes := make([]attr.Type, len(v))
		for i, e := range v {
			value, err := frontMatterValue(e)
			if err != nil {
				return nil, err
			}
			elems[i], elemTypes[i] = value, value.Type(context.Background())
		}
		tuple, diags := types.TupleValue(elemTypes, elems)
		if diags.HasError() {
			return nil, fmt.Errorf("a list cannot be converted: %v", diags)
		}
		return tuple, nil
	case map[string]any:
		attrs := make(map[string]attr.Value, len(v))
		attrTypes := make(map[string]attr.Type, len(v))
		for k, e := range v {
			value, err := frontMatterValue(e)
			if err != nil {
				return nil, err
			}
			attrs[k], attrTypes[k] = value, value.Type(context.Background())
		}
		object, diags := types.ObjectValue(attrTypes, attrs)
		if diags.HasError() {
			return nil, fmt.Errorf("a mapping cannot be converted: %v", diags)
		}
		return object, nil
	}
	return nil, fmt.Errorf("value of type %T", v)
}
