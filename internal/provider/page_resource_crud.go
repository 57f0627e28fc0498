// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// applyChange is the change an apply makes from plan and state (nil for a
// create). ok is false when the provider cannot act or the content does not
// render; diags says why.
func (r *PageResource) applyChange(diags *diag.Diagnostics, plan pageModel, state *pageModel) (pageChange, bool) {
	if diags.HasError() || !r.data.configured(diags) {
		return pageChange{}, false
	}
	content, err := renderContent(plan)
	if err != nil {
		diags.AddAttributeError(contentPath(plan), r.kind().summary("Invalid Page Content"), err.Error())
		return pageChange{}, false
	}
	return newPageChange(plan, state, content).of(r.kind()), true
}

func (r *PageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan pageModel
	resp.Diagnostics.Append(r.kind().decode(ctx, req.Plan.Raw, &plan)...)
	change, ok := r.applyChange(&resp.Diagnostics, plan, nil)
	if !ok {
		return
	}
	content := change.content
	decision, ok := r.data.decideAndReport(ctx, &resp.Diagnostics, change.policyRequest(), atApply)
	if !ok {
		return
	}
	doing := fmt.Sprintf(r.kind().text("While creating page %q in space %s"), change.title, change.spaceKey)
	space, err := r.data.run.Space(ctx, change.spaceKey)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Space", doing+" the space could not be read", r.data.account(), err)
		return
	}
	started := r.data.now()
	recorded := false // whether the change record is written already
	page, err := r.data.client.CreatePage(ctx, confluence.CreatePageRequest{
		Kind:     r.kind().api,
		SpaceID:  space.ID,
		Title:    change.title,
		ParentID: change.parentID,
		Body:     content.send,
	})
	if err != nil {
		// The create may have been committed although the answer was lost, or
		// the title may be taken. Never create twice: adopt the page only if it
		// is provably the one this request wrote.
		page, recorded = r.resolveFailedCreate(ctx, &resp.Diagnostics, createAttempt{change: change, space: space, err: err, started: started, decision: decision, private: resp.Private})
		if page == nil {
			return
		}
	}

	// From here on the page exists: keep it in state even if a later step fails,
	// so the next apply continues instead of creating a duplicate.
	setFromPage(&plan, page, change.spaceKey, r.data.client.PageURL(page.WebUI))
	plan.BodyHash = types.StringValue(content.hash)
	plan.PolicyDecision = types.StringValue(string(decision.Decision))
	plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
	resp.Diagnostics.Append(r.kind().setState(ctx, &resp.State, plan)...)

	if len(change.labels.add) > 0 {
		if err := r.data.client.AddPageLabels(ctx, page.ID, change.labels.add); err == nil {
			r.markLabelsWritten(ctx, resp.Private)
		} else {
			// A warning, not an error: an error would taint the new page and the
			// next apply would replace it. The next refresh reads the labels
			// back and plans the missing ones.
			// (Terraform requires a create's result to match the plan, so the
			// state holds the planned labels until that refresh.)
			addAPIWarning(&resp.Diagnostics, "Labels Not Added", fmt.Sprintf(r.kind().text("Page %s (%q) was created in space %s, but while adding its labels"), page.ID, change.title, change.spaceKey), r.data.account(), err)
		}
	}
	if !recorded {
		r.writeAudit(ctx, &resp.Diagnostics, change, page, decision, plan.VersionMessage.ValueString(), resp.Private)
	}
}

// createAttempt is a create that Confluence refused or whose answer was
// lost, with what is needed to resolve it.
type createAttempt struct {
	change   pageChange
	space    *confluence.Space
	err      error
	started  time.Time // when the create was sent, by the provider's clock
	decision policy.Result
	private  privateState // where an adopted page's record reference is kept
}

// createClockSkew is how far Confluence's clock may be behind the
// provider's when comparing a page's creation time with the attempt.
const createClockSkew = 2 * time.Minute

