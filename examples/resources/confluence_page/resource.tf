# A page from Markdown, under a parent page, with labels.
resource "confluence_page" "runbook" {
  space_key       = "DOCS"
  title           = "Deploy runbook"
  parent_id       = confluence_page.handbook.id
  markdown        = file("${path.module}/docs/runbook.md")
  labels          = ["runbook", "generated"]
  version_message = "Published from docs/runbook.md"
}

# A page from storage format (Confluence's XHTML), with a macro.
resource "confluence_page" "handbook" {
  space_key = "DOCS"
  title     = "Engineering handbook"
  body      = <<-EOT
    <p>Start here.</p>
    <ac:structured-macro ac:name="info">
      <ac:rich-text-body><p>Generated from Git: edit the repository, not this page.</p></ac:rich-text-body>
    </ac:structured-macro>
  EOT

  # Move the page to the trash when the resource is destroyed (the default; "purge"
  # also empties it from the trash and needs space admin, "retain" leaves the page).
  on_destroy = "trash"
}
