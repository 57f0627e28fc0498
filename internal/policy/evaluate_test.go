// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The test's own oracle, written out rather than derived from the package.
var (
	testRank = map[Level]int{
		Allowed:                 0,
		AllowedWithConfirmation: 1,
		Denied:                  2,
	}
	testDecision = map[Level]Decision{
		Allowed:                 DecisionAllowed,
		AllowedWithConfirmation: DecisionAllowedWithConfirmation,
		Denied:                  DecisionDenied,
	}
	testDefault = map[Operation]Level{
		SearchPages: Allowed,
		GetPage:     Allowed,
		CreatePage:  AllowedWithConfirmation,
		UpdatePage:  AllowedWithConfirmation,
		DeletePage:  AllowedWithConfirmation,
	}
	allOps = []Operation{SearchPages, GetPage, CreatePage, UpdatePage, DeletePage}
)

const (
	space     = "DOCS"
	botAcct   = "557058:bot"
	otherAcct = "557058:other"
)

func connection(name, account string, spaces ...string) ConnectionRecord {
	return ConnectionRecord{
		Name:          name,
		AccountID:     account,
		Email:         name + "@example.com",
		DisplayName:   name,
		Spaces:        spaces,
		RotatedAt:     time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		SchemaVersion: 1,
	}
}

// uniformPolicy sets level for every operation.
func uniformPolicy(name string, level Level) PolicyRecord {
	p := PolicyRecord{Connection: name, Levels: map[Operation]Level{}, SchemaVersion: 1}
	for _, op := range allOps {
		p.Levels[op] = level
	}
	return p
}

// request builds a request for op with page fields fitting the operation.
func request(op Operation) Request {
	req := Request{Operation: op, SpaceKey: space, AccountID: botAcct}
	switch op {
	case CreatePage:
		req.PageTitle = "Release notes"
		req.Content = "<p>hello</p>"
	case UpdatePage:
		req.PageID, req.PageTitle = "98765", "Release notes"
		req.Content = "<p>hello again</p>"
	case GetPage, DeletePage:
		req.PageID, req.PageTitle = "98765", "Release notes"
	}
	return req
}

// policyChoice is what a governing connection has in the space: a policy
// with a level, or no policy record (level "").
var policyChoices = []Level{"", Allowed, AllowedWithConfirmation, Denied}

func expectedLevel(op Operation, choice Level) Level {
	if choice == "" {
		return testDefault[op]
	}
	return choice
}

func checkResult(t *testing.T, req Request, got Result, wantLevel Level, wantConnection string) {
	t.Helper()
	if got.Decision != testDecision[wantLevel] || got.Level != wantLevel {
		t.Fatalf("decision %q level %q, want %q %q (reason: %s)", got.Decision, got.Level, testDecision[wantLevel], wantLevel, got.Reason)
	}
	if got.Connection != wantConnection {
		t.Errorf("connection %q, want %q", got.Connection, wantConnection)
	}
	page := req.PageID
	if req.Operation == CreatePage {
		page = req.PageTitle
	}
	if wantLevel == AllowedWithConfirmation {
		want := ConfirmationCode(req.Operation, wantConnection, req.SpaceKey, page, req.Content)
		if got.ConfirmationCode != want {
			t.Errorf("confirmation code %q, want %q", got.ConfirmationCode, want)
		}
		// The provider words how to grant the code, once; the reason says why.
		if strings.Contains(got.Reason, got.ConfirmationCode) || !strings.Contains(got.Reason, "needs confirmation") {
			t.Errorf("reason %q should say why confirmation is needed, without the code", got.Reason)
		}
	} else if got.ConfirmationCode != "" {
		t.Errorf("confirmation code %q set for decision %q", got.ConfirmationCode, got.Decision)
	}
	mustMention := []string{string(req.Operation), req.SpaceKey, string(wantLevel)}
	if req.PageTitle != "" {
		mustMention = append(mustMention, req.PageTitle)
	}
	mustMention = append(mustMention, strings.Split(wantConnection, ", ")...)
	for _, s := range mustMention {
		if !strings.Contains(got.Reason, s) {
			t.Errorf("reason %q does not mention %q", got.Reason, s)
		}
	}
	if !strings.Contains(got.PolicyLocation, "space property") || !strings.Contains(got.PolicyLocation, req.SpaceKey) {
		t.Errorf("policy location %q does not name a space property in %s", got.PolicyLocation, req.SpaceKey)
	}
}

