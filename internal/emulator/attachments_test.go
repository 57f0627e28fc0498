// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// testFiles are binary and text files of the kinds docs trees attach.
func testFiles(t *testing.T) map[string][]byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	for x := range 7 {
		img.Set(x, x%5, color.RGBA{R: uint8(x * 30), G: 200, B: 3, A: 255})
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\nstream\n")
	for b := range 256 {
		pdf = append(pdf, byte(b)) // every byte value, NUL and CR/LF included
	}
	pdf = append(pdf, []byte("\r\nendstream\n%%EOF\r\n")...)
	return map[string][]byte{
		"diagram.png": pngData.Bytes(),
		"logo.svg":    []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#0052cc"/></svg>` + "\n"),
		"spec.pdf":    pdf,
	}
}

// multipartUpload builds an upload body as curl -F does in the v1 document's example.
func multipartUpload(t *testing.T, filename, contentType string, data []byte, comment string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(data)
	if comment != "" {
		ch := textproto.MIMEHeader{}
		ch.Set("Content-Disposition", `form-data; name="comment"`)
		ch.Set("Content-Type", "text/plain; charset=utf-8")
		cw, _ := mw.CreatePart(ch)
		_, _ = cw.Write([]byte(comment))
	}
	_ = mw.WriteField("minorEdit", "true")
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

// upload POSTs a multipart body as the account, with the XSRF header given.
func (s *testSite) upload(email, path, xsrf, filename, contentType string, data []byte, comment string) *response {
	s.t.Helper()
	body, ct := multipartUpload(s.t, filename, contentType, data, comment)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.srv.URL+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	if xsrf != "" {
		req.Header.Set("X-Atlassian-Token", xsrf)
	}
	req.SetBasicAuth(email, strings.Split(email, "@")[0]+"-token")
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("POST %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ = io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

type attachmentJSON struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Title        string `json:"title"`
	PageID       string `json:"pageId"`
	MediaType    string `json:"mediaType"`
	Comment      string `json:"comment"`
	FileSize     int64  `json:"fileSize"`
	DownloadLink string `json:"downloadLink"`
	Version      struct {
		Number  int    `json:"number"`
		Message string `json:"message"`
	} `json:"version"`
}

type v1AttachmentsJSON struct {
	Results []struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		Extensions struct {
			MediaType string `json:"mediaType"`
			FileSize  int64  `json:"fileSize"`
		} `json:"extensions"`
		Version struct {
			Number int `json:"number"`
		} `json:"version"`
	} `json:"results"`
	Size int `json:"size"`
}

func attachPath(pageID string) string {
	return "/wiki/rest/api/content/" + pageID + "/child/attachment"
}

func TestAttachmentRoundTripIsByteForByte(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "With files", "<p>x</p>")
	files := testFiles(t)
	wantTypes := map[string]string{"diagram.png": "image/png", "logo.svg": "image/svg+xml", "spec.pdf": "application/pdf"}
	ids := map[string]string{}
	for name, data := range files {
		// No part Content-Type: the media type comes from the file name.
		r := s.upload(bot, attachPath(pg.ID), "nocheck", name, "", data, "uploaded "+name)
		if r.status != 200 {
			t.Fatalf("upload %s: %d %s", name, r.status, r.body)
		}
		var created v1AttachmentsJSON
		r.decode(t, &created)
		if created.Size != 1 || created.Results[0].Title != name || created.Results[0].Extensions.FileSize != int64(len(data)) ||
			created.Results[0].Extensions.MediaType != wantTypes[name] || !strings.HasPrefix(created.Results[0].ID, "att") {
			t.Fatalf("upload %s answered %s", name, r.body)
		}
		ids[name] = created.Results[0].ID
	}
	if got := s.emu.Stats().UploadedBytes; got != int64(len(files["diagram.png"])+len(files["logo.svg"])+len(files["spec.pdf"])) {
		t.Errorf("UploadedBytes = %d", got)
	}

	var list struct{ Results []attachmentJSON }
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+pg.ID+"/attachments", nil).decode(t, &list)
	if len(list.Results) != 3 {
		t.Fatalf("listed %d attachments, want 3", len(list.Results))
	}
	for _, a := range list.Results {
		data := files[a.Title]
		if a.PageID != pg.ID || a.FileSize != int64(len(data)) || a.MediaType != wantTypes[a.Title] || a.Comment != "uploaded "+a.Title || a.Version.Number != 1 {
			t.Errorf("listed %+v", a)
		}
		// The download link (relative to /wiki) serves the bytes unchanged.
		got := s.must(200, reader, "GET", "/wiki"+a.DownloadLink, nil)
		if !bytes.Equal(got.body, data) {
			t.Errorf("%s: downloaded %d bytes that differ from the %d uploaded", a.Title, len(got.body), len(data))
		}
		if ct := got.header.Get("Content-Type"); ct != wantTypes[a.Title] {
			t.Errorf("%s: download Content-Type %q", a.Title, ct)
		}
		// So does the v1 download endpoint, through its redirect.
		got = s.must(200, reader, "GET", attachPath(pg.ID)+"/"+ids[a.Title]+"/download", nil)
		if !bytes.Equal(got.body, data) {
			t.Errorf("%s: v1 download differs", a.Title)
		}
		var single attachmentJSON
		s.must(200, reader, "GET", "/wiki/api/v2/attachments/"+a.ID, nil).decode(t, &single)
		if single != a {
			t.Errorf("GET /attachments/%s = %+v, listed as %+v", a.ID, single, a)
		}
	}
}

