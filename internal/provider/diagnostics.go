// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// addAPIError turns a client error into one diagnostic that says what the
// provider was doing (doing: "While updating page 123 in space DOCS"), what
// Confluence answered in words a user can act on, and the original error last.
// The client's errors never carry bodies or credentials.
func addAPIError(diags *diag.Diagnostics, summary, doing, account string, err error) {
	diags.AddError(summary, doing+", "+explainAPIError(account, err)+"\n\nError: "+err.Error())
}

// addAPIWarning is addAPIError for a step that failed after the change itself
// was saved: the apply succeeds, and the warning says what is missing.
func addAPIWarning(diags *diag.Diagnostics, summary, doing, account string, err error) {
	diags.AddWarning(summary, doing+", "+explainAPIError(account, err)+"\n\nError: "+err.Error())
}

// answeredError reports whether err is Confluence's (or the OAuth token
// endpoint's) answer, which explainAPIError words, rather than a failure of
// the provider's own (a policy record that does not parse).
func answeredError(err error) bool {
	if _, ok := confluence.AsAPIError(err); ok {
		return true
	}
	_, ok := confluence.AsTokenError(err)
	return ok
}

// explainAPIError says what an error from Confluence means for the user.
func explainAPIError(account string, err error) string {
	if te, ok := confluence.AsTokenError(err); ok {
		return explainTokenError(te)
	}
	apiErr, ok := confluence.AsAPIError(err)
	if !ok {
		return "the request to Confluence failed. Check the site URL and the network, then run the command again."
	}
	if account == "" {
		account = accountOf(apiErr)
	}
	if len(apiErr.MissingScopes) > 0 {
		return fmt.Sprintf("the credentials of %s lack the scope %s that this operation needs. Add it to the scoped API token or OAuth credential of the service account (the Authentication guide lists the scopes each resource needs).", account, strings.Join(apiErr.MissingScopes, " and "))
	}
	switch apiErr.Kind {
	case confluence.KindUnauthorized:
		return unauthorizedAdvice(apiErr, account)
	case confluence.KindNotConfluence:
		return notConfluenceAdvice(apiErr)
	case confluence.KindForbidden:
		return fmt.Sprintf("the account %s lacks the permission for this in Confluence. Ask a space administrator to grant it (edit for pages, admin for space properties and purge).", account)
	case confluence.KindNotFound:
		if apiErr.SpaceKey != "" {
			return spaceNotFoundDetail(apiErr.SpaceKey, account)
		}
		return fmt.Sprintf("Confluence answered not found: either it does not exist or the account %s may not view it (Confluence hides what an account cannot see).", account)
	case confluence.KindConflict:
		return "Confluence reported a conflict: the content changed since it was read."
	case confluence.KindRateLimited:
		return "Confluence kept rate limiting the requests after the configured retries. Lower requests_per_second or run again later."
	case confluence.KindBadRequest:
		return "Confluence refused the request: " + apiErr.Message
	default:
		return "Confluence answered with an error. Run the command again; if it persists, check Confluence's status page."
	}
}

// accountOf names the account of an error when the caller knows none (an
// OAuth configuration has no e-mail address).
func accountOf(apiErr *confluence.APIError) string {
	if apiErr.AuthMode == confluence.AuthOAuth && apiErr.ClientID != "" {
		return "the service account of OAuth client " + apiErr.ClientID
	}
	return "the configured account"
}

// unauthorizedAdvice words a 401 for the credential the provider used.
func unauthorizedAdvice(apiErr *confluence.APIError, account string) string {
	switch apiErr.AuthMode {
	case confluence.AuthOAuth:
		return fmt.Sprintf("the API gateway refused the OAuth access token of client %s. Check that the service account's OAuth credential is not revoked or expired and that the service account is active (Atlassian Administration, Directory, Service accounts).", apiErr.ClientID)
	case confluence.AuthScopedToken:
		return fmt.Sprintf("Confluence rejected the credentials of %s. Check the e-mail address and that the scoped API token is valid, not revoked or expired, and belongs to that account.", account)
	}
	return fmt.Sprintf("Confluence rejected the credentials of %s. Check the e-mail address and that the API token is valid and not revoked.", account)
}

// notConfluenceAdvice words an answer that did not come from Confluence.
func notConfluenceAdvice(apiErr *confluence.APIError) string {
	setting := "the url (https://<site>.atlassian.net)"
	if apiErr.AuthMode != confluence.AuthClassicToken && apiErr.AuthMode != "" && !strings.HasPrefix(apiErr.Path, "/_edge/") {
		setting = "gateway_url (CONFLUENCE_GATEWAY_URL; leave it unset for " + confluence.DefaultGatewayURL + ")"
	}
	return fmt.Sprintf("the URL %s does not look like a Confluence Cloud site (it answered %d with a web page at %s, not Confluence's JSON): check %s.",
		apiErr.BaseURL, apiErr.StatusCode, apiErr.Path, setting)
}

// explainTokenError words a failure to get an OAuth access token. The
// request it was for was never sent.
func explainTokenError(te *confluence.TokenError) string {
	switch {
	case te.Rejected():
		return fmt.Sprintf("the OAuth token endpoint %s refused the client credentials of client %s (%s), so nothing was sent to Confluence. "+
			"Check %s and %s (or client_id and client_secret in the provider block), and that the service account's OAuth credential is not revoked or expired (Atlassian Administration, Directory, Service accounts).",
			te.TokenURL, te.ClientID, tokenAnswer(te), envClientID, envClientSecret)
	case te.HostNotFound():
		return fmt.Sprintf("the OAuth token endpoint %s could not be reached: its host %s does not resolve, so nothing was sent to Confluence. "+
			"Outside Atlassian Cloud (for example against the emulator) set oauth_token_url or %s, and gateway_url or %s; otherwise check the network's DNS.",
			te.TokenURL, te.Host(), envOAuthTokenURL, envGatewayURL)
	case te.Permanent():
		return fmt.Sprintf("the OAuth token endpoint %s refused the request (%s), so nothing was sent to Confluence. Check oauth_token_url or %s: leave it unset for %s.",
			te.TokenURL, tokenAnswer(te), envOAuthTokenURL, confluence.DefaultOAuthTokenURL)
	}
	return fmt.Sprintf("no OAuth access token could be obtained from %s (it failed or did not answer after the configured retries), so nothing was sent to Confluence. Run the command again; if it persists, check the network and Atlassian's status page.", te.TokenURL)
}

// tokenAnswer is the token endpoint's status and error code, e.g. "401 invalid_client".
func tokenAnswer(te *confluence.TokenError) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", te.StatusCode, te.Code))
}

// spaceNotFoundDetail says that no space with a key is visible, and why
// that may be: Confluence lists only the spaces the account may view
// (GET /wiki/api/v2/spaces), and keys are matched exactly.
func spaceNotFoundDetail(key, account string) string {
	return fmt.Sprintf("Confluence has no space with key %q visible to %s. Either no space has that key (keys are matched exactly, capitals included: DOCS is not docs), "+
		"or the account lacks the view permission in it: Confluence lists only the spaces an account may view. Check the key in the space's URL (/wiki/spaces/<KEY>), or ask a space administrator to grant the account view access.", key, account)
}
