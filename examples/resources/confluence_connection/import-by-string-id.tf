# An import block (Terraform >= 1.5): the connection's name and any space of its scope.
import {
  to = confluence_connection.docs_bot
  id = "docs-bot:DOCS"
}
