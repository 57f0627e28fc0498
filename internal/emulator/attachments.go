// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attachments as Confluence Cloud serves them:
//   - v2 GET /pages/{id}/attachments, GET /attachments/{id}, DELETE /attachments/{id}
//     (openapi-v2.v3.json, operations getPageAttachments, getAttachmentById, deleteAttachment);
//   - v1 POST /content/{id}/child/attachment and POST …/child/attachment/{attachmentId}/data
//     (multipart uploads, swagger.v3.json, "Create attachment" and "Update attachment data");
//   - v1 GET …/child/attachment/{attachmentId}/download, which redirects to the download
//     link, and the download link itself (/wiki/download/attachments/{pageId}/{filename}),
//     which serves the bytes.
//
// Permissions follow pages: view to read and download, edit to upload and trash, space
// admin to purge (deleteAttachment: "Permission to administer the space (if attempting to
// purge)").

// DefaultMaxAttachmentSize is the emulator's attachment size limit when Options leave it
// unset: 100 MiB, Confluence Cloud's default "Attachment Maximum Size".
const DefaultMaxAttachmentSize = 100 << 20

// attachment is a file attached to a page; every upload adds a version.
type attachment struct {
	ID        string               `json:"id"` // "att" + number, as Confluence's ids
	FileID    string               `json:"file_id"`
	Status    string               `json:"status"`
	CreatedAt time.Time            `json:"created_at"`
	Versions  []*attachmentVersion `json:"versions"` // oldest first
}

