// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import "strings"

// githubThemedImage applies GitHub's theme fragments to an image source
// ("Specifying the theme an image is shown to",
// https://docs.github.com/en/get-started/writing-on-github/getting-started-with-writing-and-formatting-on-github/basic-writing-and-formatting-syntax#specifying-the-theme-an-image-is-shown-to):
// a README shows logo-light.png#gh-light-mode-only next to
// logo-dark.png#gh-dark-mode-only and GitHub shows one of them. Confluence
// has no dark-mode switch for images, so the light one is kept (without its
// fragment) and the dark one left out (shown reports false), rather than
// showing, and attaching, both.
func githubThemedImage(src string) (kept string, shown bool) {
	if strings.HasSuffix(src, "#gh-dark-mode-only") {
		return "", false
	}
	return strings.TrimSuffix(src, "#gh-light-mode-only"), true
}
