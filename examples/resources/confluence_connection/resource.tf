# The administrators' workspace registers the automation account. The token
# comes from an ephemeral variable (or an ephemeral resource of a secret
# store) and is never stored in state or plan.
variable "docs_bot_token" {
  type      = string
  ephemeral = true
}

resource "confluence_connection" "docs_bot" {
  name   = "docs-bot"
  email  = "docs-bot@example.com"
  spaces = ["DOCS", "OPS"]

  api_token_wo         = var.docs_bot_token
  api_token_wo_version = 1 # increment when you rotate the token
  token_expires_at     = "2027-06-30T00:00:00Z"
}
