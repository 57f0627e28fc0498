// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"text/template"
)

// The attachment scenario: images attached to pages, as a docs tree has them.
const (
	attachmentPages    = 14
	attachmentsPerPage = 5 // 70 attachments in all
	// treePages is the size of the docs tree the benchmark publishes: 200
	// pages, 14 of which show the 70 images (the smoke test publishes only
	// the 14 illustrated pages).
	treePages       = 200
	attachmentBytes = 2048

	RouteListAttachments = "GET /wiki/api/v2/pages/{id}/attachments"
	RouteUpload          = "POST /wiki/rest/api/content/{id}/child/attachment"
	RouteUploadVersion   = "POST /wiki/rest/api/content/{id}/child/attachment/{attachmentId}/data"
)

var attachmentConfig = template.Must(template.New("main.tf").Parse(`terraform {
  required_providers {
    confluence = {
      source = "docs-as-code/confluence"
    }
  }
}

provider "confluence" {
  url                 = {{ printf "%q" .URL }}
  email               = {{ printf "%q" .Email }}
  api_token           = {{ printf "%q" .Token }}
  requests_per_second = {{ .RequestsPerSecond }}
}

resource "confluence_page" "doc" {
  count     = {{ .Pages }}
  space_key = "DOCS"
  title     = "Illustrated page ${count.index + 1}"
  markdown  = "# Illustrated page ${count.index + 1}\n\nSee the images attached.\n"
}

resource "confluence_attachment" "image" {
  for_each = { for i in range({{ .Images }}) : format("image-%02d.png", i) => i }
  page_id  = confluence_page.doc[floor(each.value / {{ .PerPage }})].id
  source   = "${path.module}/img/${each.key}"
}
`))

// prepareAttachments writes a workspace of pages pages, the first 14 of
// which show 70 images.
func prepareAttachments(tb testing.TB, e *benchEnv, pages int) *fixture {
	tb.Helper()
	f := prepare(tb, e, pages, variant{name: "attachments"})
	images := attachmentPages * attachmentsPerPage
	var buf bytes.Buffer
	err := attachmentConfig.Execute(&buf, map[string]any{
		"URL": f.site.URL(), "Email": botEmail, "Token": botToken, "RequestsPerSecond": RequestsPerSecond,
		"Pages": pages, "Images": images, "PerPage": attachmentsPerPage,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.ws.dir, "main.tf"), buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	imgDir := filepath.Join(f.ws.dir, "img")
	if err := os.MkdirAll(imgDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := range images {
		data := bytes.Repeat([]byte{byte(i), 0x89, 'P', 'N', 'G', 0}, attachmentBytes/6)
		if err := os.WriteFile(filepath.Join(imgDir, fmt.Sprintf("image-%02d.png", i)), data, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

// TestBenchAttachmentsSmoke holds 70 attachments to the promise: re-applying
// unchanged files uploads 0 bytes and writes nothing, at one attachment list
// per page; changing one image uploads exactly one new version.
func TestBenchAttachmentsSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI; set TF_ACC=1")
	}
	e := sharedEnv(t)
	smokeEnv := *e
	smokeEnv.settings.Latency = 0
	f := prepareAttachments(t, &smokeEnv, attachmentPages)
	t.Cleanup(f.site.Close)
	images := attachmentPages * attachmentsPerPage

	created, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if got := created.Route(RouteUpload); got != images {
		t.Errorf("the first apply uploaded %d files, want %d", got, images)
	}

	noop, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if noop.Writes != 0 || f.site.Emulator.Stats().UploadedBytes != 0 {
		t.Errorf("re-applying %d unchanged attachments wrote %d times and uploaded %d bytes: %v", images, noop.Writes, f.site.Emulator.Stats().UploadedBytes, noop.ByRoute)
	}
	if got := noop.Route(RouteListAttachments); got != attachmentPages {
		t.Errorf("refreshing %d attachments on %d pages listed attachments %d times, want one per page", images, attachmentPages, got)
	}
	if noop.Requests > attachmentPages+5 {
		t.Errorf("re-applying cost %d requests, want about one per page: %v", noop.Requests, noop.ByRoute)
	}
	t.Logf("re-apply of %d unchanged attachments on %d pages: %d requests, %d writes, 0 bytes uploaded: %s", images, attachmentPages, noop.Requests, noop.Writes, routes(noop.ByRoute))

	if err := os.WriteFile(filepath.Join(f.ws.dir, "img", "image-07.png"), []byte("changed image"), 0o600); err != nil {
		t.Fatal(err)
	}
	changed, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	if changed.Route(RouteUploadVersion) != 1 || changed.Route(RouteUpload) != 0 || f.site.Emulator.Stats().UploadedBytes != int64(len("changed image")) {
		t.Errorf("changing one image sent %v and uploaded %d bytes; want exactly one new version", changed.ByRoute, f.site.Emulator.Stats().UploadedBytes)
	}
}

// BenchmarkAttachmentsApplyNoop re-applies 70 unchanged attachments.
func BenchmarkAttachmentsApplyNoop(b *testing.B) {
	b.StopTimer()
	f := prepareAttachments(b, sharedEnv(b), treePages)
	defer f.site.Close()
	if _, err := f.ws.Terraform(b.Context(), "apply", "-auto-approve"); err != nil {
		b.Fatal(err)
	}
	var cost Cost
	for range b.N {
		cost = timed(b, f.ws, "apply", "-auto-approve")
	}
	if cost.Writes != 0 || f.site.Emulator.Stats().UploadedBytes != 0 {
		b.Errorf("re-applying unchanged attachments wrote %d times, uploaded %d bytes: %v", cost.Writes, f.site.Emulator.Stats().UploadedBytes, cost.ByRoute)
	}
	report(b, fmt.Sprintf("apply-noop/%d-pages-%d-attachments", treePages, attachmentPages*attachmentsPerPage), treePages, cost)
}
