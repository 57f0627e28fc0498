// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

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
)

var (
	_ resource.ResourceWithConfigure      = &AttachmentResource{}
	_ resource.ResourceWithImportState    = &AttachmentResource{}
	_ resource.ResourceWithModifyPlan     = &AttachmentResource{}
	_ resource.ResourceWithValidateConfig = &AttachmentResource{}
)

var attachmentIDPattern = regexp.MustCompile(`^(att)?[0-9]+$`)

// NewAttachmentResource is the confluence_attachment resource factory.
func NewAttachmentResource() resource.Resource { return &AttachmentResource{} }

// AttachmentResource manages one file attached to a page.
type AttachmentResource struct {
	data *providerData
}

// attachmentModel maps confluence_attachment.
type attachmentModel struct {
	ID               types.String `tfsdk:"id"`
	PageID           types.String `tfsdk:"page_id"`
	Source           types.String `tfsdk:"source"`
	Filename         types.String `tfsdk:"filename"`
	Comment          types.String `tfsdk:"comment"`
	OnDestroy        types.String `tfsdk:"on_destroy"`
	SHA256           types.String `tfsdk:"sha256"`
	Size             types.Int64  `tfsdk:"size"`
	MediaType        types.String `tfsdk:"media_type"`
	Version          types.Int64  `tfsdk:"version"`
	DownloadURL      types.String `tfsdk:"download_url"`
	PolicyDecision   types.String `tfsdk:"policy_decision"`
	ConfirmationCode types.String `tfsdk:"confirmation_code"`
}

func (r *AttachmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_attachment"
}

func (r *AttachmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = attachmentResourceSchema()
}

func attachmentResourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A file attached to a Confluence page (an image, diagram or PDF), uploaded from a local path. " +
			"The file is identified by the SHA-256 of its content: it is uploaded again, as a new attachment version, only when that hash changes. " +
			"The content never enters the state. Changes are governed by the page's `update_page` policy.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Attachment id, e.g. `att65601`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"page_id": schema.StringAttribute{
				MarkdownDescription: "Id of the page the file is attached to. Changing it attaches the file to the new page and removes it from the old one per `on_destroy`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"source": schema.StringAttribute{
				MarkdownDescription: "Path of the local file to upload, e.g. `\"${path.module}/img/architecture.png\"` (relative paths are relative to the directory Terraform runs in). " +
					"Read and hashed at plan time; a missing file fails the plan. Moving the file without changing its content uploads nothing.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"filename": schema.StringAttribute{
				MarkdownDescription: "File name of the attachment in Confluence, unique on the page; default the base name of `source`. " +
					"This is the name storage format refers to (`<ri:attachment ri:filename=\"…\"/>`). Changing it uploads the file under the new name and removes the old attachment per `on_destroy`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{filenameValidator{}},
			},
			"comment": schema.StringAttribute{
				MarkdownDescription: "Comment stored with the attachment version. Changing it uploads a new version (Confluence keeps a comment per version). " +
					"The provider appends the content hash to the stored comment (`[sha256:…]`), so that one list request tells which files changed.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtMost(255)},
			},
			"on_destroy": schema.StringAttribute{
				MarkdownDescription: "What destroying the resource does to the attachment: `trash` (default; restorable), `purge` (trash, then delete permanently; needs space admin) or `retain` (leave the file on the page and only forget it).",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(onDestroyTrash),
				Validators:          []validator.String{stringvalidator.OneOf(onDestroyTrash, onDestroyPurge, onDestroyRetain)},
			},
			"sha256": schema.StringAttribute{
				MarkdownDescription: "SHA-256 of the file's content (hex), taken from `source` at plan time. A new value uploads a new version.",
				Computed:            true,
			},
			"size": schema.Int64Attribute{
				MarkdownDescription: "Size of the file in bytes.",
				Computed:            true,
			},
			"media_type": schema.StringAttribute{
				MarkdownDescription: "Media type Confluence holds for the file, e.g. `image/png`, chosen from the file name's extension at upload.",
				Computed:            true,
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "Version number of the attachment; every upload of changed content adds one.",
				Computed:            true,
			},
			"download_url": schema.StringAttribute{
				MarkdownDescription: "Address that downloads the current version (needs a signed-in user who may view the page).",
				Computed:            true,
			},
			"policy_decision": schema.StringAttribute{
				MarkdownDescription: "Policy decision of the page's `update_page` operation for the planned change: `allowed`, `allowed_with_confirmation` or `unmanaged`. Denied changes fail the plan.",
				Computed:            true,
			},
			"confirmation_code": schema.StringAttribute{
				MarkdownDescription: "Confirmation code of the planned upload when the decision is `allowed_with_confirmation`, bound to the page, file name and content hash; the apply needs it granted in `CONFLUENCE_CONFIRMATIONS` (or, under a policy naming approvers, approved by them). Empty otherwise.",
				Computed:            true,
			},
		},
	}
}

