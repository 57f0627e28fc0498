// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// providerSettings are the resolved provider arguments (configuration first,
// then environment). The API token is handed to the client and not kept here.
type providerSettings struct {
	url, email, apiToken string
	authMode             confluence.AuthMode
	clientID             string // OAuth client id (oauth_client_credentials)
	connection           string
	connectionFrom       string // where connection was set, for messages
	changeReference      string
	confirmations        []string
	requirePolicy        bool
}

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	// configUnknown is set during a plan in which the provider configuration
	// depends on values not known yet; resources then plan unknown values.
	configUnknown bool

	client          *confluence.Client
	email           string // the authenticated account, for messages
	authMode        confluence.AuthMode
	clientID        string // the OAuth client id, for messages
	connection      string
	connectionFrom  string // "CONFLUENCE_CONNECTION" or the provider argument, for messages
	changeReference string
	confirmations   []string
	requirePolicy   bool

	run *runCache
	// sealer seals what private state carries for the audit trail and the
	// delete's check, so an edited state file cannot feed them.
	sealer sealer
	// now is the clock for recorded times (audit records), replaceable in tests.
	now func() time.Time

	// clientConfig is the provider's client configuration without
	// credentials, for clients acting as another account (connections).
	clientConfig confluence.Config
	newClient    func(confluence.Config) (*confluence.Client, error)
}

// clientAs returns a client for the same site and settings that acts as
// another account, authenticating in mode (classic or scoped token: email
// and secret are the token's; OAuth: clientID and secret are the client's).
func (d *providerData) clientAs(mode confluence.AuthMode, email, clientID, secret string) (*confluence.Client, error) {
	cfg := d.clientConfig
	cfg.BaseURL, cfg.AuthMode = d.client.BaseURL(), mode
	cfg.Email, cfg.APIToken, cfg.ClientID, cfg.ClientSecret = "", "", "", ""
	if mode == confluence.AuthOAuth {
		cfg.ClientID, cfg.ClientSecret = clientID, secret
	} else {
		cfg.Email, cfg.APIToken = email, secret
	}
	if mode == confluence.AuthClassicToken {
		cfg.CloudID, cfg.GatewayURL, cfg.OAuthTokenURL = "", "", ""
	}
	newClient := d.newClient
	if newClient == nil {
		newClient = confluence.New
	}
	return newClient(cfg)
}

func newProviderData(client *confluence.Client, s providerSettings) *providerData {
	return &providerData{
		client:          client,
		email:           s.email,
		authMode:        s.authMode,
		clientID:        s.clientID,
		connection:      s.connection,
		connectionFrom:  s.connectionFrom,
		changeReference: s.changeReference,
		confirmations:   s.confirmations,
		requirePolicy:   s.requirePolicy,
		run:             newRunCache(client),
		now:             time.Now,
	}
}

// providerDataFrom type-asserts the value Configure stored. A nil value means
// the provider is not configured yet (Terraform calls ValidateConfig first).
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
		return nil
	}
	return data
}

// configured reports whether the provider can talk to Confluence now, and
// otherwise adds an error saying why. A nil receiver is a provider that was
// not configured.
func (d *providerData) configured(diags *diag.Diagnostics) bool {
	if d == nil || d.configUnknown || d.client == nil {
		diags.AddError("Provider Not Configured",
			"The Confluence provider configuration (url, email, api_token or connection) is not known yet: it depends on values known only after apply. "+
				"Set those arguments from values known at plan time, such as variables or environment variables.")
		return false
	}
	return true
}

// account names the authenticated account in messages.
func (d *providerData) account() string {
	if d != nil && d.email == "" && d.clientID != "" {
		return "the service account of OAuth client " + d.clientID
	}
	if d == nil || d.email == "" {
		return "the configured account"
	}
	return d.email
}

