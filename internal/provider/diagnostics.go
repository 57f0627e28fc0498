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

// explainAPIError says what an error from Confluence means for the user.
func explainAPIError(account string, err error) string {
	apiErr, ok := confluence.AsAPIError(err)
	if !ok {
		return "the request to Confluence failed. Check the site URL and the network, then run the command again."
	}
	if len(apiErr.MissingScopes) > 0 {
		return fmt.Sprintf("the credentials of %s lack the scope %s that this operation needs. Add it to the scoped API token or OAuth credential of the service account (the Authentication guide lists the scopes each resource needs).", account, strings.Join(apiErr.MissingScopes, " and "))
	}
	switch apiErr.Kind {
	case confluence.KindUnauthorized:
		return fmt.Sprintf("Confluence rejected the credentials of %s. Check the e-mail address and that the API token is valid and not revoked.", account)
	case confluence.KindForbidden:
		return fmt.Sprintf("the account %s lacks the permission for this in Confluence. Ask a space administrator to grant it (edit for pages, admin for space properties and purge).", account)
	case confluence.KindNotFound:
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