type attachmentVersion struct {
	Number    int       `json:"number"`
	Title     string    `json:"title"` // the file name
	MediaType string    `json:"media_type"`
	Comment   string    `json:"comment,omitempty"`
	Data      []byte    `json:"data"`
	AuthorID  string    `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
	MinorEdit bool      `json:"minor_edit,omitempty"`
}

func (a *attachment) current() *attachmentVersion { return a.Versions[len(a.Versions)-1] }

// attachmentByIDLocked finds an attachment and its page. v2 accepts the id with or
// without its "att" prefix (getAttachmentById: pattern "(att)?[0-9]+").
func (e *Emulator) attachmentByIDLocked(id string) (*attachment, *page) {
	id = "att" + strings.TrimPrefix(id, "att")
	for _, p := range e.site.Pages {
		for _, a := range p.Attachments {
			if a.ID == id {
				return a, p
			}
		}
	}
	return nil, nil
}

// visibleAttachment finds an attachment on a page the caller may view; anything else is 404.
func (c *call) visibleAttachment(id string) (*attachment, *page, *space, Permission, *apiError) {
	a, p := c.e.attachmentByIDLocked(id)
	if a == nil {
		return nil, nil, nil, PermNone, notFound()
	}
	s := c.e.spaceByIDLocked(p.SpaceID)
	perm := c.e.permLocked(c.acct, s)
	if perm < PermView {
		return nil, nil, nil, PermNone, notFound()
	}
	return a, p, s, perm, nil
}

// v2Attachment is AttachmentBulk / AttachmentSingle.
type v2Attachment struct {
	ID                   string            `json:"id"`
	Status               string            `json:"status"`
	Title                string            `json:"title"`
	CreatedAt            string            `json:"createdAt"`
	PageID               string            `json:"pageId"`
	MediaType            string            `json:"mediaType"`
	MediaTypeDescription string            `json:"mediaTypeDescription"`
	Comment              string            `json:"comment"`
	FileID               string            `json:"fileId"`
	FileSize             int64             `json:"fileSize"`
	WebuiLink            string            `json:"webuiLink"`
	DownloadLink         string            `json:"downloadLink"`
	Version              *v2Version        `json:"version,omitempty"`
	Links                map[string]string `json:"_links"`
}

// downloadLink is relative to /wiki, as Confluence's downloadLink and _links.download are:
// /download/attachments/{pageId}/{filename}?version=N&modificationDate=…&api=v2.
func downloadLink(pageID string, v *attachmentVersion) string {
	q := url.Values{"version": {strconv.Itoa(v.Number)}, "modificationDate": {strconv.FormatInt(v.CreatedAt.UnixMilli(), 10)}, "cacheVersion": {"1"}, "api": {"v2"}}
	return "/download/attachments/" + pageID + "/" + url.PathEscape(v.Title) + "?" + q.Encode()
}

func attachmentWebUI(pageID string, a *attachment) string {
	return "/pages/viewpageattachments.action?pageId=" + pageID + "&preview=" + url.QueryEscape("/"+pageID+"/"+a.ID+"/"+a.current().Title)
}

func renderAttachment(a *attachment, pageID string, v *attachmentVersion, includeVersion bool) v2Attachment {
	out := v2Attachment{
		ID: a.ID, Status: a.Status, Title: v.Title, CreatedAt: formatTime(a.CreatedAt), PageID: pageID,
		MediaType: v.MediaType, MediaTypeDescription: mediaTypeDescription(v.MediaType), Comment: v.Comment,
		FileID: a.FileID, FileSize: int64(len(v.Data)), WebuiLink: attachmentWebUI(pageID, a), DownloadLink: downloadLink(pageID, v),
	}
	out.Links = map[string]string{"webui": out.WebuiLink, "download": out.DownloadLink}
	if includeVersion {
		vv := v2Version{CreatedAt: formatTime(v.CreatedAt), Message: v.Comment, Number: v.Number, MinorEdit: v.MinorEdit, AuthorID: v.AuthorID}
		out.Version = &vv
	}
	return out
}

// handleListPageAttachments serves GET /wiki/api/v2/pages/{id}/attachments: cursor paging
// (limit default 50, at most 250), status (default current and archived), filename and
// mediaType filters, sort by created-date or modified-date.
func handleListPageAttachments(c *call) *apiError {
	p, _, _, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	limit := 50 // getPageAttachments documents 50 as this endpoint's default
	if c.query("limit") != "" {
		if limit, err = parseLimit(c); err != nil {
			return err
		}
	}
	statuses := multiValues(c, "status")
	if len(statuses) == 0 {
		statuses = []string{statusCurrent, "archived"}
	}
	sortName := c.query("sort")
	desc := strings.HasPrefix(sortName, "-")
	var key func(*attachment) string
	switch strings.TrimPrefix(sortName, "-") {
	case "", "created-date":
		key = func(a *attachment) string { return timeKey(a.CreatedAt) + paddedID(strings.TrimPrefix(a.ID, "att")) }
	case "modified-date":
		key = func(a *attachment) string {
			return timeKey(a.current().CreatedAt) + paddedID(strings.TrimPrefix(a.ID, "att"))
		}
	default:
		return badRequest("Invalid sort %q: use created-date or modified-date, optionally prefixed with -", sortName)
	}
	filename, mediaType := c.query("filename"), c.query("mediaType")
	var matched []*attachment
	for _, a := range p.Attachments {
		cur := a.current()
		if !slices.Contains(statuses, a.Status) || (filename != "" && cur.Title != filename) || (mediaType != "" && cur.MediaType != mediaType) {
			continue
		}
		matched = append(matched, a)
	}
	items, next, err := keyedPage(matched, key, desc, "attachments:"+sortName, c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]v2Attachment, 0, len(items))
	for _, a := range items {
		results = append(results, renderAttachment(a, p.ID, a.current(), true))
	}
	return writeV2List(c, results, next)
}

// handleGetAttachment serves GET /wiki/api/v2/attachments/{id}, optionally a version.
func handleGetAttachment(c *call) *apiError {
	a, p, _, _, err := c.visibleAttachment(c.param("id"))
	if err != nil {
		return err
	}
	v := a.current()
	if raw := c.query("version"); raw != "" {
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 1 || n > len(a.Versions) {
			return notFound()
		}
		v = a.Versions[n-1]
	}
	includeVersion, err := boolQuery(c, "include-version", true)
	if err != nil {
		return err
	}
	out := renderAttachment(a, p.ID, v, includeVersion)
	out.Links["base"] = c.baseURL()
	return c.json(http.StatusOK, out)
}

// handleDeleteAttachment serves DELETE /wiki/api/v2/attachments/{id}: a current attachment
// moves to the trash; purge=true removes a trashed one for good and needs space admin.
func handleDeleteAttachment(c *call) *apiError {
	a, p, s, perm, err := c.visibleAttachment(c.param("id"))
	if err != nil {
		return err
	}
	purge, err := boolQuery(c, "purge", false)
	if err != nil {
		return err
	}
	if purge {
		if a.Status != statusTrashed {
			return badRequest("Attachment %s is not in the trash: trash it first (DELETE without purge), then purge it", a.ID)
		}
		if perm < PermAdmin {
			return forbidden("Purging attachment %s needs space admin permission in space %s", a.ID, s.Key)
		}
		p.Attachments = slices.DeleteFunc(p.Attachments, func(x *attachment) bool { return x == a })
		return c.noContent()
	}
	if a.Status == statusTrashed {
		return notFound()
	}
	if perm < PermEdit {
		// deleteAttachment lists a missing delete permission under 404.
		return notFound()
	}
	a.Status = statusTrashed
	return c.noContent()
}

// xsrfTokenOK reports whether a multipart request carries X-Atlassian-Token: nocheck,
// which the v1 document requires ("you must set a X-Atlassian-Token: nocheck header on
// the request for this method, otherwise it will be blocked"); clients also send no-check.
func xsrfTokenOK(r *http.Request) bool {
	v := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Atlassian-Token")))
	return v == "nocheck" || v == "no-check"
}

// upload is one file part of a multipart upload, with its comment.
type upload struct {
	filename, mediaType, comment string
	data                         []byte
	minorEdit                    bool
}

// readUploads parses a multipart/form-data upload: "file" parts (several allowed),
// "comment" parts matched to files in order, and "minorEdit". A file over the size limit
// answers 404, as the v1 document lists ("The attachment exceeds the maximum configured
// attachment size").
//
// Handlers run with the emulator's mutex held; the body is read with it released, so a
// slow upload does not stall every other request, and nothing of the site is touched
// meanwhile.
func (c *call) readUploads() ([]upload, *apiError) {
	if !xsrfTokenOK(c.r) {
		return nil, v1Errorf(http.StatusForbidden, "XSRF check failed: send the header X-Atlassian-Token: nocheck with multipart requests")
	}
	limit := c.e.maxAttachmentSize
	if limit <= 0 {
		limit = DefaultMaxAttachmentSize
	}
	c.e.mu.Unlock()
	files, err := c.parseUploadParts(limit)
	c.e.mu.Lock()
	for _, f := range files {
		c.e.stats.UploadedBytes += int64(len(f.data))
	}
	return files, err
}

func (c *call) parseUploadParts(limit int64) ([]upload, *apiError) {
	mediaType, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" {
		return nil, v1Errorf(http.StatusUnsupportedMediaType, "Attachments are uploaded as multipart/form-data, got %q", c.r.Header.Get("Content-Type"))
	}
	mr, err := c.r.MultipartReader()
	if err != nil {
		return nil, v1Errorf(http.StatusBadRequest, "Could not read the multipart body: %v", err)
	}
	var files []upload
	var comments []string
	minorEdit := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, v1Errorf(http.StatusBadRequest, "Could not read the multipart body: %v", err)
		}
		switch part.FormName() {
		case "file":
			data, err := io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				return nil, v1Errorf(http.StatusBadRequest, "Could not read the file part: %v", err)
			}
			if int64(len(data)) > limit {
				return nil, v1Errorf(http.StatusNotFound, "The attachment %s exceeds the maximum configured attachment size of %d bytes", part.FileName(), limit)
			}
			files = append(files, upload{filename: part.FileName(), mediaType: part.Header.Get("Content-Type"), data: data})
		case "comment":
			text, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return nil, v1Errorf(http.StatusBadRequest, "Could not read the comment part: %v", err)
			}
			comments = append(comments, string(text))
		case "minorEdit":
			text, _ := io.ReadAll(io.LimitReader(part, 16))
			minorEdit, _ = strconv.ParseBool(strings.Trim(strings.TrimSpace(string(text)), `"`))
		}
		_ = part.Close()
	}
	if len(files) == 0 {
		return nil, v1Errorf(http.StatusBadRequest, "No file part named \"file\" in the upload")
	}
	// "If you specify a comment, then every file must have a comment and the comments
	// must be in the same order as the files."
	if len(comments) > 0 && len(comments) != len(files) {
		return nil, v1Errorf(http.StatusBadRequest, "%d comments for %d files: give every file a comment, in the same order, or none", len(comments), len(files))
	}
	for i := range files {
		if files[i].filename == "" || files[i].filename == "." || files[i].filename == "/" {
			return nil, v1Errorf(http.StatusBadRequest, "The file part has no file name")
		}
		if len(comments) > 0 {
			files[i].comment = comments[i]
		}
		files[i].minorEdit = minorEdit
		files[i].mediaType = detectMediaType(files[i].filename, files[i].mediaType)
	}
	return files, nil
}

