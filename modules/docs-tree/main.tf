# One confluence_page block per depth: a page's parent is always one level
# up, so every page gets its parent's id without a dependency cycle (pages in
# one for_each cannot be each other's parents). The data source fails the plan
# when the folder is deeper than the blocks below (max_depth).

data "confluence_docs_tree" "this" {
  root                = var.root
  exclude             = var.exclude
  source_url_template = var.source_url_template
  include_drafts      = var.include_drafts
  static_dirs         = var.static_dirs
  max_depth           = 9
}

locals {
  tree  = data.confluence_docs_tree.this
  pages = local.tree.pages
  # The pages of each depth, by source path.
  levels = [for depth in range(10) : { for path, page in local.pages : path => page if page.depth == depth }]
  # Labels from the module call and from each file's front matter; null when
  # there are none, so pages without labels do not manage them.
  labels = { for path, page in local.pages : path => length(setunion(var.labels, page.labels)) > 0 ? setunion(var.labels, page.labels) : null }
}

resource "confluence_page" "level0" {
  for_each = local.levels[0]

  space_key           = var.space_key
  parent_id           = var.parent_id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level1" {
  for_each = local.levels[1]

  space_key           = var.space_key
  parent_id           = confluence_page.level0[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level2" {
  for_each = local.levels[2]

  space_key           = var.space_key
  parent_id           = confluence_page.level1[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level3" {
  for_each = local.levels[3]

  space_key           = var.space_key
  parent_id           = confluence_page.level2[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level4" {
  for_each = local.levels[4]

  space_key           = var.space_key
  parent_id           = confluence_page.level3[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level5" {
  for_each = local.levels[5]

  space_key           = var.space_key
  parent_id           = confluence_page.level4[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level6" {
  for_each = local.levels[6]

  space_key           = var.space_key
  parent_id           = confluence_page.level5[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level7" {
  for_each = local.levels[7]

  space_key           = var.space_key
  parent_id           = confluence_page.level6[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level8" {
  for_each = local.levels[8]

  space_key           = var.space_key
  parent_id           = confluence_page.level7[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

resource "confluence_page" "level9" {
  for_each = local.levels[9]

  space_key           = var.space_key
  parent_id           = confluence_page.level8[each.value.parent].id
  title               = each.value.title
  markdown            = each.value.markdown
  source_path         = each.key
  links               = local.tree.links
  source_url_template = var.source_url_template
  labels              = local.labels[each.key]
  drop_title_heading  = var.drop_title_heading
  table_of_contents   = var.table_of_contents
  on_destroy          = var.on_destroy
}

locals {
  # The levels' pages in one list, for the outputs.
  levels_pages = [confluence_page.level0, confluence_page.level1, confluence_page.level2, confluence_page.level3, confluence_page.level4, confluence_page.level5, confluence_page.level6, confluence_page.level7, confluence_page.level8, confluence_page.level9]
  page_ids     = merge([for level in local.levels_pages : { for path, page in level : path => page.id }]...)
  page_urls    = merge([for level in local.levels_pages : { for path, page in level : path => page.url }]...)
  # Every local image of every page, by page and attachment file name.
  images = merge(concat([{}], [
    for path, page in local.pages : {
      for image in page.images : "${path}:${image.filename}" => { page = path, source = image.source, filename = image.filename }
    }
  ])...)
}

# Sibling order as the source says: one confluence_page_order per parent
# page with two children or more (and for the top pages under parent_id).
locals {
  order_groups = merge(
    { for parent, kids in local.tree.children : parent => { parent_id = local.page_ids[parent], pages = kids } if var.keep_order && length(kids) > 1 },
    { for top in [local.tree.top_pages] : "/" => { parent_id = var.parent_id, pages = top } if var.keep_order && var.parent_id != null && length(top) > 1 },
  )
}

resource "confluence_page_order" "children" {
  for_each = local.order_groups

  parent_id = each.value.parent_id
  page_ids  = [for path in each.value.pages : local.page_ids[path]]
}

# Each page's local images, attached under the file names the page shows
# them by; a file is uploaded again only when its SHA-256 changes.
resource "confluence_attachment" "images" {
  for_each = local.images

  page_id    = local.page_ids[each.value.page]
  source     = each.value.source
  filename   = each.value.filename
  on_destroy = var.on_destroy
}
