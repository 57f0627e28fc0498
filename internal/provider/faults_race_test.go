// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

// raceOrder is how the gate orders two workspaces' creates of one title.
type raceOrder int

const (
	// bothAnswered: the second create is refused ("title already exists")
	// and the refusal reaches its apply.
	bothAnswered raceOrder = iota
	// loserAnswerLostAfterRecord: the refusal is lost on the way back (the
	// connection drops), after the first apply recorded the page.
	loserAnswerLostAfterRecord
	// loserAnswerLostBeforeRecord: the refusal is lost, and the first
	// apply's record is held until the second apply has looked at the page
	// and claimed it: the one order in which the second cannot tell the two
	// creates apart.
	loserAnswerLostBeforeRecord
	// recordBetweenCheckAndClaim: the refusal is lost, the second apply
	// finds no record, and the first apply's record lands before the second
	// claims the page: the claim is refused, so the page is not adopted.
	recordBetweenCheckAndClaim
)

// raceGate sits in front of the emulator and makes two applies race for one
// title in a chosen order: it holds the first page create until the second
// arrives, lets the first through (the winner), then the second.
type raceGate struct {
	emu   *emulator.Emulator
	order raceOrder

	mu           sync.Mutex
	creates      int
	records      int
	bothArrived  chan struct{} // both creates are at the gate
	winnerServed chan struct{} // the first create was answered
	firstRecord  chan struct{} // the first terraform.change write arrived
	recordServed chan struct{} // the first terraform.change write was answered
	claimServed  chan struct{} // the second terraform.change write was answered
	recordRead   chan struct{} // a terraform.change record was read (the loser's check)
	readOnce     sync.Once
}

func newRaceGate(emu *emulator.Emulator, order raceOrder) *raceGate {
	return &raceGate{
		emu: emu, order: order,
		bothArrived: make(chan struct{}), winnerServed: make(chan struct{}),
		firstRecord: make(chan struct{}), recordServed: make(chan struct{}), claimServed: make(chan struct{}),
		recordRead: make(chan struct{}),
	}
}

// raceWait bounds every wait of the gate: a provider that does not send what
// the test expects fails the test instead of hanging it.
const raceWait = time.Minute

func wait(ch <-chan struct{}) {
	select {
	case <-ch:
	case <-time.After(raceWait):
	}
}

func (g *raceGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/wiki/api/v2/pages":
		g.mu.Lock()
		g.creates++
		n := g.creates
		if n == 2 {
			close(g.bothArrived)
		}
		g.mu.Unlock()
		wait(g.bothArrived)
		if n == 1 {
			g.emu.ServeHTTP(w, r)
			close(g.winnerServed)
			return
		}
		wait(g.winnerServed)
		if n > 2 || g.order == bothAnswered {
			g.emu.ServeHTTP(w, r)
			return
		}
		// Confluence refuses the second create, and the refusal is lost.
		g.emu.ServeHTTP(httptest.NewRecorder(), r)
		if g.order == loserAnswerLostAfterRecord {
			wait(g.recordServed)
		} else {
			wait(g.firstRecord)
		}
		panic(http.ErrAbortHandler)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/properties"):
		g.mu.Lock()
		g.records++
		n := g.records
		g.mu.Unlock()
		if n == 1 {
			close(g.firstRecord)
			switch g.order {
			case loserAnswerLostBeforeRecord:
				wait(g.claimServed)
			case recordBetweenCheckAndClaim:
				wait(g.recordRead)
			}
		}
		g.emu.ServeHTTP(w, r)
		switch n {
		case 1:
			close(g.recordServed)
		case 2:
			close(g.claimServed)
		}
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/properties") && r.URL.Query().Get("key") == auditPropertyKey:
		g.emu.ServeHTTP(w, r)
		g.readOnce.Do(func() { close(g.recordRead) })
	default:
		g.emu.ServeHTTP(w, r)
	}
}

