// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package provider is the terraform-plugin-framework glue of the Confluence
// provider. It stays thin: policy decisions live in internal/policy, storage
// format handling in internal/storage and HTTP in internal/confluence.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ provider.Provider              = &ConfluenceProvider{}
	_ provider.ProviderWithFunctions = &ConfluenceProvider{}
)

// Environment variables read when the matching argument is not set.
const (
	envURL             = "CONFLUENCE_URL"
	envEmail           = "CONFLUENCE_EMAIL"
	envAPIToken        = "CONFLUENCE_API_TOKEN"
	envConnection      = "CONFLUENCE_CONNECTION"
	envConfirmations   = "CONFLUENCE_CONFIRMATIONS"
	envChangeReference = "CONFLUENCE_CHANGE_REFERENCE"
	envRequirePolicy   = "CONFLUENCE_REQUIRE_POLICY"
)

// ConfluenceProvider is the provider implementation.
type ConfluenceProvider struct {
	version string
	// newClient is replaced in tests to route the client to an in-process emulator.
	newClient func(confluence.Config) (*confluence.Client, error)
}

// providerModel maps the provider block.
type providerModel struct {
	URL               types.String  `tfsdk:"url"`
	Email             types.String  `tfsdk:"email"`
	APIToken          types.String  `tfsdk:"api_token"`
	Connection        types.String  `tfsdk:"connection"`
	Confirmations     types.List    `tfsdk:"confirmations"`
	ChangeReference   types.String  `tfsdk:"change_reference"`
	RequirePolicy     types.Bool    `tfsdk:"require_policy"`
	MaxRetries        types.Int64   `tfsdk:"max_retries"`
	RequestTimeout    types.String  `tfsdk:"request_timeout"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	RateLimitBudget   types.String  `tfsdk:"rate_limit_budget"`
	authModel
}

// New returns the provider factory used by main and the tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &ConfluenceProvider{version: version, newClient: confluence.New}
	}
}

func (p *ConfluenceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "confluence"
	resp.Version = p.version
}

func (p *ConfluenceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func providerSchema() schema.Schema {
	s := schema.Schema{
		MarkdownDescription: "Manages Atlassian Confluence Cloud pages as code and enforces a per-operation access policy at plan time. " +
			"Authenticate with an account e-mail and an [API token](https://id.atlassian.com/manage-profile/security/api-tokens).",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Confluence Cloud site, e.g. `https://example.atlassian.net` (a trailing `/wiki` is accepted). " +
					"Must use `https` unless the host is a loopback address. Falls back to the `" + envURL + "` environment variable. " +
					"Endpoints follow the credentials: when a credential comes from the environment, the site comes from `" + envURL + "` too, and a different (or unbacked) value here fails the plan.",
				Optional:   true,
				Validators: []validator.String{validators.SiteURL()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "E-mail address of the Atlassian account the API token belongs to. Falls back to `" + envEmail + "`.",
				Optional:            true,
				Validators:          []validator.String{validators.Email()},
			},
			"api_token": schema.StringAttribute{
				MarkdownDescription: "Atlassian API token of that account. Sensitive: never shown in plans or logs. Falls back to `" + envAPIToken + "`; prefer the environment variable so the token stays out of configuration files.",
				Optional:            true,
				Sensitive:           true,
			},
			"connection": schema.StringAttribute{
				MarkdownDescription: "Name of the `confluence_connection` this configuration acts as. When set, the authenticated account must be that connection's account, " +
					"and spaces outside the connection's scope are denied. `" + envConnection + "`, set by whoever owns the pipeline, wins: " +
					"a configuration that names another connection fails, and an empty name is refused.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"confirmations": schema.ListAttribute{
				MarkdownDescription: "No longer accepted: a configuration cannot approve its own change. Confirmation codes are granted by whoever runs the apply, " +
					"in the `" + envConfirmations + "` environment variable (comma separated), read at apply time so an approver can grant a code for a saved plan.",
				Optional:           true,
				ElementType:        types.StringType,
				DeprecationMessage: "Set CONFLUENCE_CONFIRMATIONS in the environment of the apply instead; the configuration a change is part of cannot grant its code.",
				Validators:         []validator.List{listvalidator.UniqueValues()},
			},
			"change_reference": schema.StringAttribute{
				MarkdownDescription: "Reference appended to every version message and audit record, such as a commit SHA or CI run URL. `" + envChangeReference + "`, set by whoever owns the pipeline, wins: " +
					"a configuration that sets a different reference fails. May come from another resource: the policy is still decided at plan.",
				Optional: true,
			},
			"require_policy": schema.BoolAttribute{
				MarkdownDescription: "Deny operations in spaces that hold no connection record at all (a space holding records for other accounts always denies an account it does not register). " +
					"Defaults to `false` (operations in such spaces are `unmanaged` and allowed). `" + envRequirePolicy + "=true` in the environment turns it on whatever the configuration says: the configuration can only make it stricter.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times an idempotent request is retried after a 503 or network error. Defaults to `4`; 0 to 10. " +
					"Rate-limited requests (429) are retried for as long as `rate_limit_budget` allows instead.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 10)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of a single HTTP request, as a duration such as `30s` (the default); between 1s and 10m. " +
					"It starts when the client's rate limit lets the request go. A write already sent when the run is interrupted gets this long to finish.",
				Optional:   true,
				Validators: []validator.String{validators.Duration(time.Second, 10*time.Minute)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: "Client-side rate limit, in requests per second, shared by all operations of one run. Defaults to `10`; between 0.1 and 100. " +
					"It is a ceiling: when Confluence answers 429 every request waits out its `Retry-After` and the shared rate drops (it halves until a rate has held, then steps back to the last rate that held); " +
					"after each quiet 5 seconds it rises by a fifth, up to just below the lowest rate Confluence refused (above it only after 30 quiet seconds) and this value, and not while Confluence says it is near its limit (`X-RateLimit-NearLimit`).",
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(0.1, 100)},
			},
			"rate_limit_budget": schema.StringAttribute{
				MarkdownDescription: "How long one request keeps being retried while Confluence rate limits it (429), waits included, as a duration such as `5m` (the default); between 0s and 1h. " +
					"Every method is retried, creates included: Confluence refuses a rate-limited request before doing any work. " +
					"A `Retry-After` longer than what is left of the budget fails the request at once with an error saying so; `0s` turns 429 retries off.",
				Optional:   true,
				Validators: []validator.String{validators.Duration(0, time.Hour)},
			},
		},
	}
	for name, attr := range authSchemaAttributes() {
		s.Attributes[name] = attr
	}
	return s
}

