// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

var (
	_ resource.ResourceWithConfigure   = &OperationPolicyResource{}
	_ resource.ResourceWithImportState = &OperationPolicyResource{}
	_ resource.ResourceWithModifyPlan  = &OperationPolicyResource{}
)

// NewOperationPolicyResource is the confluence_operation_policy resource factory.
func NewOperationPolicyResource() resource.Resource { return &OperationPolicyResource{} }

// OperationPolicyResource sets what one connection may do. The policy record
// is stored in every space of the connection's scope, which the resource
// learns from the connection record itself: no identity edits its own policy,
// so the policy lives next to the record the administrators wrote.
type OperationPolicyResource struct {
	data *providerData
}

// operationPolicyModel maps confluence_operation_policy.
type operationPolicyModel struct {
	ID          types.String `tfsdk:"id"`
	Connection  types.String `tfsdk:"connection_name"`
	SearchPages types.String `tfsdk:"search_pages"`
	GetPage     types.String `tfsdk:"get_page"`
	CreatePage  types.String `tfsdk:"create_page"`
	UpdatePage  types.String `tfsdk:"update_page"`
	DeletePage  types.String `tfsdk:"delete_page"`
	Spaces      types.Set    `tfsdk:"spaces"`
	// Approvers and RequiredApprovals: see operation_policy_approvers.go.
	Approvers         types.Set   `tfsdk:"approvers"`
	RequiredApprovals types.Int64 `tfsdk:"required_approvals"`
}

// levels returns the level attribute of every operation.
func (m *operationPolicyModel) levels() map[policy.Operation]*types.String {
	return map[policy.Operation]*types.String{
		policy.SearchPages: &m.SearchPages,
		policy.GetPage:     &m.GetPage,
		policy.CreatePage:  &m.CreatePage,
		policy.UpdatePage:  &m.UpdatePage,
		policy.DeletePage:  &m.DeletePage,
	}
}

// levelMap is the policy record's view of the model's levels.
func (m *operationPolicyModel) levelMap() map[policy.Operation]policy.Level {
	out := map[policy.Operation]policy.Level{}
	for op, v := range m.levels() {
		out[op] = policy.Level(v.ValueString())
	}
	return out
}

func (r *OperationPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_operation_policy"
}

func (r *OperationPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = operationPolicyResourceSchema()
}

func operationPolicyResourceSchema() schema.Schema {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The connection name.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"connection_name": schema.StringAttribute{
			MarkdownDescription: "Name of the connection the policy governs (`connection` is a name Terraform reserves). Reference `confluence_connection.<x>.name` (or `.id`) when the connection is managed in the same configuration, so Terraform creates the connection first; its checks then run at apply, once the connection exists. " +
				"The plan fails when the connection neither exists nor is created by the same apply, or when the account running the plan is the connection's own account: no identity edits its own policy.",
			Required:      true,
			Validators:    []validator.String{connectionNameValidator{}},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"spaces": schema.SetAttribute{
			MarkdownDescription: "Spaces the policy is stored in, as of the last refresh: the connection's scope, read from its connection record. A space of the scope missing here lost its policy record in Confluence, and the plan writes it again. (When the connection's scope changes, the connection copies or removes the policy record itself; this list follows at the next refresh.)",
			Computed:            true,
			ElementType:         types.StringType,
		},
	}
	maps.Copy(attrs, approverAttributes())
	descriptions := map[policy.Operation]string{
		policy.SearchPages: "Searching pages (the `confluence_pages` data source).",
		policy.GetPage:     "Reading one page (the `confluence_page` data source). Refreshing pages Terraform already manages is not governed.",
		policy.CreatePage:  "Creating pages.",
		policy.UpdatePage:  "Updating pages: content, title, parent, labels.",
		policy.DeletePage:  "Deleting pages (moving them to the trash or purging them).",
	}
	for _, op := range policy.Operations() {
		def := policy.DefaultLevel(op)
		attrs[string(op)] = schema.StringAttribute{
			MarkdownDescription: descriptions[op] + " One of `allowed`, `allowed_with_confirmation` (the plan shows a confirmation code the apply needs) or `denied`. Defaults to `" + string(def) + "`.",
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(string(def)),
			Validators:          []validator.String{levelValidator{}},
		}
	}
	return schema.Schema{
		MarkdownDescription: "The operation policy of a connection: for each page operation, whether it is `allowed`, `allowed_with_confirmation` or `denied`. " +
			"Stored as the space property `terraform.policy.<connection>` in every space of the connection's scope, where the provider reads it at plan time whenever that connection's account works with pages. " +
			"The defaults are the recommended setup: reads allowed, writes allowed with confirmation.",
		Attributes: attrs,
	}
}

