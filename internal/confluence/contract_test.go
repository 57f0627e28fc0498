// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

// The contract suite: the client's calls, in the order the provider makes
// them, against the emulator on every run and, when CONFLUENCE_LIVE_URL and
// credentials are set, against a real Confluence Cloud site (`make live`).
// It works only in a space it creates (key TFC + random) and deletes at the
// end, and it records the shape of every response (JSON keys and types,
// selected headers) so that the emulator's drift from the real API shows:
//
//   - testdata/contract/emulator.golden.json is checked on every run
//     (regenerate with `go test ./internal/confluence -run TestContract -update`);
//   - a live run writes testdata/contract/live.golden.json with
//     CONFLUENCE_LIVE_UPDATE=1 and logs every difference from the emulator's
//     shapes (failing on them with CONFLUENCE_LIVE_STRICT=1).
//
// Live settings: CONFLUENCE_LIVE_URL (site), CONFLUENCE_LIVE_AUTH_MODE
// (classic_token by default, scoped_token, oauth_client_credentials),
// CONFLUENCE_LIVE_EMAIL + CONFLUENCE_LIVE_API_TOKEN, or
// CONFLUENCE_LIVE_CLIENT_ID + CONFLUENCE_LIVE_CLIENT_SECRET, and optionally
// CONFLUENCE_LIVE_CLOUD_ID.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/contract/emulator.golden.json")

const contractDir = "testdata/contract"

// contractTarget is a site the contract runs against.
type contractTarget struct {
	name string
	cfg  Config
	live bool
	// searchWait bounds how long search may lag behind a write.
	searchWait time.Duration
}

// liveTarget reads the live settings; ok is false when they are not set.
func liveTarget() (contractTarget, bool, error) {
	site := os.Getenv("CONFLUENCE_LIVE_URL")
	if site == "" {
		return contractTarget{}, false, nil
	}
	cfg := Config{
		BaseURL:      site,
		AuthMode:     AuthMode(os.Getenv("CONFLUENCE_LIVE_AUTH_MODE")),
		Email:        os.Getenv("CONFLUENCE_LIVE_EMAIL"),
		APIToken:     os.Getenv("CONFLUENCE_LIVE_API_TOKEN"),
		ClientID:     os.Getenv("CONFLUENCE_LIVE_CLIENT_ID"),
		ClientSecret: os.Getenv("CONFLUENCE_LIVE_CLIENT_SECRET"),
		CloudID:      os.Getenv("CONFLUENCE_LIVE_CLOUD_ID"),
		// Gentle on a real site's rate limits.
		RequestsPerSecond: 3,
	}
	if cfg.AuthMode == "" {
		cfg.AuthMode = AuthClassicToken
	}
	if cfg.AuthMode == AuthOAuth && (cfg.ClientID == "" || cfg.ClientSecret == "") ||
		cfg.AuthMode != AuthOAuth && (cfg.Email == "" || cfg.APIToken == "") {
		return contractTarget{}, false, fmt.Errorf("CONFLUENCE_LIVE_URL is set but the credentials of auth mode %s are not", cfg.AuthMode)
	}
	return contractTarget{name: "live-" + string(cfg.AuthMode), cfg: cfg, live: true, searchWait: 60 * time.Second}, true, nil
}

// emulatorTargets runs the emulator in the site and gateway modes.
func emulatorTargets(t *testing.T) []contractTarget {
	t.Helper()
	emu := emulator.NewDemo(emulator.Options{})
	const email, token = "contract@serviceaccount.atlassian.com", "contract-scoped-token"
	emu.AddAccount(emulator.Account{Email: email})
	emu.AddScopedToken(email, token, append(slices.Clone(emulator.DemoScopes), "write:confluence-space")...)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return []contractTarget{
		{name: "emulator-classic_token", cfg: Config{BaseURL: srv.URL, Email: "bot@example.com", APIToken: "bot-token"}},
		{name: "emulator-scoped_token", cfg: Config{BaseURL: srv.URL, AuthMode: AuthScopedToken, GatewayURL: srv.URL, Email: email, APIToken: token}},
	}
}

func TestContract(t *testing.T) {
	targets := emulatorTargets(t)
	live, haveLive, err := liveTarget()
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) {
			shapes := runContract(t, target)
			checkGolden(t, filepath.Join(contractDir, "emulator.golden.json"), shapes, *updateGolden)
		})
	}
	t.Run("live", func(t *testing.T) {
		if !haveLive {
			t.Skip("CONFLUENCE_LIVE_URL is not set: the live contract run is skipped (see `make live`)")
		}
		shapes := runContract(t, live)
		if os.Getenv("CONFLUENCE_LIVE_UPDATE") == "1" {
			writeGolden(t, filepath.Join(contractDir, "live.golden.json"), shapes)
		}
		want, err := readGolden(filepath.Join(contractDir, "emulator.golden.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diffShapes(want, shapes) {
			if os.Getenv("CONFLUENCE_LIVE_STRICT") == "1" {
				t.Error("emulator drift: " + d)
			} else {
				t.Log("emulator drift: " + d)
			}
		}
	})
}

