// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// stringCheck adapts a plain check function to validator.String so each rule
// is written once and reused for attributes and environment variables alike.
type stringCheck struct {
	description string
	summary     string
	check       func(string) error
}

func (v stringCheck) Description(context.Context) string { return v.description }

func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

// Email accepts a single plain e-mail address.
func Email() validator.String {
	return stringCheck{"must be an e-mail address such as bot@example.com", "Invalid E-mail Address", CheckEmail}
}

// CheckEmail reports whether s is one plain e-mail address.
func CheckEmail(s string) error {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return fmt.Errorf("%q is not an e-mail address. Accepted: one plain address such as bot@example.com", s)
	}
	return nil
}

// Duration accepts a Go duration string within [min, max].
func Duration(minimum, maximum time.Duration) validator.String {
	return stringCheck{
		description: fmt.Sprintf("must be a duration such as \"30s\" or \"2m\", between %s and %s", minimum, maximum),
		summary:     "Invalid Duration",
		check: func(s string) error {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("%q is not a duration. Accepted: a number with a unit, such as \"30s\" or \"2m\"", s)
			}
			if d < minimum || d > maximum {
				return fmt.Errorf("%q is outside the accepted range %s to %s", s, minimum, maximum)
			}
			return nil
		},
	}
}

// RFC3339 accepts an RFC 3339 timestamp such as 2027-01-31T00:00:00Z.
func RFC3339() validator.String {
	return stringCheck{
		description: "must be an RFC 3339 timestamp such as 2027-01-31T00:00:00Z",
		summary:     "Invalid Timestamp",
		check: func(s string) error {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return fmt.Errorf("%q is not an RFC 3339 timestamp. Accepted: a date and time with offset, such as 2027-01-31T00:00:00Z", s)
			}
			return nil
		},
	}
}

var spaceKeyPattern = regexp.MustCompile(`^~?[A-Za-z0-9]{1,255}$`)

// SpaceKey accepts a Confluence space key: letters and digits (a personal
// space key starts with "~").
func SpaceKey() validator.String {
	return stringCheck{
		description: "must be a Confluence space key: letters and digits only, such as DOCS (personal spaces start with ~)",
		summary:     "Invalid Space Key",
		check: func(s string) error {
			if !spaceKeyPattern.MatchString(s) {
				return fmt.Errorf("%q is not a space key. Accepted: letters and digits only, such as DOCS; personal space keys start with ~", s)
			}
			return nil
		},
	}
}

// Confluence documents that labels cannot contain spaces or any of
// : ; , . ? & [ ] ( ) # ^ * @ ! (and it escapes < > away).
var labelForbidden = regexp.MustCompile(`[\s:;,.?&\[\]()#^*@!<>]`)

// LabelName accepts a Confluence label: 1–255 characters, lowercase, without
// spaces or the punctuation Confluence rejects.
func LabelName() validator.String {
	return stringCheck{
		description: "must be a Confluence label: lowercase, 1 to 255 characters, no spaces and none of : ; , . ? & [ ] ( ) # ^ * @ ! < >",
		summary:     "Invalid Label",
		check:       CheckLabelName,
	}
}

// CheckLabelName applies the LabelName rules to s.
func CheckLabelName(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("a label cannot be empty")
	case utf8.RuneCountInString(s) > 255:
		return fmt.Errorf("label %q is longer than 255 characters", s)
	case labelForbidden.MatchString(s):
		return fmt.Errorf("label %q contains a space or a character Confluence does not accept in labels (: ; , . ? & [ ] ( ) # ^ * @ ! < >); use letters, digits, '-' and '_'", s)
	case s != strings.ToLower(s):
		return fmt.Errorf("label %q has upper-case letters; Confluence stores labels in lower case, so write it as %q", s, strings.ToLower(s))
	}
	return nil
}
