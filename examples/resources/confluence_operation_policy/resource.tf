# Reads allowed, creating and updating pages needs a confirmation code approved
# by one of the named reviewers (never the bot itself), deleting pages is denied.
resource "confluence_operation_policy" "docs_bot" {
  # Reference the id so the policy waits for the connection it governs.
  connection_name = confluence_connection.docs_bot.id

  search_pages = "allowed"
  get_page     = "allowed"
  create_page  = "allowed_with_confirmation"
  update_page  = "allowed_with_confirmation"
  delete_page  = "denied"

  # Who approves gated changes, each with their own credentials:
  #   confluence-plan-report approve CODE --space DOCS --reason "reviewed PR 42"
  approvers          = ["alice@example.com", "bob@example.com"]
  required_approvals = 1
}
