// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

func TestUnknownToState(t *testing.T) {
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	page := &confluence.Page{ID: "7", Title: "Runbook", ParentID: "3", Version: confluence.PageVersion{Number: 2, AuthorID: "bot", CreatedAt: at}}
	known := func(edit func(*pageModel)) pageModel {
		m := pageModel{}
		setFromPage(&m, page, "DOCS", "https://x/wiki/spaces/DOCS/pages/7")
		if edit != nil {
			edit(&m)
		}
		return m
	}
	tests := []struct {
		name      string
		state     pageModel
		hasParent bool
		want      []string
	}{
		{name: "the state holds it all", state: known(nil), hasParent: true},
		{name: "another title", state: known(func(m *pageModel) { m.Title = typesString("Mine") }), hasParent: true, want: []string{"title"}},
		{name: "another parent", state: known(func(m *pageModel) { m.ParentID = typesString("4") }), hasParent: true, want: []string{"parent"}},
		{name: "a blog post has no parent", state: known(func(m *pageModel) { m.ParentID = typesString("") }), hasParent: false},
		{name: "another last modifier", state: known(func(m *pageModel) { m.LastModifiedBy = typesString("me") }), hasParent: true, want: []string{"last modifier"}},
		{name: "another time", state: known(func(m *pageModel) { m.LastModifiedAt = typesString("2026-11-29T12:00:01Z") }), hasParent: true, want: []string{"last change time"}},
		{name: "the URL is not a fact", state: known(func(m *pageModel) { m.URL = typesString("") }), hasParent: true},
		{name: "a forged state knows nothing", state: pageModel{}, hasParent: true, want: []string{"title", "parent", "last modifier", "last change time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unknownToState(tt.state, page, tt.hasParent)
			if len(got) != len(tt.want) {
				t.Fatalf("unknownToState = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("unknownToState = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// M3: a state forged with another page's current version read nothing of
// its body, but the refresh still took the page's title, URL, last modifier
// and labels from the space's index into the state, for pages get_page
// denies and pages outside the connection's scope alike. Now the index
// serves a page without a decision only when the state holds all of it
// already; the control (the account's own page) refreshes as before.
func TestAccPageRefresh_forgedCurrentVersionLearnsNothing(t *testing.T) {
	dirs := workingDirs(t)
	site := newTestSite(t)
	admin := newSeeder(t, site)
	admin.govern(botEmail, "docs-bot", map[policy.Operation]policy.Level{
		policy.GetPage: policy.Denied, policy.CreatePage: policy.Allowed, policy.UpdatePage: policy.Allowed, policy.DeletePage: policy.Allowed,
	}, "DOCS")
	secret := admin.page("DOCS", "Secret", "", "<p>do not read</p>", "classified")
	opsSecret := admin.page("OPS", "Ops secret", "", "<p>outside the scope</p>")
	current := func(id string) *confluence.Page {
		p, err := admin.client.GetPage(context.Background(), id, confluence.GetPageOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	config := site.providerBlock(botEmail, botToken, `connection = "docs-bot"`) + `
resource "confluence_page" "p" {
  space_key  = "DOCS"
  title      = "Mine"
  body       = "<p>mine</p>"
  labels     = ["mine"]
  on_destroy = "retain"
  lifecycle {
    ignore_changes = all
  }
}
`
	var mine map[string]any
	// forge points the state at page with everything it holds but what
	// edit changes, as an attacker who knows that much would write it.
	forge := func(page *confluence.Page, spaceKey string, edit func(a map[string]any)) func() {
		return func() {
			tamperState(t, dirs, "confluence_page", "p", func(a map[string]any) {
				a["id"], a["space_key"], a["title"], a["parent_id"], a["version"] = page.ID, spaceKey, page.Title, page.ParentID, page.Version.Number
				a["last_modified_by"], a["last_modified_at"] = page.Version.AuthorID, page.Version.CreatedAt.UTC().Format(time.RFC3339)
				a["labels"] = []any{"classified"}
				if edit != nil {
					edit(a)
				}
			})
		}
	}
	denied := func(id string) string {
		return `Operation Denied by Confluence Policy.*get_page on page id ` + id + ` in space (DOCS|OPS)`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					return nil
				},
			},
			{
				PreConfig: func() {
					tamperState(t, dirs, "confluence_page", "p", func(a map[string]any) {
						mine = map[string]any{}
						for k, v := range a {
							mine[k] = v
						}
					})
					s := current(secret.ID)
					// The current version, the state's own title: the index
					// used to bring in the page's title, URL and last modifier.
					forge(s, "DOCS", func(a map[string]any) {
						a["title"], a["last_modified_by"], a["last_modified_at"] = "Mine", mine["last_modified_by"], mine["last_modified_at"]
					})()
				},
				RefreshState: true,
				ExpectError:  wrappedError(denied(secret.ID)),
			},
			{
				// The right title, but not who changed the page last.
				PreConfig: func() {
					forge(current(secret.ID), "DOCS", func(a map[string]any) { a["last_modified_by"] = mine["last_modified_by"] })()
				},
				RefreshState: true,
				ExpectError:  wrappedError(denied(secret.ID)),
			},
			{
				// Everything but the labels: they are not the state's to learn.
				PreConfig: func() {
					forge(current(secret.ID), "DOCS", func(a map[string]any) { a["labels"] = []any{} })()
				},
				RefreshState: true,
				ExpectError:  wrappedError(denied(secret.ID)),
			},
			{
				// A page outside the connection's scope, with its own space in the state.
				PreConfig: func() {
					forge(current(opsSecret.ID), "OPS", func(a map[string]any) {
						a["title"], a["labels"] = "Mine", []any{"mine"}
					})()
				},
				RefreshState: true,
				ExpectError:  wrappedError(denied(opsSecret.ID)),
			},
			{
				// The residual: a state that already holds all of it refreshes,
				// and learns nothing it did not write itself (see unknownToState).
				PreConfig:    forge(current(secret.ID), "DOCS", nil),
				RefreshState: true,
			},
			{
				// The control: the account's own page refreshes as before.
				PreConfig: func() {
					tamperState(t, dirs, "confluence_page", "p", func(a map[string]any) {
						for k, v := range mine {
							a[k] = v
						}
					})
				},
				RefreshState: true,
			},
		},
	})
}

func typesString(s string) types.String { return types.StringValue(s) }
