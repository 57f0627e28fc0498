// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// credentialName is what a connection's secret is called in messages.
func credentialName(mode string) string {
	switch confluence.AuthMode(mode) {
	case confluence.AuthScopedToken:
		return "scoped API token"
	case confluence.AuthOAuth:
		return "OAuth client secret"
	}
	return "API token"
}

// credentialTitle is credentialName in a diagnostic's Title Case summary.
func credentialTitle(mode string) string {
	switch confluence.AuthMode(mode) {
	case confluence.AuthScopedToken:
		return "Scoped API Token"
	case confluence.AuthOAuth:
		return "OAuth Client Credentials"
	}
	return "API Token"
}

// addConnectionTokenError reports that the OAuth token endpoint did not give
// a connection's credential an access token. The administrators' workspace
// verifies at its own provider's oauth_token_url, so that is what to set.
func addConnectionTokenError(diags *diag.Diagnostics, name, email string, te *confluence.TokenError, err error) {
	if te.Rejected() {
		diags.AddAttributeError(path.Root("client_secret_wo"), "OAuth Client Credentials Rejected",
			fmt.Sprintf("The OAuth token endpoint %s refused the client credentials of connection %q (client_id %s, service account %s): it answered %s. Nothing was written. "+
				"Check that client_id and client_secret_wo are that service account's OAuth 2.0 credential (Atlassian Administration, Directory, Service accounts), and that it is not revoked or expired.",
				te.TokenURL, name, te.ClientID, email, tokenAnswer(te)))
		return
	}
	diags.AddAttributeError(path.Root("client_secret_wo"), "Unable to Verify OAuth Client Credentials",
		fmt.Sprintf("While verifying the OAuth client credentials of connection %q (client_id %s), %s "+
			"The administrators' workspace verifies OAuth connections at its own provider's oauth_token_url and gateway_url. Nothing was written.\n\nError: %s",
			name, te.ClientID, explainTokenError(te), err))
}

// connectionCredentialProblems checks that a connection's configuration
// carries the credential its auth mode uses and nothing of another mode.
// tokenSet and secretSet say whether api_token_wo / client_secret_wo are in
// the configuration; needCredential whether this plan verifies it.
func connectionCredentialProblems(mode string, clientID string, tokenSet, secretSet, needCredential bool) []authProblem {
	var out []authProblem
	add := func(attr, summary, detail string) {
		out = append(out, authProblem{attr: attr, summary: summary, detail: detail})
	}
	switch confluence.AuthMode(mode) {
	case confluence.AuthOAuth:
		if clientID == "" {
			add("client_id", "Client Id Required", "auth_mode oauth_client_credentials needs client_id: the OAuth 2.0 client id of the service account's credential.")
		}
		if tokenSet {
			add("api_token_wo", "Conflicting Connection Credentials", "api_token_wo is not used with auth_mode oauth_client_credentials; pass the client secret in client_secret_wo instead.")
		}
		if needCredential && !secretSet {
			add("client_secret_wo", "Client Secret Required", "The connection needs client_secret_wo when it is created and whenever email, auth_mode, client_id or api_token_wo_version changes: the apply verifies the credential. Pass it from a secret store or an ephemeral value.")
		}
	default:
		if clientID != "" {
			add("client_id", "Conflicting Connection Credentials", fmt.Sprintf("client_id is only used with auth_mode oauth_client_credentials, but auth_mode is %s. Remove it or change auth_mode.", mode))
		}
		if secretSet {
			add("client_secret_wo", "Conflicting Connection Credentials", fmt.Sprintf("client_secret_wo is only used with auth_mode oauth_client_credentials, but auth_mode is %s; pass the %s in api_token_wo.", mode, credentialName(mode)))
		}
		if needCredential && !tokenSet {
			add("api_token_wo", "API Token Required", "The connection needs api_token_wo when it is created and whenever email, auth_mode or api_token_wo_version changes: the apply verifies the token against the site. Pass the token from a secret store or an ephemeral value.")
		}
	}
	return out
}

// rotationAge is how old a credential may get before plans suggest rotating
// it: Atlassian's API tokens live a year at most.
const rotationAge = 365 * 24 * time.Hour

// credentialNotice is a warning or error about a connection's credential.
type credentialNotice struct {
	err             bool
	attr            string
	summary, detail string
}

// credentialNotices returns the expiry and rotation notices of a connection
// (pure; table-tested): expired → error; expiring within 30 days → warning;
// a classic token without token_expires_at → warning (classic tokens expire
// within a year, and tokens made before 15 Dec 2024 expired in 2026); a
// credential last rotated over a year ago → warning. Every mode is covered.
func credentialNotices(mode string, expiresAt, rotatedAt *time.Time, now time.Time) []credentialNotice {
	what := credentialName(mode)
	rotate := "create a new " + what + ", pass it in " + map[bool]string{true: "client_secret_wo", false: "api_token_wo"}[mode == string(confluence.AuthOAuth)] +
		", increment api_token_wo_version and update token_expires_at"
	var out []credentialNotice
	if expiresAt != nil {
		status, left := policy.TokenExpiryStatus(*expiresAt, now)
		switch status {
		case policy.ExpiryExpired:
			out = append(out, credentialNotice{err: true, attr: "token_expires_at", summary: "API Token Expired",
				detail: fmt.Sprintf("The connection's %s expired at %s (%s ago). To fix it, %s.", what, expiresAt.UTC().Format(time.RFC3339), wholeDuration(-left), rotate)})
		case policy.ExpiryWarning:
			out = append(out, credentialNotice{attr: "token_expires_at", summary: "API Token Expires Soon",
				detail: fmt.Sprintf("The connection's %s expires at %s, in %s. Rotate it before then: %s.", what, expiresAt.UTC().Format(time.RFC3339), wholeDuration(left), rotate)})
		}
	} else if mode == "" || mode == string(confluence.AuthClassicToken) {
		out = append(out, credentialNotice{attr: "token_expires_at", summary: "API Token Expiry Unknown",
			detail: "Classic API tokens expire within a year at most (tokens created before 15 December 2024 expired between March and May 2026), and an expired token stops every run. " +
				"Set token_expires_at to the expiry Atlassian showed when the token was created, so plans warn 30 days ahead. Better still, use a service account with a scoped token or OAuth credentials (see the Authentication guide)."})
	}
	if rotatedAt != nil && now.Sub(*rotatedAt) > rotationAge {
		out = append(out, credentialNotice{attr: "api_token_wo_version", summary: "Credential Due for Rotation",
			detail: fmt.Sprintf("The connection's %s was last rotated at %s, over a year ago. Rotate it: %s.", what, rotatedAt.UTC().Format(time.RFC3339), rotate)})
	}
	return out
}

// wholeDuration words a span for people: whole days from two days on
// ("333 days"), whole hours below that ("26 hours"), whole minutes below an
// hour. Raw durations ("7989h15m0s") are hard to read in an error.
func wholeDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	d = max(d, 0)
	switch {
	case d >= 48*time.Hour:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour:
		return plural(int64(d/time.Hour), "hour")
	}
	return plural(int64(d/time.Minute), "minute")
}
