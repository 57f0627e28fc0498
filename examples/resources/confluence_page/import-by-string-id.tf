# An import block (Terraform >= 1.5):
import {
  to = confluence_page.runbook
  id = "65601"
}
