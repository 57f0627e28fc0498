# Import an existing attachment by its id (att followed by digits; listed by
# GET /wiki/api/v2/pages/{page-id}/attachments).
terraform import confluence_attachment.request_flow att65601
