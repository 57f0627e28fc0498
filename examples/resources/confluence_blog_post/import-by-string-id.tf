# An import block (Terraform >= 1.5):
import {
  to = confluence_blog_post.migration
  id = "65610"
}