func TestAttachmentUploadNeedsXSRFHeader(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "Guarded", "<p>x</p>")
	if r := s.upload(bot, attachPath(pg.ID), "", "a.txt", "", []byte("a"), ""); r.status != 403 {
		t.Fatalf("upload without X-Atlassian-Token: %d %s", r.status, r.body)
	}
	if len(s.emu.Attachments(pg.ID)) != 0 {
		t.Fatal("a refused upload stored a file")
	}
	for _, token := range []string{"nocheck", "no-check"} {
		if r := s.upload(bot, attachPath(pg.ID), token, token+".txt", "", []byte("a"), ""); r.status != 200 {
			t.Fatalf("upload with X-Atlassian-Token: %s: %d %s", token, r.status, r.body)
		}
	}
}

func TestAttachmentOneFileNamePerPageAndNewVersions(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "Versions", "<p>x</p>")
	var created v1AttachmentsJSON
	s.upload(bot, attachPath(pg.ID), "nocheck", "notes.txt", "text/plain", []byte("one"), "").decode(t, &created)
	id := created.Results[0].ID
	if r := s.upload(bot, attachPath(pg.ID), "nocheck", "notes.txt", "text/plain", []byte("two"), ""); r.status != 400 {
		t.Fatalf("second attachment named notes.txt: %d %s", r.status, r.body)
	}
	r := s.upload(bot, attachPath(pg.ID)+"/"+id+"/data", "nocheck", "notes.txt", "text/plain", []byte("second"), "v2")
	if r.status != 200 {
		t.Fatalf("new version: %d %s", r.status, r.body)
	}
	var a attachmentJSON
	s.must(200, bot, "GET", "/wiki/api/v2/attachments/"+id, nil).decode(t, &a)
	if a.Version.Number != 2 || a.FileSize != 6 || a.Comment != "v2" || a.Title != "notes.txt" {
		t.Fatalf("after /data: %+v", a)
	}
	// The v2 path takes the id without its prefix too; old versions stay readable.
	var v1 attachmentJSON
	s.must(200, bot, "GET", "/wiki/api/v2/attachments/"+strings.TrimPrefix(id, "att")+"?version=1", nil).decode(t, &v1)
	if v1.FileSize != 3 || v1.Version.Number != 1 {
		t.Fatalf("version 1: %+v", v1)
	}
	if got := s.must(200, bot, "GET", attachPath(pg.ID)+"/"+id+"/download?version=1", nil).body; string(got) != "one" {
		t.Fatalf("version 1 downloads %q", got)
	}
	if r := s.upload(bot, attachPath(pg.ID)+"/att999999/data", "nocheck", "x.txt", "", []byte("x"), ""); r.status != 404 {
		t.Fatalf("/data for an unknown attachment: %d", r.status)
	}
}

