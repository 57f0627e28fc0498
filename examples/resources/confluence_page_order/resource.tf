resource "confluence_page" "guide" {
  space_key = "DOCS"
  title     = "User guide"
  markdown  = file("${path.module}/docs/guide/index.md")
}

resource "confluence_page" "chapter" {
  for_each = toset(["install.md", "configure.md", "upgrade.md"])

  space_key   = "DOCS"
  parent_id   = confluence_page.guide.id
  title       = title(trimsuffix(each.key, ".md"))
  markdown    = file("${path.module}/docs/guide/${each.key}")
  source_path = "guide/${each.key}"
}

# Install, Configure, Upgrade: in that order under the guide, whatever order
# Terraform created them in, and again after someone drags them around.
resource "confluence_page_order" "guide" {
  parent_id = confluence_page.guide.id
  page_ids = [
    confluence_page.chapter["install.md"].id,
    confluence_page.chapter["configure.md"].id,
    confluence_page.chapter["upgrade.md"].id,
  ]
}
