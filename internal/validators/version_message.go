// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// VersionMessage refuses a "|" in a page's version_message. The provider
// writes the message into page history followed by its own parts
// ("<message> | ref <change reference> | policy <decision> … | via
// Terraform"), and the audit export reads those parts back: a "|" in the
// author's text could pose as one of them.
func VersionMessage() validator.String {
	return stringCheck{
		description: `must not contain "|", which separates the parts of the version message the provider writes`,
		summary:     "Invalid Version Message",
		check:       CheckVersionMessage,
	}
}

// CheckVersionMessage applies the VersionMessage rule to s.
func CheckVersionMessage(s string) error {
	if strings.Contains(s, "|") {
		return fmt.Errorf(`the version message %q contains "|", which separates the parts the provider writes after it in page history `+
			`("<message> | ref <change reference> | policy <decision> | via Terraform"); the audit export reads those parts back, so the message may not contain the separator. `+
			`Use another character, such as "/" or "-"; a change reference belongs in the provider's change_reference setting`, s)
	}
	return nil
}