// resolveFailedCreate looks for the page holding the title after a failed
// create, and never creates twice:
//   - a current page is adopted only when it provably came from this very
//     attempt: the create's answer was lost (not refused), and the page was
//     written by this account as version 1 after the attempt started, with
//     the same content and no terraform.change record yet (a record means
//     another apply, perhaps another workspace, wrote it);
//   - a trashed page whose last version this account wrote (and whose
//     terraform.change record, when Confluence serves it, names this account)
//     is restored with the new content:
//     Confluence keeps titles reserved in the trash, so without this a page
//     removed and later added back could never be created again;
//   - anything else is an error with the import command.
//
// An adopted page is claimed by writing its terraform.change record
// (create-only) before it is returned: if another apply recorded the page
// between the check and the claim, Confluence refuses the claim and the page
// is not adopted.
//
// It returns the page, or nil after adding an error, and whether the
// page's change record is written already.
func (r *PageResource) resolveFailedCreate(ctx context.Context, diags *diag.Diagnostics, attempt createAttempt) (*confluence.Page, bool) {
	change := attempt.change
	doing := fmt.Sprintf(r.kind().text("While creating page %q in space %s"), change.title, attempt.space.Key)
	apiErr, isAPIErr := confluence.AsAPIError(attempt.err)
	if isAPIErr && apiErr.Kind != confluence.KindBadRequest && apiErr.Kind != confluence.KindServer {
		addAPIError(diags, r.kind().summary("Unable to Create Page"), doing, r.data.account(), attempt.err)
		return nil, false
	}
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, r.kind().summary("Unable to Create Page"), doing, r.data.account(), attempt.err)
		return nil, false
	}
	titled := confluence.ListPagesOptions{Kind: r.kind().api, SpaceIDs: []string{attempt.space.ID}, Title: change.title, Statuses: []string{"current", "trashed", "draft", "archived"}}
	var found []confluence.Page
	if mayHaveLanded(attempt.err) {
		// The page may exist but not be listed yet (Confluence lists new
		// content late): wait a bounded time before deciding it is not there,
		// or it would be left in Confluence and in no state.
		found, err = r.data.client.ListPagesFresh(ctx, titled, 0)
	} else {
		found, err = r.data.client.ListPages(ctx, titled)
	}
	if r.kind().api == confluence.KindBlogPost {
		// Only a post of the posting day can hold a blog post's title.
		found = slices.DeleteFunc(found, func(p confluence.Page) bool { return !sameDay(p.CreatedAt, attempt.started) })
	}
	if err != nil || len(found) == 0 {
		if mayHaveLanded(attempt.err) {
			k := r.kind()
			diags.AddError(k.summary("Unable to Create Page"),
				fmt.Sprintf(k.text("%s, the request failed in a way that may still have created the page (%v): Confluence lists a new page late, and none titled %q was listed in space %s after waiting %s. ")+
					k.text("Look for the page in the space before running the apply again. If it exists, import it: terraform import '%s.<name>' <page id> (or an import block); otherwise run the apply again."),
					doing, attempt.err, change.title, attempt.space.Key, confluence.DefaultFreshReadBudget, k.resourceType()))
			return nil, false
		}
		addAPIError(diags, r.kind().summary("Unable to Create Page"), doing, r.data.account(), attempt.err)
		return nil, false
	}
	existing := latestCreated(found)
	record, hasRecord, err := r.auditRecordOf(ctx, existing.ID)
	if confluence.IsNotFound(err) && existing.Status != "current" {
		// Confluence may not serve the properties of a page in the trash;
		// its last version's author then says who wrote it.
		err = nil
	}
	if err != nil {
		addAPIError(diags, r.kind().summary("Unable to Create Page"), doing+", Confluence reported "+summarize(attempt.err)+r.kind().text(", and while reading the change record of page ")+existing.ID+" that holds the title", r.data.account(), err)
		return nil, false
	}
	switch {
	case existing.Status == "current" && mayHaveLanded(attempt.err) && !hasRecord && existing.AuthorID == user.AccountID && existing.Version.Number == 1 &&
		!existing.CreatedAt.Before(attempt.started.Add(-createClockSkew)):
		full, err := r.data.client.GetPageFresh(ctx, existing.ID, confluence.GetPageOptions{Kind: r.kind().api, IncludeBody: true}, 0)
		if err == nil {
			if canonical, err := storage.CanonicalOf(full.Body); err == nil && canonical.Hash() == change.content.hash {
				claimed, recorded := r.claimAdoptedPage(ctx, diags, attempt, full)
				if claimed {
					tflog.Info(ctx, "adopted the page a failed create had written", map[string]any{"page_id": full.ID})
					return full, recorded
				}
			}
		}
	case existing.Status == "trashed" && existing.Version.AuthorID == user.AccountID && (!hasRecord || record.AccountID == user.AccountID):
		return r.restoreTrashed(ctx, diags, attempt, existing), false
	}
	k := r.kind()
	hint := fmt.Sprintf("To manage that %s with Terraform, import it:\n  terraform import '%s.<name>' %s\nor add an import block with id = %q. Otherwise choose another title.", k.noun, k.resourceType(), existing.ID, existing.ID)
	if existing.Status == "trashed" {
		hint = "It is in the space's trash, which keeps its title reserved. Restore it from the trash in Confluence (Space settings → Trash) and then import it with terraform import '" + k.resourceType() + ".<name>' " + existing.ID +
			", or purge it from the trash, or choose another title."
	}
	diags.AddError(k.summary("Page Already Exists"),
		fmt.Sprintf("%s, Confluence reported %s, and a %s with that title already exists in the space (id %s, status %s, version %d). "+
			"It is not the %s this apply wrote, so it was left untouched.\n\n%s",
			doing, summarize(attempt.err), k.noun, existing.ID, existing.Status, existing.Version.Number, k.noun, hint))
	return nil, false
}

// restoreTrashed brings back this account's trashed page that holds a
// create's title, and writes the configured content to it. Confluence
// restores a page without its content ("For restoration, page contents will
// not be updated and only the page status will be changed", updatePage in
// the v2 document), so the restore (version N+1, the old content) is followed
// by an ordinary update (N+2: title, parent and body), checked like any
// other. It returns the page as written, or nil after adding an error.
func (r *PageResource) restoreTrashed(ctx context.Context, diags *diag.Diagnostics, attempt createAttempt, trashed confluence.Page) *confluence.Page {
	change := attempt.change
	k := r.kind()
	doing := fmt.Sprintf(k.text("While creating page %q in space %s, the title is held by page %s in the trash, which Terraform wrote"), change.title, attempt.space.Key, trashed.ID)
	message := versionMessage(change.message, r.data.changeReference, attempt.decision)
	restored, err := r.data.client.UpdatePage(ctx, confluence.UpdatePageRequest{
		Kind:           k.api,
		ID:             trashed.ID,
		Status:         "current",
		Title:          trashed.Title,
		Body:           change.content.send, // required by the endpoint, ignored by a restore
		VersionNumber:  trashed.Version.Number + 1,
		VersionMessage: "restored from the trash | " + message,
	})
	if err != nil {
		addAPIError(diags, k.summary("Unable to Restore Page"), doing+"; while restoring it", r.data.account(), err)
		return nil
	}
	update := change
	update.op, update.pageID, update.baseVersion = policy.UpdatePage, trashed.ID, int64(restored.Version.Number)
	page, ok := r.writePage(ctx, diags, update.of(k), message)
	if !ok {
		// The error says what failed; the page is current again (version N+1,
		// its old content) and held by no state.
		diags.AddError(k.summary("Restored Page Not Written"),
			fmt.Sprintf(k.text("Page %s (%q) in space %s was restored from the trash as version %d with the content it had there, but the configured content could not be written to it (see the other error). It is in no Terraform state now.\n\n")+
				k.text("Import it (terraform import '%s.<name>' %s, or an import block) and apply again, or move it back to the trash in Confluence."),
				trashed.ID, change.title, attempt.space.Key, restored.Version.Number, k.resourceType(), trashed.ID))
		return nil
	}
	if change.labels.managed {
		// The page comes back with the labels it had in the trash; the
		// configured set is the whole set (Create adds the missing ones).
		labels, err := r.data.client.GetContentLabels(ctx, k.api, page.ID)
		for _, l := range labels {
			if err == nil && !slices.Contains(change.labels.want, l.Name) {
				err = r.data.client.RemovePageLabel(ctx, page.ID, l.Name)
			}
		}
		if err != nil && !confluence.IsNotFound(err) {
			addAPIWarning(diags, "Labels Not Removed", fmt.Sprintf(k.text("Page %s was restored from the trash, but while removing the labels it had there that the configuration does not list (the next plan shows them)"), page.ID), r.data.account(), err)
		}
	}
	diags.AddWarning(k.summary("Trashed Page Restored"),
		fmt.Sprintf(k.text("Page %q in space %s was in the trash (page %s), and Confluence keeps its title reserved there. It was written by this account through Terraform, so it was restored (version %d) and the configured content written to it as version %d instead of creating a new page; its history is kept."),
			change.title, attempt.space.Key, trashed.ID, restored.Version.Number, page.Version.Number))
	return page
}

