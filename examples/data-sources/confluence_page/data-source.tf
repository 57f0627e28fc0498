# A page by space and title.
data "confluence_page" "handbook" {
  space_key = "DOCS"
  title     = "Engineering handbook"
}

# A page by id.
data "confluence_page" "glossary" {
  id = "65601"
}

# Publish a child page under a page this configuration does not manage.
resource "confluence_page" "faq" {
  space_key = data.confluence_page.handbook.space_key
  parent_id = data.confluence_page.handbook.id
  title     = "Handbook FAQ"
  markdown  = file("${path.module}/docs/faq.md")
}

# Fail the plan when someone changed the glossary's content.
check "glossary_unchanged" {
  assert {
    condition = provider::confluence::storage_equal(
      data.confluence_page.glossary.body,
      file("${path.module}/docs/glossary.xhtml"),
    )
    error_message = "The glossary page was edited in Confluence (version ${data.confluence_page.glossary.version} by ${data.confluence_page.glossary.last_modified_by})."
  }
}
