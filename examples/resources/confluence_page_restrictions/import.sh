# Import the restrictions of a page by the page's id.
terraform import confluence_page_restrictions.generated 65601
