// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// Reads the policy denies, attempted through Terraform only: the attacker
// owns the configuration and may push the state, the policy records in
// Confluence are the administrators'. Reading content (a page's body, a
// property's value) is get_page, decided in the space Confluence holds the
// content in; the state's say-so that Terraform manages a page is not proof.

// contentReads counts, per content id, the requests that read a body:
// GET /pages/{id} or /blogposts/{id} with body-format, or a bulk
// GET /pages?id=... with body-format.
type contentReads struct {
	mu        sync.Mutex
	bodies    map[string]int
	downloads map[string]int // by file name
}

var downloadPath = regexp.MustCompile(`/download(?:/attachments/\d+/([^/]+)|$)`)

var contentReadPath = regexp.MustCompile(`^/wiki/api/v2/(?:pages|blogposts)(?:/(\d+))?$`)

func (c *contentReads) record(r *http.Request) {
	if d := downloadPath.FindStringSubmatch(r.URL.Path); r.Method == http.MethodGet && d != nil {
		c.mu.Lock()
		c.downloads[d[1]]++ // "" for a download by attachment id
		c.mu.Unlock()
		return
	}
	m := contentReadPath.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodGet || m == nil {
		return
	}
	q := r.URL.Query()
	if q.Get("body-format") == "" {
		return
	}
	ids := []string{m[1]}
	if m[1] == "" {
		ids = nil
		for _, v := range q["id"] {
			ids = append(ids, strings.Split(v, ",")...)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.bodies[id]++
	}
}

func (c *contentReads) bodyReads(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bodies[id]
}

func (c *contentReads) downloadsOf(filename string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.downloads[filename] + c.downloads[""]
}

// newWatchedSite is newTestSite with every content read counted.
func newWatchedSite(t *testing.T) (*testSite, *contentReads) {
	t.Helper()
	emu := emulator.NewDemo(emulator.Options{Validate: func(violation string) { t.Errorf("OpenAPI violation: %s", violation) }})
	reads := &contentReads{bodies: map[string]int{}, downloads: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.record(r)
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &testSite{emu: emu, srv: srv}, reads
}

// accountIDOf is the account id of a demo account.
func accountIDOf(t *testing.T, email string) string {
	t.Helper()
	for _, a := range emulator.DemoAccounts() {
		if a.Email == email {
			return a.AccountID
		}
	}
	t.Fatalf("no demo account %s", email)
	return ""
}

// governedContentKind is what the forged-state test needs of one kind of
// content resource.
type governedContentKind struct {
	api          confluence.ContentKind
	resourceType string
	seed         func(s *seeder, spaceKey, title, body string) *confluence.Page
	humanEdit    func(site *testSite, t *testing.T, id, body string)
}

var governedContentKinds = map[string]governedContentKind{
	"page": {
		api:          confluence.KindPage,
		resourceType: "confluence_page",
		seed: func(s *seeder, spaceKey, title, body string) *confluence.Page {
			return s.page(spaceKey, title, "", body)
		},
		humanEdit: func(site *testSite, t *testing.T, id, body string) { site.humanEdit(t, id, body) },
	},
	"blog post": {
		api:          confluence.KindBlogPost,
		resourceType: "confluence_blog_post",
		seed: func(s *seeder, spaceKey, title, body string) *confluence.Page {
			return s.blogPost(spaceKey, title, body)
		},
		humanEdit: func(site *testSite, t *testing.T, id, body string) { site.humanEditBlogPost(t, id, body) },
	},
}

// H2: the attacker creates content of their own, then points the state at
// another page (version 0, so it looks edited) and refreshes, with
// ignore_changes = all so no write would follow. Refreshing what the state
// names read the target's body into the state. Now the refresh asks get_page
// in the page's actual space, and the body is never fetched; the control:
// the account's own page, edited by a person, is still refreshed with
// get_page denied, because Confluence records that the account wrote it.
func TestAccHostile_forgedStateReadsPageGetPageDenies(t *testing.T) {
	for name, kind := range governedContentKinds {
		t.Run(name, func(t *testing.T) { testForgedStateReads(t, kind) })
	}
}

func testForgedStateReads(t *testing.T, kind governedContentKind) {
	dirs := workingDirs(t)
	site, reads := newWatchedSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	secret := kind.seed(admin, "DOCS", "Secret", "<p>do not read</p>")
	opsSecret := kind.seed(admin, "OPS", "Ops secret", "<p>outside the scope</p>")
	address := kind.resourceType + ".p"
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource %q "p" {
  space_key  = "DOCS"
  title      = "Mine"
  body       = "<p>mine</p>"
  on_destroy = "retain"
  lifecycle {
    ignore_changes = all
  }
}
`, kind.resourceType)
	var mine map[string]any
	var mineID string
	var leaked string
	body := func(s *terraform.State) string { return s.RootModule().Resources[address].Primary.Attributes["body"] }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources[address].Primary.Attributes
					mineID = a["id"]
					mine = map[string]any{"id": a["id"], "title": a["title"], "space_key": a["space_key"], "version": 1}
					return nil
				},
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, kind.resourceType, "p", func(a map[string]any) {
						a["id"], a["title"], a["version"] = secret.ID, "Secret", 0
					})
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + secret.ID + `.*in space DOCS.*is denied.*no record that this account wrote it`),
			},
			{
				// Even a record the account saved itself (its token may edit
				// OPS) does not make a page outside the connection's scope its own.
				PreConfig: func() {
					record, err := json.Marshal(auditRecord{Operation: "create_page", Version: 1, AccountID: accountIDOf(t, botEmail)})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := site.asAccount(t, botEmail, botToken).CreateContentProperty(context.Background(), kind.api, opsSecret.ID, auditPropertyKey, json.RawMessage(record)); err != nil {
						t.Fatal(err)
					}
					tamperState(t, dirs, kind.resourceType, "p", func(a map[string]any) {
						a["id"], a["title"], a["version"], a["space_key"] = opsSecret.ID, "Ops secret", 0, "OPS"
					})
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + opsSecret.ID + `.*space OPS is outside the scope of connection "docs-bot"`),
			},
			{
				// The same forgery without the space: the page is in OPS,
				// so the decision is taken there, not in the state's DOCS.
				PreConfig: func() {
					tamperState(t, dirs, kind.resourceType, "p", func(a map[string]any) {
						a["id"], a["title"], a["version"], a["space_key"] = opsSecret.ID, "Ops secret", 0, "DOCS"
					})
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + opsSecret.ID + `.*space OPS is outside the scope`),
			},
			{
				// A terraform.change record naming the account, saved by
				// someone else (anyone who may edit the page can), proves
				// nothing: Confluence names its author.
				PreConfig: func() {
					forged, err := json.Marshal(auditRecord{Operation: "create_page", Version: 1, AccountID: accountIDOf(t, botEmail)})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := admin.client.CreateContentProperty(context.Background(), kind.api, secret.ID, auditPropertyKey, json.RawMessage(forged)); err != nil {
						t.Fatal(err)
					}
					tamperState(t, dirs, kind.resourceType, "p", func(a map[string]any) {
						a["id"], a["title"], a["version"], a["space_key"] = secret.ID, "Secret", 0, "DOCS"
					})
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + secret.ID + `.*no record that this account wrote it`),
			},
			{
				// The control: the state restored, a person edits the
				// account's own content; the refresh brings their text in.
				PreConfig: func() {
					tamperState(t, dirs, kind.resourceType, "p", func(a map[string]any) {
						for k, v := range mine {
							a[k] = v
						}
					})
					kind.humanEdit(site, t, mineID, "<p>edited by a person</p>")
				},
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if got := body(s); !strings.Contains(got, "edited by a person") {
						return fmt.Errorf("the account's own page, edited by a person, refreshed with body %q; want the person's text", got)
					}
					leaked = body(s)
					return nil
				},
			},
		},
	})
	if strings.Contains(leaked, "do not read") || strings.Contains(leaked, "outside the scope") {
		t.Fatalf("get_page is denied in DOCS and OPS is outside the scope, yet page bodies reached the state: %q", leaked)
	}
	for _, target := range []*confluence.Page{secret, opsSecret} {
		if n := reads.bodyReads(target.ID); n != 0 {
			t.Errorf("the body of %q (%s) was fetched %d times; get_page does not allow it", target.Title, target.ID, n)
		}
	}
}

// H3: importing a content property put its value into the state without a
// get_page decision, and so did a state pointed at another key. Now both
// are get_page in the page's space; the control: a value this account
// saved itself is refreshed with get_page denied (an apply whose answer was
// lost), because Confluence records it as the author.
func TestAccHostile_contentPropertyImportReadsWithoutGetPage(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.GetPage: policy.Denied, policy.UpdatePage: policy.Allowed}, "DOCS")
	secret := admin.page("DOCS", "Secret", "", "<p>x</p>")
	if _, err := admin.client.CreatePageProperty(context.Background(), secret.ID, "vault.data", json.RawMessage(`{"password":"hunter2"}`)); err != nil {
		t.Fatal(err)
	}
	provider := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`)
	own := provider + fmt.Sprintf(`
resource "confluence_content_property" "own" {
  page_id = %q
  key     = "bot.note"
  value   = jsonencode({ checked = true })
  lifecycle {
    ignore_changes = all
  }
}
`, secret.ID)
	var leaked []string
	keep := func(s *terraform.State) {
		for _, r := range s.RootModule().Resources {
			leaked = append(leaked, r.Primary.Attributes["value"])
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: provider + fmt.Sprintf(`
import {
  to = confluence_content_property.p
  id = "%s/vault.data"
}
resource "confluence_content_property" "p" {
  page_id = %q
  key     = "vault.data"
  value   = "{}"
  lifecycle {
    ignore_changes = all
  }
}
`, secret.ID, secret.ID),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + secret.ID + `.*in space DOCS.*importing content property "vault.data"`),
			},
			{Config: own, Check: func(s *terraform.State) error { keep(s); return nil }},
			{
				// The control: version 0 in the state, the value is the
				// account's own; it is read without get_page.
				PreConfig: func() {
					tamperState(t, dirs, "confluence_content_property", "own", func(a map[string]any) { a["version"] = 0 })
				},
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources["confluence_content_property.own"].Primary.Attributes["value"]; got != `{"checked":true}` {
						return fmt.Errorf("the account's own property refreshed as %q, want its value", got)
					}
					keep(s)
					return nil
				},
			},
			{
				// The state pointed at the administrators' key.
				PreConfig: func() {
					tamperState(t, dirs, "confluence_content_property", "own", func(a map[string]any) {
						a["key"], a["id"], a["version"] = "vault.data", secret.ID+"/vault.data", 0
					})
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + secret.ID + `.*content property "vault.data".*changed outside Terraform.*saved by`),
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_content_property", "own", func(a map[string]any) {
						a["key"], a["id"], a["version"] = "bot.note", secret.ID+"/bot.note", 1
					})
				},
				RefreshState: true,
				Check:        func(s *terraform.State) error { keep(s); return nil },
			},
		},
	})
	for _, v := range leaked {
		if strings.Contains(v, "hunter2") {
			t.Fatalf("get_page is denied in DOCS, yet the property of page %s reached the state: %s", secret.ID, v)
		}
	}
}

