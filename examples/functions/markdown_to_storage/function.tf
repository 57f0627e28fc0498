# Render Markdown yourself, e.g. to append a footer in storage format.
resource "confluence_page" "runbook" {
  space_key = "OPS"
  title     = "Deploy runbook"
  body = join("\n", [
    provider::confluence::markdown_to_storage(file("${path.module}/docs/runbook.md")),
    "<p><em>Generated from Git; edit the repository, not this page.</em></p>",
  ])
}
