// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// seeder writes test content straight into the emulator through the REST
// API, as an account would, bypassing Terraform.
type seeder struct {
	t      *testing.T
	client *confluence.Client
	spaces map[string]string // key → id
}

// newSeeder writes test content as admin@example.com, who sees every space.
func newSeeder(t *testing.T, site *testSite) *seeder {
	t.Helper()
	c, err := confluence.New(confluence.Config{BaseURL: site.URL(), Email: adminEmail, APIToken: adminToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &seeder{t: t, client: c, spaces: map[string]string{}}
}

func (s *seeder) spaceID(key string) string {
	s.t.Helper()
	if id, ok := s.spaces[key]; ok {
		return id
	}
	space, err := s.client.GetSpaceByKey(context.Background(), key)
	if err != nil {
		s.t.Fatalf("looking up space %s: %v", key, err)
	}
	s.spaces[key] = space.ID
	return space.ID
}

// homepageID is the id of a space's homepage.
func (s *seeder) homepageID(key string) string {
	s.t.Helper()
	space, err := s.client.GetSpaceByKey(context.Background(), key)
	if err != nil {
		s.t.Fatalf("looking up space %s: %v", key, err)
	}
	return space.HomepageID
}

// page creates a page (under the homepage when parentID is empty) and labels it.
func (s *seeder) page(spaceKey, title, parentID, body string, labels ...string) *confluence.Page {
	s.t.Helper()
	ctx := context.Background()
	page, err := s.client.CreatePage(ctx, confluence.CreatePageRequest{SpaceID: s.spaceID(spaceKey), Title: title, ParentID: parentID, Body: body})
	if err != nil {
		s.t.Fatalf("creating page %q in %s: %v", title, spaceKey, err)
	}
	if len(labels) > 0 {
		if err := s.client.AddPageLabels(ctx, page.ID, labels); err != nil {
			s.t.Fatalf("labelling page %q: %v", title, err)
		}
	}
	return page
}

// governReaderInDocs registers connection "reader-ci" for reader@example.com in
// DOCS with the given levels, as the administrators' workspace would.
func (s *seeder) governReaderInDocs(levels map[policy.Operation]policy.Level) {
	s.t.Helper()
	s.governReaderAs("DOCS", "reader-ci", levels)
}

// governReaderAs is governReader with a chosen connection name.
func (s *seeder) governReaderAs(spaceKey, connection string, levels map[policy.Operation]policy.Level) {
	s.t.Helper()
	s.govern(readerEmail, connection, levels, spaceKey)
}

// govern writes, as an administrator would, a connection record for the
// account with the given e-mail and its policy into each space of its scope.
func (s *seeder) govern(email, connection string, levels map[policy.Operation]policy.Level, spaceKeys ...string) {
	s.t.Helper()
	ctx := context.Background()
	var accountID string
	for _, a := range emulator.DemoAccounts() {
		if a.Email == email {
			accountID = a.AccountID
		}
	}
	conn, err := policy.EncodeConnection(policy.ConnectionRecord{Name: connection, AccountID: accountID, Email: email, Spaces: spaceKeys, RotatedAt: time.Now()})
	if err != nil {
		s.t.Fatal(err)
	}
	pol, err := policy.EncodePolicy(policy.PolicyRecord{Connection: connection, Levels: levels, UpdatedAt: time.Now()})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, spaceKey := range spaceKeys {
		for key, value := range map[string][]byte{policy.ConnectionPropertyKey(connection): conn, policy.PolicyPropertyKey(connection): pol} {
			if _, err := s.client.PutSpaceProperty(ctx, s.spaceID(spaceKey), key, json.RawMessage(value)); err != nil {
				s.t.Fatalf("writing %s in %s: %v", key, spaceKey, err)
			}
		}
	}
}

// pageTitles expects a pages list whose titles are exactly these, in order.
func pageTitles(address string, titles ...string) statecheck.StateCheck {
	elems := make([]knownvalue.Check, len(titles))
	for i, title := range titles {
		elems[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"title": knownvalue.StringExact(title)})
	}
	return statecheck.ExpectKnownValue(address, tfjsonpath.New("pages"), knownvalue.ListExact(elems))
}

// pagesFixture is a small site: a runbook tree in DOCS, a guide, and a
// runbook in OPS (plus both homepages).
type pagesFixture struct {
	alpha, beta, gamma, delta *confluence.Page
}

func seedPagesFixture(t *testing.T, site *testSite) pagesFixture {
	admin := newSeeder(t, site)
	var f pagesFixture
	f.alpha = admin.page("DOCS", "Alpha runbook", "", "<p>Restart the <b>kubernetes</b> cluster.</p>", "runbook", "ops")
	f.beta = admin.page("DOCS", "Beta guide", "", "<p>How to write docs.</p>", "guide")
	f.gamma = admin.page("DOCS", "Gamma runbook", f.alpha.ID, "<p>Rotate certificates.</p>", "runbook")
	f.delta = admin.page("OPS", "Delta runbook", "", "<p>Page the on-call.</p>", "runbook")
	return f
}

func TestAccPagesDataSource_filters(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	f := seedPagesFixture(t, site)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_pages" "space_and_label" {
  space_key = "DOCS"
  label     = ["runbook"]
}
data "confluence_pages" "all_labels_must_match" {
  label = ["runbook", "ops"]
}
data "confluence_pages" "title" {
  title          = "Beta guide"
  include_body   = true
  include_labels = true
}
data "confluence_pages" "title_contains" {
  title_contains = "runbook"
}
data "confluence_pages" "text" {
  text = "kubernetes"
}
data "confluence_pages" "ancestor" {
  ancestor_id = %q
}
data "confluence_pages" "limited" {
  title_contains = "runbook"
  limit          = 2
}
`, f.alpha.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				pageTitles("data.confluence_pages.space_and_label", "Alpha runbook", "Gamma runbook"),
				statecheck.ExpectKnownValue("data.confluence_pages.space_and_label", tfjsonpath.New("query"),
					knownvalue.StringExact(`type = page AND space = "DOCS" AND label = "runbook" ORDER BY title, created`)),
				pageTitles("data.confluence_pages.all_labels_must_match", "Alpha runbook"),
				pageTitles("data.confluence_pages.title_contains", "Alpha runbook", "Delta runbook", "Gamma runbook"),
				pageTitles("data.confluence_pages.text", "Alpha runbook"),
				pageTitles("data.confluence_pages.ancestor", "Gamma runbook"),
				pageTitles("data.confluence_pages.limited", "Alpha runbook", "Delta runbook"),
				statecheck.ExpectKnownValue("data.confluence_pages.title", tfjsonpath.New("pages"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":               knownvalue.StringExact(f.beta.ID),
						"title":            knownvalue.StringExact("Beta guide"),
						"space_key":        knownvalue.StringExact("DOCS"),
						"status":           knownvalue.StringExact("current"),
						"version":          knownvalue.Int64Exact(1),
						"parent_id":        knownvalue.StringExact(f.beta.ParentID),
						"url":              knownvalue.StringRegexp(regexp.MustCompile(`^http://127\.0\.0\.1:\d+/wiki/spaces/DOCS/pages/` + f.beta.ID + `/`)),
						"labels":           knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("guide")}),
						"last_modified_at": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
						"last_modified_by": knownvalue.StringRegexp(regexp.MustCompile(`^557058:`)),
						"body":             knownvalue.StringExact("<p>How to write docs.</p>"),
					}),
				})),
				// Without include_body the body is not read; labels come with the
				// search results without extra requests.
				statecheck.ExpectKnownValue("data.confluence_pages.text", tfjsonpath.New("pages").AtSliceIndex(0).AtMapKey("body"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.confluence_pages.all_labels_must_match", tfjsonpath.New("pages").AtSliceIndex(0).AtMapKey("labels"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ops"), knownvalue.StringExact("runbook")})),
			},
		}},
	})
}

