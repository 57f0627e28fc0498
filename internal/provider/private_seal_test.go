// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSealer(t *testing.T) {
	t.Parallel()
	s := newSealer("bot-token")
	sealed := s.seal("purpose", "65541", json.RawMessage(`{"v":1}`))
	if v, ok := s.open("purpose", "65541", sealed); !ok || string(v) != `{"v":1}` {
		t.Fatalf("open(seal) = %s, %v", v, ok)
	}
	forged := strings.Replace(string(sealed), `{"v":1}`, `{"v":2}`, 1)
	for name, c := range map[string]struct {
		s                 sealer
		purpose, id, seal string
	}{
		"edited value":           {s, "purpose", "65541", forged},
		"another page":           {s, "purpose", "65542", string(sealed)},
		"another purpose":        {s, "other", "65541", string(sealed)},
		"rotated credential":     {newSealer("new-token"), "purpose", "65541", string(sealed)},
		"no credential":          {sealer{}, "purpose", "65541", string(sealed)},
		"unsealed (old) value":   {s, "purpose", "65541", `{"v":1}`},
		"empty":                  {s, "purpose", "65541", ""},
		"seal without its value": {s, "purpose", "65541", `{"mac":"AAAA"}`},
	} {
		if v, ok := c.s.open(c.purpose, c.id, []byte(c.seal)); ok {
			t.Errorf("%s: opened to %s", name, v)
		}
	}
	if sealer.seal(sealer{}, "p", "1", json.RawMessage(`1`)) != nil {
		t.Error("a sealer without a credential sealed a value")
	}
}
