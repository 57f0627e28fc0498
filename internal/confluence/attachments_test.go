// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// attachmentSpecPaths are the documented operations the attachment calls use.
var attachmentSpecPaths = map[string][]string{
	"confluence-v2.openapi.json": {"/pages/{id}/attachments", "/attachments/{id}"},
	"confluence-v1.openapi.json": {"/wiki/rest/api/content/{id}/child/attachment", "/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/data"},
}

func attachmentRouter(t *testing.T, file, server string) routers.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(specDir, file))
	if err != nil {
		t.Fatal(err)
	}
	paths := openapi3.NewPaths()
	for _, p := range attachmentSpecPaths[file] {
		item := doc.Paths.Value(p)
		for _, op := range item.Operations() {
			// The v1 upload bodies list properties without "type": "object", which
			// the validator needs to decode multipart/form-data.
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Type == nil {
						mt.Schema.Value.Type = &openapi3.Types{"object"}
					}
				}
			}
		}
		paths.Set(p, item)
	}
	doc.Paths = paths
	doc.Servers = openapi3.Servers{{URL: server}}
	dropDefaultsOutsideEnum(doc)
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation())
	if err != nil {
		t.Fatal(err)
	}
	return router
}

// specCheckingTransport validates every documented request the client sends.
type specCheckingTransport struct {
	t      *testing.T
	v1, v2 routers.Router
	mu     sync.Mutex
	seen   map[string]int // "METHOD path" → requests
}

func (s *specCheckingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	router := s.v1
	if strings.HasPrefix(req.URL.Path, "/wiki/api/v2/") {
		router = s.v2
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err // as a transport whose body read fails: nothing complete is sent
		}
	}
	if strings.Contains(req.URL.Path, "/attachment") && !strings.HasPrefix(req.URL.Path, "/wiki/download/") {
		check := req.Clone(context.Background())
		check.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := router.FindRoute(check)
		if err != nil {
			s.t.Errorf("%s %s is not a documented operation: %v", req.Method, req.URL.Path, err)
		} else {
			in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
			if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
				s.t.Errorf("%s %s does not match the OpenAPI document: %v", req.Method, req.URL, err)
			}
			if req.ContentLength > 0 && int64(len(body)) != req.ContentLength {
				s.t.Errorf("%s %s: Content-Length %d, body %d bytes", req.Method, req.URL.Path, req.ContentLength, len(body))
			}
		}
	}
	s.mu.Lock()
	s.seen[req.Method+" "+req.URL.Path]++
	s.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(req)
}

type attachSite struct {
	emu    *emulator.Emulator
	bot    *Client
	admin  *Client
	pageID string
	srvURL string
}

