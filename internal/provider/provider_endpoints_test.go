// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

func TestResolveEndpoint(t *testing.T) {
	const site, evil = "https://example.atlassian.net", "https://evil.example"
	envCreds := []string{envAPIToken}
	tests := []struct {
		name        string
		in          settingInput
		creds       []string
		want        string
		wantProblem string // summary
	}{
		{name: "config only, own credentials", in: settingInput{attr: "url", env: envURL, config: evil, configSet: true}, want: evil},
		{name: "config wins with own credentials", in: settingInput{attr: "url", env: envURL, config: evil, configSet: true, envValue: site}, want: evil},
		{name: "environment only", in: settingInput{attr: "url", env: envURL, envValue: site}, creds: envCreds, want: site},
		{name: "neither", in: settingInput{attr: "gateway_url", env: envGatewayURL}, creds: envCreds, want: ""},
		{name: "config without environment", in: settingInput{attr: "url", env: envURL, config: evil, configSet: true}, creds: envCreds, wantProblem: "Endpoint Must Come from the Environment"},
		{name: "config differs", in: settingInput{attr: "url", env: envURL, config: evil, configSet: true, envValue: site}, creds: envCreds, wantProblem: "Endpoint Set by the Environment"},
		{name: "same site spelled differently", in: settingInput{attr: "url", env: envURL, config: "https://Example.atlassian.net/wiki/", configSet: true, envValue: site}, creds: envCreds, want: site},
		{name: "same site with the default port", in: settingInput{attr: "url", env: envURL, config: "https://example.atlassian.net:443", configSet: true, envValue: site}, creds: envCreds, want: site},
		{name: "gateway differs", in: settingInput{attr: "gateway_url", env: envGatewayURL, config: evil, configSet: true, envValue: "https://api.atlassian.com"}, creds: envCreds, wantProblem: "Endpoint Set by the Environment"},
		{name: "token url without environment", in: settingInput{attr: "oauth_token_url", env: envOAuthTokenURL, config: evil + "/oauth/token", configSet: true}, creds: []string{envClientSecret}, wantProblem: "Endpoint Must Come from the Environment"},
		{name: "cloud id differs", in: settingInput{attr: "cloud_id", env: envCloudID, config: "other", configSet: true, envValue: "mine"}, creds: envCreds, wantProblem: "Endpoint Set by the Environment"},
		{name: "credentials in the environment's url are not repeated", in: settingInput{attr: "url", env: envURL, config: evil, configSet: true, envValue: "https://me:s3cr3t-pw@example.atlassian.net"}, creds: envCreds, wantProblem: "Endpoint Set by the Environment"},
		{name: "cloud id equal", in: settingInput{attr: "cloud_id", env: envCloudID, config: "mine", configSet: true, envValue: "mine"}, creds: envCreds, want: "mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := resolveEndpoint(tt.in, tt.creds)
			if tt.wantProblem != "" {
				if problem == nil || problem.summary != tt.wantProblem || problem.attr != tt.in.attr || !strings.Contains(problem.detail, tt.in.env) {
					t.Fatalf("problem %+v, want %q on %s naming %s", problem, tt.wantProblem, tt.in.attr, tt.in.env)
				}
				if got != "" {
					t.Errorf("a refused endpoint resolved to %q", got)
				}
				if strings.Contains(problem.detail, "s3cr3t-pw") {
					t.Errorf("the problem repeats a password: %s", problem.detail)
				}
				return
			}
			if problem != nil || got != tt.want {
				t.Fatalf("got %q, %+v; want %q", got, problem, tt.want)
			}
		})
	}
}

func TestRefusedWhileUnknown(t *testing.T) {
	unknownURL := settingInput{attr: "url", env: envURL, unknown: true}
	if p := refusedWhileUnknown(unknownURL, []string{envAPIToken}); p == nil || p.summary != "Endpoint Must Come from the Environment" {
		t.Fatalf("unknown url, environment token, no CONFLUENCE_URL: %+v", p)
	}
	backed := unknownURL
	backed.envValue = "https://example.atlassian.net"
	if p := refusedWhileUnknown(backed, []string{envAPIToken}); p != nil {
		t.Fatalf("the environment sets the url, which may match at apply: %+v", p)
	}
	if p := refusedWhileUnknown(unknownURL, nil); p != nil {
		t.Fatalf("credentials from the configuration: %+v", p)
	}
}

func TestCredentialEnvVars(t *testing.T) {
	fromEnv := func(attr, env string) settingInput { return settingInput{attr: attr, env: env, envValue: "x"} }
	fromConfig := func(attr, env string) settingInput {
		return settingInput{attr: attr, env: env, config: "x", configSet: true, envValue: "y"}
	}
	unset := func(attr, env string) settingInput { return settingInput{attr: attr, env: env} }
	tests := []struct {
		name                     string
		mode                     confluence.AuthMode
		email, token, id, secret settingInput
		want                     string
	}{
		{"all in config", confluence.AuthClassicToken, fromConfig("email", envEmail), fromConfig("api_token", envAPIToken), unset("client_id", envClientID), unset("client_secret", envClientSecret), ""},
		{"token from env", confluence.AuthClassicToken, fromConfig("email", envEmail), fromEnv("api_token", envAPIToken), unset("client_id", envClientID), unset("client_secret", envClientSecret), envAPIToken},
		{"both from env", confluence.AuthScopedToken, fromEnv("email", envEmail), fromEnv("api_token", envAPIToken), unset("client_id", envClientID), unset("client_secret", envClientSecret), envEmail + "," + envAPIToken},
		{"oauth secret from env", confluence.AuthOAuth, unset("email", envEmail), unset("api_token", envAPIToken), fromConfig("client_id", envClientID), fromEnv("client_secret", envClientSecret), envClientSecret},
		// OAuth sends no API token: a stray one in the environment binds nothing.
		{"stray token under oauth", confluence.AuthOAuth, fromEnv("email", envEmail), fromEnv("api_token", envAPIToken), fromConfig("client_id", envClientID), fromConfig("client_secret", envClientSecret), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(credentialEnvVars(tt.mode, tt.email, tt.token, tt.id, tt.secret), ","); got != tt.want {
				t.Fatalf("credentials from the environment %q, want %q", got, tt.want)
			}
		})
	}
}