func TestAccPagesDataSource_cql(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	seedPagesFixture(t, site)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "ops" {
  cql = "space = OPS order by title desc"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.ops", "Operations Home", "Delta runbook"),
					statecheck.ExpectKnownValue("data.confluence_pages.ops", tfjsonpath.New("query"),
						knownvalue.StringExact("type = page AND (space = OPS) order by title desc")),
				},
			},
			{
				// An OR in the user's query stays inside the page restriction.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "or" {
  cql = "title = \"Beta guide\" OR title = \"Delta runbook\" ORDER BY title"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.or", "Beta guide", "Delta runbook"),
				},
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "bad" {
  cql = "title = "
}
`,
				ExpectError: wrappedError(`Invalid CQL Query.*Confluence rejected the search query: Could not parse cql`),
			},
			{
				// A query that closes the wrapping parenthesis is refused before it is sent.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "escape" {
  cql = "space = DOCS) OR (type = blogpost"
}
`,
				ExpectError: wrappedError(`Invalid CQL Query.*closes one that was never\s+opened`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "conflict" {
  cql       = "space = DOCS"
  space_key = "DOCS"
}
`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "nothing" {
  limit = 5
}
`,
				ExpectError: wrappedError(`At least one of these attributes must be configured`),
			},
			{
				// Terraform's closing destroy uses the last configuration: keep it valid.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "docs" {
  cql = "space = DOCS AND title = \"Beta guide\""
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.docs", "Beta guide"),
				},
			},
		},
	})
}

