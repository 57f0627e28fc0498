// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Space is a v2 space.
type Space struct {
	ID, Key, Name, Type, Status, HomepageID string
	WebUI                                   string // _links.webui, relative to /wiki
}

type spaceJSON struct {
	ID         string                     `json:"id"`
	Key        string                     `json:"key"`
	Name       string                     `json:"name"`
	Type       string                     `json:"type"`
	Status     string                     `json:"status"`
	HomepageID string                     `json:"homepageId"`
	Links      map[string]json.RawMessage `json:"_links"`
}

func (s spaceJSON) toSpace() *Space {
	return &Space{
		ID:         s.ID,
		Key:        s.Key,
		Name:       s.Name,
		Type:       s.Type,
		Status:     s.Status,
		HomepageID: s.HomepageID,
		WebUI:      linkString(s.Links, "webui"),
	}
}

// GetSpaceByKey looks a space up by key: GET /wiki/api/v2/spaces?keys=KEY.
// A space that does not exist or that the account cannot see is a
// not-found *APIError.
func (c *Client) GetSpaceByKey(ctx context.Context, key string) (*Space, error) {
	u := c.v2("/spaces", url.Values{"keys": {key}})
	var out multiEntityResult[spaceJSON]
	if _, err := c.do(ctx, request{method: http.MethodGet, url: u}, &out); err != nil {
		return nil, err
	}
	for _, s := range out.Results {
		// Space keys are case-sensitive in the API; match exactly.
		if s.Key == key {
			return s.toSpace(), nil
		}
	}
	return nil, &APIError{
		Kind:     KindNotFound,
		Method:   http.MethodGet,
		Path:     u.EscapedPath(),
		Message:  fmt.Sprintf("no space with key %q exists or is visible to this account", key),
		SpaceKey: key,
		AuthMode: c.mode,
	}
}

// GetSpace reads a space by id: GET /wiki/api/v2/spaces/{id}.
func (c *Client) GetSpace(ctx context.Context, id string) (*Space, error) {
	var out spaceJSON
	if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v2(escapeSegments("spaces", id), nil)}, &out); err != nil {
		return nil, err
	}
	return out.toSpace(), nil
}
