# The administrators' workspace: registers the automation identity and decides
# what it may do. Run with an admin account's credentials, kept apart from the
# automation's (CONFLUENCE_URL, CONFLUENCE_EMAIL, CONFLUENCE_API_TOKEN).
terraform {
  required_version = ">= 1.11"
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}

provider "confluence" {}

variable "bot_token" {
  description = "API token of the automation account. Ephemeral: it never reaches plan or state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "bot_token_version" {
  description = "Bump to rotate the token."
  type        = number
  default     = 1
}

resource "confluence_connection" "docs_bot" {
  name                 = "docs-bot"
  email                = "bot@example.com"
  spaces               = ["DOCS", "OPS"]
  api_token_wo         = var.bot_token
  api_token_wo_version = var.bot_token_version
  token_expires_at     = "2027-12-31T00:00:00Z"
}

# The recommended setup: reads allowed, updates need a confirmation code that
# a named approver approves with their own credentials (never the bot), and
# nothing is deleted by automation.
resource "confluence_operation_policy" "docs_bot" {
  connection_name = confluence_connection.docs_bot.id # id: waits for the connection to exist
  search_pages    = "allowed"
  get_page        = "allowed"
  create_page     = "allowed"
  update_page     = "allowed_with_confirmation"
  delete_page     = "denied"
  approvers       = ["approver@example.com"]
}

output "bot_account_id" {
  value = confluence_connection.docs_bot.account_id
}
