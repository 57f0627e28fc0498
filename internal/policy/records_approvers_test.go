// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"reflect"
	"strings"
	"testing"
)

func TestPolicyApproversRoundTrip(t *testing.T) {
	in := PolicyRecord{Connection: "ci-bot", Levels: map[Operation]Level{UpdatePage: AllowedWithConfirmation},
		Approvers: []string{"alice@example.com", "557058:bob"}}
	raw, err := EncodePolicy(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"schema_version":2`) || !strings.Contains(string(raw), `"required_approvals":1`) {
		t.Errorf("a policy with approvers is stored as version 2 with required_approvals: %s", raw)
	}
	out, err := DecodePolicy("terraform.policy.ci-bot", raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Approvers, in.Approvers) || out.Required() != 1 || out.SchemaVersion != 2 {
		t.Errorf("decoded %+v", out)
	}

	// Without approvers the record stays version 1, readable by older providers.
	in.Approvers = nil
	raw, _ = EncodePolicy(in)
	if !strings.Contains(string(raw), `"schema_version":1`) || strings.Contains(string(raw), "approvers") {
		t.Errorf("a policy without approvers: %s", raw)
	}
	out, err = DecodePolicy("terraform.policy.ci-bot", raw)
	if err != nil || out.Required() != 0 {
		t.Errorf("decoded %+v, %v", out, err)
	}
}

func TestPolicyApproversRejected(t *testing.T) {
	tests := []struct {
		name      string
		approvers []string
		required  int
		raw       string // decode instead of validate when set
		wantErr   string
	}{
		{name: "required above approvers", approvers: []string{"a@example.com"}, required: 2, wantErr: "only 1 approvers"},
		{name: "required without approvers", required: 2, wantErr: "no approvers are named"},
		{name: "duplicate e-mail", approvers: []string{"a@example.com", "A@example.com"}, wantErr: "named twice"},
		{name: "empty approver", approvers: []string{""}, wantErr: "empty"},
		{name: "negative", approvers: []string{"a@example.com"}, required: -1, wantErr: "at least 1"},
		{name: "version 1 record naming approvers", raw: `{"schema_version":1,"connection":"ci-bot","levels":{},"approvers":["a@example.com"]}`, wantErr: "re-apply"},
		{name: "version 3 record", raw: `{"schema_version":3,"connection":"ci-bot","levels":{}}`, wantErr: "upgrade the provider"},
	}
	for _, tt := range tests {
		var err error
		if tt.raw != "" {
			_, err = DecodePolicy("terraform.policy.ci-bot", []byte(tt.raw))
		} else {
			err = PolicyRecord{Connection: "ci-bot", Approvers: tt.approvers, RequiredApprovals: tt.required}.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestConnectionVersion2Refused(t *testing.T) {
	// Only policy records have a version 2; a connection record claiming it is from the future.
	_, err := DecodeConnection("terraform.connection.ci-bot", []byte(`{"schema_version":2,"name":"ci-bot","account_id":"a"}`))
	if err == nil || !strings.Contains(err.Error(), "upgrade the provider") {
		t.Errorf("error = %v", err)
	}
}
