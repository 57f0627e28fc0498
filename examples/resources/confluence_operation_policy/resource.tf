# Reads allowed, creating and updating pages needs a confirmation code from a
# reviewer, deleting pages is denied.
resource "confluence_operation_policy" "docs_bot" {
  # Reference the id so the policy waits for the connection it governs.
  connection_name = confluence_connection.docs_bot.id

  search_pages = "allowed"
  get_page     = "allowed"
  create_page  = "allowed_with_confirmation"
  update_page  = "allowed_with_confirmation"
  delete_page  = "denied"
}
