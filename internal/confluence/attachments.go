// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Attachment is a file attached to a page.
type Attachment struct {
	ID, Status, Title, PageID, MediaType, Comment, FileID string
	FileSize                                              int64
	Version                                               PageVersion
	// DownloadLink is relative to /wiki; see Client.AttachmentURL.
	DownloadLink string
}

// attachmentJSON is the v2 AttachmentBulk / AttachmentSingle.
type attachmentJSON struct {
	ID           string      `json:"id"`
	Status       string      `json:"status"`
	Title        string      `json:"title"`
	PageID       string      `json:"pageId"`
	MediaType    string      `json:"mediaType"`
	Comment      string      `json:"comment"`
	FileID       string      `json:"fileId"`
	FileSize     int64       `json:"fileSize"`
	DownloadLink string      `json:"downloadLink"`
	Version      versionJSON `json:"version"`
	Links        struct {
		Download string `json:"download"`
	} `json:"_links"`
}

func (a attachmentJSON) toAttachment() Attachment {
	link := a.DownloadLink
	if link == "" {
		link = a.Links.Download
	}
	return Attachment{
		ID: a.ID, Status: a.Status, Title: a.Title, PageID: a.PageID, MediaType: a.MediaType, Comment: a.Comment,
		FileID: a.FileID, FileSize: a.FileSize, Version: a.Version.toVersion(), DownloadLink: link,
	}
}

// v1AttachmentJSON is the v1 Content document of an attachment, as uploads answer.
type v1AttachmentJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Title   string `json:"title"`
	Version struct {
		Number    int       `json:"number"`
		Message   string    `json:"message"`
		MinorEdit bool      `json:"minorEdit"`
		When      timestamp `json:"when"`
	} `json:"version"`
	Container struct {
		ID string `json:"id"`
	} `json:"container"`
	Extensions struct {
		MediaType string `json:"mediaType"`
		FileSize  int64  `json:"fileSize"`
		Comment   string `json:"comment"`
		FileID    string `json:"fileId"`
	} `json:"extensions"`
	Links map[string]json.RawMessage `json:"_links"`
}

func (a v1AttachmentJSON) toAttachment(pageID string) Attachment {
	if a.Container.ID != "" {
		pageID = a.Container.ID
	}
	return Attachment{
		ID: a.ID, Status: a.Status, Title: a.Title, PageID: pageID, MediaType: a.Extensions.MediaType,
		Comment: a.Extensions.Comment, FileID: a.Extensions.FileID, FileSize: a.Extensions.FileSize,
		Version:      PageVersion{Number: a.Version.Number, Message: a.Version.Message, MinorEdit: a.Version.MinorEdit, CreatedAt: time.Time(a.Version.When)},
		DownloadLink: linkString(a.Links, "download"),
	}
}

// ListAttachmentsOptions filters ListPageAttachments. Empty fields do not filter.
type ListAttachmentsOptions struct {
	Filename string   // one file name
	Statuses []string // Confluence's default is current and archived
}

// ListPageAttachments returns a page's attachments, following cursors:
// GET /wiki/api/v2/pages/{id}/attachments (250 per request).
func (c *Client) ListPageAttachments(ctx context.Context, pageID string, opts ListAttachmentsOptions) ([]Attachment, error) {
	q := url.Values{"limit": {strconv.Itoa(maxPageSize)}}
	if opts.Filename != "" {
		q.Set("filename", opts.Filename)
	}
	setAll(q, "status", opts.Statuses)
	results, err := listAll[attachmentJSON](ctx, c, c.v2(escapeSegments("pages", pageID, "attachments"), q), 0)
	out := make([]Attachment, 0, len(results))
	for _, a := range results {
		att := a.toAttachment()
		if att.PageID == "" {
			att.PageID = pageID
		}
		out = append(out, att)
	}
	return out, err
}

// GetAttachment reads an attachment by id: GET /wiki/api/v2/attachments/{id}.
func (c *Client) GetAttachment(ctx context.Context, id string) (*Attachment, error) {
	var out attachmentJSON
	if _, err := c.do(ctx, request{method: http.MethodGet, url: c.v2(escapeSegments("attachments", id), nil)}, &out); err != nil {
		return nil, err
	}
	a := out.toAttachment()
	return &a, nil
}

