package confluence

import (
	"context"
	"net/http"
)

// User is a Confluence user account.
type User struct {
	AccountID, AccountType, Email, DisplayName, PublicName string
}

// CurrentUser returns the account the client authenticates as:
// GET /wiki/rest/api/user/current. It is the cheapest way to verify
// credentials.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var out struct {
		AccountID   string `json:"accountId"`
		AccountType string `json:"accountType"`
		Email       string `json:"email"`
		DisplayName string `json:"displayName"`
		PublicName  string `json:"publicName"`
	}
	if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v1("/user/current", nil)}, &out); err != nil {
		return nil, err
	}
	return &User{
		AccountID:   out.AccountID,
		AccountType: out.AccountType,
		Email:       out.Email,
		DisplayName: out.DisplayName,
		PublicName:  out.PublicName,
	}, nil
}