// v1UploadPage resolves the page of a v1 attachment upload; uploads need edit permission
// ("Permission to update the content").
func (c *call) v1UploadPage() (*page, *apiError) {
	p, s, perm, err := c.visiblePage(c.param("id"))
	if err != nil || p.Status != statusCurrent {
		return nil, v1Errorf(http.StatusNotFound, "No content found with id: %s", c.param("id"))
	}
	if perm < PermEdit {
		return nil, v1Errorf(http.StatusForbidden, "%s may not add attachments to content %s in space %s", c.acct.DisplayName, p.ID, s.Key)
	}
	return p, nil
}

// handleCreateAttachments serves POST /wiki/rest/api/content/{id}/child/attachment. It only
// adds: a current attachment with the same file name answers 400 ("Returned if the content
// already has an attachment with the same filename"), and nothing of the request is stored.
func handleCreateAttachments(c *call) *apiError {
	if status := c.query("status"); status != "" && status != statusCurrent {
		return v1Errorf(http.StatusBadRequest, "The emulator attaches files to current pages only, not %q", status)
	}
	files, err := c.readUploads()
	if err != nil {
		return err
	}
	p, err := c.v1UploadPage()
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f.filename] || p.currentAttachmentNamed(f.filename) != nil {
			return v1Errorf(http.StatusBadRequest, "Cannot add a new attachment with same file name as an existing attachment: %s", f.filename)
		}
		seen[f.filename] = true
	}
	now := c.e.now().UTC()
	out := v1AttachmentArray{Results: []v1Attachment{}, Links: map[string]string{"base": c.baseURL(), "context": "/wiki"}}
	for _, f := range files {
		a := &attachment{ID: "att" + c.e.nextIDLocked(), Status: statusCurrent, CreatedAt: now}
		a.FileID = fileID(a.ID)
		a.Versions = []*attachmentVersion{{Number: 1, Title: f.filename, MediaType: f.mediaType, Comment: f.comment, Data: f.data, AuthorID: c.acct.AccountID, CreatedAt: now, MinorEdit: f.minorEdit}}
		p.Attachments = append(p.Attachments, a)
		out.Results = append(out.Results, c.renderV1Attachment(a, p))
	}
	out.Size, out.Limit = len(out.Results), len(out.Results)
	return c.json(http.StatusOK, out)
}

