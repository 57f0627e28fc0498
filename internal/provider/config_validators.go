// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// screenedValidators runs resource config validators only when a cheap look
// at the configuration's top-level values cannot clear it. The framework's
// resourcevalidator matches path expressions against the schema on every
// call, which cost about a tenth of the provider's CPU in a plan of 1,000
// pages; nearly every configuration is plainly valid, and the rest get the
// validators' own diagnostics, unchanged.
type screenedValidators struct {
	// clear reports whether the top-level values (attribute name → value;
	// an attribute not in the map is null) certainly pass every validator.
	clear      func(attrs map[string]tftypes.Value) bool
	validators []resource.ConfigValidator
}

func (s screenedValidators) Description(ctx context.Context) string {
	parts := make([]string, len(s.validators))
	for i, v := range s.validators {
		parts[i] = v.Description(ctx)
	}
	return strings.Join(parts, "; ")
}

func (s screenedValidators) MarkdownDescription(ctx context.Context) string {
	parts := make([]string, len(s.validators))
	for i, v := range s.validators {
		parts[i] = v.MarkdownDescription(ctx)
	}
	return strings.Join(parts, "; ")
}

func (s screenedValidators) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var attrs map[string]tftypes.Value
	if err := req.Config.Raw.As(&attrs); err == nil && s.clear(attrs) {
		return
	}
	for _, v := range s.validators {
		var one resource.ValidateConfigResponse
		v.ValidateResource(ctx, req, &one)
		resp.Diagnostics.Append(one.Diagnostics...)
	}
}

// isSet reports whether attrs holds a known, non-null value for name.
func isSet(attrs map[string]tftypes.Value, name string) bool {
	v, ok := attrs[name]
	return ok && v.IsKnown() && !v.IsNull()
}

// isUnset reports whether attrs holds no value for name, or null.
func isUnset(attrs map[string]tftypes.Value, name string) bool {
	v, ok := attrs[name]
	return !ok || (v.IsKnown() && v.IsNull())
}