func TestAccPagesDataSource_filterValuesCannotInjectCQL(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	seedPagesFixture(t, site)
	admin := newSeeder(t, site)
	tricky := `Back\slash "quoted" AND OR`
	admin.page("DOCS", tricky, "", "<p>x</p>")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_pages" "injection" {
  title = %q
}
data "confluence_pages" "injection_in_space" {
  space_key = "DOCS"
  text      = %q
}
data "confluence_pages" "literal" {
  title = %q
}
`, `x" OR space = "OPS`, `") OR (space = "OPS`, tricky),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_pages.injection", tfjsonpath.New("pages"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.confluence_pages.injection", tfjsonpath.New("query"),
					knownvalue.StringExact(`type = page AND title = "x\" OR space = \"OPS" ORDER BY title, created`)),
				statecheck.ExpectKnownValue("data.confluence_pages.injection_in_space", tfjsonpath.New("pages"), knownvalue.ListSizeExact(0)),
				pageTitles("data.confluence_pages.literal", tricky),
			},
		}},
	})
}

func TestAccPagesDataSource_pagingAcross600Results(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	for i := 1; i <= 600; i++ {
		admin.page("OPS", fmt.Sprintf("Bulk %04d", i), "", "<p>bulk</p>")
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken) + `
data "confluence_pages" "all" {
  space_key      = "OPS"
  title_contains = "bulk"
  include_body   = true
  limit          = 1000
}
data "confluence_pages" "default_limit" {
  space_key      = "OPS"
  title_contains = "bulk"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages"), knownvalue.ListSizeExact(600)),
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(0).AtMapKey("title"), knownvalue.StringExact("Bulk 0001")),
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(599).AtMapKey("title"), knownvalue.StringExact("Bulk 0600")),
				statecheck.ExpectKnownValue("data.confluence_pages.all", tfjsonpath.New("pages").AtSliceIndex(599).AtMapKey("body"), knownvalue.StringExact("<p>bulk</p>")),
				statecheck.ExpectKnownValue("data.confluence_pages.default_limit", tfjsonpath.New("pages"), knownvalue.ListSizeExact(100)),
				statecheck.ExpectKnownValue("data.confluence_pages.default_limit", tfjsonpath.New("pages").AtSliceIndex(99).AtMapKey("title"), knownvalue.StringExact("Bulk 0100")),
				statecheck.ExpectKnownValue("data.confluence_pages.default_limit", tfjsonpath.New("pages").AtSliceIndex(99).AtMapKey("labels"), knownvalue.SetSizeExact(0)),
			},
			Check: func(*terraform.State) error {
				// 600 results cost a few search and bulk requests, never one per page.
				if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/pages/{id}/labels"); n != 0 {
					return fmt.Errorf("labels were read page by page (%d requests)", n)
				}
				if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/pages/{id}"); n != 0 {
					return fmt.Errorf("pages were read one by one (%d requests)", n)
				}
				return nil
			},
		}},
	})
}