// runContract runs the calls and returns the recorded response shapes.
func runContract(t *testing.T, target contractTarget) map[string]any {
	t.Helper()
	rec := &shapeRecorder{next: http.DefaultTransport, shapes: map[string]any{}}
	cfg := target.cfg
	cfg.HTTPClient = &http.Client{Transport: rec}
	cfg.Version = "contract"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	user, err := c.CurrentUser(ctx)
	if err != nil || user.AccountID == "" {
		t.Fatalf("CurrentUser: %+v, %v", user, err)
	}

	key := "TFC" + randomKey()
	space, err := c.CreateSpace(ctx, key, "terraform-provider-confluence contract "+key)
	if err != nil {
		t.Fatalf("creating the contract's own space %s: %v", key, err)
	}
	t.Cleanup(func() {
		// The contract's own space only: its key was generated above.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.DeleteSpace(ctx, key); err != nil {
			t.Errorf("deleting the contract's space %s: %v (delete it by hand)", key, err)
		}
	})
	if got, err := c.GetSpaceByKey(ctx, key); err != nil || got.ID != space.ID || got.HomepageID == "" {
		t.Fatalf("GetSpaceByKey(%s) = %+v, %v; want id %s", key, got, err, space.ID)
	}

	a, err := c.CreatePage(ctx, CreatePageRequest{SpaceID: space.ID, Title: "Contract A", Body: "<p>a <b>bold</b> word</p>"})
	if err != nil || a.SpaceID != space.ID || a.Version.Number != 1 {
		t.Fatalf("CreatePage: %+v, %v", a, err)
	}
	got, err := c.GetPage(ctx, a.ID, GetPageOptions{IncludeBody: true})
	if err != nil || !strings.Contains(got.Body, "<strong>bold</strong>") {
		t.Fatalf("GetPage: the body was not rewritten to <strong> on save: %+v, %v", got, err)
	}
	if u := c.PageURL(got.WebUI); !strings.HasPrefix(u, strings.TrimSuffix(strings.TrimSuffix(target.cfg.BaseURL, "/"), "/wiki")+"/wiki/spaces/") {
		t.Errorf("page URL %q does not point at the site", u)
	}
	if _, err := c.UpdatePage(ctx, UpdatePageRequest{ID: a.ID, Status: "current", Title: "Contract A", Body: "<p>two</p>", VersionNumber: 2, VersionMessage: "contract"}); err != nil {
		t.Fatalf("UpdatePage: %v", err)
	}
	_, err = c.UpdatePage(ctx, UpdatePageRequest{ID: a.ID, Status: "current", Title: "Contract A", Body: "<p>stale</p>", VersionNumber: 2})
	if apiErr, ok := AsAPIError(err); !ok || apiErr.Kind != KindConflict {
		t.Fatalf("stale UpdatePage: %v, want a 409", err)
	}

	b, err := c.CreatePage(ctx, CreatePageRequest{SpaceID: space.ID, Title: "Contract B", Body: "<p>b</p>"})
	if err != nil {
		t.Fatalf("CreatePage B: %v", err)
	}
	pages, err := c.ListPages(ctx, ListPagesOptions{SpaceIDs: []string{space.ID}, Limit: 1})
	if err != nil || !containsPage(pages, a.ID) || !containsPage(pages, b.ID) {
		t.Fatalf("ListPages (page size 1, following cursors): %d pages, %v", len(pages), err)
	}

	if err := c.AddPageLabels(ctx, a.ID, []string{"contract"}); err != nil {
		t.Fatalf("AddPageLabels: %v", err)
	}
	labels, err := c.GetPageLabels(ctx, a.ID)
	if err != nil || !slices.ContainsFunc(labels, func(l Label) bool { return l.Name == "contract" }) {
		t.Fatalf("GetPageLabels: %+v, %v", labels, err)
	}
	if _, err := c.CreatePageProperty(ctx, a.ID, "contract.probe", map[string]any{"ok": true}); err != nil {
		t.Fatalf("CreatePageProperty: %v", err)
	}
	if props, err := c.ListPageProperties(ctx, a.ID, "contract.probe"); err != nil || len(props) != 1 {
		t.Fatalf("ListPageProperties: %+v, %v", props, err)
	}

	// Search lags behind writes on a real site: poll, bounded.
	deadline := time.Now().Add(target.searchWait)
	for {
		res, err := c.Search(ctx, fmt.Sprintf(`space = %s and type = page and title = "Contract A"`, QuoteCQL(key)), 10)
		if err == nil && len(res) == 1 && res[0].ID == a.ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Search did not find the page within %s: %+v, %v", target.searchWait, res, err)
		}
		time.Sleep(2 * time.Second)
	}

	if err := c.DeletePage(ctx, b.ID, false); err != nil {
		t.Fatalf("DeletePage (trash): %v", err)
	}
	if _, err := c.GetPage(ctx, "999999999999", GetPageOptions{}); !IsNotFound(err) {
		t.Fatalf("GetPage of a missing page: %v, want 404", err)
	}
	return rec.snapshot()
}