// H7: confluence_pages with include_body = true returned bodies that
// get_page denies, governed by search_pages alone. Reading a body is
// get_page: the read fails at plan naming the space and the operation, and
// no body is fetched; without include_body the same search still works.
func TestAccHostile_searchIncludeBodyReadsWhatGetPageDenies(t *testing.T) {
	site, reads := newWatchedSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.SearchPages: policy.Allowed, policy.GetPage: policy.Denied}, "DOCS")
	secret := admin.page("DOCS", "Secret", "", "<p>do not read</p>")
	post := admin.blogPost("DOCS", "Secret post", "<p>do not read either</p>")
	search := func(extra string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
data "confluence_pages" "all" {
  space_key = "DOCS"
  %s
}
`, extra)
	}
	var leaked string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      search(`title = "Secret"` + "\n  include_body = true"),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*include_body = true reads the body.*get_page is denied in space DOCS for 1 of the 1 results there: "Secret" \(id ` + secret.ID + `\).*drop include_body.*ask the administrators to allow get_page in space DOCS`),
			},
			{
				Config:      search(`type = "blogpost"` + "\n  include_body = true"),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*reads the body of every blog post it finds.*get_page is denied in space DOCS.*"Secret post" \(id ` + post.ID + `\)`),
			},
			{
				// The control: the search alone is search_pages, allowed.
				Config: search(`title = "Secret"`),
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["data.confluence_pages.all"].Primary.Attributes
					leaked = a["pages.0.body"]
					if a["pages.#"] != "1" || a["pages.0.id"] != secret.ID {
						return fmt.Errorf("the search without bodies found %s pages (first %s), want page %s", a["pages.#"], a["pages.0.id"], secret.ID)
					}
					return nil
				},
			},
		},
	})
	if strings.Contains(leaked, "do not read") {
		t.Fatalf("get_page is denied in DOCS, yet a body reached the state: %q", leaked)
	}
	for _, target := range []*confluence.Page{secret, post} {
		if n := reads.bodyReads(target.ID); n != 0 {
			t.Errorf("the body of %q (%s) was fetched %d times; get_page does not allow it", target.Title, target.ID, n)
		}
	}
}

// The Page Properties report (label or cql) read every page's body under
// search_pages alone, and returned the table's values: the same gap as
// include_body. It is get_page too.
func TestAccHostile_pagePropertiesReportReadsWhatGetPageDenies(t *testing.T) {
	site, reads := newWatchedSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.SearchPages: policy.Allowed, policy.GetPage: policy.Denied}, "DOCS")
	secret := admin.page("DOCS", "Vault", "", accessTable("", [2]string{"password", "hunter2"}), "vault")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
data "confluence_page_properties" "vault" {
  space_key = "DOCS"
  label     = "vault"
}
`,
			ExpectError: wrappedError(`Operation Denied by Confluence Policy.*confluence_page_properties with label or cql.*get_page is denied in space DOCS for 1 of the 1 results there: "Vault" \(id ` + secret.ID + `\).*narrow the report`),
		}},
	})
	if n := reads.bodyReads(secret.ID); n != 0 {
		t.Errorf("the body of page %s was fetched %d times; get_page does not allow it", secret.ID, n)
	}
}

