// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storagefmt

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// sequentialIDs returns a macro id generator issuing "id-1", "id-2", ...
func sequentialIDs() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("id-%d", n)
	}
}

// cloudPageIn is a page as a Cloud editor user or a client might send it: layout, info
// panel, code macro, task list, table, emoticon, ADF extension, comments, entities,
// pretty-printing whitespace.
const cloudPageIn = `<ac:layout>
  <ac:layout-section ac:type="two_equal" ac:breakout-mode="default">
    <ac:layout-cell>
      <h1 local-id="h-1">Release &ndash; notes</h1>
      <p>Read the <a href="https://example.com/?a=1&amp;b=2">guide</a>&nbsp;first &rarr; <b>now</b>, <i>please</i>.</p>
      <!-- reviewers: keep this panel -->
      <ac:structured-macro ac:name="info" ac:macro-id="11111111-old">
        <ac:parameter ac:name="title">Heads up</ac:parameter>
        <ac:rich-text-body>
          <p>Deploy on <time datetime="2024-05-01" /> <ac:emoticon ac:name="smile" ac:emoji-shortname=":slight_smile:" ac:emoji-id="1f642" ac:emoji-fallback="&#128578;"/></p>
        </ac:rich-text-body>
      </ac:structured-macro>
    </ac:layout-cell>
    <ac:layout-cell>
      <ac:structured-macro ac:name="code" ac:schema-version="1">
        <ac:parameter ac:name="language">go</ac:parameter>
        <ac:plain-text-body><![CDATA[if a < b && c > d {
    fmt.Println("  indented  ")
}]]></ac:plain-text-body>
      </ac:structured-macro>
      <ac:task-list>
        <ac:task>
          <ac:task-id>1</ac:task-id>
          <ac:task-status>incomplete</ac:task-status>
          <ac:task-body>Ping <ac:link><ri:user ri:account-id="5b10ac8d82e05b22cc7d4ef5" /></ac:link> about it</ac:task-body>
        </ac:task>
      </ac:task-list>
      <table data-layout="default" ac:local-id="t-1">
        <tbody>
          <tr><th><p>Key</p></th><th><p>Value</p></th></tr>
          <tr><td><p>a &lt; b</p></td><td><p><ac:link><ri:page ri:content-title="Other &quot;page&quot;" ri:version-at-save="3"></ri:page></ac:link></p></td></tr>
        </tbody>
      </table>
      <ac:adf-extension>
        <ac:adf-node type="decision-list">
          <ac:adf-attribute key="local-id">d-1</ac:adf-attribute>
          <ac:adf-node type="decision-item">
            <ac:adf-attribute key="state">DECIDED</ac:adf-attribute>
            <ac:adf-content>Ship it</ac:adf-content>
          </ac:adf-node>
        </ac:adf-node>
        <ac:adf-fallback><ul><li><p>Ship it</p></li></ul></ac:adf-fallback>
      </ac:adf-extension>
      <p><ac:inline-comment-marker ac:ref="c-1">marked</ac:inline-comment-marker> text</p>
    </ac:layout-cell>
  </ac:layout-section>
</ac:layout>
`

