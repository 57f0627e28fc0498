// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// fileFormat is the version of the JSON file Save writes; Load refuses others.
const fileFormat = 1

type savedSite struct {
	Format int   `json:"format"`
	Site   *site `json:"site"`
}

// Save writes the whole site (accounts, grants, spaces, pages with every version) to
// path as JSON. It writes a temporary file first and renames it, so a crash never
// leaves a half-written file behind.
func (e *Emulator) Save(path string) error {
	e.mu.Lock()
	data, err := json.MarshalIndent(savedSite{Format: fileFormat, Site: e.site}, "", "  ")
	e.mu.Unlock()
	if err != nil {
		return fmt.Errorf("emulator: encoding site for %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("emulator: creating the folder of %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("emulator: saving site: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // no-op once renamed
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("emulator: saving site to %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("emulator: saving site to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("emulator: saving site to %s: %w", path, err)
	}
	return nil
}

// Load returns an emulator serving the site saved in path by Save, with opts applied.
func Load(path string, opts Options) (*Emulator, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("emulator: loading site: %w", err)
	}
	var saved savedSite
	if err := json.Unmarshal(data, &saved); err != nil {
		return nil, fmt.Errorf("emulator: %s is not a saved emulator site: %w", path, err)
	}
	if saved.Format != fileFormat || saved.Site == nil {
		return nil, fmt.Errorf("emulator: %s has format %d, this emulator reads format %d; delete it or seed a new site", path, saved.Format, fileFormat)
	}
	e := New(opts)
	s := saved.Site
	if s.Grants == nil {
		s.Grants = map[string]map[string]Permission{}
	}
	if s.Pages == nil {
		s.Pages = map[string]*page{}
	}
	if s.LabelIDs == nil {
		s.LabelIDs = map[string]string{}
	}
	for id, p := range s.Pages {
		if len(p.Versions) == 0 {
			return nil, fmt.Errorf("emulator: %s: page %s has no versions", path, id)
		}
	}
	e.site = s
	return e, nil
}
