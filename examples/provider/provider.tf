terraform {
  required_version = ">= 1.11"
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}

# Credentials come from CONFLUENCE_URL, CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN.
provider "confluence" {
  # The connection this workspace acts as; its policy decides every change.
  connection = "docs-bot"

  # Recorded in every version message and audit property. When the pipeline sets
  # CONFLUENCE_CHANGE_REFERENCE, leave this out: the environment wins, and a
  # different value here fails the plan.
  change_reference = "https://ci.example.com/runs/1234"
}