// DeleteAttachment moves an attachment to the trash, or with purge removes a
// trashed one for good: DELETE /wiki/api/v2/attachments/{id}[?purge=true].
// The path takes the numeric id (the document declares it int64), so the
// "att" prefix of v2 ids is dropped. As with DeletePage, a 404 after a lost
// response counts as done.
func (c *Client) DeleteAttachment(ctx context.Context, id string, purge bool) error {
	var q url.Values
	if purge {
		q = url.Values{"purge": {"true"}}
	}
	meta, err := c.do(ctx, request{method: http.MethodDelete, url: c.v2(escapeSegments("attachments", strings.TrimPrefix(id, "att")), q)}, nil)
	if IsNotFound(err) && meta != nil && meta.retriedAfterLostResponse {
		return nil
	}
	return err
}

// AttachmentUpload is one file to upload. Open is called once per attempt
// and its content streamed, never held in memory as a whole.
type AttachmentUpload struct {
	Filename  string
	MediaType string // the file part's Content-Type; "" sends application/octet-stream
	Comment   string
	Size      int64  // the content's size, for Content-Length and for recognising the upload
	SHA256    string // hex; the content is checked against it while it is sent
	Open      func() (io.ReadCloser, error)
}

// ErrContentChanged is returned when a file's content no longer has the hash
// it was planned with.
var ErrContentChanged = errors.New("the file changed since its hash was taken")

// CreateAttachment attaches a new file to a page:
// POST /wiki/rest/api/content/{id}/child/attachment (multipart, with
// X-Atlassian-Token: nocheck). Confluence answers 400 when the page already
// has a file of that name.
//
// An upload is not idempotent, so only 429 is retried as such. When an
// attempt loses its response (or gets a 5xx), the client looks the file up by
// name first: if the page now has it with the same size and SHA-256, that
// upload went through and is returned; if not there, the upload is sent again.
func (c *Client) CreateAttachment(ctx context.Context, pageID string, up AttachmentUpload) (*Attachment, error) {
	u := c.v1(escapeSegments("content", pageID, "child", "attachment"), nil)
	reconcile := func(ctx context.Context) (*Attachment, bool, error) {
		found, err := c.ListPageAttachments(ctx, pageID, ListAttachmentsOptions{Filename: up.Filename})
		if err != nil {
			return nil, false, err
		}
		for _, a := range found {
			if a.Status == "current" && a.Title == up.Filename {
				ok, err := c.sameContent(ctx, a, up)
				if err != nil {
					return nil, false, err
				}
				if ok {
					return &a, true, nil
				}
				return nil, false, fmt.Errorf("page %s has an attachment named %q (id %s) with other content; it was not written by this upload", pageID, up.Filename, a.ID)
			}
		}
		return nil, false, nil
	}
	return c.upload(ctx, u, pageID, up, true, reconcile)
}

// UpdateAttachmentData uploads a new version of an attachment:
// POST /wiki/rest/api/content/{id}/child/attachment/{attachmentId}/data.
// prevVersion is the attachment's current version number; after a lost
// response a version above it with the same size and SHA-256 is this upload.
func (c *Client) UpdateAttachmentData(ctx context.Context, pageID, attachmentID string, prevVersion int, up AttachmentUpload) (*Attachment, error) {
	u := c.v1(escapeSegments("content", pageID, "child", "attachment", attachmentID, "data"), nil)
	reconcile := func(ctx context.Context) (*Attachment, bool, error) {
		a, err := c.GetAttachment(ctx, attachmentID)
		if err != nil {
			return nil, false, err
		}
		if a.Version.Number <= prevVersion {
			return nil, false, nil // not written: send again
		}
		ok, err := c.sameContent(ctx, *a, up)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, fmt.Errorf("attachment %s moved to version %d with other content; it was not written by this upload", attachmentID, a.Version.Number)
		}
		return a, true, nil
	}
	return c.upload(ctx, u, pageID, up, false, reconcile)
}

