// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"slices"
	"testing"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// differences tells an update Confluence saved as sent from one it took
// as a restore of a trashed page (old title and content kept) or changed.
func TestPageChangeDifferences(t *testing.T) {
	change := pageChange{title: "Runbook", parentID: "100", content: changeTestContent(t, "<p>Two</p>")}.of(pageKind)
	saved := func(edit func(*confluence.Page)) *confluence.Page {
		p := &confluence.Page{ID: "65601", Title: "Runbook", ParentID: "100", Status: "current", Body: "<p>Two</p>", HasBody: true}
		if edit != nil {
			edit(p)
		}
		return p
	}
	tests := []struct {
		name string
		page *confluence.Page
		want []string
	}{
		{"saved as sent", saved(nil), nil},
		{"saved in Confluence's own form", saved(func(p *confluence.Page) { p.Body = "<p>\n  Two\n</p>" }), nil},
		{"restored: old content", saved(func(p *confluence.Page) { p.Body = "<p>One</p>" }), []string{"content"}},
		{"restored: old title and content", saved(func(p *confluence.Page) { p.Body, p.Title = "<p>One</p>", "Old" }), []string{"content", "title"}},
		{"moved elsewhere", saved(func(p *confluence.Page) { p.ParentID = "200" }), []string{"parent"}},
		{"no parent in the answer", saved(func(p *confluence.Page) { p.ParentID = "" }), nil},
		{"no body in the answer", saved(func(p *confluence.Page) { p.Body, p.HasBody = "", false }), []string{"content"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := change.differences(tt.page); !slices.Equal(got, tt.want) {
				t.Errorf("differences = %v, want %v", got, tt.want)
			}
		})
	}
}