func TestAccPagesDataSource_hiddenSpacesStayHidden(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	seedPagesFixture(t, site)
	site.emu.AddSpace("SECRET", "Secret")
	newSeeder(t, site).page("SECRET", "Secret runbook", "", "<p>hidden</p>", "runbook")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "runbooks" {
  label = ["runbook"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.runbooks", "Alpha runbook", "Delta runbook", "Gamma runbook"),
				},
			},
			{
				Config: site.providerBlock(adminEmail, adminToken) + `
data "confluence_pages" "runbooks" {
  label = ["runbook"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.runbooks", "Alpha runbook", "Delta runbook", "Gamma runbook", "Secret runbook"),
				},
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "secret" {
  space_key = "SECRET"
}
`,
				ExpectError: wrappedError(`Space Not Found.*lacks the view permission`),
			},
			{
				// Terraform's closing destroy uses the last configuration: keep it valid.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "docs" {
  space_key = "DOCS"
  title     = "Alpha runbook"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.docs", "Alpha runbook"),
				},
			},
		},
	})
}

func TestAccPagesDataSource_policy(t *testing.T) {
	site := newTestSite(t)
	seedPagesFixture(t, site)
	newSeeder(t, site).governReaderInDocs(map[policy.Operation]policy.Level{policy.SearchPages: policy.Denied})

	// The confirmation case runs in OPS, where the search needs a code.
	newSeeder(t, site).governReaderAs("OPS", "reader-ops", map[policy.Operation]policy.Level{policy.SearchPages: policy.AllowedWithConfirmation})
	opsQuery := `type = page AND space = "OPS" AND label = "runbook" ORDER BY title, created`
	code := policy.ConfirmationCode(policy.SearchPages, "reader-ops", "OPS", "", opsQuery)

	opsConfig := `
data "confluence_pages" "ops" {
  space_key = "OPS"
  label     = ["runbook"]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				// Denied with the space known: decided before searching.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "docs" {
  space_key = "DOCS"
}
`,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*search_pages.*denied.*terraform\.policy\.reader-ci.*in\s+space\s+DOCS`),
			},
			{
				// Nothing was searched for the denied space.
				PreConfig: func() {
					if n := site.emu.Count(http.MethodGet, "/wiki/rest/api/search"); n != 0 {
						t.Errorf("the denied search was sent %d time(s)", n)
					}
				},
				// Free CQL whose matches are all in a denied space answers exactly
				// as a query that matches nothing: no error, no pages. An error
				// would make the search an oracle for the denied space.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "denied_only" {
  cql = "space = DOCS AND label = runbook"
}
data "confluence_pages" "nothing" {
  cql = "label = no-such-label"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.denied_only"),
					pageTitles("data.confluence_pages.nothing"),
				},
			},
			{
				// Matches in a denied space and in a space needing a code: the
				// code is asked for, the denied space is not mentioned.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_pages" "everywhere" {
  cql = "label = runbook"
}
`,
				ExpectError: wrappedError(`Confirmation Required: search_pages-[0-9a-f]{32}.*in space OPS`),
			},
			{
				Config:      site.providerBlock(readerEmail, readerToken) + opsConfig,
				ExpectError: wrappedError(`Confirmation Required: ` + code + `.*CONFLUENCE_CONFIRMATIONS=` + code),
			},
			{
				PreConfig: func() { t.Setenv(envConfirmations, code) },
				Config:    site.providerBlock(readerEmail, readerToken) + opsConfig,
				ConfigStateChecks: []statecheck.StateCheck{
					pageTitles("data.confluence_pages.ops", "Delta runbook"),
				},
			},
		},
	})
}

func TestPagesDataSource_filterCQLQuotesEveryValue(t *testing.T) {
	t.Parallel()
	got := filterCQL(pageFilters{
		spaceKey:      "DOCS",
		title:         `a\b "c"`,
		titleContains: "x OR y",
		text:          `") OR (space = "OPS`,
		labels:        []string{"zeta", "alpha"},
		ancestorID:    "42",
	})
	want := `type = page AND space = "DOCS" AND title = "a\\b \"c\"" AND title ~ "x OR y" AND text ~ "\") OR (space = \"OPS" AND label = "alpha" AND label = "zeta" AND ancestor = "42" ORDER BY title, created`
	if got != want {
		t.Errorf("filterCQL =\n%s\nwant\n%s", got, want)
	}
}
