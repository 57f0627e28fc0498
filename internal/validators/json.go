// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// JSON accepts a single JSON document (e.g. the value of a content property).
func JSON() validator.String {
	return stringCheck{description: "must be a JSON document", summary: "Invalid JSON", check: CheckJSON}
}

// CheckJSON reports why s is not a single JSON document.
func CheckJSON(s string) error {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return fmt.Errorf("the value is not a JSON document (%w); build it with jsonencode(...)", err)
	}
	return nil
}

// NotPrefixed refuses values starting with prefix, which names what such
// values are reserved for.
func NotPrefixed(prefix, reservedFor string) validator.String {
	return stringCheck{
		description: fmt.Sprintf("must not start with %q", prefix),
		summary:     "Reserved Name",
		check: func(s string) error {
			if strings.HasPrefix(s, prefix) {
				return fmt.Errorf("%q starts with %q, which is reserved for %s; choose another name", s, prefix, reservedFor)
			}
			return nil
		},
	}
}
