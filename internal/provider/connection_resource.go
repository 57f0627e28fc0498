// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ resource.ResourceWithConfigure      = &ConnectionResource{}
	_ resource.ResourceWithImportState    = &ConnectionResource{}
	_ resource.ResourceWithModifyPlan     = &ConnectionResource{}
	_ resource.ResourceWithValidateConfig = &ConnectionResource{}
)

// NewConnectionResource is the confluence_connection resource factory.
func NewConnectionResource() resource.Resource { return &ConnectionResource{} }

// ConnectionResource registers an automation identity: its connection record
// is written as a space property in every space of its scope.
type ConnectionResource struct {
	data *providerData
	// now is the clock; tests replace it.
	now func() time.Time
}

// connectionModel maps confluence_connection.
type connectionModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Email             types.String `tfsdk:"email"`
	Spaces            types.Set    `tfsdk:"spaces"`
	APITokenWO        types.String `tfsdk:"api_token_wo"`
	APITokenWOVersion types.Int64  `tfsdk:"api_token_wo_version"`
	TokenExpiresAt    types.String `tfsdk:"token_expires_at"`
	AccountID         types.String `tfsdk:"account_id"`
	DisplayName       types.String `tfsdk:"display_name"`
	TokenRotatedAt    types.String `tfsdk:"token_rotated_at"`
	AuthMode          types.String `tfsdk:"auth_mode"`
	ClientID          types.String `tfsdk:"client_id"`
	ClientSecretWO    types.String `tfsdk:"client_secret_wo"`
}

// mode is the connection's auth mode; null (older state, direct calls) is classic.
func (m connectionModel) mode() string {
	if m.AuthMode.IsNull() || m.AuthMode.IsUnknown() || m.AuthMode.ValueString() == "" {
		return string(confluence.AuthClassicToken)
	}
	return m.AuthMode.ValueString()
}

func (r *ConnectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *ConnectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = connectionResourceSchema()
}

func connectionResourceSchema() schema.Schema {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		MarkdownDescription: "A registered automation identity: an Atlassian account, its API token and the spaces it may touch. " +
			"Apply checks that the token authenticates as `email`, learns the account id and writes the connection record as the space property " +
			"`terraform.connection.<name>` in every space of `spaces`; the `confluence_operation_policy` of the connection says what it may do there. " +
			"Managed from the administrators' workspace: writing space properties needs space admin. The token is write-only and never stored in state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The connection name. Reference it (`confluence_connection.<x>.id`) from `confluence_operation_policy.connection_name` so the policy waits for the connection.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Connection name, 1 to 64 lowercase letters, digits, `-`, `_` or `.`. Automation configures the provider's `connection` with it. Changing it replaces the connection.",
				Required:            true,
				Validators:          []validator.String{connectionNameValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "E-mail address of the Atlassian account the API token belongs to. Use a dedicated automation account with edit permission only in the spaces of the scope, never space admin.",
				Required:            true,
				Validators:          []validator.String{validators.Email()},
			},
			"spaces": schema.SetAttribute{
				MarkdownDescription: "Scope: keys of the spaces the connection may touch. The connection record is written to each; removing a space removes the connection's records (connection and policy) from it, adding one copies the policy there. Operations in other spaces are denied.",
				Required:            true,
				ElementType:         types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(validators.SpaceKey()),
				},
			},
			"api_token_wo": schema.StringAttribute{
				MarkdownDescription: "API token of the account, write-only (Terraform 1.11 or later): it is sent once to verify it and never stored in state or plan. " +
					"Needed when the connection is created and whenever `api_token_wo_version` or `email` changes; pass it from a secret store or an ephemeral value.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
			},
			"api_token_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of the token. Terraform cannot see changes of a write-only value: change this number (e.g. increment it) when you rotate the token, so the apply verifies the new one and records the rotation.",
				Optional:            true,
			},
			"token_expires_at": schema.StringAttribute{
				MarkdownDescription: "When the API token expires (RFC 3339, e.g. `2027-01-31T00:00:00Z`), as shown by Atlassian when the token was created. Plans warn within 30 days of it and fail once it has passed.",
				Optional:            true,
				Validators:          []validator.String{validators.RFC3339()},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Atlassian account id the token authenticates as, learned at apply. The policy governs this account.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Display name of the account, learned at apply.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"token_rotated_at": schema.StringAttribute{
				MarkdownDescription: "When the token was last verified as new (RFC 3339): set at creation and whenever `api_token_wo_version` changes, and only then.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"auth_mode": schema.StringAttribute{
				MarkdownDescription: "How the connection's account authenticates, recorded in the connection record: `classic_token` (default; an account's API token at the site), " +
					"`scoped_token` (a service account's scoped API token, through the API gateway) or `oauth_client_credentials` (a service account's OAuth 2.0 client id and secret). " +
					"Apply verifies the credential in this mode, with the provider's `cloud_id`, `gateway_url` and `oauth_token_url`. Changing it needs the new credential.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(string(confluence.AuthClassicToken)),
				Validators: []validator.String{stringvalidator.OneOf(confluence.AuthModes...)},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "OAuth 2.0 client id of the service account, for `auth_mode = \"oauth_client_credentials\"`. Recorded in the connection record (the secret never is).",
				Optional:            true,
			},
			"client_secret_wo": schema.StringAttribute{
				MarkdownDescription: "OAuth 2.0 client secret, write-only (Terraform 1.11 or later), for `auth_mode = \"oauth_client_credentials\"`: sent once to the token endpoint to verify it and never stored in state, plan or the record. " +
					"Needed when the connection is created and whenever `email`, `auth_mode`, `client_id` or `api_token_wo_version` changes (that version then numbers the secret).",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
			},
		},
	}
}

