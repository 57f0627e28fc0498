// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import "github.com/hashicorp/terraform-plugin-framework/resource"

// NewBlogPostResource is the confluence_blog_post resource factory: the page
// resource's code (pageChange, CRUD, plan, policy) for the blog post kind,
// whose client calls address /wiki/api/v2/blogposts and which has no parent.
func NewBlogPostResource() resource.Resource { return &PageResource{kindValue: blogPostKind} }
