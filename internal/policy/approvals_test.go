// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const (
	botID   = "557058:bot"
	aliceID = "557058:alice"
	bobID   = "557058:bob"
	eveID   = "557058:eve"
)

// Codes as the provider makes them, whatever their length.
var (
	code      = ConfirmationCode(UpdatePage, "docs-bot", "DOCS", "42", "x")
	otherCode = ConfirmationCode(UpdatePage, "docs-bot", "DOCS", "42", "y")
)

var approvalNow = time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC)

var testAccounts = map[string]Account{
	botID:   {AccountID: botID, Email: "bot@example.com", DisplayName: "Docs Bot"},
	aliceID: {AccountID: aliceID, Email: "alice@example.com", DisplayName: "Alice Approver"},
	bobID:   {AccountID: bobID, Email: "", DisplayName: "Bob Hidden"}, // does not share an e-mail
	eveID:   {AccountID: eveID, Email: "eve@example.com", DisplayName: "Eve Editor"},
}

// stored is an approval record of code by author, written an hour ago.
func stored(t *testing.T, c, author string, mutate func(*ApprovalValue, *StoredApproval)) StoredApproval {
	t.Helper()
	v := ApprovalValue{SchemaVersion: ApprovalSchemaVersion, Code: c, Reason: "reviewed PR 42", ExpiresAt: approvalNow.Add(23 * time.Hour),
		ApproverAccountID: aliceID} // a claim: never trusted
	s := StoredApproval{Key: ApprovalPropertyKey(c, author), AuthorID: author, WrittenAt: approvalNow.Add(-time.Hour)}
	if mutate != nil {
		mutate(&v, &s)
	}
	raw, err := jsonMarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if s.Value == nil {
		s.Value = raw
	}
	return s
}

func TestVerifyApprovals(t *testing.T) {
	one := []ApprovalRequirement{{Connection: "docs-bot", Approvers: []string{"alice@example.com", bobID, "bot@example.com"}, Required: 1}}
	two := []ApprovalRequirement{{Connection: "docs-bot", Approvers: []string{"ALICE@example.com", bobID}, Required: 2}}
	tests := []struct {
		name        string
		reqs        []ApprovalRequirement
		records     func(t *testing.T) []StoredApproval
		granted     bool
		approvers   []string // accepted, in order
		refusedWhy  string   // substring of a refusal, if any
		missingWhat string
	}{
		{name: "listed approver by e-mail", reqs: one,
			records: func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, aliceID, nil)} },
			granted: true, approvers: []string{aliceID}},
		{name: "listed approver by account id (no shared e-mail)", reqs: one,
			records: func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, bobID, nil)} },
			granted: true, approvers: []string{bobID}},
		{name: "self-approval refused even though listed", reqs: one,
			records:    func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, botID, nil)} },
			refusedWhy: "governed account itself", missingWhat: "has 0"},
		{name: "unlisted author refused, whatever the value claims", reqs: one,
			records:    func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, eveID, nil)} },
			refusedWhy: "not a listed approver"},
		{name: "expired", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, aliceID, func(v *ApprovalValue, _ *StoredApproval) { v.ExpiresAt = approvalNow })}
			},
			refusedWhy: "expired at 2026-11-29T17:00:00Z"},
		{name: "expiry too far after Confluence's time", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, aliceID, func(v *ApprovalValue, _ *StoredApproval) { v.ExpiresAt = approvalNow.Add(40 * 24 * time.Hour) })}
			},
			refusedWhy: "more than 30 days"},
		{name: "no expiry", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, aliceID, func(v *ApprovalValue, _ *StoredApproval) { v.ExpiresAt = time.Time{} })}
			},
			refusedWhy: "no expiry"},
		{name: "value names another code", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, aliceID, func(v *ApprovalValue, _ *StoredApproval) { v.Code = otherCode })}
			},
			refusedWhy: "names code"},
		{name: "written under another approver's key", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, eveID, func(_ *ApprovalValue, s *StoredApproval) { s.Key = ApprovalPropertyKey(code, aliceID) })}
			},
			refusedWhy: "stored under the key of account " + aliceID},
		{name: "no author reported", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, "", func(_ *ApprovalValue, s *StoredApproval) { s.Key = ApprovalPropertyKey(code, "") })}
			},
			refusedWhy: "no author"},
		{name: "garbage value", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, aliceID, func(_ *ApprovalValue, s *StoredApproval) { s.Value = []byte(`"yes"`) })}
			},
			refusedWhy: "not an approval record"},
		{name: "other codes ignored", reqs: one,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, otherCode, aliceID, nil), {Key: "terraform.policy.docs-bot", Value: []byte(`{}`)}}
			},
			missingWhat: "has 0"},
		{name: "two required, one given", reqs: two,
			records:     func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, aliceID, nil)} },
			approvers:   []string{aliceID},
			missingWhat: "needs 2 approval(s)"},
		{name: "two required, two given (e-mail matched without case)", reqs: two,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, bobID, nil), stored(t, code, aliceID, func(_ *ApprovalValue, s *StoredApproval) { s.WrittenAt = s.WrittenAt.Add(-time.Minute) })}
			},
			granted: true, approvers: []string{aliceID, bobID}},
		{name: "two required, same approver twice counts once", reqs: two,
			records: func(t *testing.T) []StoredApproval {
				return []StoredApproval{stored(t, code, aliceID, nil), stored(t, code, aliceID, nil)}
			},
			approvers: []string{aliceID}, missingWhat: "has 1"},
		{name: "every governing policy must be satisfied", reqs: append(append([]ApprovalRequirement{}, one...), ApprovalRequirement{Connection: "ops-bot", Approvers: []string{bobID}, Required: 1}),
			records:     func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, aliceID, nil)} },
			approvers:   []string{aliceID},
			missingWhat: `connection "ops-bot" needs 1`},
		{name: "no requirement grants nothing",
			records:     func(t *testing.T) []StoredApproval { return []StoredApproval{stored(t, code, aliceID, nil)} },
			missingWhat: "names no approvers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := VerifyApprovals(code, botID, tt.reqs, tt.records(t), testAccounts, approvalNow)
			if st.Granted != tt.granted {
				t.Errorf("granted = %v, want %v (missing: %s, refused: %+v)", st.Granted, tt.granted, st.Missing, st.Refused)
			}
			var got []string
			for _, a := range st.Approvals {
				got = append(got, a.Approver.AccountID)
			}
			if strings.Join(got, ",") != strings.Join(tt.approvers, ",") {
				t.Errorf("accepted approvers = %v, want %v", got, tt.approvers)
			}
			if tt.refusedWhy != "" {
				found := false
				for _, r := range st.Refused {
					found = found || strings.Contains(r.Why, tt.refusedWhy)
				}
				if !found {
					t.Errorf("no refusal says %q: %+v", tt.refusedWhy, st.Refused)
				}
			}
			if tt.missingWhat != "" && !strings.Contains(st.Missing, tt.missingWhat) {
				t.Errorf("missing = %q, want it to say %q", st.Missing, tt.missingWhat)
			}
			if st.Granted && st.Missing != "" {
				t.Errorf("granted but missing = %q", st.Missing)
			}
		})
	}
}