func (p *ConfluenceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Values that come from other resources are unknown during the first plan.
	// Only the arguments that decide who the provider is and which policy
	// governs it (site and endpoints, credentials, auth mode, connection,
	// require_policy) make resources wait: they plan unknown decisions, warn
	// "Policy Not Decided at Plan" and decide at apply. The others decide
	// nothing at plan (change_reference is written only at apply; retries,
	// timeouts and rates shape requests) and take their defaults or the
	// environment's value until the apply, when Configure runs again with
	// them known.
	email := inputOf("email", envEmail, cfg.Email, os.Getenv)
	apiToken := inputOf("api_token", envAPIToken, cfg.APIToken, os.Getenv)
	clientID := inputOf("client_id", envClientID, cfg.ClientID, os.Getenv)
	clientSecret := inputOf("client_secret", envClientSecret, cfg.ClientSecret, os.Getenv)
	if cfg.URL.IsUnknown() || cfg.Email.IsUnknown() || cfg.APIToken.IsUnknown() || cfg.Connection.IsUnknown() ||
		cfg.RequirePolicy.IsUnknown() || cfg.unknown() {
		if !cfg.AuthMode.IsUnknown() && !clientID.unknown && !clientSecret.unknown {
			// An endpoint known only at apply that the environment does not
			// back is refused whatever its value: say so now.
			mode, _ := resolveAuth(stringOrEnv(cfg.AuthMode, envAuthMode), "", "", "", clientID.value(), clientSecret.value())
			credentialEnvs := credentialEnvVars(mode.mode, email, apiToken, clientID, clientSecret)
			for _, e := range []struct {
				attr, env string
				v         types.String
			}{{"url", envURL, cfg.URL}, {"cloud_id", envCloudID, cfg.CloudID}, {"gateway_url", envGatewayURL, cfg.GatewayURL}, {"oauth_token_url", envOAuthTokenURL, cfg.OAuthTokenURL}} {
				if problem := refusedWhileUnknown(inputOf(e.attr, e.env, e.v, os.Getenv), credentialEnvs); problem != nil {
					resp.Diagnostics.AddAttributeError(path.Root(problem.attr), problem.summary, problem.detail)
				}
			}
			if resp.Diagnostics.HasError() {
				return
			}
		}
		data := &providerData{configUnknown: true}
		resp.ResourceData, resp.DataSourceData = data, data
		return
	}

	settings := providerSettings{
		email:         email.value(),
		apiToken:      apiToken.value(),
		confirmations: policy.ParseConfirmations(os.Getenv(envConfirmations)),
	}
	resolveGoverningSettings(cfg, &settings, &resp.Diagnostics)

	// The mode decides which credentials are sent, and those where the
	// endpoints may come from (provider_endpoints.go).
	mode, _ := resolveAuth(stringOrEnv(cfg.AuthMode, envAuthMode), "", "", "", clientID.value(), clientSecret.value())
	credentialEnvs := credentialEnvVars(mode.mode, email, apiToken, clientID, clientSecret)
	refused := map[string]bool{}
	endpoint := func(attr, env string, v types.String) string {
		value, problem := resolveEndpoint(inputOf(attr, env, v, os.Getenv), credentialEnvs)
		if problem != nil {
			resp.Diagnostics.AddAttributeError(path.Root(problem.attr), problem.summary, problem.detail)
			refused[attr] = true
		}
		return value
	}
	settings.url = endpoint("url", envURL, cfg.URL)
	auth, problems := resolveAuth(stringOrEnv(cfg.AuthMode, envAuthMode), endpoint("cloud_id", envCloudID, cfg.CloudID),
		endpoint("gateway_url", envGatewayURL, cfg.GatewayURL), endpoint("oauth_token_url", envOAuthTokenURL, cfg.OAuthTokenURL),
		clientID.value(), clientSecret.value())
	for _, p := range problems {
		resp.Diagnostics.AddAttributeError(authPath(p.attr), p.summary, p.detail)
	}
	settings.authMode, settings.clientID = auth.mode, auth.clientID

	clientCfg := confluence.Config{
		BaseURL:           settings.url,
		Email:             settings.email,
		APIToken:          settings.apiToken,
		AuthMode:          auth.mode,
		CloudID:           auth.cloudID,
		GatewayURL:        auth.gatewayURL,
		OAuthTokenURL:     auth.tokenURL,
		ClientID:          auth.clientID,
		ClientSecret:      auth.clientSecret,
		Version:           p.version,
		MaxRetries:        confluence.DefaultMaxRetries,
		RequestTimeout:    confluence.DefaultRequestTimeout,
		RequestsPerSecond: confluence.DefaultRequestsPerSecond,
	}
	if known(cfg.MaxRetries) {
		clientCfg.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if clientCfg.MaxRetries == 0 {
			clientCfg.MaxRetries = confluence.NoRetries // max_retries = 0 means none
		}
	}
	if known(cfg.RequestTimeout) {
		// The validator has already rejected values that do not parse.
		if d, err := time.ParseDuration(cfg.RequestTimeout.ValueString()); err == nil {
			clientCfg.RequestTimeout = d
		}
	}
	if known(cfg.RequestsPerSecond) {
		clientCfg.RequestsPerSecond = cfg.RequestsPerSecond.ValueFloat64()
	}
	// A null rate_limit_budget leaves the client's default (5m).
	if known(cfg.RateLimitBudget) {
		// The validator has already rejected values that do not parse.
		if d, err := time.ParseDuration(cfg.RateLimitBudget.ValueString()); err == nil {
			clientCfg.RateLimitBudget = d
			if d == 0 {
				clientCfg.RateLimitBudget = -1 // the client reads 0 as "default"; the user means none
			}
		}
	}

	if !refused["url"] { // a refused url is not also reported missing
		checkSetting(resp, path.Root("url"), envURL, settings.url, validators.CheckSiteURL, "the site base URL, e.g. https://example.atlassian.net")
	}
	if auth.mode != confluence.AuthOAuth {
		checkSetting(resp, path.Root("email"), envEmail, settings.email, validators.CheckEmail, "the e-mail address of the account the API token belongs to")
		checkSetting(resp, path.Root("api_token"), envAPIToken, settings.apiToken, nil, "an Atlassian API token")
	} else {
		// The service account is known by its client id; a stray
		// CONFLUENCE_EMAIL or CONFLUENCE_API_TOKEN in the environment is unused.
		settings.email, settings.apiToken = "", ""
	}
	if settings.connection != "" {
		if err := policy.ValidateConnectionName(settings.connection); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("connection"), "Invalid Connection Name", err.Error())
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := p.newClient(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Confluence Client",
			"While configuring the Confluence provider, the client could not be created: "+err.Error())
		return
	}
	tflog.Debug(ctx, "configured Confluence client", map[string]any{"url": client.BaseURL(), "auth_mode": string(auth.mode), "email": settings.email, "client_id": auth.clientID, "connection": settings.connection})

	data := newProviderData(client, settings)
	// Sealed private state is keyed by the credential the run sends (see
	// private_seal.go); OAuth runs send the client secret.
	secret := clientCfg.APIToken
	if auth.mode == confluence.AuthOAuth {
		secret = clientCfg.ClientSecret
	}
	data.sealer = newSealer(secret)
	clientCfg.Email, clientCfg.APIToken, clientCfg.ClientID, clientCfg.ClientSecret = "", "", "", "" // kept only inside the client
	data.clientConfig, data.newClient = clientCfg, p.newClient
	resp.ResourceData, resp.DataSourceData = data, data
}