func TestEvaluateSingleGoverningConnection(t *testing.T) {
	count := 0
	for _, op := range allOps {
		for _, choice := range policyChoices {
			for _, named := range []bool{false, true} {
				for _, bystanders := range []bool{false, true} {
					for _, requirePolicy := range []bool{false, true} {
						name := fmt.Sprintf("%s/policy=%q/named=%t/bystanders=%t/require=%t", op, choice, named, bystanders, requirePolicy)
						t.Run(name, func(t *testing.T) {
							count++
							recs := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("ci-bot", botAcct, space, "OPS")}}
							if choice != "" {
								recs.Policies = append(recs.Policies, uniformPolicy("ci-bot", choice))
							}
							if bystanders {
								// Another account's records must not change anything,
								// whichever way they lean.
								recs.Connections = append(recs.Connections,
									connection("human-a", otherAcct, space),
									connection("human-b", "557058:third", space))
								recs.Policies = append(recs.Policies,
									uniformPolicy("human-a", Denied),
									uniformPolicy("human-b", Allowed))
							}
							req := request(op)
							req.RequirePolicy = requirePolicy
							if named {
								req.Connection = "ci-bot"
							}
							got, err := Evaluate(req, recs)
							if err != nil {
								t.Fatal(err)
							}
							checkResult(t, req, got, expectedLevel(op, choice), "ci-bot")
							wantFile := "terraform.policy.ci-bot"
							if !strings.Contains(got.PolicyLocation, wantFile) {
								t.Errorf("policy location %q does not name %s", got.PolicyLocation, wantFile)
							}
							if choice == "" && !strings.Contains(got.PolicyLocation, "absent") {
								t.Errorf("policy location %q does not say the policy is absent", got.PolicyLocation)
							}
						})
					}
				}
			}
		}
	}
	if want := 5 * 4 * 2 * 2 * 2; count != want {
		t.Fatalf("ran %d cases, want %d", count, want)
	}
}

func TestEvaluateSeveralGoverningConnections(t *testing.T) {
	for _, op := range allOps {
		for _, a := range policyChoices {
			for _, b := range policyChoices {
				for _, named := range []string{"", "a-bot", "b-bot"} {
					t.Run(fmt.Sprintf("%s/a=%q/b=%q/named=%q", op, a, b, named), func(t *testing.T) {
						recs := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{
							connection("a-bot", botAcct, space),
							connection("b-bot", botAcct, space),
							connection("z-human", otherAcct, space),
						}}
						recs.Policies = append(recs.Policies, uniformPolicy("z-human", Allowed))
						if a != "" {
							recs.Policies = append(recs.Policies, uniformPolicy("a-bot", a))
						}
						if b != "" {
							recs.Policies = append(recs.Policies, uniformPolicy("b-bot", b))
						}
						want := expectedLevel(op, a)
						if lb := expectedLevel(op, b); testRank[lb] > testRank[want] {
							want = lb
						}
						req := request(op)
						req.Connection = named
						got, err := Evaluate(req, recs)
						if err != nil {
							t.Fatal(err)
						}
						checkResult(t, req, got, want, "a-bot, b-bot")
					})
				}
			}
		}
	}
}

func TestEvaluateSeveralGoverningMixedOperations(t *testing.T) {
	// One connection is strict on writes, the other on reads: each operation
	// takes the stricter of the two.
	writesDenied := PolicyRecord{Connection: "a-bot", Levels: map[Operation]Level{
		CreatePage: Denied, UpdatePage: Denied, DeletePage: Denied,
	}}
	readsConfirmed := PolicyRecord{Connection: "b-bot", Levels: map[Operation]Level{
		SearchPages: AllowedWithConfirmation, GetPage: AllowedWithConfirmation,
		CreatePage: Allowed, UpdatePage: Allowed, DeletePage: Allowed,
	}}
	recs := SpaceRecords{
		SpaceKey:    space,
		Connections: []ConnectionRecord{connection("a-bot", botAcct, space), connection("b-bot", botAcct, space)},
		Policies:    []PolicyRecord{writesDenied, readsConfirmed},
	}
	want := map[Operation]Level{
		SearchPages: AllowedWithConfirmation, GetPage: AllowedWithConfirmation,
		CreatePage: Denied, UpdatePage: Denied, DeletePage: Denied,
	}
	for _, op := range allOps {
		req := request(op)
		got, err := Evaluate(req, recs)
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, req, got, want[op], "a-bot, b-bot")
	}
}