// cloudPageOut is cloudPageIn the way Confluence stores it.
const cloudPageOut = `<ac:layout><ac:layout-section ac:breakout-mode="default" ac:type="two_equal"><ac:layout-cell>` +
	`<h1 local-id="h-1">Release – notes</h1>` +
	`<p>Read the <a href="https://example.com/?a=1&amp;b=2">guide</a>` + "\u00a0" + `first → <strong>now</strong>, <em>please</em>.</p>` +
	`<ac:structured-macro ac:macro-id="id-1" ac:name="info" ac:schema-version="1">` +
	`<ac:parameter ac:name="title">Heads up</ac:parameter>` +
	`<ac:rich-text-body><p>Deploy on <time datetime="2024-05-01"></time> <ac:emoticon ac:emoji-fallback="🙂" ac:emoji-id="1f642" ac:emoji-shortname=":slight_smile:" ac:name="smile" /></p></ac:rich-text-body>` +
	`</ac:structured-macro></ac:layout-cell><ac:layout-cell>` +
	`<ac:structured-macro ac:macro-id="id-2" ac:name="code" ac:schema-version="1">` +
	`<ac:parameter ac:name="language">go</ac:parameter>` +
	`<ac:plain-text-body><![CDATA[if a < b && c > d {
    fmt.Println("  indented  ")
}]]></ac:plain-text-body></ac:structured-macro>` +
	`<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status>` +
	`<ac:task-body>Ping <ac:link><ri:user ri:account-id="5b10ac8d82e05b22cc7d4ef5" /></ac:link> about it</ac:task-body></ac:task></ac:task-list>` +
	`<table ac:local-id="t-1" data-layout="default"><tbody>` +
	`<tr><th><p>Key</p></th><th><p>Value</p></th></tr>` +
	`<tr><td><p>a &lt; b</p></td><td><p><ac:link><ri:page ri:content-title="Other &quot;page&quot;" ri:version-at-save="3" /></ac:link></p></td></tr>` +
	`</tbody></table>` +
	`<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-attribute key="local-id">d-1</ac:adf-attribute>` +
	`<ac:adf-node type="decision-item"><ac:adf-attribute key="state">DECIDED</ac:adf-attribute><ac:adf-content>Ship it</ac:adf-content></ac:adf-node></ac:adf-node>` +
	`<ac:adf-fallback><ul><li><p>Ship it</p></li></ul></ac:adf-fallback></ac:adf-extension>` +
	`<p><ac:inline-comment-marker ac:ref="c-1">marked</ac:inline-comment-marker> text</p>` +
	`</ac:layout-cell></ac:layout-section></ac:layout>`

