// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

// notePlannedConnection records that this run plans to create or change the
// connection's record. Terraform plans a confluence_operation_policy whose
// connection_name references the connection after the connection, so the
// policy can tell "created by this same apply" from "does not exist".
func (c *runCache) notePlannedConnection(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.planned == nil {
		c.planned = map[string]bool{}
	}
	c.planned[name] = true
}

// connectionPlanned reports whether this run plans the connection's record.
func (c *runCache) connectionPlanned(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.planned[name]
}
