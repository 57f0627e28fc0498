variable "root" {
  description = "The folder of Markdown files to publish, e.g. \"$${path.module}/docs\"."
  type        = string
}

variable "exclude" {
  description = "Files and folders under root to leave out, as path.Match patterns: with a \"/\" matched against the path under root (\"guide/drafts\"), without against every file and folder name (\"includes\", \"_*.md\")."
  type        = list(string)
  default     = []
}

variable "include_drafts" {
  description = "Publish drafts too: files whose front matter has draft: true (Hugo, Docusaurus) or published: false (Jekyll), and files in a _drafts folder (Jekyll). Left out by default, as the site generators leave them out of a production build."
  type        = bool
  default     = false
}

variable "static_dirs" {
  description = "Folders where an image that is not under root is looked up next, by the same path, e.g. [\"$${path.module}/website/static\"] for Docusaurus' or Hugo's static/ (a root-relative /img/logo.png is static/img/logo.png)."
  type        = list(string)
  default     = []
}

variable "space_key" {
  description = "The key of the space the pages are published in, e.g. \"DOCS\"."
  type        = string
}

variable "parent_id" {
  description = "The id of the page the tree is published under; null publishes the top pages at the top of the space."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels put on every page, in addition to each file's front matter tags and labels."
  type        = set(string)
  default     = []
}

variable "source_url_template" {
  description = "When set, every page starts with a \"Managed in Git\" info panel linking to its source file, and relative links to files that are not pages (LICENSE, main.go#L10, folders) link to their source: {path} is replaced by the file's path under root, e.g. \"https://github.com/acme/handbook/blob/main/docs/{path}\"."
  type        = string
  default     = null
}

variable "drop_title_heading" {
  description = "Leave out a page's first level-1 heading when it repeats the page title."
  type        = bool
  default     = true
}

variable "table_of_contents" {
  description = "Put a table of contents at the top of every page."
  type        = bool
  default     = false
}

variable "on_destroy" {
  description = "What happens in Confluence to a page or image that leaves the tree: trash, purge or retain."
  type        = string
  default     = "trash"
}

variable "keep_order" {
  description = "Keep sibling pages in the source's order in Confluence's page tree (SUMMARY.md, front matter weight / nav_order, else the file name), restoring it when someone reorders them by hand; governed as update_page of their parent."
  type        = bool
  default     = true
}
