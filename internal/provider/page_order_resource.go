// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
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
	"github.com/docs-as-code/terraform-provider-confluence/internal/docstree"
)

var (
	_ resource.ResourceWithConfigure  = &PageOrderResource{}
	_ resource.ResourceWithModifyPlan = &PageOrderResource{}
)

// NewPageOrderResource is the confluence_page_order resource factory.
func NewPageOrderResource() resource.Resource { return &PageOrderResource{} }

// PageOrderResource keeps child pages of one parent in a given order with
// Confluence's move API, and restores it when someone reorders them by hand.
// Reordering a page's children is governed as update_page of that page.
type PageOrderResource struct {
	data *providerData
}

// pageOrderModel maps the confluence_page_order resource.
type pageOrderModel struct {
	ID               types.String `tfsdk:"id"`
	ParentID         types.String `tfsdk:"parent_id"`
	PageIDs          types.List   `tfsdk:"page_ids"`
	PolicyDecision   types.String `tfsdk:"policy_decision"`
	ConfirmationCode types.String `tfsdk:"confirmation_code"`
}

func (r *PageOrderResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_page_order"
}

func (r *PageOrderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Keeps child pages of one parent page in the given order in Confluence's page tree, with Confluence's move API. " +
			"A reordering made by hand in Confluence shows in the plan and the apply restores the order. Only the relative order of the listed " +
			"pages is kept: other child pages keep their places. Every listed page must already be a child of `parent_id` when the apply runs " +
			"(this resource never moves a page to another parent; set the page's `parent_id` for that). Reordering is governed as the " +
			"`update_page` operation of the parent page, decided at plan time. Listing the parent's children on refresh is the parent's `get_page`, decided in the space " +
			"Confluence holds the parent in before they are listed, unless Confluence shows the parent is this account's own (its `terraform.change` record names the account, " +
			"was saved by it, and the space is in the scope of its connection). Destroying the resource only forgets the order. " +
			"The `docs-tree` module uses it to keep a folder's pages in their source order.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The parent page's id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"parent_id": schema.StringAttribute{
				MarkdownDescription: "The id of the page whose children are ordered. Changing it orders another page's children (replacement).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"page_ids": schema.ListAttribute{
				MarkdownDescription: "The ids of child pages of `parent_id`, in the order they are to be shown, each once.",
				ElementType:         types.StringType,
				Required:            true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"policy_decision": schema.StringAttribute{
				MarkdownDescription: "The policy decision for reordering (`update_page` of the parent page): `allowed`, `allowed_with_confirmation` or `unmanaged`; unknown when the parent or the pages are known only at apply.",
				Computed:            true,
			},
			"confirmation_code": schema.StringAttribute{
				MarkdownDescription: "The confirmation code the reordering needs when the decision is `allowed_with_confirmation`, bound to the parent page and the order; empty otherwise.",
				Computed:            true,
			},
		},
	}
}