// claimAdoptedPage writes the change record of a page adopted after a lost
// create answer, create-only. claimed is false when Confluence refuses
// because a record appeared since it was checked: another apply wrote the
// page, so it is not adopted. Any other failure leaves the page adopted
// without a record (the next update writes it), with a warning.
func (r *PageResource) claimAdoptedPage(ctx context.Context, diags *diag.Diagnostics, attempt createAttempt, page *confluence.Page) (claimed, recorded bool) {
	record := attempt.change.auditRecordFor(page.Version.Number, page.Version.AuthorID, attempt.decision, r.data.changeReference, attempt.change.message, r.data.now())
	record.AdoptedAfterLostAnswer = true
	keepCreateRecord(ctx, diags, r.data.sealer, page.ID, record, attempt.private)
	prop, err := r.data.client.CreateContentProperty(ctx, r.kind().api, page.ID, auditPropertyKey, record)
	switch {
	case confluence.IsConflict(err):
		return false, false
	case err != nil:
		addAPIWarning(diags, "Audit Property Not Written",
			fmt.Sprintf(r.kind().text("Page %s, which this apply's create wrote although its answer was lost, was adopted, but while recording the change in its %q property"), page.ID, auditPropertyKey), r.data.account(), err)
		return true, false
	}
	r.keepAuditPropertyRef(ctx, diags, prop, attempt.private)
	return true, true
}

// mayHaveLanded reports whether a failed create may still have written the
// page: its answer was lost (a network error, a 5xx). A refusal such as 400
// "a page with this title already exists" says the page was there before
// this request, so it is never this attempt's page, however alike: two
// workspaces racing for one title cannot both claim it.
func mayHaveLanded(err error) bool {
	if confluence.MayHaveBeenApplied(err) {
		return true
	}
	apiErr, ok := confluence.AsAPIError(err)
	return ok && apiErr.Kind == confluence.KindServer
}

// auditRecordOf reads a page's terraform.change record. ok is false when the
// page has none.
func (r *PageResource) auditRecordOf(ctx context.Context, pageID string) (auditRecord, bool, error) {
	props, err := r.data.client.ListContentProperties(ctx, r.kind().api, pageID, auditPropertyKey)
	if err != nil || len(props) == 0 {
		return auditRecord{}, false, err
	}
	// A record that does not parse still says someone wrote the page: its
	// zero value names no account.
	var rec auditRecord
	_ = json.Unmarshal(props[0].Value, &rec)
	return rec, true, nil
}

func (r *PageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state pageModel
	resp.Diagnostics.Append(r.kind().decode(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		// Without a known provider configuration there is nothing to compare
		// with; keep the state as it is.
		return
	}
	id := state.ID.ValueString()
	imported := state.SpaceKey.ValueString() == "" || state.Version.IsNull()
	var page *confluence.Page
	var err error
	if imported {
		// Nothing of the page's content is read before get_page allows it.
		page, err = r.data.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: r.kind().api})
	} else {
		page, err = r.lookup(ctx, state)
		if confluence.IsNotFound(err) && r.recentlyWritten(state) {
			// Confluence Cloud is eventually consistent: a page written a
			// moment ago may answer 404 for a while. Gone is decided only
			// after a bounded wait, never on the first 404.
			page, err = r.data.client.GetPageFresh(ctx, id, confluence.GetPageOptions{Kind: r.kind().api}, 0)
		}
	}
	if confluence.IsNotFound(err) {
		tflog.Warn(ctx, "page no longer exists; removing it from state", map[string]any{"page_id": id})
		resp.Diagnostics.AddWarning(r.kind().summary("Page Gone From Confluence"),
			fmt.Sprintf(r.kind().text("Page %s (%q) in space %s no longer exists or the account %s may not view it. It is removed from the state and the plan will create it again."), id, state.Title.ValueString(), state.SpaceKey.ValueString(), r.data.account()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, r.kind().summary("Unable to Read Page"), r.kind().text("While reading page ")+id, r.data.account(), err)
		return
	}
	if page.Status != "current" && imported {
		resp.Diagnostics.AddError(r.kind().summary("Page Not Current"),
			fmt.Sprintf(r.kind().text("Page %s (%q) is %s in Confluence, so it cannot be imported as it is. Either restore it in Confluence (the space's trash, in Space settings) and import it again, "+
				"or remove the import and configure the page with the same space and title: if this account wrote it, the apply restores it with the configured content under the create_page policy, keeping its history."), id, page.Title, page.Status))
		return
	}
	if page.Status != "current" {
		resp.Diagnostics.AddWarning(r.kind().summary("Page Not Current"),
			fmt.Sprintf(r.kind().text("Page %s (%q) is %s in Confluence. It is removed from the state and the plan creates it again: because Terraform wrote it, the apply restores that page with the configured content (keeping its history) under the create_page policy."), id, state.Title.ValueString(), page.Status))
		resp.State.RemoveResource(ctx)
		return
	}

	var ok bool
	refreshed := state
	if imported {
		ok = r.readImported(ctx, &resp.Diagnostics, &refreshed, page)
	} else {
		ok = r.readManaged(ctx, &resp.Diagnostics, &refreshed, page, labelsWrittenAt(ctx, req.Private))
	}
	// The response starts as the prior state: an unchanged page (the usual
	// refresh) is not encoded again, which was a third of Read's CPU.
	if ok && !reflect.DeepEqual(refreshed, state) {
		resp.Diagnostics.Append(r.kind().setState(ctx, &resp.State, refreshed)...)
	}
}

