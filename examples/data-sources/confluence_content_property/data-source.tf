data "confluence_content_property" "enforcement" {
  page_id = "65601"
  key     = "gateway.enforcement"
}

output "enforced_by" {
  value = jsondecode(data.confluence_content_property.enforcement.value).gateway
}