func newAttachSite(t *testing.T) *attachSite {
	t.Helper()
	emu := emulator.NewDemo(emulator.Options{})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	tr := &specCheckingTransport{t: t, seen: map[string]int{},
		v1: attachmentRouter(t, "confluence-v1.openapi.json", srv.URL),
		v2: attachmentRouter(t, "confluence-v2.openapi.json", srv.URL+"/wiki/api/v2")}
	client := func(email, token string) *Client {
		c, err := New(Config{BaseURL: srv.URL, Email: email, APIToken: token, HTTPClient: &http.Client{Transport: tr}})
		if err != nil {
			t.Fatal(err)
		}
		c.sleep = func(time.Duration) time.Duration { return 0 }
		return c
	}
	s := &attachSite{emu: emu, bot: client("bot@example.com", "bot-token"), admin: client("admin@example.com", "admin-token"), srvURL: srv.URL}
	space, err := s.bot.GetSpaceByKey(t.Context(), "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.bot.CreatePage(t.Context(), CreatePageRequest{SpaceID: space.ID, Title: "Files", Body: "<p>files</p>"})
	if err != nil {
		t.Fatal(err)
	}
	s.pageID = page.ID
	return s
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func uploadOf(t *testing.T, p, filename, comment string) AttachmentUpload {
	t.Helper()
	sum, size, err := HashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return AttachmentUpload{Filename: filename, MediaType: MediaTypeOf(filename), Comment: AttachmentComment(comment, sum), Size: size, SHA256: sum, Open: OpenFile(p)}
}

// binaryFiles covers PNG, SVG and PDF content with every byte value.
func binaryFiles() map[string][]byte {
	all := make([]byte, 0, 512)
	for b := range 256 {
		all = append(all, byte(b))
	}
	return map[string][]byte{
		"pixel.png": append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), all...),
		"icon.svg":  []byte(`<svg xmlns="http://www.w3.org/2000/svg"><text>é ✓ "quoted"</text></svg>`),
		"doc.pdf":   append(append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\r\n"), all...), []byte("\n%%EOF")...),
	}
}

func TestAttachmentCallsRoundTripBytesThroughTheEmulator(t *testing.T) {
	s := newAttachSite(t)
	ctx := t.Context()
	for name, data := range binaryFiles() {
		up := uploadOf(t, writeTemp(t, name, data), name, "from CI")
		a, err := s.bot.CreateAttachment(ctx, s.pageID, up)
		if err != nil {
			t.Fatalf("CreateAttachment %s: %v", name, err)
		}
		if a.Title != name || a.FileSize != int64(len(data)) || a.MediaType != MediaTypeOf(name) || a.Version.Number != 1 || a.PageID != s.pageID {
			t.Errorf("created %+v", a)
		}
		if c, h := ParseAttachmentComment(a.Comment); c != "from CI" || h != up.SHA256 {
			t.Errorf("comment %q parses as %q, %q", a.Comment, c, h)
		}
		var got bytes.Buffer
		if _, err := s.bot.DownloadAttachment(ctx, a.DownloadLink, &got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), data) {
			t.Errorf("%s: downloaded bytes differ from the uploaded ones", name)
		}
	}
	list, err := s.bot.ListPageAttachments(ctx, s.pageID, ListAttachmentsOptions{Filename: "doc.pdf"})
	if err != nil || len(list) != 1 || list[0].Title != "doc.pdf" {
		t.Fatalf("ListPageAttachments(doc.pdf) = %+v, %v", list, err)
	}
	pdf := list[0]

	changed := append(binaryFiles()["doc.pdf"], '\n')
	up := uploadOf(t, writeTemp(t, "doc.pdf", changed), "doc.pdf", "")
	v2, err := s.bot.UpdateAttachmentData(ctx, s.pageID, pdf.ID, pdf.Version.Number, up)
	if err != nil {
		t.Fatalf("UpdateAttachmentData: %v", err)
	}
	if v2.ID != pdf.ID || v2.Version.Number != 2 || v2.FileSize != int64(len(changed)) {
		t.Errorf("new version %+v", v2)
	}
	got, err := s.bot.GetAttachment(ctx, pdf.ID)
	if err != nil || got.Version.Number != 2 {
		t.Fatalf("GetAttachment = %+v, %v", got, err)
	}
	if sum, n, err := s.bot.AttachmentSHA256(ctx, got.DownloadLink); err != nil || sum != up.SHA256 || n != up.Size {
		t.Errorf("AttachmentSHA256 = %s, %d, %v", sum, n, err)
	}

	if err := s.bot.DeleteAttachment(ctx, pdf.ID, false); err != nil {
		t.Fatalf("trash: %v", err)
	}
	if err := s.bot.DeleteAttachment(ctx, pdf.ID, true); !IsForbidden(err) {
		t.Errorf("purge by the bot: %v, want forbidden", err)
	}
	if err := s.admin.DeleteAttachment(ctx, pdf.ID, true); err != nil {
		t.Fatalf("purge: %v", err)
	}
	if _, err := s.bot.GetAttachment(ctx, pdf.ID); !IsNotFound(err) {
		t.Errorf("purged attachment: %v", err)
	}
}

