// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

type v2ContentPropVersion struct {
	CreatedAt string `json:"createdAt"`
	Message   string `json:"message"`
	Number    int    `json:"number"`
	MinorEdit bool   `json:"minorEdit"`
	AuthorID  string `json:"authorId"`
}

// v2ContentProp is the ContentProperty shape (page properties).
type v2ContentProp struct {
	ID      string               `json:"id"`
	Key     string               `json:"key"`
	Value   json.RawMessage      `json:"value"`
	Version v2ContentPropVersion `json:"version"`
}

func toV2ContentProp(p *property) v2ContentProp {
	return v2ContentProp{ID: p.ID, Key: p.Key, Value: p.Value, Version: v2ContentPropVersion{
		CreatedAt: formatTime(p.UpdatedAt), Message: p.Message, Number: p.Version, AuthorID: p.UpdatedBy,
	}}
}

type v2SpacePropVersion struct {
	CreatedAt string `json:"createdAt"`
	CreatedBy string `json:"createdBy"`
	Message   string `json:"message"`
	Number    int    `json:"number"`
}

// v2SpaceProp is the SpaceProperty shape.
type v2SpaceProp struct {
	ID        string             `json:"id"`
	Key       string             `json:"key"`
	Value     json.RawMessage    `json:"value"`
	CreatedAt string             `json:"createdAt"`
	CreatedBy string             `json:"createdBy"`
	Version   v2SpacePropVersion `json:"version"`
}

func toV2SpaceProp(p *property) v2SpaceProp {
	return v2SpaceProp{ID: p.ID, Key: p.Key, Value: p.Value, CreatedAt: formatTime(p.CreatedAt), CreatedBy: p.CreatedBy,
		Version: v2SpacePropVersion{CreatedAt: formatTime(p.UpdatedAt), CreatedBy: p.UpdatedBy, Message: p.Message, Number: p.Version}}
}

type propertyWrite struct {
	Key     string          `json:"key"`
	Value   json.RawMessage `json:"value"`
	Version *struct {
		Number  int    `json:"number"`
		Message string `json:"message"`
	} `json:"version"`
}

// propertyStore is one owner's property list (a page's or a space's) with the permission
// its writes need.
type propertyStore struct {
	props     *[]*property
	canWrite  bool
	ownerName string // for error messages, e.g. "page 65540"
}

func validatePropertyWrite(req *propertyWrite) *apiError {
	if strings.TrimSpace(req.Key) == "" {
		return badRequest("Property key is required")
	}
	if len(req.Key) > 255 {
		return badRequest("Property key cannot be longer than 255 characters")
	}
	if len(bytes.TrimSpace(req.Value)) == 0 {
		return badRequest("Property value is required and must be valid JSON")
	}
	return nil
}

func (c *call) listProperties(st propertyStore, render func(*property) any) *apiError {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	keyFilter := c.query("key")
	var matched []*property
	for _, p := range *st.props {
		if keyFilter == "" || p.Key == keyFilter {
			matched = append(matched, p)
		}
	}
	sortName := c.query("sort")
	key, desc := func(p *property) string { return paddedID(p.ID) }, false
	switch sortName {
	case "":
	case "key", "-key":
		key, desc = func(p *property) string { return p.Key + "\x00" + paddedID(p.ID) }, sortName == "-key"
	default:
		return badRequest("Invalid sort %q: use key or -key", sortName)
	}
	props, next, err := keyedPage(matched, key, desc, "properties:"+sortName, c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]any, 0, len(props))
	for _, p := range props {
		results = append(results, render(p))
	}
	return writeV2List(c, results, next)
}

func (c *call) createProperty(st propertyStore) (*property, *apiError) {
	var req propertyWrite
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if !st.canWrite {
		return nil, forbidden("You may not change properties of %s", st.ownerName)
	}
	if err := validatePropertyWrite(&req); err != nil {
		return nil, err
	}
	if findPropertyByKey(*st.props, req.Key) != nil {
		return nil, errorf(http.StatusConflict, "A property with key '%s' already exists on %s; update it instead", req.Key, st.ownerName)
	}
	now := c.e.now().UTC()
	p := &property{ID: c.e.nextIDLocked(), Key: req.Key, Value: req.Value, Version: 1,
		CreatedAt: now, CreatedBy: c.acct.AccountID, UpdatedAt: now, UpdatedBy: c.acct.AccountID}
	*st.props = append(*st.props, p)
	return p, nil
}