// ValidateConfig checks that the configuration carries the credential of its
// auth mode and none of another. Nothing is sent.
func (r *ConnectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config connectionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.AuthMode.IsUnknown() || config.ClientID.IsUnknown() {
		return
	}
	for _, p := range connectionCredentialProblems(config.mode(), config.ClientID.ValueString(), !config.APITokenWO.IsNull(), !config.ClientSecretWO.IsNull(), false) {
		resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, p.detail)
	}
}

func (r *ConnectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
	if r.now == nil {
		r.now = time.Now
	}
}

// ImportState accepts "<name>:<space key>": the connection record in that
// space lists the whole scope. The token cannot be imported; the next plan
// shows api_token_wo_version being set, and that apply verifies the token.
func (r *ConnectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name, spaceKey, ok := strings.Cut(req.ID, ":")
	if !ok || policy.ValidateConnectionName(name) != nil || spaceKey == "" {
		resp.Diagnostics.AddError("Invalid Connection Import Id",
			fmt.Sprintf("%q is not <connection name>:<space key>. Import a connection by its name and any space of its scope, e.g. terraform import confluence_connection.ci ci-bot:DOCS", req.ID))
		return
	}
	spaces := stringSetValue(&resp.Diagnostics, []string{spaceKey})
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("spaces"), spaces)...)
}

