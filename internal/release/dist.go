// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package release

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Dist is a checked release directory (goreleaser's dist/).
type Dist struct {
	Version string
	// Zips maps each platform to the path of its provider zip.
	Zips map[Platform]string
}

// CheckDist checks the release in dir as the registry would read it for provider name:
// the one SHA256SUMS file, the provider zips and their contents, the digest of every
// listed file present in dir, and the manifest at manifestPath (goreleaser publishes the
// repository's terraform-registry-manifest.json under the _manifest.json name, so its
// digest in SHA256SUMS must be that file's).
func CheckDist(dir, name, manifestPath string) (*Dist, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var sumsFiles []string
	var version string
	for _, e := range entries {
		if v, ok := VersionFromSumsFile(e.Name(), name); ok && !e.IsDir() {
			sumsFiles = append(sumsFiles, e.Name())
			version = v
		}
	}
	if len(sumsFiles) != 1 {
		return nil, fmt.Errorf("%s holds %d checksum files %q; want exactly one terraform-provider-%s_{VERSION}_SHA256SUMS",
			dir, len(sumsFiles), sumsFiles, name)
	}
	data, err := os.ReadFile(filepath.Join(dir, sumsFiles[0]))
	if err != nil {
		return nil, err
	}
	sums, err := ParseSums(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sumsFiles[0], err)
	}
	platforms, err := CheckSums(sums, name, version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sumsFiles[0], err)
	}

	var errs []error
	manifest, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, err
	}
	if err := CheckManifest(manifest); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", manifestPath, err))
	}
	manifestName := ManifestFileName(name, version)
	if got, want := sums[manifestName], digest(manifest); got != want {
		errs = append(errs, fmt.Errorf("%s lists %s with sha256 %s, but %s has %s", sumsFiles[0], manifestName, got, manifestPath, want))
	}

	// Every file listed that is in dir must match its digest (the manifest is only
	// uploaded at publish time, so it is not there in a snapshot).
	for file, want := range sums {
		if file == manifestName {
			continue
		}
		got, err := fileDigest(filepath.Join(dir, file))
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s lists %s: %w", sumsFiles[0], file, err))
		case got != want:
			errs = append(errs, fmt.Errorf("%s lists %s with sha256 %s, but the file has %s", sumsFiles[0], file, want, got))
		}
	}

	d := &Dist{Version: version, Zips: map[Platform]string{}}
	for _, p := range platforms {
		zipPath := filepath.Join(dir, "terraform-provider-"+name+"_"+version+"_"+p.String()+".zip")
		d.Zips[p] = zipPath
		names, err := zipEntries(zipPath)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := CheckZipEntries(names, name, version, p); err != nil {
			errs = append(errs, err)
		}
	}
	// A provider zip the checksum file does not list would be rejected by the registry.
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "terraform-provider-") && strings.HasSuffix(e.Name(), ".zip") {
			if _, ok := sums[e.Name()]; !ok {
				errs = append(errs, fmt.Errorf("%s is not listed in %s", e.Name(), sumsFiles[0]))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose on close
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func zipEntries(path string) ([]string, error) {
	r, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable zip: %w", filepath.Base(path), err)
	}
	defer func() { _ = r.Close() }()
	names := make([]string, 0, len(r.File))
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	return names, nil
}