// runCache holds what one Terraform run needs from Confluence more than once:
// the authenticated user, spaces and the policy records of each space. The
// provider process lives for one command, so "per run" is "per process".
type runCache struct {
	client *confluence.Client

	mu        sync.Mutex
	user      *onceValue[*confluence.User]
	users     map[string]*onceValue[*confluence.User]  // other accounts, by id
	spaces    map[string]*onceValue[*confluence.Space] // by key
	records   map[string]*onceValue[policy.SpaceRecords]
	index     map[string]*onceValue[map[string]confluence.Page] // space id → page id → page (no body)
	labels    map[string]*onceValue[map[string][]string]        // space id → page id → label names; nil: no index
	located   map[string]*onceValue[pageLocation]               // page id → where Confluence holds it
	spaceByID map[string]*onceValue[*confluence.Space]          // by id
	// labelReads counts label reads per space id, to build the label index
	// only for spaces with enough managed pages.
	labelReads map[string]int
	// locateReads counts LocatePage calls per space id (see LocatePage).
	locateReads map[string]int
	// approvals holds each space's approval records, listed once per run
	// and only for gated changes under a policy with approvers (approvals.go).
	approvals map[string]*onceValue[[]confluence.Property]
	// planned names the connections this run's plan creates or changes
	// (planned_connections.go); nil until the first one.
	planned map[string]bool
	// expiring holds the governing connections whose credential expires
	// soon, by name, and expiryWarned those already warned about
	// (provider_connection_checks.go); nil until the first one.
	expiring     map[string]policy.ConnectionExpiry
	expiryWarned map[string]bool
}

func newRunCache(client *confluence.Client) *runCache {
	return &runCache{
		client:      client,
		user:        &onceValue[*confluence.User]{},
		users:       map[string]*onceValue[*confluence.User]{},
		spaces:      map[string]*onceValue[*confluence.Space]{},
		records:     map[string]*onceValue[policy.SpaceRecords]{},
		index:       map[string]*onceValue[map[string]confluence.Page]{},
		labels:      map[string]*onceValue[map[string][]string]{},
		located:     map[string]*onceValue[pageLocation]{},
		spaceByID:   map[string]*onceValue[*confluence.Space]{},
		labelReads:  map[string]int{},
		locateReads: map[string]int{},
	}
}

// onceValue computes a value once; concurrent callers wait for the first. A
// failed computation is not cached, so a later caller may try again.
type onceValue[T any] struct {
	mu    sync.Mutex
	done  bool
	value T
}

func (o *onceValue[T]) get(compute func() (T, error)) (T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return o.value, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	o.value, o.done = v, true
	return v, nil
}

func entry[T any](mu *sync.Mutex, m map[string]*onceValue[T], key string) *onceValue[T] {
	mu.Lock()
	defer mu.Unlock()
	e, ok := m[key]
	if !ok {
		e = &onceValue[T]{}
		m[key] = e
	}
	return e
}

// CurrentUser returns the authenticated account, asked once per run.
func (c *runCache) CurrentUser(ctx context.Context) (*confluence.User, error) {
	return c.user.get(func() (*confluence.User, error) { return c.client.CurrentUser(ctx) })
}

// describeAccount names an account for a message: "Display Name (account
// id)", or the id alone when the account cannot be looked up.
func (c *runCache) describeAccount(ctx context.Context, accountID string) string {
	user, err := entry(&c.mu, c.users, accountID).get(func() (*confluence.User, error) { return c.client.GetUser(ctx, accountID) })
	if err != nil || user.DisplayName == "" {
		return "account " + accountID
	}
	return fmt.Sprintf("%s (account %s)", user.DisplayName, accountID)
}

// Space returns the space with the given key, looked up once per run.
func (c *runCache) Space(ctx context.Context, key string) (*confluence.Space, error) {
	return entry(&c.mu, c.spaces, key).get(func() (*confluence.Space, error) { return c.client.GetSpaceByKey(ctx, key) })
}

// SpaceByID returns the space with the given id, looked up once per run.
func (c *runCache) SpaceByID(ctx context.Context, id string) (*confluence.Space, error) {
	return entry(&c.mu, c.spaceByID, id).get(func() (*confluence.Space, error) { return c.client.GetSpace(ctx, id) })
}

// pageLocation is where Confluence holds a page.
type pageLocation struct {
	found   bool   // false: gone, or not visible to the account
	spaceID string // the space Confluence reports for the page
	status  string
	title   string
	version int // the page's version as found
}

// LocatePage says which space Confluence holds a page in. The policy decides
// on that space, never on the one a state file claims: a state can be edited
// and a person can move a page. The space's version index answers when this
// run has already listed it (a refresh does) or once more than
// locateIndexAfterPages pages of the space were asked about (an apply of many
// pages: one bulk listing costs less than a read per page); otherwise the
// page is asked for once, without its body.
func (c *runCache) LocatePage(ctx context.Context, spaceKey, id string) (pageLocation, error) {
	return c.LocateContent(ctx, confluence.KindPage, spaceKey, id)
}

