// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

//go:build generate

// Package tools holds the code generation steps of the repository; its
// go.mod pins the tools (go tool tfplugindocs) apart from the provider's
// own dependencies. Run with `make generate` (or `make docs`).
package tools

// Format the examples the documentation embeds.
//go:generate terraform fmt -recursive ../examples/

// Generate docs/ from templates/, examples/ and the provider's schemas. It
// uses the terraform on PATH and downloads nothing.
//go:generate go tool tfplugindocs generate --provider-dir .. --provider-name confluence