// rewriteCases are before/after pairs, one or more per rule. Macro ids come from
// sequentialIDs, so they are part of the expected output.
var rewriteCases = []struct {
	name, in, want string
}{
	{"empty body", "", ""},
	{"plain text", "just text", "just text"},
	{"b and i renamed with attributes", `<b class="x">bold</b> <i title="t">it</i>`, `<strong class="x">bold</strong> <em title="t">it</em>`},
	{"strong and em untouched", `<strong>s</strong><em>e</em>`, `<strong>s</strong><em>e</em>`},
	{"nested b closes as written", `<p><b><i>x</i></b></p>`, `<p><strong><em>x</em></strong></p>`},

	{"void element self-closed with space", `<p>a<br/>b<br></br>c</p><hr/>`, `<p>a<br />b<br />c</p><hr />`},
	{"img void", `<img src="a.png"/>`, `<img src="a.png" />`},
	{"ri element self-closed", `<ac:link><ri:page ri:content-title="x"></ri:page></ac:link>`, `<ac:link><ri:page ri:content-title="x" /></ac:link>`},
	{"empty ac element self-closed", `<ac:emoticon ac:name="tick"></ac:emoticon>`, `<ac:emoticon ac:name="tick" />`},
	{"empty html element keeps pair", `<p/><td></td><span></span>`, `<p></p><td></td><span></span>`},
	{"void element with content keeps it", `<br>x</br>`, `<br>x</br>`},

	{"attributes sorted", `<a title="t" href="h" class="c">x</a>`, `<a class="c" href="h" title="t">x</a>`},
	{"prefixed and plain attributes sorted by written name", `<table local-id="l" data-layout="wide" ac:local-id="a">x</table>`, `<table ac:local-id="a" data-layout="wide" local-id="l">x</table>`},
	{"single quotes become double", `<a href='say "hi"'>x</a>`, `<a href="say &quot;hi&quot;">x</a>`},
	{"attribute escapes", `<a title="a &amp; b &lt; c &gt; d">x</a>`, `<a title="a &amp; b &lt; c &gt; d">x</a>`},
	{"attribute apostrophe literal", `<a title="it&apos;s">x</a>`, `<a title="it's">x</a>`},
	{"attribute whitespace escaped", "<a title=\"a&#9;b&#10;c\">x</a>", `<a title="a&#9;b&#10;c">x</a>`},
	{"attribute entity decoded", `<a title="&copy;&nbsp;me">x</a>`, "<a title=\"©\u00a0me\">x</a>"},

	{"named entities decoded", `<p>&ldquo;q&rdquo; &mdash; &rarr; &eacute;</p>`, `<p>“q” — → é</p>`},
	{"nbsp decoded", `<p>&nbsp;</p>`, "<p>\u00a0</p>"},
	{"numeric references decoded", `<p>&#169; &#x2014; &#x1F642;</p>`, `<p>© — 🙂</p>`},
	{"xml entities kept where needed", `<p>&lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos;</p>`, `<p>&lt;tag&gt; &amp; "q" 'a'</p>`},
	{"literal gt escaped", `<p>a > b</p>`, `<p>a &gt; b</p>`},
	{"carriage return reference kept", `<p>a&#13;b</p>`, `<p>a&#13;b</p>`},
	{"crlf normalised", "<p>a\r\nb</p>", "<p>a\nb</p>"},

	{"whitespace between top-level blocks", "\n  <p>a</p>\n\n<p>b</p>\n", `<p>a</p><p>b</p>`},
	{"whitespace in lists and tables", "<ul>\n <li>\n  <p>a</p>\n </li>\n</ul>\n<table>\n<tr>\n<td>x</td>\n</tr>\n</table>", `<ul><li><p>a</p></li></ul><table><tr><td>x</td></tr></table>`},
	{"inline whitespace preserved", "<p>  a  <strong>b</strong>  <em>c</em>  </p>", "<p>  a  <strong>b</strong>  <em>c</em>  </p>"},
	{"whitespace between inline elements preserved", "<p><strong>a</strong> <em>b</em></p>", "<p><strong>a</strong> <em>b</em></p>"},
	{"whitespace-only block content preserved", "<p> </p><td>\n</td><ac:parameter ac:name=\"x\"> </ac:parameter>", "<p> </p><td>\n</td><ac:parameter ac:name=\"x\"> </ac:parameter>"},
	{"whitespace between block and inline kept", "<p>a</p> <span>b</span>", "<p>a</p> <span>b</span>"},
	{"whitespace-only body dropped", " \n\t ", ""},
	{"text around blocks kept", "a <p>b</p> c", "a <p>b</p> c"},
	{"pre untouched", "<pre>\n  <b>x</b>\n  <span>y</span>\n</pre>", "<pre>\n  <strong>x</strong>\n  <span>y</span>\n</pre>"},
	{"li with text and nested list", "<ul><li>Item\n<ul>\n<li>sub</li>\n</ul>\n</li></ul>", "<ul><li>Item\n<ul><li>sub</li></ul></li></ul>"},

	{"macro gets schema version and id", `<ac:structured-macro ac:name="toc"></ac:structured-macro>`, `<ac:structured-macro ac:macro-id="id-1" ac:name="toc" ac:schema-version="1" />`},
	{"macro id replaced, schema version kept", `<ac:structured-macro ac:name="toc" ac:schema-version="2" ac:macro-id="keep-me-not"/>`, `<ac:structured-macro ac:macro-id="id-1" ac:name="toc" ac:schema-version="2" />`},
	{"nested macros numbered in document order",
		`<ac:structured-macro ac:name="expand"><ac:rich-text-body><ac:structured-macro ac:name="info"/></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="toc"/>`,
		`<ac:structured-macro ac:macro-id="id-1" ac:name="expand" ac:schema-version="1"><ac:rich-text-body><ac:structured-macro ac:macro-id="id-2" ac:name="info" ac:schema-version="1" /></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:macro-id="id-3" ac:name="toc" ac:schema-version="1" />`},

	{"cdata in plain-text-body preserved", "<ac:plain-text-body><![CDATA[ <x> & \n ]]></ac:plain-text-body>", "<ac:plain-text-body><![CDATA[ <x> & \n ]]></ac:plain-text-body>"},
	{"text in plain-text-body becomes cdata", "<ac:plain-text-body>a &lt; b</ac:plain-text-body>", "<ac:plain-text-body><![CDATA[a < b]]></ac:plain-text-body>"},
	{"adjacent cdata merged", "<ac:plain-text-body><![CDATA[a]]><![CDATA[b]]></ac:plain-text-body>", "<ac:plain-text-body><![CDATA[ab]]></ac:plain-text-body>"},
	{"cdata terminator split", "<ac:plain-text-body><![CDATA[a]]]]><![CDATA[>b]]></ac:plain-text-body>", "<ac:plain-text-body><![CDATA[a]]]]><![CDATA[>b]]></ac:plain-text-body>"},
	{"carriage return in cdata", "<ac:plain-text-body>a&#13;b</ac:plain-text-body>", "<ac:plain-text-body><![CDATA[a]]>&#13;<![CDATA[b]]></ac:plain-text-body>"},
	{"empty plain-text-body", "<ac:plain-text-body/>", "<ac:plain-text-body><![CDATA[]]></ac:plain-text-body>"},
	{"cdata outside plain-text-body becomes text", "<p><![CDATA[a<b]]></p>", "<p>a&lt;b</p>"},

	{"comments dropped", "<p>a<!-- x -->b</p><!-- top -->", "<p>ab</p>"},
	{"comment between blocks", "<p>a</p>\n<!-- c -->\n<p>b</p>", "<p>a</p><p>b</p>"},
	{"comment-only element becomes empty", "<ac:rich-text-body><!-- c --></ac:rich-text-body>", "<ac:rich-text-body />"},

	{"undeclared prefixes kept", `<ac:image ac:width="200"><ri:attachment ri:filename="a b.png"/></ac:image>`, `<ac:image ac:width="200"><ri:attachment ri:filename="a b.png" /></ac:image>`},
	{"declared namespace kept as written", `<x:a xmlns:x="urn:x" x:b="1">t</x:a>`, `<x:a x:b="1" xmlns:x="urn:x">t</x:a>`},
	{"adf extension", "<ac:adf-extension>\n<ac:adf-node type=\"panel\">\n<ac:adf-attribute key=\"panel-type\">note</ac:adf-attribute>\n<ac:adf-mark key=\"border\"/>\n<ac:adf-content><p>n</p></ac:adf-content>\n</ac:adf-node>\n</ac:adf-extension>",
		`<ac:adf-extension><ac:adf-node type="panel"><ac:adf-attribute key="panel-type">note</ac:adf-attribute><ac:adf-mark key="border" /><ac:adf-content><p>n</p></ac:adf-content></ac:adf-node></ac:adf-extension>`},

	{"realistic cloud page", cloudPageIn, cloudPageOut},
}

