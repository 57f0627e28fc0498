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

# A service account with OAuth 2.0 client credentials: the record keeps the
# mode and the client id, never the secret.
variable "docs_oauth_secret" {
  type      = string
  ephemeral = true
}

resource "confluence_connection" "docs_oauth" {
  name      = "docs-oauth"
  email     = "docs-oauth@serviceaccount.atlassian.com"
  spaces    = ["DOCS"]
  auth_mode = "oauth_client_credentials"
  client_id = "docs-oauth-client"

  client_secret_wo     = var.docs_oauth_secret
  api_token_wo_version = 1 # numbers the client secret: increment on rotation
  token_expires_at     = "2027-06-30T00:00:00Z"
}