func TestAttachmentListPagingAndFilters(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "Many", "<p>x</p>")
	for i := range 5 {
		s.clock.Advance(1e9)
		if r := s.upload(bot, attachPath(pg.ID), "nocheck", fmt.Sprintf("f%d.png", i), "", []byte{byte(i)}, ""); r.status != 200 {
			t.Fatalf("upload: %d", r.status)
		}
	}
	base := "/wiki/api/v2/pages/" + pg.ID + "/attachments"
	var titles []string
	next := base + "?limit=2"
	for next != "" {
		r := s.must(200, bot, "GET", next, nil)
		var page struct {
			Results []attachmentJSON
			Links   struct{ Next string } `json:"_links"`
		}
		r.decode(t, &page)
		for _, a := range page.Results {
			titles = append(titles, a.Title)
		}
		next = page.Links.Next
		if next != "" && !strings.Contains(r.header.Get("Link"), `rel="next"`) {
			t.Error("no Link header with more results")
		}
	}
	if strings.Join(titles, ",") != "f0.png,f1.png,f2.png,f3.png,f4.png" {
		t.Fatalf("paged titles %v", titles)
	}
	var one struct{ Results []attachmentJSON }
	s.must(200, bot, "GET", base+"?filename=f3.png", nil).decode(t, &one)
	if len(one.Results) != 1 || one.Results[0].Title != "f3.png" {
		t.Fatalf("filename filter: %+v", one.Results)
	}
	var desc struct{ Results []attachmentJSON }
	s.must(200, bot, "GET", base+"?sort=-created-date&limit=1", nil).decode(t, &desc)
	if desc.Results[0].Title != "f4.png" {
		t.Fatalf("-created-date first: %s", desc.Results[0].Title)
	}
	if r := s.doRaw(bot, "bot-token", "GET", base+"?sort=title"); r.status != 400 {
		t.Fatalf("unknown sort: %d", r.status)
	}
}

func TestAttachmentPermissionsTrashAndPurge(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "Perms", "<p>x</p>")
	if r := s.upload(reader, attachPath(pg.ID), "nocheck", "r.txt", "", []byte("r"), ""); r.status != 403 {
		t.Fatalf("reader upload: %d", r.status)
	}
	ops := s.createPage(admin, "OPS", "Ops page", "<p>x</p>")
	s.emu.Grant(reader, "OPS", PermNone)
	var created v1AttachmentsJSON
	s.upload(bot, attachPath(pg.ID), "nocheck", "b.txt", "", []byte("b"), "").decode(t, &created)
	id := created.Results[0].ID
	num := strings.TrimPrefix(id, "att")
	if r := s.do(reader, "GET", "/wiki/api/v2/pages/"+ops.ID+"/attachments", nil); r.status != 404 {
		t.Fatalf("listing attachments of an invisible page: %d", r.status)
	}
	if r := s.do(reader, "DELETE", "/wiki/api/v2/attachments/"+num, nil); r.status != 404 {
		t.Fatalf("reader delete: %d", r.status)
	}
	if r := s.do(bot, "DELETE", "/wiki/api/v2/attachments/"+num+"?purge=true", nil); r.status != 400 {
		t.Fatalf("purging a current attachment: %d", r.status)
	}
	s.must(204, bot, "DELETE", "/wiki/api/v2/attachments/"+num, nil)
	var list struct{ Results []attachmentJSON }
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+pg.ID+"/attachments", nil).decode(t, &list)
	if len(list.Results) != 0 {
		t.Fatalf("trashed attachment still listed: %+v", list.Results)
	}
	s.must(200, bot, "GET", "/wiki/api/v2/pages/"+pg.ID+"/attachments?status=trashed", nil).decode(t, &list)
	if len(list.Results) != 1 || list.Results[0].Status != "trashed" {
		t.Fatalf("status=trashed: %+v", list.Results)
	}
	// A trashed file frees its name for a new upload.
	if r := s.upload(bot, attachPath(pg.ID), "nocheck", "b.txt", "", []byte("b2"), ""); r.status != 200 {
		t.Fatalf("re-upload after trash: %d %s", r.status, r.body)
	}
	if r := s.do(bot, "DELETE", "/wiki/api/v2/attachments/"+num+"?purge=true", nil); r.status != 403 {
		t.Fatalf("purge by an editor: %d", r.status)
	}
	s.must(204, admin, "DELETE", "/wiki/api/v2/attachments/"+num+"?purge=true", nil)
	if got := s.emu.Attachments(pg.ID); len(got) != 1 || got[0].ID == id {
		t.Fatalf("after purge: %+v", got)
	}
	if r := s.do(bot, "GET", "/wiki/api/v2/attachments/"+num, nil); r.status != 404 {
		t.Fatalf("purged attachment: %d", r.status)
	}
}

