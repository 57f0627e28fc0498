# "https://example.atlassian.net/wiki/pages/viewpage.action?pageId=65601":
# a link that keeps working when the page is renamed or moved.
output "handbook_permalink" {
  value = provider::confluence::page_url("https://example.atlassian.net", confluence_page.handbook.id)
}