// readImported learns everything about an imported page from Confluence: its
// space, canonical body and labels. Importing reads a page that Terraform
// did not write, so it is a get_page in the page's own space, decided before
// its content is read: an import must not put into state and plan output
// what the policy would not let a data source return.
func (r *PageResource) readImported(ctx context.Context, diags *diag.Diagnostics, state *pageModel, page *confluence.Page) bool {
	id := page.ID
	space, err := r.data.run.SpaceByID(ctx, page.SpaceID)
	if err != nil {
		addAPIError(diags, "Unable to Read Space", r.kind().text("While importing page ")+id+" its space could not be read", r.data.account(), err)
		return false
	}
	if !r.data.authorizeRead(ctx, diags, policy.Request{Operation: policy.GetPage, SpaceKey: space.Key, PageID: id, PageTitle: page.Title, Noun: r.kind().policyNoun()}) {
		return false
	}
	if page, err = r.withBody(ctx, page); err != nil {
		addAPIError(diags, r.kind().summary("Unable to Read Page"), r.kind().text("While importing page ")+id, r.data.account(), err)
		return false
	}
	canonical, err := storage.CanonicalOf(page.Body)
	if err != nil {
		diags.AddError(r.kind().summary("Unreadable Page Body"), fmt.Sprintf(r.kind().text("While importing page %s, its storage format could not be parsed: %s"), id, err))
		return false
	}
	labels, err := r.data.client.GetContentLabels(ctx, r.kind().api, id)
	if err != nil {
		addAPIError(diags, "Unable to Read Labels", r.kind().text("While importing page ")+id, r.data.account(), err)
		return false
	}
	state.Body, state.Markdown, state.BodyHash = types.StringValue(canonical.String()), types.StringNull(), types.StringValue(canonical.Hash())
	if state.OnDestroy.IsNull() {
		state.OnDestroy = types.StringValue(onDestroyTrash)
	}
	state.PolicyDecision, state.ConfirmationCode = types.StringNull(), types.StringNull()
	if len(labels) > 0 {
		state.Labels = labelNamesValue(diags, labels)
	}
	setFromPage(state, page, space.Key, r.data.client.PageURL(page.WebUI))
	return true
}

// readManaged refreshes a page Terraform manages: a person's edit comes into
// the state so the plan shows it, and managed labels are read back. The
// state's space follows the space Confluence holds the page in, so every
// later decision is taken there.
func (r *PageResource) readManaged(ctx context.Context, diags *diag.Diagnostics, state *pageModel, page *confluence.Page, labelsWritten time.Time) bool {
	id, spaceKey := page.ID, state.SpaceKey.ValueString()
	moved, ok := r.actualSpace(ctx, diags, spaceKey, page)
	if !ok {
		return false
	}
	edited := int64(page.Version.Number) != state.Version.ValueInt64()
	actual := spaceKey
	if moved != "" {
		actual = moved
	}
	// The state's word that Terraform manages this page is not enough to
	// read it (page_read_policy.go). An unchanged page is served from the
	// space's index without a decision only when the state already holds
	// everything the refresh would write, so that a forged state learns
	// nothing; anything new needs the proof, decided once per page.
	proven := false
	prove := func() bool {
		if !proven {
			proven = r.mayRefreshContent(ctx, diags, page, actual)
		}
		return proven
	}
	if moved != "" || edited || len(unknownToState(*state, page, r.kind().hasParent())) > 0 {
		if !prove() {
			return false
		}
	}
	if moved != "" {
		diags.AddWarning(r.kind().summary("Page Is in Another Space"),
			fmt.Sprintf(r.kind().text("The state said page %s (%q) is in space %s, but Confluence holds it in space %s: someone moved it, or the state was edited. ")+
				r.kind().text("The state now says %s, and the plan governs the page there; a configuration that still says %s plans to replace it."),
				id, page.Title, spaceKey, moved, moved, spaceKey))
		spaceKey = moved
		state.SpaceKey = types.StringValue(moved)
	}
	if edited {
		// Someone else saved the page since Terraform did.
		if !r.readEdit(ctx, diags, state, page) {
			return false
		}
	}
	setFromPage(state, page, spaceKey, r.data.client.PageURL(page.WebUI))
	if state.Labels.IsNull() {
		return true
	}
	// The space's label index serves the usual case, labels unchanged or
	// added. A label it lacks is confirmed on the page itself before it is
	// shown as removed: the index is a list, not the page's own answer.
	managed, _ := setValues(state.Labels)
	if names, ok := r.data.run.IndexedContentLabels(ctx, r.kind().api, spaceKey, id); ok && containsAll(names, managed) {
		if len(names) != len(managed) && !prove() {
			return false // labels the state does not hold are the page's metadata
		}
		state.Labels = stringSetValue(diags, names)
		return true
	}
	labels, err := r.data.client.GetContentLabels(ctx, r.kind().api, id)
	if err == nil && !hasLabels(labels, managed) && r.data.now().Sub(labelsWritten) < recentWrite {
		// Labels just written show up late; wait for them a bounded time
		// before showing them as removed.
		labels, err = r.data.client.GetContentLabelsFresh(ctx, r.kind().api, id, managed, 0)
	}
	if err != nil {
		addAPIError(diags, "Unable to Read Labels", r.kind().text("While reading the labels of page ")+id, r.data.account(), err)
		return false
	}
	if refreshed := labelNamesValue(diags, labels); !refreshed.Equal(state.Labels) {
		if !prove() {
			return false
		}
		state.Labels = refreshed
	}
	return true
}

// unknownToState names what the refresh of page would write that the state
// does not hold already (beyond its version and space, checked before):
// title, parent, last modifier and time of the last change. The URL is not
// among them, as Confluence builds it from the space, id and title.
//
// A state forged with a page's current version, space and all of these
// (and its exact labels) refreshes without a decision: it learns only the
// URL, which it could build itself, and that its guess was right. The time
// of the last change is to the second, so the guess is not a practical
// oracle; a guess that misses is refused by get_page like any other. A
// refusal names the page id the state holds and the space Confluence holds
// the page in (where the decision is taken, and where to ask for get_page),
// never the page's title.
func unknownToState(state pageModel, page *confluence.Page, hasParent bool) []string {
	var differ []string
	if page.Title != state.Title.ValueString() {
		differ = append(differ, "title")
	}
	if hasParent && page.ParentID != state.ParentID.ValueString() {
		differ = append(differ, "parent")
	}
	if page.Version.AuthorID != state.LastModifiedBy.ValueString() {
		differ = append(differ, "last modifier")
	}
	if page.Version.CreatedAt.UTC().Format(time.RFC3339) != state.LastModifiedAt.ValueString() {
		differ = append(differ, "last change time")
	}
	return differ
}

// hasLabels reports whether every one of want is among labels.
func hasLabels(labels []confluence.Label, want []string) bool {
	names := make([]string, len(labels))
	for i, l := range labels {
		names[i] = l.Name
	}
	return containsAll(names, want)
}

// recentWrite is how long after Terraform's last write a missing page or
// label is taken for Confluence's read-after-write lag rather than a
// deletion.
const recentWrite = 5 * time.Minute