// resolveGoverningSettings resolves the settings that decide how the policy
// governs this run. The pipeline's environment belongs to the platform team
// and the configuration to documentation authors, so the configuration may
// only tighten what the environment says: CONFLUENCE_CONNECTION wins over
// connection (a different name fails), CONFLUENCE_REQUIRE_POLICY=true cannot
// be turned off, confirmations come only from the environment, and
// CONFLUENCE_CHANGE_REFERENCE wins over change_reference (a different one
// fails: the audit trail names the run the pipeline says, not one an author
// chose).
func resolveGoverningSettings(cfg providerModel, s *providerSettings, diags *diag.Diagnostics) {
	envConn := strings.TrimSpace(os.Getenv(envConnection))
	switch {
	case envConn == "":
		s.connection = cfg.Connection.ValueString()
	case !cfg.Connection.IsNull() && cfg.Connection.ValueString() != envConn:
		diags.AddAttributeError(path.Root("connection"), "Connection Set by the Environment",
			fmt.Sprintf("The configuration says connection = %q, but %s=%q is set in the environment of this run. The environment is the pipeline owner's and wins; "+
				"remove connection from the provider block or set it to the same name.", cfg.Connection.ValueString(), envConnection, envConn))
	default:
		s.connection, s.connectionFrom = envConn, envConnection
	}
	if s.connectionFrom == "" {
		s.connectionFrom = "the provider's connection argument"
	}

	envRef := strings.TrimSpace(os.Getenv(envChangeReference))
	switch {
	case envRef == "":
		s.changeReference = cfg.ChangeReference.ValueString() // "" while unknown: nothing is written at plan
	case cfg.ChangeReference.IsUnknown():
		// Known at apply, where Configure runs again and compares it.
		s.changeReference = envRef
	case !cfg.ChangeReference.IsNull() && cfg.ChangeReference.ValueString() != envRef:
		diags.AddAttributeError(path.Root("change_reference"), "Change Reference Set by the Environment",
			fmt.Sprintf("The configuration says change_reference = %q, but %s=%q is set in the environment of this run. The environment is the pipeline owner's and wins: "+
				"version messages and audit records name the run it says. Remove change_reference from the provider block or set it to the same value.",
				cfg.ChangeReference.ValueString(), envChangeReference, envRef))
	default:
		s.changeReference = envRef
	}

	s.requirePolicy = cfg.RequirePolicy.ValueBool()
	if v := strings.TrimSpace(os.Getenv(envRequirePolicy)); v != "" {
		required, err := strconv.ParseBool(v)
		if err != nil {
			diags.AddAttributeError(path.Root("require_policy"), "Invalid Confluence Provider Setting",
				fmt.Sprintf("%s=%q is not a boolean: set it to true or false.", envRequirePolicy, v))
		}
		s.requirePolicy = s.requirePolicy || required
	}

	if !cfg.Confirmations.IsNull() {
		diags.AddAttributeError(path.Root("confirmations"), "Confirmations Belong to the Environment",
			"Confirmation codes approve a change, so they cannot come from the configuration that change is part of. Remove confirmations from the provider block; "+
				"whoever approves the plan grants its codes with "+envConfirmations+" in the environment of the apply.")
	}
}

