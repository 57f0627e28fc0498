// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPropertyKeys(t *testing.T) {
	if got := ConnectionPropertyKey("ci-bot"); got != "terraform.connection.ci-bot" {
		t.Errorf("ConnectionPropertyKey = %q", got)
	}
	if got := PolicyPropertyKey("ci-bot"); got != "terraform.policy.ci-bot" {
		t.Errorf("PolicyPropertyKey = %q", got)
	}
	longest := ConnectionPropertyKey(strings.Repeat("a", 64))
	if len(longest) > 255 {
		t.Errorf("the longest key is %d characters, over Confluence's 255", len(longest))
	}
}

func TestValidateConnectionName(t *testing.T) {
	valid := []string{"a", "ci-bot", "docs_sync.v2", "0", strings.Repeat("z", 64)}
	for _, n := range valid {
		if err := ValidateConnectionName(n); err != nil {
			t.Errorf("ValidateConnectionName(%q): %v", n, err)
		}
	}
	invalid := map[string]string{
		"":                       "empty",
		strings.Repeat("z", 65):  "at most 64",
		"CI-Bot":                 `"ci-bot"`,
		"ci bot":                 `"ci-bot"`,
		"ci/bot":                 "lowercase letters",
		"bot\n":                  "lowercase letters",
		"résumé":                 "lowercase letters",
		"terraform.connection.*": "lowercase letters",
	}
	for n, want := range invalid {
		err := ValidateConnectionName(n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateConnectionName(%q) = %v, want an error containing %q", n, err, want)
		}
	}
}

func sampleConnection() ConnectionRecord {
	expires := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return ConnectionRecord{
		Name:          "ci-bot",
		AccountID:     "557058:bot",
		Email:         "bot@example.com",
		DisplayName:   "CI Bot",
		Spaces:        []string{"OPS", "DOCS", "OPS"},
		RotatedAt:     time.Date(2025, 5, 6, 7, 8, 9, 123000000, time.FixedZone("CEST", 2*3600)),
		ExpiresAt:     &expires,
		ManagedBy:     "557058:admin",
		SchemaVersion: 0, // encoding writes the current version regardless
	}
}

func TestConnectionRoundTrip(t *testing.T) {
	for _, withExpiry := range []bool{true, false} {
		in := sampleConnection()
		if !withExpiry {
			in.ExpiresAt = nil
		}
		raw, err := EncodeConnection(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := DecodeConnection("terraform.connection.ci-bot", raw)
		if err != nil {
			t.Fatal(err)
		}
		want := in
		want.Spaces = []string{"DOCS", "OPS"}
		want.RotatedAt = in.RotatedAt.UTC()
		want.SchemaVersion = 1
		if !reflect.DeepEqual(out, want) {
			t.Errorf("round trip (expiry %t):\n got %+v\nwant %+v", withExpiry, out, want)
		}
	}
}

func TestConnectionFieldNames(t *testing.T) {
	raw, err := EncodeConnection(sampleConnection())
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"schema_version": float64(1),
		"name":           "ci-bot",
		"account_id":     "557058:bot",
		"email":          "bot@example.com",
		"display_name":   "CI Bot",
		"spaces":         []any{"DOCS", "OPS"},
		"rotated_at":     "2025-05-06T05:08:09.123Z",
		"expires_at":     "2026-03-01T00:00:00Z",
		"managed_by":     "557058:admin",
	}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("stored fields:\n got %v\nwant %v", fields, want)
	}
}

func TestPolicyRoundTrip(t *testing.T) {
	in := PolicyRecord{
		Connection: "ci-bot",
		Levels: map[Operation]Level{
			SearchPages: Allowed, GetPage: Denied, UpdatePage: Allowed,
		},
		ManagedBy:     "557058:admin",
		UpdatedAt:     time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC),
		SchemaVersion: 1,
	}
	raw, err := EncodePolicy(in)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	wantFields := map[string]any{
		"schema_version": float64(1),
		"connection":     "ci-bot",
		"levels":         map[string]any{"search_pages": "allowed", "get_page": "denied", "update_page": "allowed"},
		"managed_by":     "557058:admin",
		"updated_at":     "2025-05-06T07:08:09Z",
	}
	if !reflect.DeepEqual(fields, wantFields) {
		t.Errorf("stored fields:\n got %v\nwant %v", fields, wantFields)
	}
	out, err := DecodePolicy("terraform.policy.ci-bot", raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
	// Operations the record leaves out get their defaults.
	want := map[Operation]Level{SearchPages: Allowed, GetPage: Denied, CreatePage: AllowedWithConfirmation, UpdatePage: Allowed, DeletePage: AllowedWithConfirmation}
	for op, l := range want {
		if got := out.Level(op); got != l {
			t.Errorf("Level(%s) = %s, want %s", op, got, l)
		}
	}
}