func TestAttachmentSizeLimitAndCounter(t *testing.T) {
	clock := newFakeClock()
	s := serveSite(t, NewDemo(Options{Now: clock.Now, MaxAttachmentSize: 10}), clock)
	pg := s.createPage(bot, "DOCS", "Small", "<p>x</p>")
	s.emu.ResetStats()
	if r := s.upload(bot, attachPath(pg.ID), "nocheck", "big.bin", "", bytes.Repeat([]byte{1}, 11), ""); r.status != 404 {
		t.Fatalf("oversized upload: %d %s", r.status, r.body)
	}
	if r := s.upload(bot, attachPath(pg.ID), "nocheck", "ok.bin", "", bytes.Repeat([]byte{1}, 10), ""); r.status != 200 {
		t.Fatalf("upload at the limit: %d %s", r.status, r.body)
	}
	if got := s.emu.Count("POST", "/wiki/rest/api/content/{id}/child/attachment"); got != 2 {
		t.Errorf("counted uploads = %d, want 2", got)
	}
	if got := s.emu.Attachments(pg.ID); len(got) != 1 || got[0].MediaType != "application/octet-stream" {
		t.Errorf("stored %+v", got)
	}
}

func TestAttachmentsSurviveSaveAndLoad(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "Saved", "<p>x</p>")
	data := testFiles(t)["spec.pdf"]
	if r := s.upload(bot, attachPath(pg.ID), "nocheck", "spec.pdf", "", data, "kept"); r.status != 200 {
		t.Fatalf("upload: %d", r.status)
	}
	path := t.TempDir() + "/site.json"
	if err := s.emu.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := loaded.Attachments(pg.ID)
	if len(got) != 1 || got[0].Title != "spec.pdf" || got[0].Comment != "kept" || !bytes.Equal(got[0].Data, data) {
		t.Fatalf("after Save and Load: %+v", got)
	}
}

// Uploads are read without holding the emulator's lock: a stalled upload does
// not block other requests.
func TestSlowUploadDoesNotBlockOtherRequests(t *testing.T) {
	s := newTestSite(t)
	pg := s.createPage(bot, "DOCS", "Slow", "<p>x</p>")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.srv.URL+attachPath(pg.ID), pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Atlassian-Token", "nocheck")
	req.SetBasicAuth(bot, "bot-token")
	done := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		_ = resp.Body.Close()
		done <- resp.StatusCode
	}()
	part, _ := mw.CreateFormFile("file", "slow.bin")
	_, _ = part.Write([]byte("first half"))
	// The upload is in the middle of its body; the site still answers.
	s.must(200, reader, "GET", "/wiki/api/v2/pages/"+pg.ID, nil)
	_, _ = part.Write([]byte(" and the rest"))
	_ = mw.WriteField("minorEdit", "true")
	_ = mw.Close()
	_ = pw.Close()
	if status := <-done; status != 200 {
		t.Fatalf("slow upload answered %d", status)
	}
	if got := s.emu.Attachments(pg.ID); len(got) != 1 || string(got[0].Data) != "first half and the rest" {
		t.Fatalf("stored %+v", got)
	}
}
