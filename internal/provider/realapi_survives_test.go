// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// Provider behaviours against the emulator's real-API switches (issue 12, part 2)
// that already hold. The ones that still fail are in realapi_test.go, behind the
// realapi_pending build tag.

// A 504 after every write of a create (page, terraform.change property, labels):
// the page is adopted by its lookup, the labels read back, and one page exists.
func TestAccRealAPISurvives_gatewayErrorsAfterCreateWrites(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	for _, f := range emulator.WriteGatewayFaults(emulator.Fault504AfterCommit, 1) {
		site.emu.InjectFault(f)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:           pageConfig(site, `body = "<p>Saved</p>"`, `labels = ["runbook"]`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: func(s *terraform.State) error {
				snap, ok := site.emu.PageByTitle("DOCS", "Runbook")
				if !ok || snap.ID != stateID(s, "confluence_page.test") || strings.Join(snap.Labels, ",") != "runbook" {
					return fmt.Errorf("state does not hold the one labelled page: %+v", snap)
				}
				if n := site.emu.Count(http.MethodPost, "/wiki/api/v2/pages"); n != 1 {
					return fmt.Errorf("create sent %d times, want once", n)
				}
				return nil
			},
		}},
	})
}

// With spec-strict requests, the lookup after a failed create (which used to ask
// GET /pages for status=draft, a value the v2 document does not allow) still finds
// and adopts the page a lost response had created, and still refuses a person's page.
func TestAccRealAPISurvives_strictSpecLookupAfterFailedCreate(t *testing.T) {
	t.Parallel()
	site := newTestSiteWith(t, emulator.Options{StrictSpec: true})
	ctx := context.Background()
	editor := site.asAccount(t, editorEmail, editorToken)
	space, err := editor.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := editor.CreatePage(ctx, confluence.CreatePageRequest{SpaceID: space.ID, Title: "Theirs", Body: "<p>Mine</p>"})
	if err != nil {
		t.Fatal(err)
	}
	site.emu.InjectFault(emulator.Fault{Method: http.MethodPost, Path: `^/wiki/api/v2/pages$`, Kind: emulator.FaultDropAfterCommit})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:           pageConfig(site, `body = "<p>Once</p>"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: func(s *terraform.State) error {
					snap, ok := site.emu.PageByTitle("DOCS", "Runbook")
					if !ok || snap.ID != stateID(s, "confluence_page.test") {
						return fmt.Errorf("the page the lost create wrote was not adopted: %+v", snap)
					}
					return nil
				},
			},
			{
				Config: pageConfig(site, `body = "<p>Once</p>"`) + `
resource "confluence_page" "clash" {
  space_key = "DOCS"
  title     = "Theirs"
  body      = "<p>Mine</p>"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Page Already Exists.*` + theirs.ID),
			},
		},
	})
}

// With the documented default label prefixes (my, team), a space's label list
// leaves the provider's global labels out; refresh past the label index threshold
// must still see every label, reading them page by page.
func TestRealAPISurvives_documentedLabelPrefixes(t *testing.T) {
	site := newTestSiteWith(t, emulator.Options{DocumentedLabelPrefixes: true})
	ctx := context.Background()
	bot := site.asAccount(t, botEmail, botToken)
	models := make([]pageModel, labelIndexAfterPages+2)
	for i := range models {
		models[i] = botPage(t, site, fmt.Sprintf("Runbook %d", i), "<p>x</p>")
		if err := bot.AddPageLabels(ctx, models[i].ID.ValueString(), []string{"runbook"}); err != nil {
			t.Fatal(err)
		}
		models[i].Labels = stringSetValue(new(diag.Diagnostics), []string{"runbook"})
	}
	last := models[len(models)-1]
	if err := site.asAccount(t, editorEmail, editorToken).AddPageLabels(ctx, last.ID.ValueString(), []string{"reviewed"}); err != nil {
		t.Fatal(err)
	}
	data := newProviderData(bot, providerSettings{email: botEmail})
	var got pageModel
	for _, m := range models {
		resp := readPageWith(t, data, m)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		resp.State.Get(ctx, &got)
		var labels []string
		got.Labels.ElementsAs(ctx, &labels, false)
		sort.Strings(labels)
		want := "runbook"
		if m.ID == last.ID {
			want = "reviewed,runbook"
		}
		if strings.Join(labels, ",") != want {
			t.Fatalf("labels of %s after refresh = %v, want %s", m.Title.ValueString(), labels, want)
		}
	}
}
