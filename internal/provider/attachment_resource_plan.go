// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/report"
)

// attachmentAuditKey is the page property that records every attachment
// change by the provider, one entry per file name. It is separate from the
// page's terraform.change so that attachment and page writes, which run in
// parallel, never overwrite each other's record.
const attachmentAuditKey = "terraform.attachments"

// ModifyPlan hashes the source, plans the computed values and applies the
// page's update_page policy. Like the page's, it runs at plan and again at
// apply and plans only pure functions of the configuration, the file and the policy.
func (r *AttachmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	var plan, config attachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var state *attachmentModel
	if !req.State.Raw.IsNull() {
		state = &attachmentModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// The file first: a missing source fails here, before any request.
	var file *confluence.HashedFile
	if !config.Source.IsUnknown() && !config.Filename.IsUnknown() {
		hashed, err := hashSource(config.Source.ValueString(), config.Filename.ValueString())
		if err != nil {
			addSourceError(&resp.Diagnostics, config.Source.ValueString(), err)
			return
		}
		file = &hashed
		plan.Filename = types.StringValue(hashed.Filename)
		plan.SHA256, plan.Size = types.StringValue(hashed.SHA256), types.Int64Value(hashed.Size)
	} else {
		plan.SHA256, plan.Size = types.StringUnknown(), types.Int64Unknown()
		if config.Filename.IsNull() {
			plan.Filename = types.StringUnknown()
		}
	}

	if state != nil && !plan.Filename.Equal(state.Filename) {
		// A new name is a new attachment; the old one goes per on_destroy.
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("filename"))
		r.governRemove(ctx, *state, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if state != nil && !plan.PageID.Equal(state.PageID) {
		// Replaced (page_id requires it): govern removing the file from the old page.
		r.governRemove(ctx, *state, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	upload := state == nil || file == nil || attachmentNeedsUpload(file.SHA256, config.Comment.ValueString(), *state)
	if state != nil {
		plan.ID, plan.Version, plan.MediaType, plan.DownloadURL = state.ID, state.Version, state.MediaType, state.DownloadURL
		if !upload {
			// Nothing reaches Confluence, so nothing is governed.
			plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
		plan.Version = types.Int64Unknown()
		if file != nil {
			plan.Version = types.Int64Value(state.Version.ValueInt64() + 1)
		}
	} else {
		plan.ID, plan.Version, plan.DownloadURL = types.StringUnknown(), types.Int64Value(1), types.StringUnknown()
	}
	// Confluence may type a file differently from its extension; the value is read back.
	plan.MediaType, plan.DownloadURL = types.StringUnknown(), types.StringUnknown()

	if r.data == nil || r.data.configUnknown || plan.PageID.IsUnknown() || file == nil {
		// The page (hence its space and policy) or the content is known only
		// at apply: the apply decides and enforces.
		plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
		if r.data != nil && r.data.configUnknown {
			reportNotDecided(&resp.Diagnostics, describeAttachmentChange(attachmentUpload, plan.PageID.ValueString(), plan.Filename.ValueString()))
		}
		if r.data != nil && !r.data.configUnknown && !plan.PageID.IsUnknown() {
			r.decideContentLater(ctx, &resp.Diagnostics, attachmentChange{op: attachmentUpload, pageID: plan.PageID.ValueString(), filename: plan.Filename.ValueString(), content: "unknown"})
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	change := attachmentChange{op: attachmentUpload, pageID: plan.PageID.ValueString(), filename: file.Filename,
		content: attachmentChangeContent(file.Filename, file.SHA256, config.Comment.ValueString())}
	decision, ok := r.decideAtPlan(ctx, &resp.Diagnostics, change)
	if !ok {
		return
	}
	plan.PolicyDecision = types.StringValue(string(decision.Decision))
	plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *AttachmentResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state attachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.governRemove(ctx, state, &resp.Diagnostics)
}

// governRemove applies the page's update_page policy to removing the file,
// unless destroying it leaves the file on the page.
func (r *AttachmentResource) governRemove(ctx context.Context, state attachmentModel, diags *diag.Diagnostics) {
	if r.data == nil || state.OnDestroy.ValueString() == onDestroyRetain {
		return
	}
	filename := state.Filename.ValueString()
	if r.data.configUnknown {
		reportNotDecided(diags, describeAttachmentChange(attachmentRemove, state.PageID.ValueString(), filename))
		return
	}
	r.decideAtPlan(ctx, diags, attachmentChange{op: attachmentRemove, pageID: state.PageID.ValueString(), filename: filename, content: attachmentRemoveContent(filename)})
}

type attachmentOp int

const (
	attachmentUpload attachmentOp = iota
	attachmentRemove
)

func describeAttachmentChange(op attachmentOp, pageID, filename string) string {
	if op == attachmentRemove {
		return fmt.Sprintf("Removing attachment %q from page %s (update_page)", filename, pageID)
	}
	return fmt.Sprintf("Uploading attachment %q to page %s (update_page)", filename, pageID)
}

// attachmentChangeContent is what an upload's confirmation code is bound to.
func attachmentChangeContent(filename, sha256Hex, comment string) string {
	return fmt.Sprintf("attachment=%s\nsha256=%s\ncomment=%s", filename, sha256Hex, strings.TrimSpace(comment))
}

func attachmentRemoveContent(filename string) string {
	return "attachment=" + filename + "\nremove"
}

// attachmentNeedsUpload reports whether the planned file differs from the
// state's: new content, or a new comment (Confluence keeps one per version).
func attachmentNeedsUpload(sha256Hex, comment string, state attachmentModel) bool {
	return sha256Hex != state.SHA256.ValueString() || strings.TrimSpace(comment) != strings.TrimSpace(state.Comment.ValueString())
}

// hashSource reads and hashes the file; filename defaults to its base name.
func hashSource(source, filename string) (confluence.HashedFile, error) {
	if err := checkSourceFile(source); err != nil {
		return confluence.HashedFile{}, err
	}
	if filename == "" {
		filename = filepath.Base(source)
	}
	sum, size, err := confluence.HashFile(source)
	if err != nil {
		return confluence.HashedFile{}, err
	}
	return confluence.HashedFile{
		LocalFile: confluence.LocalFile{Path: source, Filename: filename},
		SHA256:    sum, Size: size, MediaType: confluence.MediaTypeOf(filename),
	}, nil
}

var errNotRegularFile = errors.New("is not a regular file")

// checkSourceFile fails for a missing, unreadable or non-regular file.
func checkSourceFile(source string) error {
	info, err := os.Stat(source)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s %w", source, errNotRegularFile)
	}
	return nil
}

func addSourceError(diags *diag.Diagnostics, source string, err error) {
	hint := "Check the path: relative paths are relative to the directory Terraform runs in, so write \"${path.module}/…\" for files next to the configuration."
	summary := "Attachment Source Not Readable"
	if errors.Is(err, fs.ErrNotExist) {
		summary = "Attachment Source Not Found"
	}
	diags.AddAttributeError(path.Root("source"), summary,
		fmt.Sprintf("The file to attach, %q, cannot be read: %v. Nothing was sent to Confluence.\n\n%s", source, err, hint))
}

var _ validator.String = filenameValidator{}

// filenameValidator accepts names Confluence can hold as one path segment.
type filenameValidator struct{}

func (filenameValidator) Description(context.Context) string {
	return "must be a file name of 1 to 255 characters without / or \\"
}

func (v filenameValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (filenameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validAttachmentFilename(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attachment Filename", err.Error())
	}
}

// validAttachmentFilename checks a file name for Confluence: the download
// link holds it as one path segment.
func validAttachmentFilename(name string) error {
	switch {
	case strings.TrimSpace(name) == "" || name == "." || name == "..":
		return fmt.Errorf("%q is not a file name: give a name such as diagram.png", name)
	case utf8.RuneCountInString(name) > 255:
		return fmt.Errorf("%q is longer than 255 characters", name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("%q contains a path separator: the filename is a name on the page, not a path; put the path in source", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("%q starts or ends with white space", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q contains a control character", name)
		}
	}
	return nil
}

// attachmentAuditRecord is one file's entry in the terraform.attachments
// page property: the audit export's type, so writer and reader share one shape.
type attachmentAuditRecord = report.AttachmentRecord

// withAuditRecord returns the property value with filename's entry set.
func withAuditRecord(current json.RawMessage, filename string, rec attachmentAuditRecord) (map[string]attachmentAuditRecord, error) {
	entries := map[string]attachmentAuditRecord{}
	if len(current) > 0 && string(current) != "null" {
		if err := json.Unmarshal(current, &entries); err != nil {
			return nil, fmt.Errorf("the %s property is not a JSON object of records: %w", attachmentAuditKey, err)
		}
	}
	entries[filename] = rec
	return entries, nil
}

// writeAudit records the change in the page's terraform.attachments property.
// Writes for one page are serialised in this process (the caller holds the
// page lock); a failure is a warning, since the file itself is saved.
func (r *AttachmentResource) writeAudit(ctx context.Context, diags *diag.Diagnostics, pg *attachmentPage, rec attachmentAuditRecord, filename string, decision policy.Result) {
	rec.Decision, rec.ConfirmationCode, rec.Connection = string(decision.Decision), decision.ConfirmationCode, decision.Connection
	rec.ChangeReference, rec.At = r.data.changeReference, r.data.now().UTC().Format(time.RFC3339)
	if user, err := r.data.run.CurrentUser(ctx); err == nil {
		rec.AccountID = user.AccountID
	}
	err := r.putAudit(ctx, pg.id, filename, rec)
	if confluence.IsConflict(err) {
		err = r.putAudit(ctx, pg.id, filename, rec) // another writer got in between: read again once
	}
	if err != nil {
		addAPIWarning(diags, "Audit Property Not Written",
			fmt.Sprintf("Attachment %q on page %s was saved, but while recording the change in the page's %q property", filename, pg.id, attachmentAuditKey), r.data.account(), err)
	}
}

func (r *AttachmentResource) putAudit(ctx context.Context, pageID, filename string, rec attachmentAuditRecord) error {
	props, err := r.data.client.ListPageProperties(ctx, pageID, attachmentAuditKey)
	if err != nil {
		return err
	}
	for _, p := range props {
		if p.Key != attachmentAuditKey {
			continue
		}
		value, err := withAuditRecord(p.Value, filename, rec)
		if err != nil {
			return err
		}
		p.Version++
		_, err = r.data.client.UpdatePageProperty(ctx, pageID, p, value)
		return err
	}
	value, _ := withAuditRecord(nil, filename, rec)
	_, err = r.data.client.CreatePageProperty(ctx, pageID, attachmentAuditKey, value)
	return err
}

// pageLocks serialises attachment writes per page within the provider
// process, so parallel uploads to one page do not race on its audit property.
var pageLocks sync.Map // page id → *sync.Mutex

func lockPageAttachments(pageID string) func() {
	m, _ := pageLocks.LoadOrStore(pageID, &sync.Mutex{})
	mu, _ := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// attachmentPage is what deciding the policy needs to know about a page.
type attachmentPage struct {
	id, title, spaceKey string
}

// attachmentRunCache holds, per run, the pages attachments live on and each
// page's attachment index, so refreshing N files on a page costs one list.
type attachmentRunCache struct {
	mu      sync.Mutex
	pages   map[string]*onceValue[*attachmentPage]
	indexes map[string]*onceValue[map[string]confluence.Attachment]
}

// attachmentRuns maps a run's cache to its attachment cache; the provider
// process lives for one command, as the run cache does.
var attachmentRuns sync.Map // *runCache → *attachmentRunCache

func (r *AttachmentResource) cache() *attachmentRunCache {
	c, _ := attachmentRuns.LoadOrStore(r.data.run, &attachmentRunCache{
		pages:   map[string]*onceValue[*attachmentPage]{},
		indexes: map[string]*onceValue[map[string]confluence.Attachment]{},
	})
	cache, _ := c.(*attachmentRunCache)
	return cache
}

func (c *attachmentRunCache) page(ctx context.Context, client *confluence.Client, pageID string) (*attachmentPage, error) {
	return entry(&c.mu, c.pages, pageID).get(func() (*attachmentPage, error) {
		p, err := client.GetPage(ctx, pageID, confluence.GetPageOptions{})
		if err != nil {
			return nil, err
		}
		s, err := client.GetSpace(ctx, p.SpaceID)
		if err != nil {
			return nil, err
		}
		return &attachmentPage{id: p.ID, title: p.Title, spaceKey: s.Key}, nil
	})
}

func (c *attachmentRunCache) attachments(ctx context.Context, client *confluence.Client, pageID string) (map[string]confluence.Attachment, error) {
	return entry(&c.mu, c.indexes, pageID).get(func() (map[string]confluence.Attachment, error) {
		list, err := client.ListPageAttachments(ctx, pageID, confluence.ListAttachmentsOptions{})
		if err != nil {
			return nil, err
		}
		index := make(map[string]confluence.Attachment, len(list))
		for _, a := range list {
			index[a.ID] = a
		}
		return index, nil
	})
}

// forgetPage drops a page's attachment index after a write.
func (c *attachmentRunCache) forgetPage(pageID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.indexes, pageID)
}