func TestApprovalNamesApproverAndTime(t *testing.T) {
	st := VerifyApprovals(code, botID, []ApprovalRequirement{{Connection: "c", Approvers: []string{aliceID}, Required: 1}},
		[]StoredApproval{stored(t, code, aliceID, nil)}, testAccounts, approvalNow)
	want := "approved by Alice Approver <557058:alice> at 2026-11-29T16:00:00Z"
	if st.Summary() != want {
		t.Errorf("summary = %q, want %q", st.Summary(), want)
	}
	if a := st.Approvals[0]; a.Reason != "reviewed PR 42" || !a.ExpiresAt.Equal(approvalNow.Add(23*time.Hour)) {
		t.Errorf("approval = %+v", a)
	}
}

func TestParseApprovalExpiry(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "", want: approvalNow.Add(24 * time.Hour)},
		{in: "90m", want: approvalNow.Add(90 * time.Minute)},
		{in: "3d", want: approvalNow.Add(72 * time.Hour)},
		{in: "2026-12-01T18:00:00Z", want: time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)},
		{in: "-1h", wantErr: "not in the future"},
		{in: "31d", wantErr: "more than 30 days"},
		{in: "tomorrow", wantErr: "use a duration"},
		{in: "xd", wantErr: "use a duration"},
	}
	for _, tt := range tests {
		got, err := ParseApprovalExpiry(tt.in, approvalNow)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseApprovalExpiry(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("ParseApprovalExpiry(%q): %v", tt.in, err)
		case !got.Equal(tt.want):
			t.Errorf("ParseApprovalExpiry(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestEncodeApproval(t *testing.T) {
	tests := []struct {
		name    string
		v       ApprovalValue
		wantErr string
	}{
		{name: "ok", v: ApprovalValue{Code: code, Reason: "PR 42", ExpiresAt: approvalNow}},
		{name: "bad code", v: ApprovalValue{Code: "update_page-XYZ", Reason: "r", ExpiresAt: approvalNow}, wantErr: "not a confirmation code"},
		{name: "short code", v: ApprovalValue{Code: code[:len(code)-1], Reason: "r", ExpiresAt: approvalNow}, wantErr: "not a confirmation code"},
		{name: "unknown operation", v: ApprovalValue{Code: "drop_space-" + strings.Repeat("a", confirmationHexDigits), Reason: "r", ExpiresAt: approvalNow}, wantErr: "unknown operation"},
		{name: "no reason", v: ApprovalValue{Code: code, Reason: "  ", ExpiresAt: approvalNow}, wantErr: "needs a reason"},
		{name: "no expiry", v: ApprovalValue{Code: code, Reason: "r"}, wantErr: "no expiry"},
	}
	for _, tt := range tests {
		raw, err := EncodeApproval(tt.v)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !strings.Contains(string(raw), `"schema_version":1`) || !strings.Contains(string(raw), `"code":"`+code+`"`) {
			t.Errorf("%s: encoded %s", tt.name, raw)
		}
	}
}

func TestEvaluateWithApprovers(t *testing.T) {
	conn := ConnectionRecord{Name: "docs-bot", AccountID: botID, Spaces: []string{"DOCS"}, SchemaVersion: 1}
	pol := PolicyRecord{Connection: "docs-bot", Levels: map[Operation]Level{UpdatePage: AllowedWithConfirmation, CreatePage: Allowed},
		Approvers: []string{"alice@example.com"}, RequiredApprovals: 1, SchemaVersion: 2}
	recs := SpaceRecords{SpaceKey: "DOCS", Connections: []ConnectionRecord{conn}, Policies: []PolicyRecord{pol}}
	req := Request{Operation: UpdatePage, SpaceKey: "DOCS", PageID: "1", AccountID: botID, Content: "x"}
	res, err := Evaluate(req, recs)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NeedsApproval() || len(res.Approvals) != 1 || res.Approvals[0].Required != 1 || res.Approvals[0].Approvers[0] != "alice@example.com" {
		t.Fatalf("result = %+v, want one approval requirement", res)
	}
	if !strings.Contains(res.Reason, "confluence-plan-report approve "+res.ConfirmationCode+" --space DOCS") || strings.Contains(res.Reason, "CONFLUENCE_CONFIRMATIONS") {
		t.Errorf("reason = %q", res.Reason)
	}
	// The code is the same as without approvers: approvers decide who grants it, not what it binds.
	pol.Approvers, pol.RequiredApprovals = nil, 0
	plain, err := Evaluate(req, SpaceRecords{SpaceKey: "DOCS", Connections: []ConnectionRecord{conn}, Policies: []PolicyRecord{pol}})
	if err != nil {
		t.Fatal(err)
	}
	if plain.NeedsApproval() || plain.ConfirmationCode != res.ConfirmationCode {
		t.Errorf("without approvers: %+v", plain)
	}
	// An allowed operation needs no approval even when the policy names approvers.
	req.Operation = CreatePage
	res, _ = Evaluate(req, recs)
	if res.NeedsApproval() {
		t.Errorf("allowed create needs approval: %+v", res)
	}
}

func jsonMarshal(v ApprovalValue) ([]byte, error) { return json.Marshal(v) }

func TestCheckApprover(t *testing.T) {
	recs := SpaceRecords{SpaceKey: "DOCS",
		Connections: []ConnectionRecord{{Name: "docs-bot", AccountID: botID, Spaces: []string{"DOCS"}}},
		Policies: []PolicyRecord{{Connection: "docs-bot", Levels: map[Operation]Level{UpdatePage: AllowedWithConfirmation, DeletePage: Denied},
			Approvers: []string{"alice@example.com", "bot@example.com"}}},
	}
	tests := []struct {
		name    string
		me      Account
		code    string
		wantErr string
	}{
		{name: "listed approver", me: testAccounts[aliceID], code: code},
		{name: "the bot, although listed", me: testAccounts[botID], code: code, wantErr: "no identity approves its own change"},
		{name: "not listed", me: testAccounts[eveID], code: code, wantErr: "not a listed approver"},
		{name: "operation not gated by approvers", me: testAccounts[aliceID], code: ConfirmationCode(DeletePage, "docs-bot", "DOCS", "42", ""), wantErr: "names approvers for delete_page"},
		{name: "not a code", me: testAccounts[aliceID], code: "yes", wantErr: "not a confirmation code"},
	}
	for _, tt := range tests {
		err := CheckApprover(tt.me, recs, tt.code)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}