// sameContent reports whether a stored attachment holds exactly the upload's bytes.
func (c *Client) sameContent(ctx context.Context, a Attachment, up AttachmentUpload) (bool, error) {
	if a.FileSize != up.Size || up.SHA256 == "" {
		return false, nil
	}
	sum, _, err := c.AttachmentSHA256(ctx, a.DownloadLink)
	if err != nil {
		return false, err
	}
	return sum == up.SHA256, nil
}

// upload sends up to u, then reconciles after a lost response or 5xx: found
// means the upload is in; not found sends again, up to the retry budget.
func (c *Client) upload(ctx context.Context, u *url.URL, pageID string, up AttachmentUpload, array bool,
	reconcile func(context.Context) (*Attachment, bool, error)) (*Attachment, error) {
	var lastErr error
	for attempt := 0; attempt <= c.maxRetries; attempt++ {
		if attempt > 0 {
			wait := c.sleep(c.retryWait(attempt-1, nil))
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
		}
		a, uncertain, err := c.sendUpload(ctx, u, pageID, up, array)
		if err == nil {
			return a, nil
		}
		if !uncertain {
			return nil, err
		}
		lastErr = err
		tflog.SubsystemWarn(c.logContext(ctx), Subsystem, "attachment upload ended without a clear answer; looking it up before sending again",
			map[string]any{"page_id": pageID, "filename": up.Filename, "error": err.Error()})
		found, ok, rerr := reconcile(ctx)
		if rerr != nil {
			return nil, fmt.Errorf("%w (and looking the file up afterwards failed: %w)", err, rerr)
		}
		if ok {
			return found, nil
		}
	}
	return nil, lastErr
}