// ModifyPlan plans the values learned at apply, checks the token's expiry and
// warns when the connection's account is the administrator's own.
func (r *ConnectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state *connectionModel
	if !req.State.Raw.IsNull() {
		state = &connectionModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if req.Plan.Raw.IsNull() {
		if state != nil {
			r.warnNotDecided(&resp.Diagnostics, "Removing", state.Name)
			r.checkNotOwnRecord(ctx, &resp.Diagnostics, *state) // destroy
		}
		return
	}
	var plan, config connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data != nil && r.data.run != nil && !plan.Name.IsUnknown() {
		// A policy planned later in this run may name the record this apply writes.
		r.data.run.notePlannedConnection(plan.Name.ValueString())
	}

	var rotatedAt *time.Time
	if state != nil {
		if at, err := time.Parse(time.RFC3339, state.TokenRotatedAt.ValueString()); err == nil && plan.APITokenWOVersion.Equal(state.APITokenWOVersion) {
			rotatedAt = &at
		}
	}
	r.checkExpiry(&resp.Diagnostics, plan.mode(), plan.TokenExpiresAt, rotatedAt)

	verify := state == nil || !plan.Email.Equal(state.Email) || !plan.APITokenWOVersion.Equal(state.APITokenWOVersion) ||
		plan.mode() != state.mode() || !plan.ClientID.Equal(state.ClientID)
	if verify {
		problems := connectionCredentialProblems(plan.mode(), plan.ClientID.ValueString(), !config.APITokenWO.IsNull(), !config.ClientSecretWO.IsNull(), true)
		for _, p := range problems {
			resp.Diagnostics.AddAttributeError(path.Root(p.attr), p.summary, fmt.Sprintf("Connection %q: %s", plan.Name.ValueString(), p.detail))
		}
		if len(problems) > 0 {
			return
		}
		plan.AccountID, plan.DisplayName = types.StringUnknown(), types.StringUnknown()
		if state == nil || !plan.APITokenWOVersion.Equal(state.APITokenWOVersion) {
			plan.TokenRotatedAt = types.StringUnknown()
		}
	}
	if r.data != nil && !r.data.configUnknown {
		r.warnIfAdminAccount(ctx, &resp.Diagnostics, plan)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	switch {
	case state == nil:
		r.warnNotDecided(&resp.Diagnostics, "Creating", plan.Name)
	case !resp.Plan.Raw.Equal(req.State.Raw):
		r.warnNotDecided(&resp.Diagnostics, "Changing", plan.Name)
	}
	if state != nil && !resp.Diagnostics.HasError() && !resp.Plan.Raw.Equal(req.State.Raw) {
		// Only a change to the record is refused: an unchanged plan is fine.
		r.checkNotOwnRecord(ctx, &resp.Diagnostics, *state)
	}
}

// warnNotDecided warns, when the provider configuration is known only at
// apply, that this plan cannot check who may write the connection record
// (no identity edits its own record; an administrator's account warns):
// the apply checks, and the plan report holds the change back meanwhile.
func (r *ConnectionResource) warnNotDecided(diags *diag.Diagnostics, doing string, name types.String) {
	if r.data == nil || !r.data.configUnknown {
		return
	}
	reportNotDecided(diags, fmt.Sprintf("%s connection %s (the check that no identity edits its own connection record)", doing, describeName(name)))
}

// describeName quotes a connection name, or says it is known only at apply.
func describeName(name types.String) string {
	if name.IsUnknown() || name.IsNull() {
		return "(name known only at apply)"
	}
	return quote(name.ValueString())
}

// checkExpiry reports the credential's expiry and rotation notices (see
// credentialNotices): errors once expired, warnings before, for every mode.
func (r *ConnectionResource) checkExpiry(diags *diag.Diagnostics, mode string, expiresAt types.String, rotatedAt *time.Time) {
	if expiresAt.IsUnknown() {
		return
	}
	var at *time.Time
	if !expiresAt.IsNull() {
		t, err := time.Parse(time.RFC3339, expiresAt.ValueString())
		if err != nil {
			return // the attribute validator reports it
		}
		at = &t
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	for _, n := range credentialNotices(mode, at, rotatedAt, now()) {
		if n.err {
			diags.AddAttributeError(path.Root(n.attr), n.summary, n.detail)
		} else {
			diags.AddAttributeWarning(path.Root(n.attr), n.summary, n.detail)
		}
	}
}

// warnIfAdminAccount warns when the connection's account is the account this
// workspace authenticates as: it writes space properties, so it holds space
// admin in the scope and could change its own policy.
func (r *ConnectionResource) warnIfAdminAccount(ctx context.Context, diags *diag.Diagnostics, plan connectionModel) {
	same := !plan.Email.IsUnknown() && strings.EqualFold(plan.Email.ValueString(), r.data.email)
	if !same && !plan.AccountID.IsUnknown() && !plan.AccountID.IsNull() {
		if user, err := r.data.run.CurrentUser(ctx); err == nil {
			same = user.AccountID == plan.AccountID.ValueString()
		}
	}
	if same {
		diags.AddAttributeWarning(path.Root("email"), "Connection Uses an Administrator Account",
			fmt.Sprintf("Connection %q is registered for %s, the account this workspace authenticates as. That account writes space properties, so it holds space admin in the scope and could change its own operation policy: the policy then protects nothing. "+
				"These credentials also cannot change or remove the connection later: no identity edits its own record. "+
				"Give automation a dedicated account with edit permission only in the spaces it manages, never space admin, and keep the administrators' credentials apart from the automation's.",
				plan.Name.ValueString(), plan.Email.ValueString()))
	}
}

func (r *ConnectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	if !r.verifyToken(ctx, req.Config, &resp.Diagnostics, &plan) {
		return
	}
	plan.ID = plan.Name
	plan.TokenRotatedAt = types.StringValue(r.now().UTC().Format(time.RFC3339))
	// Record the full scope before writing, so that a failure part-way leaves a
	// tainted resource whose replacement cleans up every space.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.writeRecords(ctx, &resp.Diagnostics, plan, nil)
}

func (r *ConnectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	plan.ID = plan.Name
	if plan.AccountID.IsUnknown() || plan.TokenRotatedAt.IsUnknown() {
		if !r.verifyToken(ctx, req.Config, &resp.Diagnostics, &plan) {
			return
		}
	}
	if plan.TokenRotatedAt.IsUnknown() {
		plan.TokenRotatedAt = types.StringValue(r.now().UTC().Format(time.RFC3339))
	} else {
		plan.TokenRotatedAt = state.TokenRotatedAt
	}
	if plan.AccountID.IsUnknown() {
		plan.AccountID, plan.DisplayName = state.AccountID, state.DisplayName
	}
	previous := setStrings(ctx, state.Spaces, &resp.Diagnostics)
	if r.writeRecords(ctx, &resp.Diagnostics, plan, previous) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *ConnectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.data.configured(&resp.Diagnostics) {
		return
	}
	name := state.Name.ValueString()
	for _, spaceKey := range setStrings(ctx, state.Spaces, &resp.Diagnostics) {
		r.data.removeSpaceRecords(ctx, &resp.Diagnostics, spaceKey, policy.ConnectionPropertyKey(name), policy.PolicyPropertyKey(name))
	}
}

// verifyToken authenticates with the connection's own credentials, in its
// auth mode, against the provider's site or gateway and fills in account_id
// and display_name. The token or client secret is read from the configuration
// (write-only values are never in the plan) and goes nowhere but that one
// verification (the Authorization header, or the token endpoint's body).
func (r *ConnectionResource) verifyToken(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics, plan *connectionModel) bool {
	mode := plan.mode()
	attr := "api_token_wo"
	if mode == string(confluence.AuthOAuth) {
		attr = "client_secret_wo"
	}
	var token types.String
	diags.Append(config.GetAttribute(ctx, path.Root(attr), &token)...)
	if diags.HasError() {
		return false
	}
	name, email, site := plan.Name.ValueString(), plan.Email.ValueString(), r.data.client.BaseURL()
	title := credentialTitle(mode)
	if token.IsNull() || token.IsUnknown() || strings.TrimSpace(token.ValueString()) == "" {
		diags.AddAttributeError(path.Root(attr), title+" Required",
			fmt.Sprintf("Connection %q needs %s to verify the account %s at %s. Pass it from a secret store or an ephemeral value.", name, attr, email, site))
		return false
	}
	client, err := r.data.clientAs(confluence.AuthMode(mode), email, plan.ClientID.ValueString(), token.ValueString())
	if err != nil {
		diags.AddError("Unable to Verify "+title, fmt.Sprintf("While verifying the %s of connection %q, the client could not be created: %s", credentialName(mode), name, err))
		return false
	}
	user, err := client.CurrentUser(ctx)
	if te, ok := confluence.AsTokenError(err); ok {
		addConnectionTokenError(diags, name, email, te, err)
		return false
	}
	if apiErr, ok := confluence.AsAPIError(err); ok && confluence.IsUnauthorized(err) && len(apiErr.MissingScopes) == 0 {
		diags.AddAttributeError(path.Root(attr), title+" Rejected",
			fmt.Sprintf("The %s given for connection %q does not authenticate as %s at %s (auth_mode %s): Confluence answered 401 Unauthorized. Nothing was written. "+
				"Check that the credential belongs to that account, suits auth_mode (a scoped token only works through the gateway, a classic one only at the site) and is not revoked or expired.", credentialName(mode), name, email, site, mode))
		return false
	}
	if err != nil {
		addAPIError(diags, "Unable to Verify "+title, fmt.Sprintf("While verifying the %s of connection %q with GET /wiki/rest/api/user/current", credentialName(mode), name), email, err)
		return false
	}
	if user.Email != "" && !strings.EqualFold(user.Email, email) {
		diags.AddAttributeError(path.Root("email"), "API Token Belongs to Another Account",
			fmt.Sprintf("The %s given for connection %q authenticates as %s (account %s), not as %s. Nothing was written. Set email to the credential's account or use that account's credential.", credentialName(mode), name, user.Email, user.AccountID, email))
		return false
	}
	tflog.Info(ctx, "verified the credential of a connection", map[string]any{"connection": name, "account_id": user.AccountID, "auth_mode": mode})
	plan.AccountID = types.StringValue(user.AccountID)
	plan.DisplayName = types.StringValue(user.DisplayName)
	return true
}

// record is the connection record the model describes.
func (r *ConnectionResource) record(ctx context.Context, m connectionModel, diags *diag.Diagnostics, managedBy string) policy.ConnectionRecord {
	rec := policy.ConnectionRecord{
		Name:        m.Name.ValueString(),
		AccountID:   m.AccountID.ValueString(),
		Email:       m.Email.ValueString(),
		DisplayName: m.DisplayName.ValueString(),
		Spaces:      setStrings(ctx, m.Spaces, diags),
		ManagedBy:   managedBy,
		AuthMode:    m.mode(),
		ClientID:    m.ClientID.ValueString(),
	}
	if at, err := time.Parse(time.RFC3339, m.TokenRotatedAt.ValueString()); err == nil {
		rec.RotatedAt = at
	}
	if !m.TokenExpiresAt.IsNull() {
		if at, err := time.Parse(time.RFC3339, m.TokenExpiresAt.ValueString()); err == nil {
			rec.ExpiresAt = &at
		}
	}
	return rec
}

// writeRecords writes the connection record to every space of the planned
// scope and removes the connection's records from spaces that left it. A
// space joining the scope gets a copy of the connection's operation policy,
// so it is never governed by default levels in between. It reports whether
// everything was written.
func (r *ConnectionResource) writeRecords(ctx context.Context, diags *diag.Diagnostics, plan connectionModel, previous []string) bool {
	admin, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Unable to Read Current User", "While writing connection "+quote(plan.Name.ValueString())+" the authenticated account could not be read", r.data.account(), err)
		return false
	}
	rec := r.record(ctx, plan, diags, admin.AccountID)
	encoded, err := policy.EncodeConnection(rec)
	if err != nil {
		diags.AddError("Invalid Connection Record", fmt.Sprintf("Connection %q cannot be stored: %s", rec.Name, err))
		return false
	}
	value := json.RawMessage(encoded)
	policyValue, ok := r.policyToCopy(ctx, diags, rec, previous)
	if !ok {
		return false
	}

	for _, spaceKey := range rec.Spaces {
		if !r.data.putSpaceRecord(ctx, diags, spaceKey, policy.ConnectionPropertyKey(rec.Name), value, fmt.Sprintf("connection %q", rec.Name)) {
			ok = false
			continue
		}
		if policyValue != nil && !slices.Contains(previous, spaceKey) {
			// A space joining the scope gets the connection's policy at once, so
			// it never runs on the looser default levels.
			ok = r.data.putSpaceRecord(ctx, diags, spaceKey, policy.PolicyPropertyKey(rec.Name), policyValue, fmt.Sprintf("the operation policy of connection %q", rec.Name)) && ok
		}
	}
	for _, spaceKey := range previous {
		if !rec.InScope(spaceKey) {
			ok = r.data.removeSpaceRecords(ctx, diags, spaceKey, policy.ConnectionPropertyKey(rec.Name), policy.PolicyPropertyKey(rec.Name)) && ok
		}
	}
	return ok
}

// policyToCopy reads the operation policy that spaces joining the scope must
// get, from a space that stays in it. nil means there is nothing to copy: no
// space joins, or the connection has no policy yet. A failed read is an error
// and nothing is written, so a joining space never runs on default levels
// because a read failed.
func (r *ConnectionResource) policyToCopy(ctx context.Context, diags *diag.Diagnostics, rec policy.ConnectionRecord, previous []string) (json.RawMessage, bool) {
	var joining []string
	for _, k := range rec.Spaces {
		if !slices.Contains(previous, k) {
			joining = append(joining, k)
		}
	}
	if previous == nil || len(joining) == 0 {
		return nil, true
	}
	for _, spaceKey := range previous {
		if !rec.InScope(spaceKey) {
			continue
		}
		value, err := r.readPolicyValue(ctx, rec.Name, spaceKey)
		if err != nil {
			diags.AddError("Unable to Read Operation Policy",
				fmt.Sprintf("While copying the operation policy of connection %q from space %s to %s, which join its scope, %s "+
					"Nothing was written, so no joining space runs on the default levels: run the apply again once the policy can be read.\n\nError: %s",
					rec.Name, spaceKey, strings.Join(joining, ", "), explainAPIError(r.data.account(), err), err))
			return nil, false
		}
		if value != nil {
			return value, true
		}
	}
	return nil, true
}

// readPolicyValue returns the stored operation policy of the connection in a
// space, or nil when there is none. Any failure to read it is an error.
func (r *ConnectionResource) readPolicyValue(ctx context.Context, name, spaceKey string) (json.RawMessage, error) {
	space, err := r.data.run.Space(ctx, spaceKey)
	if err != nil {
		return nil, err
	}
	props, err := r.data.client.ListSpaceProperties(ctx, space.ID, policy.PolicyPropertyKey(name))
	if err != nil {
		return nil, err
	}
	for _, p := range props {
		if p.Key == policy.PolicyPropertyKey(name) {
			return p.Value, nil
		}
	}
	return nil, nil
}

// Read checks the record in every space of the scope. A space whose record is
// missing or was edited in Confluence leaves the scope in state, so the plan
// shows it being added back and the apply rewrites it. When no record is left
// anywhere the connection is gone.
func (r *ConnectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.data == nil || r.data.configUnknown {
		return
	}
	name := state.Name.ValueString()
	imported := state.AccountID.IsNull()
	var intact, drifted []string
	for _, spaceKey := range setStrings(ctx, state.Spaces, &resp.Diagnostics) {
		rec, found, err := r.readRecord(ctx, name, spaceKey)
		if err != nil {
			resp.Diagnostics.AddError("Unable to Read Connection Record", fmt.Sprintf("While reading connection %q in space %s: %s", name, spaceKey, err))
			return
		}
		if found && imported {
			r.adopt(ctx, &state, rec, &resp.Diagnostics)
			imported = false
			intact = append(intact, spaceKey)
			// The record names the whole scope; check the other spaces too.
			for _, other := range rec.Spaces {
				if other == spaceKey {
					continue
				}
				if o, ok, err := r.readRecord(ctx, name, other); err == nil && ok && r.matches(ctx, state, o) {
					intact = append(intact, other)
				} else {
					drifted = append(drifted, other)
				}
			}
			break
		}
		if found && r.matches(ctx, state, rec) {
			intact = append(intact, spaceKey)
			if rec.ManagedBy != "" && rec.ManagedBy == rec.AccountID {
				resp.Diagnostics.AddWarning("Connection Wrote Its Own Record",
					fmt.Sprintf("The record of connection %q in space %s was written by its own account %s, which therefore holds space admin there and could change its own operation policy. Give automation accounts edit permission only, never space admin.", name, spaceKey, rec.AccountID))
			}
			continue
		}
		drifted = append(drifted, spaceKey)
	}
	if len(intact) == 0 {
		if imported {
			resp.Diagnostics.AddError("Connection Not Found", fmt.Sprintf("No record of connection %q (space property %q) was found in space(s) %s, or the account %s may not view them.",
				name, policy.ConnectionPropertyKey(name), strings.Join(setStrings(ctx, state.Spaces, &resp.Diagnostics), ", "), r.data.account()))
			return
		}
		tflog.Warn(ctx, "connection record gone from every space of the scope; removing it from state", map[string]any{"connection": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if len(drifted) > 0 {
		sort.Strings(drifted)
		resp.Diagnostics.AddWarning("Connection Record Changed Outside Terraform",
			fmt.Sprintf("The record of connection %q is missing or was changed in space(s) %s. The plan writes it again.", name, strings.Join(drifted, ", ")))
	}
	if state.AuthMode.IsNull() {
		// State written before auth_mode existed: the mode is classic, as
		// the configuration's default, so upgrading plans no change.
		state.AuthMode = types.StringValue(string(confluence.AuthClassicToken))
	}
	sort.Strings(intact)
	state.Spaces = stringSetValue(&resp.Diagnostics, intact)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readRecord reads the connection record from one space. found is false when
// the space or the record does not exist (or is hidden from the account).
func (r *ConnectionResource) readRecord(ctx context.Context, name, spaceKey string) (policy.ConnectionRecord, bool, error) {
	records, err := r.data.run.SpaceRecords(ctx, spaceKey)
	if confluence.IsNotFound(err) {
		return policy.ConnectionRecord{}, false, nil
	}
	if err != nil {
		return policy.ConnectionRecord{}, false, err
	}
	rec, ok := records.Connection(name)
	return rec, ok, nil
}

// matches reports whether a stored record says what the state says.
func (r *ConnectionResource) matches(ctx context.Context, state connectionModel, rec policy.ConnectionRecord) bool {
	var diags diag.Diagnostics
	want := r.record(ctx, state, &diags, rec.ManagedBy)
	sameExpiry := (want.ExpiresAt == nil) == (rec.ExpiresAt == nil) && (want.ExpiresAt == nil || want.ExpiresAt.Equal(*rec.ExpiresAt))
	return want.AccountID == rec.AccountID && strings.EqualFold(want.Email, rec.Email) && want.DisplayName == rec.DisplayName &&
		slices.Equal(want.Spaces, rec.Spaces) && want.RotatedAt.Equal(rec.RotatedAt) && sameExpiry &&
		want.Mode() == rec.Mode() && want.ClientID == rec.ClientID
}

// adopt fills an imported state from a stored record.
func (r *ConnectionResource) adopt(ctx context.Context, state *connectionModel, rec policy.ConnectionRecord, diags *diag.Diagnostics) {
	state.ID, state.Name = types.StringValue(rec.Name), types.StringValue(rec.Name)
	state.Email = types.StringValue(rec.Email)
	state.AccountID, state.DisplayName = types.StringValue(rec.AccountID), types.StringValue(rec.DisplayName)
	state.AuthMode = types.StringValue(rec.Mode())
	state.ClientID = types.StringNull()
	if rec.ClientID != "" {
		state.ClientID = types.StringValue(rec.ClientID)
	}
	state.TokenRotatedAt = types.StringNull()
	if !rec.RotatedAt.IsZero() {
		state.TokenRotatedAt = types.StringValue(rec.RotatedAt.UTC().Format(time.RFC3339))
	}
	state.TokenExpiresAt = types.StringNull()
	if rec.ExpiresAt != nil {
		state.TokenExpiresAt = types.StringValue(rec.ExpiresAt.UTC().Format(time.RFC3339))
	}
	spaces, d := types.SetValueFrom(ctx, types.StringType, rec.Spaces)
	diags.Append(d...)
	state.Spaces = spaces
}

// checkNotOwnRecord stops the governed account from changing or removing its
// own connection record: without the record its operations would no longer be
// governed. Like its policy, it is managed from the administrators' workspace.
func (r *ConnectionResource) checkNotOwnRecord(ctx context.Context, diags *diag.Diagnostics, state connectionModel) {
	if r.data == nil || r.data.configUnknown || state.AccountID.ValueString() == "" {
		return
	}
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		addAPIError(diags, "Unable to Read Current User", "While checking who manages connection "+quote(state.Name.ValueString()), r.data.account(), err)
		return
	}
	if user.AccountID == state.AccountID.ValueString() {
		diags.AddError("Connection Cannot Edit Its Own Record",
			fmt.Sprintf("The provider is authenticated as %s (account %s), the account of connection %q. No identity changes or removes its own connection record, so nothing was written. "+
				"Manage the connection from the administrators' workspace, with credentials the automation does not have.", r.data.account(), user.AccountID, state.Name.ValueString()))
	}
}

// connectionNameValidator applies policy.ValidateConnectionName at plan time.
type connectionNameValidator struct{}

func (connectionNameValidator) Description(context.Context) string {
	return "must be 1 to 64 lowercase letters, digits, '-', '_' or '.'"
}

func (v connectionNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (connectionNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := policy.ValidateConnectionName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Connection Name", err.Error()+".")
	}
}
