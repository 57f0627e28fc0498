# The reviewed access table of the Orders API page.
data "confluence_page_properties" "orders" {
  space_key = "DOCS"
  title     = "Orders API"
  table_id  = "access"
}

# Write back, next to it, which gateway enforces the page's access rules and
# from which page version.
resource "confluence_content_property" "enforcement" {
  page_id = data.confluence_page_properties.orders.pages[0].id
  key     = "gateway.enforcement"
  value = jsonencode({
    gateway      = "kong-eu-1"
    page_version = data.confluence_page_properties.orders.pages[0].version
  })
}
