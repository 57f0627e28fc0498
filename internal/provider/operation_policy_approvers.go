// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

var _ resource.ResourceWithValidateConfig = &OperationPolicyResource{}

// approverPattern accepts an e-mail address or an Atlassian account id
// ("557058:f581…", "5b10a2844c20165700ede21g").
var approverPattern = regexp.MustCompile(`^([^@\s]+@[^@\s]+\.[^@\s]+|[A-Za-z0-9][A-Za-z0-9:_-]*)$`)

func approverAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"approvers": schema.SetAttribute{
			MarkdownDescription: "Who may approve changes this policy sets to `allowed_with_confirmation`: Atlassian account e-mail addresses or account ids (use the id for accounts that do not share their e-mail address). " +
				"When set, a gated change is applied only once its confirmation code is approved by `required_approvals` of these people, each with their own credentials (`confluence-plan-report approve CODE --space KEY --reason …`), as a space property whose author Confluence records. " +
				"The connection's own account never counts, even if listed, and `CONFLUENCE_CONFIRMATIONS` is refused for such changes. " +
				"Approvers need space admin in the spaces of the connection's scope (Confluence requires it to write space properties). " +
				"Unset: codes are granted through `CONFLUENCE_CONFIRMATIONS` by whoever runs the apply (the weaker mode).",
			Optional:    true,
			ElementType: types.StringType,
			Validators: []validator.Set{
				setvalidator.SizeBetween(1, policy.MaxApprovers),
				setvalidator.ValueStringsAre(stringvalidator.RegexMatches(approverPattern, "must be an e-mail address or an Atlassian account id")),
			},
		},
		"required_approvals": schema.Int64Attribute{
			MarkdownDescription: "How many distinct `approvers` must approve a gated change. Defaults to `1`; at most the number of approvers. Only meaningful with `approvers`.",
			Optional:            true,
			Computed:            true,
			Default:             int64default.StaticInt64(1),
			Validators:          []validator.Int64{int64validator.Between(1, policy.MaxApprovers)},
		},
	}
}

// ValidateConfig checks the approvers against required_approvals before
// anything is sent.
func (r *OperationPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var approvers types.Set
	var required types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("approvers"), &approvers)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("required_approvals"), &required)...)
	if resp.Diagnostics.HasError() || approvers.IsUnknown() || required.IsUnknown() || required.IsNull() {
		return
	}
	var names []string
	if !approvers.IsNull() {
		if slices.ContainsFunc(approvers.Elements(), func(v attr.Value) bool { return v.IsUnknown() }) {
			return
		}
		resp.Diagnostics.Append(approvers.ElementsAs(ctx, &names, false)...)
	}
	if err := policy.ValidateApprovers(names, int(required.ValueInt64())); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("required_approvals"), "Invalid Required Approvals",
			strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
	}
}

// approvers returns the approver list (sorted) and the approvals required,
// as stored in the policy record; no approvers → nil, 0.
func (m *operationPolicyModel) approvers(ctx context.Context, diags *diag.Diagnostics) ([]string, int) {
	if m.Approvers.IsNull() || m.Approvers.IsUnknown() {
		return nil, 0
	}
	var names []string
	diags.Append(m.Approvers.ElementsAs(ctx, &names, false)...)
	slices.Sort(names)
	if len(names) == 0 {
		return nil, 0
	}
	return names, int(max(m.RequiredApprovals.ValueInt64(), 1))
}

// checkApprovers refuses, at plan and apply, a policy that lists the
// connection's own account among its approvers: that account's approvals
// would never count, and listing it suggests a misunderstanding worth
// stopping for.
func checkApprovers(ctx context.Context, diags *diag.Diagnostics, m operationPolicyModel, rec policy.ConnectionRecord) bool {
	names, _ := m.approvers(ctx, diags)
	self := policy.Account{AccountID: rec.AccountID, Email: rec.Email}
	for _, n := range names {
		if policy.Listed(self, []string{n}) {
			diags.AddAttributeError(path.Root("approvers"), "Connection Cannot Approve Its Own Changes",
				fmt.Sprintf("Approver %q is the account of connection %q (%s). No identity approves its own change, so its approvals would never count. Nothing was written: remove it from approvers and name the people who review the automation's changes.",
					n, rec.Name, rec.AccountID))
			return false
		}
	}
	return !diags.HasError()
}

// sameApprovers reports whether two models store the same approvers.
func sameApprovers(ctx context.Context, a, b operationPolicyModel) bool {
	var d diag.Diagnostics
	an, ar := a.approvers(ctx, &d)
	bn, br := b.approvers(ctx, &d)
	return slices.Equal(an, bn) && ar == br
}

// storedApprovers reports whether a stored policy record has the model's
// approvers.
func storedApprovers(ctx context.Context, m operationPolicyModel, p policy.PolicyRecord) bool {
	var d diag.Diagnostics
	names, required := m.approvers(ctx, &d)
	stored := slices.Clone(p.Approvers)
	slices.Sort(stored)
	return slices.Equal(names, stored) && required == p.Required()
}

// setApprovers puts a stored record's approvers into the model (import and
// drift). A record without approvers leaves required_approvals at its default.
func setApprovers(m *operationPolicyModel, p policy.PolicyRecord) {
	if len(p.Approvers) == 0 {
		m.Approvers = types.SetNull(types.StringType)
		if m.RequiredApprovals.IsNull() || m.RequiredApprovals.IsUnknown() {
			m.RequiredApprovals = types.Int64Value(1)
		}
		return
	}
	names := slices.Clone(p.Approvers)
	slices.Sort(names)
	elems := make([]attr.Value, len(names))
	for i, n := range names {
		elems[i] = types.StringValue(n)
	}
	m.Approvers = types.SetValueMust(types.StringType, elems)
	m.RequiredApprovals = types.Int64Value(int64(p.Required()))
}