func (r *AttachmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig fails on a missing or unreadable source before anything is
// sent (also in terraform validate).
func (r *AttachmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var source types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("source"), &source)...)
	if resp.Diagnostics.HasError() || source.IsNull() || source.IsUnknown() {
		return
	}
	if err := checkSourceFile(source.ValueString()); err != nil {
		addSourceError(&resp.Diagnostics, source.ValueString(), err)
	}
}

func (r *AttachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !attachmentIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid Attachment Id",
			fmt.Sprintf("%q is not a Confluence attachment id. Import an attachment by its id, e.g. terraform import confluence_attachment.example att65601 (GET /wiki/api/v2/pages/{page-id}/attachments lists them).", req.ID))
		return
	}
	id := "att" + strings.TrimPrefix(req.ID, "att")
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_destroy"), onDestroyTrash)...)
}

func (r *AttachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan attachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	file, ok := r.fileAtApply(&resp.Diagnostics, plan)
	if !ok {
		return
	}
	pageID := plan.PageID.ValueString()
	decision, pg, ok := r.decideAtApply(ctx, &resp.Diagnostics, attachmentChange{op: attachmentUpload, pageID: pageID, filename: file.Filename,
		content: attachmentChangeContent(file.Filename, file.SHA256, plan.Comment.ValueString())})
	if !ok {
		return
	}
	unlock := lockPageAttachments(pageID)
	defer unlock()

	up := uploadFor(file, plan.Comment.ValueString())
	att, err := r.data.client.CreateAttachment(ctx, pageID, up)
	if err != nil && confluence.IsBadRequest(err) {
		// Most likely a file of that name is on the page already: adopt it
		// only if it holds these very bytes (an earlier apply whose state was
		// lost), never someone else's file.
		att = r.adoptExisting(ctx, &resp.Diagnostics, pageID, file, err)
		if att == nil {
			return
		}
	} else if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Upload Attachment", fmt.Sprintf("While attaching %s to page %s", quote(file.Filename), pageID), r.data.account(), err)
		return
	}
	r.cache().forgetPage(pageID)

	r.setFromAttachment(&plan, att)
	plan.SHA256, plan.Size = types.StringValue(file.SHA256), types.Int64Value(file.Size)
	plan.PolicyDecision = types.StringValue(string(decision.Decision))
	plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	r.writeAudit(ctx, &resp.Diagnostics, pg, attachmentAuditRecord{Operation: "create", AttachmentID: att.ID, Version: att.Version.Number, SHA256: file.SHA256, Size: file.Size}, file.Filename, decision)
}

// adoptExisting looks for a current attachment of the same name after a
// refused create. It returns it when its content is exactly the file's.
func (r *AttachmentResource) adoptExisting(ctx context.Context, diags *diag.Diagnostics, pageID string, file confluence.HashedFile, createErr error) *confluence.Attachment {
	doing := fmt.Sprintf("While attaching %s to page %s", quote(file.Filename), pageID)
	found, err := r.data.client.ListPageAttachments(ctx, pageID, confluence.ListAttachmentsOptions{Filename: file.Filename})
	if err != nil || len(found) == 0 {
		addAPIError(diags, "Unable to Upload Attachment", doing, r.data.account(), createErr)
		return nil
	}
	existing := found[0]
	if existing.FileSize == file.Size {
		if sum, _, err := r.data.client.AttachmentSHA256(ctx, existing.DownloadLink); err == nil && sum == file.SHA256 {
			tflog.Info(ctx, "adopted an attachment with the same name and content", map[string]any{"attachment_id": existing.ID})
			return &existing
		}
	}
	diags.AddError("Attachment Already Exists",
		fmt.Sprintf("%s, Confluence reported %s. Page %s already has a file named %q (id %s, version %d) with other content; it was left untouched.\n\n"+
			"To manage that file with Terraform, import it:\n  terraform import 'confluence_attachment.<name>' %s\nor add an import block with id = %q. Otherwise choose another filename.",
			doing, summarize(createErr), pageID, file.Filename, existing.ID, existing.Version.Number, existing.ID, existing.ID))
	return nil
}