func TestEvaluateUnmanaged(t *testing.T) {
	for _, op := range allOps {
		for _, bystanders := range []bool{false, true} {
			for _, requirePolicy := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/bystanders=%t/require=%t", op, bystanders, requirePolicy), func(t *testing.T) {
					recs := SpaceRecords{SpaceKey: space}
					if bystanders {
						recs.Connections = []ConnectionRecord{connection("human", otherAcct, space)}
						recs.Policies = []PolicyRecord{uniformPolicy("human", Denied)}
					}
					req := request(op)
					req.RequirePolicy = requirePolicy
					got, err := Evaluate(req, recs)
					if err != nil {
						t.Fatal(err)
					}
					if got.Connection != "" || got.ConfirmationCode != "" {
						t.Errorf("connection %q code %q, want both empty", got.Connection, got.ConfirmationCode)
					}
					for _, s := range []string{string(op), space, botAcct} {
						if !strings.Contains(got.Reason, s) {
							t.Errorf("reason %q does not mention %q", got.Reason, s)
						}
					}
					if bystanders {
						// A managed space denies an account it does not register,
						// whatever the configuration says.
						if got.Decision != DecisionDenied || got.Level != Denied || !strings.Contains(got.Reason, "managed") || !strings.Contains(got.Reason, `"human"`) {
							t.Fatalf("got %q/%q (%s), want denied because the space is managed", got.Decision, got.Level, got.Reason)
						}
						return
					}
					if requirePolicy {
						if got.Decision != DecisionDenied || got.Level != Denied {
							t.Fatalf("got %q/%q, want denied", got.Decision, got.Level)
						}
						if !strings.Contains(got.Reason, "require_policy") {
							t.Errorf("reason %q does not mention require_policy", got.Reason)
						}
						return
					}
					if got.Decision != DecisionUnmanaged || got.Level != "" {
						t.Fatalf("got %q/%q, want unmanaged with no level", got.Decision, got.Level)
					}
				})
			}
		}
	}
}

func TestEvaluateNamedConnectionOutOfScope(t *testing.T) {
	for _, op := range allOps {
		for _, choice := range policyChoices {
			// The record of ci-bot is absent from the space, even though another
			// connection of the same account would allow the operation.
			t.Run(fmt.Sprintf("absent/%s/policy=%q", op, choice), func(t *testing.T) {
				recs := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("other-bot", botAcct, space)}}
				if choice != "" {
					recs.Policies = []PolicyRecord{uniformPolicy("other-bot", choice)}
				}
				req := request(op)
				req.Connection = "ci-bot"
				got, err := Evaluate(req, recs)
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, req, got, Denied, "ci-bot")
				if !strings.Contains(got.Reason, "outside the scope") {
					t.Errorf("reason %q does not say out of scope", got.Reason)
				}
				if !strings.Contains(got.PolicyLocation, "terraform.connection.ci-bot") {
					t.Errorf("policy location %q does not name the connection record", got.PolicyLocation)
				}
			})
			// The record is present but its scope does not list the space, named
			// or not: a stale record still denies.
			for _, named := range []bool{false, true} {
				t.Run(fmt.Sprintf("unlisted/%s/policy=%q/named=%t", op, choice, named), func(t *testing.T) {
					recs := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("ci-bot", botAcct, "OPS")}}
					if choice != "" {
						recs.Policies = []PolicyRecord{uniformPolicy("ci-bot", choice)}
					}
					req := request(op)
					if named {
						req.Connection = "ci-bot"
					}
					got, err := Evaluate(req, recs)
					if err != nil {
						t.Fatal(err)
					}
					checkResult(t, req, got, Denied, "ci-bot")
					if !strings.Contains(got.Reason, "outside the scope") || !strings.Contains(got.Reason, "OPS") {
						t.Errorf("reason %q does not say out of scope and show the scope", got.Reason)
					}
				})
			}
		}
	}
}

