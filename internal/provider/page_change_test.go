// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// These tests cover the page resource's rules without Terraform: each case
// builds the planned values and the prior state a plan would see.

const changeTestBody = "<p>Hello <b>world</b></p>"

func changeTestContent(t *testing.T, body string) pageContent {
	t.Helper()
	c, err := renderContent(pageModel{Body: types.StringValue(body), Markdown: types.StringNull()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func labelSet(names ...string) types.Set {
	if names == nil {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(names))
	for i, n := range names {
		elems[i] = types.StringValue(n)
	}
	return types.SetValueMust(types.StringType, elems)
}

// changeTestState is a page Terraform wrote as version 3 from changeTestBody.
func changeTestState(t *testing.T) pageModel {
	t.Helper()
	return pageModel{
		ID: types.StringValue("65601"), SpaceKey: types.StringValue("DOCS"), Title: types.StringValue("Runbook"),
		ParentID: types.StringValue("100"), Body: types.StringValue(changeTestBody), Markdown: types.StringNull(),
		SourcePath: types.StringNull(), Links: types.MapNull(types.StringType), DropTitleHeading: types.BoolNull(), TableOfContents: types.BoolNull(),
		Labels: labelSet("ops", "runbook"), VersionMessage: types.StringNull(), OnDestroy: types.StringValue("trash"),
		Version: types.Int64Value(3), URL: types.StringValue("https://x/wiki/spaces/DOCS/pages/65601/Runbook"),
		LastModifiedAt: types.StringValue("2026-11-01T10:00:00Z"), LastModifiedBy: types.StringValue("557058:bot"),
		BodyHash: types.StringValue(changeTestContent(t, changeTestBody).hash), PolicyDecision: types.StringValue("allowed"),
		ConfirmationCode: types.StringValue(""),
	}
}

func TestPageChangeRules(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(plan, state *pageModel) // from "nothing changed"
		create bool
		// want
		reaches, writesPage, known bool
		add, remove                []string
		version                    types.Int64
	}{
		{name: "nothing changed", reaches: false, known: true, version: types.Int64Value(3)},
		{name: "form-only edit of the body", edit: func(p, _ *pageModel) { p.Body = types.StringValue("<p>Hello <strong>world</strong></p>") },
			reaches: false, known: true, version: types.Int64Value(3)},
		{name: "content changed", edit: func(p, _ *pageModel) { p.Body = types.StringValue("<p>Bye</p>") },
			reaches: true, writesPage: true, known: true, version: types.Int64Value(4)},
		{name: "title only", edit: func(p, _ *pageModel) { p.Title = types.StringValue("Runbook v2") },
			reaches: true, writesPage: true, known: true, version: types.Int64Value(4)},
		{name: "parent only", edit: func(p, _ *pageModel) { p.ParentID = types.StringValue("200") },
			reaches: true, writesPage: true, known: true, version: types.Int64Value(4)},
		{name: "labels only", edit: func(p, _ *pageModel) { p.Labels = labelSet("ops", "prod") },
			reaches: true, known: true, add: []string{"prod"}, remove: []string{"runbook"}, version: types.Int64Value(3)},
		{name: "labels no longer managed", edit: func(p, _ *pageModel) { p.Labels = labelSet() },
			reaches: false, known: true, version: types.Int64Value(3)},
		{name: "version message only", edit: func(p, _ *pageModel) { p.VersionMessage = types.StringValue("why") },
			reaches: false, known: true, version: types.Int64Value(3)},
		{name: "drift: state holds a person's edit", edit: func(p, s *pageModel) { s.Body = types.StringValue("<p>their text</p>") },
			reaches: true, writesPage: true, known: true, version: types.Int64Value(4)},
		{name: "drift: configuration repeats the person's edit in another form", edit: func(p, s *pageModel) {
			s.Body = types.StringValue("<p>their <strong>text</strong></p>")
			p.Body = types.StringValue("<p>their <b>text</b></p>")
		}, reaches: false, known: true, version: types.Int64Value(3)},
		{name: "drift: configuration repeats the person's edit as it is", edit: func(p, s *pageModel) {
			s.Body = types.StringValue("<p>their text</p>")
			p.Body = s.Body
		}, reaches: false, known: true, version: types.Int64Value(3)},
		{name: "drift: configuration replaces the person's edit with new text", edit: func(p, s *pageModel) {
			s.Body = types.StringValue("<p>their text</p>")
			p.Body = types.StringValue("<p>new text</p>")
		}, reaches: true, writesPage: true, known: true, version: types.Int64Value(4)},
		{name: "drift: state body does not parse", edit: func(p, s *pageModel) {
			s.Body = types.StringValue("<p>their <b>text</p>")
			p.Body = types.StringValue("<p>their text</p>")
		}, reaches: true, writesPage: true, known: true, version: types.Int64Value(4)},
		{name: "unknown content", edit: func(p, _ *pageModel) { p.Body = types.StringUnknown() },
			reaches: true, known: false, version: types.Int64Unknown()},
		{name: "unknown label", edit: func(p, _ *pageModel) {
			p.Labels = types.SetValueMust(types.StringType, []attr.Value{types.StringUnknown()})
		}, reaches: true, known: false, version: types.Int64Unknown()},
		{name: "unknown parent", edit: func(p, _ *pageModel) { p.ParentID = types.StringUnknown() },
			reaches: true, known: false, version: types.Int64Unknown()},
		{name: "create", create: true, reaches: true, writesPage: true, known: true, add: []string{"ops", "runbook"}, version: types.Int64Value(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := changeTestState(t)
			plan := state
			if tt.edit != nil {
				tt.edit(&plan, &state)
			}
			content := changeTestContent(t, changeTestBody)
			if plan.Body.IsUnknown() {
				content = pageContent{}
			} else if plan.Body.ValueString() != changeTestBody {
				content = changeTestContent(t, plan.Body.ValueString())
			}
			prior := &state
			if tt.create {
				prior = nil
			}
			c := newPageChange(plan, prior, content)
			if c.reachesConfluence() != tt.reaches || c.writesPage != tt.writesPage || c.known != tt.known {
				t.Errorf("reaches=%t writesPage=%t known=%t, want %t %t %t", c.reachesConfluence(), c.writesPage, c.known, tt.reaches, tt.writesPage, tt.known)
			}
			if !slices.Equal(c.labels.add, tt.add) || !slices.Equal(c.labels.remove, tt.remove) {
				t.Errorf("labels +%v -%v, want +%v -%v", c.labels.add, c.labels.remove, tt.add, tt.remove)
			}
			planned := c.planComputed(plan, prior)
			if !planned.Version.Equal(tt.version) {
				t.Errorf("planned version %s, want %s", planned.Version, tt.version)
			}
			if !tt.create && !tt.reaches && (!planned.PolicyDecision.Equal(state.PolicyDecision) || !planned.LastModifiedAt.Equal(state.LastModifiedAt)) {
				t.Errorf("a change that sends nothing must keep the last decision and modification: %s %s", planned.PolicyDecision, planned.LastModifiedAt)
			}
			if tt.writesPage && !tt.create && !planned.LastModifiedBy.IsUnknown() {
				t.Errorf("a page write must plan last_modified_by as unknown, got %s", planned.LastModifiedBy)
			}
			if !tt.known && (!planned.PolicyDecision.IsUnknown() || !planned.ConfirmationCode.IsUnknown()) {
				t.Errorf("an update not fully known must plan the decision as unknown")
			}
		})
	}
}

func TestPageChangeURLFollowsTheTitle(t *testing.T) {
	state := changeTestState(t)
	plan := state
	plan.Title = types.StringValue("New title")
	c := newPageChange(plan, &state, changeTestContent(t, changeTestBody))
	if got := c.planComputed(plan, &state).URL; !got.IsUnknown() {
		t.Errorf("a new title changes the URL; planned %s", got)
	}
	plan.Title = state.Title
	if got := newPageChange(plan, &state, changeTestContent(t, changeTestBody)).planComputed(plan, &state).URL; !got.Equal(state.URL) {
		t.Errorf("same title keeps the URL; planned %s", got)
	}
}

// The confirmation code is bound to everything the change writes, and to
// nothing it does not.
func TestPageChangeBoundContent(t *testing.T) {
	state := changeTestState(t)
	base := newPageChange(state, &state, changeTestContent(t, changeTestBody)).boundContent()
	variants := map[string]func(p *pageModel){
		"title":  func(p *pageModel) { p.Title = types.StringValue("Other") },
		"parent": func(p *pageModel) { p.ParentID = types.StringValue("999") },
		"labels": func(p *pageModel) { p.Labels = labelSet("ops") },
		"body":   func(p *pageModel) { p.Body = types.StringValue("<p>other</p>") },
		// An old code must not replay over a person's edit, and the history
		// must say what the approver saw.
		"base version":    func(p *pageModel) {},
		"version message": func(p *pageModel) { p.VersionMessage = types.StringValue("approved text") },
	}
	for name, edit := range variants {
		plan, prior := state, state
		edit(&plan)
		if name == "base version" {
			prior.Version = types.Int64Value(4)
		}
		got := newPageChange(plan, &prior, changeTestContent(t, plan.Body.ValueString())).boundContent()
		if got == base {
			t.Errorf("changing the %s must change what the code is bound to", name)
		}
	}
	plan := state
	plan.Body = types.StringValue("<p>Hello <strong>world</strong></p>")
	if got := newPageChange(plan, &state, changeTestContent(t, plan.Body.ValueString())).boundContent(); got != base {
		t.Errorf("an equivalent body must be bound to the same content:\n%s\n%s", got, base)
	}
	plan = state
	plan.Labels = labelSet()
	if got := newPageChange(plan, &state, changeTestContent(t, changeTestBody)).boundContent(); !strings.Contains(got, "\nlabels=unmanaged\n") {
		t.Errorf("unmanaged labels: %s", got)
	}
	if got := newDeleteChange(state).boundContent(); got != "base=3" {
		t.Errorf("a delete is bound to the page and the version it deletes, got %q", got)
	}
	plan.Body = types.StringUnknown()
	if got := newPageChange(plan, &state, pageContent{}).boundContent(); got != "unknown" {
		t.Errorf("unknown content: %q", got)
	}
}

func TestPageChangePolicyRequest(t *testing.T) {
	state := changeTestState(t)
	tests := []struct {
		name string
		c    pageChange
		want policy.Request
	}{
		{"create", newPageChange(state, nil, changeTestContent(t, changeTestBody)), policy.Request{Operation: policy.CreatePage, SpaceKey: "DOCS", PageTitle: "Runbook"}},
		{"update", newPageChange(state, &state, changeTestContent(t, changeTestBody)), policy.Request{Operation: policy.UpdatePage, SpaceKey: "DOCS", PageID: "65601", PageTitle: "Runbook"}},
		{"delete", newDeleteChange(state), policy.Request{Operation: policy.DeletePage, SpaceKey: "DOCS", PageID: "65601", PageTitle: "Runbook"}},
	}
	for _, tt := range tests {
		got := tt.c.policyRequest()
		got.Content = ""
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestPageChangePlanDecision(t *testing.T) {
	state := changeTestState(t)
	res := policy.Result{Decision: policy.DecisionAllowedWithConfirmation, ConfirmationCode: "update_page-abc"}
	known := newPageChange(state, &state, changeTestContent(t, "<p>new</p>"))
	if p := known.planDecision(state, res); p.PolicyDecision.ValueString() != "allowed_with_confirmation" || p.ConfirmationCode.ValueString() != "update_page-abc" {
		t.Errorf("known change: %s %s", p.PolicyDecision, p.ConfirmationCode)
	}
	plan := state
	plan.Body = types.StringUnknown()
	create := newPageChange(plan, nil, pageContent{})
	p := create.planDecision(plan, res)
	if p.PolicyDecision.ValueString() != "allowed_with_confirmation" || !p.ConfirmationCode.IsUnknown() {
		t.Errorf("create not fully known: decision %s code %s", p.PolicyDecision, p.ConfirmationCode)
	}
	update := newPageChange(plan, &state, pageContent{})
	plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
	if p := update.planDecision(plan, res); !p.PolicyDecision.IsUnknown() {
		t.Errorf("update not fully known keeps the decision unknown, got %s", p.PolicyDecision)
	}
}

func TestKeepEquivalentForm(t *testing.T) {
	state := changeTestState(t)
	config := state
	config.Body = types.StringValue("<p>Hello <strong>world</strong></p>")
	plan := keepEquivalentForm(config, config, state, changeTestContent(t, config.Body.ValueString()))
	if !plan.Body.Equal(state.Body) {
		t.Errorf("an equivalent body keeps the prior text, planned %s", plan.Body)
	}
	config.Body = types.StringValue("<p>Other</p>")
	plan = keepEquivalentForm(config, config, state, changeTestContent(t, config.Body.ValueString()))
	if !plan.Body.Equal(config.Body) {
		t.Errorf("a different body is planned as configured, planned %s", plan.Body)
	}

	md := state
	md.Body, md.Markdown = types.StringNull(), types.StringValue("# Title\n\nText")
	rendered, err := renderContent(md)
	if err != nil {
		t.Fatal(err)
	}
	md.BodyHash = types.StringValue(rendered.hash)
	mdConfig := md
	mdConfig.Markdown = types.StringValue("Title\n=====\n\nText\n")
	again, err := renderContent(mdConfig)
	if err != nil {
		t.Fatal(err)
	}
	if p := keepEquivalentForm(mdConfig, mdConfig, md, again); !p.Markdown.Equal(md.Markdown) {
		t.Errorf("Markdown rendering the same keeps the prior text, planned %s", p.Markdown)
	}
}

func TestRenderContentCanonicalisesOnce(t *testing.T) {
	c := changeTestContent(t, "<p>a<b>b</b></p>")
	if c.send != "<p>a<b>b</b></p>" {
		t.Errorf("the configured body is sent as written, got %q", c.send)
	}
	want, err := storage.Hash("<p>a<b>b</b></p>")
	if err != nil || c.hash != want {
		t.Errorf("hash %s, want %s (%v)", c.hash, want, err)
	}
	md, err := renderContent(pageModel{Body: types.StringNull(), Markdown: types.StringValue("**x**")})
	if err != nil || md.send != md.canonical.String() {
		t.Errorf("rendered Markdown is sent in canonical form: %q vs %q (%v)", md.send, md.canonical, err)
	}
	if _, err := renderContent(pageModel{Body: types.StringValue("<p>"), Markdown: types.StringNull()}); err == nil {
		t.Error("malformed storage must fail")
	}
}

func TestVersionMessageSaysEachThingOnce(t *testing.T) {
	res := policy.Result{Decision: policy.DecisionAllowedWithConfirmation, ConfirmationCode: "update_page-1", Connection: "docs-bot"}
	got := versionMessage("  Fix typo ", "abc123", res)
	want := "Fix typo | ref abc123 | policy allowed_with_confirmation (update_page-1) as docs-bot | via Terraform"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := versionMessage("", "", policy.Result{Decision: policy.DecisionUnmanaged}); got != "policy unmanaged | via Terraform" {
		t.Errorf("got %q", got)
	}
}

func TestAuditRecordFor(t *testing.T) {
	state := changeTestState(t)
	c := newPageChange(state, &state, changeTestContent(t, "<p>x</p>"))
	at := time.Date(2026, 11, 29, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	rec := c.auditRecordFor(4, "557058:bot", policy.Result{Decision: policy.DecisionAllowed, Connection: "docs-bot"}, "ref", "msg", at)
	if rec.Operation != "update_page" || rec.Version != 4 || rec.BodyHash != c.content.hash || rec.At != "2026-11-29T11:00:00Z" || rec.Connection != "docs-bot" {
		t.Errorf("record %+v", rec)
	}
}

// body_hash is the content Terraform last wrote: a configuration that
// repeats a person's edit writes nothing, so body_hash stays (the state's
// body and version say what Confluence holds); a write, or a plan whose body
// no longer holds their text, takes the content's hash.
func TestPageChangeBodyHashAfter(t *testing.T) {
	written := changeTestContent(t, changeTestBody).hash
	theirs := "<p>their <strong>text</strong></p>"
	tests := []struct {
		name        string
		state, plan string // bodies
		want        string // "written" or "content"
	}{
		{"nothing changed", changeTestBody, changeTestBody, "written"},
		{"the person's edit repeated in another form", theirs, theirs /* kept by keepEquivalentForm */, "written"},
		{"the person's edit replaced", theirs, "<p>new</p>", "content"},
		{"a plain content change", changeTestBody, "<p>new</p>", "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := changeTestState(t)
			state.Body = types.StringValue(tt.state)
			plan := state
			plan.Body = types.StringValue(tt.plan)
			content := changeTestContent(t, tt.plan)
			c := newPageChange(plan, &state, content)
			want := written
			if tt.want == "content" {
				want = content.hash
			}
			if got := c.bodyHashAfter(plan, state).ValueString(); got != want {
				t.Errorf("body_hash %s, want %s (%s)", got, want, tt.want)
			}
			if got := c.planComputed(plan, &state).BodyHash.ValueString(); got != want {
				t.Errorf("planned body_hash %s, want %s (%s)", got, want, tt.want)
			}
		})
	}
}
