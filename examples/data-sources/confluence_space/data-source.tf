data "confluence_space" "docs" {
  key = "DOCS"
}

# A page directly under the space's homepage.
resource "confluence_page" "welcome" {
  space_key = data.confluence_space.docs.key
  parent_id = data.confluence_space.docs.homepage_id
  title     = "Welcome"
  markdown  = "Welcome to ${data.confluence_space.docs.name}."
}
