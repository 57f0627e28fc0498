// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
)

// Private state travels in the state file, which whoever may push the state
// can edit. Values that feed the audit trail or a delete's safety check
// therefore go into it sealed: an HMAC keyed by the credential this run
// authenticates with, which the pipeline's environment holds and the
// configuration and state do not. A value whose seal does not check (edited,
// copied from another page, or sealed before the credential was rotated) is
// not used; the caller falls back to what Confluence says or to the stricter
// choice. A configuration that brings its own credentials can seal values,
// but acts as its own account, whose records name it.

// sealer seals and opens private-state values. The zero sealer (no
// credential known) seals nothing and opens nothing.
type sealer struct{ key []byte }

// newSealer derives the sealing key from the run's credential (API token or
// OAuth client secret). The hash keeps the credential itself out of the HMAC
// key material of any other use.
func newSealer(secret string) sealer {
	if secret == "" {
		return sealer{}
	}
	sum := sha256.Sum256([]byte("terraform-provider-confluence private state v1\x00" + secret))
	return sealer{key: sum[:]}
}

type sealedValue struct {
	Value json.RawMessage `json:"value"`
	MAC   []byte          `json:"mac"`
}

// mac binds value to what it is for (purpose) and to the content it
// describes (id), so a seal from another page or key does not check.
func (s sealer) mac(purpose, id string, value []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(id))
	h.Write([]byte{0})
	h.Write(value)
	return h.Sum(nil)
}

// seal returns value sealed for purpose and id, or nil when s has no key.
func (s sealer) seal(purpose, id string, value json.RawMessage) []byte {
	if len(s.key) == 0 {
		return nil
	}
	raw, err := json.Marshal(sealedValue{Value: value, MAC: s.mac(purpose, id, value)})
	if err != nil {
		return nil
	}
	return raw
}

// open returns the sealed value when its seal checks.
func (s sealer) open(purpose, id string, raw []byte) (json.RawMessage, bool) {
	if len(s.key) == 0 || len(raw) == 0 {
		return nil, false
	}
	var sealed sealedValue
	if json.Unmarshal(raw, &sealed) != nil || len(sealed.Value) == 0 {
		return nil, false
	}
	if !hmac.Equal(sealed.MAC, s.mac(purpose, id, sealed.Value)) {
		return nil, false
	}
	return sealed.Value, true
}
