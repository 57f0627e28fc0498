// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Confluence reports no content hash for attachments. The provider records the
// SHA-256 of what it uploaded in the attachment's comment (as mark does), so
// one list request tells which local files changed, without downloading.

var hashMarker = regexp.MustCompile(`(?:^|\s)\[sha256:([0-9a-f]{64})\]$`)

// AttachmentComment is the comment stored with an upload: the user's comment
// followed by the content's hash marker, e.g. "Architecture [sha256:…]".
func AttachmentComment(comment, sha256Hex string) string {
	marker := "[sha256:" + sha256Hex + "]"
	if comment = strings.TrimSpace(comment); comment == "" {
		return marker
	}
	return comment + " " + marker
}

// ParseAttachmentComment splits a stored comment into the user's comment and
// the hash the provider recorded ("" when the comment carries none, e.g. a
// file a person uploaded).
func ParseAttachmentComment(stored string) (comment, sha256Hex string) {
	m := hashMarker.FindStringSubmatchIndex(stored)
	if m == nil {
		return stored, ""
	}
	return strings.TrimSpace(stored[:m[0]]), stored[m[2]:m[3]]
}

// LocalFile is a file on disk to attach under Filename.
type LocalFile struct {
	Path     string
	Filename string
}

// HashedFile is a LocalFile with its content's identity.
type HashedFile struct {
	LocalFile
	SHA256    string
	Size      int64
	MediaType string
}

// HashFile reads a file once, streaming, and returns its SHA-256 and size.
func HashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", n, fmt.Errorf("reading %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// OpenFile returns an AttachmentUpload's Open for a path.
func OpenFile(p string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(p) }
}

// mediaTypes is a fixed table so that the media type sent does not depend on
// the host's mime.types.
var mediaTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp", ".bmp": "image/bmp", ".ico": "image/vnd.microsoft.icon",
	".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
	".json": "application/json", ".xml": "application/xml", ".zip": "application/zip",
	".html": "text/html", ".htm": "text/html", ".mp4": "video/mp4", ".drawio": "application/vnd.jgraph.mxfile",
}

// MediaTypeOf is the media type uploads declare for a file name; unknown
// extensions are application/octet-stream.
func MediaTypeOf(filename string) string {
	if mt, ok := mediaTypes[strings.ToLower(path.Ext(filename))]; ok {
		return mt
	}
	return "application/octet-stream"
}

// UploadAction says what a file needs.
type UploadAction string

// Upload actions.
const (
	UploadNone   UploadAction = "unchanged" // the page has these exact bytes under the name
	UploadCreate UploadAction = "create"    // no current attachment of that name
	UploadUpdate UploadAction = "update"    // a new version of Existing
)

// PlannedUpload is one file's plan.
type PlannedUpload struct {
	File     HashedFile
	Action   UploadAction
	Existing *Attachment // the current attachment of that name, if any
}

// UploadPlan is what a set of files needs on one page.
type UploadPlan struct {
	Uploads []PlannedUpload
	// Orphans are attachments the provider uploaded (they carry its hash
	// marker) whose names are not among the files: candidates for removal.
	// Files people attached are never listed.
	Orphans []Attachment
}

// Bytes is how much the plan uploads.
func (p UploadPlan) Bytes() int64 {
	var n int64
	for _, u := range p.Uploads {
		if u.Action != UploadNone {
			n += u.File.Size
		}
	}
	return n
}

// PlanUploads compares hashed local files with a page's current attachments
// (one list) and says which files to upload. Pure: no I/O.
func PlanUploads(existing []Attachment, files []HashedFile) (UploadPlan, error) {
	byName := map[string]*Attachment{}
	for i := range existing {
		a := &existing[i]
		if a.Status == "" || a.Status == "current" {
			byName[a.Title] = a
		}
	}
	var plan UploadPlan
	seen := map[string]string{}
	for _, f := range files {
		if other, dup := seen[f.Filename]; dup {
			return UploadPlan{}, fmt.Errorf("%s and %s would both be attached as %q: a page holds one file per name", other, f.Path, f.Filename)
		}
		seen[f.Filename] = f.Path
		a := byName[f.Filename]
		switch {
		case a == nil:
			plan.Uploads = append(plan.Uploads, PlannedUpload{File: f, Action: UploadCreate})
		case storedHash(*a) == f.SHA256 && a.FileSize == f.Size:
			plan.Uploads = append(plan.Uploads, PlannedUpload{File: f, Action: UploadNone, Existing: a})
		default:
			plan.Uploads = append(plan.Uploads, PlannedUpload{File: f, Action: UploadUpdate, Existing: a})
		}
	}
	for _, a := range byName {
		if _, wanted := seen[a.Title]; !wanted && storedHash(*a) != "" {
			plan.Orphans = append(plan.Orphans, *a)
		}
	}
	sort.Slice(plan.Orphans, func(i, j int) bool { return plan.Orphans[i].Title < plan.Orphans[j].Title })
	return plan, nil
}

func storedHash(a Attachment) string {
	_, h := ParseAttachmentComment(a.Comment)
	return h
}

// PlanPageUploads hashes the local files and plans them against the page's
// attachments with one list request (per 250 attachments).
func (c *Client) PlanPageUploads(ctx context.Context, pageID string, files []LocalFile) (UploadPlan, error) {
	hashed := make([]HashedFile, 0, len(files))
	for _, f := range files {
		sum, size, err := HashFile(f.Path)
		if err != nil {
			return UploadPlan{}, err
		}
		hashed = append(hashed, HashedFile{LocalFile: f, SHA256: sum, Size: size, MediaType: MediaTypeOf(f.Filename)})
	}
	existing, err := c.ListPageAttachments(ctx, pageID, ListAttachmentsOptions{})
	if err != nil {
		return UploadPlan{}, err
	}
	return PlanUploads(existing, hashed)
}

// ApplyUpload carries out one planned upload and returns the attachment.
func (c *Client) ApplyUpload(ctx context.Context, pageID string, u PlannedUpload, comment string) (*Attachment, error) {
	up := AttachmentUpload{
		Filename: u.File.Filename, MediaType: u.File.MediaType, Comment: AttachmentComment(comment, u.File.SHA256),
		Size: u.File.Size, SHA256: u.File.SHA256, Open: OpenFile(u.File.Path),
	}
	switch u.Action {
	case UploadCreate:
		return c.CreateAttachment(ctx, pageID, up)
	case UploadUpdate:
		return c.UpdateAttachmentData(ctx, pageID, u.Existing.ID, u.Existing.Version.Number, up)
	default:
		return u.Existing, nil
	}
}