func (c *call) updateProperty(st propertyStore, id string) (*property, *apiError) {
	p := findProperty(*st.props, id)
	if p == nil {
		return nil, errorf(http.StatusNotFound, "Property %s was not found on %s", id, st.ownerName)
	}
	var req propertyWrite
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if !st.canWrite {
		return nil, forbidden("You may not change properties of %s", st.ownerName)
	}
	if err := validatePropertyWrite(&req); err != nil {
		return nil, err
	}
	if req.Key != p.Key {
		return nil, badRequest("Property key cannot be changed (is %q, request has %q)", p.Key, req.Key)
	}
	if req.Version == nil || req.Version.Number != p.Version+1 {
		return nil, errorf(http.StatusConflict, "Version must be incremented on update. Current version is: %d", p.Version)
	}
	p.Value, p.Version, p.Message = req.Value, req.Version.Number, req.Version.Message
	p.UpdatedAt, p.UpdatedBy = c.e.now().UTC(), c.acct.AccountID
	return p, nil
}

func (c *call) deleteProperty(st propertyStore, id string) *apiError {
	p := findProperty(*st.props, id)
	if p == nil {
		return errorf(http.StatusNotFound, "Property %s was not found on %s", id, st.ownerName)
	}
	if !st.canWrite {
		return forbidden("You may not change properties of %s", st.ownerName)
	}
	props := *st.props
	for i := range props {
		if props[i] == p {
			*st.props = append(props[:i:i], props[i+1:]...)
			break
		}
	}
	return c.noContent()
}

// Space properties: reading needs view, writing needs space admin.

func (c *call) spaceProperties() (propertyStore, *apiError) {
	s, perm, err := c.visibleSpace(c.param("space-id"))
	if err != nil {
		return propertyStore{}, err
	}
	return propertyStore{props: &s.Properties, canWrite: perm >= PermAdmin, ownerName: "space " + s.Key}, nil
}

// spacePropertyAPI serves /spaces/{space-id}/properties: create answers 201
// with Location, as documented for space properties.
var spacePropertyAPI = propertyAPI{
	store:         (*call).spaceProperties,
	render:        func(p *property) any { return toV2SpaceProp(p) },
	createdStatus: http.StatusCreated,
	location:      true,
}

// Page properties: reading needs view, writing needs edit; trashed pages have none to show.

func (c *call) pageProperties() (propertyStore, *apiError) {
	p, _, perm, err := c.visiblePage(c.contentIDParam())
	if err != nil {
		return propertyStore{}, err
	}
	if p.Status != statusCurrent {
		return propertyStore{}, notFound()
	}
	return propertyStore{props: &p.Properties, canWrite: perm >= PermEdit, ownerName: p.contentType() + " " + p.ID}, nil
}

// pagePropertyAPI serves /pages/{page-id}/properties: create answers 200.
var pagePropertyAPI = propertyAPI{
	store:         (*call).pageProperties,
	render:        func(p *property) any { return toV2ContentProp(p) },
	createdStatus: http.StatusOK,
}

// propertyAPI is the property endpoints of one kind of owner; space and page
// properties differ only in who may write, their shape and create's answer.
type propertyAPI struct {
	store         func(*call) (propertyStore, *apiError)
	render        func(*property) any
	createdStatus int
	location      bool // Location header on create and update
}

func (a propertyAPI) list(c *call) *apiError {
	st, err := a.store(c)
	if err != nil {
		return err
	}
	return c.listProperties(st, a.render)
}

func (a propertyAPI) create(c *call) *apiError {
	st, err := a.store(c)
	if err != nil {
		return err
	}
	p, err := c.createProperty(st)
	if err != nil {
		return err
	}
	if a.location {
		c.w.Header().Set("Location", c.r.URL.Path+"/"+p.ID)
	}
	return c.json(a.createdStatus, a.render(p))
}

func (a propertyAPI) get(c *call) *apiError {
	st, err := a.store(c)
	if err != nil {
		return err
	}
	p := findProperty(*st.props, c.param("property-id"))
	if p == nil {
		return notFound()
	}
	return c.json(http.StatusOK, a.render(p))
}

func (a propertyAPI) update(c *call) *apiError {
	st, err := a.store(c)
	if err != nil {
		return err
	}
	p, err := c.updateProperty(st, c.param("property-id"))
	if err != nil {
		return err
	}
	if a.location {
		c.w.Header().Set("Location", c.r.URL.Path)
	}
	return c.json(http.StatusOK, a.render(p))
}

func (a propertyAPI) remove(c *call) *apiError {
	st, err := a.store(c)
	if err != nil {
		return err
	}
	return c.deleteProperty(st, c.param("property-id"))
}
