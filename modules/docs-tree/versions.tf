terraform {
  # Provider functions and the data source need Terraform 1.8 or later.
  required_version = ">= 1.8"

  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}
