// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package validators

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// StorageFormat rejects storage format that is not well-formed, at plan
// time, naming the line, column and element.
func StorageFormat() validator.String { return storageFormat{} }

type storageFormat struct{}

func (storageFormat) Description(context.Context) string {
	return "must be well-formed Confluence storage format (XHTML)"
}

func (v storageFormat) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (storageFormat) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := storage.Validate(req.ConfigValue.ValueString()); err != nil {
		detail := err.Error()
		var syntaxErr *storage.SyntaxError
		if errors.As(err, &syntaxErr) {
			detail = fmt.Sprintf("Line %d, column %d: %s", syntaxErr.Line, syntaxErr.Column, syntaxErr.Msg)
			if syntaxErr.Element != "" && !strings.Contains(syntaxErr.Msg, "<"+syntaxErr.Element+">") {
				detail += fmt.Sprintf(" (element <%s>)", syntaxErr.Element)
			}
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Storage Format",
			"The page body is not well-formed Confluence storage format (XHTML). "+detail+
				"\n\nClose every element (<br/>, <p>…</p>), escape & as &amp;, and use entities Confluence knows (HTML named entities or numeric references).")
	}
}
