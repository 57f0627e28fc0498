// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ resource.ResourceWithConfigure        = &PageResource{}
	_ resource.ResourceWithImportState      = &PageResource{}
	_ resource.ResourceWithModifyPlan       = &PageResource{}
	_ resource.ResourceWithConfigValidators = &PageResource{}
)

// Delete modes of a page.
const (
	onDestroyTrash  = "trash"
	onDestroyPurge  = "purge"
	onDestroyRetain = "retain"
)

// NewPageResource is the confluence_page resource factory.
func NewPageResource() resource.Resource { return &PageResource{} }

// PageResource manages one Confluence page.
type PageResource struct {
	data *providerData
}

// pageModel maps confluence_page.
type pageModel struct {
	ID               types.String `tfsdk:"id"`
	SpaceKey         types.String `tfsdk:"space_key"`
	Title            types.String `tfsdk:"title"`
	ParentID         types.String `tfsdk:"parent_id"`
	Body             types.String `tfsdk:"body"`
	Markdown         types.String `tfsdk:"markdown"`
	Labels           types.Set    `tfsdk:"labels"`
	VersionMessage   types.String `tfsdk:"version_message"`
	OnDestroy        types.String `tfsdk:"on_destroy"`
	Version          types.Int64  `tfsdk:"version"`
	URL              types.String `tfsdk:"url"`
	LastModifiedAt   types.String `tfsdk:"last_modified_at"`
	LastModifiedBy   types.String `tfsdk:"last_modified_by"`
	BodyHash         types.String `tfsdk:"body_hash"`
	PolicyDecision   types.String `tfsdk:"policy_decision"`
	ConfirmationCode types.String `tfsdk:"confirmation_code"`
}

func (r *PageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_page"
}

func (r *PageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = pageResourceSchema()
}

func pageResourceSchema() schema.Schema {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		MarkdownDescription: "A Confluence page managed as code, from storage-format XHTML (`body`) or Markdown (`markdown`). " +
			"Edits made in Confluence by people are detected and shown in the plan, never silently overwritten; " +
			"every change is checked against the operation policy at plan time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Page id.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space the page lives in, e.g. `DOCS`. Changing it creates a new page (Confluence cannot move pages between spaces through the API) and deletes the old one per `on_destroy`.",
				Required:            true,
				Validators:          []validator.String{validators.SpaceKey()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Page title, unique within the space (trashed pages included), 1 to 255 characters.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(titlePattern, "must not start or end with white space"),
				},
			},
			"parent_id": schema.StringAttribute{
				MarkdownDescription: "Id of the parent page in the same space. Changing it moves the page. When omitted the page sits under the space homepage.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
			},
			"body": schema.StringAttribute{
				MarkdownDescription: "Page content in Confluence storage format (XHTML). Validated at plan time. Exactly one of `body` and `markdown`. " +
					"When someone edits the page in Confluence, refresh puts their content here, canonicalised one block per line, so the plan shows what the apply would replace.",
				Optional:   true,
				Validators: []validator.String{storageBodyValidator{}},
			},
			"markdown": schema.StringAttribute{
				MarkdownDescription: "Page content in Markdown (CommonMark with GitHub tables, task lists and strikethrough; fenced code becomes the code macro; " +
					"`> [!INFO]`, `> [!NOTE]`, `> [!WARNING]` and `> [!TIP]` blockquotes become panels). Exactly one of `body` and `markdown`. " +
					"Edits that render to the same storage format change nothing.",
				Optional: true,
			},
			"labels": schema.SetAttribute{
				MarkdownDescription: "Labels of the page, lowercase, without spaces. When set, labels are read back on every refresh and changed with the fewest additions and removals; labels added by people show as drift. When omitted, labels are not managed.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.LabelName())},
			},
			"version_message": schema.StringAttribute{
				MarkdownDescription: "Message stored with the page version Terraform writes, followed by the provider's `change_reference` and the policy decision. Changing only this attribute writes nothing.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(500)},
			},
			"on_destroy": schema.StringAttribute{
				MarkdownDescription: "What destroying the resource does to the page: `trash` (default; restorable from the space's trash), `purge` (trash, then delete permanently; needs space admin) or `retain` (leave the page and only forget it).",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(onDestroyTrash),
				Validators:          []validator.String{stringvalidator.OneOf(onDestroyTrash, onDestroyPurge, onDestroyRetain)},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "Version number of the page as Terraform last saw it. An update sends this plus one; if the page moved on in the meantime Confluence refuses it and nothing is overwritten.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Web address of the page (it contains the title, so it changes with it).",
				Computed:            true,
			},
			"last_modified_at": schema.StringAttribute{
				MarkdownDescription: "When the current version was saved (RFC 3339).",
				Computed:            true,
			},
			"last_modified_by": schema.StringAttribute{
				MarkdownDescription: "Account id of whoever saved the current version.",
				Computed:            true,
			},
			"body_hash": schema.StringAttribute{
				MarkdownDescription: "SHA-256 of the canonical storage format of the content Terraform wrote (`sha256:` followed by hex). Used to tell a person's edit from Confluence's own rewriting of the XHTML.",
				Computed:            true,
			},
			"policy_decision": schema.StringAttribute{
				MarkdownDescription: "Policy decision for the planned change: `allowed`, `allowed_with_confirmation` or `unmanaged` (no connection record governs the account). Denied changes fail the plan.",
				Computed:            true,
			},
			"confirmation_code": schema.StringAttribute{
				MarkdownDescription: "Confirmation code of the planned change when the decision is `allowed_with_confirmation`, bound to the exact change; the apply needs it in `confirmations` or `CONFLUENCE_CONFIRMATIONS`. Empty otherwise.",
				Computed:            true,
			},
		},
	}
}

