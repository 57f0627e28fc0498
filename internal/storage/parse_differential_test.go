// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"errors"
	"fmt"
	"go/ast"
	goparser "go/parser"
	gotoken "go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// matchesOracle reports how parse, Validate and Canonicalize differ on body
// from the encoding/xml implementation they replaced, or "".
func matchesOracle(body string) string {
	want, wantErr := oracleParse(body)
	got, gotErr := parse(body)
	if diff := sameError(gotErr, wantErr); diff != "" {
		return "parse: " + diff
	}
	if diff := sameError(Validate(body), wantErr); diff != "" {
		return "Validate: " + diff
	}
	if wantErr == nil {
		if diff := sameTree(got, want, "root"); diff != "" {
			return "tree: " + diff
		}
	}
	wantCanonical, wantErr := oracleCanonicalize(body)
	gotCanonical, gotErr := Canonicalize(body)
	if diff := sameError(gotErr, wantErr); diff != "" {
		return "Canonicalize: " + diff
	}
	if gotCanonical != wantCanonical {
		return fmt.Sprintf("Canonicalize:\n got: %q\nwant: %q", gotCanonical, wantCanonical)
	}
	return ""
}

func sameError(got, want error) string {
	if got == nil && want == nil {
		return ""
	}
	var g, w *SyntaxError
	if !errors.As(got, &g) || !errors.As(want, &w) || *g != *w {
		return fmt.Sprintf("error %#v, want %#v", got, want)
	}
	return ""
}

func sameTree(got *node, want *oracleNode, path string) string {
	switch {
	case got.kind != want.kind || got.name != want.name || got.text != want.text:
		return fmt.Sprintf("%s: got kind %d name %q text %q, want kind %d name %q text %q",
			path, got.kind, got.name, got.text, want.kind, want.name, want.text)
	case len(got.attrs) != len(want.attrs) && (len(got.attrs) > 0 || len(want.attrs) > 0):
		return fmt.Sprintf("%s: got attributes %q, want %q", path, got.attrs, want.attrs)
	case len(got.children) != len(want.children):
		return fmt.Sprintf("%s: got %d children, want %d", path, len(got.children), len(want.children))
	}
	for i := range got.attrs {
		if got.attrs[i] != want.attrs[i] {
			return fmt.Sprintf("%s: got attributes %q, want %q", path, got.attrs, want.attrs)
		}
	}
	for i := range got.children {
		if diff := sameTree(got.children[i], want.children[i], fmt.Sprintf("%s/%d", path, i)); diff != "" {
			return diff
		}
	}
	return ""
}

// oracleCorpus returns the bodies the differential tests start from: every
// string literal in the package's tests (bodies, expected forms, messages)
// and every file under testdata.
func oracleCorpus(t testing.TB) []string {
	t.Helper()
	seen := map[string]bool{}
	var corpus []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			corpus = append(corpus, s)
		}
	}
	for _, s := range []string{cloudPage, largeBody(4096)} {
		add(s)
	}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := gotoken.NewFileSet()
	for _, name := range files {
		f, err := goparser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					add(s)
				}
			}
			return true
		})
	}
	err = filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && !strings.HasPrefix(path, filepath.Join("testdata", "fuzz")) {
			add(string(data))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return corpus
}

// mutations are spliced into the corpus to make it malformed in the ways
// the scanner must reject (or accept) exactly as encoding/xml did.
var mutations = []string{
	"<", ">", "&", ";", "]]>", "]]", "\r", "\r\n", "\n", "\t", "\x00", "\x01", "\x1f", "\x7f", "\xff", "\xed\xa0\x80", "\uFFFE", "é",
	"'", `"`, "=", "/", ":", "a:b:c", " a=\"1\"", " a='<'", " a=b", "/>", "</", "<?", "?>", "<!", "<!-", "<!--", "-->", "--",
	"<![CDATA[", "<![CDAT", "<!DOCTYPE x [<!ENTITY y 'z'>]>", `<?xml version="1.1"?>`, `<?xml encoding="latin1"?>`, "<?xml?>",
	"&amp;", "&amp", "&bogus;", "&AMP;", "&nbsp;", "&#0;", "&#1;", "&#13;", "&#xD800;", "&#x110000;", "&#X41;", "&#;", "&#x;",
	"&1;", "&a.b;", "&é;", "<p>", "</p>", "<b>", "</b>", "<br>", "<storage-fragment-root>", "</storage-fragment-root>",
	"<ac:task-id>1</ac:task-id>", "<ac:plain-text-body>", "<1>", "<é>", "<\u0300>",
}

// malformedVariants returns body cut short and with one byte left out at up
// to positions places, and with each mutation spliced in at one place.
func malformedVariants(body string, positions int) []string {
	step := max(1, len(body)/positions)
	var variants []string
	for at := 0; at <= len(body); at += step {
		variants = append(variants, body[:at])
		if at < len(body) {
			variants = append(variants, body[:at]+body[at+1:])
		}
	}
	for i, m := range mutations {
		at := (i*7919 + len(body)) % (len(body) + 1)
		variants = append(variants, body[:at]+m+body[at:])
	}
	return variants
}

func TestParseMatchesOracle(t *testing.T) {
	t.Parallel()
	positions := 8
	if testing.Short() {
		positions = 2
	}
	corpus := oracleCorpus(t)
	failures := 0
	for _, body := range corpus {
		for _, variant := range append([]string{body}, malformedVariants(body, positions)...) {
			if diff := matchesOracle(variant); diff != "" {
				t.Errorf("body %q:\n%s", variant, diff)
				if failures++; failures == 10 {
					t.Fatal("too many differences")
				}
			}
		}
	}
}

// TestParseMatchesOracleOnLargeBody compares a whole benchmark body, where
// spans and chunks cross their boundaries.
func TestParseMatchesOracleOnLargeBody(t *testing.T) {
	t.Parallel()
	if diff := matchesOracle(largeBody(1 << 20)); diff != "" {
		t.Error(diff)
	}
}

func FuzzParseMatchesOracle(f *testing.F) {
	for _, body := range oracleCorpus(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if diff := matchesOracle(body); diff != "" {
			t.Errorf("body %q:\n%s", body, diff)
		}
	})
}
