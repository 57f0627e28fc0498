// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// A page's confirmation code is what it always was; a blog post with the
// same title and content gets another, so neither unlocks the other.
func TestContentKindBindsCodesToTheKind(t *testing.T) {
	plan := pageModel{SpaceKey: types.StringValue("DOCS"), Title: types.StringValue("Release 1.0"), Labels: labelSet(), VersionMessage: types.StringNull()}
	content := changeTestContent(t, changeTestBody)
	page := newPageChange(plan, nil, content)
	for _, tc := range []struct {
		name           string
		change         pageChange
		samePageCode   bool
		wantNounInText string
	}{
		{"zero kind is a page", page, true, `on page "Release 1.0"`},
		{"page kind", page.of(pageKind), true, `on page "Release 1.0"`},
		{"blog post", page.of(blogPostKind), false, `on blog post "Release 1.0"`},
		{"blog post delete", newDeleteChange(pageModel{ID: types.StringValue("7"), SpaceKey: types.StringValue("DOCS"), Title: types.StringValue("Release 1.0"), Version: types.Int64Value(3)}).of(blogPostKind), false, `on blog post "Release 1.0" (id 7)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.change.policyRequest()
			if got := req.Content == page.policyRequest().Content; got != tc.samePageCode {
				t.Errorf("bound content %q; same as the page's: %v, want %v", req.Content, got, tc.samePageCode)
			}
			if !strings.Contains(req.Subject(), tc.wantNounInText) {
				t.Errorf("subject %q does not contain %q", req.Subject(), tc.wantNounInText)
			}
		})
	}
	pageCode := policy.ConfirmationCode(policy.CreatePage, "ci", "DOCS", "Release 1.0", page.policyRequest().Content)
	blogCode := policy.ConfirmationCode(policy.CreatePage, "ci", "DOCS", "Release 1.0", page.of(blogPostKind).policyRequest().Content)
	if pageCode == blogCode {
		t.Errorf("a page and a blog post with the same title and content share the code %s", pageCode)
	}
}

// Values of a kind without parent_id go through the page model and back
// unchanged.
func TestContentKindEncodeDecodeRoundTrip(t *testing.T) {
	ctx := context.Background()
	// Every attribute null first, so the test holds as the page schema grows.
	objectType, _ := pageResourceSchema().Type().TerraformType(ctx).(tftypes.Object)
	nulls := map[string]tftypes.Value{}
	for name, t := range objectType.AttributeTypes {
		nulls[name] = tftypes.NewValue(t, nil)
	}
	var m pageModel
	if diags := pageKind.decode(ctx, tftypes.NewValue(objectType, nulls), &m); diags.HasError() {
		t.Fatalf("decoding nulls: %v", diags)
	}
	m.ID, m.SpaceKey, m.Title, m.ParentID = types.StringValue("7"), types.StringValue("DOCS"), types.StringValue("News"), types.StringValue("ignored")
	m.Markdown, m.Labels, m.OnDestroy, m.Version = types.StringValue("# Hi"), labelSet("a", "b"), types.StringValue("trash"), types.Int64Value(2)
	m.URL, m.LastModifiedAt, m.LastModifiedBy = types.StringUnknown(), types.StringValue(time.Unix(0, 0).UTC().Format(time.RFC3339)), types.StringValue("acc")
	m.BodyHash, m.PolicyDecision, m.ConfirmationCode = types.StringValue("sha256:x"), types.StringValue("allowed"), types.StringValue("")
	for _, k := range []contentKind{pageKind, blogPostKind} {
		raw, diags := k.encode(ctx, m)
		if diags.HasError() {
			t.Fatalf("%s: encode: %v", k.noun, diags)
		}
		if !raw.Type().Equal(k.schema().Type().TerraformType(ctx)) {
			t.Fatalf("%s: encoded type %s is not the schema's", k.noun, raw.Type())
		}
		var back pageModel
		if diags := k.decode(ctx, raw, &back); diags.HasError() {
			t.Fatalf("%s: decode: %v", k.noun, diags)
		}
		want := m
		if !k.hasParent() {
			want.ParentID = types.StringNull()
		}
		if !modelsEqual(back, want) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", k.noun, back, want)
		}
	}
	if _, ok := blogPostKind.schema().Attributes["parent_id"]; ok {
		t.Error("the blog post schema has parent_id")
	}
	for name, a := range blogPostKind.schema().Attributes {
		_, deliberate := blogPostDescriptions[name] // written for blog posts, may mention pages
		if d := a.GetMarkdownDescription(); d == "" || strings.Contains(d, "page") && !deliberate {
			t.Errorf("blog post attribute %s is described as a page: %q", name, d)
		}
	}
}

// modelsEqual compares every attribute of two models.
func modelsEqual(a, b pageModel) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		x, xok := va.Field(i).Interface().(attr.Value)
		y, yok := vb.Field(i).Interface().(attr.Value)
		if !xok || !yok || !x.Equal(y) {
			return false
		}
	}
	return true
}

func TestLatestCreated(t *testing.T) {
	day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	found := []confluence.Page{{ID: "1", CreatedAt: day}, {ID: "3", CreatedAt: day.Add(48 * time.Hour)}, {ID: "2", CreatedAt: day.Add(24 * time.Hour)}}
	if got := latestCreated(found); got.ID != "3" {
		t.Errorf("latestCreated = %s, want 3", got.ID)
	}
}

func TestContentKindMessages(t *testing.T) {
	for _, tc := range []struct {
		k             contentKind
		summary, text string
	}{
		{pageKind, "Page Changed Since the Plan", "Page 7 is in the trash; the create_page policy restores pages (page 7)."},
		{blogPostKind, "Blog Post Changed Since the Plan", "Blog post 7 is in the trash; the create_page policy restores blog posts (blog post 7)."},
	} {
		if got := tc.k.summary("Page Changed Since the Plan"); got != tc.summary {
			t.Errorf("%s summary = %q, want %q", tc.k.noun, got, tc.summary)
		}
		if got := tc.k.text("Page 7 is in the trash; the create_page policy restores pages (page 7)."); got != tc.text {
			t.Errorf("%s text = %q, want %q", tc.k.noun, got, tc.text)
		}
	}
}
