// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package emulator is an in-memory stand-in for Confluence Cloud's REST API (v2 pages,
// spaces, properties and labels, v1 search, label writes and user/current) used by the
// provider's acceptance tests, benchmarks and demo. It serves the paths Confluence Cloud
// serves under /wiki, answers with the documented shapes and status codes, and can inject
// latency, rate limiting and faults.
package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options configure an Emulator.
type Options struct {
	// CloudID is the site's cloud id on the gateway; "" means DefaultCloudID.
	CloudID string
	// OAuthTokenLifetime is how long issued access tokens are valid; 0 means
	// DefaultOAuthTokenLifetime.
	OAuthTokenLifetime time.Duration
	// Latency is added to every counted request before it is handled.
	Latency time.Duration
	// RateLimit is the sustained number of requests per second each account may make;
	// 0 turns rate limiting off.
	RateLimit float64
	// RateBurst is how many requests an account may make at once; at least 1 when
	// RateLimit is set.
	RateBurst int
	// Now is the clock; nil means time.Now. Tests inject a fake clock to step past
	// Retry-After without sleeping.
	Now func() time.Time

	// Real-API switches (see realapi.go).

	// PageLag hides pages created from now on from reads (see SetReadLag).
	PageLag ReadLag
	// LabelLag hides labels added from now on from reads (see SetReadLag).
	LabelLag ReadLag
	// TransientConflicts is how many page updates with the right version answer a
	// transient 409 (see SetTransientConflicts).
	TransientConflicts int
	// BodyLimit is the largest request body accepted, larger ones answer 413;
	// 0 means DefaultBodyLimit (5 MB, as documented).
	BodyLimit int64
	// StrictSpec refuses query parameters and values the OpenAPI documents do not
	// allow (see SetStrictSpec).
	StrictSpec bool
	// DocumentedLabelPrefixes makes a space's content labels default to the my and
	// team prefixes (see SetDocumentedLabelPrefixes).
	DocumentedLabelPrefixes bool

	// Validate, when set, checks every request the emulator serves and every answer
	// it gives against the OpenAPI documents and reports each violation to it (see
	// ValidatingHandler). Tests set it so that no wrapper can be bypassed.
	Validate func(violation string)
	// MaxAttachmentSize is the largest attachment file accepted, in bytes; 0 selects
	// DefaultMaxAttachmentSize.
	MaxAttachmentSize int64
}

// Emulator is an http.Handler that plays a Confluence Cloud site. All methods are safe
// for concurrent use.
type Emulator struct {
	mu       sync.Mutex
	gw       *gatewayState // the API gateway and the OAuth server (gateway.go)
	site     *site
	now      func() time.Time
	latency  time.Duration
	rps      float64
	burst    int
	limiters map[string]*rate.Limiter // account id → token bucket
	faults   []*activeFault
	stats    Stats
	routes   []route
	// maxAttachmentSize bounds uploaded files (Options.MaxAttachmentSize).
	maxAttachmentSize int64
	// frozenIndex, when set, is the page snapshot search answers from (see
	// FreezeSearchIndex).
	frozenIndex map[string]*page

	// Real-API switches and their state (realapi.go).
	pageLag, labelLag       ReadLag
	hiddenPages             map[string]*lagState // page id → lag
	hiddenLabels            map[string]*lagState // labelLagKey → lag
	transientConflicts      int
	transientSeq            int
	bodyLimit               int64
	strictSpec              bool
	documentedLabelPrefixes bool
	validated               http.Handler // ValidatingHandler around serveHTTP when Options.Validate is set
}