func TestCreateAttachmentAfterLostResponseDoesNotDuplicate(t *testing.T) {
	s := newAttachSite(t)
	up := uploadOf(t, writeTemp(t, "a.png", []byte("png bytes")), "a.png", "")
	s.emu.InjectFault(emulator.Fault{Method: "POST", Path: `/child/attachment$`, Kind: emulator.FaultDropAfterCommit})
	s.emu.ResetStats()
	a, err := s.bot.CreateAttachment(t.Context(), s.pageID, up)
	if err != nil {
		t.Fatalf("CreateAttachment: %v", err)
	}
	if got := s.emu.Attachments(s.pageID); len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("attachments after a lost response: %+v (adopted %s)", got, a.ID)
	}
	if n := s.emu.Count("POST", "/wiki/rest/api/content/{id}/child/attachment"); n != 1 {
		t.Errorf("uploads sent = %d, want 1 (the file was found instead of sent again)", n)
	}
}

func TestCreateAttachmentRefusedBeforeCommitIsSentAgain(t *testing.T) {
	s := newAttachSite(t)
	up := uploadOf(t, writeTemp(t, "b.svg", []byte("<svg/>")), "b.svg", "")
	s.emu.InjectFault(emulator.Fault{Method: "POST", Path: `/child/attachment$`, Kind: emulator.Fault500Before})
	s.emu.ResetStats()
	if _, err := s.bot.CreateAttachment(t.Context(), s.pageID, up); err != nil {
		t.Fatalf("CreateAttachment: %v", err)
	}
	if n := s.emu.Count("POST", "/wiki/rest/api/content/{id}/child/attachment"); n != 2 {
		t.Errorf("uploads sent = %d, want 2", n)
	}
	if got := s.emu.Attachments(s.pageID); len(got) != 1 {
		t.Errorf("attachments: %+v", got)
	}
}

func TestUpdateAttachmentDataAfterLostResponseAdoptsTheNewVersion(t *testing.T) {
	s := newAttachSite(t)
	ctx := t.Context()
	a, err := s.bot.CreateAttachment(ctx, s.pageID, uploadOf(t, writeTemp(t, "c.pdf", []byte("one")), "c.pdf", ""))
	if err != nil {
		t.Fatal(err)
	}
	s.emu.InjectFault(emulator.Fault{Method: "POST", Path: `/data$`, Kind: emulator.FaultDropAfterCommit})
	got, err := s.bot.UpdateAttachmentData(ctx, s.pageID, a.ID, 1, uploadOf(t, writeTemp(t, "c.pdf", []byte("two")), "c.pdf", ""))
	if err != nil {
		t.Fatalf("UpdateAttachmentData: %v", err)
	}
	if got.Version.Number != 2 || s.emu.Attachments(s.pageID)[0].Version != 2 {
		t.Errorf("version %d, stored %+v; want 2 (no second upload)", got.Version.Number, s.emu.Attachments(s.pageID))
	}
}

