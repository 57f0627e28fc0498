package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
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

func TestRunServesAndFlushesDataFileOnCancel(t *testing.T) {
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

	data := filepath.Join(t.TempDir(), "site.json")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "demo", "-data", data}, out) }()

	var addr string
	select {
	case addr = <-addrCh:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not listen")
	}
	base := "http://" + addr

	// Create a page through the API so the saved file has something the seed does not.
	spaceReq, _ := http.NewRequestWithContext(context.Background(), "GET", base+"/wiki/api/v2/spaces?keys=DOCS", nil)
	spaceReq.SetBasicAuth("bot@example.com", "bot-token")
	resp, err := http.DefaultClient.Do(spaceReq)
	if err != nil {
		t.Fatal(err)
	}
	var spaces struct{ Results []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&spaces); err != nil || len(spaces.Results) != 1 {
		t.Fatalf("spaces: %v %+v", err, spaces)
	}
	_ = resp.Body.Close()
	body := `{"spaceId":"` + spaces.Results[0].ID + `","status":"current","title":"Saved page","body":{"representation":"storage","value":"<p>kept</p>"}}`
	createReq, _ := http.NewRequestWithContext(context.Background(), "POST", base+"/wiki/api/v2/pages", strings.NewReader(body))
	createReq.SetBasicAuth("bot@example.com", "bot-token")
	createReq.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(createReq)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("create page: status %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}

	for _, want := range []string{base, "bot@example.com", "token bot-token", "DOCS: edit, OPS: edit", "reader@example.com", "DOCS: view, OPS: view", "site admin"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
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
