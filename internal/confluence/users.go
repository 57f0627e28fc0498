// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"net/http"
	"net/url"
)

// User is a Confluence user account.
type User struct {
	AccountID, AccountType, Email, DisplayName, PublicName string
}

// userJSON is the v1 User shape.
type userJSON struct {
	AccountID   string `json:"accountId"`
	AccountType string `json:"accountType"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	PublicName  string `json:"publicName"`
}

func (u userJSON) toUser() *User {
	return &User{AccountID: u.AccountID, AccountType: u.AccountType, Email: u.Email, DisplayName: u.DisplayName, PublicName: u.PublicName}
}

// CurrentUser returns the account the client authenticates as:
// GET /wiki/rest/api/user/current. It is the cheapest way to verify
// credentials.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var out userJSON
	if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v1("/user/current", nil)}, &out); err != nil {
		return nil, err
	}
	return out.toUser(), nil
}

// GetUser returns another account by id: GET /wiki/rest/api/user?accountId=…
// (the e-mail address is empty unless the account shares it).
func (c *Client) GetUser(ctx context.Context, accountID string) (*User, error) {
	var out userJSON
	q := url.Values{"accountId": {accountID}}
	if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v1("/user", q)}, &out); err != nil {
		return nil, err
	}
	return out.toUser(), nil
}
