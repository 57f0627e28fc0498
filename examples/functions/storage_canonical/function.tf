# "<p><strong>Hello</strong> &#160;world</p>"
output "canonical" {
  value = provider::confluence::storage_canonical("<p><b>Hello</b>  &nbsp;world</p>")
}
