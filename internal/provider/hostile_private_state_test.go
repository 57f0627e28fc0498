// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// tamperPrivate rewrites the provider's private state of one resource in the
// state files under dir, as `terraform state pull`, an editor and `terraform
// state push` would: the instance's "private" is base64 of a JSON object
// whose values are base64 of the provider's JSON.
func tamperPrivate(t *testing.T, dir, resourceType, name string, edit func(keys map[string][]byte)) {
	t.Helper()
	tamperInstances(t, dir, resourceType, name, func(inst map[string]any) {
		keys := map[string][]byte{}
		if p, _ := inst["private"].(string); p != "" {
			outer, err := base64.StdEncoding.DecodeString(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(outer, &keys); err != nil {
				t.Fatal(err)
			}
		}
		edit(keys)
		outer, err := json.Marshal(keys)
		if err != nil {
			t.Fatal(err)
		}
		inst["private"] = base64.StdEncoding.EncodeToString(outer)
	})
}

// Version 1's audit record travels in private state between the create and
// the next update, which writes it into terraform.change. An author who
// edits it in the state file (here: the change reference and connection)
// breaks its seal, so the update takes the record from Confluence instead,
// and the audit export shows the pipeline's change reference.
func TestAccHostile_forgedCreateRecordInPrivateState(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	config := func(body string) string {
		return site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + fmt.Sprintf(`
resource "confluence_page" "p" {
  space_key  = "DOCS"
  title      = "Runbook"
  body       = %q
  on_destroy = "retain"
}
`, body)
	}
	const forgedRef = "CAB-4711 emergency change, approved"
	var pageID string
	start := time.Now().Add(-time.Hour)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv(envChangeReference, "commit-1") },
				Config:    config("<p>v1</p>"),
				Check: func(s *terraform.State) error {
					pageID = s.RootModule().Resources["confluence_page.p"].Primary.ID
					return nil
				},
			},
			{
				// The author edits the state's private part and pushes it.
				PreConfig: func() {
					t.Setenv(envChangeReference, "commit-2")
					tamperPrivate(t, dirs, "confluence_page", "p", func(keys map[string][]byte) {
						// The record is sealed: the author edits the value and
						// keeps the seal they cannot recompute.
						var sealed sealedValue
						var rec auditRecord
						if err := json.Unmarshal(keys[createRecordPrivateKey], &sealed); err != nil || json.Unmarshal(sealed.Value, &rec) != nil || rec.Version != 1 {
							t.Fatalf("no create record in private state: %q", keys[createRecordPrivateKey])
						}
						rec.ChangeReference = forgedRef
						rec.Connection = "release-managers"
						sealed.Value, _ = json.Marshal(rec)
						keys[createRecordPrivateKey], _ = json.Marshal(sealed)
					})
				},
				Config: config("<p>v2</p>"),
			},
		},
	})
	snap, _ := site.emu.Page(pageID)
	var rec auditRecord
	if err := json.Unmarshal(snap.Properties[auditPropertyKey], &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Created != nil && rec.Created.ChangeReference == forgedRef {
		t.Errorf("terraform.change, written by the bot, carries the create record the author wrote into the state: %+v", *rec.Created)
	}
	entries := auditOf(t, site, start)["Runbook"]
	if len(entries) != 2 {
		t.Fatalf("audit entries %+v, want versions 1 and 2", entries)
	}
	if e := entries[0]; e.ChangeReference != "commit-1" {
		t.Errorf("version 1's change reference in the audit export is %q (flags %q), want the pipeline's commit-1", e.ChangeReference, e.Flags)
	}
	if e := entries[0]; e.ChangeReference == forgedRef && len(e.Flags) == 0 {
		t.Errorf("the audit export shows version 1 with the author's change reference %q and connection %q, unflagged (the pipeline said commit-1)", e.ChangeReference, e.Connection)
	}
}