// Two workspaces, the same page, the same account, applied at the same
// moment (issue 18, defect 1, "or in parallel"). Confluence keeps one page
// per title, so one create wins. Whatever happens to the other's answer,
// the page is never in two states silently: the loser stops with the import
// command, or — in the one order where the loser cannot know (its answer
// lost, the winner's record not yet written) — the winner, which got
// Confluence's answer, names the other apply and what to do.
func TestAccFaultTwoWorkspacesRaceForOneTitle(t *testing.T) {
	t.Parallel()
	cli := buildCLIProvider(t)
	for name, order := range map[string]raceOrder{
		"both answered":                     bothAnswered,
		"loser's answer lost after record":  loserAnswerLostAfterRecord,
		"loser's answer lost before record": loserAnswerLostBeforeRecord,
		"record between check and claim":    recordBetweenCheckAndClaim,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu := emulator.NewDemo(emulator.Options{Validate: func(v string) { t.Errorf("OpenAPI violation: %s", v) }})
			srv := httptest.NewServer(newRaceGate(emu, order))
			t.Cleanup(srv.Close)
			site := &testSite{emu: emu, srv: srv}
			workspaces := make([]*cliWorkspace, 2)
			for i := range workspaces {
				workspaces[i] = cli.workspace(t, site.providerBlock(botEmail, botToken, fmt.Sprintf("change_reference = %q", fmt.Sprintf("workspace-%d", i)))+`
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "Shared D"
  body      = "<p>same text</p>"
}
`)
			}
			outputs, errs := make([]string, 2), make([]error, 2)
			var wg sync.WaitGroup
			for i, ws := range workspaces {
				wg.Go(func() { outputs[i], errs[i] = ws.run(t.Context(), "apply", "-auto-approve") })
			}
			wg.Wait()
			for i := range outputs {
				t.Logf("workspace-%d (err %v):\n%s", i, errs[i], tail(outputs[i], 3000))
			}

			pages := pagesTitled(t, site, "Shared D")
			if len(pages) != 1 {
				t.Fatalf("%d pages titled \"Shared D\", want exactly one", len(pages))
			}
			id := pages[0].ID
			holders := 0
			for _, ws := range workspaces {
				if _, ok := ws.pagesInState(t)[id]; ok {
					holders++
				}
			}
			winner, loser := 0, 1
			if errs[0] != nil || strings.Contains(outputs[1], "Page Claimed By Another Apply") {
				winner, loser = 1, 0
			}
			if errs[winner] != nil {
				t.Fatalf("both applies failed; one create must have won")
			}
			record := changeRecordOf(t, site, id)
			if order != loserAnswerLostBeforeRecord {
				if errs[loser] == nil || !strings.Contains(outputs[loser], "Page Already Exists") || !strings.Contains(outputs[loser], "terraform import 'confluence_page.<name>' "+id) {
					t.Errorf("the losing apply did not stop with the import command for page %s", id)
				}
				if holders != 1 {
					t.Errorf("%d workspaces hold page %s in state, want only the one whose create won", holders, id)
				}
				if record.AdoptedAfterLostAnswer || record.ChangeReference != fmt.Sprintf("workspace-%d", winner) {
					t.Errorf("the page's change record is %+v, want the winner's (workspace-%d) own", record, winner)
				}
				return
			}
			// The undecidable order: the loser adopted (and said so in its
			// record); the winner must say the page is claimed twice.
			if errs[loser] != nil {
				t.Errorf("the apply whose answer was lost failed; with no record on the page it takes the page as its own")
			}
			if !record.AdoptedAfterLostAnswer || record.ChangeReference != fmt.Sprintf("workspace-%d", loser) {
				t.Errorf("the page's change record is %+v, want the adopting apply's (workspace-%d) with adopted_after_lost_answer", record, loser)
			}
			warning := outputs[winner]
			for _, want := range []string{"Page Claimed By Another Apply", id, `change reference "workspace-` + fmt.Sprint(loser) + `"`, "terraform state rm"} {
				if !strings.Contains(strings.Join(strings.Fields(warning), " "), want) {
					t.Errorf("the winning apply's output does not say %q", want)
				}
			}
		})
	}
}

// pagesTitled lists the pages of space DOCS with the title, in any status.
func pagesTitled(t *testing.T, site *testSite, title string) []confluence.Page {
	t.Helper()
	admin := newSeeder(t, site)
	pages, err := admin.client.ListPages(context.Background(), confluence.ListPagesOptions{SpaceIDs: []string{admin.spaceID("DOCS")}, Title: title, Statuses: []string{"current", "trashed", "draft"}})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// changeRecordOf reads a page's terraform.change property.
func changeRecordOf(t *testing.T, site *testSite, pageID string) auditRecord {
	t.Helper()
	admin := newSeeder(t, site)
	props, err := admin.client.ListContentProperties(context.Background(), confluence.KindPage, pageID, auditPropertyKey)
	if err != nil || len(props) != 1 {
		t.Fatalf("reading the change record of page %s: %d properties, %v", pageID, len(props), err)
	}
	var rec auditRecord
	if err := json.Unmarshal(props[0].Value, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}
