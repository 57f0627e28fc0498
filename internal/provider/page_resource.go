// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var (
	_ resource.ResourceWithConfigure        = &PageResource{}
	_ resource.ResourceWithImportState      = &PageResource{}
	_ resource.ResourceWithModifyPlan       = &PageResource{}
	_ resource.ResourceWithConfigValidators = &PageResource{}
)

// Delete modes of a page.
const (
	onDestroyTrash  = "trash"
	onDestroyPurge  = "purge"
	onDestroyRetain = "retain"
)

// NewPageResource is the confluence_page resource factory.
func NewPageResource() resource.Resource { return &PageResource{kindValue: pageKind} }

// PageResource manages one Confluence page, or with blogPostKind one blog
// post (confluence_blog_post): the same code for both kinds.
type PageResource struct {
	data      *providerData
	kindValue contentKind // the zero value is a page
}

// kind is the content kind the resource manages.
func (r *PageResource) kind() contentKind {
	if r.kindValue.noun == "" {
		return pageKind
	}
	return r.kindValue
}

func (r *PageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind().typeName
}

func (r *PageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.kind().schema()
}

func pageResourceSchema() schema.Schema {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		MarkdownDescription: "A Confluence page managed as code, from storage-format XHTML (`body`) or Markdown (`markdown`). " +
			"Edits made in Confluence by people are detected and shown in the plan, never silently overwritten; " +
			"every change is checked against the operation policy at plan time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Page id.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space the page lives in, e.g. `DOCS`. Changing it creates a new page (Confluence cannot move pages between spaces through the API) and deletes the old one per `on_destroy`.",
				Required:            true,
				Validators:          []validator.String{validators.SpaceKey()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Page title, unique within the space (trashed pages included), 1 to 255 characters.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(titlePattern, "must not start or end with white space"),
					stringvalidator.RegexMatches(noControlCharacters, "must not contain control characters (such as NUL, BEL, tab or line breaks)"),
				},
			},
			"parent_id": schema.StringAttribute{
				MarkdownDescription: "Id of the parent page in the same space. Changing it moves the page. When omitted the page sits under the space homepage.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(pageIDPattern, "must be a page id (digits)")},
			},
			"body": schema.StringAttribute{
				MarkdownDescription: "Page content in Confluence storage format (XHTML). Validated at plan time. Exactly one of `body` and `markdown`. " +
					"When someone edits the page in Confluence, refresh puts their content here, canonicalised one block per line, so the plan shows what the apply would replace.",
				Optional:   true,
				Validators: []validator.String{validators.StorageFormat()},
			},
			"markdown": schema.StringAttribute{
				MarkdownDescription: "Page content in Markdown (CommonMark with GitHub tables, task lists, strikethrough, footnotes and definition lists; fenced code becomes the code macro; " +
					"GitHub alerts and MkDocs admonitions become panels; front matter is left out; well-formed raw HTML is kept). Exactly one of `body` and `markdown`. " +
					"Edits that render to the same storage format change nothing. What renders and what does not is listed below.",
				Optional: true,
			},
			"source_path": schema.StringAttribute{
				MarkdownDescription: "Path of the Markdown file in its docs tree, slash-separated, in the same form as the keys of `links` (e.g. `guide/install.md`). " +
					"Relative links and images in `markdown` are resolved against its directory. Only with `markdown`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"links": schema.MapAttribute{
				MarkdownDescription: "Titles of the pages a docs tree publishes, by source path (the same form as `source_path`). A relative link in `markdown` to one of them becomes a Confluence page link by title " +
					"(so pages may link to each other both ways without a dependency cycle), also when it is written relative to the page's URL as MkDocs, Hugo and Jekyll serve it " +
					"(`../install` from `guide/get-started.md` reaches `guide/install.md`); a link to a file not in the map keeps its text, or links to the file's source with " +
					"`source_url_template`, and the plan warns naming the page and the line (except for a file that is not Markdown linked to its source). " +
					"When omitted, relative links stay plain links. Only with `markdown`.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"source_url_template": schema.StringAttribute{
				MarkdownDescription: "Where a relative link in `markdown` to a file not in `links` goes (`LICENSE`, `main.go#L10`, a folder), as on GitHub: " +
					"the URL of the file's source, `{path}` replaced by the target's path in the same form as `source_path` (so the template of the `docs-tree` " +
					"module and `confluence_docs_tree`, e.g. `https://github.com/acme/handbook/blob/main/docs/{path}`, fits as it is). The link's `?query` and " +
					"`#fragment` (GitHub's `#L10` line anchors included) are kept. A target above the root (`../../LICENSE` from `guide/install.md`) climbs " +
					"the folders of the template's URL before `{path}` (here to `blob/main/LICENSE`), as GitHub resolves it; one that would climb above the " +
					"host or a forge's `blob/<branch>` (`tree`, `raw`, `src`) keeps only its text, with a plan warning. A link to a Markdown file inside the " +
					"root links to its source too, with a plan warning (it may be a typo, or a file left out of the tree). When omitted, such links keep only their text, with a plan warning. " +
					"Must be an `http://` or `https://` URL containing `{path}`. Only with `markdown`, and only matters with `links`.",
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(sourceURLPlaceholder,
					"must be an http:// or https:// URL containing {path}, e.g. https://github.com/acme/handbook/blob/main/docs/{path}")},
			},
			"drop_title_heading": schema.BoolAttribute{
				MarkdownDescription: "Leave out the first level-1 heading of `markdown` when its text is the page's `title` (it would repeat the title Confluence already shows). Only with `markdown`.",
				Optional:            true,
			},
			"table_of_contents": schema.BoolAttribute{
				MarkdownDescription: "Put Confluence's table of contents macro at the top of the page, unless the Markdown places it itself with a `[TOC]` paragraph. Only with `markdown`.",
				Optional:            true,
			},
			"labels": schema.SetAttribute{
				MarkdownDescription: "Labels of the page, lowercase, without spaces. When set, labels are read back on every refresh and changed with the fewest additions and removals; labels added by people show as drift. When omitted, labels are not managed.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(validators.LabelName())},
			},
			"version_message": schema.StringAttribute{
				MarkdownDescription: "Message stored with the page version Terraform writes, followed by the provider's `change_reference` and the policy decision (`<message> | ref <change reference> | policy <decision> | via Terraform`). It may not contain `|`, which separates those parts; a message starting with `ref ` is written as `ref: …`, so it is never read as the change reference. Changing only this attribute writes nothing.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtMost(500), validators.VersionMessage()},
			},
			"on_destroy": schema.StringAttribute{
				MarkdownDescription: "What destroying the resource does to the page: `trash` (default; restorable from the space's trash), `purge` (trash, then delete permanently; needs space admin) or `retain` (leave the page and only forget it).",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(onDestroyTrash),
				Validators:          []validator.String{stringvalidator.OneOf(onDestroyTrash, onDestroyPurge, onDestroyRetain)},
			},
			"version": schema.Int64Attribute{
				MarkdownDescription: "Version number of the page as Terraform last saw it. An update sends this plus one; if the page moved on in the meantime Confluence refuses it and nothing is overwritten.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Web address of the page (it contains the title, so it changes with it).",
				Computed:            true,
			},
			"last_modified_at": schema.StringAttribute{
				MarkdownDescription: "When the current version was saved (RFC 3339).",
				Computed:            true,
			},
			"last_modified_by": schema.StringAttribute{
				MarkdownDescription: "Account id of whoever saved the current version.",
				Computed:            true,
			},
			"body_hash": schema.StringAttribute{
				MarkdownDescription: "SHA-256 of the canonical storage format of the content Terraform wrote (`sha256:` followed by hex). Used to tell a person's edit from Confluence's own rewriting of the XHTML.",
				Computed:            true,
			},
			"policy_decision": schema.StringAttribute{
				MarkdownDescription: "Policy decision for the planned change: `allowed`, `allowed_with_confirmation` or `unmanaged` (no connection record governs the account). Denied changes fail the plan.",
				Computed:            true,
			},
			"confirmation_code": schema.StringAttribute{
				MarkdownDescription: "Confirmation code of the planned change when the decision is `allowed_with_confirmation`, bound to the exact change; the apply needs it granted in `CONFLUENCE_CONFIRMATIONS` (or, under a policy naming approvers, approved by them). Empty otherwise.",
				Computed:            true,
			},
		},
	}
}

