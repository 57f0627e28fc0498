// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Property is a space or page (content) property.
type Property struct {
	ID, Key string
	Value   json.RawMessage
	Version int // the current version number; in an update, the new one
	// AuthorID is the account Confluence records as the author of the
	// current version: SpaceProperty.version.createdBy for space properties,
	// ContentProperty.version.authorId for page properties (v2 OpenAPI).
	AuthorID string
	// UpdatedAt is when the current version was created (version.createdAt).
	UpdatedAt time.Time
}

type propertyJSON struct {
	ID      string          `json:"id"`
	Key     string          `json:"key"`
	Value   json.RawMessage `json:"value"`
	Version struct {
		Number    int       `json:"number"`
		CreatedBy string    `json:"createdBy"` // space properties
		AuthorID  string    `json:"authorId"`  // content properties
		CreatedAt timestamp `json:"createdAt"`
	} `json:"version"`
}

func (p propertyJSON) toProperty() Property {
	author := p.Version.CreatedBy
	if author == "" {
		author = p.Version.AuthorID
	}
	return Property{ID: p.ID, Key: p.Key, Value: p.Value, Version: p.Version.Number, AuthorID: author, UpdatedAt: time.Time(p.Version.CreatedAt)}
}

// propertyOwner names a property collection: /spaces/{space-id}/properties or
// /pages/{page-id}/properties. Both share request and response shapes.
type propertyOwner struct {
	collection string // "spaces" or "pages"
	id         string
}

func (o propertyOwner) path(propertyID ...string) string {
	return escapeSegments(append([]string{o.collection, o.id, "properties"}, propertyID...)...)
}

func (c *Client) listProperties(ctx context.Context, o propertyOwner, key string) ([]Property, error) {
	q := url.Values{"limit": {strconv.Itoa(maxPageSize)}}
	if key != "" {
		q.Set("key", key)
	}
	results, err := listAll[propertyJSON](ctx, c, c.v2(o.path(), q), 0)
	props := make([]Property, 0, len(results))
	for _, p := range results {
		props = append(props, p.toProperty())
	}
	return props, err
}

func (c *Client) createProperty(ctx context.Context, o propertyOwner, key string, value any) (*Property, error) {
	body := struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	}{key, value}
	var out propertyJSON
	if _, err := c.do(ctx, request{method: http.MethodPost, url: c.v2(o.path(), nil), body: body}, &out); err != nil {
		return nil, err
	}
	p := out.toProperty()
	return &p, nil
}

func (c *Client) updateProperty(ctx context.Context, o propertyOwner, p Property, value any) (*Property, error) {
	if p.ID == "" {
		return nil, fmt.Errorf("updating property %q of %s %s: the property id is empty", p.Key, o.collection, o.id)
	}
	type version struct {
		Number int `json:"number"`
	}
	body := struct {
		Key     string  `json:"key"`
		Value   any     `json:"value"`
		Version version `json:"version"`
	}{p.Key, value, version{p.Version}}
	var out propertyJSON
	if _, err := c.do(ctx, request{method: http.MethodPut, url: c.v2(o.path(p.ID), nil), body: body}, &out); err != nil {
		return nil, err
	}
	updated := out.toProperty()
	return &updated, nil
}

func (c *Client) deleteProperty(ctx context.Context, o propertyOwner, propertyID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, url: c.v2(o.path(propertyID), nil)}, nil)
	return err
}

// putProperty creates the property key, or updates it to its current version + 1.
func (c *Client) putProperty(ctx context.Context, o propertyOwner, key string, value any) (*Property, error) {
	existing, err := c.listProperties(ctx, o, key)
	if err != nil {
		return nil, err
	}
	for _, p := range existing {
		if p.Key == key {
			p.Version++
			return c.updateProperty(ctx, o, p, value)
		}
	}
	return c.createProperty(ctx, o, key, value)
}

// ListSpaceProperties returns a space's properties, or only the one named key
// when key is not empty: GET /wiki/api/v2/spaces/{space-id}/properties.
func (c *Client) ListSpaceProperties(ctx context.Context, spaceID, key string) ([]Property, error) {
	return c.listProperties(ctx, propertyOwner{"spaces", spaceID}, key)
}

// DeleteSpaceProperty deletes a space property by id.
func (c *Client) DeleteSpaceProperty(ctx context.Context, spaceID, propertyID string) error {
	return c.deleteProperty(ctx, propertyOwner{"spaces", spaceID}, propertyID)
}

// PutSpaceProperty creates the space property key or updates it to its
// current version + 1. It reads then writes: a concurrent writer makes it
// fail with a conflict rather than overwrite silently.
func (c *Client) PutSpaceProperty(ctx context.Context, spaceID, key string, value any) (*Property, error) {
	return c.putProperty(ctx, propertyOwner{"spaces", spaceID}, key, value)
}

// ListPageProperties returns a page's properties, or only the one named key
// when key is not empty: GET /wiki/api/v2/pages/{page-id}/properties.
func (c *Client) ListPageProperties(ctx context.Context, pageID, key string) ([]Property, error) {
	return c.listProperties(ctx, propertyOwner{"pages", pageID}, key)
}

// CreatePageProperty creates a page property; value is JSON-encoded. Not retried.
func (c *Client) CreatePageProperty(ctx context.Context, pageID, key string, value any) (*Property, error) {
	return c.createProperty(ctx, propertyOwner{"pages", pageID}, key, value)
}

// UpdatePageProperty replaces a page property's value; p.Version is the new
// version number (current + 1).
func (c *Client) UpdatePageProperty(ctx context.Context, pageID string, p Property, value any) (*Property, error) {
	return c.updateProperty(ctx, propertyOwner{"pages", pageID}, p, value)
}

// DeletePageProperty deletes a page property by id.
func (c *Client) DeletePageProperty(ctx context.Context, pageID, propertyID string) error {
	return c.deleteProperty(ctx, propertyOwner{"pages", pageID}, propertyID)
}

// PutPageProperty creates the page property key or updates it to its current
// version + 1.
func (c *Client) PutPageProperty(ctx context.Context, pageID, key string, value any) (*Property, error) {
	return c.putProperty(ctx, propertyOwner{"pages", pageID}, key, value)
}

// ListContentProperties is ListPageProperties for content of any kind:
// GET /wiki/api/v2/blogposts/{blogpost-id}/properties for a blog post.
func (c *Client) ListContentProperties(ctx context.Context, kind ContentKind, id, key string) ([]Property, error) {
	return c.listProperties(ctx, propertyOwner{kind.collection(), id}, key)
}

// CreateContentProperty is CreatePageProperty for content of any kind. Not retried.
func (c *Client) CreateContentProperty(ctx context.Context, kind ContentKind, id, key string, value any) (*Property, error) {
	return c.createProperty(ctx, propertyOwner{kind.collection(), id}, key, value)
}

// UpdateContentProperty is UpdatePageProperty for content of any kind.
func (c *Client) UpdateContentProperty(ctx context.Context, kind ContentKind, id string, p Property, value any) (*Property, error) {
	return c.updateProperty(ctx, propertyOwner{kind.collection(), id}, p, value)
}

// PutContentProperty is PutPageProperty for content of any kind.
func (c *Client) PutContentProperty(ctx context.Context, kind ContentKind, id, key string, value any) (*Property, error) {
	return c.putProperty(ctx, propertyOwner{kind.collection(), id}, key, value)
}
