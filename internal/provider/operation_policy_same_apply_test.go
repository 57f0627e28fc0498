// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// TestAccOperationPolicyResource_connectionByName: the natural configuration
// names the connection by its name attribute, which is known at plan while the
// record does not exist yet. The plan does not fail; one apply writes both, and
// the next plan is empty.
func TestAccOperationPolicyResource_connectionByName(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	byName := `
resource "confluence_operation_policy" "ci" {
  connection_name = confluence_connection.ci.name
  delete_page     = "denied"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: withToken(botToken, resource.TestStep{
			Config: connectionConfig(site, `["DOCS", "OPS"]`, 1, byName),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("confluence_connection.ci", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("confluence_operation_policy.ci", plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue("confluence_operation_policy.ci", tfjsonpath.New("id"), knownvalue.StringExact("ci-bot")),
					plancheck.ExpectUnknownValue("confluence_operation_policy.ci", tfjsonpath.New("spaces")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("confluence_operation_policy.ci", tfjsonpath.New("spaces"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("DOCS"), knownvalue.StringExact("OPS")})),
			},
			Check: resource.ComposeTestCheckFunc(expectConnectionIn(site, "DOCS", "OPS"), expectPolicyIn(site, policy.Denied, "DOCS", "OPS")),
		}),
	})
}

// TestOperationPolicyResource_connectionNotFoundUnlessPlanned calls ModifyPlan
// directly: a connection that exists nowhere fails the plan unless this run's
// plan creates it, and then the apply still refuses, clearly, if it never
// appeared. Nothing is written either way.
func TestOperationPolicyResource_connectionNotFoundUnlessPlanned(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	ctx := context.Background()
	s := operationPolicyResourceSchema()
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the policy schema is not an object type")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["connection_name"] = tftypes.NewValue(tftypes.String, "ci-bot")
	vals["id"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	vals["spaces"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue)
	for _, op := range policy.Operations() {
		vals[string(op)] = tftypes.NewValue(tftypes.String, string(policy.DefaultLevel(op)))
	}
	vals["required_approvals"] = tftypes.NewValue(tftypes.Number, 1)
	raw := tftypes.NewValue(typ, vals)

	plan := func(r *OperationPolicyResource) *fwresource.ModifyPlanResponse {
		req := fwresource.ModifyPlanRequest{
			Config: tfsdk.Config{Schema: s, Raw: raw},
			Plan:   tfsdk.Plan{Schema: s, Raw: raw},
			State:  tfsdk.State{Schema: s, Raw: tftypes.NewValue(typ, nil)},
		}
		resp := &fwresource.ModifyPlanResponse{Plan: req.Plan}
		r.ModifyPlan(ctx, req, resp)
		return resp
	}
	admin := site.asAccount(t, adminEmail, adminToken)

	r := &OperationPolicyResource{data: newProviderData(admin, providerSettings{email: adminEmail})}
	if resp := plan(r); !hasDiag(resp.Diagnostics.Errors(), "Connection Not Found", "confluence_connection.<name>.name") {
		t.Errorf("a connection that exists nowhere and is not planned: %v, want Connection Not Found", resp.Diagnostics)
	}

	r = &OperationPolicyResource{data: newProviderData(admin, providerSettings{email: adminEmail})}
	r.data.run.notePlannedConnection("ci-bot")
	resp := plan(r)
	if resp.Diagnostics.HasError() {
		t.Fatalf("a connection this run creates failed the plan: %v", resp.Diagnostics)
	}
	var planned operationPolicyModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &planned)...)
	if planned.ID.ValueString() != "ci-bot" || !planned.Spaces.IsUnknown() {
		t.Errorf("planned id %s, spaces %s; want ci-bot and unknown", planned.ID, planned.Spaces)
	}

	// At apply the connection still does not exist: a clear error, no write.
	writes := site.emu.Stats().Writes
	var diags = resp.Diagnostics
	r.write(ctx, &diags, &planned, nil)
	if !hasDiag(diags.Errors(), "Connection Not Found", "its operation policy was not written") {
		t.Errorf("apply without the connection: %v, want Connection Not Found", diags)
	}
	if w := site.emu.Stats().Writes - writes; w != 0 {
		t.Errorf("%d writes sent, want 0", w)
	}
}
