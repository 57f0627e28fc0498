# The docs-as-code workspace: publishes Markdown from docs/ to Confluence as the
# automation account (CONFLUENCE_EMAIL / CONFLUENCE_API_TOKEN of the bot), under
# the policy the administrators set for the "docs-bot" connection.
terraform {
  required_version = ">= 1.11"
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}

provider "confluence" {
  connection = "docs-bot"
}

resource "confluence_page" "handbook" {
  space_key       = "DOCS"
  title           = "Engineering handbook"
  markdown        = file("${path.module}/docs/handbook.md")
  labels          = ["handbook", "generated"]
  version_message = "Published from docs/handbook.md"
}

resource "confluence_page" "chapter" {
  for_each = toset(["runbook", "on-call"])

  space_key       = "DOCS"
  parent_id       = confluence_page.handbook.id
  title           = title(replace(each.key, "-", " "))
  markdown        = file("${path.module}/docs/${each.key}.md")
  labels          = ["handbook", "generated", each.key]
  version_message = "Published from docs/${each.key}.md"
}

# Read back what is published (governed by search_pages).
data "confluence_pages" "handbook" {
  space_key = "DOCS"
  label     = ["handbook"]

  depends_on = [confluence_page.handbook, confluence_page.chapter]
}

output "pages" {
  value = { for p in data.confluence_pages.handbook.pages : p.title => p.url }
}

output "policy" {
  value = { for k, p in merge({ handbook = confluence_page.handbook }, confluence_page.chapter) : k => {
    decision = p.policy_decision
    code     = p.confirmation_code
    version  = p.version
  } }
}

output "runbook_id" {
  value = confluence_page.chapter["runbook"].id
}
