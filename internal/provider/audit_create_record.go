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
// first. It is sealed (private_seal.go): the state file is the
// configuration author's to edit, and the audit trail must not take version
// 1's change reference, connection or decision from it. A page imported, or
// created before the provider kept it, has none; the audit export then flags
// its version 1 as not recorded.
const createRecordPrivateKey = "audit_create_record"

// createRecordPurpose binds the seal to this use.
const createRecordPurpose = "audit_create_record"

// keepCreateRecord remembers the record of the create (version 1), sealed.
func keepCreateRecord(ctx context.Context, diags *diag.Diagnostics, seal sealer, pageID string, record auditRecord, private privateState) {
	if record.Version != 1 {
		return
	}
	record.Created = nil
	raw, err := json.Marshal(record)
	if err != nil {
		return
	}
	if sealed := seal.seal(createRecordPurpose, pageID, raw); sealed != nil {
		diags.Append(private.SetKey(ctx, createRecordPrivateKey, sealed)...)
	}
}

// keepNoCreateRecord remembers, sealed, that Confluence holds no create
// record to carry (an imported page), so later updates do not ask again.
func keepNoCreateRecord(ctx context.Context, diags *diag.Diagnostics, seal sealer, pageID string, private privateState) {
	if sealed := seal.seal(createRecordPurpose, pageID, json.RawMessage("null")); sealed != nil {
		diags.Append(private.SetKey(ctx, createRecordPrivateKey, sealed)...)
	}
}

// createRecordOf is the remembered record of the create (nil with ok when
// it is remembered that there is none). ok is false when private state holds
// nothing whose seal checks: the caller then asks Confluence
// (createRecordFromConfluence).
func createRecordOf(ctx context.Context, seal sealer, pageID string, private privateState) (record *auditRecord, ok bool) {
	raw, _ := private.GetKey(ctx, createRecordPrivateKey)
	value, ok := seal.open(createRecordPurpose, pageID, raw)
	if !ok {
		return nil, false
	}
	if string(value) == "null" {
		return nil, true
	}
	var rec auditRecord
	if json.Unmarshal(value, &rec) != nil || rec.Version != 1 {
		return nil, false
	}
	return &rec, true
}

// createRecordFromConfluence is the create's record as the page's current
// terraform.change holds it, trusted only when Confluence records this
// account as the property's author: the record itself while it is still the
// create's, else the create record it carries. record is nil when there is
// none to trust (the audit export then flags version 1 as not recorded);
// known is false when Confluence could not be asked.
func (r *PageResource) createRecordFromConfluence(ctx context.Context, pageID string) (record *auditRecord, known bool) {
	user, err := r.data.run.CurrentUser(ctx)
	if err != nil {
		return nil, false
	}
	props, err := r.data.client.ListContentProperties(ctx, r.kind().api, pageID, auditPropertyKey)
	if err != nil {
		return nil, false
	}
	if len(props) == 0 || props[0].AuthorID != user.AccountID {
		return nil, true
	}
	var current auditRecord
	if json.Unmarshal(props[0].Value, &current) != nil || current.AccountID != user.AccountID {
		return nil, true
	}
	if current.Version == 1 {
		current.Created = nil
		return &current, true
	}
	return current.Created, true
}