func (r *OperationPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ImportState takes the connection name; the connection's record is found in
// the spaces the account can see and names the scope.
func (r *OperationPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := policy.ValidateConnectionName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid Operation Policy Import Id",
			fmt.Sprintf("Import an operation policy by its connection name, e.g. terraform import confluence_operation_policy.ci ci-bot: %s.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connection_name"), req.ID)...)
}

// ModifyPlan refuses, before anything is written, a policy whose connection
// does not exist and a policy edited by the account it governs.
func (r *OperationPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if r.data.configUnknown {
		// Who runs this plan is known only at apply, so whether it is the
		// governed account cannot be checked now: the apply checks (Create,
		// Update and Delete refuse a self-governed change), and the plan
		// report holds the change back meanwhile.
		var name types.String
		doing := "Changing"
		switch {
		case req.Plan.Raw.IsNull():
			doing = "Removing"
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("connection_name"), &name)...)
		case req.State.Raw.IsNull():
			doing = "Creating"
			resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("connection_name"), &name)...)
		case req.Plan.Raw.Equal(req.State.Raw):
			return // nothing is written
		default:
			resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("connection_name"), &name)...)
		}
		reportNotDecided(&resp.Diagnostics, fmt.Sprintf("%s the operation policy of connection %s (the check that no identity edits its own policy)", doing, describeName(name)))
		return
	}
	var state *operationPolicyModel
	if !req.State.Raw.IsNull() {
		state = &operationPolicyModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() {
		if state != nil {
			r.checkNotSelf(ctx, &resp.Diagnostics, state.Connection.ValueString(), setStrings(ctx, state.Spaces, &resp.Diagnostics))
		}
		return
	}
	var plan operationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Connection.IsUnknown() {
		// The connection is created in this apply; Create checks it then.
		plan.ID, plan.Spaces = types.StringUnknown(), types.SetUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var anchors []string
	if state != nil {
		anchors = setStrings(ctx, state.Spaces, &resp.Diagnostics)
	}
	if r.createdByThisApply(ctx, state, plan, anchors) {
		// The connection's record is written by this same apply: nothing to
		// check against yet. The apply plans this again once the connection
		// exists and checks everything then (Create too), before writing.
		plan.ID, plan.Spaces = plan.Connection, types.SetUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	rec, ok := r.connectionRecord(ctx, &resp.Diagnostics, plan.Connection.ValueString(), anchors)
	if !ok || !r.checkNotSelfRecord(ctx, &resp.Diagnostics, rec) || !checkApprovers(ctx, &resp.Diagnostics, plan, rec) {
		return
	}
	plan.ID = plan.Connection
	// Keep the stored spaces when every space of the scope already holds this
	// policy; otherwise the apply learns the scope from the connection record
	// then (the connection may change in the same apply, and a value planned
	// now would have to stay identical). Checking the records themselves, not
	// only the state, keeps a plan without refresh empty after the connection
	// copied or removed policy records when its scope changed.
	if state == nil || !sameLevels(state.levelMap(), plan.levelMap()) || !sameApprovers(ctx, *state, plan) || !r.storedEverywhere(ctx, plan, rec) {
		plan.Spaces = types.SetUnknown(types.StringType)
	} else {
		plan.Spaces = state.Spaces
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// createdByThisApply reports whether a new policy names a connection that
// does not exist in Confluence yet but whose record this run's plan creates
// (a confluence_connection planned earlier in the same plan). Any error
// finding the record is left for connectionRecord to report.
func (r *OperationPolicyResource) createdByThisApply(ctx context.Context, state *operationPolicyModel, plan operationPolicyModel, anchors []string) bool {
	name := plan.Connection.ValueString()
	if state != nil || !r.data.run.connectionPlanned(name) {
		return false
	}
	_, found, err := r.findConnection(ctx, name, anchors)
	return err == nil && !found
}

// storedEverywhere reports whether every space of the connection's scope
// holds a policy record with the planned levels.
func (r *OperationPolicyResource) storedEverywhere(ctx context.Context, plan operationPolicyModel, rec policy.ConnectionRecord) bool {
	for _, spaceKey := range rec.Spaces {
		records, err := r.data.run.SpaceRecords(ctx, spaceKey)
		if err != nil {
			return false
		}
		pol, ok := records.Policy(rec.Name)
		if !ok || !sameLevels(plan.levelMap(), effectiveLevels(pol)) || !storedApprovers(ctx, plan, pol) {
			return false
		}
	}
	return true
}

func sameLevels(a, b map[policy.Operation]policy.Level) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkNotSelf fails when the authenticated account is the connection's own.
func (r *OperationPolicyResource) checkNotSelf(ctx context.Context, diags *diag.Diagnostics, name string, anchors []string) bool {
	rec, found, err := r.findConnection(ctx, name, anchors)
	if err != nil {
		diags.AddError("Unable to Read Connection Record", fmt.Sprintf("While checking the operation policy of connection %q: %s", name, err))
		return false
	}
	if !found {
		return true // nothing left to protect
	}
	return r.checkNotSelfRecord(ctx, diags, rec)
}

func (r *OperationPolicyResource) checkNotSelfRecord(ctx context.Context, diags *diag.Diagnostics, rec policy.ConnectionRecord) bool {
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Unable to Read Current User", "While checking who manages the operation policy of connection "+quote(rec.Name), r.data.account(), err)
		return false
	}
	if policy.SelfGoverned(user.AccountID, rec) {
		diags.AddAttributeError(path.Root("connection_name"), "Connection Cannot Edit Its Own Policy",
			fmt.Sprintf("The provider is authenticated as %s (account %s), which is the account of connection %q. No identity edits its own operation policy, so nothing was written. "+
				"Manage the policy from the administrators' workspace, with credentials the automation does not have.", r.data.account(), user.AccountID, rec.Name))
		return false
	}
	return true
}

// connectionRecord finds the connection record at plan or apply time and
// reports a missing one as an error.
func (r *OperationPolicyResource) connectionRecord(ctx context.Context, diags *diag.Diagnostics, name string, anchors []string) (policy.ConnectionRecord, bool) {
	rec, found, err := r.findConnection(ctx, name, anchors)
	if err != nil {
		diags.AddError("Unable to Read Connection Record", fmt.Sprintf("While looking for connection %q: %s", name, err))
		return rec, false
	}
	if !found {
		diags.AddAttributeError(path.Root("connection_name"), "Connection Not Found",
			fmt.Sprintf("No space visible to %s holds a record of connection %q (space property %q), so its operation policy was not written. Create the connection with a confluence_connection resource first. "+
				"If it is created in this same configuration, set connection_name = confluence_connection.<name>.name (or .id) so Terraform creates the connection before the policy.",
				r.data.account(), name, policy.ConnectionPropertyKey(name)))
		return rec, false
	}
	return rec, true
}

// findConnection looks for the connection's record: first in the anchor
// spaces (where the policy was stored), then in spaces this run already
// read (the connection resource of the same workspace reads its scope), and
// last in every space the account can see. The record names the whole scope,
// so the first one found is enough.
func (r *OperationPolicyResource) findConnection(ctx context.Context, name string, anchors []string) (policy.ConnectionRecord, bool, error) {
	tried := map[string]bool{}
	try := func(spaceKey string, strict bool) (policy.ConnectionRecord, bool, error) {
		if tried[spaceKey] {
			return policy.ConnectionRecord{}, false, nil
		}
		tried[spaceKey] = true
		records, err := r.data.run.SpaceRecords(ctx, spaceKey)
		if err != nil {
			if strict && !confluence.IsNotFound(err) && !confluence.IsForbidden(err) {
				return policy.ConnectionRecord{}, false, err
			}
			tflog.Debug(ctx, "skipping a space while looking for a connection record", map[string]any{"space_key": spaceKey, "error": err.Error()})
			return policy.ConnectionRecord{}, false, nil
		}
		rec, ok := records.Connection(name)
		return rec, ok, nil
	}
	for _, key := range append(anchors, r.data.run.knownSpaceKeys()...) {
		if rec, ok, err := try(key, true); ok || err != nil {
			return rec, ok, err
		}
	}
	spaces, err := r.data.client.ListVisibleSpaces(ctx)
	if err != nil {
		return policy.ConnectionRecord{}, false, fmt.Errorf("listing the spaces visible to %s: %w", r.data.account(), err)
	}
	for _, s := range spaces {
		r.data.run.rememberSpace(s)
		if rec, ok, err := try(s.Key, false); ok || err != nil {
			return rec, ok, err
		}
	}
	return policy.ConnectionRecord{}, false, nil
}

func (r *OperationPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan operationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	r.write(ctx, &resp.Diagnostics, &plan, nil)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *OperationPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state operationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	r.write(ctx, &resp.Diagnostics, &plan, setStrings(ctx, state.Spaces, &resp.Diagnostics))
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// write stores the policy record in every space of the connection's scope and
// removes it from spaces that are no longer in the scope.
func (r *OperationPolicyResource) write(ctx context.Context, diags *diag.Diagnostics, plan *operationPolicyModel, previous []string) {
	name := plan.Connection.ValueString()
	rec, ok := r.connectionRecord(ctx, diags, name, previous)
	if !ok || !r.checkNotSelfRecord(ctx, diags, rec) {
		return
	}
	admin, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Unable to Read Current User", "While writing the operation policy of connection "+quote(name), r.data.account(), err)
		return
	}
	if !checkApprovers(ctx, diags, *plan, rec) {
		return
	}
	approvers, required := plan.approvers(ctx, diags)
	value, err := policy.EncodePolicy(policy.PolicyRecord{
		Connection:        name,
		Levels:            plan.levelMap(),
		Approvers:         approvers,
		RequiredApprovals: required,
		ManagedBy:         admin.AccountID,
		UpdatedAt:         r.data.now().UTC(),
	})
	if err != nil {
		diags.AddError("Invalid Operation Policy", fmt.Sprintf("The operation policy of connection %q cannot be stored: %s", name, err))
		return
	}
	for _, spaceKey := range rec.Spaces {
		r.data.putSpaceRecord(ctx, diags, spaceKey, policy.PolicyPropertyKey(name), json.RawMessage(value), fmt.Sprintf("the operation policy of connection %q", name))
	}
	for _, spaceKey := range previous {
		if !rec.InScope(spaceKey) {
			r.data.removeSpaceRecords(ctx, diags, spaceKey, policy.PolicyPropertyKey(name))
		}
	}
	plan.ID = plan.Connection
	plan.Spaces = stringSetValue(diags, rec.Spaces)
}

func (r *OperationPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state operationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	name := state.Connection.ValueString()
	spaces := setStrings(ctx, state.Spaces, &resp.Diagnostics)
	if !r.checkNotSelf(ctx, &resp.Diagnostics, name, spaces) {
		return
	}
	if rec, found, err := r.findConnection(ctx, name, spaces); err == nil && found {
		spaces = append(spaces, rec.Spaces...)
		sort.Strings(spaces)
		spaces = slices.Compact(spaces)
	}
	for _, spaceKey := range spaces {
		r.data.removeSpaceRecords(ctx, &resp.Diagnostics, spaceKey, policy.PolicyPropertyKey(name))
	}
}

// Read detects drift: a policy record edited or removed in Confluence. The
// levels in state become those found (so the plan shows the change back), and
// spaces lists only the spaces whose record matches.
func (r *OperationPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state operationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		return
	}
	name := state.Connection.ValueString()
	rec, found, err := r.findConnection(ctx, name, setStrings(ctx, state.Spaces, &resp.Diagnostics))
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Connection Record", fmt.Sprintf("While reading the operation policy of connection %q: %s", name, err))
		return
	}
	imported := state.SearchPages.IsNull()
	if !found {
		if imported {
			resp.Diagnostics.AddError("Connection Not Found", fmt.Sprintf("No space visible to %s holds a record of connection %q, so there is no operation policy to import.", r.data.account(), name))
			return
		}
		resp.Diagnostics.AddWarning("Connection Gone From Confluence",
			fmt.Sprintf("No record of connection %q is left in any space visible to %s, so its operation policy governs nothing. It is removed from the state.", name, r.data.account()))
		resp.State.RemoveResource(ctx)
		return
	}

	var intact, drifted []string
	var found1 *policy.PolicyRecord
	for _, spaceKey := range rec.Spaces {
		records, err := r.data.run.SpaceRecords(ctx, spaceKey)
		if err != nil && !confluence.IsNotFound(err) {
			resp.Diagnostics.AddError("Unable to Read Operation Policy", fmt.Sprintf("While reading the operation policy of connection %q in space %s: %s", name, spaceKey, err))
			return
		}
		pol, ok := records.Policy(name)
		if !ok {
			drifted = append(drifted, spaceKey)
			continue
		}
		if imported {
			setLevels(&state, pol)
			setApprovers(&state, pol)
			imported = false
		}
		if !sameLevels(state.levelMap(), effectiveLevels(pol)) || !storedApprovers(ctx, state, pol) {
			drifted = append(drifted, spaceKey)
			if found1 == nil {
				found1 = &pol
			}
			continue
		}
		intact = append(intact, spaceKey)
	}
	if imported {
		resp.Diagnostics.AddError("Operation Policy Not Found", fmt.Sprintf("Connection %q has no operation policy in any space of its scope (%s), so there is nothing to import.", name, strings.Join(rec.Spaces, ", ")))
		return
	}
	if found1 != nil {
		// Show the level someone set in Confluence; the plan sets it back.
		setLevels(&state, *found1)
		setApprovers(&state, *found1)
	}
	if len(drifted) > 0 {
		resp.Diagnostics.AddWarning("Operation Policy Changed Outside Terraform",
			fmt.Sprintf("The operation policy of connection %q is missing or was changed in space(s) %s. The plan writes it again.", name, strings.Join(drifted, ", ")))
	}
	if state.RequiredApprovals.IsNull() {
		state.RequiredApprovals = types.Int64Value(1) // state written before approvers existed
	}
	state.ID = state.Connection
	state.Spaces = stringSetValue(&resp.Diagnostics, intact)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// effectiveLevels is the level of every operation under a stored policy,
// defaults included.
func effectiveLevels(p policy.PolicyRecord) map[policy.Operation]policy.Level {
	out := map[policy.Operation]policy.Level{}
	for _, op := range policy.Operations() {
		out[op] = p.Level(op)
	}
	return out
}

func setLevels(m *operationPolicyModel, p policy.PolicyRecord) {
	for op, v := range m.levels() {
		*v = types.StringValue(string(p.Level(op)))
	}
}

// knownSpaceKeys returns the keys of the spaces this run has looked up so far.
func (c *runCache) knownSpaceKeys() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.spaces))
	for k := range c.spaces {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rememberSpace caches a space the run learned from a listing, so looking it
// up by key costs no further request.
func (c *runCache) rememberSpace(s confluence.Space) {
	_, _ = entry(&c.mu, c.spaces, s.Key).get(func() (*confluence.Space, error) { return &s, nil })
}

// levelValidator accepts a policy level and, for a typo, suggests the level
// that was probably meant.
type levelValidator struct{}

func (levelValidator) Description(context.Context) string {
	return "must be one of allowed, allowed_with_confirmation, denied"
}

func (v levelValidator) MarkdownDescription(context.Context) string {
	return "must be one of `allowed`, `allowed_with_confirmation`, `denied`"
}

func (levelValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := policy.ParseLevel(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Policy Level", strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
	}
}