// labelsWrittenKey is the private-state key holding when this provider last
// wrote a page's labels. It only decides whether a missing label is waited
// for (Confluence's lag) before it shows as removed; it grants nothing.
const labelsWrittenKey = "labels_written_at"

// labelsWrittenAt reads labelsWrittenKey; the zero time when absent.
func labelsWrittenAt(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) time.Time {
	raw, _ := private.GetKey(ctx, labelsWrittenKey)
	var at time.Time
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &at)
	}
	return at
}

// markLabelsWritten records in private state that labels were just written.
func (r *PageResource) markLabelsWritten(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}) {
	raw, err := json.Marshal(r.data.now().UTC())
	if err == nil {
		private.SetKey(ctx, labelsWrittenKey, raw)
	}
}

// recentlyWritten reports whether the state's last write is recent enough
// for a missing page or label to be lag.
func (r *PageResource) recentlyWritten(state pageModel) bool {
	at, err := time.Parse(time.RFC3339, state.LastModifiedAt.ValueString())
	return err == nil && r.data.now().Sub(at) < recentWrite
}

// actualSpace returns the key of the space Confluence holds page in when it
// is not spaceKey, "" when it is.
func (r *PageResource) actualSpace(ctx context.Context, diags *diag.Diagnostics, spaceKey string, page *confluence.Page) (string, bool) {
	space, err := r.data.run.Space(ctx, spaceKey)
	if err != nil {
		addAPIError(diags, "Unable to Read Space", r.kind().text("While reading page ")+page.ID+" in space "+spaceKey, r.data.account(), err)
		return "", false
	}
	if page.SpaceID == "" || page.SpaceID == space.ID {
		return "", true
	}
	actual, err := r.data.run.SpaceByID(ctx, page.SpaceID)
	if err != nil {
		addAPIError(diags, "Unable to Read Space", r.kind().text("While reading page ")+page.ID+", the space Confluence holds it in", r.data.account(), err)
		return "", false
	}
	return actual.Key, true
}

// readEdit brings a person's edit into state so the plan shows it. It reports
// false when it added an error.
func (r *PageResource) readEdit(ctx context.Context, diags *diag.Diagnostics, state *pageModel, page *confluence.Page) bool {
	id := state.ID.ValueString()
	page, err := r.withBody(ctx, page)
	if err != nil {
		addAPIError(diags, r.kind().summary("Unable to Read Page"), r.kind().text("While reading page ")+id+" after it was edited in Confluence", r.data.account(), err)
		return false
	}
	canonical, err := storage.CanonicalOf(page.Body)
	if err != nil {
		diags.AddError(r.kind().summary("Unreadable Page Body"), fmt.Sprintf(r.kind().text("While reading page %s, its storage format could not be parsed: %s"), id, err))
		return false
	}
	if r.isUnrecordedOwnWrite(ctx, page) {
		// This provider saved the version, but the apply that sent it did not
		// record it (its answer was lost, or it was stopped): it is no
		// person's edit, and the plan writes only if the configuration now
		// says something else.
		diags.AddWarning("Unrecorded Write by This Provider",
			fmt.Sprintf(r.kind().text("Page %s (%q) is at version %d, saved by this account through Terraform (its version message says so) after the version %d the state records: ")+
				"most likely an apply whose answer was lost. The state now records version %d; nothing is written unless the configuration differs from it.",
				id, page.Title, page.Version.Number, state.Version.ValueInt64(), page.Version.Number))
		state.BodyHash = types.StringValue(canonical.Hash())
		if state.Markdown.IsNull() {
			state.Body = types.StringValue(canonical.String())
		}
		return true
	}
	var changed []string
	if canonical.Hash() != state.BodyHash.ValueString() {
		state.Body = types.StringValue(canonical.String())
		changed = append(changed, "content")
	}
	if page.Title != state.Title.ValueString() {
		changed = append(changed, "title")
	}
	if r.kind().hasParent() && page.ParentID != state.ParentID.ValueString() {
		changed = append(changed, "parent")
	}
	if len(changed) > 0 {
		diags.AddWarning(r.kind().summary("Page Edited Outside Terraform"),
			fmt.Sprintf(r.kind().text("Page %s (%q) in space %s was edited in Confluence by %s at %s: its %s changed. Terraform wrote version %d; the page is now at version %d.\n\n")+
				r.kind().text("The plan shows their change as the current value. Applying replaces it with the configuration; their text stays in the page history as version %d and can be restored from there. ")+
				"To keep their edit instead, copy it into the configuration before applying.",
				id, page.Title, state.SpaceKey.ValueString(), r.data.run.describeAccount(ctx, page.Version.AuthorID), page.Version.CreatedAt.Format(time.RFC3339), strings.Join(changed, ", "),
				state.Version.ValueInt64(), page.Version.Number, page.Version.Number))
	}
	return true
}

// isUnrecordedOwnWrite reports whether page's current version was written
// by this provider as the authenticated account: the account is the
// author, and the version message ends as every message this provider
// writes does.
func (r *PageResource) isUnrecordedOwnWrite(ctx context.Context, page *confluence.Page) bool {
	user, err := r.data.run.CurrentUser(ctx)
	return err == nil && page.Version.AuthorID == user.AccountID && strings.HasSuffix(page.Version.Message, versionMessageSuffix)
}

// lookup finds the page for Read, from the run's version index of its space
// when it can (one bulk request serves up to 250 pages), else by id.
func (r *PageResource) lookup(ctx context.Context, state pageModel) (*confluence.Page, error) {
	id := state.ID.ValueString()
	if !state.Version.IsNull() && state.SpaceKey.ValueString() != "" {
		if page, ok := r.data.run.IndexedContent(ctx, r.kind().api, state.SpaceKey.ValueString(), id); ok && int64(page.Version.Number) >= state.Version.ValueInt64() {
			return &page, nil
		}
	}
	// Without the body: it is read only once the refresh may take it
	// (mayRefreshContent), and only when the page was edited.
	return r.data.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: r.kind().api})
}

// withBody returns page with its body, fetching it when the page came from
// the version index (which lists pages without bodies).
func (r *PageResource) withBody(ctx context.Context, page *confluence.Page) (*confluence.Page, error) {
	if page.HasBody {
		return page, nil
	}
	return r.data.client.GetPage(ctx, page.ID, confluence.GetPageOptions{Kind: r.kind().api, IncludeBody: true})
}

