// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// syncBuffer lets the test read what run prints while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningEmulator is run serving on a free loopback port until stop is called.
type runningEmulator struct {
	base string      // http://127.0.0.1:port
	out  *syncBuffer // what run printed
	stop func() error
}

// startRun starts run with the arguments on a free port and waits until it listens.
func startRun(t *testing.T, args ...string) *runningEmulator {
	t.Helper()
	addrCh := make(chan string, 1)
	orig := listen
	listen = func(addr string) (net.Listener, error) {
		ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err == nil {
			addrCh <- ln.Addr().String()
		}
		return ln, err
	}
	t.Cleanup(func() { listen = orig })

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), out) }()

	var addr string
	select {
	case addr = <-addrCh:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not listen")
	}
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not stop after cancel")
			return nil
		}
	}
	return &runningEmulator{base: "http://" + addr, out: out, stop: stop}
}

// spaceID looks up a space's id as the bot.
func (r *runningEmulator) spaceID(t *testing.T, key string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", r.base+"/wiki/api/v2/spaces?keys="+key, nil)
	req.SetBasicAuth("bot@example.com", "bot-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var spaces struct{ Results []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&spaces); err != nil || len(spaces.Results) != 1 {
		t.Fatalf("spaces: %v %+v", err, spaces)
	}
	return spaces.Results[0].ID
}

// createPage creates a page as the bot and returns the response status.
func (r *runningEmulator) createPage(t *testing.T, spaceID, title, body string) int {
	t.Helper()
	payload := `{"spaceId":"` + spaceID + `","status":"current","title":"` + title + `","body":{"representation":"storage","value":"` + body + `"}}`
	req, _ := http.NewRequestWithContext(context.Background(), "POST", r.base+"/wiki/api/v2/pages", strings.NewReader(payload))
	req.SetBasicAuth("bot@example.com", "bot-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestRunServesAndFlushesDataFileOnCancel(t *testing.T) {
	data := filepath.Join(t.TempDir(), "site.json")
	running := startRun(t, "-seed", "demo", "-data", data)
	base := running.base

	// Create a page through the API so the saved file has something the seed does not.
	if status := running.createPage(t, running.spaceID(t, "DOCS"), "Saved page", "<p>kept</p>"); status != 200 {
		t.Fatalf("create page: status %d", status)
	}
	if err := running.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}

	for _, want := range []string{base, "bot@example.com", "API token (not shown)", "DOCS: edit, OPS: edit", "reader@example.com", "DOCS: view, OPS: view", "site admin"} {
		if !strings.Contains(running.out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, running.out.String())
		}
	}
	// Service accounts are listed by identity; their secrets never are.
	for _, want := range []string{emulator.DemoScopedEmail, emulator.DemoOAuthEmail, emulator.DemoOAuthClientID, "/ex/confluence/", "/oauth/token", "/_edge/tenant_info"} {
		if !strings.Contains(running.out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, running.out.String())
		}
	}
	for _, secret := range []string{emulator.DemoScopedToken, emulator.DemoOAuthSecret, "admin-token", "bot-token", "editor-token", "reader-token", "approver-token"} {
		if strings.Contains(running.out.String(), secret) {
			t.Errorf("banner prints the credential %q:\n%s", secret, running.out.String())
		}
	}
	loaded, err := emulator.Load(data, emulator.Options{})
	if err != nil {
		t.Fatalf("loading flushed file: %v", err)
	}
	p, ok := loaded.PageByTitle("DOCS", "Saved page")
	if !ok || p.Body != "<p>kept</p>" {
		t.Errorf("saved page = %+v, %v", p, ok)
	}
}

// TestRunBannerHidesTokensFromDataFile: a site loaded from -data may hold real-looking
// tokens someone added; the banner lists the account and never its token.
func TestRunBannerHidesTokensFromDataFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "site.json")
	site := emulator.New(emulator.Options{})
	site.AddSpace("TEAM", "Team")
	const secret = "ATATT3xFfGF0-loaded-from-data-file"
	site.AddAccount(emulator.Account{Email: "ci@example.com", DisplayName: "CI", Token: secret})
	site.Grant("ci@example.com", "TEAM", emulator.PermEdit)
	if err := site.Save(data); err != nil {
		t.Fatal(err)
	}
	running := startRun(t, "-data", data)
	if err := running.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	out := running.out.String()
	if !strings.Contains(out, "ci@example.com") || !strings.Contains(out, "TEAM: edit") {
		t.Errorf("banner does not list the loaded account:\n%s", out)
	}
	if strings.Contains(out, secret) || strings.Contains(out, "loaded-from-data") {
		t.Errorf("banner prints the token loaded from -data:\n%s", out)
	}
}

func TestParseFlagsRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8090", ":8090", "192.0.2.1:80"} {
		if _, err := parseFlags([]string{"-addr", addr}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("-addr %s: err = %v, want a loopback error", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:8090", "[::1]:8090"} {
		if _, err := parseFlags([]string{"-addr", addr}, &bytes.Buffer{}); err != nil {
			t.Errorf("-addr %s: %v", addr, err)
		}
	}
	if _, err := parseFlags([]string{"-seed", "big"}, &bytes.Buffer{}); err == nil {
		t.Error("-seed big accepted")
	}
}

func TestRunLoadsExistingDataFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "site.json")
	seeded := emulator.NewDemo(emulator.Options{})
	seeded.AddSpace("EXTRA", "Extra")
	if err := seeded.Save(data); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseFlags([]string{"-data", data, "-addr", "127.0.0.1:0"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	emu, err := openSite(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := emu.PageByTitle("EXTRA", "Extra Home"); !ok {
		t.Error("loaded site lacks the EXTRA homepage")
	}
}

func TestParseFault(t *testing.T) {
	valid := []struct {
		value string
		want  emulator.Fault
	}{
		{"POST:^/wiki/api/v2/pages$:500-before", emulator.Fault{Method: "POST", Path: `^/wiki/api/v2/pages$`, Kind: emulator.Fault500Before, Times: 1}},
		{"put:/pages/\\d+$:drop-after-commit:3", emulator.Fault{Method: "PUT", Path: `/pages/\d+$`, Kind: emulator.FaultDropAfterCommit, Times: 3}},
		{"*:.*:503", emulator.Fault{Path: ".*", Kind: emulator.Fault503, Times: 1}},
		{"GET:^/a:b(:c)?$:503:1", emulator.Fault{Method: "GET", Path: `^/a:b(:c)?$`, Kind: emulator.Fault503, Times: 1}}, // colons in the regexp
		{"GET:/x:503:503", emulator.Fault{Method: "GET", Path: "/x", Kind: emulator.Fault503, Times: 503}},               // KIND:NUMBER: NUMBER is TIMES
		{"GET:/v:2:503", emulator.Fault{Method: "GET", Path: "/v:2", Kind: emulator.Fault503, Times: 1}},                 // a number before KIND is path
	}
	for _, tc := range valid {
		got, err := parseFault(tc.value)
		if err != nil || got != tc.want {
			t.Errorf("parseFault(%q) = %+v, %v; want %+v", tc.value, got, err, tc.want)
		}
	}

	invalid := []struct{ value, wantErr string }{
		{"POST", "missing PATH_REGEX and KIND"},
		{"POST:/pages", "missing KIND after PATH_REGEX"},
		{"POST:/pages:404", `unknown fault kind "404"`},
		{"POST:/pages:503:0", "TIMES 0 is not a positive number"},
		{"POST:/pages:503:-2", "TIMES -2 is not a positive number"},
		{"POST:/pages:503:x", `unknown fault kind "x"`},
		{":/pages:503", `method "" is not an HTTP method`},
		{"PO ST:/pages:503", `method "PO ST" is not an HTTP method`},
		{"POST::503", "PATH_REGEX is empty"},
		{"POST:(:503", `PATH_REGEX "(" does not compile`},
	}
	for _, tc := range invalid {
		_, err := parseFault(tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "METHOD:PATH_REGEX:KIND[:TIMES]") {
			t.Errorf("parseFault(%q) error = %v; want one saying %q and the accepted syntax", tc.value, err, tc.wantErr)
		}
	}
}

func TestParseFlagsFaultIsRepeatableAndNamesBadValue(t *testing.T) {
	cfg, err := parseFlags([]string{"-fault", "POST:/pages$:503", "-fault", "*:.*:drop-after-commit:2"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	want := []emulator.Fault{
		{Method: "POST", Path: "/pages$", Kind: emulator.Fault503, Times: 1},
		{Path: ".*", Kind: emulator.FaultDropAfterCommit, Times: 2},
	}
	if !slices.Equal(cfg.faults, want) {
		t.Errorf("faults = %+v, want %+v", cfg.faults, want)
	}

	_, err = parseFlags([]string{"-fault", "POST:/pages:teapot"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `"POST:/pages:teapot"`) || !strings.Contains(err.Error(), "-fault") || !strings.Contains(err.Error(), "503, drop-after-commit, 500-before") {
		t.Errorf("bad -fault error = %v; want it to name the value, the flag and the accepted kinds", err)
	}
}

func TestRunArmsFaultFromFlag(t *testing.T) {
	running := startRun(t, "-seed", "demo", "-fault", "POST:^/wiki/api/v2/pages$:500-before")
	docs := running.spaceID(t, "DOCS")
	if status := running.createPage(t, docs, "Faulty", "<p/>"); status != http.StatusInternalServerError {
		t.Errorf("first create: status %d, want 500 from the armed fault", status)
	}
	if status := running.createPage(t, docs, "Faulty", "<p/>"); status != http.StatusOK {
		t.Errorf("second create: status %d, want 200 once the fault is used up", status)
	}
	if err := running.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if want := "fault armed: POST ^/wiki/api/v2/pages$ -> 500-before, once"; !strings.Contains(running.out.String(), want) {
		t.Errorf("banner lacks %q:\n%s", want, running.out.String())
	}
}
