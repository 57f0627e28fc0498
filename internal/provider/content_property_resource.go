// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &ContentPropertyResource{}
	_ resource.ResourceWithImportState = &ContentPropertyResource{}
	_ resource.ResourceWithModifyPlan  = &ContentPropertyResource{}
)

// reservedPropertyPrefix marks the provider's own page records (such as the
// terraform.change audit property): a configuration may not write them.
const reservedPropertyPrefix = "terraform."

// propertyKeyPattern is what Confluence accepts as a content property key.
var propertyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._:\-]{1,255}$`)

// NewContentPropertyResource is the confluence_content_property resource factory.
func NewContentPropertyResource() resource.Resource { return &ContentPropertyResource{} }

// ContentPropertyResource manages one JSON content property of a page.
type ContentPropertyResource struct {
	data *providerData
}

type contentPropertyModel struct {
	ID               types.String `tfsdk:"id"`
	PageID           types.String `tfsdk:"page_id"`
	Key              types.String `tfsdk:"key"`
	Value            types.String `tfsdk:"value"`
	PropertyID       types.String `tfsdk:"property_id"`
	Version          types.Int64  `tfsdk:"version"`
	PolicyDecision   types.String `tfsdk:"policy_decision"`
	ConfirmationCode types.String `tfsdk:"confirmation_code"`
}

func (r *ContentPropertyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_content_property"
}

func (r *ContentPropertyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = contentPropertyResourceSchema()
}

func contentPropertyResourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A JSON content property on a Confluence page: the machine-readable twin of a Page Properties table, for records a tool writes back " +
			"(for example \"enforced by gateway X at T\"). Stored with Confluence's v2 page properties API, versioned.\n\n" +
			"Every write (create, update, delete) is governed by the `update_page` operation of the policy of the page's space, decided at plan " +
			"(`policy_decision`, `confirmation_code`) and enforced again at apply. An update sends the version Terraform last saw plus one: if someone changed " +
			"the property since, Confluence answers 409 and the apply fails without overwriting their value; plan again to see it. " +
			"A property changed outside Terraform shows as drift in the next plan. Keys starting with `terraform.` are the provider's own records and cannot be managed.\n\n" +
			"A property's value is the page's content: importing one, or a refresh that takes a value someone other than this account saved, is governed by `get_page` " +
			"of the page's space (as the data source is), decided before the value reaches the state; a value this account saved itself is refreshed without a decision.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<page_id>/<key>`, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"page_id": schema.StringAttribute{
				MarkdownDescription: "Id of the page. Changing it replaces the property.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Property key: 1 to 255 letters, digits and `.`, `_`, `:`, `-`; not starting with `terraform.`. Changing it replaces the property.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(propertyKeyPattern, "must be 1 to 255 letters, digits, '.', '_', ':' or '-'"),
					validators.NotPrefixed(reservedPropertyPrefix, "the provider's own records (such as the terraform.change audit property)"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The value as a JSON document, e.g. `jsonencode({ enforced_by = \"gateway-eu\" })`. A change of formatting alone writes nothing.",
				Required:            true,
				Validators:          []validator.String{validators.JSON()},
			},
			"property_id": schema.StringAttribute{
				MarkdownDescription: "Confluence's id of the property.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "Version of the property Terraform last wrote or read; every write adds one.",
				Computed:            true,
			},
			"policy_decision": schema.StringAttribute{
				MarkdownDescription: "The `update_page` decision for this change: `allowed`, `allowed_with_confirmation` or `unmanaged`; unknown until the page is known.",
				Computed:            true,
			},
			"confirmation_code": schema.StringAttribute{
				MarkdownDescription: "The confirmation code the change needs when `policy_decision` is `allowed_with_confirmation`, else empty. Grant it with `CONFLUENCE_CONFIRMATIONS` in the environment of the apply.",
				Computed:            true,
			},
		},
	}
}