func (r *PageOrderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// pageOrderContent is what a reordering's confirmation code is bound to.
func pageOrderContent(ids []string) string {
	return "child order: " + strings.Join(ids, ",")
}

func pageOrderSubject(parentID string) string {
	return fmt.Sprintf("Ordering the child pages of page %s (update_page)", parentID)
}

// knownIDs returns the list's strings, ok false while any is unknown.
func knownIDs(list types.List) ([]string, bool) {
	if list.IsUnknown() || list.IsNull() {
		return nil, false
	}
	ids := make([]string, 0, len(list.Elements()))
	for _, e := range list.Elements() {
		s, isString := e.(types.String)
		if !isString || s.IsUnknown() || s.IsNull() {
			return nil, false
		}
		ids = append(ids, s.ValueString())
	}
	return ids, true
}

// ModifyPlan decides update_page of the parent when the order changes.
// Destroying only forgets the order, so it sends nothing and is not governed.
func (r *PageOrderResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	var plan pageOrderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *pageOrderModel
	if !req.State.Raw.IsNull() {
		state = &pageOrderModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = plan.ParentID
	if state != nil && plan.ParentID.Equal(state.ParentID) && plan.PageIDs.Equal(state.PageIDs) {
		// In order: nothing reaches Confluence, so nothing is governed.
		plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	ids, known := knownIDs(plan.PageIDs)
	plan.PolicyDecision, plan.ConfirmationCode = r.data.planPageWrite(ctx, &resp.Diagnostics, plan.ParentID,
		pageOrderContent(ids), known, false, pageOrderSubject(plan.ParentID.ValueString()))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *PageOrderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan pageOrderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	r.apply(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *PageOrderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan pageOrderModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	r.apply(ctx, &plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// apply re-decides the reordering, then moves the pages that are out of
// order (the fewest moves; see docstree.OrderMoves).
func (r *PageOrderResource) apply(ctx context.Context, plan *pageOrderModel, diags *diag.Diagnostics) {
	parentID := plan.ParentID.ValueString()
	ids, _ := knownIDs(plan.PageIDs)
	subject := pageOrderSubject(parentID)
	res, ok, _ := r.data.enforcePageWrite(ctx, diags, parentID, pageOrderContent(ids), subject, false)
	if !ok {
		return
	}
	current, err := r.childIDs(ctx, parentID)
	if err != nil {
		addAPIError(diags, "Unable to Read Child Pages", subject+": while reading the current order", r.data.account(), err)
		return
	}
	for i, id := range ids {
		if !slices.Contains(current, id) {
			diags.AddAttributeError(path.Root("page_ids").AtListIndex(i), "Page Is Not a Child",
				fmt.Sprintf("%s: page %s is not a child page of page %s visible to %s, so nothing was moved. Set that page's parent_id to %s, or take it out of page_ids.",
					subject, id, parentID, r.data.account(), parentID))
			return
		}
	}
	for _, m := range docstree.OrderMoves(current, ids) {
		if err := r.data.client.MovePage(ctx, m.Page, m.Position, m.Target); err != nil {
			addAPIError(diags, "Unable to Move Page", fmt.Sprintf("%s: while moving page %s %s page %s (the pages moved before it stay moved; apply again to finish)", subject, m.Page, m.Position, m.Target), r.data.account(), err)
			return
		}
	}
	plan.ID = plan.ParentID
	plan.PolicyDecision, plan.ConfirmationCode = types.StringValue(string(res.Decision)), types.StringValue(res.ConfirmationCode)
}

// childIDs lists the parent's child pages, in Confluence's order.
func (r *PageOrderResource) childIDs(ctx context.Context, parentID string) ([]string, error) {
	children, err := r.data.client.ListChildPages(ctx, parentID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(children))
	for _, c := range children {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// Read records the listed pages in their current order, so a reordering by
// hand shows in the plan; a listed page that is no longer a child drops out
// of the list. One request per parent (up to 250 children).
func (r *PageOrderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state pageOrderModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		// Without a known provider configuration there is nothing to read
		// with: keep the state as it is.
		return
	}
	parentID := state.ParentID.ValueString()
	ids, _ := knownIDs(state.PageIDs)
	// A page's children (ids, titles) are page metadata: get_page on the
	// parent, or the parent or every ordered page is provably this
	// account's own, before listing.
	ok, gone := r.data.mayReadPageMetadata(ctx, &resp.Diagnostics, parentID, pageMetadataRead{what: "the child pages", ownPages: ids})
	if gone {
		resp.State.RemoveResource(ctx) // the parent is gone or hidden
		return
	}
	if !ok {
		return
	}
	current, err := r.childIDs(ctx, parentID)
	if confluence.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // the parent is gone or hidden
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Child Pages", fmt.Sprintf("Reading the order of the child pages of page %s", parentID), r.data.account(), err)
		return
	}
	if now := docstree.RelativeOrder(current, ids); !slices.Equal(now, ids) {
		list, d := types.ListValueFrom(ctx, types.StringType, now)
		resp.Diagnostics.Append(d...)
		state.PageIDs = list
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete forgets the order; the pages keep their places.
func (r *PageOrderResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
