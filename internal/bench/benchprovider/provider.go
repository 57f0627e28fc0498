// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package benchprovider builds the providers the benchmark compares the real
// one with. Both serve the real provider's schemas (provider, resources,
// data sources, functions: the same framework work per request) but replace
// confluence_page's behaviour:
//   - Null does nothing: Read returns the prior state, there is no
//     ModifyPlan or config validation. Its plan is the protocol floor of a
//     provider on this framework with this schema.
//   - Naive reads every page by id (GET /wiki/api/v2/pages/{id} with its
//     body) on refresh, the way a provider without a version index would,
//     and keeps the state otherwise.
//
// Neither creates pages: the benchmark copies the real provider's state into
// their workspaces, so all of them plan the same pages.
package benchprovider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	confluenceprovider "github.com/docs-as-code/terraform-provider-confluence/internal/provider"
)

// Mode selects what confluence_page does.
type Mode string

// The modes of the bench provider.
const (
	Null  Mode = "null"
	Naive Mode = "naive"
)

// ParseMode checks a mode name.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case Null, Naive:
		return Mode(s), nil
	}
	return "", fmt.Errorf("unknown bench provider mode %q; use %q or %q", s, Null, Naive)
}

// New returns a provider factory for mode.
func New(mode Mode) func() provider.Provider {
	return func() provider.Provider {
		real, ok := confluenceprovider.New("bench")().(provider.ProviderWithFunctions)
		if !ok {
			panic("the confluence provider does not implement provider.ProviderWithFunctions")
		}
		return &benchProvider{real: real, mode: mode}
	}
}

type benchProvider struct {
	real provider.ProviderWithFunctions
	mode Mode
}

var _ provider.ProviderWithFunctions = &benchProvider{}

func (p *benchProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *benchProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

// Configure builds a client for the naive mode from the same provider block.
func (p *benchProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	if p.mode != Naive {
		return
	}
	var url, email, token types.String
	var rps types.Float64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("url"), &url)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("email"), &email)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("api_token"), &token)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("requests_per_second"), &rps)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := confluence.Config{
		BaseURL: url.ValueString(), Email: email.ValueString(), APIToken: token.ValueString(),
		Version: "bench-naive", RequestsPerSecond: confluence.DefaultRequestsPerSecond,
	}
	if !rps.IsNull() {
		cfg.RequestsPerSecond = rps.ValueFloat64()
	}
	client, err := confluence.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Bench Provider Not Configured", err.Error())
		return
	}
	resp.ResourceData = client
}

// Resources are the real ones with confluence_page replaced.
func (p *benchProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, factory := range p.real.Resources(ctx) {
		var meta resource.MetadataResponse
		factory().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "confluence"}, &meta)
		if meta.TypeName != "confluence_page" {
			out = append(out, factory)
			continue
		}
		out = append(out, func() resource.Resource { return &page{real: factory(), mode: p.mode} })
	}
	return out
}

func (p *benchProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	return p.real.DataSources(ctx)
}

func (p *benchProvider) Functions(ctx context.Context) []func() function.Function {
	return p.real.Functions(ctx)
}

// page is confluence_page with the real schema and the bench behaviour.
type page struct {
	real   resource.Resource
	mode   Mode
	client *confluence.Client
}

var _ resource.ResourceWithConfigure = &page{}

func (r *page) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *page) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

func (r *page) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*confluence.Client); ok {
		r.client = c
	}
}

// Read keeps the prior state (the framework copies it into resp.State); the
// naive mode first reads the page and its body by id.
func (r *page) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.mode != Naive {
		return
	}
	if r.client == nil {
		resp.Diagnostics.AddError("Bench Provider Not Configured", "the naive mode needs the provider's url, email and api_token")
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := r.client.GetPage(ctx, id.ValueString(), confluence.GetPageOptions{IncludeBody: true}); err != nil {
		var apiErr *confluence.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
			resp.State.RemoveResource(ctx)
			return
		}
		resp.Diagnostics.AddError("Naive Read Failed", fmt.Sprintf("While reading page %s: %v", id.ValueString(), err))
	}
}

var errNoWrites = errors.New("the bench provider only plans pages the real provider created; apply with the real provider")

func (r *page) Create(_ context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.AddError("Bench Provider Does Not Write", errNoWrites.Error())
}

func (r *page) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Bench Provider Does Not Write", errNoWrites.Error())
}

func (r *page) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
