// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// putSpaceRecord writes one record (a connection or a policy) as a property
// of a space and drops the run's cached records of that space, so decisions
// later in the run see it. doing says what is being written, for errors.
func (d *providerData) putSpaceRecord(ctx context.Context, diags *diag.Diagnostics, spaceKey, key string, value json.RawMessage, doing string) bool {
	space, err := d.run.Space(ctx, spaceKey)
	if err != nil {
		addAPIError(diags, "Unable to Read Space", fmt.Sprintf("While writing %s to space %s", doing, spaceKey), d.account(), err)
		return false
	}
	defer d.run.forgetRecords(spaceKey)
	if _, err := d.client.PutSpaceProperty(ctx, space.ID, key, value); err != nil {
		addAPIError(diags, "Unable to Write Space Property", fmt.Sprintf("While writing %s as space property %q in space %s", doing, key, spaceKey), d.account(), err)
		return false
	}
	return true
}

// removeSpaceRecords deletes record properties from a space. A space that is
// gone or hidden has nothing left to remove.
func (d *providerData) removeSpaceRecords(ctx context.Context, diags *diag.Diagnostics, spaceKey string, keys ...string) bool {
	space, err := d.run.Space(ctx, spaceKey)
	if confluence.IsNotFound(err) {
		return true
	}
	if err != nil {
		addAPIError(diags, "Unable to Read Space", "While removing "+strings.Join(keys, " and ")+" from space "+spaceKey, d.account(), err)
		return false
	}
	defer d.run.forgetRecords(spaceKey)
	props, err := d.client.ListSpaceProperties(ctx, space.ID, "")
	if err != nil {
		addAPIError(diags, "Unable to Read Space Properties", "While removing "+strings.Join(keys, " and ")+" from space "+space.Key, d.account(), err)
		return false
	}
	ok := true
	for _, p := range props {
		if !slices.Contains(keys, p.Key) {
			continue
		}
		if err := d.client.DeleteSpaceProperty(ctx, space.ID, p.ID); err != nil && !confluence.IsNotFound(err) {
			addAPIError(diags, "Unable to Delete Space Property", fmt.Sprintf("While deleting space property %q from space %s", p.Key, space.Key), d.account(), err)
			ok = false
		}
	}
	return ok
}