// New returns an emulator for an empty site: no accounts, no spaces.
func New(opts Options) *Emulator {
	e := &Emulator{
		site: &site{
			NextID:   65537,
			Grants:   map[string]map[string]Permission{},
			Pages:    map[string]*page{},
			LabelIDs: map[string]string{},
		},
		gw:                newGatewayState(opts),
		now:               opts.Now,
		maxAttachmentSize: opts.MaxAttachmentSize,
		latency:           opts.Latency,
		limiters:          map[string]*rate.Limiter{},
		stats:             Stats{ByRoute: map[string]int{}},

		pageLag:                 opts.PageLag,
		labelLag:                opts.LabelLag,
		hiddenPages:             map[string]*lagState{},
		hiddenLabels:            map[string]*lagState{},
		transientConflicts:      max(opts.TransientConflicts, 0),
		bodyLimit:               opts.BodyLimit,
		strictSpec:              opts.StrictSpec,
		documentedLabelPrefixes: opts.DocumentedLabelPrefixes,
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.setRateLimitLocked(opts.RateLimit, opts.RateBurst)
	e.routes = buildRoutes()
	if opts.Validate != nil {
		e.validated = ValidatingHandler(http.HandlerFunc(e.serveHTTP), opts.Validate)
	}
	return e
}

// Demo accounts seeded by NewDemo (and `confluence-emulator -seed demo`).
var demoAccounts = []Account{
	{AccountID: "557058:0a1b2c3d-0000-4000-8000-000000000001", Email: "admin@example.com", Token: "admin-token", DisplayName: "Site Admin", SiteAdmin: true},
	{AccountID: "557058:0a1b2c3d-0000-4000-8000-000000000002", Email: "bot@example.com", Token: "bot-token", DisplayName: "Docs Bot"},
	{AccountID: "557058:0a1b2c3d-0000-4000-8000-000000000003", Email: "editor@example.com", Token: "editor-token", DisplayName: "Erin Editor"},
	{AccountID: "557058:0a1b2c3d-0000-4000-8000-000000000004", Email: "reader@example.com", Token: "reader-token", DisplayName: "Riley Reader"},
	// A person who reviews the automation's changes: space admin in DOCS,
	// which writing an approval (a space property) needs.
	{AccountID: "557058:0a1b2c3d-0000-4000-8000-000000000005", Email: "approver@example.com", Token: "approver-token", DisplayName: "Alice Approver"},
}

// DemoAccounts returns the accounts NewDemo seeds, tokens included.
func DemoAccounts() []Account { return append([]Account(nil), demoAccounts...) }

// NewDemo returns an emulator seeded with the demo site: the accounts of DemoAccounts and
// the spaces DOCS and OPS with their homepages.
func NewDemo(opts Options) *Emulator {
	e := New(opts)
	for _, a := range demoAccounts {
		e.AddAccount(a)
	}
	e.AddSpace("DOCS", "Documentation")
	e.AddSpace("OPS", "Operations")
	e.Grant("bot@example.com", "DOCS", PermEdit)
	e.Grant("bot@example.com", "OPS", PermEdit)
	e.Grant("editor@example.com", "DOCS", PermEdit)
	e.Grant("reader@example.com", "DOCS", PermView)
	e.Grant("reader@example.com", "OPS", PermView)
	e.Grant("approver@example.com", "DOCS", PermAdmin)
	e.seedServiceAccounts()
	return e
}

// AddAccount adds an account, or replaces the one with the same email. An empty
// AccountID gets a generated one.
func (e *Emulator) AddAccount(a Account) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if a.AccountID == "" {
		a.AccountID = "557058:emulator-" + e.nextIDLocked()
	}
	if a.DisplayName == "" {
		a.DisplayName = a.Email
	}
	for i := range e.site.Accounts {
		if strings.EqualFold(e.site.Accounts[i].Email, a.Email) {
			e.site.Accounts[i] = a
			return
		}
	}
	e.site.Accounts = append(e.site.Accounts, a)
}

// AddSpace creates a space with its homepage (titled "<name> Home", owned by the first
// site admin if any) and returns both ids. Adding an existing key returns the existing ids.
func (e *Emulator) AddSpace(key, name string) (spaceID, homepageID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.spaceByKeyLocked(key); s != nil {
		return s.ID, s.HomepageID
	}
	author := ""
	for _, a := range e.site.Accounts {
		if a.SiteAdmin {
			author = a.AccountID
			break
		}
	}
	s := e.addSpaceLocked(key, name, author)
	return s.ID, s.HomepageID
}

// addSpaceLocked creates a space with its homepage, authored by author.
func (e *Emulator) addSpaceLocked(key, name, author string) *space {
	now := e.now().UTC()
	s := &space{ID: e.nextIDLocked(), Key: key, Name: name, AuthorID: author, CreatedAt: now}
	home := &page{
		ID: e.nextIDLocked(), SpaceID: s.ID, Status: statusCurrent, AuthorID: author, CreatedAt: now,
		Versions: []*pageVersion{{Number: 1, Title: name + " Home", Body: "<p>Welcome to " + xmlEscape(name) + ".</p>", AuthorID: author, CreatedAt: now}},
	}
	s.HomepageID = home.ID
	e.site.Spaces = append(e.site.Spaces, s)
	e.site.Pages[home.ID] = home
	return s
}

// Grant sets an account's permission in a space (PermNone removes it).
func (e *Emulator) Grant(email, spaceKey string, p Permission) {
	e.mu.Lock()
	defer e.mu.Unlock()
	email = strings.ToLower(email)
	if e.site.Grants[email] == nil {
		e.site.Grants[email] = map[string]Permission{}
	}
	if p == PermNone {
		delete(e.site.Grants[email], spaceKey)
		return
	}
	e.site.Grants[email][spaceKey] = p
}

// SetLatency changes the latency added to every request.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.latency = d
}

// SetRateLimit changes the per-account rate limit (requests per second, 0 = off) and
// burst, and refills every account's bucket.
func (e *Emulator) SetRateLimit(rps float64, burst int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setRateLimitLocked(rps, burst)
}

func (e *Emulator) setRateLimitLocked(rps float64, burst int) {
	if burst < 1 {
		burst = 1
	}
	e.rps, e.burst = rps, burst
	e.limiters = map[string]*rate.Limiter{}
}

func (e *Emulator) nextIDLocked() string {
	id := e.site.NextID
	e.site.NextID++
	return strconv.FormatInt(id, 10)
}

func (e *Emulator) spaceByKeyLocked(key string) *space {
	for _, s := range e.site.Spaces {
		if s.Key == key {
			return s
		}
	}
	return nil
}

func (e *Emulator) spaceByIDLocked(id string) *space {
	for _, s := range e.site.Spaces {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// permLocked is what the account may do in the space; site admins administer everything.
func (e *Emulator) permLocked(a *Account, s *space) Permission {
	if a == nil || s == nil {
		return PermNone
	}
	if a.SiteAdmin {
		return PermAdmin
	}
	return e.site.Grants[strings.ToLower(a.Email)][s.Key]
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
