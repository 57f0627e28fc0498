output "page_ids" {
  description = "Page id by source path (the file's path under root; a generated folder page's is the folder followed by /index.md)."
  value       = local.page_ids
}

output "page_urls" {
  description = "Page URL by source path."
  value       = local.page_urls
}

output "titles" {
  description = "Page title by source path."
  value       = local.tree.links
}

output "attachment_ids" {
  description = "Attachment id by \"source path:file name\" of every image attached."
  value       = { for key, attachment in confluence_attachment.images : key => attachment.id }
}