// LocateContent is LocatePage for content of any kind.
func (c *runCache) LocateContent(ctx context.Context, kind confluence.ContentKind, spaceKey, id string) (pageLocation, error) {
	if space, err := c.Space(ctx, spaceKey); err == nil {
		c.mu.Lock()
		key := indexKey(kind, space.ID, "current")
		_, listed := c.index[key]
		c.locateReads[key]++
		many := c.locateReads[key] > locateIndexAfterPages
		c.mu.Unlock()
		if listed || many {
			if page, ok := c.IndexedContent(ctx, kind, spaceKey, id); ok {
				return pageLocation{found: true, spaceID: page.SpaceID, status: page.Status, title: page.Title, version: page.Version.Number}, nil
			}
		}
	}
	return entry(&c.mu, c.located, indexKey(kind, id, "current")).get(func() (pageLocation, error) {
		page, err := c.client.GetPage(ctx, id, confluence.GetPageOptions{Kind: kind})
		if confluence.IsNotFound(err) {
			return pageLocation{}, nil
		}
		if err != nil {
			return pageLocation{}, err
		}
		return pageLocation{found: true, spaceID: page.SpaceID, status: page.Status, title: page.Title, version: page.Version.Number}, nil
	})
}

// locateIndexAfterPages is how many pages of a space LocatePage reads one
// by one before it lists the space instead.
const locateIndexAfterPages = 5

// forgetRecords drops the cached policy records of a space after the provider
// itself wrote them, so later decisions in the same run see the new ones.
func (c *runCache) forgetRecords(spaceKey string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.records, spaceKey)
}

// SpaceRecords returns the connection and policy records stored as properties
// of the space, loaded once per run.
func (c *runCache) SpaceRecords(ctx context.Context, spaceKey string) (policy.SpaceRecords, error) {
	return entry(&c.mu, c.records, spaceKey).get(func() (policy.SpaceRecords, error) {
		space, err := c.Space(ctx, spaceKey)
		if err != nil {
			return policy.SpaceRecords{}, err
		}
		props, err := c.client.ListSpaceProperties(ctx, space.ID, "")
		if err != nil {
			return policy.SpaceRecords{}, err
		}
		raw := make(map[string][]byte, len(props))
		for _, p := range props {
			raw[p.Key] = p.Value
		}
		return policy.RecordsFromProperties(spaceKey, raw)
	})
}

// IndexedPage returns a page (without body) from the run's version index of
// its space: every current page of the space, listed once per run in bulk
// (250 per request), so refreshing N unchanged pages costs about N/250
// requests instead of N. ok is false when the page is not in the index (new,
// trashed, hidden) or the index could not be built; callers then ask by id.
func (c *runCache) IndexedPage(ctx context.Context, spaceKey, id string) (confluence.Page, bool) {
	return c.IndexedContent(ctx, confluence.KindPage, spaceKey, id)
}

// IndexedContent is IndexedPage for content of any kind (blog posts are
// listed with GET /blogposts?space-id=…).
func (c *runCache) IndexedContent(ctx context.Context, kind confluence.ContentKind, spaceKey, id string) (confluence.Page, bool) {
	index, ok := c.spaceIndex(ctx, kind, spaceKey, "current")
	if !ok {
		return confluence.Page{}, false
	}
	page, ok := index[id]
	return page, ok
}

// spaceIndex is the run's index of the pages of a space in one status,
// built on first use: page id → page (without body). ok is false when it
// could not be built.
func (c *runCache) spaceIndex(ctx context.Context, kind confluence.ContentKind, spaceKey, status string) (map[string]confluence.Page, bool) {
	space, err := c.Space(ctx, spaceKey)
	if err != nil {
		return nil, false
	}
	index, err := entry(&c.mu, c.index, indexKey(kind, space.ID, status)).get(func() (map[string]confluence.Page, error) {
		pages, err := c.client.ListPages(ctx, confluence.ListPagesOptions{Kind: kind, SpaceIDs: []string{space.ID}, Statuses: []string{status}})
		if err != nil {
			return nil, err
		}
		byID := make(map[string]confluence.Page, len(pages))
		for _, p := range pages {
			byID[p.ID] = p
		}
		return byID, nil
	})
	return index, err == nil
}

// PageTitled returns the page of a space in the given status ("current" or
// "trashed") that holds title, from the space's index of pages in that
// status (built once per run).
func (c *runCache) PageTitled(ctx context.Context, spaceKey, status, title string) (confluence.Page, bool) {
	return c.ContentTitled(ctx, confluence.KindPage, spaceKey, status, title)
}

