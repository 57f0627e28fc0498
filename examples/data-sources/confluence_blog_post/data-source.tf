# A blog post by space and title (the most recent one when several days share it).
data "confluence_blog_post" "latest_release" {
  space_key = "DOCS"
  title     = "Release 1.2.0"
}

# A blog post by id.
data "confluence_blog_post" "incident" {
  id = "65610"
}

# Every release-notes blog post of the space.
data "confluence_pages" "release_notes" {
  type      = "blogpost"
  space_key = "DOCS"
  label     = ["release-notes"]
}

output "release_note_urls" {
  value = [for p in data.confluence_pages.release_notes.pages : p.url]
}
