// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"strconv"
	"time"
)

// Permission is what an account may do in a space.
type Permission int

// Permission levels, each including the ones before it.
const (
	PermNone  Permission = iota // the space and its pages answer 404
	PermView                    // reads only; writes answer 403
	PermEdit                    // create, update, trash pages, labels, page properties
	PermAdmin                   // also space properties and purge
)

func (p Permission) String() string {
	switch p {
	case PermView:
		return "view"
	case PermEdit:
		return "edit"
	case PermAdmin:
		return "admin"
	default:
		return "none"
	}
}

// Account is a user of the emulated site, authenticated with Basic email:token
// (its classic API token at the site, a scoped token through the gateway) or
// with an access token issued for one of its OAuth clients.
type Account struct {
	AccountID    string
	Email        string
	Token        string // classic API token; "" for a service account
	DisplayName  string
	SiteAdmin    bool
	ScopedTokens []ScopedToken `json:",omitempty"`
	OAuthClients []OAuthClient `json:",omitempty"`
}

// Page statuses the emulator uses.
const (
	statusCurrent = "current"
	statusTrashed = "trashed"
)

// Content types: the v2 API serves pages under /pages and blog posts under
// /blogposts; CQL and v1 name them page and blogpost.
const (
	typePage     = "page"
	typeBlogPost = "blogpost"
)

// site is everything the emulator stores; it is what Save writes as JSON.
type site struct {
	NextID   int64                            `json:"next_id"`
	MacroSeq int64                            `json:"macro_seq"` // feeds the macro ids storage rewriting assigns
	LabelIDs map[string]string                `json:"label_ids"` // label name → id; Confluence label ids are site-wide
	Accounts []Account                        `json:"accounts"`
	Grants   map[string]map[string]Permission `json:"grants"` // email → space key → permission
	Spaces   []*space                         `json:"spaces"` // in creation (id) order
	Pages    map[string]*page                 `json:"pages"`
	Groups   []*group                         `json:"groups,omitempty"`
	// ChildOrder is the order of child pages a move set, by parent (see children.go).
	ChildOrder map[string][]string `json:"child_order,omitempty"`
}

type space struct {
	ID         string      `json:"id"`
	Key        string      `json:"key"`
	Name       string      `json:"name"`
	HomepageID string      `json:"homepage_id"`
	AuthorID   string      `json:"author_id"`
	CreatedAt  time.Time   `json:"created_at"`
	Properties []*property `json:"properties"`
}

// property is a versioned JSON value keyed by name: a space property or a page property.
type property struct {
	ID        string          `json:"id"`
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	Version   int             `json:"version"`
	Message   string          `json:"message,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	CreatedBy string          `json:"created_by"`
	UpdatedAt time.Time       `json:"updated_at"`
	UpdatedBy string          `json:"updated_by"`
}

type page struct {
	ID         string         `json:"id"`
	Type       string         `json:"type,omitempty"` // typePage ("" in older files) or typeBlogPost
	SpaceID    string         `json:"space_id"`
	ParentID   string         `json:"parent_id,omitempty"`
	Status     string         `json:"status"`
	AuthorID   string         `json:"author_id"`
	CreatedAt  time.Time      `json:"created_at"`
	Versions   []*pageVersion `json:"versions"` // every version, oldest first
	Labels     []*label       `json:"labels"`
	Properties []*property    `json:"properties"`
	// Attachments are the page's files (see attachments.go), in upload order.
	Attachments []*attachment `json:"attachments,omitempty"`
	// Restrictions maps "read" / "update" to who they are restricted to.
	Restrictions map[string]restriction `json:"restrictions,omitempty"`
}

// pageVersion is one saved state of a page; history keeps all of them.
type pageVersion struct {
	Number    int       `json:"number"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Message   string    `json:"message,omitempty"`
	AuthorID  string    `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
	MinorEdit bool      `json:"minor_edit,omitempty"`
}

type label struct {
	ID     string `json:"id"`
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
}

// contentType is typePage or typeBlogPost.
func (p *page) contentType() string {
	if p.Type == "" {
		return typePage
	}
	return p.Type
}

func (p *page) isBlogPost() bool { return p.Type == typeBlogPost }

// collection is the v2 path segment of the content's kind.
func (p *page) collection() string {
	if p.isBlogPost() {
		return "blogposts"
	}
	return "pages"
}

func (p *page) current() *pageVersion { return p.Versions[len(p.Versions)-1] }

func (p *page) title() string { return p.current().Title }

func (p *page) lastModified() time.Time { return p.current().CreatedAt }

func (p *page) labelNames() []string {
	names := make([]string, len(p.Labels))
	for i, l := range p.Labels {
		names[i] = l.Name
	}
	return names
}

// idNum turns a decimal id into a number for ordering; unparsable ids sort first.
func idNum(id string) int64 {
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

func findProperty(props []*property, id string) *property {
	for _, p := range props {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func findPropertyByKey(props []*property, key string) *property {
	for _, p := range props {
		if p.Key == key {
			return p
		}
	}
	return nil
}
