// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/docstree"
)

var _ datasource.DataSource = &DocsTreeDataSource{}

// NewDocsTreeDataSource is the confluence_docs_tree data source factory.
func NewDocsTreeDataSource() datasource.DataSource { return &DocsTreeDataSource{} }

// DocsTreeDataSource scans a local folder of Markdown into a page tree. It
// reads local files only and sends no request to Confluence, so no
// operation policy governs it; the pages it describes are published by
// confluence_page, each with its own policy decision.
type DocsTreeDataSource struct{}

// docsTreeModel maps the confluence_docs_tree data source.
type docsTreeModel struct {
	Root              types.String                 `tfsdk:"root"`
	SourceURLTemplate types.String                 `tfsdk:"source_url_template"`
	MaxDepth          types.Int64                  `tfsdk:"max_depth"`
	Exclude           []string                     `tfsdk:"exclude"`
	IncludeDrafts     types.Bool                   `tfsdk:"include_drafts"`
	StaticDirs        []string                     `tfsdk:"static_dirs"`
	Pages             map[string]docsTreePageModel `tfsdk:"pages"`
	Links             map[string]string            `tfsdk:"links"`
	Children          map[string][]string          `tfsdk:"children"`
	TopPages          []string                     `tfsdk:"top_pages"`
	Drafts            []string                     `tfsdk:"drafts"`
}

type docsTreePageModel struct {
	Title     types.String         `tfsdk:"title"`
	Labels    []string             `tfsdk:"labels"`
	Depth     types.Int64          `tfsdk:"depth"`
	Parent    types.String         `tfsdk:"parent"`
	Order     types.Int64          `tfsdk:"order"`
	Markdown  types.String         `tfsdk:"markdown"`
	Generated types.Bool           `tfsdk:"generated"`
	Images    []docsTreeImageModel `tfsdk:"images"`
}

type docsTreeImageModel struct {
	Path     types.String `tfsdk:"path"`
	Filename types.String `tfsdk:"filename"`
	Source   types.String `tfsdk:"source"`
}

func (d *DocsTreeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_docs_tree"
}

func (d *DocsTreeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = docsTreeDataSourceSchema()
}

// sourceURLPlaceholder must appear in source_url_template.
var sourceURLPlaceholder = regexp.MustCompile(`^https?://.*\{path\}`)

func docsTreeDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Scans a local folder of Markdown files (mdBook, MkDocs, Hugo, Jekyll, Docusaurus or plain) at plan time and describes it as a page tree: " +
			"each file's title, labels, parent page, depth and place among its siblings, its Markdown, its local images, and the `links` map every page " +
			"of the tree needs. Nested folders become parent pages: a folder's `index.md`, `README.md`, `_index.md`, `index.mdx` or `README.mdx` is its page, and a folder " +
			"without one gets a generated page listing its children. Drafts are left out unless `include_drafts` is set. Two pages with one title fail the plan naming both files. " +
			"It reads local files only and sends no request to Confluence, so no operation policy governs it; each page is published by a " +
			"`confluence_page` with its own policy decision. The `docs-tree` module in the provider's repository publishes the whole tree " +
			"from this data source in about ten lines.",
		Attributes: map[string]schema.Attribute{
			"root": schema.StringAttribute{
				MarkdownDescription: "The folder to publish, e.g. `\"${path.module}/docs\"` (relative paths are relative to the working directory, as for `file()`). " +
					"Every `.md`, `.markdown` and `.mdx` file below it is a page, except hidden files and folders (names starting with `.`), drafts " +
					"(see `include_drafts`) and mdBook's `SUMMARY.md` at the root, which orders the pages instead.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_url_template": schema.StringAttribute{
				MarkdownDescription: "When set, every page starts with an info panel, \"Managed in Git: this page is published from *path*\", linking to its " +
					"source file, so readers know where to edit. `{path}` is replaced by the page's source path (for a generated folder page, the folder), e.g. " +
					"`https://github.com/acme/handbook/blob/main/docs/{path}`. Must be an `http://` or `https://` URL containing `{path}`.",
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(sourceURLPlaceholder,
					"must be an http:// or https:// URL containing {path}, e.g. https://github.com/acme/handbook/blob/main/docs/{path}")},
			},
			"exclude": schema.ListAttribute{
				MarkdownDescription: "Files and folders to leave out, as Go `path.Match` patterns (`*`, `?`, `[a-z]`). A pattern with a `/` is matched against " +
					"the path under `root` (`guide/drafts`, `*/CHANGELOG.md`); one without against every file and folder name, as in `.gitignore` " +
					"(`includes`, `_*.md`). A folder left out takes everything in it along. Hidden files and folders are always left out.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"include_drafts": schema.BoolAttribute{
				MarkdownDescription: "Publish drafts too. By default a file is left out, as the site generators leave it out of a production build, when its " +
					"front matter has `draft: true` (Hugo, Docusaurus) or `published: false` (Jekyll), or when it is in a `_drafts` folder (Jekyll). " +
					"A link from a published page to a draft shows only its text, and the read warns naming the page, the line and the draft. " +
					"Default `false`; the files left out are listed in `drafts`.",
				Optional: true,
			},
			"static_dirs": schema.ListAttribute{
				MarkdownDescription: "Folders of static files where an image that is not under `root` is looked up next, in order, by the same path: " +
					"a root-relative `![Logo](/img/logo.png)` is `static/img/logo.png` in Docusaurus and Hugo (MkDocs serves it from `root` itself). " +
					"Paths like `root`'s, e.g. `[\"${path.module}/website/static\"]`; each must be a folder. An image path never leads out of `root` " +
					"or a static folder (`../` above `root` fails the read). The image's `source` says where it was found.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"max_depth": schema.Int64Attribute{
				MarkdownDescription: "The deepest `depth` allowed (0 is the top). A page deeper than this fails the plan naming its file. " +
					"The `docs-tree` module sets it to the deepest level it has a page block for. Unlimited when not set.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"pages": schema.MapNestedAttribute{
				MarkdownDescription: "The pages by source path (the file's path relative to `root`, e.g. `guide/install.md`; for a generated folder page, " +
					"the folder followed by `/index.md`). Use the key as the page's `source_path`.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"title": schema.StringAttribute{
						MarkdownDescription: "The front matter's `title`, else the first level-1 heading, else the file name (`getting-started.md` → " +
							"`Getting started`; an index page or a generated folder page takes its folder's name). Unique in the tree, ignoring case: a generated " +
							"folder title that another page has too is qualified by its parent's title (`guide/api/` and `reference/api/` become `Guide / Api` " +
							"and `Reference / Api`; a top folder by the name of `root`); titles taken from the files are never changed, and two of them " +
							"that clash fail the read naming both files.",
						Computed: true,
					},
					"labels": schema.ListAttribute{
						MarkdownDescription: "The front matter's `tags` and `labels` (a list or one string) as Confluence labels, sorted: lower case, each run of " +
							"spaces and of characters labels cannot hold (`: ; , . ? & [ ] ( ) # ^ * @ ! < >`) as one `-` (`Node.js` → `node-js`, `C#` → `c-`), " +
							"at most 255 characters; a tag of nothing but such characters gives no label.",
						ElementType: types.StringType,
						Computed:    true,
					},
					"depth": schema.Int64Attribute{
						MarkdownDescription: "0 for the top pages (the root's index page, or the root's files and folders when it has none), 1 for their children, and so on.",
						Computed:            true,
					},
					"parent": schema.StringAttribute{
						MarkdownDescription: "The source path of the parent page, always a page at `depth - 1`; null for the top pages.",
						Computed:            true,
					},
					"order": schema.Int64Attribute{
						MarkdownDescription: "The page's place among its siblings, from 0: the order of mdBook's `SUMMARY.md` at the root, then front matter " +
							"`weight`, `nav_order` or `sidebar_position` (lower first; pages without one follow), then the file or folder name.",
						Computed: true,
					},
					"markdown": schema.StringAttribute{
						MarkdownDescription: "The Markdown to publish: the file as written (with the Managed in Git panel after its front matter when " +
							"`source_url_template` is set; `confluence_page`'s warnings still name the file's lines), or for a generated folder page a list of links to its children.",
						Computed: true,
					},
					"generated": schema.BoolAttribute{
						MarkdownDescription: "True for a folder page generated for a folder without an index page.",
						Computed:            true,
					},
					"images": schema.ListNestedAttribute{
						MarkdownDescription: "The local images the page shows, as `provider::confluence::markdown_images` lists them: attach each to the page " +
							"with `confluence_attachment` (`source` = `source`, `filename` = `filename`). A local image whose file is neither under `root` nor in `static_dirs` fails the read, naming the page and the line.",
						Computed: true,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"path": schema.StringAttribute{
								MarkdownDescription: "The image file relative to `root`, e.g. `guide/img/flow.png`.",
								Computed:            true,
							},
							"filename": schema.StringAttribute{
								MarkdownDescription: "The attachment file name the page shows it by, e.g. `guide_img_flow.png`.",
								Computed:            true,
							},
							"source": schema.StringAttribute{
								MarkdownDescription: "The file to upload: `\"${root}/${path}\"`, or for an image found in a folder of `static_dirs`, that folder followed by `/${path}`.",
								Computed:            true,
							},
						}},
					},
				}},
			},
			"children": schema.MapAttribute{
				MarkdownDescription: "Each parent page's children in their order (see `order`), as source paths, by the parent's source path: what " +
					"`confluence_page_order` needs to keep the order in Confluence.",
				ElementType: types.ListType{ElemType: types.StringType},
				Computed:    true,
			},
			"top_pages": schema.ListAttribute{
				MarkdownDescription: "The top pages (depth 0) in their order, as source paths.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"drafts": schema.ListAttribute{
				MarkdownDescription: "The source paths of the drafts left out, sorted; empty with `include_drafts`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"links": schema.MapAttribute{
				MarkdownDescription: "Every page's title by source path: the `links` argument of each `confluence_page` of the tree, so relative " +
					"links between the files become page links.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

func (d *DocsTreeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m docsTreeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	root := m.Root.ValueString()
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		resp.Diagnostics.AddAttributeError(path.Root("root"), "Docs Folder Not Found",
			"While scanning the docs tree at "+root+": it is not a folder that can be read. Set root to the folder holding the Markdown files, "+
				"e.g. \"${path.module}/docs\".")
		return
	}
	opts := docstree.Options{MaxDepth: -1, SourceURLTemplate: m.SourceURLTemplate.ValueString(), RootName: filepath.Base(root), Exclude: m.Exclude, RequireImages: true,
		IncludeDrafts: m.IncludeDrafts.ValueBool()}
	for i, dir := range m.StaticDirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			resp.Diagnostics.AddAttributeError(path.Root("static_dirs").AtListIndex(i), "Static Folder Not Found",
				"While scanning the docs tree at "+root+": the static folder "+dir+" is not a folder that can be read. List folders that exist, "+
					"e.g. \"${path.module}/website/static\", or leave static_dirs out.")
			return
		}
		opts.StaticDirs = append(opts.StaticDirs, docstree.StaticDir{Name: dir, FS: os.DirFS(dir)})
	}
	if abs, err := filepath.Abs(root); err == nil {
		opts.RootName = filepath.Base(abs)
	}
	if !m.MaxDepth.IsNull() {
		opts.MaxDepth = int(m.MaxDepth.ValueInt64())
	}
	tree, err := docstree.Scan(os.DirFS(root), opts)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("root"), "Docs Tree Cannot Be Published",
			"While scanning the docs tree at "+root+": "+err.Error()+".")
		return
	}
	if len(tree.Warnings) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("root"), "Links to Draft Pages",
			"While scanning the docs tree at "+root+": drafts are left out of the tree, so these links show only their text:\n  "+
				strings.Join(tree.Warnings, "\n  ")+"\n\nPublish the drafts with include_drafts = true, or link to published pages.")
	}
	m.Pages, m.Links, m.Children, m.TopPages, m.Drafts = docsTreePages(tree, root), tree.Links, tree.Children, tree.Top, tree.Drafts
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// docsTreePages converts the scanned pages into the data source's model.
func docsTreePages(tree docstree.Tree, root string) map[string]docsTreePageModel {
	pages := make(map[string]docsTreePageModel, len(tree.Pages))
	for _, p := range tree.Pages {
		parent := types.StringNull()
		if p.Parent != "" {
			parent = types.StringValue(p.Parent)
		}
		images := make([]docsTreeImageModel, 0, len(p.Images))
		for _, img := range p.Images {
			dir := root
			if img.Dir != "" {
				dir = img.Dir
			}
			images = append(images, docsTreeImageModel{Path: types.StringValue(img.Path), Filename: types.StringValue(img.Filename),
				Source: types.StringValue(strings.TrimSuffix(dir, "/") + "/" + img.Path)})
		}
		pages[p.SourcePath] = docsTreePageModel{
			Title: types.StringValue(p.Title), Labels: p.Labels, Depth: types.Int64Value(int64(p.Depth)), Parent: parent,
			Order: types.Int64Value(int64(p.Order)), Markdown: types.StringValue(p.Markdown), Generated: types.BoolValue(p.Generated), Images: images,
		}
	}
	return pages
}
