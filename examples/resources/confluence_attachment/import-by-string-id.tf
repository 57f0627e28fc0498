# An import block (Terraform >= 1.5):
import {
  to = confluence_attachment.request_flow
  id = "att65601"
}
