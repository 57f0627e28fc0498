// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// readPage runs the resource's Read on a state built from model, as Terraform
// does during refresh, against the test site as the bot.
func readPage(t *testing.T, site *testSite, model pageModel) *resource.ReadResponse {
	t.Helper()
	return readPageWith(t, newProviderData(site.asAccount(t, botEmail, botToken), providerSettings{email: botEmail}), model)
}

// readPageWith is readPage within one provider run (shared per-run caches).
func readPageWith(t *testing.T, data *providerData, model pageModel) *resource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	schema := pageResourceSchema()
	state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, &model); diags.HasError() {
		t.Fatal(diags)
	}
	r := &PageResource{data: data}
	resp := &resource.ReadResponse{State: state}
	r.Read(ctx, resource.ReadRequest{State: state}, resp)
	return resp
}

// botPage creates a page as the bot and returns the model Terraform would
// hold for it.
func botPage(t *testing.T, site *testSite, title, body string) pageModel {
	t.Helper()
	ctx := context.Background()
	bot := site.asAccount(t, botEmail, botToken)
	space, err := bot.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	page, err := bot.CreatePage(ctx, confluence.CreatePageRequest{SpaceID: space.ID, Title: title, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := storage.Hash(body)
	if err != nil {
		t.Fatal(err)
	}
	return pageModel{
		ID: types.StringValue(page.ID), SpaceKey: types.StringValue("DOCS"), Title: types.StringValue(title),
		ParentID: types.StringValue(page.ParentID), Body: types.StringValue(body), Markdown: types.StringNull(),
		SourcePath: types.StringNull(), Links: types.MapNull(types.StringType), DropTitleHeading: types.BoolNull(), TableOfContents: types.BoolNull(),
		Labels: types.SetNull(types.StringType), VersionMessage: types.StringNull(), OnDestroy: types.StringValue(onDestroyTrash),
		Version: types.Int64Value(1), URL: types.StringValue(""), LastModifiedAt: types.StringValue(""), LastModifiedBy: types.StringValue(""),
		BodyHash: types.StringValue(hash), PolicyDecision: types.StringValue("unmanaged"), ConfirmationCode: types.StringValue(""),
	}
}

func TestPageRead_humanEditWarnsAndShowsTheirText(t *testing.T) {
	site := newTestSite(t)
	model := botPage(t, site, "Runbook", "<p>Deploy with care.</p>")
	site.humanEdit(t, model.ID.ValueString(), "<p>Deploy with <b>great</b> care.</p>")

	resp := readPage(t, site, model)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	editorID, editorName := "", ""
	for _, a := range site.emu.Accounts() {
		if a.Email == editorEmail {
			editorID, editorName = a.AccountID, a.DisplayName
		}
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 {
		t.Fatalf("warnings = %v, want one about the edit", warnings)
	}
	w := warnings[0]
	for _, want := range []string{"Page Edited Outside Terraform", editorName + " (account " + editorID + ")", "content changed", "Terraform wrote version 1", "now at version 2", "history as version 2"} {
		if !strings.Contains(w.Summary()+" "+w.Detail(), want) {
			t.Errorf("warning %q / %q does not mention %q", w.Summary(), w.Detail(), want)
		}
	}
	var got pageModel
	resp.State.Get(context.Background(), &got)
	if got.Version.ValueInt64() != 2 || got.Body.ValueString() != "<p>Deploy with <strong>great</strong> care.</p>" {
		t.Fatalf("state after refresh: version %d, body %q", got.Version.ValueInt64(), got.Body.ValueString())
	}
	if got.BodyHash != model.BodyHash {
		t.Fatalf("body_hash changed to %s: it must keep the hash of what Terraform wrote", got.BodyHash)
	}
}

func TestPageRead_unchangedPageKeepsConfiguredTextWithoutFetchingBody(t *testing.T) {
	site := newTestSite(t)
	model := botPage(t, site, "Runbook", "<p><b>x</b></p>")
	site.emu.ResetStats()
	resp := readPage(t, site, model)
	if resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 0 {
		t.Fatal(resp.Diagnostics)
	}
	var got pageModel
	resp.State.Get(context.Background(), &got)
	if got.Body.ValueString() != "<p><b>x</b></p>" {
		t.Fatalf("body = %q, want the configured text kept", got.Body.ValueString())
	}
	if n := site.emu.Count("GET", "/wiki/api/v2/pages/{id}"); n != 0 {
		t.Fatalf("refresh of an unchanged page fetched it by id %d times; the space index should serve it", n)
	}
}

func TestPageRead_goneRemovesFromState(t *testing.T) {
	site := newTestSite(t)
	model := botPage(t, site, "Runbook", "<p>x</p>")
	if err := site.asAccount(t, editorEmail, editorToken).DeletePage(context.Background(), model.ID.ValueString(), false); err != nil {
		t.Fatal(err)
	}
	resp := readPage(t, site, model)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Fatal("a trashed page stayed in state")
	}
}

// Labels are read back on every refresh. Past the first few pages of a
// space they come from the space's label index rather than page by page; a
// label a person added shows as drift either way.
func TestPageRead_labelsComeFromTheSpaceIndex(t *testing.T) {
	site := newTestSite(t)
	ctx := context.Background()
	bot := site.asAccount(t, botEmail, botToken)
	models := make([]pageModel, labelIndexAfterPages+3)
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

	site.emu.ResetStats()
	data := newProviderData(bot, providerSettings{email: botEmail})
	var got pageModel
	for _, m := range models {
		resp := readPageWith(t, data, m)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		resp.State.Get(ctx, &got)
	}
	var labels []string
	got.Labels.ElementsAs(ctx, &labels, false)
	sort.Strings(labels)
	if strings.Join(labels, ",") != "reviewed,runbook" {
		t.Fatalf("labels after refresh = %v, want the person's label too", labels)
	}
	if n := site.emu.Count("GET", "/wiki/api/v2/pages/{id}/labels"); n != labelIndexAfterPages {
		t.Fatalf("labels were read page by page %d times, want only for the first %d pages", n, labelIndexAfterPages)
	}
	if n := site.emu.Count("GET", "/wiki/api/v2/spaces/{id}/content/labels"); n != 1 {
		t.Fatalf("the space's labels were listed %d times, want once per run", n)
	}
}

// A label the index lacks is confirmed on the page before it shows as removed.
func TestPageRead_labelRemovedByAPersonIsConfirmedOnThePage(t *testing.T) {
	site := newTestSite(t)
	ctx := context.Background()
	bot := site.asAccount(t, botEmail, botToken)
	models := make([]pageModel, labelIndexAfterPages+1)
	for i := range models {
		models[i] = botPage(t, site, fmt.Sprintf("Runbook %d", i), "<p>x</p>")
		if err := bot.AddPageLabels(ctx, models[i].ID.ValueString(), []string{"runbook", "ops"}); err != nil {
			t.Fatal(err)
		}
		models[i].Labels = stringSetValue(new(diag.Diagnostics), []string{"ops", "runbook"})
	}
	last := models[len(models)-1]
	if err := site.asAccount(t, editorEmail, editorToken).RemovePageLabel(ctx, last.ID.ValueString(), "ops"); err != nil {
		t.Fatal(err)
	}

	data := newProviderData(bot, providerSettings{email: botEmail})
	for _, m := range models[:labelIndexAfterPages] {
		readPageWith(t, data, m)
	}
	site.emu.ResetStats()
	resp := readPageWith(t, data, last)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got pageModel
	resp.State.Get(ctx, &got)
	var labels []string
	got.Labels.ElementsAs(ctx, &labels, false)
	if strings.Join(labels, ",") != "runbook" {
		t.Fatalf("labels after refresh = %v, want the removal shown", labels)
	}
	if n := site.emu.Count("GET", "/wiki/api/v2/spaces/{id}/content/labels"); n != 1 {
		t.Fatalf("the label index was not used (%d label lists)", n)
	}
	if n := site.emu.Count("GET", "/wiki/api/v2/pages/{id}/labels"); n != 1 {
		t.Fatalf("the removal was confirmed with %d label reads, want exactly 1", n)
	}
}

// Without a single global label in the space's list, the index is not
// trusted: the list may be leaving the provider's labels out.
func TestBuildLabelIndexNeedsGlobalLabels(t *testing.T) {
	site := newTestSite(t)
	ctx := context.Background()
	bot := site.asAccount(t, botEmail, botToken)
	space, err := bot.GetSpaceByKey(ctx, "OPS")
	if err != nil {
		t.Fatal(err)
	}
	cache := newRunCache(bot)
	if index := cache.buildLabelIndex(ctx, space.ID); index != nil {
		t.Fatalf("index of a space without global labels = %v; want none", index)
	}
	page := botPage(t, site, "Labelled", "<p>x</p>")
	if err := bot.AddPageLabels(ctx, page.ID.ValueString(), []string{"runbook"}); err != nil {
		t.Fatal(err)
	}
	docs, err := bot.GetSpaceByKey(ctx, "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	if index := cache.buildLabelIndex(ctx, docs.ID); strings.Join(index[page.ID.ValueString()], ",") != "runbook" {
		t.Fatalf("index = %v", index)
	}
}