func TestDecodeTolerates(t *testing.T) {
	conn := `{"schema_version":1,"name":"ci-bot","account_id":"a1","spaces":["B","A"],"future_field":{"x":1},"expires_at":null}`
	c, err := DecodeConnection("terraform.connection.ci-bot", []byte(conn))
	if err != nil {
		t.Fatal(err)
	}
	if c.AccountID != "a1" || !reflect.DeepEqual(c.Spaces, []string{"A", "B"}) || c.ExpiresAt != nil || !c.RotatedAt.IsZero() {
		t.Errorf("decoded %+v", c)
	}
	pol := `{"schema_version":1,"connection":"ci-bot","levels":{"delete_page":"denied","archive_page":"whatever"},"extra":true}`
	p, err := DecodePolicy("terraform.policy.ci-bot", []byte(pol))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Levels, map[Operation]Level{DeletePage: Denied}) {
		t.Errorf("levels %v, want only delete_page: denied (unknown operations ignored)", p.Levels)
	}
}

func TestDecodeErrors(t *testing.T) {
	const ck, pk = "terraform.connection.ci-bot", "terraform.policy.ci-bot"
	tests := []struct {
		name, key, raw, want string
	}{
		{"connection not JSON", ck, `{`, "invalid JSON"},
		{"connection no version", ck, `{"name":"ci-bot","account_id":"a"}`, "schema_version is missing"},
		{"connection newer version", ck, `{"schema_version":2,"name":"ci-bot","account_id":"a"}`, "upgrade the provider"},
		{"connection name mismatch", ck, `{"schema_version":1,"name":"other","account_id":"a"}`, `names connection "other"`},
		{"connection no account", ck, `{"schema_version":1,"name":"ci-bot"}`, "no account id"},
		{"connection empty space", ck, `{"schema_version":1,"name":"ci-bot","account_id":"a","spaces":[""]}`, "empty space key"},
		{"connection bad time", ck, `{"schema_version":1,"name":"ci-bot","account_id":"a","rotated_at":"yesterday"}`, "invalid JSON"},
		{"connection wrong prefix", pk, `{}`, "does not start with"},
		{"policy not JSON", pk, `[]`, "invalid JSON"},
		{"policy bad level", pk, `{"schema_version":1,"connection":"ci-bot","levels":{"update_page":"alowed"}}`, `did you mean "allowed"`}, //nolint:misspell // a typo on purpose
		{"policy name mismatch", pk, `{"schema_version":1,"connection":"x","levels":{}}`, `names connection "x"`},
		{"policy newer version", pk, `{"schema_version":7,"connection":"ci-bot"}`, "newer"},
		{"policy wrong prefix", ck, `{}`, "does not start with"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if strings.HasPrefix(tc.name, "connection") {
				_, err = DecodeConnection(tc.key, []byte(tc.raw))
			} else {
				_, err = DecodePolicy(tc.key, []byte(tc.raw))
			}
			if err == nil {
				t.Fatal("decoded, want an error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"`+tc.key+`"`) {
				t.Errorf("error %q, want it to name %q and contain %q", err, tc.key, tc.want)
			}
		})
	}
}

func TestEncodeRejectsInvalidRecords(t *testing.T) {
	bad := sampleConnection()
	bad.Name = "CI Bot"
	if _, err := EncodeConnection(bad); err == nil {
		t.Error("encoded a connection with an invalid name")
	}
	if _, err := EncodePolicy(PolicyRecord{Connection: "ci-bot", Levels: map[Operation]Level{"rename_page": Allowed}}); err == nil {
		t.Error("encoded a policy for an unknown operation")
	}
	if _, err := EncodePolicy(PolicyRecord{Connection: "ci-bot", Levels: map[Operation]Level{GetPage: "sometimes"}}); err == nil {
		t.Error("encoded a policy with an unknown level")
	}
}

