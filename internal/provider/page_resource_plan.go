// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

var (
	pageIDPattern = regexp.MustCompile(`^[0-9]+$`)
	titlePattern  = regexp.MustCompile(`^\S(.*\S)?$`)
)

// auditPropertyKey is the page property every write by the provider sets, so
// the change trail survives outside Terraform state.
const auditPropertyKey = "terraform.change"

// ModifyPlan makes form-only edits no-ops, plans the computed values that are
// pure functions of the configuration, and applies the operation policy. It
// runs at plan and again at apply with the same inputs, so everything it plans
// must come out identical both times.
func (r *PageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // validate only: the provider is not configured
	}
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	var plan, config pageModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var state *pageModel
	if !req.State.Raw.IsNull() {
		state = &pageModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	want, err := desiredContent(config)
	if err != nil {
		resp.Diagnostics.AddAttributeError(contentPath(config), "Invalid Page Content", err.Error())
		return
	}
	if state != nil && want.known {
		keepEquivalentForm(&plan, config, *state, want)
	}
	plan.BodyHash = types.StringUnknown()
	if want.known {
		plan.BodyHash = types.StringValue(want.hash)
	}
	if config.ParentID.IsNull() {
		r.planHomepageParent(ctx, &plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	if state != nil && !plan.SpaceKey.Equal(state.SpaceKey) {
		// A new space replaces the page. Terraform plans the new page
		// separately, as a create without prior state; here the old page's
		// deletion is what needs governing.
		r.governDelete(ctx, *state, &resp.Diagnostics)
		return
	}

	// Until everything a change writes is known, neither its confirmation
	// code nor (for an update) whether it writes at all can be planned: the
	// apply-time re-plan would contradict a guess.
	contentKnown := changeKnown(plan, want)
	op := policy.CreatePage
	if state != nil {
		op = policy.UpdatePage
		plan.Version, plan.LastModifiedAt, plan.LastModifiedBy, plan.URL = state.Version, state.LastModifiedAt, state.LastModifiedBy, state.URL
		if !plan.Title.Equal(state.Title) {
			plan.URL = types.StringUnknown() // Confluence puts the title in the page URL
		}
		if !contentKnown {
			plan.Version, plan.LastModifiedAt, plan.LastModifiedBy = types.Int64Unknown(), types.StringUnknown(), types.StringUnknown()
			plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
		} else {
			add, remove := labelChanges(ctx, plan.Labels, state.Labels, &resp.Diagnostics)
			pageWrite := pageNeedsWrite(plan, *state, want)
			if pageWrite {
				plan.Version = types.Int64Value(state.Version.ValueInt64() + 1)
				plan.LastModifiedAt, plan.LastModifiedBy = types.StringUnknown(), types.StringUnknown()
			}
			if !pageWrite && len(add) == 0 && len(remove) == 0 {
				// Nothing reaches Confluence, so nothing is governed.
				plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
				resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
				return
			}
		}
	} else {
		plan.Version = types.Int64Value(1)
	}

	if r.data.configUnknown || plan.SpaceKey.IsUnknown() {
		// The policy to apply is not known yet; the apply decides and enforces.
		plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	decision, err := r.decidePage(ctx, op, plan, state, want)
	subject := describePageChange(op, plan, state)
	if err != nil {
		r.data.addPolicyEvaluationError(&resp.Diagnostics, subject, err)
		return
	}
	if !contentKnown {
		if decision.Decision == policy.DecisionDenied {
			r.data.reportDecision(&resp.Diagnostics, decision, subject)
			return
		}
		if decision.Decision == policy.DecisionAllowedWithConfirmation {
			resp.Diagnostics.AddWarning("Confirmation Code Not Final",
				subject+" needs confirmation, but it depends on values not known until apply, so its confirmation code cannot be bound to the change yet. "+
					"The apply will stop before writing and show the final code; grant that code and apply again.")
		}
		if op == policy.CreatePage {
			plan.PolicyDecision, plan.ConfirmationCode = types.StringValue(string(decision.Decision)), types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if !r.data.reportDecision(&resp.Diagnostics, decision, subject) {
		return
	}
	plan.PolicyDecision = types.StringValue(string(decision.Decision))
	plan.ConfirmationCode = types.StringValue(decision.ConfirmationCode)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planDestroy governs deleting a page: denied fails the plan, a confirmation
// shows its code as a warning (a destroy plan has no attributes to carry it).
func (r *PageResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state pageModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.governDelete(ctx, state, &resp.Diagnostics)
}

// governDelete applies the delete_page policy to the page in state, unless
// destroying it leaves the page in Confluence.
func (r *PageResource) governDelete(ctx context.Context, state pageModel, diags *diag.Diagnostics) {
	if r.data.configUnknown || state.OnDestroy.ValueString() == onDestroyRetain {
		return
	}
	decision, err := r.decidePage(ctx, policy.DeletePage, state, &state, content{known: true})
	subject := describePageChange(policy.DeletePage, state, &state)
	if err != nil {
		r.data.addPolicyEvaluationError(diags, subject, err)
		return
	}
	r.data.reportDecision(diags, decision, subject)
}

// keepEquivalentForm keeps the prior text when the configuration changed only
// its form: storage that canonicalises the same, or Markdown that renders the
// same. Terraform accepts the prior value for such an attribute, so the plan
// is empty instead of showing a change that would write nothing.
func keepEquivalentForm(plan *pageModel, config, state pageModel, want content) {
	switch {
	case !config.Body.IsNull() && !state.Body.IsNull() && state.Markdown.IsNull():
		if same, err := storage.Equivalent(config.Body.ValueString(), state.Body.ValueString()); err == nil && same {
			plan.Body = state.Body
		}
	case !config.Markdown.IsNull() && !state.Markdown.IsNull() && state.Body.IsNull():
		if want.hash == state.BodyHash.ValueString() {
			plan.Markdown = state.Markdown
		}
	}
}

// planHomepageParent plans the space homepage as parent when none is
// configured, so removing parent_id moves the page back under the homepage.
func (r *PageResource) planHomepageParent(ctx context.Context, plan *pageModel, diags *diag.Diagnostics) {
	if r.data.configUnknown || plan.SpaceKey.IsUnknown() {
		plan.ParentID = types.StringUnknown()
		return
	}
	space, err := r.data.run.Space(ctx, plan.SpaceKey.ValueString())
	if err != nil {
		addAPIError(diags, "Unable to Read Space", "While planning page "+quote(plan.Title.ValueString())+" in space "+plan.SpaceKey.ValueString(), r.data.account(), err)
		return
	}
	plan.ParentID = types.StringValue(space.HomepageID)
}

func describePageChange(op policy.Operation, plan pageModel, state *pageModel) string {
	switch op {
	case policy.CreatePage:
		return fmt.Sprintf("Creating page %q in space %s (create_page)", plan.Title.ValueString(), plan.SpaceKey.ValueString())
	case policy.DeletePage:
		return fmt.Sprintf("Deleting page %s (%q) in space %s (delete_page)", state.ID.ValueString(), state.Title.ValueString(), state.SpaceKey.ValueString())
	default:
		return fmt.Sprintf("Updating page %s (%q) in space %s (update_page)", state.ID.ValueString(), plan.Title.ValueString(), plan.SpaceKey.ValueString())
	}
}

// auditRecord is the value of the terraform.change page property.
type auditRecord struct {
	Operation        string `json:"operation"`
	Version          int    `json:"version"`
	BodyHash         string `json:"body_hash"`
	Decision         string `json:"policy_decision"`
	ConfirmationCode string `json:"confirmation_code,omitempty"`
	Connection       string `json:"connection,omitempty"`
	AccountID        string `json:"account_id"`
	ChangeReference  string `json:"change_reference,omitempty"`
	VersionMessage   string `json:"version_message,omitempty"`
	At               string `json:"at"`
}

// writeAudit records the write on the page itself. A failure is a warning.
func (r *PageResource) writeAudit(ctx context.Context, diags *diag.Diagnostics, page *confluence.Page, op policy.Operation, decision policy.Result, plan pageModel) {
	record := auditRecord{
		Operation:        string(op),
		Version:          page.Version.Number,
		BodyHash:         plan.BodyHash.ValueString(),
		Decision:         string(decision.Decision),
		ConfirmationCode: decision.ConfirmationCode,
		Connection:       decision.Connection,
		AccountID:        page.Version.AuthorID,
		ChangeReference:  r.data.changeReference,
		VersionMessage:   plan.VersionMessage.ValueString(),
		At:               time.Now().UTC().Format(time.RFC3339),
	}
	var err error
	if op == policy.CreatePage {
		// A page created by this apply has no properties yet: skip the lookup.
		_, err = r.data.client.CreatePageProperty(ctx, page.ID, auditPropertyKey, record)
	} else {
		_, err = r.data.client.PutPageProperty(ctx, page.ID, auditPropertyKey, record)
	}
	if err != nil {
		// The page is saved and its version message records the decision;
		// failing here would taint a good page and replace it next time.
		addAPIWarning(diags, "Audit Property Not Written",
			fmt.Sprintf("Page %s was saved as version %d (its version message records the decision), but while recording the change in its %q property", page.ID, page.Version.Number, auditPropertyKey), r.data.account(), err)
	}
}

var _ validator.String = storageBodyValidator{}

// storageBodyValidator rejects storage format that is not well-formed, at plan
// time, naming the line and element.
type storageBodyValidator struct{}

func (storageBodyValidator) Description(context.Context) string {
	return "must be well-formed Confluence storage format (XHTML)"
}

func (v storageBodyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (storageBodyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := storage.Validate(req.ConfigValue.ValueString()); err != nil {
		detail := err.Error()
		var syntaxErr *storage.SyntaxError
		if errors.As(err, &syntaxErr) {
			detail = fmt.Sprintf("Line %d, column %d: %s", syntaxErr.Line, syntaxErr.Column, syntaxErr.Msg)
			if syntaxErr.Element != "" && !strings.Contains(syntaxErr.Msg, "<"+syntaxErr.Element+">") {
				detail += fmt.Sprintf(" (element <%s>)", syntaxErr.Element)
			}
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Storage Format",
			"The page body is not well-formed Confluence storage format (XHTML). "+detail+
				"\n\nClose every element (<br/>, <p>…</p>), escape & as &amp;, and use entities Confluence knows (HTML named entities or numeric references).")
	}
}
