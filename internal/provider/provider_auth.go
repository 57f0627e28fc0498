// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

// Environment variables of the authentication settings.
const (
	envAuthMode      = "CONFLUENCE_AUTH_MODE"
	envCloudID       = "CONFLUENCE_CLOUD_ID"
	envGatewayURL    = "CONFLUENCE_GATEWAY_URL"
	envOAuthTokenURL = "CONFLUENCE_OAUTH_TOKEN_URL"
	envClientID      = "CONFLUENCE_CLIENT_ID"
	envClientSecret  = "CONFLUENCE_CLIENT_SECRET"
)

// authEnvVars are every environment variable the auth settings read.
var authEnvVars = []string{envAuthMode, envCloudID, envGatewayURL, envOAuthTokenURL, envClientID, envClientSecret}

// authModel is the authentication part of the provider block.
type authModel struct {
	AuthMode      types.String `tfsdk:"auth_mode"`
	CloudID       types.String `tfsdk:"cloud_id"`
	GatewayURL    types.String `tfsdk:"gateway_url"`
	OAuthTokenURL types.String `tfsdk:"oauth_token_url"`
	ClientID      types.String `tfsdk:"client_id"`
	ClientSecret  types.String `tfsdk:"client_secret"`
}

func (m authModel) unknown() bool {
	return m.AuthMode.IsUnknown() || m.CloudID.IsUnknown() || m.GatewayURL.IsUnknown() || m.OAuthTokenURL.IsUnknown() ||
		m.ClientID.IsUnknown() || m.ClientSecret.IsUnknown()
}

// authSchemaAttributes are the provider arguments choosing how to authenticate.
func authSchemaAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"auth_mode": schema.StringAttribute{
			MarkdownDescription: "How to authenticate: `classic_token` (an account's API token, Basic `email:api_token` at `url`), " +
				"`scoped_token` (a service account's scoped API token, Basic `email:api_token` through the API gateway `https://api.atlassian.com/ex/confluence/{cloud_id}`) or " +
				"`oauth_client_credentials` (a service account's OAuth 2.0 `client_id` and `client_secret`, exchanged for a Bearer access token used through the gateway). " +
				"Defaults to `oauth_client_credentials` when a client id is set, else `classic_token`. Falls back to `" + envAuthMode + "`. See the Authentication guide for which to choose.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf(confluence.AuthModes...)},
		},
		"cloud_id": schema.StringAttribute{
			MarkdownDescription: "Cloud id of the site, for the gateway modes. When unset it is read once per run from `<url>/_edge/tenant_info`. Falls back to `" + envCloudID + "`; with credentials from the environment it must come from there too (endpoints follow the credentials).",
			Optional:            true,
		},
		"gateway_url": schema.StringAttribute{
			MarkdownDescription: "API gateway of the gateway modes, default `" + confluence.DefaultGatewayURL + "`. Only change it to point at a test double such as the Confluence emulator (`http` only for loopback hosts). Falls back to `" + envGatewayURL + "`; with credentials from the environment it must come from there too (endpoints follow the credentials).",
			Optional:            true,
		},
		"oauth_token_url": schema.StringAttribute{
			MarkdownDescription: "OAuth 2.0 token endpoint of `oauth_client_credentials`, default `" + confluence.DefaultOAuthTokenURL + "`. Only change it for a test double. Falls back to `" + envOAuthTokenURL + "`; with credentials from the environment it must come from there too (endpoints follow the credentials).",
			Optional:            true,
		},
		"client_id": schema.StringAttribute{
			MarkdownDescription: "OAuth 2.0 client id of the service account (`oauth_client_credentials`). Falls back to `" + envClientID + "`.",
			Optional:            true,
		},
		"client_secret": schema.StringAttribute{
			MarkdownDescription: "OAuth 2.0 client secret of the service account. Sensitive: never shown in plans or logs, and the access tokens it yields are kept in memory only. " +
				"Falls back to `" + envClientSecret + "`; prefer the environment variable.",
			Optional:  true,
			Sensitive: true,
		},
	}
}