// A redirect from the site the environment names to another host (or to
// http://) takes no credentials along: the auth transport sets them per
// request, so Go's own stripping of Authorization on a redirect does not
// apply, and it sets them only for the configured site and gateway.
func TestAccHostile_redirectCarriesEnvironmentTokenToAnotherHost(t *testing.T) {
	site := newTestSite(t)
	attacker := newRecorder(t, site.emu)
	emu := site.emu
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wiki/rest/api/user/current" {
			http.Redirect(w, r, attacker.srv.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
		emu.ServeHTTP(w, r)
	})
	t.Setenv(envURL, site.URL())
	t.Setenv(envEmail, botEmail)
	t.Setenv(envAPIToken, botToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: "provider \"confluence\" {}\n" + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Redirected"
  body      = "<p>x</p>"
}
`,
			// The redirected request goes without credentials, so the other
			// host cannot answer as the site: the plan stops.
			ExpectError: regexp.MustCompile(`401 Unauthorized`),
		}},
	})
	attacker.mu.Lock()
	defer attacker.mu.Unlock()
	if len(attacker.auth) > 0 {
		t.Fatalf("a redirect from %s sent the environment's credentials to %s %d time(s): %q", site.URL(), attacker.srv.URL, len(attacker.auth), attacker.auth[0])
	}
}

// The version a destroy was planned on travels in private state, which a
// replacement's destroy (a new space_key) takes from the state file. An
// author who writes the next version into it must not make the delete
// accept a person's edit saved after the plan: the value is sealed, so a
// forged one is ignored and the delete stops.
func TestAccHostile_forgedDeleteBaseVersionSkipsEditCheck(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	var id string
	var armed atomic.Bool
	emu := site.emu
	site.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The delete's last look: a GET of the page by id without body or
		// labels. The person saves just before it, after the plan.
		if id != "" && r.Method == http.MethodGet && r.URL.Path == "/wiki/api/v2/pages/"+id &&
			r.URL.Query().Get("body-format") == "" && r.URL.Query().Get("include-labels") == "" && armed.CompareAndSwap(true, false) {
			site.humanEdit(t, id, "<p>Incident notes nobody has copied anywhere else.</p>")
		}
		emu.ServeHTTP(w, r)
	})
	config := func(space string) string {
		return site.providerBlock(adminEmail, adminToken) + fmt.Sprintf(`
resource "confluence_page" "test" {
  space_key  = %q
  title      = "Runbook"
  body       = "<p>Terraform text</p>"
  on_destroy = "trash"
}
`, space)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config("DOCS"),
				Check:  func(s *terraform.State) error { id = stateID(s, "confluence_page.test"); return nil },
			},
			{
				PreConfig: func() {
					// The author predicts the next version and writes it into the state.
					tamperPrivate(t, dirs, "confluence_page", "test", func(keys map[string][]byte) {
						keys[deleteBaseVersionKey] = []byte("2")
					})
					armed.Store(true)
				},
				Config: config("OPS"),
			},
			{
				// Before anything else runs: where is the person's edit?
				PreConfig: func() {
					if snap, ok := site.emu.Page(id); ok && snap.Status == "trashed" && strings.Contains(snap.Body, "Incident notes") {
						t.Errorf("the person's edit saved after the plan (version %d) was moved to the trash by the replacement: the delete took its base version from the state file's private part", snap.Version)
					}
				},
				Config: config("OPS"),
			},
		},
		// The refusal of step 2 is the safe outcome; anything else fails.
		ErrorCheck: func(err error) error {
			if err != nil && regexp.MustCompile(`Destroy Plan Not Verified`).MatchString(err.Error()) {
				return nil
			}
			return err
		},
	})
}

// A content property is deleted by its key as Confluence holds it: a
// property_id written into the state file that names the page's own
// terraform.change record does not make the destroy delete that record.
func TestAccHostile_forgedPropertyIDDoesNotDeleteTheChangeRecord(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	admin := newSeeder(t, site)
	page := site.providerBlock(botEmail, botToken) + `
resource "confluence_page" "p" {
  space_key  = "DOCS"
  title      = "Gateway"
  body       = "<p>x</p>"
  on_destroy = "retain"
}
`
	var pageID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: page + `
resource "confluence_content_property" "c" {
  page_id = confluence_page.p.id
  key     = "gateway.enforcement"
  value   = jsonencode({ mode = "strict" })
}
`,
				Check: func(s *terraform.State) error { pageID = stateID(s, "confluence_page.p"); return nil },
			},
			{
				PreConfig: func() {
					records, err := admin.client.ListPageProperties(t.Context(), pageID, auditPropertyKey)
					if err != nil || len(records) != 1 {
						t.Fatalf("terraform.change of page %s: %v %v", pageID, records, err)
					}
					tamperState(t, dirs, "confluence_content_property", "c", func(a map[string]any) { a["property_id"] = records[0].ID })
				},
				Config: page,
			},
		},
	})
	if records, err := admin.client.ListPageProperties(t.Context(), pageID, auditPropertyKey); err != nil || len(records) != 1 {
		t.Fatalf("the destroy of a content property whose state names terraform.change's id deleted the record: %v %v", records, err)
	}
	if props, err := admin.client.ListPageProperties(t.Context(), pageID, "gateway.enforcement"); err != nil || len(props) != 0 {
		t.Errorf("the property itself should be gone: %v %v", props, err)
	}
}
