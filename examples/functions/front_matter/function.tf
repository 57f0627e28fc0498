# Take each page's title and labels from its front matter.
locals {
  docs = { for f in fileset("${path.module}/docs", "**/*.md") : f => file("${path.module}/docs/${f}") }
  meta = { for f, md in local.docs : f => provider::confluence::front_matter(md) }
}

resource "confluence_page" "docs" {
  for_each  = local.docs
  space_key = "DOCS"
  title     = try(local.meta[each.key].title, trimsuffix(basename(each.key), ".md"))
  labels    = try(toset(local.meta[each.key].tags), [])
  markdown  = each.value
}
