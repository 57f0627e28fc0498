// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"errors"
	"strings"
	"testing"
)

// cloudPage is a page body as Confluence Cloud returns it: macros with ids
// and schema versions, local-ids, Cloud-only elements, named HTML entities,
// CDATA and a comment.
const cloudPage = `<h1 local-id="a1b2">Release notes</h1>
<p local-id="c3">Shipped &ldquo;Phoenix&rdquo; &rarr; production.&nbsp;See <ac:link><ri:page ri:content-title="Runbook" ri:space-key="OPS" ri:version-at-save="3" /><ac:plain-text-link-body><![CDATA[the runbook]]></ac:plain-text-link-body></ac:link>.</p>
<ac:structured-macro ac:name="info" ac:schema-version="1" ac:local-id="7f1c" ac:macro-id="0a1b2c3d-4e5f"><ac:rich-text-body><p>Deploy window: <ac:emoticon ac:name="warning" ac:emoji-shortname=":warning:" ac:emoji-id="26a0" ac:emoji-fallback="⚠️" /> Friday&#x2019;s freeze.</p></ac:rich-text-body></ac:structured-macro>
<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="9b"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[if [ "$a" < 3 ] && true; then
  echo ok
fi]]></ac:plain-text-body></ac:structured-macro>
<ac:task-list ac:local-id="tl1"><ac:task><ac:task-id>1</ac:task-id><ac:task-uuid>3c9d-11</ac:task-uuid><ac:task-status>incomplete</ac:task-status><ac:task-body><span class="placeholder-inline-tasks">Check dashboards</span></ac:task-body></ac:task></ac:task-list>
<ac:layout><ac:layout-section ac:type="two_equal" ac:breakout-mode="default"><ac:layout-cell><p>Left</p></ac:layout-cell><ac:layout-cell><table data-layout="default" data-table-width="760" local-id="t1"><colgroup><col style="width: 340.0px;" /></colgroup><tbody><tr><th><p><strong>Service</strong></p></th></tr><tr><td><p><ac:inline-comment-marker ac:ref="abc-123">api</ac:inline-comment-marker></p></td></tr></tbody></table></ac:layout-cell></ac:layout-section></ac:layout>
<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-attribute key="local-id">d1</ac:adf-attribute><ac:adf-node type="decision-item"><ac:adf-attribute key="state">DECIDED</ac:adf-attribute><ac:adf-content>Use Go</ac:adf-content></ac:adf-node></ac:adf-node><ac:adf-fallback><ul class="decision-list"><li>Use Go</li></ul></ac:adf-fallback></ac:adf-extension>
<p><ac:image ac:align="center" ac:layout="center" ac:original-height="600" ac:original-width="800"><ri:attachment ri:filename="diagram.png" ri:version-at-save="1" /></ac:image></p>
<p>Math: 2 &lt; 3 &amp;&amp; 4 &gt; 1 &#169; &#xA9; &hellip; &check; &NotNestedGreaterGreater; <span style="color: rgb(255,0,0);" data-colorid="x1">red</span></p>
<!-- editor comment -->
<p><ac:adf-mark key="border" size="1">framed</ac:adf-mark></p>
<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">OPS-1</ac:parameter></ac:structured-macro>`