// Attachments, checked for the same gap: importing a file, or a state
// pointed at someone else's file, put its name, comment and the hash of its
// downloaded content into the state without get_page. Now a file this
// account did not upload is read only under get_page in its page's space;
// the control: the account's own file is refreshed with get_page denied.
func TestAccHostile_attachmentReadsWithoutGetPage(t *testing.T) {
	dirs := workingDirs(t)
	site, reads := newWatchedSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{policy.GetPage: policy.Denied, policy.UpdatePage: policy.Allowed}, "DOCS")
	secret := admin.page("DOCS", "Secret", "", "<p>x</p>")
	vault := filepath.Join(t.TempDir(), "vault.txt")
	writeFile(t, vault, []byte("hunter2"))
	sum, size, err := confluence.HashFile(vault)
	if err != nil {
		t.Fatal(err)
	}
	secretFile, err := admin.client.CreateAttachment(context.Background(), secret.ID,
		confluence.AttachmentUpload{Filename: "vault.txt", Comment: "the root password", Size: size, SHA256: sum, Open: confluence.OpenFile(vault)})
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "flow.png")
	writeFile(t, src, pngBytes(t, 5))
	provider := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`)
	own := provider + fmt.Sprintf(`
resource "confluence_attachment" "own" {
  page_id = %q
  source  = %q
  lifecycle {
    ignore_changes = all
  }
}
`, secret.ID, src)
	var ownID string
	var states []string
	keep := func(s *terraform.State) {
		for _, r := range s.RootModule().Resources {
			states = append(states, fmt.Sprint(r.Primary.Attributes))
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: provider + fmt.Sprintf(`
import {
  to = confluence_attachment.a
  id = %q
}
resource "confluence_attachment" "a" {
  page_id = %q
  source  = %q
}
`, secretFile.ID, secret.ID, src),
				// The plan would show the imported comment and hash as the values
				// the apply replaces.
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + secret.ID + `.*in space DOCS.*reading attachment ` + secretFile.ID + `.*not by this account`),
			},
			{
				Config: own,
				Check: func(s *terraform.State) error {
					ownID = s.RootModule().Resources["confluence_attachment.own"].Primary.ID
					keep(s)
					return nil
				},
			},
			{
				// The control: the account's own file, version 0 in the state.
				PreConfig: func() {
					tamperState(t, dirs, "confluence_attachment", "own", func(a map[string]any) { a["version"] = 0 })
				},
				RefreshState: true,
				Check:        func(s *terraform.State) error { keep(s); return nil },
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_attachment", "own", func(a map[string]any) { a["id"], a["version"] = secretFile.ID, 0 })
				},
				RefreshState: true,
				ExpectError:  wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + secret.ID + `.*reading attachment ` + secretFile.ID),
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_attachment", "own", func(a map[string]any) { a["id"], a["version"] = ownID, 1 })
				},
				RefreshState: true,
				Check:        func(s *terraform.State) error { keep(s); return nil },
			},
		},
	})
	for _, st := range states {
		if strings.Contains(st, "root password") || strings.Contains(st, "vault.txt") || strings.Contains(st, sum) {
			t.Fatalf("get_page is denied in DOCS, yet the administrators' file reached the state: %s", st)
		}
	}
	if n := reads.downloadsOf("vault.txt"); n != 0 {
		t.Errorf("vault.txt was downloaded %d times; get_page does not allow it", n)
	}
}