func TestUploadStopsWhenTheFileChanged(t *testing.T) {
	s := newAttachSite(t)
	p := writeTemp(t, "d.txt", []byte("planned"))
	up := uploadOf(t, p, "d.txt", "")
	if err := os.WriteFile(p, []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.bot.CreateAttachment(t.Context(), s.pageID, up)
	if !errors.Is(err, ErrContentChanged) {
		t.Fatalf("err = %v, want ErrContentChanged", err)
	}
	if got := s.emu.Attachments(s.pageID); len(got) != 0 {
		t.Errorf("a changed file was stored: %+v", got)
	}
}

func TestAttachmentCommentMarker(t *testing.T) {
	sum := hex.EncodeToString(make([]byte, 32))
	for _, tc := range []struct{ comment, stored string }{
		{"", "[sha256:" + sum + "]"},
		{"Architecture", "Architecture [sha256:" + sum + "]"},
		{"  spaced  ", "spaced [sha256:" + sum + "]"},
	} {
		if got := AttachmentComment(tc.comment, sum); got != tc.stored {
			t.Errorf("AttachmentComment(%q) = %q, want %q", tc.comment, got, tc.stored)
		}
		if c, h := ParseAttachmentComment(tc.stored); c != strings.TrimSpace(tc.comment) || h != sum {
			t.Errorf("ParseAttachmentComment(%q) = %q, %q", tc.stored, c, h)
		}
	}
	if c, h := ParseAttachmentComment("uploaded by hand"); c != "uploaded by hand" || h != "" {
		t.Errorf("a comment without marker parses as %q, %q", c, h)
	}
	if _, h := ParseAttachmentComment("[sha256:xyz]"); h != "" {
		t.Errorf("a malformed marker parses as hash %q", h)
	}
}

func TestPlanUploads(t *testing.T) {
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	file := func(name, content string) HashedFile {
		return HashedFile{LocalFile: LocalFile{Path: "img/" + name, Filename: name}, SHA256: hash(content), Size: int64(len(content))}
	}
	stored := func(id, name, content string) Attachment {
		return Attachment{ID: id, Status: "current", Title: name, FileSize: int64(len(content)), Comment: AttachmentComment("", hash(content)), Version: PageVersion{Number: 3}}
	}
	existing := []Attachment{
		stored("att1", "same.png", "same"),
		stored("att2", "changed.png", "old"),
		stored("att3", "gone.png", "gone"),
		{ID: "att4", Status: "current", Title: "by-hand.pdf", Comment: "a person uploaded this"},
		{ID: "att5", Status: "trashed", Title: "new.png", Comment: AttachmentComment("", hash("new"))},
	}
	plan, err := PlanUploads(existing, []HashedFile{file("same.png", "same"), file("changed.png", "new content"), file("new.png", "new")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]UploadAction{"same.png": UploadNone, "changed.png": UploadUpdate, "new.png": UploadCreate}
	for _, u := range plan.Uploads {
		if u.Action != want[u.File.Filename] {
			t.Errorf("%s: %s, want %s", u.File.Filename, u.Action, want[u.File.Filename])
		}
		if u.Action == UploadUpdate && u.Existing.ID != "att2" {
			t.Errorf("update of %s targets %s", u.File.Filename, u.Existing.ID)
		}
	}
	if plan.Bytes() != int64(len("new content")+len("new")) {
		t.Errorf("Bytes = %d", plan.Bytes())
	}
	if len(plan.Orphans) != 1 || plan.Orphans[0].ID != "att3" {
		t.Errorf("orphans %+v, want only the provider's gone.png (never a person's file)", plan.Orphans)
	}
	if _, err := PlanUploads(nil, []HashedFile{file("x.png", "a"), {LocalFile: LocalFile{Path: "other/x.png", Filename: "x.png"}}}); err == nil || !strings.Contains(err.Error(), "other/x.png") {
		t.Errorf("duplicate names: %v", err)
	}
}

func TestPlanPageUploadsCostsOneListRequest(t *testing.T) {
	s := newAttachSite(t)
	ctx := t.Context()
	dir := t.TempDir()
	var files []LocalFile
	for _, name := range []string{"a.png", "b.png", "c.png"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("content of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, LocalFile{Path: p, Filename: name})
	}
	plan, err := s.bot.PlanPageUploads(ctx, s.pageID, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range plan.Uploads {
		if _, err := s.bot.ApplyUpload(ctx, s.pageID, u, ""); err != nil {
			t.Fatal(err)
		}
	}
	s.emu.ResetStats()
	plan, err = s.bot.PlanPageUploads(ctx, s.pageID, files)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Bytes() != 0 || s.emu.Stats().Total != 1 {
		t.Errorf("unchanged files: %d bytes to upload, %d requests; want 0 and 1", plan.Bytes(), s.emu.Stats().Total)
	}
}

func TestUploadErrorsNeverCarryTheToken(t *testing.T) {
	s := newAttachSite(t)
	reader, err := New(Config{BaseURL: s.srvURL, Email: "reader@example.com", APIToken: "reader-token"})
	if err != nil {
		t.Fatal(err)
	}
	up := uploadOf(t, writeTemp(t, "r.png", []byte("r")), "r.png", "")
	_, err = reader.CreateAttachment(t.Context(), s.pageID, up)
	if !IsForbidden(err) {
		t.Fatalf("reader upload: %v, want forbidden", err)
	}
	if strings.Contains(err.Error(), "reader-token") || strings.Contains(err.Error(), "cmVhZGVy") {
		t.Fatalf("the error carries the credentials: %v", err)
	}
	if got := s.emu.Attachments(s.pageID); len(got) != 0 {
		t.Errorf("a refused upload stored %+v", got)
	}
}
