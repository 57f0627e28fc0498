# A whole folder, nested folders and all: the docs-tree module in this
# repository reads the tree with this data source and publishes it.
module "handbook" {
  source = "github.com/docs-as-code/terraform-provider-confluence//modules/docs-tree?ref=v0.1.0"

  root      = "${path.module}/docs"
  space_key = "DOCS"
}

# The data source on its own, for a flat folder of runbooks (no index page,
# no sub-folders, so every page is at depth 0): one confluence_page per file.
data "confluence_docs_tree" "runbooks" {
  root      = "${path.module}/runbooks"
  max_depth = 0 # fail the plan if someone adds a sub-folder
}

resource "confluence_page" "runbooks" {
  for_each = data.confluence_docs_tree.runbooks.pages

  space_key          = "OPS"
  title              = each.value.title
  markdown           = each.value.markdown
  source_path        = each.key
  links              = data.confluence_docs_tree.runbooks.links
  labels             = each.value.labels
  drop_title_heading = true
}
