// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// ModifyPlan makes form-only edits no-ops, plans the computed values that are
// pure functions of the configuration, and applies the operation policy. It
// runs at plan and again at apply with the same inputs, so everything it plans
// must come out identical both times. The rules are pageChange's; this
// function reads the request, asks the policy and writes the plan.
func (r *PageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // validate only: the provider is not configured
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) && !r.data.configUnknown && r.parentSettled(ctx, req) {
		// Terraform proposes exactly the prior state: nothing changed in the
		// configuration or in Confluence, nothing is sent, nothing is governed.
		// Most pages of a large tree take this path on every plan.
		return
	}
	if req.Plan.Raw.IsNull() {
		var state pageModel
		resp.Diagnostics.Append(r.kind().decode(ctx, req.State.Raw, &state)...)
		if !resp.Diagnostics.HasError() {
			r.governDelete(ctx, &resp.Diagnostics, state, resp.Private)
		}
		return
	}
	var plan, config pageModel
	resp.Diagnostics.Append(r.kind().decode(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(r.kind().decode(ctx, req.Config.Raw, &config)...)
	var state *pageModel
	if !req.State.Raw.IsNull() {
		state = &pageModel{}
		resp.Diagnostics.Append(r.kind().decode(ctx, req.State.Raw, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	content, err := renderContent(config)
	if err != nil {
		resp.Diagnostics.AddAttributeError(contentPath(config), r.kind().summary("Invalid Page Content"), err.Error())
		return
	}
	if len(content.warnings) > 0 {
		resp.Diagnostics.AddAttributeWarning(contentPath(config), "Markdown Not Fully Rendered", markdownWarnings(config, content.warnings))
	}
	if size := content.requestSize(); size > confluence.MaxRequestBody {
		resp.Diagnostics.AddAttributeError(contentPath(config), r.kind().summary("Page Too Large"),
			fmt.Sprintf(r.kind().text("The page's storage format makes a request of %d bytes, over Confluence's limit of 5 MB (%d bytes), so Confluence would refuse it. Nothing was sent. Split the page, or move large content (images, data) into attachments."),
				size, confluence.MaxRequestBody))
		return
	}
	if state != nil {
		plan = keepEquivalentForm(plan, config, *state, content)
	}
	if config.ParentID.IsNull() && r.kind().hasParent() {
		// The space homepage, so removing parent_id moves the page back there.
		plan.ParentID = r.homepageID(ctx, &resp.Diagnostics, plan)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state != nil && !plan.SpaceKey.Equal(state.SpaceKey) {
		// A new space replaces the page. Terraform plans the new page
		// separately, as a create without prior state; here the old page's
		// deletion is what needs governing.
		r.governDelete(ctx, &resp.Diagnostics, *state, nil)
		return
	}

	change := newPageChange(plan, state, content).of(r.kind())
	plan = change.planComputed(plan, state)
	if change.reachesConfluence() {
		if r.data.configUnknown || plan.SpaceKey.IsUnknown() {
			// The policy to apply is not known yet; the apply decides and enforces.
			plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
			if r.data.configUnknown {
				reportNotDecided(&resp.Diagnostics, change.policyRequest().Subject())
			}
		} else {
			if !r.checkWhere(ctx, &resp.Diagnostics, change, config, state) {
				return
			}
			res, ok := r.planPolicy(ctx, &resp.Diagnostics, change)
			if !ok {
				return
			}
			plan = change.planDecision(plan, res)
			if state == nil {
				plan = r.planRestore(ctx, &resp.Diagnostics, change, plan)
			}
		}
	}
	resp.Diagnostics.Append(r.kind().setPlan(ctx, &resp.Plan, plan)...)
}

// checkWhere makes sure the policy decides on the space Confluence holds the
// pages in, not on what the state or the configuration claim:
//   - an update acts on the page in the state's space (a state file can be
//     edited, and a person can move a page);
//   - a configured parent lives in the page's space;
//   - a create whose title a current page holds is either a clash or the
//     second half of a replacement (taint, -replace), whose first half
//     deletes that page: that delete is governed here, at plan.
func (r *PageResource) checkWhere(ctx context.Context, diags *diag.Diagnostics, change pageChange, config pageModel, state *pageModel) bool {
	if state != nil && !r.checkUpdatable(ctx, diags, *state, atPlan) {
		return false
	}
	if !config.ParentID.IsNull() && !config.ParentID.IsUnknown() && (state == nil || config.ParentID.ValueString() != state.ParentID.ValueString()) {
		if !r.checkParent(ctx, diags, change.spaceKey, config.ParentID.ValueString()) {
			return false
		}
	}
	if state == nil && change.title != "" {
		r.governTitleHolder(ctx, diags, change)
	}
	return !diags.HasError()
}

// planRestore plans the version of a create that restores this account's
// trashed page, and tells the reviewer.
func (r *PageResource) planRestore(ctx context.Context, diags *diag.Diagnostics, change pageChange, plan pageModel) pageModel {
	if _, held := r.titleHolder(ctx, change.spaceKey, "current", change.title); held {
		// A replacement: its delete trashes the page holding the title first,
		// and the create may then restore it, so the version is not known.
		plan.Version = types.Int64Unknown()
		return plan
	}
	trashed, ok := r.trashedOwnPage(ctx, change)
	if !ok {
		return plan
	}
	// Confluence restores a page without its content (updatePage: "For
	// restoration, page contents will not be updated"): the restore saves
	// version N+1 with the old content, and the configured content follows as
	// N+2.
	plan.Version = types.Int64Value(int64(trashed.Version.Number) + 2)
	diags.AddWarning(r.kind().summary("Trashed Page Will Be Restored"),
		fmt.Sprintf(r.kind().text("Page %s (%q) in space %s is in the trash, which keeps its title reserved, and this account wrote it. The apply restores it instead of creating a new page (its history is kept): Confluence saves the restore as version %d with the content it had, and the apply then writes the configured content, parent and labels as version %d. create_page governs it."),
			trashed.ID, trashed.Title, change.spaceKey, trashed.Version.Number+1, trashed.Version.Number+2))
	return plan
}

// trashedOwnPage returns the trashed page of the space that holds a
// create's title when this account wrote its last version: the apply
// restores it instead of creating a page (Confluence keeps titles reserved
// in the trash).
func (r *PageResource) trashedOwnPage(ctx context.Context, change pageChange) (confluence.Page, bool) {
	holder, ok := r.titleHolder(ctx, change.spaceKey, "trashed", change.title)
	if !ok {
		return confluence.Page{}, false
	}
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil || holder.Version.AuthorID != user.AccountID {
		return confluence.Page{}, false
	}
	return holder, true
}

// checkLocation fails when Confluence holds the page in another space than
// the state says.
func (r *PageResource) checkLocation(ctx context.Context, diags *diag.Diagnostics, state pageModel) bool {
	_, ok := r.locate(ctx, diags, state)
	return ok
}

// checkUpdatable is checkLocation for a change that writes a new version: it
// also fails when the page is not current. Confluence takes an update of a
// trashed page as a restore that ignores the content sent (updatePage,
// status: "For restoration, page contents will not be updated and only the
// page status will be changed"), so the update would undo a person's
// deletion that no plan showed, and save nothing of the configuration.
func (r *PageResource) checkUpdatable(ctx context.Context, diags *diag.Diagnostics, state pageModel, when decisionMoment) bool {
	loc, ok := r.locate(ctx, diags, state)
	if !ok || !loc.found || loc.status == "current" {
		return ok
	}
	summary, since := "Page Not Current", ""
	if when == atApply {
		since = " It was current when the plan was made."
		if loc.status == "trashed" {
			summary = "Page Trashed Since the Plan"
		}
	}
	diags.AddError(r.kind().summary(summary),
		fmt.Sprintf(r.kind().text("Page %s (%q) in space %s is %s in Confluence.%s Nothing was written: Confluence would take an update as a restore of the page, which saves none of the configured content, and no plan showed a restore.\n\n")+
			r.kind().text("Run terraform plan again (with refresh, the default): the page leaves the state and the plan shows what the configuration does with it (for a page this account wrote, a restore under create_page). To keep it deleted, remove it from the configuration."),
			state.ID.ValueString(), state.Title.ValueString(), state.SpaceKey.ValueString(), loc.status, since))
	return false
}

// locate finds where Confluence holds the page in state, and fails when
// that is another space than the state says.
func (r *PageResource) locate(ctx context.Context, diags *diag.Diagnostics, state pageModel) (pageLocation, bool) {
	id, spaceKey := state.ID.ValueString(), state.SpaceKey.ValueString()
	loc, err := r.data.run.LocateContent(ctx, r.kind().api, spaceKey, id)
	if err != nil {
		addAPIError(diags, r.kind().summary("Unable to Read Page"), r.kind().text("While checking which space holds page ")+id, r.data.account(), err)
		return loc, false
	}
	return loc, r.checkLocated(ctx, diags, state, loc)
}

// checkLocated fails when loc, where Confluence holds the page in state, is
// another space than the state says.
func (r *PageResource) checkLocated(ctx context.Context, diags *diag.Diagnostics, state pageModel, loc pageLocation) bool {
	id, spaceKey := state.ID.ValueString(), state.SpaceKey.ValueString()
	space, err := r.data.run.Space(ctx, spaceKey)
	if err != nil {
		addAPIError(diags, "Unable to Read Space", r.kind().text("While checking which space holds page ")+id, r.data.account(), err)
		return false
	}
	if !loc.found || loc.spaceID == space.ID {
		return true // a page that is gone is the refresh's business; nothing is governed on it
	}
	actual := "id " + loc.spaceID
	if other, err := r.data.run.SpaceByID(ctx, loc.spaceID); err == nil {
		actual = other.Key
	}
	diags.AddError(r.kind().summary("Page Is Not in the Space the State Says"),
		fmt.Sprintf(r.kind().text("The state says page %s (%q) is in space %s, but Confluence holds it in space %s. Someone moved it, or the state was edited. ")+
			"The policy decides on the space Confluence reports, so nothing was planned for it.\n\n"+
			r.kind().text("Run terraform plan with refresh (the default): the state then follows Confluence and the plan shows the page's real space."),
			id, state.Title.ValueString(), spaceKey, actual))
	return false
}

// checkParent fails when the configured parent is not a current page of the
// space.
func (r *PageResource) checkParent(ctx context.Context, diags *diag.Diagnostics, spaceKey, parentID string) bool {
	loc, err := r.data.run.LocateContent(ctx, confluence.KindPage, spaceKey, parentID) // a parent is a page
	if err != nil {
		addAPIError(diags, "Unable to Read Parent Page", "While checking parent page "+parentID, r.data.account(), err)
		return false
	}
	space, err := r.data.run.Space(ctx, spaceKey)
	if err != nil {
		addSpaceError(diags, path.Root("space_key"), "Unable to Read Space", "While checking parent page "+parentID, r.data.account(), err)
		return false
	}
	switch {
	case !loc.found:
		diags.AddAttributeError(path.Root("parent_id"), "Parent Page Not Found",
			fmt.Sprintf("Page %s does not exist or the account %s may not view it, so it cannot be the parent. Use the id of a page in space %s.", parentID, r.data.account(), spaceKey))
	case loc.spaceID != space.ID:
		diags.AddAttributeError(path.Root("parent_id"), "Parent Page in Another Space",
			fmt.Sprintf("Page %s (%q) is not in space %s, so it cannot be the parent of a page there: Confluence keeps a page and its parent in one space. Use the id of a page in space %s.", parentID, loc.title, spaceKey, spaceKey))
	case loc.status != "current":
		// Confluence refuses a parent that is not current (404 at apply), by
		// which time other resources of the run may have been written.
		diags.AddAttributeError(path.Root("parent_id"), "Parent Page Not Current",
			fmt.Sprintf("Page %s (%q) is %s in Confluence, so it cannot be the parent of a page. Restore it in Confluence (Space settings → Trash), or use the id of a current page in space %s.", parentID, loc.title, loc.status, spaceKey))
	default:
		return true
	}
	return false
}

// governTitleHolder governs deleting the current page that holds a create's
// title. Terraform plans a replacement (taint, -replace) as a delete of the
// old page and a create without prior state, and shows the create's plan:
// without this, the plan would say "allowed" for a replacement whose delete
// the apply refuses.
func (r *PageResource) governTitleHolder(ctx context.Context, diags *diag.Diagnostics, change pageChange) {
	holder, ok := r.titleHolder(ctx, change.spaceKey, "current", change.title)
	if !ok {
		return
	}
	req := policy.Request{Operation: policy.DeletePage, SpaceKey: change.spaceKey, PageID: holder.ID, PageTitle: holder.Title, Noun: r.kind().policyNoun(), Content: newDeleteChange(pageModel{Version: types.Int64Value(int64(holder.Version.Number))}).of(r.kind()).boundContent()}
	res, err := r.data.decide(ctx, req)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, req, atPlan, err)
		return
	}
	if res.Decision == policy.DecisionDenied {
		diags.AddError("Operation Denied by Confluence Policy",
			fmt.Sprintf(r.kind().text("Page %s already holds the title %q in space %s. If this plan replaces it (taint or -replace), the old page is deleted first, and %s\n\n")+
				r.kind().text("Otherwise the title is taken: choose another title, or import page %s. The policy lives in %s."),
				holder.ID, change.title, change.spaceKey, res.Reason, holder.ID, res.PolicyLocation))
	}
}

// markdownWarnings words what a page's Markdown did not render as meant,
// naming the page, its source and each line.
func markdownWarnings(config pageModel, warnings []storage.MarkdownWarning) string {
	var b strings.Builder
	source := ""
	if p := config.SourcePath.ValueString(); p != "" {
		source = " (" + p + ")"
	}
	fmt.Fprintf(&b, "Page %q in space %s%s:\n", config.Title.ValueString(), config.SpaceKey.ValueString(), source)
	for _, w := range warnings {
		fmt.Fprintf(&b, "  line %d: %s\n", w.Line, w.Message)
	}
	b.WriteString("\nThe rest of the page renders as usual; the page docs list what renders and what does not.")
	return b.String()
}

// parentSettled reports whether the page's parent is what the configuration
// asks: a configured parent_id is in the proposed plan already; without one
// the page belongs under the space homepage, which the proposal (keeping the
// prior parent) does not say.
func (r *PageResource) parentSettled(ctx context.Context, req resource.ModifyPlanRequest) bool {
	if !r.kind().hasParent() {
		return true // blog posts have no parent to settle
	}
	var configured, spaceKey, parent types.String
	if req.Config.GetAttribute(ctx, path.Root("parent_id"), &configured).HasError() {
		return false
	}
	if !configured.IsNull() {
		return true
	}
	if req.State.GetAttribute(ctx, path.Root("space_key"), &spaceKey).HasError() || req.State.GetAttribute(ctx, path.Root("parent_id"), &parent).HasError() {
		return false
	}
	space, err := r.data.run.Space(ctx, spaceKey.ValueString())
	return err == nil && parent.ValueString() == space.HomepageID
}

// planPolicy decides the change at plan time and reports the decision. A
// change not fully known is still refused when denied; when it needs
// confirmation the reviewer is told its code is not final yet.
func (r *PageResource) planPolicy(ctx context.Context, diags *diag.Diagnostics, change pageChange) (policy.Result, bool) {
	req := change.policyRequest()
	res, err := r.data.decide(ctx, req)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, req, atPlan, err)
		return res, false
	}
	if change.known || res.Decision == policy.DecisionDenied {
		return res, r.data.reportDecision(diags, res, atPlan)
	}
	if res.Decision == policy.DecisionAllowedWithConfirmation {
		diags.AddWarning("Confirmation Code Not Final",
			res.Reason+"\n\nThe change depends on values not known until apply, so its confirmation code cannot be bound to it yet. "+
				"The apply will stop before writing and show the final code; grant that code and apply again.")
	}
	return res, true
}

// governDelete applies the delete_page policy to the page in state, unless
// destroying it leaves the page in Confluence. A destroy plan has no
// attributes to carry a code, so a confirmation shows as a warning.
//
// planned (nil when the plan is not the page's own destroy) keeps the
// version the plan found the page at, which the apply's delete compares
// with Confluence: Terraform plans the destroy of a resource removed from
// the configuration on the state as it was before the refresh, so the state
// the delete receives does not show an edit this plan's refresh found and
// reported.
func (r *PageResource) governDelete(ctx context.Context, diags *diag.Diagnostics, state pageModel, planned privateState) {
	if state.OnDestroy.ValueString() == onDestroyRetain {
		return
	}
	if r.data.configUnknown {
		reportNotDecided(diags, newDeleteChange(state).of(r.kind()).policyRequest().Subject())
		return
	}
	loc, ok := r.locate(ctx, diags, state)
	if !ok {
		return
	}
	if loc.found && planned != nil {
		if raw, err := json.Marshal(loc.version); err == nil {
			if sealed := r.data.sealer.seal(deleteBaseVersionKey, state.ID.ValueString(), raw); sealed != nil {
				diags.Append(planned.SetKey(ctx, deleteBaseVersionKey, sealed)...)
			}
		}
		if int64(loc.version) != state.Version.ValueInt64() {
			// The plan deletes what Confluence holds now; say so, since a
			// plan without refresh shows nothing else of it.
			what := "moves their version to the trash with the page"
			if state.OnDestroy.ValueString() == onDestroyPurge {
				what = "purges their version for good"
			}
			diags.AddWarning(r.kind().summary("Destroy Includes an Edit Made Outside Terraform"),
				fmt.Sprintf(r.kind().text("Page %s (%q) in space %s is at version %d in Confluence, not the version %d the state records: it was saved outside this workspace since. Destroying it %s. ")+
					"To keep their edit, copy it somewhere first or keep the resource.",
					state.ID.ValueString(), loc.title, state.SpaceKey.ValueString(), loc.version, state.Version.ValueInt64(), what))
		}
	}
	r.data.decideAndReport(ctx, diags, newDeleteChange(state).of(r.kind()).policyRequest(), atPlan)
}

// deleteBaseVersionKey is the planned private-state key holding the version
// a destroy was planned on, sealed (private_seal.go): the delete accepts
// that version in Confluence, so a value written into the state file must
// not count. A value that does not open leaves the state's version, which
// can only make the delete stop, never delete more.
const deleteBaseVersionKey = "delete_base_version"

// deleteBaseVersion is the version a destroy was planned on: what its plan
// found in Confluence, else what the state records. unverified is true when
// the plan left a value whose seal does not check with this run's
// credential (rotated since the plan, or the state file was edited), so the
// delete can say why it stops.
func deleteBaseVersion(ctx context.Context, seal sealer, planned privateState, state pageModel) (version int, unverified bool) {
	if planned != nil {
		raw, _ := planned.GetKey(ctx, deleteBaseVersionKey)
		if value, ok := seal.open(deleteBaseVersionKey, state.ID.ValueString(), raw); ok {
			var v int
			if json.Unmarshal(value, &v) == nil && v > 0 {
				return v, false
			}
		}
		unverified = len(raw) > 0
	}
	return int(state.Version.ValueInt64()), unverified
}

// homepageID is the planned parent when none is configured: the space's
// homepage, unknown while the space is.
func (r *PageResource) homepageID(ctx context.Context, diags *diag.Diagnostics, plan pageModel) types.String {
	if r.data.configUnknown || plan.SpaceKey.IsUnknown() {
		return types.StringUnknown()
	}
	space, err := r.data.run.Space(ctx, plan.SpaceKey.ValueString())
	if err != nil {
		addSpaceError(diags, path.Root("space_key"), "Unable to Read Space", r.kind().text("While planning page ")+quote(plan.Title.ValueString())+" in space "+plan.SpaceKey.ValueString(), r.data.account(), err)
		return types.StringUnknown()
	}
	return types.StringValue(space.HomepageID)
}
