// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"slices"
	"testing"
)

// documentedCode recomputes a code from the encoding documented on
// ConfirmationCode, independently of the implementation.
func documentedCode(op, connection, spaceKey, page, content string) string {
	var buf []byte
	for _, f := range []string{"terraform-provider-confluence/confirmation/v2", op, connection, spaceKey, page, content} {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	sum := sha256.Sum256(buf)
	return op + "-" + hex.EncodeToString(sum[:])[:32]
}

func TestConfirmationCodeKnownValue(t *testing.T) {
	got := ConfirmationCode(UpdatePage, "ci-bot", "DOCS", "98765", "<p>hello</p>")
	if want := documentedCode("update_page", "ci-bot", "DOCS", "98765", "<p>hello</p>"); got != want {
		t.Fatalf("code %q, want %q", got, want)
	}
	if !regexp.MustCompile(`^update_page-[0-9a-f]{32}$`).MatchString(got) {
		t.Fatalf("code %q does not have the form update_page-<32 hex>", got)
	}
}

func TestConfirmationCodeChangesWithEveryField(t *testing.T) {
	base := [5]string{"update_page", "ci-bot", "DOCS", "98765", "<p>hello</p>"}
	code := func(f [5]string) string { return ConfirmationCode(Operation(f[0]), f[1], f[2], f[3], f[4]) }
	baseCode := code(base)
	seen := map[string]bool{baseCode: true}
	for i := range base {
		// Change, add and drop one character at each end of every field.
		variants := []string{base[i] + "x", "x" + base[i], base[i][1:], base[i][:len(base[i])-1]}
		last := []byte(base[i])
		last[len(last)-1]++
		variants = append(variants, string(last))
		for _, v := range variants {
			f := base
			f[i] = v
			c := code(f)
			if seen[c] {
				t.Errorf("field %d = %q gives a code already seen: %s", i, v, c)
			}
			seen[c] = true
		}
	}
}

func TestConfirmationCodeFieldBoundaries(t *testing.T) {
	pairs := [][2][5]string{
		{{"update_page", "ab", "c", "1", ""}, {"update_page", "a", "bc", "1", ""}},
		{{"update_page", "bot", "DOCS", "12", "3"}, {"update_page", "bot", "DOCS", "1", "23"}},
		{{"update_page", "", "DOCS", "1", "x"}, {"update_page", "DOCS", "", "1", "x"}},
	}
	for _, p := range pairs {
		a := ConfirmationCode(Operation(p[0][0]), p[0][1], p[0][2], p[0][3], p[0][4])
		b := ConfirmationCode(Operation(p[1][0]), p[1][1], p[1][2], p[1][3], p[1][4])
		if a == b {
			t.Errorf("%q and %q share code %s", p[0], p[1], a)
		}
	}
}

func TestPageIdentity(t *testing.T) {
	if got := PageIdentity(CreatePage, "", "Title"); got != "Title" {
		t.Errorf("create: %q, want the title", got)
	}
	for _, op := range []Operation{GetPage, UpdatePage, DeletePage} {
		if got := PageIdentity(op, "42", "Title"); got != "42" {
			t.Errorf("%s: %q, want the id", op, got)
		}
	}
}

func TestGranted(t *testing.T) {
	code := ConfirmationCode(DeletePage, "ci-bot", "DOCS", "42", "")
	tests := []struct {
		name          string
		code          string
		confirmations []string
		want          bool
	}{
		{"exact", code, []string{"create_page-0000000000", code}, true},
		{"padded", " " + code + "\t", []string{"  " + code + " "}, true},
		{"absent", code, []string{"create_page-0000000000"}, false},
		{"none granted", code, nil, false},
		{"prefix only", code, []string{code[:len(code)-1]}, false},
		{"case differs", code, []string{"DELETE_PAGE" + code[len("delete_page"):]}, false},
		{"empty code", "", []string{"", " "}, false},
	}
	for _, tc := range tests {
		if got := Granted(tc.code, tc.confirmations); got != tc.want {
			t.Errorf("%s: Granted = %t, want %t", tc.name, got, tc.want)
		}
	}
}

func TestParseConfirmations(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{" , \n", []string{}},
		{"a-1", []string{"a-1"}},
		{"a-1,b-2", []string{"a-1", "b-2"}},
		{" a-1 , b-2\nc-3\r\n\td-4 a-1,,b-2 ", []string{"a-1", "b-2", "c-3", "d-4"}},
	}
	for _, tc := range tests {
		if got := ParseConfirmations(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("ParseConfirmations(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