func containsPage(pages []Page, id string) bool {
	return slices.ContainsFunc(pages, func(p Page) bool { return p.ID == id })
}

func randomKey() string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// shapeRecorder records the shape of every API response, keyed by
// "METHOD template status".
type shapeRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	shapes map[string]any
}

// recordedHeaders are the headers whose presence the golden files record.
var recordedHeaders = []string{"Link", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}

func (r *shapeRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || !strings.Contains(req.URL.Path, "/wiki/") {
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil {
		return resp, nil
	}
	entry := map[string]any{"content_type": mediaType(resp.Header.Get("Content-Type"))}
	var present []string
	for _, h := range recordedHeaders {
		if resp.Header.Get(h) != "" {
			present = append(present, h)
		}
	}
	entry["headers"] = present
	var doc any
	if json.Unmarshal(body, &doc) == nil {
		entry["body"] = shapeOf(doc)
	}
	key := fmt.Sprintf("%s %s %d", req.Method, templateOf(stripGatewayPrefix(req.URL.Path)), resp.StatusCode)
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.shapes[key]; ok {
		r.shapes[key] = mergeShape(prev, entry)
		return resp, nil
	}
	r.shapes[key] = entry
	return resp, nil
}

func (r *shapeRecorder) snapshot() map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.shapes
}

func mediaType(v string) string {
	mt, _, _ := strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

var numericSegment = regexp.MustCompile(`/\d+(/|$)`)

// templateOf names a path by the client's endpoint template.
func templateOf(p string) string {
	parts := strings.Split(p, "/")
	for _, e := range endpointScopes {
		if templateMatches(e.template, parts) {
			return e.template
		}
	}
	return numericSegment.ReplaceAllString(p, "/{id}$1")
}

// shapeOf reduces a JSON value to its shape: objects keep their keys, arrays
// the merged shape of their elements, scalars their type.
func shapeOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shapeOf(e)
		}
		return out
	case []any:
		var merged any
		for _, e := range x {
			merged = mergeShape(merged, shapeOf(e))
		}
		return []any{merged}
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	default:
		return "null"
	}
}

// mergeShape unites two shapes (keys of both; differing scalars joined).
func mergeShape(a, b any) any {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		out := make(map[string]any, len(am))
		for k, v := range am {
			out[k] = v
		}
		for k, v := range bm {
			out[k] = mergeShape(out[k], v)
		}
		return out
	}
	al, alok := a.([]any)
	bl, blok := b.([]any)
	if alok && blok {
		return []any{mergeShape(al[0], bl[0])}
	}
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok && as != bs {
			kinds := strings.Split(as+"|"+bs, "|")
			sort.Strings(kinds)
			return strings.Join(slices.Compact(kinds), "|")
		}
	}
	if fmt.Sprint(a) == "null" {
		return b
	}
	return a
}

func readGolden(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(data, &out)
}

func writeGolden(t *testing.T, path string, shapes map[string]any) {
	t.Helper()
	data, err := json.MarshalIndent(shapes, "", "  ") // map keys are sorted
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkGolden compares the recorded shapes with the golden file (or
// rewrites it with -update).
func checkGolden(t *testing.T, path string, shapes map[string]any, update bool) {
	t.Helper()
	// Round-trip so that the comparison sees JSON types on both sides.
	data, _ := json.Marshal(shapes)
	var got map[string]any
	_ = json.Unmarshal(data, &got)
	if update {
		writeGolden(t, path, got)
		return
	}
	want, err := readGolden(path)
	if err != nil {
		t.Fatalf("reading %s: %v (create it with -update)", path, err)
	}
	for _, d := range diffShapes(want, got) {
		t.Errorf("%s: %s (rerun with -update if the change is intended)", path, d)
	}
}

// diffShapes lists differences between two recordings.
func diffShapes(want, got map[string]any) []string {
	var out []string
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		w, wok := want[k]
		g, gok := got[k]
		switch {
		case !gok:
			out = append(out, k+": recorded before, not seen now")
		case !wok:
			out = append(out, k+": new response")
		default:
			out = append(out, diffValue(k, normalise(w), normalise(g))...)
		}
	}
	return out
}

func normalise(v any) any {
	data, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}

func diffValue(at string, want, got any) []string {
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if wok && gok {
		var out []string
		keys := map[string]bool{}
		for k := range wm {
			keys[k] = true
		}
		for k := range gm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			wv, wh := wm[k]
			gv, gh := gm[k]
			switch {
			case !gh:
				out = append(out, fmt.Sprintf("%s.%s: missing", at, k))
			case !wh:
				out = append(out, fmt.Sprintf("%s.%s: new (%v)", at, k, short(gv)))
			default:
				out = append(out, diffValue(at+"."+k, wv, gv)...)
			}
		}
		return out
	}
	wl, wlok := want.([]any)
	gl, glok := got.([]any)
	if wlok && glok && len(wl) == 1 && len(gl) == 1 {
		return diffValue(at+"[]", wl[0], gl[0])
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		return []string{fmt.Sprintf("%s: %v, was %v", at, short(got), short(want))}
	}
	return nil
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