// handleUpdateAttachmentData serves POST …/child/attachment/{attachmentId}/data: the upload
// becomes the attachment's next version; its file name stays.
func handleUpdateAttachmentData(c *call) *apiError {
	files, err := c.readUploads()
	if err != nil {
		return err
	}
	p, err := c.v1UploadPage()
	if err != nil {
		return err
	}
	a := p.attachmentByID(c.param("attachmentId"))
	if a == nil || a.Status != statusCurrent {
		return v1Errorf(http.StatusNotFound, "No attachment found with id %s on content %s", c.param("attachmentId"), p.ID)
	}
	if len(files) != 1 {
		return v1Errorf(http.StatusBadRequest, "Updating attachment data takes exactly one file, got %d", len(files))
	}
	f := files[0]
	cur := a.current()
	a.Versions = append(a.Versions, &attachmentVersion{Number: cur.Number + 1, Title: cur.Title, MediaType: f.mediaType, Comment: f.comment, Data: f.data, AuthorID: c.acct.AccountID, CreatedAt: c.e.now().UTC(), MinorEdit: f.minorEdit})
	return c.json(http.StatusOK, c.renderV1Attachment(a, p))
}

// handleV1DownloadAttachment serves GET …/child/attachment/{attachmentId}/download: a 302 to
// the download link of the requested (default latest) version.
func handleV1DownloadAttachment(c *call) *apiError {
	p, _, _, err := c.visiblePage(c.param("id"))
	if err != nil {
		return v1Errorf(http.StatusNotFound, "No content found with id: %s", c.param("id"))
	}
	a := p.attachmentByID(c.param("attachmentId"))
	statuses := multiValues(c, "status")
	if len(statuses) == 0 {
		statuses = []string{statusCurrent}
	}
	if a == nil || !slices.Contains(statuses, a.Status) {
		return v1Errorf(http.StatusNotFound, "No attachment found with id %s on content %s", c.param("attachmentId"), p.ID)
	}
	v := a.current()
	if raw := c.query("version"); raw != "" {
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 1 || n > len(a.Versions) {
			return v1Errorf(http.StatusBadRequest, "Invalid version %q: attachment %s has versions 1 to %d", raw, a.ID, len(a.Versions))
		}
		v = a.Versions[n-1]
	}
	c.w.Header().Set("Location", c.baseURL()+downloadLink(p.ID, v))
	c.w.WriteHeader(http.StatusFound)
	return nil
}

