# An import block (Terraform >= 1.5): the connection's name.
import {
  to = confluence_operation_policy.docs_bot
  id = "docs-bot"
}
