# Import an existing page by its id (the number in the page's URL).
terraform import confluence_page.runbook 65601
