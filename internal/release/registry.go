// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package release checks a release's artifacts against the Terraform Registry's rules for
// a provider release, as documented in "Manually Preparing a Release" at
// https://developer.hashicorp.com/terraform/registry/providers/publishing:
//
//   - one zip per platform, terraform-provider-{NAME}_{VERSION}_{OS}_{ARCH}.zip, holding
//     the binary terraform-provider-{NAME}_v{VERSION} (.exe on Windows);
//   - terraform-provider-{NAME}_{VERSION}_SHA256SUMS with the sha256 of every zip, and its
//     detached signature …_SHA256SUMS.sig;
//   - terraform-provider-{NAME}_{VERSION}_manifest.json naming the plugin protocol;
//   - VERSION a semantic version (https://semver.org), without the tag's "v".
//
// The rules are written from that page, not from .goreleaser.yml, so a change to the
// release configuration that breaks them fails `make release-check`.
package release

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// ProviderName is NAME in the registry's file names: the provider's type.
const ProviderName = "confluence"

// ProtocolVersion is the plugin protocol terraform-plugin-framework serves (main.go uses
// providerserver, protocol 6); the manifest must name exactly it.
const ProtocolVersion = "6.0"

// semverPattern is the regular expression semver.org suggests for SemVer 2.0.0.
const semverPattern = `(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)` +
	`(?:-(?:(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?`

var (
	semverRE = regexp.MustCompile(`^` + semverPattern + `$`)
	// OS and ARCH are Go's GOOS and GOARCH, which are lower-case letters and digits.
	providerZipRE = regexp.MustCompile(`^terraform-provider-([a-z0-9-]+)_(` + semverPattern + `)_([a-z0-9]+)_([a-z0-9]+)\.zip$`)
	sumsFileRE    = regexp.MustCompile(`^terraform-provider-([a-z0-9-]+)_(` + semverPattern + `)_SHA256SUMS$`)
	sumLineRE     = regexp.MustCompile(`^([0-9a-f]{64})  (\S+)$`)
)

// ValidVersion reports whether v is a semantic version as the registry requires.
func ValidVersion(v string) bool { return semverRE.MatchString(v) }

// Platform is one os/arch pair a provider zip is built for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "_" + p.Arch }

// ParseProviderZip returns the platform of a provider zip named by the registry's rule for
// provider name and version, or an error saying how the name breaks the rule.
func ParseProviderZip(fileName, name, version string) (Platform, error) {
	m := providerZipRE.FindStringSubmatch(fileName)
	if m == nil {
		return Platform{}, fmt.Errorf("%q is not named terraform-provider-{NAME}_{VERSION}_{OS}_{ARCH}.zip", fileName)
	}
	if m[1] != name {
		return Platform{}, fmt.Errorf("%q is for provider %q, not %q", fileName, m[1], name)
	}
	if m[2] != version {
		return Platform{}, fmt.Errorf("%q is for version %q, not %q", fileName, m[2], version)
	}
	return Platform{OS: m[3], Arch: m[4]}, nil
}

// SumsFileName is the checksum file the registry reads for a version.
func SumsFileName(name, version string) string {
	return "terraform-provider-" + name + "_" + version + "_SHA256SUMS"
}

// ManifestFileName is the registry manifest published with a version.
func ManifestFileName(name, version string) string {
	return "terraform-provider-" + name + "_" + version + "_manifest.json"
}

// BinaryName is the provider binary a zip for os must hold.
func BinaryName(name, version, os string) string {
	b := "terraform-provider-" + name + "_v" + version
	if os == "windows" {
		b += ".exe"
	}
	return b
}

// VersionFromSumsFile returns the version named by a checksum file name, if it is one for
// provider name.
func VersionFromSumsFile(fileName, name string) (string, bool) {
	m := sumsFileRE.FindStringSubmatch(fileName)
	if m == nil || m[1] != name {
		return "", false
	}
	return m[2], true
}

// CheckZipEntries checks a provider zip's file list: the binary for its platform at the
// top level (Terraform runs the file it finds by that name), no other provider binary.
// Other files (LICENSE, README) are allowed.
func CheckZipEntries(entries []string, name, version string, p Platform) error {
	want := BinaryName(name, version, p.OS)
	if !slices.Contains(entries, want) {
		return fmt.Errorf("the %s zip has no %q at its top level (entries: %s)", p, want, strings.Join(entries, ", "))
	}
	for _, e := range entries {
		if e != want && strings.HasPrefix(path.Base(e), "terraform-provider-") {
			return fmt.Errorf("the %s zip holds a second provider binary %q beside %q", p, e, want)
		}
	}
	return nil
}

// ParseSums parses a SHA256SUMS file (sha256sum's text format: hex digest, two spaces,
// file name) into file name → digest.
func ParseSums(data []byte) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		m := sumLineRE.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d %q is not \"<sha256 hex>  <file name>\"", n, line)
		}
		if _, dup := sums[m[2]]; dup {
			return nil, fmt.Errorf("line %d lists %q a second time", n, m[2])
		}
		sums[m[2]] = m[1]
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, errors.New("the checksum file lists no file")
	}
	return sums, nil
}

// CheckSums checks the entries of a version's SHA256SUMS: the manifest, and only files
// the registry may read under the provider's name. Every entry named terraform-provider-*
// must be a provider zip of this version or the manifest, so that no other archive (the
// repository's commands) can be taken for the provider. It returns the platforms listed.
func CheckSums(sums map[string]string, name, version string) ([]Platform, error) {
	var errs []error
	var platforms []Platform
	manifest := ManifestFileName(name, version)
	if _, ok := sums[manifest]; !ok {
		errs = append(errs, fmt.Errorf("no entry for the manifest %q", manifest))
	}
	for _, file := range slices.Sorted(maps.Keys(sums)) {
		if file == manifest || !strings.HasPrefix(file, "terraform-provider-") {
			continue
		}
		p, err := ParseProviderZip(file, name, version)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		platforms = append(platforms, p)
	}
	if len(platforms) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("no provider zip is listed"))
	}
	return platforms, errors.Join(errs...)
}

// CheckManifest checks terraform-registry-manifest.json: format version 1 naming exactly
// the protocol the provider serves.
func CheckManifest(data []byte) error {
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("the manifest is not the registry's JSON: %w", err)
	}
	if m.Version != 1 {
		return fmt.Errorf("the manifest has version %d; the registry reads version 1", m.Version)
	}
	if !slices.Equal(m.Metadata.ProtocolVersions, []string{ProtocolVersion}) {
		return fmt.Errorf("the manifest names protocol_versions %q; the provider serves only %q",
			m.Metadata.ProtocolVersions, ProtocolVersion)
	}
	return nil
}
