// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

const interruptPages = 30

// slowAfterCommit serves the emulator, but answers page creates only after
// a delay, whether or not the client is still waiting: the page is stored
// at once, as when Confluence saved it and the answer is slow on the way
// back. That is the window in which an interrupted create used to orphan
// its page.
func slowAfterCommit(emu *emulator.Emulator, delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/wiki/api/v2/pages" {
			emu.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r.WithContext(context.WithoutCancel(r.Context())))
		time.Sleep(delay)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// Ctrl-C in the middle of an apply: every page Confluence holds is in
// state (no orphan), and the next apply finishes the rest without a
// duplicate. The real CLI drives the provider built from this repository.
func TestAccInterruptedApplyLeavesNoOrphan(t *testing.T) {
	interruptedApply(t, syscall.SIGINT)
}

// A killed terraform saves nothing of what was in flight, so pages it
// created may be in Confluence but not in state. The next apply never
// creates one twice: it stops with the import command for each such page,
// and after the imports the workspace converges.
func TestAccKilledApplyIsRecoverable(t *testing.T) {
	interruptedApply(t, syscall.SIGKILL)
}

func interruptedApply(t *testing.T, sig syscall.Signal) {
	t.Parallel()
	cli := buildCLIProvider(t)

	emu := emulator.NewDemo(emulator.Options{Latency: 100 * time.Millisecond, Validate: func(v string) { t.Errorf("OpenAPI violation: %s", v) }})
	srv := httptest.NewServer(slowAfterCommit(emu, 1500*time.Millisecond))
	t.Cleanup(srv.Close)

	ws := cli.workspace(t, fmt.Sprintf(`
provider "confluence" {
  url       = %q
  email     = %q
  api_token = %q
}

resource "confluence_page" "p" {
  count     = %d
  space_key = "DOCS"
  title     = "Interrupted ${count.index}"
  body      = "<p>interrupted ${count.index}</p>"
  labels    = ["interrupted"]
}
`, srv.URL, botEmail, botToken, interruptPages))
	terraform := ws.command

	// The interrupted apply: SIGINT once a few creates were sent.
	var out bytes.Buffer
	apply := terraform(t.Context(), "apply", "-auto-approve", "-parallelism=10")
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for emu.Count(http.MethodPost, "/wiki/api/v2/pages") < 5 {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("no creates sent within 2 minutes:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := apply.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	_ = apply.Wait() // an interrupted apply exits non-zero
	t.Logf("interrupted apply:\n%s", tail(out.String(), 3000))

	assertNoOrphans := func(want int) {
		t.Helper()
		inState := ws.pagesInState(t)
		c, err := confluence.New(confluence.Config{BaseURL: srv.URL, Email: adminEmail, APIToken: adminToken})
		if err != nil {
			t.Fatal(err)
		}
		space, err := c.GetSpaceByKey(t.Context(), "DOCS")
		if err != nil {
			t.Fatal(err)
		}
		pages, err := c.ListPages(t.Context(), confluence.ListPagesOptions{SpaceIDs: []string{space.ID}, Statuses: []string{"current", "trashed"}})
		if err != nil {
			t.Fatal(err)
		}
		titles := map[string]int{}
		for _, p := range pages {
			if !strings.HasPrefix(p.Title, "Interrupted ") {
				continue
			}
			titles[p.Title]++
			if _, ok := inState[p.ID]; !ok {
				t.Errorf("page %s (%q) is in Confluence but not in state: an orphan", p.ID, p.Title)
			}
		}
		for title, n := range titles {
			if n > 1 {
				t.Errorf("%d pages titled %q: a duplicate", n, title)
			}
		}
		if want >= 0 && len(titles) != want {
			t.Errorf("%d pages in Confluence, want %d", len(titles), want)
		}
		t.Logf("%d pages in Confluence, %d in state", len(titles), len(inState))
	}
	if sig == syscall.SIGKILL {
		// The provider outlives terraform for the writes in flight; let them land.
		time.Sleep(3 * time.Second)
		recoverKilled(t, terraform, srv.URL)
	} else {
		assertNoOrphans(-1)
	}
	if t.Failed() {
		return
	}

	// The next apply finishes the rest: no duplicates, and then nothing to do.
	out.Reset()
	again := terraform(t.Context(), "apply", "-auto-approve", "-parallelism=10")
	again.Stdout, again.Stderr = &out, &out
	if err := again.Run(); err != nil {
		t.Fatalf("re-apply: %v\n%s", err, tail(out.String(), 4000))
	}
	assertNoOrphans(interruptPages)
	out.Reset()
	plan := terraform(t.Context(), "plan", "-detailed-exitcode")
	plan.Stdout, plan.Stderr = &out, &out
	if err := plan.Run(); err != nil {
		t.Fatalf("plan after the re-apply is not empty: %v\n%s", err, tail(out.String(), 4000))
	}
}

// recoverKilled re-applies after a killed apply: the apply may stop with
// "Page Already Exists" for pages the killed run created but did not record;
// each must come with its import command, which is then run.
func recoverKilled(t *testing.T, terraform func(context.Context, ...string) *exec.Cmd, siteURL string) {
	t.Helper()
	var out bytes.Buffer
	again := terraform(t.Context(), "apply", "-auto-approve", "-parallelism=10")
	again.Stdout, again.Stderr = &out, &out
	if err := again.Run(); err == nil {
		return // everything in flight was adopted or recorded
	}
	text := out.String()
	if !strings.Contains(text, "Page Already Exists") {
		t.Fatalf("the apply after a kill failed for another reason:\n%s", tail(text, 4000))
	}
	ids := regexp.MustCompile(`terraform import 'confluence_page\.<name>' (\d+)`).FindAllStringSubmatch(text, -1)
	if len(ids) == 0 {
		t.Fatalf("Page Already Exists without the import command:\n%s", tail(text, 4000))
	}
	c, err := confluence.New(confluence.Config{BaseURL: siteURL, Email: adminEmail, APIToken: adminToken})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range ids {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		page, err := c.GetPage(t.Context(), m[1], confluence.GetPageOptions{})
		if err != nil {
			t.Fatal(err)
		}
		index := strings.TrimPrefix(page.Title, "Interrupted ")
		imp := terraform(t.Context(), "import", fmt.Sprintf("confluence_page.p[%s]", index), m[1])
		if b, err := imp.CombinedOutput(); err != nil {
			t.Fatalf("importing page %s as the import hint says: %v\n%s", m[1], err, tail(string(b), 3000))
		}
	}
	t.Logf("imported %d page(s) the killed apply had created", len(seen))
}
