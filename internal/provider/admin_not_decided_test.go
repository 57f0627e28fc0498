// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// M5: with the provider configuration known only at apply, the connection
// and operation policy resources could not check at plan that the account
// running it is not the governed one, and said nothing: the plan report
// counted the change allowed. Now they warn "Policy Not Decided at Plan"
// for every change, and the report holds the change back.
func TestAdminResources_notDecidedAtPlanWarns(t *testing.T) {
	ctx := context.Background()
	unknownConfig := &providerData{configUnknown: true}

	conn := connectionResourceSchema()
	connRaw := connectionRequest(t, connectionAttrs("2030-01-01T00:00:00Z"))
	connNull := tftypes.NewValue(connRaw.Type(), nil)
	connStateAttrs := connectionAttrs("2030-01-01T00:00:00Z")
	connStateAttrs["api_token_wo"] = tftypes.NewValue(tftypes.String, nil)
	connStateAttrs["account_id"] = tftypes.NewValue(tftypes.String, demoAccountID(botEmail))
	connState := connectionRequest(t, connStateAttrs)

	pol := operationPolicyResourceSchema()
	polType, ok := pol.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the policy schema is not an object type")
	}
	policyValue := func(level policy.Level) tftypes.Value {
		vals := map[string]tftypes.Value{}
		for name, at := range polType.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		vals["connection_name"] = tftypes.NewValue(tftypes.String, "ci-bot")
		vals["id"] = tftypes.NewValue(tftypes.String, "ci-bot")
		vals["spaces"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "DOCS")})
		for _, op := range policy.Operations() {
			vals[string(op)] = tftypes.NewValue(tftypes.String, string(policy.DefaultLevel(op)))
		}
		vals[string(policy.DeletePage)] = tftypes.NewValue(tftypes.String, string(level))
		return tftypes.NewValue(polType, vals)
	}
	polNull := tftypes.NewValue(polType, nil)

	tests := []struct {
		name         string
		modifyPlan   func(fwresource.ModifyPlanRequest, *fwresource.ModifyPlanResponse)
		req          fwresource.ModifyPlanRequest
		wantSubject  string // "" for no warning
		resourceAddr string
	}{
		{
			name: "connection created",
			modifyPlan: func(q fwresource.ModifyPlanRequest, p *fwresource.ModifyPlanResponse) {
				(&ConnectionResource{data: unknownConfig}).ModifyPlan(ctx, q, p)
			},
			req:         fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: conn, Raw: connRaw}, Plan: tfsdk.Plan{Schema: conn, Raw: connRaw}, State: tfsdk.State{Schema: conn, Raw: connNull}},
			wantSubject: `Creating connection "ci-bot" (the check that no identity edits its own connection record)`, resourceAddr: "confluence_connection.ci",
		},
		{
			name: "connection removed",
			modifyPlan: func(q fwresource.ModifyPlanRequest, p *fwresource.ModifyPlanResponse) {
				(&ConnectionResource{data: unknownConfig}).ModifyPlan(ctx, q, p)
			},
			req:         fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: conn, Raw: connNull}, Plan: tfsdk.Plan{Schema: conn, Raw: connNull}, State: tfsdk.State{Schema: conn, Raw: connState}},
			wantSubject: `Removing connection "ci-bot" (the check that no identity edits its own connection record)`,
		},
		{
			name: "policy changed",
			modifyPlan: func(q fwresource.ModifyPlanRequest, p *fwresource.ModifyPlanResponse) {
				(&OperationPolicyResource{data: unknownConfig}).ModifyPlan(ctx, q, p)
			},
			req: fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: pol, Raw: policyValue(policy.Allowed)}, Plan: tfsdk.Plan{Schema: pol, Raw: policyValue(policy.Allowed)},
				State: tfsdk.State{Schema: pol, Raw: policyValue(policy.Denied)}},
			wantSubject: `Changing the operation policy of connection "ci-bot" (the check that no identity edits its own policy)`, resourceAddr: "confluence_operation_policy.ci",
		},
		{
			name: "policy created",
			modifyPlan: func(q fwresource.ModifyPlanRequest, p *fwresource.ModifyPlanResponse) {
				(&OperationPolicyResource{data: unknownConfig}).ModifyPlan(ctx, q, p)
			},
			req: fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: pol, Raw: policyValue(policy.Denied)}, Plan: tfsdk.Plan{Schema: pol, Raw: policyValue(policy.Denied)},
				State: tfsdk.State{Schema: pol, Raw: polNull}},
			wantSubject: `Creating the operation policy of connection "ci-bot"`, resourceAddr: "confluence_operation_policy.ci",
		},
		{
			name: "policy removed",
			modifyPlan: func(q fwresource.ModifyPlanRequest, p *fwresource.ModifyPlanResponse) {
				(&OperationPolicyResource{data: unknownConfig}).ModifyPlan(ctx, q, p)
			},
			req: fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: pol, Raw: polNull}, Plan: tfsdk.Plan{Schema: pol, Raw: polNull},
				State: tfsdk.State{Schema: pol, Raw: policyValue(policy.Denied)}},
			wantSubject: `Removing the operation policy of connection "ci-bot"`,
		},
		{
			// Nothing is written, so there is nothing to check.
			name: "policy unchanged",
			modifyPlan: func(q fwresource.ModifyPlanRequest, p *fwresource.ModifyPlanResponse) {
				(&OperationPolicyResource{data: unknownConfig}).ModifyPlan(ctx, q, p)
			},
			req: fwresource.ModifyPlanRequest{Config: tfsdk.Config{Schema: pol, Raw: policyValue(policy.Denied)}, Plan: tfsdk.Plan{Schema: pol, Raw: policyValue(policy.Denied)},
				State: tfsdk.State{Schema: pol, Raw: policyValue(policy.Denied)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &fwresource.ModifyPlanResponse{Plan: tt.req.Plan}
			tt.modifyPlan(tt.req, resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("errors: %v", resp.Diagnostics)
			}
			var notDecided []string
			for _, w := range resp.Diagnostics.Warnings() {
				if w.Summary() == report.PolicyNotDecidedSummary {
					notDecided = append(notDecided, w.Detail())
				}
			}
			if tt.wantSubject == "" {
				if len(notDecided) != 0 {
					t.Fatalf("warned %q for a plan that writes nothing", notDecided)
				}
				return
			}
			if len(notDecided) != 1 || !strings.HasPrefix(notDecided[0], tt.wantSubject) || !strings.Contains(notDecided[0], "is not decided by this plan") {
				t.Fatalf("warnings %q, want one starting %q", notDecided, tt.wantSubject)
			}
			// The plan report holds it back, with the address Terraform gives
			// it or (a removed resource) without one.
			rep, err := report.Build(report.Input{HaveStream: true, StreamWarns: []report.Diagnostic{{Summary: report.PolicyNotDecidedSummary, Detail: notDecided[0], Address: tt.resourceAddr}}})
			if err != nil {
				t.Fatal(err)
			}
			if rep.ExitCode != report.ExitApprovalRequired || rep.Summary.Allowed != 0 || len(rep.Changes) != 1 || rep.Changes[0].Approval.State != report.ApprovalUndecided {
				t.Fatalf("report exit %d, changes %+v", rep.ExitCode, rep.Changes)
			}
		})
	}
}
