// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// TestConnectionResource_policyReadFailureWritesNothing: OPS joins the scope of a
// connection whose policy (delete_page denied) lives in DOCS. When reading that
// policy fails, the apply fails and nothing is written: OPS must never hold the
// connection record without its policy, which would govern it by default levels.
// Once the read works, the same call copies the policy.
func TestConnectionResource_policyReadFailureWritesNothing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	ctx := context.Background()
	admin := site.asAccount(t, adminEmail, adminToken)
	docs, err := admin.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := policy.EncodePolicy(policy.PolicyRecord{Connection: "ci-bot", Levels: map[policy.Operation]policy.Level{policy.DeletePage: policy.Denied}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutSpaceProperty(ctx, docs.ID, policy.PolicyPropertyKey("ci-bot"), json.RawMessage(stored)); err != nil {
		t.Fatal(err)
	}

	var diags diag.Diagnostics
	plan := connectionModel{
		Name: types.StringValue("ci-bot"), Email: types.StringValue(botEmail),
		Spaces:    stringSetValue(&diags, []string{"DOCS", "OPS"}),
		AccountID: types.StringValue(botAccountID), DisplayName: types.StringValue("Docs Bot"),
		TokenRotatedAt: types.StringValue("2026-01-01T00:00:00Z"), AuthMode: types.StringValue("classic_token"),
		TokenExpiresAt: types.StringNull(), ClientID: types.StringNull(),
	}
	newResource := func() *ConnectionResource {
		return &ConnectionResource{data: newProviderData(admin, providerSettings{email: adminEmail}), now: time.Now}
	}

	// The next read of a space's properties fails once (this client does not
	// retry): the policy read. Later reads and writes would work, so only the
	// policy read's error stands between OPS and the default levels.
	site.emu.InjectFault(emulator.Fault{Method: "GET", Path: `^/wiki/api/v2/spaces/[^/]+/properties$`, Kind: emulator.Fault500Before})
	writes := site.emu.Stats().Writes
	if newResource().writeRecords(ctx, &diags, plan, []string{"DOCS"}) {
		t.Error("writeRecords reported success although the policy could not be read")
	}
	if !hasDiag(diags.Errors(), "Unable to Read Operation Policy", "Nothing was written") || !hasDiag(diags.Errors(), "Unable to Read Operation Policy", "OPS") {
		t.Errorf("diagnostics = %v, want Unable to Read Operation Policy naming OPS", diags)
	}
	if w := site.emu.Stats().Writes - writes; w != 0 {
		t.Errorf("%d writes sent after the policy read failed, want 0", w)
	}
	site.emu.ClearFaults()
	if _, ok := site.emu.SpaceProperty("OPS", policy.ConnectionPropertyKey("ci-bot")); ok {
		t.Error("OPS holds the connection record without its policy: it would run on default levels")
	}

	// The control: with the read working, OPS gets the record and the policy.
	diags = nil
	if !newResource().writeRecords(ctx, &diags, plan, []string{"DOCS"}) {
		t.Fatalf("writeRecords: %v", diags)
	}
	raw, ok := site.emu.SpaceProperty("OPS", policy.PolicyPropertyKey("ci-bot"))
	if !ok {
		t.Fatal("OPS did not get the policy")
	}
	copied, err := policy.DecodePolicy(policy.PolicyPropertyKey("ci-bot"), raw)
	if err != nil || copied.Level(policy.DeletePage) != policy.Denied {
		t.Errorf("OPS policy = %+v, %v; want delete_page denied", copied, err)
	}
}