func TestRecordsFromProperties(t *testing.T) {
	conn := func(name, account string) []byte {
		raw, err := EncodeConnection(ConnectionRecord{Name: name, AccountID: account, Spaces: []string{"DOCS"}})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	pol, err := EncodePolicy(PolicyRecord{Connection: "b-bot", Levels: map[Operation]Level{GetPage: Denied}})
	if err != nil {
		t.Fatal(err)
	}
	props := map[string][]byte{
		"terraform.connection.b-bot": conn("b-bot", "acct-b"),
		"terraform.connection.a-bot": conn("a-bot", "acct-a"),
		"terraform.policy.b-bot":     pol,
		"editor.settings":            []byte("not json"),
		"terraform.audit":            []byte("{}"),
		"terraform.connectionx":      []byte("{"),
	}
	recs, err := RecordsFromProperties("DOCS", props)
	if err != nil {
		t.Fatal(err)
	}
	if recs.SpaceKey != "DOCS" || len(recs.Connections) != 2 || len(recs.Policies) != 1 {
		t.Fatalf("records %+v, want 2 connections and 1 policy in DOCS", recs)
	}
	if recs.Connections[0].Name != "a-bot" || recs.Connections[1].Name != "b-bot" {
		t.Errorf("connections not sorted by name: %s, %s", recs.Connections[0].Name, recs.Connections[1].Name)
	}
	if c, ok := recs.Connection("b-bot"); !ok || c.AccountID != "acct-b" {
		t.Errorf("Connection(b-bot) = %+v, %t", c, ok)
	}
	if p, ok := recs.Policy("b-bot"); !ok || p.Level(GetPage) != Denied {
		t.Errorf("Policy(b-bot) = %+v, %t", p, ok)
	}
	if _, ok := recs.Policy("a-bot"); ok {
		t.Error("found a policy for a-bot, which has none")
	}

	// Every broken record is reported, each by its key.
	props["terraform.connection.c-bot"] = []byte(`{"schema_version":1}`)
	props["terraform.policy.a-bot"] = []byte(`{"schema_version":1,"connection":"a-bot","levels":{"get_page":"maybe"}}`)
	_, err = RecordsFromProperties("DOCS", props)
	if err == nil {
		t.Fatal("broken records decoded without error")
	}
	for _, want := range []string{"space DOCS", "terraform.connection.c-bot", "terraform.policy.a-bot"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestRecordsFromPropertiesEmpty(t *testing.T) {
	recs, err := RecordsFromProperties("DOCS", nil)
	if err != nil || recs.SpaceKey != "DOCS" || len(recs.Connections)+len(recs.Policies) != 0 {
		t.Errorf("RecordsFromProperties(nil) = %+v, %v", recs, err)
	}
}

// Records written before auth_mode existed still read (as classic_token), and
// the new fields round-trip without the secret.
func TestConnectionRecord_authModeAdditive(t *testing.T) {
	old := []byte(`{"schema_version":1,"name":"ci","account_id":"a1","email":"ci@example.com","display_name":"CI","spaces":["DOCS"],"expires_at":null,"managed_by":"adm"}`)
	rec, err := DecodeConnection(ConnectionPropertyKey("ci"), old)
	if err != nil || rec.Mode() != "classic_token" || rec.ClientID != "" {
		t.Fatalf("old record: %+v, %v", rec, err)
	}
	rec.AuthMode, rec.ClientID = "oauth_client_credentials", "client-1"
	enc, err := EncodeConnection(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(enc), `"auth_mode":"oauth_client_credentials","client_id":"client-1"`) {
		t.Fatalf("encoded %s", enc)
	}
	back, err := DecodeConnection(ConnectionPropertyKey("ci"), enc)
	if err != nil || back.Mode() != "oauth_client_credentials" || back.ClientID != "client-1" {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	rec.AuthMode, rec.ClientID = "", ""
	if enc, _ := EncodeConnection(rec); strings.Contains(string(enc), "auth_mode") || strings.Contains(string(enc), "client_id") {
		t.Fatalf("empty fields written: %s", enc)
	}
}
