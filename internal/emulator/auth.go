// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
)

// Authentication itself (site, gateway, OAuth) lives in gateway.go.

// v1User is the v1 User shape returned by GET /wiki/rest/api/user/current.
type v1User struct {
	Type        string            `json:"type"`
	AccountID   string            `json:"accountId"`
	AccountType string            `json:"accountType"`
	Email       string            `json:"email"`
	PublicName  string            `json:"publicName"`
	DisplayName string            `json:"displayName"`
	IsGuest     bool              `json:"isGuest"`
	Expandable  map[string]string `json:"_expandable,omitempty"`
	Links       map[string]string `json:"_links,omitempty"`
}

func handleCurrentUser(c *call) *apiError {
	a := c.acct
	return c.json(http.StatusOK, v1User{
		Type:        "known",
		AccountID:   a.AccountID,
		AccountType: "atlassian",
		Email:       a.Email,
		PublicName:  a.DisplayName,
		DisplayName: a.DisplayName,
		Expandable:  map[string]string{"operations": "", "personalSpace": ""},
		Links: map[string]string{
			"self":    c.baseURL() + "/rest/api/user?accountId=" + a.AccountID,
			"base":    c.baseURL(),
			"context": "/wiki",
		},
	})
}

// handleGetUser answers GET /wiki/rest/api/user?accountId=…: any signed-in
// account may look up another by id, as in Confluence Cloud.
func handleGetUser(c *call) *apiError {
	id := c.query("accountId")
	if id == "" {
		return v1Errorf(http.StatusBadRequest, "accountId is required")
	}
	for _, a := range c.e.site.Accounts {
		if a.AccountID == id {
			u := c.e.accountByIDLocked(id)
			u.Expandable = map[string]string{"operations": "", "personalSpace": ""}
			u.Links = map[string]string{"self": c.baseURL() + "/rest/api/user?accountId=" + id, "base": c.baseURL(), "context": "/wiki"}
			return c.json(http.StatusOK, u)
		}
	}
	return v1Errorf(http.StatusNotFound, "No user found with accountId %s", id)
}