func (r *PageResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("body"), path.MatchRoot("markdown")),
	}
}

func (r *PageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *PageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !pageIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Page Id", fmt.Sprintf("%q is not a Confluence page id. Import a page by its numeric id, e.g. terraform import confluence_page.example 65601 (the id is in the page's URL).", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// content is what a configuration asks to be written: storage format
// rendered from body or markdown, and its hash.
type content struct {
	known   bool
	storage string
	hash    string
}

// desiredContent renders the configured content. known is false when body or
// markdown is not known yet at plan time.
func desiredContent(m pageModel) (content, error) {
	var storageBody string
	switch {
	case m.Body.IsUnknown() || m.Markdown.IsUnknown():
		return content{}, nil
	case !m.Body.IsNull():
		storageBody = m.Body.ValueString()
	default:
		rendered, err := storage.MarkdownToStorage(m.Markdown.ValueString())
		if err != nil {
			return content{}, fmt.Errorf("rendering markdown: %w", err)
		}
		storageBody = rendered
	}
	hash, err := storage.Hash(storageBody)
	if err != nil {
		return content{}, err
	}
	return content{known: true, storage: storageBody, hash: hash}, nil
}

func (r *PageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan pageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	want, err := desiredContent(plan)
	if err != nil {
		resp.Diagnostics.AddAttributeError(contentPath(plan), "Invalid Page Content", err.Error())
		return
	}
	spaceKey, title := plan.SpaceKey.ValueString(), plan.Title.ValueString()
	subject := describePageChange(policy.CreatePage, plan, nil)

	decision, ok := r.enforce(ctx, &resp.Diagnostics, policy.CreatePage, plan, nil, want, subject)
	if !ok {
		return
	}
	space, err := r.data.run.Space(ctx, spaceKey)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Space", "While creating page "+quote(title)+" in space "+spaceKey+" the space could not be read", r.data.account(), err)
		return
	}
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Current User", "While creating page "+quote(title)+" the authenticated account could not be read", r.data.account(), err)
		return
	}

	page, err := r.data.client.CreatePage(ctx, confluence.CreatePageRequest{
		SpaceID:  space.ID,
		Title:    title,
		ParentID: plan.ParentID.ValueString(),
		Body:     want.storage,
	})
	if err != nil {
		// The create may have been committed although the answer was lost, or
		// the title may be taken. Never create twice: adopt the page only if it
		// is provably the one this request wrote.
		page = r.adoptAfterFailedCreate(ctx, &resp.Diagnostics, space, title, want, user.AccountID, err)
		if page == nil {
			return
		}
	}

	// From here on the page exists: keep it in state even if a later step fails,
	// so the next apply continues instead of creating a duplicate.
	plan.ID = types.StringValue(page.ID)
	r.setFromPage(&plan, page, spaceKey)
	plan.BodyHash = types.StringValue(want.hash)
	plan.PolicyDecision = types.StringValue(string(decision.Decision))
	plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

	if labels := setStrings(ctx, plan.Labels, &resp.Diagnostics); len(labels) > 0 {
		if err := r.data.client.AddPageLabels(ctx, page.ID, labels); err != nil {
			// A warning, not an error: an error would taint the new page and the
			// next apply would replace it. The next refresh reads the labels
			// back and plans the missing ones.
			addAPIWarning(&resp.Diagnostics, "Labels Not Added", fmt.Sprintf("Page %s (%q) was created in space %s, but while adding its labels", page.ID, title, spaceKey), r.data.account(), err)
		}
	}
	r.writeAudit(ctx, &resp.Diagnostics, page, policy.CreatePage, decision, plan)
}