func TestValidateAccepts(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"empty":                   "",
		"whitespace only":         " \n\t",
		"plain text":              "just text",
		"realistic Cloud page":    cloudPage,
		"html named entities":     "<p>&nbsp;&ldquo;&rdquo;&rarr;&mdash;&euro;&hearts;&Aring;</p>",
		"html5-only entities":     "<p>&check;&NewLine;&bigstar;&Tab;</p>",
		"numeric references":      "<p>&#160;&#xA0;&#x2603;&#128512;</p>",
		"xml entities":            "<p>&amp;&lt;&gt;&quot;&apos;</p>",
		"self-closing forms":      "<p>a<br/>b<br />c<br></br></p><hr/>",
		"cdata in plain body":     `<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[<b>&nbsp;</b> ]]]]><![CDATA[>]]></ac:plain-text-body></ac:structured-macro>`,
		"namespace-less local-id": `<p local-id="5a0e">x</p><table data-layout="wide"><tbody><tr><td>1</td></tr></tbody></table>`,
		"several top-level nodes": "text <p>a</p> tail",
		"single quotes":           `<a href='http://x'>x</a>`,
		"processing instruction":  `<p>a<?php echo 1; ?></p>`,
		"ac and ri prefixes":      `<ac:link ac:anchor="top"><ri:user ri:account-id="557058:abc" /></ac:link>`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := Validate(body); err != nil {
				t.Fatalf("Validate(%q) = %v, want nil", body, err)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		body         string
		line, column int
		element      string
		msgContains  string
	}{
		{"unclosed element", "<p>ok</p>\n<p>never closed", 2, 1, "p", "element <p> is not closed"},
		{"unclosed nested element", "<ul>\n  <li>one</li>\n  <li>two\n</ul>", 4, 1, "li", "closed by </ul>; expected </li>"},
		{"mismatched closing tag", "<p><strong>x</p>", 1, 13, "strong", "element <strong> (opened at line 1, column 4) is closed by </p>"},
		{"stray closing tag", "<p>x</p></div>", 1, 9, "div", "closing tag </div> has no matching opening tag"},
		{"html void br", "<p>a<br>b</p>", 1, 10, "br", "<br />"},
		{"void br at end", "line<br>", 1, 5, "br", "write it as <br />"},
		{"unknown entity", "<p>a &foo; b</p>", 1, 6, "p", "unknown entity &foo;"},
		{"entity without semicolon", "<p>a &amp b</p>", 1, 6, "p", `"&" must start an entity reference`},
		{"bare ampersand", "<p>Q&A</p>", 1, 5, "p", `"&" must start an entity reference`},
		{"bare less-than", "<h2>x</h2>\n<p>1 < 2</p>", 2, 6, "p", `"<" must start a tag`},
		{"duplicate attribute", `<p class="a" class="b">x</p>`, 1, 1, "p", `attribute "class" more than once`},
		{"unquoted attribute", `<td colspan=2>x</td>`, 1, 13, "td", "must be quoted"},
		{"unterminated cdata", "<ac:plain-text-body><![CDATA[x</ac:plain-text-body>", 1, 21, "ac:plain-text-body", `CDATA section is not terminated`},
		{"unterminated tag", "<p>x</p><p", 1, 9, "p", "tag is not terminated"},
		{"unterminated comment", "<p>x</p><!-- note", 1, 9, "", "comment is not terminated"},
		{"doctype", "<!DOCTYPE html><p>x</p>", 1, 1, "", "<!DOCTYPE>"},
		{"column counts runes", "<p>héllo</p>\n<p>ünïcode &bogus; x</p>", 2, 12, "p", "unknown entity &bogus;"},
		{"illegal control character", "<p>a\x01b</p>", 1, 5, "p", "U+0001 is not allowed"},
		{"illegal character reference", "<p>a&#1;</p>", 1, 5, "p", "U+0001 is not allowed"},
		{"uppercase hex reference", "<p>&#X2603;</p>", 1, 4, "p", "invalid character reference &#X"},
		{"unclosed element named like the synthetic root", "<storage-fragment-root>x", 1, 1, "storage-fragment-root", "is not closed"},
		{"closing the synthetic root", "<p>x</p></storage-fragment-root>", 1, 9, "storage-fragment-root", "no matching opening tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tt.body)
			var syntaxErr *SyntaxError
			if !errors.As(err, &syntaxErr) {
				t.Fatalf("Validate(%q) = %v, want *SyntaxError", tt.body, err)
			}
			if syntaxErr.Line != tt.line || syntaxErr.Column != tt.column {
				t.Errorf("position = line %d, column %d, want line %d, column %d (%v)",
					syntaxErr.Line, syntaxErr.Column, tt.line, tt.column, err)
			}
			if syntaxErr.Element != tt.element {
				t.Errorf("Element = %q, want %q (%v)", syntaxErr.Element, tt.element, err)
			}
			if !strings.Contains(syntaxErr.Msg, tt.msgContains) {
				t.Errorf("Msg = %q, want it to contain %q", syntaxErr.Msg, tt.msgContains)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	t.Parallel()
	err := Validate("<h1>T</h1>\n\n  <p>open")
	want := "line 3, column 3: element <p> is not closed: add </p> before the end of the body"
	if err == nil || err.Error() != want {
		t.Fatalf("Validate error = %v, want %q", err, want)
	}
}
