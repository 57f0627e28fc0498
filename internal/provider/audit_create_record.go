// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// createRecordPrivateKey holds the change record of the page's create, so
// every later terraform.change carries it without reading the property
// first. A page imported, or created before the provider kept it, has none;
// the audit export then flags its version 1 as not recorded.
const createRecordPrivateKey = "audit_create_record"

// keepCreateRecord remembers the record of the create (version 1).
func keepCreateRecord(ctx context.Context, diags *diag.Diagnostics, record auditRecord, private privateState) {
	if record.Version != 1 {
		return
	}
	record.Created = nil
	if raw, err := json.Marshal(record); err == nil {
		diags.Append(private.SetKey(ctx, createRecordPrivateKey, raw)...)
	}
}

// createRecordOf is the remembered record of the create, nil when none.
func createRecordOf(ctx context.Context, private privateState) *auditRecord {
	raw, _ := private.GetKey(ctx, createRecordPrivateKey)
	if len(raw) == 0 {
		return nil
	}
	var record auditRecord
	if json.Unmarshal(raw, &record) != nil || record.Version != 1 {
		return nil
	}
	return &record
}
