# Import a content property as <page_id>/<key>.
terraform import confluence_content_property.enforcement 65601/gateway.enforcement