// sendUpload makes one upload call (429s retried inside it). uncertain is
// true when the server may have stored the file without saying so.
func (c *Client) sendUpload(ctx context.Context, u *url.URL, pageID string, up AttachmentUpload, array bool) (*Attachment, bool, error) {
	ctx = c.logContext(ctx)
	path := u.EscapedPath()
	boundary, err := newBoundary()
	if err != nil {
		return nil, false, err
	}
	length, err := multipartLength(boundary, up)
	if err != nil {
		return nil, false, err
	}
	body := retryablehttp.ReaderFunc(func() (io.Reader, error) { return streamMultipart(boundary, up) })
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, u.String(), body)
	if err != nil {
		return nil, false, fmt.Errorf("POST %s: building request: %w", path, err)
	}
	req.ContentLength = length
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	// The v1 document: "you must set a X-Atlassian-Token: nocheck header on the
	// request for this method, otherwise it will be blocked".
	req.Header.Set("X-Atlassian-Token", "nocheck")
	// A sent upload is finished even if the run is cancelled (writeguard.go).
	wctx, release := c.guardWrite(ctx)
	defer release()
	req = req.WithContext(wctx)

	tracker := &attemptTracker{}
	resp, err := c.retryClient(ctx, request{method: http.MethodPost, url: u}, tracker).Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if errors.Is(err, ErrContentChanged) {
			return nil, false, fmt.Errorf("POST %s: %w", path, ErrContentChanged)
		}
		return nil, tracker.lostResponse, fmt.Errorf("POST %s: request failed after %d attempt(s): %w", path, tracker.attempts, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp.StatusCode >= 500, c.newAPIError(http.MethodPost, path, resp)
	}
	var one v1AttachmentJSON
	if array {
		var list struct {
			Results []v1AttachmentJSON `json:"results"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
			return nil, true, fmt.Errorf("POST %s: decoding the %d response: %w", path, resp.StatusCode, err)
		}
		if len(list.Results) != 1 {
			return nil, true, fmt.Errorf("POST %s: expected one attachment in the response, got %d", path, len(list.Results))
		}
		one = list.Results[0]
	} else if err := json.NewDecoder(resp.Body).Decode(&one); err != nil {
		return nil, true, fmt.Errorf("POST %s: decoding the %d response: %w", path, resp.StatusCode, err)
	}
	a := one.toAttachment(pageID)
	return &a, false, nil
}

func newBoundary() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("choosing a multipart boundary: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// writeMultipart writes the upload's form: the file part, its comment (as the
// document asks, text/plain; charset=utf-8) and minorEdit. Uploads by
// automation are minor edits: no notification e-mails per file.
func writeMultipart(w io.Writer, boundary string, up AttachmentUpload, content io.Reader) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+escapeQuotes(up.Filename)+`"`)
	mediaType := up.MediaType
	if mediaType == "" {
		mediaType = "application/octet-stream"
	}
	h.Set("Content-Type", mediaType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, content); err != nil {
		return err
	}
	if up.Comment != "" {
		ch := textproto.MIMEHeader{}
		ch.Set("Content-Disposition", `form-data; name="comment"`)
		ch.Set("Content-Type", "text/plain; charset=utf-8")
		cp, err := mw.CreatePart(ch)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(cp, up.Comment); err != nil {
			return err
		}
	}
	if err := mw.WriteField("minorEdit", "true"); err != nil {
		return err
	}
	return mw.Close()
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// multipartLength is the exact body size: the form around an empty file plus
// the file's size, so the upload has a Content-Length instead of chunks.
func multipartLength(boundary string, up AttachmentUpload) (int64, error) {
	var n countingWriter
	if err := writeMultipart(&n, boundary, up, strings.NewReader("")); err != nil {
		return 0, err
	}
	return int64(n) + up.Size, nil
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// streamMultipart opens the file and returns a reader of the whole form,
// produced as it is read (io.Pipe): the content is never buffered whole. A
// file whose size or hash no longer matches ends the body with
// ErrContentChanged, so the server gets an incomplete form and stores nothing.
func streamMultipart(boundary string, up AttachmentUpload) (io.Reader, error) {
	f, err := up.Open()
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		defer func() { _ = f.Close() }()
		content := &checkedReader{r: f, h: sha256.New(), size: up.Size, sum: up.SHA256}
		_ = pw.CloseWithError(writeMultipart(pw, boundary, up, content))
	}()
	return pr, nil
}

// checkedReader reads a file and fails with ErrContentChanged, instead of
// reaching its end, when its size or SHA-256 is not the planned one: the form
// then never gets its closing boundary and the server stores nothing.
type checkedReader struct {
	r    io.Reader
	h    hash.Hash
	n    int64
	size int64
	sum  string
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	if c.n > c.size {
		return n, ErrContentChanged
	}
	if errors.Is(err, io.EOF) && (c.n != c.size || (c.sum != "" && hex.EncodeToString(c.h.Sum(nil)) != c.sum)) {
		return n, ErrContentChanged
	}
	return n, err
}

// AttachmentURL returns the absolute URL of a download link (relative to /wiki).
func (c *Client) AttachmentURL(downloadLink string) string {
	if downloadLink == "" {
		return ""
	}
	if u, err := url.Parse(downloadLink); err == nil && u.IsAbs() {
		return downloadLink
	}
	return c.BaseURL() + "/wiki" + downloadLink
}

// DownloadAttachment streams an attachment's bytes (its download link,
// relative to /wiki) into w and returns how many were written. GET is
// retried like every read.
func (c *Client) DownloadAttachment(ctx context.Context, downloadLink string, w io.Writer) (int64, error) {
	ctx = c.logContext(ctx)
	link := downloadLink
	if !strings.HasPrefix(link, "/wiki/") {
		link = "/wiki" + link
	}
	u, err := c.onSite(link)
	if err != nil {
		return 0, fmt.Errorf("downloading attachment: %w", err)
	}
	path := u.EscapedPath()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("GET %s: building request: %w", path, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	tracker := &attemptTracker{}
	resp, err := c.retryClient(ctx, request{method: http.MethodGet, url: u}, tracker).Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return 0, fmt.Errorf("GET %s: request failed after %d attempt(s): %w", path, tracker.attempts, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return 0, c.newAPIError(http.MethodGet, path, resp)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("GET %s: reading the file: %w", path, err)
	}
	return n, nil
}

// AttachmentSHA256 downloads an attachment and returns the hex SHA-256 and size of its bytes.
func (c *Client) AttachmentSHA256(ctx context.Context, downloadLink string) (string, int64, error) {
	h := sha256.New()
	n, err := c.DownloadAttachment(ctx, downloadLink, h)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
