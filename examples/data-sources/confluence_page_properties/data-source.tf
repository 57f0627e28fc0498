# One page: the Page Properties table with id "access" on the Orders API page.
data "confluence_page_properties" "orders" {
  space_key = "DOCS"
  title     = "Orders API"
  table_id  = "access"
}

# A missing key is absent from the map: give it a default.
output "orders_rate_limit" {
  value = tonumber(lookup(data.confluence_page_properties.orders.properties, "Rate limit per minute", "60"))
}

# A report: every page labelled api-access, as Confluence's Page Properties Report.
data "confluence_page_properties" "apis" {
  label    = "api-access"
  table_id = "access"
}

output "routes" {
  value = {
    for p in data.confluence_page_properties.apis.pages :
    p.properties["Route"] => {
      page          = p.url
      version       = p.version
      reviewed_by   = p.last_modified_by
      allowed_roles = split("\n", lookup(p.properties, "Allowed roles", ""))
    }
  }
}
