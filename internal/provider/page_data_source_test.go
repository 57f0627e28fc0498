// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

func TestAccPageDataSource_byIDAndByTitle(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	f := seedPagesFixture(t, site)
	home := f.alpha.ParentID // pages created without a parent sit under the homepage

	// Confluence's form of the body (b) comes back canonical (strong).
	want := map[string]knownvalue.Check{
		"id":               knownvalue.StringExact(f.gamma.ID),
		"space_key":        knownvalue.StringExact("DOCS"),
		"title":            knownvalue.StringExact("Gamma runbook"),
		"body":             knownvalue.StringExact("<p>Rotate certificates.</p>"),
		"labels":           knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("runbook")}),
		"version":          knownvalue.Int64Exact(1),
		"parent_id":        knownvalue.StringExact(f.alpha.ID),
		"ancestors":        knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(home), knownvalue.StringExact(f.alpha.ID)}),
		"url":              knownvalue.StringRegexp(regexp.MustCompile(`^http://127\.0\.0\.1:\d+/wiki/spaces/DOCS/pages/` + f.gamma.ID + `/`)),
		"status":           knownvalue.StringExact("current"),
		"last_modified_at": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
		"last_modified_by": knownvalue.StringRegexp(regexp.MustCompile(`^557058:`)),
	}
	checks := func(address string) []statecheck.StateCheck {
		var out []statecheck.StateCheck
		for attr, check := range want {
			out = append(out, statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), check))
		}
		return out
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_page" "by_id" {
  id = %q
}
data "confluence_page" "by_title" {
  space_key = "DOCS"
  title     = "Gamma runbook"
}
data "confluence_page" "alpha" {
  id = %q
}
data "confluence_page" "home" {
  id = %q
}
`, f.gamma.ID, f.alpha.ID, home),
			ConfigStateChecks: append(append(checks("data.confluence_page.by_id"), checks("data.confluence_page.by_title")...),
				statecheck.ExpectKnownValue("data.confluence_page.alpha", tfjsonpath.New("body"),
					knownvalue.StringExact("<p>Restart the <strong>kubernetes</strong> cluster.</p>")),
				statecheck.ExpectKnownValue("data.confluence_page.alpha", tfjsonpath.New("labels"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ops"), knownvalue.StringExact("runbook")})),
				statecheck.ExpectKnownValue("data.confluence_page.home", tfjsonpath.New("ancestors"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.confluence_page.home", tfjsonpath.New("parent_id"), knownvalue.StringExact("")),
			),
		}},
	})
}

func TestAccPageDataSource_notFoundAndHidden(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	seedPagesFixture(t, site)
	site.emu.AddSpace("SECRET", "Secret")
	secret := newSeeder(t, site).page("SECRET", "Secret runbook", "", "<p>hidden</p>")

	valid := site.providerBlock(readerEmail, readerToken) + `
data "confluence_page" "ok" {
  space_key = "DOCS"
  title     = "Beta guide"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page" "missing" {
  id = "999999"
}
`,
				ExpectError: wrappedError(`Page Not Found.*no page 999999 visible to reader@example.com`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page" "missing" {
  space_key = "DOCS"
  title     = "No such page"
}
`,
				ExpectError: wrappedError(`Page Not Found.*Space DOCS has no current page titled "No such page"`),
			},
			{
				// A page in a space the reader may not view is not found, not forbidden.
				Config: site.providerBlock(readerEmail, readerToken) + fmt.Sprintf(`
data "confluence_page" "secret" {
  id = %q
}
`, secret.ID),
				ExpectError: wrappedError(`Page Not Found.*may not view it`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page" "secret" {
  space_key = "SECRET"
  title     = "Secret runbook"
}
`,
				ExpectError: wrappedError(`Space Not Found`),
			},
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page" "both" {
  id    = "1"
  title = "Beta guide"
}
`,
				ExpectError: wrappedError(`Invalid Attribute Combination`),
			},
			{
				Config: valid,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.confluence_page.ok", tfjsonpath.New("body"), knownvalue.StringExact("<p>How to write docs.</p>")),
				},
			},
		},
	})
}

func TestAccPageDataSource_policy(t *testing.T) {
	site := newTestSite(t)
	f := seedPagesFixture(t, site)
	admin := newSeeder(t, site)
	admin.governReaderInDocs(map[policy.Operation]policy.Level{policy.GetPage: policy.AllowedWithConfirmation})
	admin.governReaderAs("OPS", "reader-ops", map[policy.Operation]policy.Level{policy.GetPage: policy.Denied})
	code := policy.ConfirmationCode(policy.GetPage, "reader-ci", "DOCS", f.beta.ID, "")

	byID := fmt.Sprintf(`
data "confluence_page" "beta" {
  id = %q
}
`, f.beta.ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: site.providerBlock(readerEmail, readerToken) + `
data "confluence_page" "delta" {
  space_key = "OPS"
  title     = "Delta runbook"
}
`,
				ExpectError: wrappedError(`Operation Denied by Confluence Policy.*get_page.*denied.*terraform\.policy\.reader-ops`),
			},
			{
				Config:      site.providerBlock(readerEmail, readerToken) + byID,
				ExpectError: wrappedError(`Confirmation Required: ` + code + `.*CONFLUENCE_CONFIRMATIONS=` + code),
			},
			{
				// A code granted for another page does not unlock this one.
				PreConfig: func() {
					t.Setenv(envConfirmations, policy.ConfirmationCode(policy.GetPage, "reader-ci", "DOCS", f.alpha.ID, ""))
				},
				Config:      site.providerBlock(readerEmail, readerToken) + byID,
				ExpectError: wrappedError(`Confirmation Required: ` + code),
			},
			{
				PreConfig: func() { t.Setenv(envConfirmations, code) },
				Config:    site.providerBlock(readerEmail, readerToken) + byID,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.confluence_page.beta", tfjsonpath.New("title"), knownvalue.StringExact("Beta guide")),
				},
			},
		},
	})
}