// authSettings are the resolved authentication settings.
type authSettings struct {
	mode                          confluence.AuthMode
	cloudID, gatewayURL, tokenURL string
	clientID, clientSecret        string
}

// authProblem is a bad setting, with the argument it belongs to.
type authProblem struct {
	attr            string
	summary, detail string
}

// resolveAuth works out the mode from the settings (pure; table-tested) and
// reports every inconsistent or invalid setting. Nothing is sent.
func resolveAuth(mode, cloudID, gatewayURL, tokenURL, clientID, clientSecret string) (authSettings, []authProblem) {
	s := authSettings{cloudID: cloudID, gatewayURL: gatewayURL, tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret}
	var problems []authProblem
	add := func(attr, summary, detail string) {
		problems = append(problems, authProblem{attr: attr, summary: summary, detail: detail})
	}
	switch {
	case mode != "":
		if !slices.Contains(confluence.AuthModes, mode) {
			add("auth_mode", "Invalid Confluence Provider Setting", fmt.Sprintf("auth_mode (or %s) is %q; use one of %s.", envAuthMode, mode, strings.Join(confluence.AuthModes, ", ")))
			return s, problems
		}
		s.mode = confluence.AuthMode(mode)
	case clientID != "" || clientSecret != "":
		s.mode = confluence.AuthOAuth
	default:
		s.mode = confluence.AuthClassicToken
	}

	switch s.mode {
	case confluence.AuthOAuth:
		if clientID == "" {
			add("client_id", "Missing Confluence Provider Setting", "auth_mode oauth_client_credentials needs the service account's OAuth 2.0 client id. Set client_id in the provider block or the "+envClientID+" environment variable.")
		}
		if clientSecret == "" {
			add("client_secret", "Missing Confluence Provider Setting", "auth_mode oauth_client_credentials needs the service account's OAuth 2.0 client secret. Set the "+envClientSecret+" environment variable (or client_secret in the provider block).")
		}
	default:
		if clientID != "" || clientSecret != "" {
			add("client_id", "Conflicting Confluence Provider Settings",
				fmt.Sprintf("client_id and client_secret (or %s / %s) are only used with auth_mode oauth_client_credentials, but auth_mode is %s. Remove them, or set auth_mode to oauth_client_credentials.", envClientID, envClientSecret, s.mode))
		}
	}
	// cloud_id, gateway_url and oauth_token_url are also read in
	// classic_token mode: an administrators' workspace uses them to verify
	// the credentials of connections in the other modes.
	if cloudID != "" {
		if err := confluence.ValidateCloudID(cloudID); err != nil {
			add("cloud_id", "Invalid Confluence Provider Setting", fmt.Sprintf("cloud_id (or %s): %s.", envCloudID, err))
		}
	}
	if gatewayURL != "" {
		if err := checkServiceURL(gatewayURL, false); err != nil {
			add("gateway_url", "Invalid Confluence Provider Setting", fmt.Sprintf("gateway_url (or %s) %q %s. Leave it unset for %s.", envGatewayURL, gatewayURL, err, confluence.DefaultGatewayURL))
		}
	}
	if tokenURL != "" {
		if err := checkServiceURL(tokenURL, true); err != nil {
			add("oauth_token_url", "Invalid Confluence Provider Setting", fmt.Sprintf("oauth_token_url (or %s) %q %s. Leave it unset for %s.", envOAuthTokenURL, tokenURL, err, confluence.DefaultOAuthTokenURL))
		}
	}
	return s, problems
}

// checkServiceURL applies the site URL's transport rules (https, or http for
// loopback hosts; no credentials, query or fragment) to the gateway and token
// endpoint; the gateway must also have no path.
func checkServiceURL(raw string, pathAllowed bool) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("is not an absolute URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must not contain credentials, a query or a fragment")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && validators.IsLoopbackHost(u.Hostname()):
	default:
		return fmt.Errorf("must use https (http only for loopback hosts)")
	}
	if !pathAllowed && strings.TrimSuffix(u.Path, "/") != "" {
		return fmt.Errorf("must have no path")
	}
	return nil
}

// authPath is the attribute path of an auth problem.
func authPath(attr string) path.Path { return path.Root(attr) }