func (r *AttachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state attachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		return
	}
	att, err := r.lookup(ctx, state)
	if confluence.IsNotFound(err) || (err == nil && att.Status != "current") {
		tflog.Info(ctx, "attachment is gone or trashed; removing it from state", map[string]any{"attachment_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Attachment", "While reading attachment "+state.ID.ValueString(), r.data.account(), err)
		return
	}
	if !r.mayReadAttachment(ctx, &resp.Diagnostics, state, att) {
		return
	}
	remoteHash, err := r.remoteHash(ctx, state, att)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Attachment", fmt.Sprintf("While downloading attachment %s (%q) to hash its content", att.ID, att.Title), r.data.account(), err)
		return
	}
	r.setFromAttachment(&state, att)
	state.SHA256, state.Size = types.StringValue(remoteHash), types.Int64Value(att.FileSize)
	if state.OnDestroy.IsNull() {
		state.OnDestroy = types.StringValue(onDestroyTrash)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// lookup finds the attachment in the page's attachment index (one list per
// page and run), or by id when the page is not known (import) or the file is
// not in the index (trashed, moved).
func (r *AttachmentResource) lookup(ctx context.Context, state attachmentModel) (*confluence.Attachment, error) {
	id := state.ID.ValueString()
	if pageID := state.PageID.ValueString(); pageID != "" {
		if index, err := r.cache().attachments(ctx, r.data.client, pageID); err == nil {
			if a, ok := index[id]; ok {
				return &a, nil
			}
		}
	}
	return r.data.client.GetAttachment(ctx, id)
}

// remoteHash is the SHA-256 of the attachment's current content: the state's
// when the version is the one Terraform wrote, else the hash the provider
// recorded in the comment, else (a person uploaded it) the hash of a download.
func (r *AttachmentResource) remoteHash(ctx context.Context, state attachmentModel, att *confluence.Attachment) (string, error) {
	if !state.SHA256.IsNull() && state.SHA256.ValueString() != "" && state.Version.ValueInt64() == int64(att.Version.Number) {
		return state.SHA256.ValueString(), nil
	}
	if _, sum := confluence.ParseAttachmentComment(att.Comment); sum != "" {
		return sum, nil
	}
	sum, _, err := r.data.client.AttachmentSHA256(ctx, att.DownloadLink)
	return sum, err
}

func (r *AttachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state attachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	file, ok := r.fileAtApply(&resp.Diagnostics, plan)
	if !ok {
		return
	}
	if !attachmentNeedsUpload(file.SHA256, plan.Comment.ValueString(), state) {
		// Only the source path, on_destroy or form changed: nothing to send.
		plan.ID, plan.Version, plan.MediaType, plan.DownloadURL = state.ID, state.Version, state.MediaType, state.DownloadURL
		plan.SHA256, plan.Size = types.StringValue(file.SHA256), types.Int64Value(file.Size)
		plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	pageID := state.PageID.ValueString()
	decision, pg, ok := r.decideAtApply(ctx, &resp.Diagnostics, attachmentChange{op: attachmentUpload, pageID: pageID, filename: file.Filename,
		content: attachmentChangeContent(file.Filename, file.SHA256, plan.Comment.ValueString())})
	if !ok {
		return
	}
	unlock := lockPageAttachments(pageID)
	defer unlock()
	if !r.unchangedSincePlan(ctx, &resp.Diagnostics, state) {
		return
	}
	att, err := r.data.client.UpdateAttachmentData(ctx, pageID, state.ID.ValueString(), int(state.Version.ValueInt64()), uploadFor(file, plan.Comment.ValueString()))
	if err != nil {
		detail := fmt.Sprintf("While uploading a new version of attachment %s (%q) on page %s", state.ID.ValueString(), file.Filename, pageID)
		if errors.Is(err, confluence.ErrContentChanged) {
			resp.Diagnostics.AddAttributeError(path.Root("source"), "Attachment Source Changed During Apply", detail+", the file changed while it was being sent; nothing was stored. Run terraform plan again.")
			return
		}
		addAPIError(&resp.Diagnostics, "Unable to Upload Attachment", detail, r.data.account(), err)
		return
	}
	r.cache().forgetPage(pageID)
	r.setFromAttachment(&plan, att)
	plan.SHA256, plan.Size = types.StringValue(file.SHA256), types.Int64Value(file.Size)
	plan.PolicyDecision = types.StringValue(string(decision.Decision))
	plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	r.writeAudit(ctx, &resp.Diagnostics, pg, attachmentAuditRecord{Operation: "update", AttachmentID: att.ID, Version: att.Version.Number, SHA256: file.SHA256, Size: file.Size}, file.Filename, decision)
}

func (r *AttachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state attachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	id, mode, pageID, filename := state.ID.ValueString(), state.OnDestroy.ValueString(), state.PageID.ValueString(), state.Filename.ValueString()
	if mode == onDestroyRetain {
		tflog.Info(ctx, "on_destroy = retain: leaving the attachment on the page", map[string]any{"attachment_id": id})
		return
	}
	decision, pg, ok := r.decideAtApply(ctx, &resp.Diagnostics, attachmentChange{op: attachmentRemove, pageID: pageID, filename: filename, content: attachmentRemoveContent(filename)})
	if !ok {
		return
	}
	unlock := lockPageAttachments(pageID)
	defer unlock()
	if err := r.data.client.DeleteAttachment(ctx, id, false); err != nil && !confluence.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete Attachment", fmt.Sprintf("While moving attachment %s (%q) on page %s to the trash", id, filename, pageID), r.data.account(), err)
		return
	}
	if mode == onDestroyPurge {
		if err := r.data.client.DeleteAttachment(ctx, id, true); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to Purge Attachment", fmt.Sprintf("While purging attachment %s from the trash (it is in the trash now and can be restored or purged by a space admin)", id), r.data.account(), err)
			return
		}
	}
	r.cache().forgetPage(pageID)
	r.writeAudit(ctx, &resp.Diagnostics, pg, attachmentAuditRecord{Operation: "delete", AttachmentID: id, Version: int(state.Version.ValueInt64()), SHA256: state.SHA256.ValueString(), Size: state.Size.ValueInt64()}, filename, decision)
}

