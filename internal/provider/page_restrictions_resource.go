// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &PageRestrictionsResource{}
	_ resource.ResourceWithImportState = &PageRestrictionsResource{}
	_ resource.ResourceWithModifyPlan  = &PageRestrictionsResource{}
)

// accountIDPattern matches Atlassian account ids ("557058:<uuid>", or 24 hex
// digits for older accounts) without admitting spaces or e-mail addresses.
var accountIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:_-]{0,127}$`)

// NewPageRestrictionsResource is the confluence_page_restrictions resource factory.
func NewPageRestrictionsResource() resource.Resource { return &PageRestrictionsResource{} }

// PageRestrictionsResource owns the whole set of a page's view and edit restrictions.
type PageRestrictionsResource struct {
	data *providerData
}

type pageRestrictionsModel struct {
	ID               types.String `tfsdk:"id"`
	PageID           types.String `tfsdk:"page_id"`
	ViewUsers        types.Set    `tfsdk:"view_users"`
	ViewGroups       types.Set    `tfsdk:"view_groups"`
	EditUsers        types.Set    `tfsdk:"edit_users"`
	EditGroups       types.Set    `tfsdk:"edit_groups"`
	ViewAccountIDs   types.Set    `tfsdk:"view_account_ids"`
	ViewGroupIDs     types.Set    `tfsdk:"view_group_ids"`
	EditAccountIDs   types.Set    `tfsdk:"edit_account_ids"`
	EditGroupIDs     types.Set    `tfsdk:"edit_group_ids"`
	PolicyDecision   types.String `tfsdk:"policy_decision"`
	ConfirmationCode types.String `tfsdk:"confirmation_code"`
}

func (r *PageRestrictionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_page_restrictions"
}

func (r *PageRestrictionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = pageRestrictionsResourceSchema()
}

func pageRestrictionsResourceSchema() schema.Schema {
	subjects := func(what, kind string) schema.SetAttribute {
		desc := fmt.Sprintf("Users who may %s the page, by account id or e-mail address (looked up with Confluence's user search; an address hidden by the user's profile settings cannot be found, use the account id). ", what)
		v := []validator.String{stringvalidator.Any(validators.Email(),
			stringvalidator.RegexMatches(accountIDPattern, "must be an account id (such as 557058:f2a1…) or an e-mail address"))}
		if kind == "groups" {
			v = []validator.String{stringvalidator.LengthBetween(1, 255)}
			desc = fmt.Sprintf("Groups whose members may %s the page, by name or id. ", what)
		}
		return schema.SetAttribute{
			MarkdownDescription: desc + fmt.Sprintf("Empty or unset, together with the other %s list, means the page is not %s-restricted.", what, what),
			Optional:            true,
			ElementType:         types.StringType,
			Validators:          []validator.Set{setvalidator.ValueStringsAre(v...), setvalidator.SizeAtMost(100)},
		}
	}
	computedIDs := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{MarkdownDescription: desc, Computed: true, ElementType: types.StringType}
	}
	return schema.Schema{
		MarkdownDescription: "Who may view and who may edit one Confluence page: the page restrictions Confluence's v1 restrictions API stores. " +
			"The resource owns the whole set: anything else found on the page shows as drift and is replaced; destroying it removes every restriction. " +
			"This is the *edit lock* docs-as-code teams put on generated pages so that they change only through Git.\n\n" +
			"A plan that would lock the provider's own account out of the page (not listed in a non-empty view or edit restriction, directly or through a group) fails " +
			"with an error naming the attribute, before anything is written: the account would no longer be able to manage the page or these restrictions.\n\n" +
			"Changing restrictions is governed by the `update_page` operation of the policy of the page's space (`policy_decision`, `confirmation_code`). " +
			"Reading them is the page's `get_page`, decided in the space Confluence holds the page in before they are read: on import, and on refresh unless " +
			"Confluence shows the page is this account's own (its `terraform.change` record names the account, was saved by it, and the space is in the scope of its connection).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The page id, also the import id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"page_id": schema.StringAttribute{
				MarkdownDescription: "Id of the page. Changing it moves the restrictions to another page (the old page's are removed).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"view_users":       subjects("view", "users"),
			"view_groups":      subjects("view", "groups"),
			"edit_users":       subjects("edit", "users"),
			"edit_groups":      subjects("edit", "groups"),
			"view_account_ids": computedIDs("Account ids `view_users` resolve to."),
			"view_group_ids":   computedIDs("Group ids `view_groups` resolve to."),
			"edit_account_ids": computedIDs("Account ids `edit_users` resolve to."),
			"edit_group_ids":   computedIDs("Group ids `edit_groups` resolve to."),
			"policy_decision": schema.StringAttribute{
				MarkdownDescription: "The `update_page` decision for this change: `allowed`, `allowed_with_confirmation` or `unmanaged`.",
				Computed:            true,
			},
			"confirmation_code": schema.StringAttribute{
				MarkdownDescription: "The confirmation code the change needs when `policy_decision` is `allowed_with_confirmation`, else empty.",
				Computed:            true,
			},
		},
	}
}

func (r *PageRestrictionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// resolvedRestrictions are restrictions by account id and group id, sorted.
type resolvedRestrictions struct {
	ViewAccounts, ViewGroups, EditAccounts, EditGroups []string
}

func (rr resolvedRestrictions) toAPI() confluence.Restrictions {
	groups := func(ids []string) []confluence.Group {
		out := make([]confluence.Group, 0, len(ids))
		for _, id := range ids {
			out = append(out, confluence.Group{ID: id})
		}
		return out
	}
	return confluence.Restrictions{
		Read:   confluence.RestrictionSubjects{AccountIDs: rr.ViewAccounts, Groups: groups(rr.ViewGroups)},
		Update: confluence.RestrictionSubjects{AccountIDs: rr.EditAccounts, Groups: groups(rr.EditGroups)},
	}
}

func fromAPI(r confluence.Restrictions) resolvedRestrictions {
	ids := func(gs []confluence.Group) []string {
		out := make([]string, 0, len(gs))
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	return normalizeRestrictions(resolvedRestrictions{
		ViewAccounts: r.Read.AccountIDs, ViewGroups: ids(r.Read.Groups),
		EditAccounts: r.Update.AccountIDs, EditGroups: ids(r.Update.Groups),
	})
}

// normalizeRestrictions sorts and de-duplicates every list (never nil).
func normalizeRestrictions(rr resolvedRestrictions) resolvedRestrictions {
	norm := func(s []string) []string {
		out := slices.Clone(s)
		slices.Sort(out)
		out = slices.Compact(out)
		if out == nil {
			out = []string{}
		}
		return out
	}
	return resolvedRestrictions{norm(rr.ViewAccounts), norm(rr.ViewGroups), norm(rr.EditAccounts), norm(rr.EditGroups)}
}

// content is the canonical text of the restrictions, for confirmation codes.
func (rr resolvedRestrictions) content() string {
	return fmt.Sprintf("restrictions view=%s;%s edit=%s;%s",
		strings.Join(rr.ViewAccounts, ","), strings.Join(rr.ViewGroups, ","), strings.Join(rr.EditAccounts, ","), strings.Join(rr.EditGroups, ","))
}

func (rr resolvedRestrictions) equal(o resolvedRestrictions) bool {
	return slices.Equal(rr.ViewAccounts, o.ViewAccounts) && slices.Equal(rr.ViewGroups, o.ViewGroups) &&
		slices.Equal(rr.EditAccounts, o.EditAccounts) && slices.Equal(rr.EditGroups, o.EditGroups)
}

// lockOutProblem reports how restrictions would lock an account (with its
// group ids) out of a page: the attribute to blame and why, or "" when it
// keeps both view and edit. A non-empty restriction the account is in
// neither directly nor through a group shuts it out of that operation.
func lockOutProblem(accountID string, groupIDs []string, rr resolvedRestrictions) (attribute, why string) {
	listed := func(accounts, groups []string) bool {
		if len(accounts) == 0 && len(groups) == 0 {
			return true // not restricted
		}
		return slices.Contains(accounts, accountID) || slices.ContainsFunc(groups, func(g string) bool { return slices.Contains(groupIDs, g) })
	}
	if !listed(rr.ViewAccounts, rr.ViewGroups) {
		return "view_users", "the view restriction does not include it, so it could no longer see the page"
	}
	if !listed(rr.EditAccounts, rr.EditGroups) {
		return "edit_users", "the edit restriction does not include it, so it could no longer change the page or these restrictions"
	}
	return "", ""
}

// resolver turns configured users and groups into ids, caching lookups for one operation.
type resolver struct {
	d      *providerData
	groups []confluence.Group
}

func (rs *resolver) users(ctx context.Context, diags *diag.Diagnostics, attribute string, values []string) []string {
	var ids []string
	for _, v := range values {
		if !strings.Contains(v, "@") {
			if _, err := rs.d.client.GetUser(ctx, v); err != nil {
				if confluence.IsNotFound(err) {
					diags.AddAttributeError(path.Root(attribute), "Unknown User",
						fmt.Sprintf("Confluence has no user with account id %q. Use an account id (as in a profile URL, e.g. 557058:…) or an e-mail address.", v))
					continue
				}
				addAPIError(diags, "Unable to Look Up User", "While looking up account "+v+" for "+attribute, rs.d.account(), err)
				continue
			}
			ids = append(ids, v)
			continue
		}
		if err := validators.CheckEmail(v); err != nil {
			diags.AddAttributeError(path.Root(attribute), "Invalid User", fmt.Sprintf("%q is neither an account id nor an e-mail address: %s", v, err))
			continue
		}
		found, err := rs.d.client.FindUsersByEmail(ctx, v)
		if err != nil {
			addAPIError(diags, "Unable to Look Up User", "While looking up "+v+" for "+attribute, rs.d.account(), err)
			continue
		}
		switch len(found) {
		case 1:
			ids = append(ids, found[0].AccountID)
		case 0:
			diags.AddAttributeError(path.Root(attribute), "User Not Found",
				fmt.Sprintf("No Confluence user with e-mail address %q was found. Check the address; if the user hides it in their profile, use their account id instead.", v))
		default:
			diags.AddAttributeError(path.Root(attribute), "Ambiguous User",
				fmt.Sprintf("%d Confluence users have e-mail address %q; use the account id instead.", len(found), v))
		}
	}
	return ids
}

func (rs *resolver) groupIDs(ctx context.Context, diags *diag.Diagnostics, attribute string, values []string) []string {
	if len(values) == 0 {
		return nil
	}
	if rs.groups == nil {
		groups, err := rs.d.client.ListGroups(ctx)
		if err != nil {
			addAPIError(diags, "Unable to List Groups", "While resolving "+attribute, rs.d.account(), err)
			return nil
		}
		rs.groups = groups
	}
	var ids []string
	for _, v := range values {
		i := slices.IndexFunc(rs.groups, func(g confluence.Group) bool { return g.ID == v })
		if i < 0 {
			i = slices.IndexFunc(rs.groups, func(g confluence.Group) bool { return g.Name == v })
		}
		if i < 0 {
			diags.AddAttributeError(path.Root(attribute), "Group Not Found",
				fmt.Sprintf("Confluence has no group named or with id %q. Check the name (it is case-sensitive) in the site's user management.", v))
			continue
		}
		ids = append(ids, rs.groups[i].ID)
	}
	return ids
}

// resolve turns the model's configured sets into ids; ok is false when a set
// is unknown (known only at apply).
func (r *PageRestrictionsResource) resolve(ctx context.Context, diags *diag.Diagnostics, m pageRestrictionsModel) (rr resolvedRestrictions, ok bool) {
	for _, s := range []types.Set{m.ViewUsers, m.ViewGroups, m.EditUsers, m.EditGroups} {
		if s.IsUnknown() || slices.ContainsFunc(s.Elements(), func(v attr.Value) bool { return v.IsUnknown() }) {
			return rr, false
		}
	}
	rs := &resolver{d: r.data}
	rr.ViewAccounts = rs.users(ctx, diags, "view_users", setStrings(ctx, m.ViewUsers, diags))
	rr.ViewGroups = rs.groupIDs(ctx, diags, "view_groups", setStrings(ctx, m.ViewGroups, diags))
	rr.EditAccounts = rs.users(ctx, diags, "edit_users", setStrings(ctx, m.EditUsers, diags))
	rr.EditGroups = rs.groupIDs(ctx, diags, "edit_groups", setStrings(ctx, m.EditGroups, diags))
	return normalizeRestrictions(rr), !diags.HasError()
}

// checkLockOut fails when rr would shut the provider's own account out of the page.
func (r *PageRestrictionsResource) checkLockOut(ctx context.Context, diags *diag.Diagnostics, pageID string, rr resolvedRestrictions) bool {
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Unable to Read Authenticated Account", "While checking that the restrictions of page "+pageID+" keep the provider's account in", r.data.account(), err)
		return false
	}
	var groupIDs []string
	if attribute, _ := lockOutProblem(user.AccountID, nil, rr); attribute != "" && (len(rr.ViewGroups) > 0 || len(rr.EditGroups) > 0) {
		groups, err := r.data.client.UserGroups(ctx, user.AccountID)
		if err != nil {
			addAPIError(diags, "Unable to Read Group Memberships", "While checking that the restrictions of page "+pageID+" keep the provider's account in", r.data.account(), err)
			return false
		}
		for _, g := range groups {
			groupIDs = append(groupIDs, g.ID)
		}
	}
	attribute, why := lockOutProblem(user.AccountID, groupIDs, rr)
	if attribute == "" {
		return true
	}
	diags.AddAttributeError(path.Root(attribute), "Restrictions Would Lock Out the Provider",
		fmt.Sprintf("These restrictions would lock the provider's own account (%s, account id %s) out of page %s: %s. Nothing was written. "+
			"Add the account (its e-mail or account id) to %s, or a group it belongs to to the matching *_groups attribute.",
			r.data.account(), user.AccountID, pageID, why, attribute))
	return false
}

func (r *PageRestrictionsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var state *pageRestrictionsModel
	if !req.State.Raw.IsNull() {
		state = &pageRestrictionsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() {
		if state != nil {
			r.data.planPageWrite(ctx, &resp.Diagnostics, state.PageID, normalizeRestrictions(resolvedRestrictions{}).content(), true, true,
				"Removing every restriction of page "+state.PageID.ValueString())
		}
		return
	}
	var plan pageRestrictionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = plan.PageID
	unknownAll := func() {
		plan.ViewAccountIDs, plan.ViewGroupIDs = types.SetUnknown(types.StringType), types.SetUnknown(types.StringType)
		plan.EditAccountIDs, plan.EditGroupIDs = types.SetUnknown(types.StringType), types.SetUnknown(types.StringType)
	}
	if r.data.configUnknown || plan.PageID.IsUnknown() {
		if r.data.configUnknown {
			// The restrictions are written again at apply (their ids are
			// planned unknown), under an update_page no one could decide now.
			reportNotDecided(&resp.Diagnostics, fmt.Sprintf("Setting the restrictions of page %s (update_page)", describePageID(plan.PageID)))
		}
		unknownAll()
		plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	pageID := plan.PageID.ValueString()
	rr, known := r.resolve(ctx, &resp.Diagnostics, plan)
	if resp.Diagnostics.HasError() {
		return
	}
	if !known {
		unknownAll()
	} else {
		if !r.checkLockOut(ctx, &resp.Diagnostics, pageID, rr) {
			return
		}
		r.setResolved(&plan, rr, &resp.Diagnostics)
		if state != nil && plan.PageID.Equal(state.PageID) && rr.equal(stateResolved(ctx, *state, &resp.Diagnostics)) {
			// Nothing reaches Confluence, so nothing is governed.
			plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}
	plan.PolicyDecision, plan.ConfirmationCode = r.data.planPageWrite(ctx, &resp.Diagnostics, plan.PageID, rr.content(), known, false,
		"Setting the restrictions of page "+pageID)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *PageRestrictionsResource) setResolved(m *pageRestrictionsModel, rr resolvedRestrictions, diags *diag.Diagnostics) {
	m.ViewAccountIDs = stringSetValue(diags, rr.ViewAccounts)
	m.ViewGroupIDs = stringSetValue(diags, rr.ViewGroups)
	m.EditAccountIDs = stringSetValue(diags, rr.EditAccounts)
	m.EditGroupIDs = stringSetValue(diags, rr.EditGroups)
}

func stateResolved(ctx context.Context, m pageRestrictionsModel, diags *diag.Diagnostics) resolvedRestrictions {
	return normalizeRestrictions(resolvedRestrictions{
		ViewAccounts: setStrings(ctx, m.ViewAccountIDs, diags), ViewGroups: setStrings(ctx, m.ViewGroupIDs, diags),
		EditAccounts: setStrings(ctx, m.EditAccountIDs, diags), EditGroups: setStrings(ctx, m.EditGroupIDs, diags),
	})
}

func (r *PageRestrictionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan pageRestrictionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	r.write(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *PageRestrictionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan pageRestrictionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	r.write(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// write resolves, re-checks the lock-out and the policy, and replaces the
// page's restrictions with the planned ones.
func (r *PageRestrictionsResource) write(ctx context.Context, plan *pageRestrictionsModel, diags *diag.Diagnostics) {
	pageID := plan.PageID.ValueString()
	rr, _ := r.resolve(ctx, diags, *plan)
	if diags.HasError() || !r.checkLockOut(ctx, diags, pageID, rr) {
		return
	}
	subject := "Setting the restrictions of page " + pageID
	res, ok, _ := r.data.enforcePageWrite(ctx, diags, pageID, rr.content(), subject, false)
	if !ok {
		return
	}
	stored, err := r.data.client.SetPageRestrictions(ctx, pageID, rr.toAPI())
	if err != nil {
		addAPIError(diags, "Unable to Set Page Restrictions", subject, r.data.account(), err)
		return
	}
	got := fromAPI(*stored)
	if !got.equal(rr) {
		diags.AddError("Page Restrictions Not Stored as Sent",
			fmt.Sprintf("Confluence stored different restrictions on page %s than were sent (sent %s, stored %s). Check the users and groups, then plan again.", pageID, rr.content(), got.content()))
		return
	}
	plan.ID = plan.PageID
	r.setResolved(plan, got, diags)
	plan.PolicyDecision, plan.ConfirmationCode = types.StringValue(string(res.Decision)), types.StringValue(res.ConfirmationCode)
}

func (r *PageRestrictionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state pageRestrictionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		// Without a known provider configuration there is nothing to read
		// with: keep the state as it is (the plan warns, see ModifyPlan).
		return
	}
	pageID := state.PageID.ValueString()
	imported := state.ViewAccountIDs.IsNull()
	// Who may see and edit a page is page metadata: get_page, or the page
	// is provably this account's own, before it is read.
	ok, gone := r.data.mayReadPageMetadata(ctx, &resp.Diagnostics, pageID, pageMetadataRead{what: "the view and edit restrictions", importing: imported})
	if gone {
		resp.State.RemoveResource(ctx) // the page is gone, or hidden from the account
		return
	}
	if !ok {
		return
	}
	remote, err := r.data.client.GetPageRestrictions(ctx, pageID)
	if confluence.IsNotFound(err) {
		resp.State.RemoveResource(ctx) // the page is gone, or hidden from the account
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Page Restrictions", "While reading the restrictions of page "+pageID, r.data.account(), err)
		return
	}
	got := fromAPI(*remote)
	if imported || !got.equal(stateResolved(ctx, state, &resp.Diagnostics)) {
		// Changed outside Terraform (or imported): show what Confluence holds,
		// by account id and group name, so the plan shows the change back.
		names := map[string]string{}
		for _, g := range append(slices.Clone(remote.Read.Groups), remote.Update.Groups...) {
			names[g.ID] = cmpOrName(g)
		}
		groupNames := func(ids []string) []string {
			out := make([]string, 0, len(ids))
			for _, id := range ids {
				out = append(out, names[id])
			}
			return out
		}
		state.ViewUsers = optionalSet(&resp.Diagnostics, got.ViewAccounts)
		state.EditUsers = optionalSet(&resp.Diagnostics, got.EditAccounts)
		state.ViewGroups = optionalSet(&resp.Diagnostics, groupNames(got.ViewGroups))
		state.EditGroups = optionalSet(&resp.Diagnostics, groupNames(got.EditGroups))
		r.setResolved(&state, got, &resp.Diagnostics)
		if !imported {
			resp.Diagnostics.AddWarning("Page Restrictions Changed Outside Terraform",
				fmt.Sprintf("The restrictions of page %s are not the ones Terraform set (now %s). The plan shows them by account id and group name and will set them back to the configuration.", pageID, got.content()))
		}
	}
	state.ID = state.PageID
	if state.PolicyDecision.IsNull() {
		state.PolicyDecision, state.ConfirmationCode = types.StringValue(""), types.StringValue("")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// describePageID is a page id for a message, or says it is known only at apply.
func describePageID(id types.String) string {
	if id.IsUnknown() || id.IsNull() {
		return "(id known only at apply)"
	}
	return id.ValueString()
}

func cmpOrName(g confluence.Group) string {
	if g.Name != "" {
		return g.Name
	}
	return g.ID
}

// optionalSet is null for no values, as an unset optional attribute is.
func optionalSet(diags *diag.Diagnostics, values []string) types.Set {
	if len(values) == 0 {
		return types.SetNull(types.StringType)
	}
	return stringSetValue(diags, values)
}

func (r *PageRestrictionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state pageRestrictionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	pageID := state.PageID.ValueString()
	none := normalizeRestrictions(resolvedRestrictions{})
	subject := "Removing every restriction of page " + pageID
	_, ok, gone := r.data.enforcePageWrite(ctx, &resp.Diagnostics, pageID, none.content(), subject, true)
	if !ok || gone {
		return // refused, or the page (and its restrictions) is gone already
	}
	if _, err := r.data.client.SetPageRestrictions(ctx, pageID, none.toAPI()); err != nil && !confluence.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Remove Page Restrictions", subject, r.data.account(), err)
	}
}

func (r *PageRestrictionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !pageIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Page Id", fmt.Sprintf("%q is not a Confluence page id. Import a page's restrictions by its numeric id, e.g. terraform import confluence_page_restrictions.example 65601.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("page_id"), req.ID)...)
}
