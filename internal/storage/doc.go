// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package storage handles Confluence storage format, the XHTML dialect page
// bodies are stored in: validation at plan time (Validate), a canonical form
// for drift detection and readable diffs (Canonicalize, Equivalent, Hash),
// Markdown rendering (MarkdownToStorage) and text extraction (PlainText).
//
// Confluence rewrites a body on save (b becomes strong, macros get fresh
// ac:macro-id values, attributes are reordered, entities decoded, whitespace
// between blocks dropped), so bodies are never compared byte for byte: two
// bodies are the same page when their canonical forms are equal.
//
// The package depends on no other package of the provider and is not used by
// the Confluence emulator, which has its own independent rewriter.
package storage
