// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package release

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ChangelogSections are the section labels of HashiCorp's provider changelogs, in the
// order they appear under a version.
var ChangelogSections = []string{"BREAKING CHANGES:", "NOTES:", "FEATURES:", "ENHANCEMENTS:", "BUG FIXES:"}

var releasedHeadingRE = regexp.MustCompile(`^## (` + semverPattern + `) \(([A-Z][a-z]+ [1-9][0-9]?, [0-9]{4})\)$`)

// CheckChangelog checks CHANGELOG.md against HashiCorp's provider changelog format: an
// optional "## Unreleased" first, then "## X.Y.Z (Month D, YYYY)" headings, newest first;
// under each, section labels from ChangelogSections in order, each followed by "* " entries
// (continued on lines indented by two spaces).
func CheckChangelog(text string) error {
	var errs []error
	var versions []string
	section := -1
	inComment := false
	entries := 0 // entries under the current section
	heading := ""
	endSection := func(n int) {
		if section >= 0 && entries == 0 {
			errs = append(errs, fmt.Errorf("line %d: %s under %q has no entries", n, ChangelogSections[section], heading))
		}
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		n := i + 1
		switch {
		case inComment:
			inComment = !strings.Contains(line, "-->")
		case strings.HasPrefix(line, "<!--"):
			inComment = !strings.Contains(line, "-->")
		case strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "## "):
			endSection(n)
			section, entries, heading = -1, 0, line
			if line == "## Unreleased" {
				if len(versions) > 0 || n != firstHeadingLine(lines) {
					errs = append(errs, fmt.Errorf("line %d: ## Unreleased must be the first heading, and only once", n))
				}
				versions = append(versions, "Unreleased")
				continue
			}
			m := releasedHeadingRE.FindStringSubmatch(line)
			if m == nil {
				errs = append(errs, fmt.Errorf("line %d: %q is neither \"## Unreleased\" nor \"## X.Y.Z (Month D, YYYY)\"", n, line))
				continue
			}
			if _, err := time.Parse("January 2, 2006", m[2]); err != nil {
				errs = append(errs, fmt.Errorf("line %d: %q is not a date like \"March 2, 2027\"", n, m[2]))
			}
			if slices.Contains(versions, m[1]) {
				errs = append(errs, fmt.Errorf("line %d: version %s is listed twice", n, m[1]))
			}
			versions = append(versions, m[1])
		case strings.HasPrefix(line, "* "):
			if section < 0 {
				errs = append(errs, fmt.Errorf("line %d: an entry outside a section (%s)", n, strings.Join(ChangelogSections, ", ")))
			}
			entries++
		case strings.HasPrefix(line, "  ") && entries > 0:
			// An entry wrapped onto more lines, or a nested list under it.
		default:
			idx := slices.Index(ChangelogSections, line)
			switch {
			case idx < 0:
				errs = append(errs, fmt.Errorf("line %d: %q is not a heading, a section label (%s) or a \"* \" entry", n, line, strings.Join(ChangelogSections, ", ")))
			case heading == "":
				errs = append(errs, fmt.Errorf("line %d: %s before any version heading", n, line))
			case idx <= section:
				errs = append(errs, fmt.Errorf("line %d: %s comes after %s under %q; the order is %s", n, line, ChangelogSections[section], heading, strings.Join(ChangelogSections, ", ")))
			default:
				endSection(n)
				section, entries = idx, 0
			}
		}
	}
	endSection(len(lines))
	if len(versions) == 0 {
		errs = append(errs, errors.New("no version heading"))
	}
	return errors.Join(errs...)
}

func firstHeadingLine(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, "## ") {
			return i + 1
		}
	}
	return 0
}
