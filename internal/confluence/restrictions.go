// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Group is a Confluence user group.
type Group struct {
	ID, Name string
}

// RestrictionSubjects are who one page operation is restricted to; both
// empty means the operation is not restricted.
type RestrictionSubjects struct {
	AccountIDs []string
	Groups     []Group
}

// Empty reports whether nobody is listed, i.e. the operation is unrestricted.
func (s RestrictionSubjects) Empty() bool { return len(s.AccountIDs) == 0 && len(s.Groups) == 0 }

// Restrictions are a page's view ("read") and edit ("update") restrictions.
type Restrictions struct {
	Read, Update RestrictionSubjects
}

type groupJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type restrictionArrayJSON struct {
	Results []struct {
		Operation    string `json:"operation"`
		Restrictions struct {
			User struct {
				Results []userJSON `json:"results"`
			} `json:"user"`
			Group struct {
				Results []groupJSON `json:"results"`
			} `json:"group"`
		} `json:"restrictions"`
	} `json:"results"`
}

func (r restrictionArrayJSON) toRestrictions() *Restrictions {
	out := &Restrictions{}
	for _, res := range r.Results {
		var s *RestrictionSubjects
		switch res.Operation {
		case "read":
			s = &out.Read
		case "update":
			s = &out.Update
		default:
			continue
		}
		for _, u := range res.Restrictions.User.Results {
			s.AccountIDs = append(s.AccountIDs, u.AccountID)
		}
		for _, g := range res.Restrictions.Group.Results {
			s.Groups = append(s.Groups, Group(g))
		}
	}
	return out
}

// restrictionExpand asks for the users and groups of every operation, which
// GET /content/{id}/restriction otherwise leaves unexpanded.
const restrictionExpand = "restrictions.user,restrictions.group"

// GetPageRestrictions returns a page's restrictions:
// GET /wiki/rest/api/content/{id}/restriction.
func (c *Client) GetPageRestrictions(ctx context.Context, pageID string) (*Restrictions, error) {
	var out restrictionArrayJSON
	u := c.v1(escapeSegments("content", pageID, "restriction"), url.Values{"expand": {restrictionExpand}})
	if _, err := c.do(ctx, request{method: http.MethodGet, url: u}, &out); err != nil {
		return nil, err
	}
	return out.toRestrictions(), nil
}

// SetPageRestrictions replaces all of a page's restrictions with r:
// PUT /wiki/rest/api/content/{id}/restriction ("removes the existing
// restrictions and replaces them"), or DELETE when r restricts nothing.
// Users go by account id, groups by id. Both requests are idempotent.
func (c *Client) SetPageRestrictions(ctx context.Context, pageID string, r Restrictions) (*Restrictions, error) {
	u := c.v1(escapeSegments("content", pageID, "restriction"), url.Values{"expand": {restrictionExpand}})
	var out restrictionArrayJSON
	if r.Read.Empty() && r.Update.Empty() {
		if _, err := c.do(ctx, request{method: http.MethodDelete, url: u}, &out); err != nil {
			return nil, err
		}
		return out.toRestrictions(), nil
	}
	type userRef struct {
		Type      string `json:"type"`
		AccountID string `json:"accountId"`
	}
	type groupRef struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	type subjects struct {
		User  []userRef  `json:"user,omitempty"`
		Group []groupRef `json:"group,omitempty"`
	}
	type update struct {
		Operation    string   `json:"operation"`
		Restrictions subjects `json:"restrictions"`
	}
	var body []update
	for _, op := range []struct {
		name string
		s    RestrictionSubjects
	}{{"read", r.Read}, {"update", r.Update}} {
		if op.s.Empty() {
			continue // "at least one of user or group must be specified"
		}
		var s subjects
		for _, id := range op.s.AccountIDs {
			s.User = append(s.User, userRef{Type: "known", AccountID: id})
		}
		for _, g := range op.s.Groups {
			s.Group = append(s.Group, groupRef{Type: "group", ID: g.ID})
		}
		body = append(body, update{Operation: op.name, Restrictions: s})
	}
	if _, err := c.do(ctx, request{method: http.MethodPut, url: u, body: body}, &out); err != nil {
		return nil, err
	}
	return out.toRestrictions(), nil
}

// groupListJSON is GroupArrayWithLinks.
type groupListJSON struct {
	Results []groupJSON `json:"results"`
	Start   int         `json:"start"`
	Limit   int         `json:"limit"`
	Size    int         `json:"size"`
}

// maxV1Pages bounds offset paging of v1 lists, so a server that never ends a
// list cannot loop the client.
const maxV1Pages = 100

func (c *Client) listGroups(ctx context.Context, path string, q url.Values) ([]Group, error) {
	var groups []Group
	start := 0
	for range maxV1Pages {
		q.Set("start", strconv.Itoa(start))
		q.Set("limit", "200")
		var page groupListJSON
		if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v1(path, q)}, &page); err != nil {
			return nil, err
		}
		for _, g := range page.Results {
			groups = append(groups, Group(g))
		}
		if len(page.Results) == 0 || len(page.Results) < page.Limit {
			return groups, nil
		}
		start += len(page.Results)
	}
	return nil, fmt.Errorf("GET %s: more than %d pages of groups; stopping", v1Prefix+path, maxV1Pages)
}

// ListGroups returns every group of the site: GET /wiki/rest/api/group.
func (c *Client) ListGroups(ctx context.Context) ([]Group, error) {
	return c.listGroups(ctx, "/group", url.Values{})
}

// UserGroups returns the groups an account belongs to:
// GET /wiki/rest/api/user/memberof?accountId=….
func (c *Client) UserGroups(ctx context.Context, accountID string) ([]Group, error) {
	return c.listGroups(ctx, "/user/memberof", url.Values{"accountId": {accountID}})
}

// FindUsersByEmail returns the accounts whose e-mail address is exactly
// email (case-insensitively): GET /wiki/rest/api/search/user with
// cql=user.fullname ~ "<email>", keeping only exact matches. Accounts whose
// e-mail address is hidden by their profile visibility cannot be found so.
func (c *Client) FindUsersByEmail(ctx context.Context, email string) ([]User, error) {
	var out struct {
		Results []struct {
			User *userJSON `json:"user"`
		} `json:"results"`
	}
	u := c.v1("/search/user", url.Values{"cql": {"user.fullname ~ " + QuoteCQL(email)}, "limit": {"50"}})
	if _, err := c.do(ctx, request{method: http.MethodGet, url: u}, &out); err != nil {
		return nil, err
	}
	var users []User
	for _, r := range out.Results {
		if r.User != nil && r.User.AccountID != "" && strings.EqualFold(r.User.Email, email) {
			users = append(users, *r.User.toUser())
		}
	}
	return users, nil
}
