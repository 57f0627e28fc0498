// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

// ContentKind selects which v2 content collection a call addresses: pages
// (/wiki/api/v2/pages) or blog posts (/wiki/api/v2/blogposts). The two share
// request and response shapes (PageSingle / BlogPostSingle differ only in
// that blog posts have no parent), so every page call takes a kind instead of
// being copied. The zero value is KindPage, so existing callers are unchanged.
type ContentKind int

// Content kinds.
const (
	KindPage ContentKind = iota
	KindBlogPost
)

// collection is the kind's v2 path segment.
func (k ContentKind) collection() string {
	if k == KindBlogPost {
		return "blogposts"
	}
	return "pages"
}

// String names the kind in messages: "page" or "blog post".
func (k ContentKind) String() string {
	if k == KindBlogPost {
		return "blog post"
	}
	return "page"
}

// CQLType is the kind's value of the CQL type field: page or blogpost.
func (k ContentKind) CQLType() string {
	if k == KindBlogPost {
		return "blogpost"
	}
	return "page"
}

// HasParent reports whether content of the kind sits under a parent page.
// Blog posts do not: BlogPostCreateRequest has no parentId.
func (k ContentKind) HasParent() bool { return k != KindBlogPost }

// readStatuses make trashed (and for pages archived) content visible to a
// read by id: the status enum of GET /pages/{id} and GET /blogposts/{id}
// (blog posts are never archived).
func (k ContentKind) readStatuses() []string {
	if k == KindBlogPost {
		return []string{"current", "trashed"}
	}
	return pageReadStatuses
}

// listableStatuses are the statuses the kind's list endpoint can filter on:
// the status parameter's enum of GET /pages and GET /blogposts in the v2
// OpenAPI document (blog posts are never archived).
func (k ContentKind) listableStatuses() []string {
	if k == KindBlogPost {
		return []string{"current", "deleted", "trashed"}
	}
	return ListableStatuses
}
