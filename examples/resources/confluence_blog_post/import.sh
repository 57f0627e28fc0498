# Import an existing blog post by its id (the number in its URL).
terraform import confluence_blog_post.migration 65610