// unchangedSincePlan reads the attachment afresh and refuses to upload over
// a version someone else stored after the plan: the upload would make the
// reviewed plan's file current again and push the person's file into the
// history without anyone having seen it. (The v1 upload takes no version
// precondition, so this narrows the window to the moment between this read
// and the upload; a lost answer is then reconciled by version and content.)
func (r *AttachmentResource) unchangedSincePlan(ctx context.Context, diags *diag.Diagnostics, state attachmentModel) bool {
	id, pageID, filename := state.ID.ValueString(), state.PageID.ValueString(), state.Filename.ValueString()
	current, err := r.data.client.GetAttachment(ctx, id)
	switch {
	case confluence.IsNotFound(err):
		diags.AddAttributeError(path.Root("source"), "Attachment Deleted Since the Plan",
			fmt.Sprintf("Attachment %s (%q) on page %s was deleted after the plan, so the planned new version has nothing to build on. Nothing was uploaded. Run terraform plan again: it plans the file as a new attachment.", id, filename, pageID))
		return false
	case err != nil:
		addAPIError(diags, "Unable to Read Attachment", fmt.Sprintf("While checking attachment %s (%q) on page %s before uploading a new version", id, filename, pageID), r.data.account(), err)
		return false
	}
	if planned := int(state.Version.ValueInt64()); current.Version.Number != planned {
		diags.AddAttributeError(path.Root("source"), "Attachment Changed Since the Plan",
			fmt.Sprintf("Attachment %s (%q) on page %s is at version %d, but the plan was made against version %d: someone stored a new version after the plan. Nothing was uploaded, so their file stays current. Run terraform plan again to see whether it differs from source, then apply.",
				id, filename, pageID, current.Version.Number, planned))
		return false
	}
	return true
}

// fileAtApply hashes the source again and refuses a file that changed since the plan.
func (r *AttachmentResource) fileAtApply(diags *diag.Diagnostics, plan attachmentModel) (confluence.HashedFile, bool) {
	file, err := hashSource(plan.Source.ValueString(), plan.Filename.ValueString())
	if err != nil {
		addSourceError(diags, plan.Source.ValueString(), err)
		return file, false
	}
	if planned := plan.SHA256; !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != file.SHA256 {
		diags.AddAttributeError(path.Root("source"), "Attachment Source Changed Since the Plan",
			fmt.Sprintf("%s was planned with SHA-256 %s but now hashes to %s. Nothing was uploaded: the plan that was reviewed is not what would be sent. Run terraform plan again.",
				plan.Source.ValueString(), planned.ValueString(), file.SHA256))
		return file, false
	}
	return file, true
}

// setFromAttachment copies what Confluence reports into the model.
func (r *AttachmentResource) setFromAttachment(m *attachmentModel, att *confluence.Attachment) {
	m.ID = types.StringValue(att.ID)
	if att.PageID != "" {
		m.PageID = types.StringValue(att.PageID)
	}
	m.Filename = types.StringValue(att.Title)
	if comment, _ := confluence.ParseAttachmentComment(att.Comment); comment != "" || !m.Comment.IsNull() {
		m.Comment = types.StringValue(comment)
	}
	m.MediaType = types.StringValue(att.MediaType)
	m.Version = types.Int64Value(int64(att.Version.Number))
	m.DownloadURL = types.StringValue(r.data.client.AttachmentURL(att.DownloadLink))
}

func uploadFor(file confluence.HashedFile, comment string) confluence.AttachmentUpload {
	return confluence.AttachmentUpload{
		Filename: file.Filename, MediaType: file.MediaType, Comment: confluence.AttachmentComment(comment, file.SHA256),
		Size: file.Size, SHA256: file.SHA256, Open: confluence.OpenFile(file.Path),
	}
}
