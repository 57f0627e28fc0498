// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// accessTable is a Page Properties macro as Confluence stores it.
func accessTable(id string, rows ...[2]string) string {
	param := ""
	if id != "" {
		param = `<ac:parameter ac:name="id">` + id + `</ac:parameter>`
	}
	body := ""
	for _, r := range rows {
		body += "<tr><th><p>" + r[0] + "</p></th><td><p>" + r[1] + "</p></td></tr>"
	}
	return `<ac:structured-macro ac:name="details" ac:schema-version="1">` + param +
		`<ac:rich-text-body><table><tbody>` + body + `</tbody></table></ac:rich-text-body></ac:structured-macro>`
}

func stringMap(m map[string]string) knownvalue.Check {
	checks := map[string]knownvalue.Check{}
	for k, v := range m {
		checks[k] = knownvalue.StringExact(v)
	}
	return knownvalue.MapExact(checks)
}

func TestAccPagePropertiesDataSource_onePage(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	orders := admin.page("DOCS", "Orders API", "", `<p>Access rules of the Orders API, reviewed by the platform team.</p>`+
		accessTable("access",
			[2]string{"Route", "/orders"},
			[2]string{"Rate limit", "100"},
			[2]string{"Allowed roles", `orders-read<br />orders-admin`},
			[2]string{"Owner", `<ac:link><ri:user ri:account-id="557058:0a1b2c3d-0000-4000-8000-000000000003" /></ac:link>`},
			[2]string{"Expiry", ""},
		)+
		accessTable("contacts", [2]string{"Team", "Platform"}, [2]string{"Channel", `<a href="https://chat.example.com/platform">#platform</a>`}))

	access := map[string]string{
		"Route": "/orders", "Rate limit": "100", "Allowed roles": "orders-read\norders-admin",
		"Owner": "557058:0a1b2c3d-0000-4000-8000-000000000003", "Expiry": "",
	}
	all := map[string]string{"Team": "Platform", "Channel": "#platform"}
	for k, v := range access {
		all[k] = v
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_page_properties" "access" {
  page_id  = %q
  table_id = "access"
}
data "confluence_page_properties" "all_tables" {
  space_key = "DOCS"
  title     = "Orders API"
}
output "rate_limit" {
  value = tonumber(data.confluence_page_properties.access.properties["Rate limit"])
}
output "missing_key" {
  value = lookup(data.confluence_page_properties.access.properties, "Team", "absent")
}
`, orders.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_page_properties.access", tfjsonpath.New("properties"), stringMap(access)),
				statecheck.ExpectKnownValue("data.confluence_page_properties.access", tfjsonpath.New("query"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.confluence_page_properties.access", tfjsonpath.New("pages"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":               knownvalue.StringExact(orders.ID),
						"title":            knownvalue.StringExact("Orders API"),
						"space_key":        knownvalue.StringExact("DOCS"),
						"version":          knownvalue.Int64Exact(1),
						"url":              knownvalue.StringRegexp(regexp.MustCompile(`/wiki/spaces/DOCS/pages/` + orders.ID + `/`)),
						"last_modified_at": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
						"last_modified_by": knownvalue.StringExact("557058:0a1b2c3d-0000-4000-8000-000000000001"),
						"properties":       stringMap(access),
					}),
				})),
				statecheck.ExpectKnownValue("data.confluence_page_properties.all_tables", tfjsonpath.New("properties"), stringMap(all)),
				statecheck.ExpectKnownOutputValue("rate_limit", knownvalue.Int64Exact(100)),
				statecheck.ExpectKnownOutputValue("missing_key", knownvalue.StringExact("absent")),
			},
		}},
	})
}

func TestAccPagePropertiesDataSource_labelReport(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	orders := admin.page("DOCS", "Orders API", "", accessTable("access", [2]string{"Route", "/orders"}, [2]string{"Rate limit", "100"}), "api-access")
	admin.page("DOCS", "Billing API", "", accessTable("access", [2]string{"Route", "/billing"}), "api-access")
	admin.page("OPS", "Status API", "", accessTable("access", [2]string{"Route", "/status"}, [2]string{"Rate limit", "5"})+
		accessTable("other", [2]string{"Route", "ignored: another table id"}), "api-access")
	admin.page("DOCS", "No table", "", `<p>Labelled, but without Page Properties.</p>`, "api-access")
	admin.page("DOCS", "Unlabelled API", "", accessTable("access", [2]string{"Route", "/hidden"}))

	var perPageReads int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { site.emu.ResetStats() },
			Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "report" {
  label    = "api-access"
  table_id = "access"
}
data "confluence_page_properties" "docs_only" {
  label     = "api-access"
  space_key = "DOCS"
  table_id  = "access"
}
output "rate_limits" {
  value = { for p in data.confluence_page_properties.report.pages : p.properties["Route"] => lookup(p.properties, "Rate limit", "none") }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("rate_limits", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"/billing": knownvalue.StringExact("none"),
					"/orders":  knownvalue.StringExact("100"),
					"/status":  knownvalue.StringExact("5"),
				})),
				statecheck.ExpectKnownValue("data.confluence_page_properties.report", tfjsonpath.New("query"),
					knownvalue.StringExact(`type = page AND label = "api-access" ORDER BY title, created`)),
				statecheck.ExpectKnownValue("data.confluence_page_properties.report", tfjsonpath.New("properties"), knownvalue.Null()),
				pageTitles("data.confluence_page_properties.report", "Billing API", "Orders API", "Status API"),
				pageTitles("data.confluence_page_properties.docs_only", "Billing API", "Orders API"),
				statecheck.ExpectKnownValue("data.confluence_page_properties.docs_only", tfjsonpath.New("pages").AtSliceIndex(1).AtMapKey("id"), knownvalue.StringExact(orders.ID)),
			},
			Check: func(*terraform.State) error {
				perPageReads = site.emu.Count(http.MethodGet, "/wiki/api/v2/pages/{id}")
				return nil
			},
		}},
	})
	// Bulk reads only: the report never reads a page by id.
	if perPageReads != 0 {
		t.Errorf("the report read %d page(s) one by one; want bulk reads only", perPageReads)
	}
}

func TestAccPagePropertiesDataSource_malformedAndMissing(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	broken := admin.page("DOCS", "Broken API", "", `<ac:structured-macro ac:name="details"><ac:rich-text-body><table><tbody>`+
		`<tr><th>Route</th><td>/broken</td></tr><tr><th>Roles</th><td>a</td><td>b</td></tr></tbody></table></ac:rich-text-body></ac:structured-macro>`, "api-access")
	admin.page("DOCS", "Good API", "", accessTable("", [2]string{"Route", "/good"}), "api-access")
	plain := admin.page("DOCS", "Plain page", "", `<p>No properties.</p>`)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_page_properties" "broken" {
  page_id = %q
}
`, broken.ID),
				ExpectError: wrappedError(`Malformed Page Properties Table.*Page ` + broken.ID + ` \("Broken API", space DOCS, version 1\).*row 2: the row has 3 cells`),
			},
			{
				// In a report, the malformed page is named too, and nothing is returned.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "report" {
  label = "api-access"
}
`,
				ExpectError: wrappedError(`Malformed Page Properties Table.*"Broken API"`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_page_properties" "plain" {
  page_id = %q
}
`, plain.ID),
				ExpectError: wrappedError(`Page Properties Table Not Found.*Page ` + plain.ID + ` \("Plain page"`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "wrong_id" {
  space_key = "DOCS"
  title     = "Good API"
  table_id  = "access"
}
`,
				ExpectError: wrappedError(`Page Properties Table Not Found.*no Page Properties table with id "access"`),
			},
			{
				// Bad input fails before any request.
				PreConfig: func() { site.emu.ResetStats() },
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "both" {
  page_id = "1"
  label   = "api-access"
}
`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				PreConfig: func() {
					if n := site.emu.Stats().Total; n != 0 {
						t.Errorf("an invalid configuration sent %d request(s)", n)
					}
				},
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "bad_label" {
  label = "Not A Label"
}
`,
				ExpectError: regexp.MustCompile(`Invalid Label`),
			},
		},
	})
}

func TestAccPagePropertiesDataSource_policy(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	admin := newSeeder(t, site)
	orders := admin.page("DOCS", "Orders API", "", accessTable("access", [2]string{"Route", "/orders"}), "api-access")
	admin.page("OPS", "Status API", "", accessTable("access", [2]string{"Route", "/status"}), "api-access", "status-only")
	admin.governReaderInDocs(map[policy.Operation]policy.Level{policy.GetPage: policy.Denied, policy.SearchPages: policy.Allowed})
	admin.governReaderAs("OPS", "reader-ops", map[policy.Operation]policy.Level{policy.SearchPages: policy.Denied})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { site.emu.ResetStats() },
				Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_page_properties" "one" {
  page_id = %q
}
`, orders.ID),
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*` + orders.ID + `.*DOCS`),
			},
			{
				PreConfig: func() {
					// The page's body was never read: only its metadata, to learn its space.
					if n := site.emu.Count(http.MethodGet, "/wiki/api/v2/pages/{id}"); n != 1 {
						t.Errorf("GET /pages/{id} sent %d time(s), want 1 (metadata only)", n)
					}
				},
				// A report reaching a space whose search_pages is denied leaves that
				// space out without a word, as a search does: an error would make
				// the report an oracle for what the denied space holds.
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "report" {
  label = "status-only"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{pageTitles("data.confluence_page_properties.report")},
			},
			{
				// The report reads every page's body, so search_pages is not
				// enough: get_page is denied in DOCS (body_read_policy.go).
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page_properties" "docs" {
  label     = "api-access"
  space_key = "DOCS"
}
`,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*Page Properties report.*get_page is denied in space DOCS.*"Orders API" \(id ` + orders.ID + `\)`),
			},
		},
	})
}

// TestAccSourceOfTruthScenario runs examples/scenarios/source-of-truth (the
// guide's flow) against the emulator: publish the access-rules template, read
// its Page Properties, write the enforcement record back and edit-lock the page.
func TestAccSourceOfTruthScenario(t *testing.T) {
	site := newTestSite(t)
	site.emu.AddGroup("api-reviewers", editorEmail)
	newSeeder(t, site).govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.SearchPages: policy.Allowed, policy.GetPage: policy.Allowed,
		policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	dir, err := filepath.Abs("../../examples/scenarios/source-of-truth")
	if err != nil {
		t.Fatal(err)
	}
	mainTF, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// The test serves the provider in-process: drop the registry requirement
	// and point path.module at the scenario.
	config := string(mainTF)
	config = config[strings.Index(config, `provider "confluence"`):]
	config = strings.ReplaceAll(config, "${path.module}", dir)
	t.Setenv(envURL, site.URL())
	t.Setenv(envEmail, botEmail)
	t.Setenv(envAPIToken, botToken)

	editor := demoAccountID(editorEmail)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.confluence_page_properties.orders", tfjsonpath.New("properties"), stringMap(map[string]string{
					"Route": "/orders", "Upstream": "https://orders.internal.example.com", "Rate limit per minute": "120",
					"Allowed roles": "orders-read\norders-admin", "Owner": editor, "Status": "APPROVED", "Expires": "2027-06-30",
				})),
				statecheck.ExpectKnownOutputValueAtPath("routes", tfjsonpath.New("/orders").AtMapKey("per_minute"), knownvalue.Int64Exact(120)),
				statecheck.ExpectKnownOutputValueAtPath("routes", tfjsonpath.New("/orders").AtMapKey("approved"), knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValueAtPath("routes", tfjsonpath.New("/orders").AtMapKey("allowed_roles"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("orders-read"), knownvalue.StringExact("orders-admin")})),
				statecheck.ExpectKnownValue("confluence_content_property.enforcement", tfjsonpath.New("value"),
					knownvalue.StringExact(`{"gateway":"kong-eu-1","page_version":1}`)),
				statecheck.ExpectKnownValue("confluence_page_restrictions.orders_api", tfjsonpath.New("edit_account_ids"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(demoAccountID(botEmail))})),
			},
		}},
	})
}
