// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// When the page under a content property or restrictions is deleted, Read
// drops the resource from state and Delete has nothing to do: neither fails.
func TestPageGone_propertyAndRestrictions(t *testing.T) {
	site := newTestSite(t)
	ctx := context.Background()
	admin := newSeeder(t, site)
	page := admin.page("DOCS", "Short-lived", "", "<p>Soon gone.</p>")
	data := newProviderData(site.asAccount(t, botEmail, botToken), providerSettings{email: botEmail})

	if err := admin.client.DeletePage(ctx, page.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := admin.client.DeletePage(ctx, page.ID, true); err != nil {
		t.Fatal(err)
	}

	empty := types.SetValueMust(types.StringType, nil)
	cases := []struct {
		name     string
		resource fwresource.Resource
		model    any
	}{
		{
			name:     "content property",
			resource: &ContentPropertyResource{data: data},
			model: &contentPropertyModel{ID: types.StringValue(page.ID + "/k"), PageID: types.StringValue(page.ID), Key: types.StringValue("k"),
				Value: types.StringValue(`1`), PropertyID: types.StringValue("1"), Version: types.Int64Value(1),
				PolicyDecision: types.StringValue("unmanaged"), ConfirmationCode: types.StringValue("")},
		},
		{
			name:     "restrictions",
			resource: &PageRestrictionsResource{data: data},
			model: &pageRestrictionsModel{ID: types.StringValue(page.ID), PageID: types.StringValue(page.ID),
				ViewUsers: types.SetNull(types.StringType), ViewGroups: types.SetNull(types.StringType),
				EditUsers: types.SetValueMust(types.StringType, nil), EditGroups: types.SetNull(types.StringType),
				ViewAccountIDs: empty, ViewGroupIDs: empty, EditAccountIDs: empty, EditGroupIDs: empty,
				PolicyDecision: types.StringValue("unmanaged"), ConfirmationCode: types.StringValue("")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			schemaResp := &fwresource.SchemaResponse{}
			tc.resource.Schema(ctx, fwresource.SchemaRequest{}, schemaResp)
			schema := schemaResp.Schema
			state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(ctx), nil)}
			if diags := state.Set(ctx, tc.model); diags.HasError() {
				t.Fatal(diags)
			}

			readResp := &fwresource.ReadResponse{State: state}
			tc.resource.Read(ctx, fwresource.ReadRequest{State: state}, readResp)
			if readResp.Diagnostics.HasError() {
				t.Fatalf("Read: %v", readResp.Diagnostics)
			}
			if !readResp.State.Raw.IsNull() {
				t.Error("Read kept a resource whose page is gone")
			}

			writes := site.emu.Stats().Writes
			deleteResp := &fwresource.DeleteResponse{State: state}
			tc.resource.Delete(ctx, fwresource.DeleteRequest{State: state}, deleteResp)
			if deleteResp.Diagnostics.HasError() {
				t.Fatalf("Delete: %v", deleteResp.Diagnostics)
			}
			if n := site.emu.Stats().Writes - writes; n != 0 {
				t.Errorf("Delete of a gone page's %s sent %d write(s)", tc.name, n)
			}
		})
	}
}