// adoptAfterFailedCreate looks for the page a failed create may have written.
// It returns the page when it is provably ours (same author, version 1, same
// content hash); otherwise it adds an error and returns nil.
func (r *PageResource) adoptAfterFailedCreate(ctx context.Context, diags *diag.Diagnostics, space *confluence.Space, title string, want content, accountID string, createErr error) *confluence.Page {
	doing := fmt.Sprintf("While creating page %q in space %s", title, space.Key)
	apiErr, isAPIErr := confluence.AsAPIError(createErr)
	if isAPIErr && apiErr.Kind != confluence.KindBadRequest && apiErr.Kind != confluence.KindServer {
		addAPIError(diags, "Unable to Create Page", doing, r.data.account(), createErr)
		return nil
	}
	found, err := r.data.client.ListPages(ctx, confluence.ListPagesOptions{SpaceIDs: []string{space.ID}, Title: title, Statuses: []string{"current", "trashed", "draft", "archived"}})
	if err != nil || len(found) == 0 {
		addAPIError(diags, "Unable to Create Page", doing, r.data.account(), createErr)
		return nil
	}
	existing := found[0]
	if existing.Status == "current" && existing.AuthorID == accountID && existing.Version.Number == 1 {
		full, err := r.data.client.GetPage(ctx, existing.ID, confluence.GetPageOptions{IncludeBody: true})
		if err == nil {
			if hash, err := storage.Hash(full.Body); err == nil && hash == want.hash {
				tflog.Info(ctx, "adopted the page a failed create had written", map[string]any{"page_id": full.ID})
				return full
			}
		}
	}
	diags.AddError("Page Already Exists",
		fmt.Sprintf("%s, Confluence reported %s, and a page with that title already exists in the space (id %s, status %s, version %d). "+
			"It is not the page this apply wrote, so it was left untouched.\n\n"+
			"To manage that page with Terraform, import it:\n  terraform import 'confluence_page.<name>' %s\nor add an import block with id = %q. Otherwise choose another title.",
			doing, summarize(createErr), existing.ID, existing.Status, existing.Version.Number, existing.ID, existing.ID))
	return nil
}