func (r *PageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state pageModel
	resp.Diagnostics.Append(r.kind().decode(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(r.kind().decode(ctx, req.State.Raw, &state)...)
	change, ok := r.applyChange(&resp.Diagnostics, plan, &state)
	if !ok {
		return
	}
	id, spaceKey := change.pageID, state.SpaceKey.ValueString()

	// Carry the computed values over; they change only if something is written.
	plan.ID, plan.URL, plan.Version = state.ID, state.URL, state.Version
	plan.LastModifiedAt, plan.LastModifiedBy = state.LastModifiedAt, state.LastModifiedBy
	plan.BodyHash = change.bodyHashAfter(plan, state)
	plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode

	if change.reachesConfluence() {
		if !r.checkUpdatable(ctx, &resp.Diagnostics, state, atApply) {
			return
		}
		decision, ok := r.data.decideAndReport(ctx, &resp.Diagnostics, change.policyRequest(), atApply)
		if !ok {
			return
		}
		plan.PolicyDecision = types.StringValue(string(decision.Decision))
		plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
		if change.writesPage {
			message := plan.VersionMessage.ValueString()
			page, ok := r.writePage(ctx, &resp.Diagnostics, change, versionMessage(message, r.data.changeReference, decision))
			if !ok {
				return
			}
			setFromPage(&plan, page, spaceKey, r.data.client.PageURL(page.WebUI))
			r.writeAudit(ctx, &resp.Diagnostics, change, page, decision, message, resp.Private)
		}
		// held is what Confluence holds once the label writes are done: the
		// state never claims a label that was not written.
		held, _ := setValues(state.Labels)
		if len(change.labels.add) > 0 {
			if err := r.data.client.AddPageLabels(ctx, id, change.labels.add); err != nil {
				addAPIError(&resp.Diagnostics, r.kind().summary("Unable to Label Page"), "While adding labels "+strings.Join(change.labels.add, ", ")+r.kind().text(" to page ")+id, r.data.account(), err)
			} else {
				held = append(held, change.labels.add...)
			}
		}
		for _, name := range change.labels.remove {
			if err := r.data.client.RemovePageLabel(ctx, id, name); err != nil && !confluence.IsNotFound(err) {
				addAPIError(&resp.Diagnostics, "Unable to Remove Label", "While removing label "+name+r.kind().text(" from page ")+id, r.data.account(), err)
			} else {
				held = slices.DeleteFunc(held, func(l string) bool { return l == name })
			}
		}
		if change.writesLabels() {
			r.markLabelsWritten(ctx, resp.Private)
			if resp.Diagnostics.HasError() {
				plan.Labels = stringSetValue(&resp.Diagnostics, held)
			}
		}
	}
	resp.Diagnostics.Append(r.kind().setState(ctx, &resp.State, plan)...)
}

// writePage sends the new page version. A 409 means the page moved on after
// the plan: the page is re-read and, unless the current version is provably
// this very write (a retried request whose first answer was lost), the apply
// fails without touching it.
func (r *PageResource) writePage(ctx context.Context, diags *diag.Diagnostics, change pageChange, message string) (*confluence.Page, bool) {
	next := int(change.baseVersion) + 1
	// A 409 while the version is unchanged (the page is locked or not yet
	// reconciled) is retried a bounded number of times; a 409 because the
	// version moved is a person's edit and is never retried.
	page, err := r.data.client.UpdatePageRetryingTransient(ctx, confluence.UpdatePageRequest{
		Kind:           r.kind().api,
		ID:             change.pageID,
		Status:         "current",
		Title:          change.title,
		ParentID:       change.parentID,
		Body:           change.content.send,
		VersionNumber:  next,
		VersionMessage: message,
	}, 0)
	if err == nil {
		return r.checkSaved(ctx, diags, change, page)
	}
	if confluence.MayHaveBeenApplied(err) {
		// A 502/504 or a lost answer: the write may be saved. Read it back
		// and decide on what Confluence holds, so a saved write is neither
		// reported as a failure nor blamed on a person at the next refresh.
		if current, readErr := r.data.client.GetPageFresh(ctx, change.pageID, confluence.GetPageOptions{Kind: r.kind().api, IncludeBody: true}, 0); readErr == nil &&
			current.Version.Number == next && r.isOwnWrite(ctx, change, current) {
			tflog.Info(ctx, "the update was saved although its answer was lost", map[string]any{"page_id": change.pageID, "version": next})
			return current, true
		}
	}
	if !confluence.IsConflict(err) {
		addAPIError(diags, r.kind().summary("Unable to Update Page"), fmt.Sprintf(r.kind().text("While updating page %s (%q) in space %s to version %d"), change.pageID, change.title, change.spaceKey, next), r.data.account(), err)
		return nil, false
	}
	current, readErr := r.data.client.GetPage(ctx, change.pageID, confluence.GetPageOptions{Kind: r.kind().api, IncludeBody: true})
	if readErr == nil && current.Version.Number == next && r.isOwnWrite(ctx, change, current) {
		return current, true
	}
	detail := fmt.Sprintf(r.kind().text("Page %s (%q) in space %s changed after the plan was made: the plan was based on version %d, "),
		change.pageID, change.title, change.spaceKey, change.baseVersion)
	if readErr == nil {
		detail += fmt.Sprintf("and Confluence now has version %d, saved by %s at %s. ", current.Version.Number, r.data.run.describeAccount(ctx, current.Version.AuthorID), current.Version.CreatedAt.Format(time.RFC3339))
	} else {
		detail += "and Confluence has a newer version. "
	}
	diags.AddError(r.kind().summary("Page Changed Since the Plan"),
		detail+"Nothing was written, so their version is intact.\n\nRun terraform plan again: it shows their change next to yours. Then apply, or copy their edit into the configuration first.")
	return nil, false
}

// checkSaved makes sure the version Confluence answered an update with holds
// what was sent. Confluence accepts an update of a page moved to the trash
// after the plan as a restore, which saves a new version with the old title
// and content ("For restoration, page contents will not be updated and only
// the page status will be changed", updatePage in the v2 document): the
// state must not record the configured content then. The answer carries the
// body, so this costs no request; only an answer without one is read back.
func (r *PageResource) checkSaved(ctx context.Context, diags *diag.Diagnostics, change pageChange, page *confluence.Page) (*confluence.Page, bool) {
	saved := page
	if !page.HasBody {
		if read, err := r.data.client.GetPage(ctx, page.ID, confluence.GetPageOptions{Kind: r.kind().api, IncludeBody: true, Version: page.Version.Number}); err == nil {
			saved = read
			saved.Status = page.Status
		}
	}
	differs := change.differences(saved)
	if len(differs) == 0 {
		return page, true
	}
	verb := "differs"
	if len(differs) > 1 {
		verb = "differ"
	}
	diags.AddError(r.kind().summary("Update Not Saved as Sent"),
		fmt.Sprintf(r.kind().text("Confluence answered the update of page %s (%q) in space %s with version %d, but that version does not hold what was sent: its %s %s. ")+
			r.kind().text("Confluence does this when the page was moved to the trash after the plan: it takes the update as a restore, which makes the page current again and keeps its old content. Nothing of this update was recorded in the state.\n\n")+
			r.kind().text("If the page should stay deleted, move it back to the trash in Confluence and remove it from the configuration. Otherwise run terraform plan again: it shows version %d as it is and the configured content as a change to it."),
			change.pageID, change.title, change.spaceKey, page.Version.Number, strings.Join(differs, " and "), verb, page.Version.Number))
	return nil, false
}

// differences names what of the change page does not hold: "content",
// "title", "parent" (when page says its parent). None when page is the
// change as written, and content when the body is missing or unreadable.
func (c pageChange) differences(page *confluence.Page) []string {
	var differs []string
	if canonical, err := storage.CanonicalOf(page.Body); !page.HasBody || err != nil || canonical.Hash() != c.content.hash {
		differs = append(differs, "content")
	}
	if page.Title != c.title {
		differs = append(differs, "title")
	}
	if c.kind.hasParent() && c.parentID != "" && page.ParentID != "" && page.ParentID != c.parentID {
		differs = append(differs, "parent")
	}
	return differs
}

// isOwnWrite reports whether page's current version is exactly what change
// writes, saved by the authenticated account.
func (r *PageResource) isOwnWrite(ctx context.Context, change pageChange, page *confluence.Page) bool {
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil || page.Version.AuthorID != user.AccountID || page.Title != change.title {
		return false
	}
	canonical, err := storage.CanonicalOf(page.Body)
	return err == nil && canonical.Hash() == change.content.hash
}

func (r *PageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state pageModel
	resp.Diagnostics.Append(r.kind().decode(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	id, mode := state.ID.ValueString(), state.OnDestroy.ValueString()
	if mode == onDestroyRetain {
		tflog.Info(ctx, "on_destroy = retain: leaving the page in Confluence", map[string]any{"page_id": id})
		return
	}
	base, baseUnverified := deleteBaseVersion(ctx, r.data.sealer, req.Private, state)
	// The last look before deleting, by id and never from the run's index: a
	// person may have saved the page since the plan, and a purge would destroy
	// their version for good (a trash would hide it without anyone deciding).
	page, err := r.data.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: r.kind().api})
	if confluence.IsNotFound(err) && r.recentlyWritten(state) {
		// Written a moment ago: a 404 may be Confluence's read-after-write lag.
		page, err = r.data.client.GetPageFresh(ctx, id, confluence.GetPageOptions{Kind: r.kind().api}, 0)
	}
	switch {
	case confluence.IsNotFound(err):
		// Gone already, or hidden from this account: the DELETE below says
		// which, and a 404 there is taken as gone.
		page = nil
	case err != nil:
		addAPIError(&resp.Diagnostics, r.kind().summary("Unable to Read Page"), r.kind().text("While reading page ")+id+" before deleting it", r.data.account(), err)
		return
	default:
		if !r.checkLocated(ctx, &resp.Diagnostics, state, pageLocation{found: true, spaceID: page.SpaceID, status: page.Status, title: page.Title}) ||
			!r.checkUnchangedForDelete(ctx, &resp.Diagnostics, state, base, baseUnverified, page) {
			return
		}
	}
	if _, ok := r.data.decideAndReport(ctx, &resp.Diagnostics, newDeleteChange(state).of(r.kind()).policyRequest(), atApply); !ok {
		return
	}
	if page == nil || page.Status != "trashed" {
		err := r.data.client.DeleteContent(ctx, r.kind().api, id, false)
		if confluence.IsNotFound(err) && page == nil {
			return // gone: nothing to trash or purge
		}
		if err != nil && !confluence.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, r.kind().summary("Unable to Delete Page"), r.kind().text("While moving page ")+id+" to the trash", r.data.account(), err)
			return
		}
	}
	if mode == onDestroyPurge {
		// A purge cannot be undone: look once more, now that the page is in
		// the trash, in case a person saved it after the look above.
		looked := base
		if page != nil {
			looked = page.Version.Number
		}
		trashed, err := r.data.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: r.kind().api})
		if err != nil {
			addAPIError(&resp.Diagnostics, r.kind().summary("Unable to Purge Page"), r.kind().text("While reading page ")+id+" before purging it (it is in the trash now and can be restored or purged by a space admin)", r.data.account(), err)
			return
		}
		if trashed.Version.Number != looked {
			resp.Diagnostics.AddError(r.kind().summary("Page Changed Since the Plan"),
				fmt.Sprintf(r.kind().text("Page %s (%q) in space %s was saved as version %d by %s at %s while the apply deleted it (it was at version %d). It is in the trash now and was not purged, so their version is intact: restore it from the trash in Confluence (Space settings → Trash) to keep it.\n\n")+
					r.kind().text("Then run terraform plan again: it shows the page as it is. To purge it after all, purge it from the trash."),
					id, trashed.Title, state.SpaceKey.ValueString(), trashed.Version.Number, r.data.run.describeAccount(ctx, trashed.Version.AuthorID),
					trashed.Version.CreatedAt.Format(time.RFC3339), looked))
			return
		}
		if err := r.data.client.DeleteContent(ctx, r.kind().api, id, true); err != nil {
			addAPIError(&resp.Diagnostics, r.kind().summary("Unable to Purge Page"), r.kind().text("While purging page ")+id+" from the trash (it is in the trash now and can be restored or purged by a space admin)", r.data.account(), err)
			return
		}
	}
}

