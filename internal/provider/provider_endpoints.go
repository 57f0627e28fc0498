// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// Endpoints follow the credentials. The pipeline's environment (platform
// team) and the configuration (documentation authors) are trusted
// differently: a configuration that could choose the host while the
// credentials come from the environment could send the pipeline's token or
// client secret anywhere. So when a credential the run uses comes from the
// environment, every endpoint comes from the environment too; a configured
// endpoint must then equal the environment's, and one the environment does
// not set is refused. A configuration that brings its own credentials keeps
// choosing its endpoints (configuration first, then environment, as before).

// settingInput is one provider argument as the configuration and its
// environment variable give it.
type settingInput struct {
	attr, env string
	config    string
	configSet bool // set (known) in the provider block
	unknown   bool // set in the provider block, known only at apply
	envValue  string
}

// inputOf reads a string argument and its environment variable.
func inputOf(attr, env string, v types.String, getenv func(string) string) settingInput {
	in := settingInput{attr: attr, env: env, envValue: strings.TrimSpace(getenv(env))}
	if !v.IsNull() && !v.IsUnknown() {
		in.config, in.configSet = v.ValueString(), true
	}
	in.unknown = v.IsUnknown()
	return in
}

// fromEnv reports whether the value in use is the environment's.
func (in settingInput) fromEnv() bool { return !in.configSet && !in.unknown && in.envValue != "" }

// value is the configuration's value, else the environment's.
func (in settingInput) value() string {
	if in.configSet {
		return in.config
	}
	return in.envValue
}

// credentialEnvVars names the environment variables among the credentials
// the resolved mode sends: email and api_token for the token modes,
// client_id and client_secret for OAuth. A stray credential of the other
// kind is never sent, so it binds nothing.
func credentialEnvVars(mode confluence.AuthMode, email, apiToken, clientID, clientSecret settingInput) []string {
	used := []settingInput{email, apiToken}
	if mode == confluence.AuthOAuth {
		used = []settingInput{clientID, clientSecret}
	}
	var envs []string
	for _, in := range used {
		if in.fromEnv() {
			envs = append(envs, in.env)
		}
	}
	return envs
}

// resolveEndpoint returns the endpoint to use. credentialEnvs are the
// environment variables the run's credentials come from; when there are any,
// the endpoint is the environment's, and a configured value that differs
// from it, or that it does not back, is a problem on the argument. Pure.
func resolveEndpoint(in settingInput, credentialEnvs []string) (string, *authProblem) {
	if len(credentialEnvs) == 0 || !in.configSet {
		return in.value(), nil
	}
	creds := strings.Join(credentialEnvs, ", ")
	if in.envValue == "" {
		return "", &authProblem{attr: in.attr, summary: "Endpoint Must Come from the Environment",
			detail: fmt.Sprintf("The configuration sets %s = %q, but the credentials of this run come from the environment (%s), which does not set %s. "+
				"The provider sends the environment's credentials only to endpoints the environment names, so nothing was sent. "+
				"Whoever owns the pipeline sets %s next to the credentials; then remove %s from the provider block (or keep it equal). "+
				"A configuration that brings its own credentials in the provider block may choose its own %s.",
				in.attr, shown(in.config), creds, in.env, in.env, in.attr, in.attr)}
	}
	if !sameEndpoint(in.attr, in.config, in.envValue) {
		return "", &authProblem{attr: in.attr, summary: "Endpoint Set by the Environment",
			detail: fmt.Sprintf("The configuration says %s = %q, but %s=%q is set in the environment of this run, which also supplies the credentials (%s). "+
				"The environment is the pipeline owner's and wins, so nothing was sent; remove %s from the provider block or set it to the same value.",
				in.attr, shown(in.config), in.env, shown(in.envValue), creds, in.attr)}
	}
	return in.envValue, nil
}

// sameEndpoint compares two spellings of an endpoint: URLs without case in
// scheme and host, a trailing slash or (for the site) a trailing /wiki.
func sameEndpoint(attr, a, b string) bool {
	if attr == "cloud_id" {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	norm := func(raw string) string {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			return raw
		}
		u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
		// The scheme's default port is the same endpoint.
		if port := u.Port(); (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
			u.Host = u.Hostname()
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		if attr == "url" {
			u.Path = strings.TrimSuffix(u.Path, "/wiki")
		}
		return u.String()
	}
	return norm(a) == norm(b)
}

// refusedWhileUnknown is the problem of an endpoint set in the provider block
// from a value known only at apply, when the credentials come from the
// environment and the environment sets no such endpoint: whatever the value
// turns out to be, resolveEndpoint will refuse it, so the plan fails now
// instead of deferring every decision to an apply that cannot succeed.
func refusedWhileUnknown(in settingInput, credentialEnvs []string) *authProblem {
	if !in.unknown || in.envValue != "" || len(credentialEnvs) == 0 {
		return nil
	}
	in.configSet, in.config = true, "(known only at apply)"
	_, problem := resolveEndpoint(in, credentialEnvs)
	return problem
}

// shown is an endpoint as an error message may show it: without any
// user:password part a mistyped value might carry (the site URL validator
// refuses those later; the message must not repeat them first).
func shown(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		if i := strings.LastIndex(raw, "@"); err != nil && i >= 0 {
			return "(an unparsable value containing '@')"
		}
		return raw
	}
	u.User = url.User("REDACTED")
	return u.String()
}