func TestRewrite(t *testing.T) {
	for _, tc := range rewriteCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Rewrite(tc.in, sequentialIDs())
			if err != nil {
				t.Fatalf("Rewrite(%q) failed: %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("Rewrite(%q)\n got: %q\nwant: %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestRewriteIdempotent checks that saving a stored body again changes nothing but
// macro ids: the provider relies on read-back bodies being stable.
func TestRewriteIdempotent(t *testing.T) {
	for _, tc := range rewriteCases {
		t.Run(tc.name, func(t *testing.T) {
			once, err := Rewrite(tc.in, sequentialIDs())
			if err != nil {
				t.Fatalf("first Rewrite failed: %v", err)
			}
			twice, err := Rewrite(once, func() string { return "other" })
			if err != nil {
				t.Fatalf("second Rewrite of %q failed: %v", once, err)
			}
			if a, b := stripMacroIDs(once), stripMacroIDs(twice); a != b {
				t.Errorf("second save changed the body\nonce:  %q\ntwice: %q", a, b)
			}
		})
	}
}

var macroIDPattern = regexp.MustCompile(`ac:macro-id="[^"]*"`)

func stripMacroIDs(s string) string {
	return macroIDPattern.ReplaceAllString(s, `ac:macro-id=""`)
}

func TestRewriteIssuesFreshMacroIDs(t *testing.T) {
	const body = `<ac:structured-macro ac:name="toc" ac:macro-id="fixed"/><p>x</p><ac:structured-macro ac:name="info"/>`
	first, err := Rewrite(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Rewrite(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	firstIDs := macroIDPattern.FindAllString(first, -1)
	secondIDs := macroIDPattern.FindAllString(second, -1)
	if len(firstIDs) != 2 || len(secondIDs) != 2 {
		t.Fatalf("want 2 macro ids per save, got %q and %q", firstIDs, secondIDs)
	}
	seen := map[string]bool{}
	for _, id := range append(firstIDs, secondIDs...) {
		if id == `ac:macro-id="fixed"` {
			t.Errorf("existing macro id was kept: %s", first)
		}
		if seen[id] {
			t.Errorf("macro id %s issued twice", id)
		}
		seen[id] = true
	}
	uuid := regexp.MustCompile(`^ac:macro-id="[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`)
	for _, id := range firstIDs {
		if !uuid.MatchString(id) {
			t.Errorf("default macro id %s is not a version 4 UUID", id)
		}
	}
}

func TestRewriteCallsNewMacroIDOncePerMacro(t *testing.T) {
	calls := 0
	_, err := Rewrite(cloudPageIn, func() string { calls++; return "x" })
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("newMacroID called %d times for a page with 2 macros", calls)
	}
}

func TestRewriteParseErrors(t *testing.T) {
	cases := []struct {
		name       string
		in         string
		line, col  int
		msgContent string
	}{
		{"unclosed tag", "<p>a", 1, 5, "<p> is not closed"},
		{"unclosed nested tag", "<p>\n<strong>a</p>", 2, 10, "expected </strong>"},
		{"mismatched tag", "<p><b>x</i></p>", 1, 8, "Unexpected close tag </i>; expected </b>"},
		{"stray closing tag", "<p>a</p></p>", 1, 9, "Unexpected close tag </p>; no element is open"},
		{"unknown entity", "<p>&foo;</p>", 1, 9, "&foo;"},
		{"unknown entity in attribute", `<a title="&bar;">x</a>`, 1, 16, "&bar;"},
		{"bare ampersand", "<p>fish & chips</p>", 1, 10, "no semicolon"},
		{"less-than in text", "<p>a < b</p>", 1, 7, "element name"},
		{"less-than in attribute", `<a title="a<b">x</a>`, 1, 13, "unescaped <"},
		{"duplicated attribute", `<p>x</p><p class="a" class="b">y</p>`, 1, 9, `Duplicate attribute "class"`},
		{"duplicated prefixed attribute", `<ac:structured-macro ac:name="a" ac:name="b"/>`, 1, 1, `Duplicate attribute "ac:name"`},
		{"unterminated cdata", "<ac:plain-text-body><![CDATA[x</ac:plain-text-body>", 1, 52, "CDATA"},
		{"cdata terminator in text", "<p>a]]>b</p>", 1, 8, "]]>"},
		{"unquoted attribute", "<p class=a>x</p>", 1, 11, "unquoted"},
		{"attribute without value", "<p hidden>x</p>", 1, 11, "attribute"},
		{"truncated tag", "<p>x</p>\n<p", 2, 3, "EOF"},
		{"invalid character reference", "<p>&#0;</p>", 1, 8, "illegal character"},
		{"invalid utf-8", "<p>\xff</p>", 1, 5, "UTF-8"},
		{"processing instruction", `<?xml version="1.0"?><p>x</p>`, 1, 1, "Processing instruction"},
		{"doctype", `<!DOCTYPE html><p>x</p>`, 1, 1, "not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Rewrite(tc.in, sequentialIDs())
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Rewrite(%q) = %q, %v; want a *ParseError", tc.in, out, err)
			}
			if out != "" {
				t.Errorf("output %q returned with an error", out)
			}
			msg := pe.Error()
			if !strings.HasPrefix(msg, "Error parsing xhtml: ") {
				t.Errorf("message %q does not start like Confluence's", msg)
			}
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.msgContent)) {
				t.Errorf("message %q does not mention %q", msg, tc.msgContent)
			}
			if pe.Line != tc.line || pe.Column != tc.col {
				t.Errorf("position [%d,%d], want [%d,%d] (%s)", pe.Line, pe.Column, tc.line, tc.col, msg)
			}
			if want := fmt.Sprintf("[%d,%d]", pe.Line, pe.Column); !strings.HasSuffix(msg, want) {
				t.Errorf("message %q does not end with the position %s", msg, want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"inline elements join words", "<p>Hel<strong>lo</strong> <em>world</em></p>", "Hello world"},
		{"blocks separate words", "<p>one</p><p>two</p><ul><li>three</li><li>four</li></ul>", "one two three four"},
		{"br separates words", "a<br/>b", "a b"},
		{"entities decoded", "<p>caf&eacute; &amp; &lt;bar&gt; &#169;</p>", "café & <bar> ©"},
		{"whitespace and nbsp collapsed", "<p>  a \n\t b&nbsp;&nbsp;c  </p>", "a b c"},
		{"macro parameters left out", `<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">Secret title</ac:parameter><ac:rich-text-body><p>Body</p></ac:rich-text-body></ac:structured-macro>`, "Body"},
		{"code counts as text", `<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[x := 1]]></ac:plain-text-body></ac:structured-macro>`, "x := 1"},
		{"task metadata left out", "<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Do it</ac:task-body></ac:task></ac:task-list>", "Do it"},
		{"comments ignored", "<p>a<!-- hidden -->b</p>", "ab"},
		{"malformed keeps text read so far", "<p>kept</p><p>also &foo; <", "kept also &foo;"},
		{"stray end tag does not end skipping early", "<ac:parameter>p</x>q</ac:parameter>r", "r"},
		{"cloud page", cloudPageIn, "Release – notes Read the guide first → now, please. Deploy on " +
			"if a < b && c > d { fmt.Println(\" indented \") } Ping about it Key Value a < b Ship it marked text"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlainText(tc.in); got != tc.want {
				t.Errorf("PlainText(%q)\n got: %q\nwant: %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzRewrite(f *testing.F) {
	for _, tc := range rewriteCases {
		f.Add(tc.in)
	}
	f.Add("<p>a</p></p>")
	f.Add("<ac:plain-text-body><![CDATA[x")
	f.Add("<p a='1' a='2'>")
	f.Fuzz(func(t *testing.T, body string) {
		_ = PlainText(body) // must not panic
		once, err := Rewrite(body, sequentialIDs())
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.Error(), "Error parsing xhtml") {
				t.Fatalf("Rewrite(%q) returned a non-ParseError %T: %v", body, err, err)
			}
			return
		}
		twice, err := Rewrite(once, sequentialIDs())
		if err != nil {
			t.Fatalf("output of Rewrite(%q) does not re-parse: %q: %v", body, once, err)
		}
		if twice != once {
			t.Fatalf("Rewrite is not idempotent for %q\nonce:  %q\ntwice: %q", body, once, twice)
		}
	})
}