// markdownOnlyAttributes only apply to a page rendered from Markdown.
var markdownOnlyAttributes = []string{"source_path", "links", "source_url_template", "drop_title_heading", "table_of_contents"}

func (r *PageResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	validators := []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("body"), path.MatchRoot("markdown"))}
	for _, name := range markdownOnlyAttributes {
		validators = append(validators, resourcevalidator.Conflicting(path.MatchRoot("body"), path.MatchRoot(name)))
	}
	return []resource.ConfigValidator{screenedValidators{clear: pageContentClear, validators: validators}}
}

// pageContentClear: markdown alone, or body alone without a Markdown-only
// attribute.
func pageContentClear(attrs map[string]tftypes.Value) bool {
	if isSet(attrs, "markdown") && isUnset(attrs, "body") {
		return true
	}
	if !isSet(attrs, "body") || !isUnset(attrs, "markdown") {
		return false
	}
	for _, name := range markdownOnlyAttributes {
		if !isUnset(attrs, name) {
			return false
		}
	}
	return true
}

func (r *PageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *PageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !pageIDPattern.MatchString(req.ID) {
		k := r.kind()
		resp.Diagnostics.AddError("Invalid "+k.title+" Id", fmt.Sprintf("%q is not a Confluence %s id. Import a %s by its numeric id, e.g. terraform import %s.example 65601 (the id is in the %s's URL).", req.ID, k.noun, k.noun, k.resourceType(), k.noun))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