// ContentTitled is PageTitled for content of any kind. Blog post titles are
// unique per posting day, so several may hold a title: the latest created
// is returned (a create posts today).
func (c *runCache) ContentTitled(ctx context.Context, kind confluence.ContentKind, spaceKey, status, title string) (confluence.Page, bool) {
	index, ok := c.spaceIndex(ctx, kind, spaceKey, status)
	if !ok {
		return confluence.Page{}, false
	}
	var found []confluence.Page
	for _, p := range index {
		if p.Title == title {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return confluence.Page{}, false
	}
	return latestCreated(found), true
}

// indexKey keys the run's indexes: the space (or page) id, then the status
// and kind when they are not current pages.
func indexKey(kind confluence.ContentKind, id, status string) string {
	key := id
	if status != "current" {
		key += "/" + status
	}
	if kind != confluence.KindPage {
		key += "/" + kind.CQLType()
	}
	return key
}

// Bounds of the label index of a space. With more distinct labels than
// labelIndexMaxLabels, reading each managed page's labels costs less; the
// first labelIndexAfterPages labelled pages of a space are read one by one,
// so a space with a few managed pages never pays for the index.
const (
	labelIndexMaxLabels  = 50
	labelIndexAfterPages = 5
)

// IndexedLabels returns a page's labels from the run's label index of its
// space: the labels used in the space, then the pages carrying each (a few
// requests per space instead of one per page; label changes do not move page
// versions, so the version index cannot tell whether they changed). ok is
// false when the index does not cover the page or is not worth building;
// callers then read the page's labels.
func (c *runCache) IndexedLabels(ctx context.Context, spaceKey, pageID string) (names []string, ok bool) {
	return c.IndexedContentLabels(ctx, confluence.KindPage, spaceKey, pageID)
}

// IndexedContentLabels is IndexedLabels for content of any kind. The label
// index lists pages (GET /labels/{id}/pages), so blog posts read their own
// labels.
func (c *runCache) IndexedContentLabels(ctx context.Context, kind confluence.ContentKind, spaceKey, pageID string) (names []string, ok bool) {
	if kind != confluence.KindPage {
		return nil, false
	}
	if _, indexed := c.IndexedPage(ctx, spaceKey, pageID); !indexed {
		return nil, false
	}
	space, err := c.Space(ctx, spaceKey)
	if err != nil {
		return nil, false
	}
	c.mu.Lock()
	c.labelReads[space.ID]++
	early := c.labelReads[space.ID] <= labelIndexAfterPages
	c.mu.Unlock()
	if early {
		return nil, false
	}
	byPage, _ := entry(&c.mu, c.labels, space.ID).get(func() (map[string][]string, error) {
		return c.buildLabelIndex(ctx, space.ID), nil
	})
	if byPage == nil {
		return nil, false
	}
	return byPage[pageID], true
}

// buildLabelIndex maps the pages of a space to their labels. It returns nil
// when the index is not worth it (too many labels), not trustworthy (the v2
// document gives the label list a "my, team" prefix default, so a list
// without any global label may be leaving the provider's labels out) or could
// not be read. nil is cached for the run like an index, so pages fall back to
// their own labels instead of retrying the build each time.
func (c *runCache) buildLabelIndex(ctx context.Context, spaceID string) map[string][]string {
	noIndex := func(reason string) map[string][]string {
		tflog.Debug(ctx, "no label index; reading labels page by page", map[string]any{"space_id": spaceID, "reason": reason})
		return nil
	}
	labels, err := c.client.ListSpaceContentLabels(ctx, spaceID)
	switch {
	case err != nil:
		return noIndex(err.Error())
	case len(labels) > labelIndexMaxLabels:
		return noIndex(fmt.Sprintf("%d labels in the space", len(labels)))
	case !slices.ContainsFunc(labels, func(l confluence.Label) bool { return l.Prefix == "global" }):
		return noIndex("no global label listed")
	}
	byPage := map[string][]string{}
	for _, label := range labels {
		pages, err := c.client.ListLabelPages(ctx, label.ID, []string{spaceID})
		if err != nil {
			return noIndex(err.Error())
		}
		for _, p := range pages {
			byPage[p.ID] = append(byPage[p.ID], label.Name)
		}
	}
	return byPage
}
