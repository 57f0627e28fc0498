data "confluence_page" "policy" {
  space_key = "DOCS"
  title     = "Security policy"
}

# Differences Confluence makes on save (<b> vs <strong>, attribute order,
# macro ids) do not count; any change to the content does.
check "security_policy_unchanged" {
  assert {
    condition     = provider::confluence::storage_equal(data.confluence_page.policy.body, file("${path.module}/security-policy.xhtml"))
    error_message = "Someone edited the security policy page in Confluence."
  }
}
