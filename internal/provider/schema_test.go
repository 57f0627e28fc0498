// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// describedAttribute is what every schema attribute type offers.
type describedAttribute interface {
	GetMarkdownDescription() string
}

// Every resource, data source, attribute and function of the provider is
// documented: the registry docs are generated from these descriptions.
func TestSchemasAreDocumented(t *testing.T) {
	ctx := context.Background()
	p := New("test")()

	var provResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &provResp)
	checkAttributes(t, "provider", provResp.Schema.MarkdownDescription, provResp.Schema.Attributes)

	for _, factory := range p.Resources(ctx) {
		r := factory()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "confluence"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s schema: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s schema is invalid: %v", meta.TypeName, diags)
		}
		checkAttributes(t, meta.TypeName, resp.Schema.MarkdownDescription, resp.Schema.Attributes)
	}
	for _, factory := range p.DataSources(ctx) {
		d := factory()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "confluence"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s schema is invalid: %v", meta.TypeName, diags)
		}
		checkAttributes(t, "data."+meta.TypeName, resp.Schema.MarkdownDescription, resp.Schema.Attributes)
		for name, attr := range resp.Schema.Attributes {
			if nested, ok := attr.(dsschema.ListNestedAttribute); ok {
				checkAttributes(t, "data."+meta.TypeName+"."+name, attr.GetMarkdownDescription(), nested.NestedObject.Attributes)
			}
		}
	}
	withFunctions, ok := p.(provider.ProviderWithFunctions)
	if !ok {
		t.Fatal("the provider offers no functions")
	}
	for _, factory := range withFunctions.Functions(ctx) {
		f := factory()
		var meta function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &meta)
		var resp function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &resp)
		if resp.Definition.Summary == "" || resp.Definition.MarkdownDescription == "" {
			t.Errorf("function %s has no summary or description", meta.Name)
		}
		for i, param := range resp.Definition.Parameters {
			if param.GetMarkdownDescription() == "" {
				t.Errorf("function %s parameter %d has no description", meta.Name, i)
			}
		}
	}
}

func checkAttributes[A describedAttribute](t *testing.T, owner, description string, attrs map[string]A) {
	t.Helper()
	if description == "" {
		t.Errorf("%s has no MarkdownDescription", owner)
	}
	for name, attr := range attrs {
		if attr.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s has no MarkdownDescription", owner, name)
		}
	}
}
