# Attach every local image a docs tree's pages show, to the page that shows it.
locals {
  root  = "${path.module}/docs"
  files = fileset(local.root, "**/*.md")
  images = merge([
    for f in local.files : {
      for img in provider::confluence::markdown_images(file("${local.root}/${f}"), f) :
      "${f}:${img.filename}" => { page = f, path = img.path, filename = img.filename }
    }
  ]...)
}

resource "confluence_attachment" "images" {
  for_each = local.images
  page_id  = confluence_page.docs[each.value.page].id
  source   = "${local.root}/${each.value.path}"
  filename = each.value.filename
}
