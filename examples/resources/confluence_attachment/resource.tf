# An image shown on a page: the page's storage format refers to the
# attachment by its file name.
resource "confluence_page" "architecture" {
  space_key = "DOCS"
  title     = "Architecture"
  body      = <<-EOT
    <p>How requests flow:</p>
    <ac:image ac:alt="Request flow"><ri:attachment ri:filename="request-flow.png"/></ac:image>
    <p>The full specification: <ac:link><ri:attachment ri:filename="spec.pdf"/></ac:link></p>
  EOT
}

resource "confluence_attachment" "request_flow" {
  page_id = confluence_page.architecture.id
  source  = "${path.module}/img/request-flow.png" # filename defaults to request-flow.png
  comment = "Exported from the diagram repository"
}

# Every file of a folder, each uploaded again only when its content changes.
resource "confluence_attachment" "specs" {
  for_each = fileset("${path.module}/specs", "*.pdf")

  page_id  = confluence_page.architecture.id
  source   = "${path.module}/specs/${each.value}"
  filename = each.value

  # Keep the file on the page when it leaves the configuration.
  on_destroy = "retain"
}
