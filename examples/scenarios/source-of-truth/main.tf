# Confluence as the source of truth for access: a reviewed Page Properties
# table in, gateway configuration and records out. Runs as the automation
# account (CONFLUENCE_EMAIL / CONFLUENCE_API_TOKEN) under the "docs-bot"
# connection's policy; every read below is decided at plan time.
terraform {
  required_version = ">= 1.11"
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}

provider "confluence" {
  connection = "docs-bot"
}

# 1. The page people review. Published once from the template; after that,
#    reviewers edit the table in Confluence (ignore_changes keeps Terraform
#    from reverting their edits).
resource "confluence_page" "orders_api" {
  space_key       = "DOCS"
  title           = "Orders API"
  body            = file("${path.module}/pages/orders-api.xhtml")
  labels          = ["api-access"]
  version_message = "Access rules template"

  lifecycle {
    ignore_changes = [body]
  }
}

# 2. Read the reviewed facts (get_page for one page, search_pages for a report).
data "confluence_page_properties" "orders" {
  page_id  = confluence_page.orders_api.id
  table_id = "access"
}

data "confluence_page_properties" "all_apis" {
  label    = "api-access"
  table_id = "access"

  depends_on = [confluence_page.orders_api]
}

locals {
  # Route → its access rules, from every reviewed page. A key missing from a
  # page is absent from the map, so lookup() gives the default.
  routes = {
    for p in data.confluence_page_properties.all_apis.pages :
    p.properties["Route"] => {
      upstream      = lookup(p.properties, "Upstream", null)
      per_minute    = tonumber(lookup(p.properties, "Rate limit per minute", "60"))
      allowed_roles = compact(split("\n", lookup(p.properties, "Allowed roles", "")))
      approved      = lookup(p.properties, "Status", "") == "APPROVED"
      source        = "${p.url} (version ${p.version}, by ${p.last_modified_by})"
    }
  }
}

output "routes" {
  value = local.routes
}

# 3. How the values would flow into a gateway provider (an example only, not a
#    dependency of this provider; Kong's provider shown):
#
# resource "kong_plugin" "rate_limit" {
#   for_each = { for route, r in local.routes : route => r if r.approved }
#   name     = "rate-limiting"
#   route_id = kong_route.api[each.key].id
#   config_json = jsonencode({ minute = each.value.per_minute })
# }
#
# resource "kong_plugin" "acl" {
#   for_each = { for route, r in local.routes : route => r if r.approved }
#   name     = "acl"
#   route_id = kong_route.api[each.key].id
#   config_json = jsonencode({ allow = each.value.allowed_roles })
# }

# 4. Records out: write back what enforces the page, next to the table it came from.
resource "confluence_content_property" "enforcement" {
  page_id = confluence_page.orders_api.id
  key     = "gateway.enforcement"
  value = jsonencode({
    gateway      = "kong-eu-1"
    page_version = data.confluence_page_properties.orders.pages[0].version
  })
}

# 5. The page-level half of "who may access what": only the automation
#    account and the reviewers may edit the page that configures the gateway.
resource "confluence_page_restrictions" "orders_api" {
  page_id     = confluence_page.orders_api.id
  edit_users  = ["bot@example.com"]
  edit_groups = ["api-reviewers"]
}
