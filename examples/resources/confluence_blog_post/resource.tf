# Release notes: one blog post per "## <version>" section of CHANGELOG.md.
locals {
  changelog = file("${path.module}/CHANGELOG.md")

  # "## 1.2.0\n- Added …\n\n## 1.1.0\n…" → { "1.2.0" = "- Added …", "1.1.0" = "…" }
  releases = {
    for section in split("\n## ", trimprefix(local.changelog, "## ")) :
    trimspace(split("\n", section)[0]) => trimspace(join("\n", slice(split("\n", section), 1, length(split("\n", section)))))
    if trimspace(section) != ""
  }
}

resource "confluence_blog_post" "release" {
  for_each = local.releases

  space_key       = "DOCS"
  title           = "Release ${each.key}"
  markdown        = each.value
  labels          = ["release-notes"]
  version_message = "Release notes for ${each.key} from CHANGELOG.md"

  # Keep old release notes in Confluence when a section leaves the changelog.
  on_destroy = "retain"
}

# An announcement in storage format.
resource "confluence_blog_post" "migration" {
  space_key = "DOCS"
  title     = "The handbook now lives in Git"
  body      = "<p>Edit the repository, not the pages: every change is reviewed and published by CI.</p>"
  labels    = ["announcement"]
}
