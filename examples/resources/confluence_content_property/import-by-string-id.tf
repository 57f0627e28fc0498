# An import block (Terraform >= 1.5):
import {
  to = confluence_content_property.enforcement
  id = "65601/gateway.enforcement"
}