func (r *ContentPropertyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// propertyContent is what a change writes, for its confirmation code.
func propertyContent(key, value string) string {
	compact, err := compactJSON(value)
	if err != nil {
		compact = value
	}
	return "content-property " + key + "=" + compact
}

func propertySubject(verb, pageID, key string) string {
	return fmt.Sprintf("%s content property %q of page %s", verb, key, pageID)
}

// ModifyPlan plans the version and applies the update_page policy; a change
// of formatting only writes nothing and is not governed.
func (r *ContentPropertyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var state *contentPropertyModel
	if !req.State.Raw.IsNull() {
		state = &contentPropertyModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() {
		if state != nil {
			r.data.planPageWrite(ctx, &resp.Diagnostics, state.PageID, "delete "+propertyContent(state.Key.ValueString(), state.Value.ValueString()), true, true,
				propertySubject("Deleting", state.PageID.ValueString(), state.Key.ValueString()))
		}
		return
	}
	var plan contentPropertyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := !plan.Key.IsUnknown() && !plan.Value.IsUnknown()
	if state != nil && known && plan.PageID.Equal(state.PageID) && plan.Key.Equal(state.Key) {
		if same, _ := jsonEqual(plan.Value.ValueString(), state.Value.ValueString()); same {
			plan.Version, plan.PolicyDecision, plan.ConfirmationCode = state.Version, state.PolicyDecision, state.ConfirmationCode
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}
	verb := "Creating"
	plan.Version = types.Int64Value(1)
	if state != nil && plan.PageID.Equal(state.PageID) && plan.Key.Equal(state.Key) {
		verb = "Updating"
		plan.Version = types.Int64Value(state.Version.ValueInt64() + 1)
	}
	if !plan.PageID.IsUnknown() && !plan.Key.IsUnknown() {
		plan.ID = types.StringValue(plan.PageID.ValueString() + "/" + plan.Key.ValueString())
	}
	plan.PolicyDecision, plan.ConfirmationCode = r.data.planPageWrite(ctx, &resp.Diagnostics, plan.PageID,
		propertyContent(plan.Key.ValueString(), plan.Value.ValueString()), known, false,
		propertySubject(verb, plan.PageID.ValueString(), plan.Key.ValueString()))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *ContentPropertyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan contentPropertyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	pageID, key, value := plan.PageID.ValueString(), plan.Key.ValueString(), plan.Value.ValueString()
	subject := propertySubject("Creating", pageID, key)
	res, ok, _ := r.data.enforcePageWrite(ctx, &resp.Diagnostics, pageID, propertyContent(key, value), subject, false)
	if !ok {
		return
	}
	// Never take over a property someone else wrote: adopting it would
	// overwrite their value on the next change.
	existing, err := r.data.client.ListPageProperties(ctx, pageID, key)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Content Property", subject+": while checking that the key is free", r.data.account(), err)
		return
	}
	if len(existing) > 0 {
		resp.Diagnostics.AddError("Content Property Already Exists",
			fmt.Sprintf("Page %s already has a content property %q (version %d), so nothing was written. To manage it with Terraform, import it: terraform import <address> %s/%s — then plan to see its value.",
				pageID, key, existing[0].Version, pageID, key))
		return
	}
	created, err := r.data.client.CreatePageProperty(ctx, pageID, key, json.RawMessage(value))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Create Content Property", subject, r.data.account(), err)
		return
	}
	plan.ID = types.StringValue(pageID + "/" + key)
	plan.PropertyID = types.StringValue(created.ID)
	plan.Version = types.Int64Value(int64(created.Version))
	plan.PolicyDecision, plan.ConfirmationCode = types.StringValue(string(res.Decision)), types.StringValue(res.ConfirmationCode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *ContentPropertyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state contentPropertyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	pageID, key := state.PageID.ValueString(), state.Key.ValueString()
	props, err := r.data.client.ListPageProperties(ctx, pageID, key)
	if confluence.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // the page is gone or hidden
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Content Property", propertySubject("Reading", pageID, key), r.data.account(), err)
		return
	}
	remote, found := findPropertyKey(props, key)
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(pageID + "/" + key)
	state.PropertyID = types.StringValue(remote.ID)
	if state.Version.IsNull() || int64(remote.Version) != state.Version.ValueInt64() || state.Value.IsNull() {
		// Changed outside Terraform (or imported): show Confluence's value, so
		// the plan shows the change back to the configuration, once the
		// policy lets this account read it.
		if !r.mayReadValue(ctx, &resp.Diagnostics, state, remote) {
			return
		}
		if !state.Version.IsNull() {
			resp.Diagnostics.AddWarning("Content Property Changed Outside Terraform",
				fmt.Sprintf("Content property %q of page %s is at version %d; Terraform last wrote version %d. The plan shows its current value and will replace it with the configured one.",
					key, pageID, remote.Version, state.Version.ValueInt64()))
		}
		state.Value = types.StringValue(string(remote.Value))
		if compact, err := compactJSON(string(remote.Value)); err == nil {
			state.Value = types.StringValue(compact)
		}
		state.Version = types.Int64Value(int64(remote.Version))
	}
	if state.PolicyDecision.IsNull() {
		state.PolicyDecision, state.ConfirmationCode = types.StringValue(""), types.StringValue("")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// mayReadValue decides whether Read may bring remote's value into the state.
// A property's value is the page's content, and the state is not proof that
// Terraform wrote it (whoever may push the state may name any page and key),
// so importing it, or taking a value someone else saved, is a get_page in
// the space Confluence holds the page in, as the data source's read is. A
// value whose current version this account saved is its own, and needs no
// decision. It reports false when it added an error.
func (r *ContentPropertyResource) mayReadValue(ctx context.Context, diags *diag.Diagnostics, state contentPropertyModel, remote confluence.Property) bool {
	pageID, key := state.PageID.ValueString(), state.Key.ValueString()
	imported := state.Version.IsNull()
	if !imported {
		user, err := r.data.run.CurrentUser(ctx)
		if err != nil {
			addAPIError(diags, "Unable to Read Content Property", propertySubject("Reading", pageID, key)+": while reading the authenticated account", r.data.account(), err)
			return false
		}
		if remote.AuthorID != "" && remote.AuthorID == user.AccountID {
			return true
		}
	}
	spaceKey, _, err := r.data.pageSpace(ctx, pageID)
	if err != nil {
		r.data.contentReadError(diags, pageKind, pageID, err)
		return false
	}
	// No title in the request: a refusal must not tell a forged state what
	// the page it points at is called.
	var refusal diag.Diagnostics
	if r.data.authorizeRead(ctx, &refusal, policy.Request{Operation: policy.GetPage, SpaceKey: spaceKey, PageID: pageID}) {
		diags.Append(refusal...)
		return true
	}
	if !imported {
		// A person's change to a property of a page this account wrote
		// through Terraform is drift on its own page, as a person's edit of
		// the page's body is (page_read_policy.go).
		own, err := r.data.ownsContent(ctx, confluence.KindPage, pageID, spaceKey)
		if err != nil {
			addAPIError(diags, "Unable to Read Page", "While checking that page "+pageID+" was written by this account through Terraform (its terraform.change record)", r.data.account(), err)
			return false
		}
		if own {
			return true
		}
	}
	author := "an account Confluence does not name"
	if remote.AuthorID != "" {
		author = r.data.run.describeAccount(ctx, remote.AuthorID)
	}
	why := fmt.Sprintf("Terraform was reading content property %q of page %s because it changed outside Terraform (version %d, saved by %s; the state records version %d). ",
		key, pageID, remote.Version, author, state.Version.ValueInt64())
	if imported {
		why = fmt.Sprintf("Terraform was importing content property %q of page %s. ", key, pageID)
	}
	why += fmt.Sprintf("Confluence does not show that this account wrote the page through Terraform, and a property's value is the page's content, so reading it is a get_page, decided in space %s where Confluence holds the page. Nothing was read into the state.\n\n"+
		"Ask the administrators to allow get_page in space %s, or stop managing the property (a removed block with destroy = false, or terraform state rm <address>).", spaceKey, spaceKey)
	for _, d := range refusal {
		if d.Severity() == diag.SeverityError {
			diags.AddError(d.Summary(), d.Detail()+"\n\n"+why)
		} else {
			diags.Append(d)
		}
	}
	return false
}

func (r *ContentPropertyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state contentPropertyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	pageID, key, value := plan.PageID.ValueString(), plan.Key.ValueString(), plan.Value.ValueString()
	plan.PropertyID = state.PropertyID
	if same, _ := jsonEqual(value, state.Value.ValueString()); same {
		plan.Version = state.Version // formatting only: nothing to write
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	subject := propertySubject("Updating", pageID, key)
	res, ok, _ := r.data.enforcePageWrite(ctx, &resp.Diagnostics, pageID, propertyContent(key, value), subject, false)
	if !ok {
		return
	}
	next := confluence.Property{ID: state.PropertyID.ValueString(), Key: key, Version: int(state.Version.ValueInt64()) + 1}
	updated, err := r.data.client.UpdatePageProperty(ctx, pageID, next, json.RawMessage(value))
	if err != nil {
		if confluence.IsConflict(err) || confluence.IsNotFound(err) {
			r.conflictError(ctx, &resp.Diagnostics, pageID, key, state.Version.ValueInt64())
			return
		}
		addAPIError(&resp.Diagnostics, "Unable to Update Content Property", subject, r.data.account(), err)
		return
	}
	plan.Version = types.Int64Value(int64(updated.Version))
	plan.PolicyDecision, plan.ConfirmationCode = types.StringValue(string(res.Decision)), types.StringValue(res.ConfirmationCode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// conflictError explains a refused update: the property moved since the
// plan. It is never retried over the other writer's value.
func (r *ContentPropertyResource) conflictError(ctx context.Context, diags *diag.Diagnostics, pageID, key string, planned int64) {
	now := "it has been deleted"
	if props, err := r.data.client.ListPageProperties(ctx, pageID, key); err == nil {
		if p, ok := findPropertyKey(props, key); ok {
			now = fmt.Sprintf("it is now at version %d", p.Version)
		}
	}
	diags.AddError("Content Property Changed Since Plan",
		fmt.Sprintf("Content property %q of page %s was at version %d when planned, but %s: someone else changed it. Nothing was written, so their value is kept. "+
			"Run terraform plan again to see their change, then apply to replace it if that is still intended.", key, pageID, planned, now))
}

func (r *ContentPropertyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state contentPropertyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	pageID, key := state.PageID.ValueString(), state.Key.ValueString()
	subject := propertySubject("Deleting", pageID, key)
	_, ok, gone := r.data.enforcePageWrite(ctx, &resp.Diagnostics, pageID, "delete "+propertyContent(key, state.Value.ValueString()), subject, true)
	if !ok || gone {
		return // refused, or the page (and its properties) is gone already
	}
	// The property is deleted by its key as Confluence holds it, not by the
	// state's property_id: an id written into the state file could name
	// another property of the page (the provider's own terraform.change).
	if strings.HasPrefix(key, reservedPropertyPrefix) {
		resp.Diagnostics.AddError("Reserved Content Property", subject+": the key is one of the provider's own records (terraform.*), which no confluence_content_property manages, so nothing was deleted. The state names it, so it was edited: remove the resource from the state (terraform state rm).")
		return
	}
	props, err := r.data.client.ListPageProperties(ctx, pageID, key)
	if err != nil && !confluence.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete Content Property", subject+", while looking the property up by its key", r.data.account(), err)
		return
	}
	if len(props) == 0 {
		return // gone already
	}
	err = r.data.client.DeletePageProperty(ctx, pageID, props[0].ID)
	if err != nil && !confluence.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete Content Property", subject, r.data.account(), err)
	}
}

func (r *ContentPropertyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	pageID, key, err := parsePropertyImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Content Property Import Id", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("page_id"), pageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), key)...)
}

// parsePropertyImportID splits "<page_id>/<key>".
func parsePropertyImportID(id string) (pageID, key string, err error) {
	pageID, key, ok := strings.Cut(id, "/")
	if !ok || !pageIDPattern.MatchString(pageID) || !propertyKeyPattern.MatchString(key) {
		return "", "", fmt.Errorf("%q is not <page_id>/<key>: import a content property as, e.g., terraform import confluence_content_property.example 65601/gateway.enforcement", id)
	}
	if strings.HasPrefix(key, reservedPropertyPrefix) {
		return "", "", fmt.Errorf("key %q is one of the provider's own records (terraform.*) and cannot be managed", key)
	}
	return pageID, key, nil
}

func findPropertyKey(props []confluence.Property, key string) (confluence.Property, bool) {
	for _, p := range props {
		if p.Key == key {
			return p, true
		}
	}
	return confluence.Property{}, false
}

// compactJSON returns a JSON document without insignificant white space.
func compactJSON(s string) (string, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// jsonEqual reports whether two JSON documents hold the same value (object
// key order and formatting aside; numbers compared exactly as written).
func jsonEqual(a, b string) (bool, error) {
	var va, vb any
	da, db := json.NewDecoder(strings.NewReader(a)), json.NewDecoder(strings.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	if err := errors.Join(da.Decode(&va), db.Decode(&vb)); err != nil {
		return false, err
	}
	return reflect.DeepEqual(va, vb), nil
}