// checkSetting reports a missing or invalid value of a required setting that
// may come from the configuration or from its environment variable.
func checkSetting(resp *provider.ConfigureResponse, attr path.Path, env, value string, check func(string) error, what string) {
	if value == "" {
		resp.Diagnostics.AddAttributeError(attr, "Missing Confluence Provider Setting",
			"The provider needs "+what+". Set the "+attr.String()+" argument in the provider block or the "+env+" environment variable.")
		return
	}
	if check != nil {
		if err := check(value); err != nil {
			resp.Diagnostics.AddAttributeError(attr, "Invalid Confluence Provider Setting",
				"Invalid value for "+attr.String()+" (or "+env+"): "+err.Error()+".")
		}
	}
}

// known reports whether an argument is set to a known value. An unknown
// client setting keeps its default during the plan.
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return strings.TrimSpace(os.Getenv(env))
}

func (p *ConfluenceProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewPageResource,
		NewBlogPostResource,
		NewConnectionResource, NewOperationPolicyResource,
		NewAttachmentResource,
		NewContentPropertyResource, NewPageRestrictionsResource,
		NewPageOrderResource,
	}
}

func (p *ConfluenceProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewPagesDataSource,
		NewPageDataSource,
		NewBlogPostDataSource,
		NewSpaceDataSource,
		NewPagePropertiesDataSource, NewContentPropertyDataSource,
		NewDocsTreeDataSource,
	}
}

func (p *ConfluenceProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewMarkdownToStorageFunction,
		NewStorageCanonicalFunction,
		NewStorageEqualFunction,
		NewPageURLFunction,
		NewMarkdownImagesFunction,
		NewFrontMatterFunction,
	}
}