// checkUnchangedForDelete fails when page is not at base, the version the
// destroy was planned on (and its confirmation code bound to), unless this
// provider saved the version itself and did not record it.
func (r *PageResource) checkUnchangedForDelete(ctx context.Context, diags *diag.Diagnostics, state pageModel, base int, baseUnverified bool, page *confluence.Page) bool {
	if page.Version.Number == base || r.isUnrecordedOwnWrite(ctx, page) {
		return true
	}
	if baseUnverified {
		diags.AddError(r.kind().summary("Destroy Plan Not Verified"),
			fmt.Sprintf(r.kind().text("Page %s (%q) in space %s is at version %d, and the plan's record of the version it would delete could not be verified with this run's credential: the API token (or OAuth client secret) was rotated since the plan, or the state file was edited. ")+
				"Nothing was deleted.\n\nRun terraform plan again with the current credential, review it, and apply that plan.",
				page.ID, page.Title, state.SpaceKey.ValueString(), page.Version.Number))
		return false
	}
	consequence := "moved it to the trash"
	if state.OnDestroy.ValueString() == onDestroyPurge {
		consequence = "purged it, destroying their version for good"
	}
	diags.AddError(r.kind().summary("Page Changed Since the Plan"),
		fmt.Sprintf(r.kind().text("Page %s (%q) in space %s changed after the plan was made: the plan deletes version %d, and Confluence now has version %d, saved by %s at %s. ")+
			"Nothing was deleted, so their version is intact; the apply would have %s although no plan showed it.\n\n"+
			r.kind().text("Run terraform plan again: its refresh shows their edit. Then apply to delete the page with it, or keep the page: add it back to the configuration (copying their edit into it), or set on_destroy = \"retain\" and apply before removing it."),
			page.ID, page.Title, state.SpaceKey.ValueString(), base, page.Version.Number,
			r.data.run.describeAccount(ctx, page.Version.AuthorID), page.Version.CreatedAt.Format(time.RFC3339), consequence))
	return false
}

