# Every runbook below the on-call handbook, with labels and bodies.
data "confluence_pages" "runbooks" {
  space_key      = "OPS"
  label          = ["runbook"]
  ancestor_id    = "65601"
  include_body   = true
  include_labels = true
}

# Free CQL: the type = page restriction is added, the ORDER BY kept.
data "confluence_pages" "recent" {
  cql   = "space in (DOCS, OPS) AND lastmodified > now(\"-7d\") ORDER BY lastmodified DESC"
  limit = 20
}

output "runbook_links" {
  value = { for p in data.confluence_pages.runbooks.pages : p.title => p.url }
}