func (r *PageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state pageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		// Without a known provider configuration there is nothing to compare
		// with; keep the state as it is.
		return
	}
	id := state.ID.ValueString()
	page, err := r.lookup(ctx, state)
	if confluence.IsNotFound(err) {
		tflog.Warn(ctx, "page no longer exists; removing it from state", map[string]any{"page_id": id})
		resp.Diagnostics.AddWarning("Page Gone From Confluence",
			fmt.Sprintf("Page %s (%q) in space %s no longer exists or the account %s may not view it. It is removed from the state and the plan will create it again.", id, state.Title.ValueString(), state.SpaceKey.ValueString(), r.data.account()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Page", "While reading page "+id, r.data.account(), err)
		return
	}
	if page.Status != "current" {
		resp.Diagnostics.AddWarning("Page Not Current",
			fmt.Sprintf("Page %s (%q) is %s in Confluence. It is removed from the state and the plan will create it again; restore it from the space's trash and import it instead if you want to keep its history.", id, page.Title, page.Status))
		resp.State.RemoveResource(ctx)
		return
	}

	spaceKey := state.SpaceKey.ValueString()
	imported := spaceKey == "" || state.Version.IsNull()
	if imported {
		// Import: learn everything from Confluence.
		space, err := r.data.client.GetSpace(ctx, page.SpaceID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Read Space", "While importing page "+id+" its space could not be read", r.data.account(), err)
			return
		}
		spaceKey = space.Key
		if !page.HasBody {
			if page, err = r.data.client.GetPage(ctx, id, confluence.GetPageOptions{IncludeBody: true}); err != nil {
				addAPIError(&resp.Diagnostics, "Unable to Read Page", "While importing page "+id, r.data.account(), err)
				return
			}
		}
		canonical, hash, err := canonicalBody(page.Body)
		if err != nil {
			resp.Diagnostics.AddError("Unreadable Page Body", fmt.Sprintf("While importing page %s, its storage format could not be parsed: %s", id, err))
			return
		}
		state.Body, state.Markdown, state.BodyHash = types.StringValue(canonical), types.StringNull(), types.StringValue(hash)
		if state.OnDestroy.IsNull() {
			state.OnDestroy = types.StringValue(onDestroyTrash)
		}
		state.PolicyDecision, state.ConfirmationCode = types.StringNull(), types.StringNull()
		labels, err := r.data.client.GetPageLabels(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Read Labels", "While importing page "+id, r.data.account(), err)
			return
		}
		if len(labels) > 0 {
			state.Labels = labelNamesValue(&resp.Diagnostics, labels)
		}
	} else if int64(page.Version.Number) != state.Version.ValueInt64() {
		// Someone else saved the page since Terraform did.
		if !r.readEdit(ctx, &resp.Diagnostics, &state, page) {
			return
		}
	}
	r.setFromPage(&state, page, spaceKey)

	if !imported && !state.Labels.IsNull() {
		// The space's label index serves the usual case, labels unchanged or
		// added. A label it lacks is confirmed on the page itself before it is
		// shown as removed: the index is a list, not the page's own answer.
		if names, ok := r.data.run.IndexedLabels(ctx, spaceKey, id); ok && containsAll(names, setStrings(ctx, state.Labels, &resp.Diagnostics)) {
			state.Labels = stringSetValue(&resp.Diagnostics, names)
		} else {
			labels, err := r.data.client.GetPageLabels(ctx, id)
			if err != nil {
				addAPIError(&resp.Diagnostics, "Unable to Read Labels", "While reading the labels of page "+id, r.data.account(), err)
				return
			}
			state.Labels = labelNamesValue(&resp.Diagnostics, labels)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readEdit brings a person's edit into state so the plan shows it. It reports
// false when it added an error.
func (r *PageResource) readEdit(ctx context.Context, diags *diag.Diagnostics, state *pageModel, page *confluence.Page) bool {
	id := state.ID.ValueString()
	if !page.HasBody {
		full, err := r.data.client.GetPage(ctx, id, confluence.GetPageOptions{IncludeBody: true})
		if err != nil {
			addAPIError(diags, "Unable to Read Page", "While reading page "+id+" after it was edited in Confluence", r.data.account(), err)
			return false
		}
		page = full
	}
	canonical, hash, err := canonicalBody(page.Body)
	if err != nil {
		diags.AddError("Unreadable Page Body", fmt.Sprintf("While reading page %s, its storage format could not be parsed: %s", id, err))
		return false
	}
	var changed []string
	if hash != state.BodyHash.ValueString() {
		state.Body = types.StringValue(canonical)
		changed = append(changed, "content")
	}
	if page.Title != state.Title.ValueString() {
		changed = append(changed, "title")
	}
	if page.ParentID != state.ParentID.ValueString() {
		changed = append(changed, "parent")
	}
	if len(changed) > 0 {
		diags.AddWarning("Page Edited Outside Terraform",
			fmt.Sprintf("Page %s (%q) in space %s was edited in Confluence by %s at %s: its %s changed. Terraform wrote version %d; the page is now at version %d.\n\n"+
				"The plan shows their change as the current value. Applying replaces it with the configuration; their text stays in the page history as version %d and can be restored from there. "+
				"To keep their edit instead, copy it into the configuration before applying.",
				id, page.Title, state.SpaceKey.ValueString(), r.data.run.describeAccount(ctx, page.Version.AuthorID), page.Version.CreatedAt.Format(time.RFC3339), strings.Join(changed, ", "),
				state.Version.ValueInt64(), page.Version.Number, page.Version.Number))
	}
	return true
}

// lookup finds the page for Read, from the run's version index of its space
// when it can (one bulk request serves up to 250 pages), else by id.
func (r *PageResource) lookup(ctx context.Context, state pageModel) (*confluence.Page, error) {
	id := state.ID.ValueString()
	if !state.Version.IsNull() && state.SpaceKey.ValueString() != "" {
		if page, ok := r.data.run.IndexedPage(ctx, state.SpaceKey.ValueString(), id); ok && int64(page.Version.Number) >= state.Version.ValueInt64() {
			return &page, nil
		}
	}
	return r.data.client.GetPage(ctx, id, confluence.GetPageOptions{IncludeBody: true})
}

func (r *PageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state pageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	want, err := desiredContent(plan)
	if err != nil {
		resp.Diagnostics.AddAttributeError(contentPath(plan), "Invalid Page Content", err.Error())
		return
	}
	id, spaceKey := state.ID.ValueString(), state.SpaceKey.ValueString()
	subject := describePageChange(policy.UpdatePage, plan, &state)
	pageWrite := pageNeedsWrite(plan, state, want)
	addLabels, removeLabels := labelChanges(ctx, plan.Labels, state.Labels, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	writes := pageWrite || len(addLabels) > 0 || len(removeLabels) > 0

	// Carry the computed values over; they change only if something is written.
	plan.ID, plan.URL, plan.Version = state.ID, state.URL, state.Version
	plan.LastModifiedAt, plan.LastModifiedBy = state.LastModifiedAt, state.LastModifiedBy
	plan.BodyHash = types.StringValue(want.hash)

	if writes {
		decision, ok := r.enforce(ctx, &resp.Diagnostics, policy.UpdatePage, plan, &state, want, subject)
		if !ok {
			return
		}
		plan.PolicyDecision = types.StringValue(string(decision.Decision))
		plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
		if pageWrite {
			page, ok := r.writePage(ctx, &resp.Diagnostics, plan, state, want, decision)
			if !ok {
				return
			}
			r.setFromPage(&plan, page, spaceKey)
			r.writeAudit(ctx, &resp.Diagnostics, page, policy.UpdatePage, decision, plan)
		}
		if len(addLabels) > 0 {
			if err := r.data.client.AddPageLabels(ctx, id, addLabels); err != nil {
				addAPIError(&resp.Diagnostics, "Unable to Label Page", "While adding labels "+strings.Join(addLabels, ", ")+" to page "+id, r.data.account(), err)
			}
		}
		for _, name := range removeLabels {
			if err := r.data.client.RemovePageLabel(ctx, id, name); err != nil && !confluence.IsNotFound(err) {
				addAPIError(&resp.Diagnostics, "Unable to Remove Label", "While removing label "+name+" from page "+id, r.data.account(), err)
			}
		}
	} else {
		plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
	}
	if plan.Body.IsNull() != state.Body.IsNull() || plan.Body.ValueString() != state.Body.ValueString() {
		// The configured text replaces whatever refresh had brought back.
		tflog.Debug(ctx, "page body attribute now holds the configured text", map[string]any{"page_id": id})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// writePage sends the new page version. A 409 means the page moved on after
// the plan: the page is re-read and, unless the current version is provably
// this very write (a retried request whose first answer was lost), the apply
// fails without touching it.
func (r *PageResource) writePage(ctx context.Context, diags *diag.Diagnostics, plan, state pageModel, want content, decision policy.Result) (*confluence.Page, bool) {
	id := state.ID.ValueString()
	next := int(state.Version.ValueInt64()) + 1
	page, err := r.data.client.UpdatePage(ctx, confluence.UpdatePageRequest{
		ID:             id,
		Status:         "current",
		Title:          plan.Title.ValueString(),
		ParentID:       plan.ParentID.ValueString(),
		Body:           want.storage,
		VersionNumber:  next,
		VersionMessage: r.versionMessage(plan, decision),
	})
	if err == nil {
		return page, true
	}
	if !confluence.IsConflict(err) {
		addAPIError(diags, "Unable to Update Page", fmt.Sprintf("While updating page %s (%q) in space %s to version %d", id, plan.Title.ValueString(), state.SpaceKey.ValueString(), next), r.data.account(), err)
		return nil, false
	}
	current, readErr := r.data.client.GetPage(ctx, id, confluence.GetPageOptions{IncludeBody: true})
	if readErr == nil && current.Version.Number == next {
		if user, uErr := r.data.run.CurrentUser(ctx); uErr == nil && current.Version.AuthorID == user.AccountID {
			if hash, hErr := storage.Hash(current.Body); hErr == nil && hash == want.hash && current.Title == plan.Title.ValueString() {
				return current, true
			}
		}
	}
	detail := fmt.Sprintf("Page %s (%q) in space %s changed after the plan was made: the plan was based on version %d, ",
		id, plan.Title.ValueString(), state.SpaceKey.ValueString(), state.Version.ValueInt64())
	if readErr == nil {
		detail += fmt.Sprintf("and Confluence now has version %d, saved by %s at %s. ", current.Version.Number, r.data.run.describeAccount(ctx, current.Version.AuthorID), current.Version.CreatedAt.Format(time.RFC3339))
	} else {
		detail += "and Confluence has a newer version. "
	}
	diags.AddError("Page Changed Since the Plan",
		detail+"Nothing was written, so their version is intact.\n\nRun terraform plan again: it shows their change next to yours. Then apply, or copy their edit into the configuration first.")
	return nil, false
}

func (r *PageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state pageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	id, mode := state.ID.ValueString(), state.OnDestroy.ValueString()
	if mode == onDestroyRetain {
		tflog.Info(ctx, "on_destroy = retain: leaving the page in Confluence", map[string]any{"page_id": id})
		return
	}
	subject := describePageChange(policy.DeletePage, state, &state)
	if _, ok := r.enforce(ctx, &resp.Diagnostics, policy.DeletePage, state, &state, content{known: true}, subject); !ok {
		return
	}
	if err := r.data.client.DeletePage(ctx, id, false); err != nil && !confluence.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete Page", "While moving page "+id+" to the trash", r.data.account(), err)
		return
	}
	if mode == onDestroyPurge {
		if err := r.data.client.DeletePage(ctx, id, true); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Purge Page", "While purging page "+id+" from the trash (it is in the trash now and can be restored or purged by a space admin)", r.data.account(), err)
			return
		}
	}
}

// enforce re-evaluates the policy at apply and stops the write unless it is
// allowed and confirmed where needed.
func (r *PageResource) enforce(ctx context.Context, diags *diag.Diagnostics, op policy.Operation, plan pageModel, state *pageModel, want content, subject string) (policy.Result, bool) {
	decision, err := r.decidePage(ctx, op, plan, state, want)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, subject, err)
		return decision, false
	}
	return decision, r.data.enforceAtApply(diags, decision, subject)
}

// decidePage evaluates the policy for a page operation. The confirmation code
// covers everything the change writes: title, parent, content and labels.
func (r *PageResource) decidePage(ctx context.Context, op policy.Operation, plan pageModel, state *pageModel, want content) (policy.Result, error) {
	id := ""
	if state != nil {
		id = state.ID.ValueString()
	}
	return r.data.decide(ctx, op, plan.SpaceKey.ValueString(), id, plan.Title.ValueString(), changeContent(ctx, op, plan, want))
}

// changeContent is the canonical description of a change that a confirmation
// code is bound to.
func changeContent(ctx context.Context, op policy.Operation, plan pageModel, want content) string {
	if op == policy.DeletePage {
		return ""
	}
	if !changeKnown(plan, want) {
		return "unknown"
	}
	labels := "unmanaged"
	if !plan.Labels.IsNull() {
		var names []string
		_ = plan.Labels.ElementsAs(ctx, &names, false)
		sort.Strings(names)
		labels = strings.Join(names, ",")
	}
	return fmt.Sprintf("title=%s\nparent=%s\nbody=%s\nlabels=%s", plan.Title.ValueString(), plan.ParentID.ValueString(), want.hash, labels)
}

// versionMessage is what page history shows for a write by Terraform.
func (r *PageResource) versionMessage(plan pageModel, decision policy.Result) string {
	parts := []string{}
	if m := strings.TrimSpace(plan.VersionMessage.ValueString()); m != "" {
		parts = append(parts, m)
	}
	if ref := r.data.changeReference; ref != "" {
		parts = append(parts, "ref "+ref)
	}
	policyPart := "policy " + string(decision.Decision)
	if decision.ConfirmationCode != "" {
		policyPart += " (" + decision.ConfirmationCode + ")"
	}
	if decision.Connection != "" {
		policyPart += " as " + decision.Connection
	}
	parts = append(parts, policyPart, "via Terraform")
	return strings.Join(parts, " | ")
}

// pageNeedsWrite reports whether the page itself (title, parent, content) must
// be saved as a new version. Labels, version_message and switching between
// equivalent body and markdown forms alone do not.
func pageNeedsWrite(plan, state pageModel, want content) bool {
	return plan.Title.ValueString() != state.Title.ValueString() ||
		plan.ParentID.ValueString() != state.ParentID.ValueString() ||
		want.hash != state.BodyHash.ValueString() ||
		holdsRemoteEdit(state)
}

// holdsRemoteEdit reports whether refresh brought a person's edit into the
// state's body: a body whose canonical form is not the one Terraform wrote.
func holdsRemoteEdit(state pageModel) bool {
	if state.Body.IsNull() {
		return false
	}
	hash, err := storage.Hash(state.Body.ValueString())
	return err != nil || hash != state.BodyHash.ValueString()
}

// setFromPage copies what Confluence reports about a page into the model.
func (r *PageResource) setFromPage(m *pageModel, page *confluence.Page, spaceKey string) {
	m.ID = types.StringValue(page.ID)
	m.SpaceKey = types.StringValue(spaceKey)
	m.Title = types.StringValue(page.Title)
	m.ParentID = types.StringValue(page.ParentID)
	m.Version = types.Int64Value(int64(page.Version.Number))
	m.URL = types.StringValue(r.data.client.PageURL(page.WebUI))
	m.LastModifiedAt = types.StringValue(page.Version.CreatedAt.UTC().Format(time.RFC3339))
	m.LastModifiedBy = types.StringValue(page.Version.AuthorID)
}

// contentPath is the attribute the content came from, for error locations.
func contentPath(m pageModel) path.Path {
	if !m.Markdown.IsNull() {
		return path.Root("markdown")
	}
	return path.Root("body")
}

// canonicalBody renders a body read from Confluence in canonical form, one
// block per line, with its hash.
func canonicalBody(body string) (string, string, error) {
	canonical, err := storage.Canonicalize(body)
	if err != nil {
		return "", "", err
	}
	hash, err := storage.Hash(canonical)
	return canonical, hash, err
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

// changeKnown reports whether everything a change writes is known: content,
// title, parent and every label.
func changeKnown(plan pageModel, want content) bool {
	return want.known && !plan.ParentID.IsUnknown() && !plan.Title.IsUnknown() && setFullyKnown(plan.Labels)
}

// setFullyKnown reports whether a set and each of its elements are known.
func setFullyKnown(s types.Set) bool {
	if s.IsUnknown() {
		return false
	}
	for _, e := range s.Elements() {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}

// containsAll reports whether every one of want is in have.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// labelChanges is the smallest set of additions and removals from the labels
// in state (read back from Confluence) to the planned ones. Null means the
// labels are not managed.
func labelChanges(ctx context.Context, planned, current types.Set, diags *diag.Diagnostics) (add, remove []string) {
	if planned.IsNull() {
		return nil, nil
	}
	want := setStrings(ctx, planned, diags)
	have := map[string]bool{}
	for _, l := range setStrings(ctx, current, diags) {
		have[l] = true
	}
	for _, l := range want {
		if !have[l] {
			add = append(add, l)
		}
		delete(have, l)
	}
	for l := range have {
		remove = append(remove, l)
	}
	sort.Strings(remove)
	return add, remove
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// summarize is the short form of an error for a sentence.
func summarize(err error) string {
	if apiErr, ok := confluence.AsAPIError(err); ok {
		if apiErr.Message != "" {
			return fmt.Sprintf("%d %s", apiErr.StatusCode, apiErr.Message)
		}
		return fmt.Sprintf("status %d", apiErr.StatusCode)
	}
	return "that the request failed (" + err.Error() + ")"
}
