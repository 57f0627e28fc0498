// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	tfpath "github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/docstree"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// pageModel maps confluence_page.
type pageModel struct {
	ID               types.String `tfsdk:"id"`
	SpaceKey         types.String `tfsdk:"space_key"`
	Title            types.String `tfsdk:"title"`
	ParentID         types.String `tfsdk:"parent_id"`
	Body             types.String `tfsdk:"body"`
	Markdown         types.String `tfsdk:"markdown"`
	SourcePath       types.String `tfsdk:"source_path"`
	Links            types.Map    `tfsdk:"links"`
	SourceTemplate   types.String `tfsdk:"source_url_template"`
	DropTitleHeading types.Bool   `tfsdk:"drop_title_heading"`
	TableOfContents  types.Bool   `tfsdk:"table_of_contents"`
	Labels           types.Set    `tfsdk:"labels"`
	VersionMessage   types.String `tfsdk:"version_message"`
	OnDestroy        types.String `tfsdk:"on_destroy"`
	Version          types.Int64  `tfsdk:"version"`
	URL              types.String `tfsdk:"url"`
	LastModifiedAt   types.String `tfsdk:"last_modified_at"`
	LastModifiedBy   types.String `tfsdk:"last_modified_by"`
	BodyHash         types.String `tfsdk:"body_hash"`
	PolicyDecision   types.String `tfsdk:"policy_decision"`
	ConfirmationCode types.String `tfsdk:"confirmation_code"`
}

// pageContent is what a configuration asks to be written, rendered once:
// the text sent to Confluence and its canonical form and hash.
type pageContent struct {
	// known is false while body or markdown is unknown at plan time.
	known bool
	// send is the storage format sent: the configured body as written, or
	// the Markdown rendered (already canonical).
	send string
	// canonical is send in canonical form; hash is canonical.Hash().
	canonical storage.Canonical
	hash      string
	// warnings are what the Markdown did not render as its author meant
	// (unresolved links, HTML that cannot be stored), by line.
	warnings []storage.MarkdownWarning
}

// renderContent renders the content of m: body canonicalised once, or
// Markdown rendered once (the renderer's output is canonical) with the docs
// tree options. known is false while anything it depends on is unknown.
func renderContent(m pageModel) (pageContent, error) {
	switch {
	case m.Body.IsUnknown() || m.Markdown.IsUnknown():
		return pageContent{}, nil
	case !m.Body.IsNull():
		canonical, err := storage.CanonicalOf(m.Body.ValueString())
		if err != nil {
			return pageContent{}, err
		}
		return pageContent{known: true, send: m.Body.ValueString(), canonical: canonical, hash: canonical.Hash()}, nil
	}
	opts, known := markdownOptions(m)
	if !known {
		return pageContent{}, nil
	}
	rendered, err := storage.RenderMarkdown(m.Markdown.ValueString(), opts)
	if err != nil {
		return pageContent{}, fmt.Errorf("rendering markdown: %w", err)
	}
	canonical := storage.Canonical(rendered.Storage)
	// A docs tree page's lines as its author sees them: without the Managed
	// in Git panel the docs tree put at the top.
	warnings := docstree.SourceLines(m.Markdown.ValueString(), rendered.Warnings)
	return pageContent{known: true, send: rendered.Storage, canonical: canonical, hash: canonical.Hash(), warnings: warnings}, nil
}

// markdownOptions are the docs-tree options of m; known is false while any
// of them (or the title drop_title_heading compares with) is unknown.
func markdownOptions(m pageModel) (storage.MarkdownOptions, bool) {
	if m.SourcePath.IsUnknown() || m.Links.IsUnknown() || m.SourceTemplate.IsUnknown() || m.DropTitleHeading.IsUnknown() || m.TableOfContents.IsUnknown() ||
		m.SpaceKey.IsUnknown() || (m.DropTitleHeading.ValueBool() && m.Title.IsUnknown()) {
		return storage.MarkdownOptions{}, false
	}
	opts := storage.MarkdownOptions{
		SourcePath:       cleanSourcePath(m.SourcePath.ValueString()),
		SpaceKey:         m.SpaceKey.ValueString(),
		Title:            m.Title.ValueString(),
		DropTitleHeading: m.DropTitleHeading.ValueBool(),
		TableOfContents:  m.TableOfContents.ValueBool(),
	}
	opts.SourceURLTemplate = m.SourceTemplate.ValueString()
	if !m.Links.IsNull() {
		opts.Pages = make(map[string]storage.PageRef, len(m.Links.Elements()))
		for key, v := range m.Links.Elements() {
			title, ok := v.(types.String)
			if !ok || title.IsUnknown() {
				return storage.MarkdownOptions{}, false
			}
			opts.Pages[cleanSourcePath(key)] = storage.PageRef{Title: title.ValueString()}
		}
	}
	return opts, true
}

// cleanSourcePath puts a source path in the one form links are looked up
// in: slash-separated, cleaned, without a leading "./".
func cleanSourcePath(p string) string {
	if p == "" {
		return ""
	}
	return path.Clean(strings.ReplaceAll(p, `\`, "/"))
}

// requestOverhead bounds what a page request adds to its body: title,
// ids, version message and JSON framing.
const requestOverhead = 4 << 10

// requestSize is the size of the request that writes the content: its
// storage format as a JSON string (escapes included) and the rest.
func (c pageContent) requestSize() int {
	if !c.known {
		return 0
	}
	encoded, err := json.Marshal(c.send)
	if err != nil {
		return len(c.send) + requestOverhead
	}
	return len(encoded) + requestOverhead
}

// hashValue is the body_hash attribute of the content: unknown until known.
func (c pageContent) hashValue() types.String {
	if !c.known {
		return types.StringUnknown()
	}
	return types.StringValue(c.hash)
}

// contentPath is the attribute the content came from, for error locations.
func contentPath(m pageModel) tfpath.Path {
	if !m.Markdown.IsNull() {
		return tfpath.Root("markdown")
	}
	return tfpath.Root("body")
}

// setFromPage copies what Confluence reports about a page into the model.
func setFromPage(m *pageModel, page *confluence.Page, spaceKey, url string) {
	m.ID = types.StringValue(page.ID)
	m.SpaceKey = types.StringValue(spaceKey)
	m.Title = types.StringValue(page.Title)
	m.ParentID = types.StringValue(page.ParentID)
	m.Version = types.Int64Value(int64(page.Version.Number))
	m.URL = types.StringValue(url)
	m.LastModifiedAt = types.StringValue(page.Version.CreatedAt.UTC().Format(time.RFC3339))
	m.LastModifiedBy = types.StringValue(page.Version.AuthorID)
}
