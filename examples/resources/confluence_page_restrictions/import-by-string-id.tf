# An import block (Terraform >= 1.5):
import {
  to = confluence_page_restrictions.generated
  id = "65601"
}