// handleDownload serves the download link, /wiki/download/attachments/{pageId}/{filename}:
// the bytes of the attachment's version (default latest) with its media type. It is the
// browser-facing URL, not part of the REST documents; it needs view permission like the page.
func handleDownload(c *call) *apiError {
	p, _, _, err := c.visiblePage(c.param("pageId"))
	if err != nil {
		return err
	}
	var a *attachment
	for _, x := range p.Attachments {
		if x.current().Title == c.param("filename") && (a == nil || x.Status == statusCurrent) {
			a = x
		}
	}
	if a == nil {
		return notFound()
	}
	v := a.current()
	if raw := c.query("version"); raw != "" {
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 1 || n > len(a.Versions) {
			return notFound()
		}
		v = a.Versions[n-1]
	}
	c.w.Header().Set("Content-Type", v.MediaType)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(v.Data)))
	c.w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": v.Title}))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(v.Data)
	return nil
}

func (p *page) currentAttachmentNamed(name string) *attachment {
	for _, a := range p.Attachments {
		if a.Status == statusCurrent && a.current().Title == name {
			return a
		}
	}
	return nil
}

func (p *page) attachmentByID(id string) *attachment {
	id = "att" + strings.TrimPrefix(id, "att")
	for _, a := range p.Attachments {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// fileID derives a stable UUID-shaped media file id from the attachment id.
func fileID(attachmentID string) string {
	sum := sha256.Sum256([]byte("file:" + attachmentID))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// v1Attachment is the v1 Content document of an attachment.
type v1Attachment struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Status     string            `json:"status"`
	Title      string            `json:"title"`
	Version    v1AttachVersion   `json:"version"`
	Container  map[string]any    `json:"container"`
	Metadata   map[string]any    `json:"metadata"`
	Extensions map[string]any    `json:"extensions"`
	Links      map[string]string `json:"_links"`
}

type v1AttachVersion struct {
	When      string `json:"when"`
	Message   string `json:"message"`
	Number    int    `json:"number"`
	MinorEdit bool   `json:"minorEdit"`
}

// v1AttachmentArray is ContentArray (required: results, size, _links).
type v1AttachmentArray struct {
	Results []v1Attachment    `json:"results"`
	Start   int               `json:"start"`
	Limit   int               `json:"limit"`
	Size    int               `json:"size"`
	Links   map[string]string `json:"_links"`
}

func (c *call) renderV1Attachment(a *attachment, p *page) v1Attachment {
	v := a.current()
	return v1Attachment{
		ID: a.ID, Type: "attachment", Status: a.Status, Title: v.Title,
		Version:    v1AttachVersion{When: formatTime(v.CreatedAt), Message: v.Comment, Number: v.Number, MinorEdit: v.MinorEdit},
		Container:  map[string]any{"id": p.ID, "type": "page", "status": p.Status, "title": p.title()},
		Metadata:   map[string]any{"mediaType": v.MediaType, "comment": v.Comment},
		Extensions: map[string]any{"mediaType": v.MediaType, "fileSize": len(v.Data), "comment": v.Comment, "mediaTypeDescription": mediaTypeDescription(v.MediaType), "fileId": a.FileID},
		Links: map[string]string{
			"webui":    attachmentWebUI(p.ID, a),
			"download": downloadLink(p.ID, v),
			"self":     c.baseURL() + "/rest/api/content/" + a.ID,
		},
	}
}

// mediaTypesByExtension is how Confluence types a file whose part carries no useful
// Content-Type; a fixed table keeps the emulator independent of the host's mime.types.
var mediaTypesByExtension = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp", ".bmp": "image/bmp", ".ico": "image/vnd.microsoft.icon",
	".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
	".json": "application/json", ".xml": "application/xml", ".zip": "application/zip",
	".html": "text/html", ".htm": "text/html", ".mp4": "video/mp4",
}

func detectMediaType(filename, declared string) string {
	if mt, _, err := mime.ParseMediaType(declared); err == nil && mt != "" && mt != "application/octet-stream" {
		return mt
	}
	if mt, ok := mediaTypesByExtension[strings.ToLower(path.Ext(filename))]; ok {
		return mt
	}
	return "application/octet-stream"
}

func mediaTypeDescription(mediaType string) string {
	switch {
	case mediaType == "image/svg+xml":
		return "SVG Image"
	case mediaType == "application/pdf":
		return "PDF Document"
	case strings.HasPrefix(mediaType, "image/"):
		return strings.ToUpper(strings.TrimPrefix(mediaType, "image/")) + " Image"
	case strings.HasPrefix(mediaType, "text/"):
		return "Text File"
	default:
		return "File"
	}
}

// AttachmentSnapshot is an attachment as stored, for tests; reading it is not a request.
type AttachmentSnapshot struct {
	ID, PageID, Title, MediaType, Comment, Status string
	Version                                       int
	Data                                          []byte
}

// Attachments returns the attachments of a page in any status, in upload order.
func (e *Emulator) Attachments(pageID string) []AttachmentSnapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.site.Pages[pageID]
	if p == nil {
		return nil
	}
	out := make([]AttachmentSnapshot, 0, len(p.Attachments))
	for _, a := range p.Attachments {
		v := a.current()
		out = append(out, AttachmentSnapshot{ID: a.ID, PageID: p.ID, Title: v.Title, MediaType: v.MediaType, Comment: v.Comment,
			Status: a.Status, Version: v.Number, Data: slices.Clone(v.Data)})
	}
	return out
}
