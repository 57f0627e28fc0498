# The edit lock of a generated page: only the automation account and the
# docs maintainers may change it; everyone who may view the space still reads it.
resource "confluence_page_restrictions" "generated" {
  page_id     = confluence_page.reference.id
  edit_users  = ["docs-bot@example.com"]
  edit_groups = ["docs-maintainers"]
}

# A page only the platform team may see (the bot must stay in both lists,
# or the plan fails: it would lock itself out).
resource "confluence_page_restrictions" "secrets_runbook" {
  page_id     = "65602"
  view_users  = ["docs-bot@example.com"]
  view_groups = ["platform-team"]
  edit_users  = ["docs-bot@example.com"]
}