func TestEvaluateIdentityMismatch(t *testing.T) {
	for _, op := range allOps {
		for _, choice := range policyChoices {
			recs := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("ci-bot", otherAcct, space)}}
			if choice != "" {
				recs.Policies = []PolicyRecord{uniformPolicy("ci-bot", choice)}
			}
			req := request(op)
			req.Connection = "ci-bot"
			got, err := Evaluate(req, recs)
			if err == nil {
				t.Fatalf("%s/policy=%q: got %+v, want an identity mismatch error", op, choice, got)
			}
			for _, s := range []string{"identity mismatch", "ci-bot", otherAcct, botAcct} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		}
	}
}

func TestEvaluateInvalidInput(t *testing.T) {
	good := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("ci-bot", botAcct, space)}}
	tests := map[string]struct {
		mutate  func(*Request, *SpaceRecords)
		wantErr string
	}{
		"unknown operation": {func(r *Request, _ *SpaceRecords) { r.Operation = "update_pages" }, `did you mean "update_page"`},
		"empty space":       {func(r *Request, _ *SpaceRecords) { r.SpaceKey = "" }, "space key is empty"},
		"other space":       {func(_ *Request, s *SpaceRecords) { s.SpaceKey = "OPS" }, "records given are those of space OPS"},
		"no account":        {func(r *Request, _ *SpaceRecords) { r.AccountID = " " }, "account id is empty"},
		"bad connection":    {func(r *Request, _ *SpaceRecords) { r.Connection = "CI Bot" }, `"ci-bot"`},
		"bad level": {func(_ *Request, s *SpaceRecords) {
			s.Policies = []PolicyRecord{{Connection: "ci-bot", Levels: map[Operation]Level{UpdatePage: "alowed"}}} //nolint:misspell // a typo on purpose
		}, `did you mean "allowed"`},
		"duplicate connection": {func(_ *Request, s *SpaceRecords) {
			s.Connections = append(s.Connections, connection("ci-bot", botAcct, space))
		}, "more than one record"},
		"duplicate policy": {func(_ *Request, s *SpaceRecords) {
			s.Policies = []PolicyRecord{uniformPolicy("ci-bot", Allowed), uniformPolicy("ci-bot", Denied)}
		}, "more than one operation policy"},
		"record without account": {func(_ *Request, s *SpaceRecords) {
			s.Connections = []ConnectionRecord{connection("ci-bot", "", space)}
		}, "no account id"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req := request(UpdatePage)
			recs := good
			recs.Connections = append([]ConnectionRecord(nil), good.Connections...)
			tc.mutate(&req, &recs)
			_, err := Evaluate(req, recs)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestEvaluateCodeBindsTheChange(t *testing.T) {
	recs := SpaceRecords{SpaceKey: space, Connections: []ConnectionRecord{connection("ci-bot", botAcct, space)}}
	codeOf := func(req Request) string {
		t.Helper()
		res, err := Evaluate(req, recs)
		if err != nil {
			t.Fatal(err)
		}
		if res.Decision != DecisionAllowedWithConfirmation {
			t.Fatalf("decision %q, want allowed_with_confirmation", res.Decision)
		}
		return res.ConfirmationCode
	}
	update := request(UpdatePage)
	base := codeOf(update)
	if base != codeOf(update) {
		t.Fatal("the same request gave two codes")
	}
	changed := update
	changed.Content += " "
	if codeOf(changed) == base {
		t.Error("changing the content kept the code")
	}
	otherPage := update
	otherPage.PageID = "98766"
	if codeOf(otherPage) == base {
		t.Error("another page id kept the code")
	}
	// An update is bound to the page id; the title is for messages (a title
	// change is part of the content the provider passes).
	retitled := update
	retitled.PageTitle = "Renamed"
	if codeOf(retitled) != base {
		t.Error("an update's code depends on the title, want the page id only")
	}
	// A create is bound to the title, there is no id yet.
	create := request(CreatePage)
	createCode := codeOf(create)
	create.PageTitle = "Other title"
	if codeOf(create) == createCode {
		t.Error("a create's code does not depend on the title")
	}
	if !strings.HasPrefix(base, "update_page-") || !strings.HasPrefix(createCode, "create_page-") {
		t.Errorf("codes %q, %q lack their operation prefix", base, createCode)
	}
}