// writeAudit records the write on the page itself. A failure is a warning:
// the page is saved and its version message records the decision; failing
// here would taint a good page and replace it next time.
//
// Private state remembers the property's id and version, so an update writes
// it in one request instead of reading it first; a stale memory (someone else
// wrote the property) falls back to reading it.
func (r *PageResource) writeAudit(ctx context.Context, diags *diag.Diagnostics, change pageChange, page *confluence.Page, decision policy.Result, message string, private privateState) {
	record := change.auditRecordFor(page.Version.Number, page.Version.AuthorID, decision, r.data.changeReference, message, r.data.now())
	if page.Version.Number == 1 {
		keepCreateRecord(ctx, diags, r.data.sealer, page.ID, record, private)
	} else if created, ok := createRecordOf(ctx, r.data.sealer, page.ID, private); ok {
		record.Created = created
	} else {
		// Not remembered, or not provably by this provider: one read of the
		// record Confluence holds, before it is replaced.
		created, known := r.createRecordFromConfluence(ctx, page.ID)
		record.Created = created
		switch {
		case created != nil:
			keepCreateRecord(ctx, diags, r.data.sealer, page.ID, *created, private)
		case known:
			keepNoCreateRecord(ctx, diags, r.data.sealer, page.ID, private)
		}
	}
	var prop *confluence.Property
	var err error
	ref := auditPropertyRefOf(ctx, private)
	switch {
	case page.Version.Number == 1:
		// A page created by this apply has no properties yet: skip the lookup.
		prop, err = r.data.client.CreateContentProperty(ctx, r.kind().api, page.ID, auditPropertyKey, record)
	case ref.ID != "":
		prop, err = r.data.client.UpdateContentProperty(ctx, r.kind().api, page.ID, confluence.Property{ID: ref.ID, Key: auditPropertyKey, Version: ref.Version + 1}, record)
		if confluence.IsConflict(err) || confluence.IsNotFound(err) {
			prop, err = r.data.client.PutContentProperty(ctx, r.kind().api, page.ID, auditPropertyKey, record)
		}
	default:
		prop, err = r.data.client.PutContentProperty(ctx, r.kind().api, page.ID, auditPropertyKey, record)
	}
	if err != nil {
		if page.Version.Number == 1 && confluence.IsConflict(err) && r.claimedByAnotherApply(ctx, diags, page) {
			return
		}
		addAPIWarning(diags, "Audit Property Not Written",
			fmt.Sprintf(r.kind().text("Page %s was saved as version %d (its version message records the decision), but while recording the change in its %q property"), page.ID, page.Version.Number, auditPropertyKey), r.data.account(), err)
		return
	}
	r.keepAuditPropertyRef(ctx, diags, prop, private)
}

func (r *PageResource) keepAuditPropertyRef(ctx context.Context, diags *diag.Diagnostics, prop *confluence.Property, private privateState) {
	if raw, err := json.Marshal(auditPropertyRef{ID: prop.ID, Version: prop.Version}); err == nil {
		diags.Append(private.SetKey(ctx, auditPropertyPrivateKey, raw)...)
	}
}

// claimedByAnotherApply explains a change record found on a page this apply
// has just created: Confluence answered this apply's create, so the page is
// its own, and the record can only come from another apply racing for the
// same title whose create lost its answer and adopted this page. Neither
// Confluence nor that apply could tell the two creates apart; this one can,
// and names the other so a person removes the page from its state. It
// reports whether the record was such a claim.
func (r *PageResource) claimedByAnotherApply(ctx context.Context, diags *diag.Diagnostics, page *confluence.Page) bool {
	record, ok, err := r.auditRecordOf(ctx, page.ID)
	if err != nil || !ok || !record.AdoptedAfterLostAnswer {
		return false
	}
	other := "another apply"
	if record.ChangeReference != "" {
		other = fmt.Sprintf("another apply (change reference %q)", record.ChangeReference)
	}
	diags.AddWarning(r.kind().summary("Page Claimed By Another Apply"),
		fmt.Sprintf(r.kind().text("Page %s (%q) was created by this apply: Confluence answered its create. At the same moment %s created the same title as account %s, lost the answer, and recorded this page as its own at %s. "+
			"Two workspaces now hold this page in their state, and a destroy in either would trash it for both. Remove it from the other workspace's state (terraform state rm) and keep one owner per page."),
			page.ID, page.Title, other, record.AccountID, record.At))
	return true
}

// privateState is the framework's private state of a resource, as requests
// and responses carry it.
type privateState interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

// auditPropertyPrivateKey holds where the page's terraform.change property
// stands. It saves a request per update and grants nothing: a wrong value
// only makes the update fall back to reading the property.
const auditPropertyPrivateKey = "audit_property"

type auditPropertyRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

func auditPropertyRefOf(ctx context.Context, private privateState) auditPropertyRef {
	var ref auditPropertyRef
	if raw, _ := private.GetKey(ctx, auditPropertyPrivateKey); len(raw) > 0 {
		_ = json.Unmarshal(raw, &ref)
	}
	return ref
}
