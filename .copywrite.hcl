schema_version = 1

project {
  license        = "MPL-2.0"
  copyright_holder = "docs-as-code contributors"
  copyright_year = 2026

  header_ignore = [
    "docs/**",
    "examples/**",
    "internal/emulator/testdata/**",
    ".goreleaser.yml",
    ".golangci.yml",
  ]
}
