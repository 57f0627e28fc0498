// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"strings"
	"testing"
)

func TestMarkdownToStorage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, markdown, want string
	}{
		{"empty", "", ""},
		{"headings", "# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six", "<h1>One</h1>\n<h2>Two</h2>\n<h3>Three</h3>\n<h4>Four</h4>\n<h5>Five</h5>\n<h6>Six</h6>"},
		{"setext heading", "Title\n=====", "<h1>Title</h1>"},
		{"paragraphs and soft breaks", "first line\nsame paragraph\n\nsecond", "<p>first line same paragraph</p>\n<p>second</p>"},
		{"hard line break", "a  \nb\\\nc", "<p>a<br />b<br />c</p>"},
		{"emphasis", "*em* _em_ **strong** __strong__ ***both***", "<p><em>em</em> <em>em</em> <strong>strong</strong> <strong>strong</strong> <em><strong>both</strong></em></p>"},
		{"strikethrough", "~~gone~~", "<p><del>gone</del></p>"},
		{"inline code", "run `a < b && c`", "<p>run <code>a &lt; b &amp;&amp; c</code></p>"},
		{
			"fenced code with language",
			"```go\nfunc main() {\n\tprintln(\"hi\")\n}\n```",
			"<ac:structured-macro ac:name=\"code\">\n  <ac:parameter ac:name=\"language\">go</ac:parameter>\n  <ac:plain-text-body><![CDATA[func main() {\n\tprintln(\"hi\")\n}]]></ac:plain-text-body>\n</ac:structured-macro>",
		},
		{
			"code containing CDATA terminator",
			"```\nx := \"]]>\"\n```",
			"<ac:structured-macro ac:name=\"code\">\n  <ac:plain-text-body><![CDATA[x := \"]]]]><![CDATA[>\"]]></ac:plain-text-body>\n</ac:structured-macro>",
		},
		{"indented code", "    a  <b>\n    c", "<ac:structured-macro ac:name=\"code\">\n  <ac:plain-text-body><![CDATA[a  <b>\nc]]></ac:plain-text-body>\n</ac:structured-macro>"},
		{"link with title", `[docs](https://example.com/a?b=1&c=2 "The docs")`, `<p><a href="https://example.com/a?b=1&amp;c=2" title="The docs">docs</a></p>`},
		{"link with spaces in destination", `[x](<https://example.com/a b>)`, `<p><a href="https://example.com/a%20b">x</a></p>`},
		{"javascript link dropped", `[click](javascript:alert(1))`, `<p>click</p>`},
		{"autolinks", "<https://a.example> www.b.example <me@c.example>", `<p><a href="https://a.example">https://a.example</a> <a href="http://www.b.example">www.b.example</a> <a href="mailto:me@c.example">me@c.example</a></p>`},
		{"image", `![A *diagram*](https://example.com/d.png "Flow")`, `<p><ac:image ac:alt="A diagram" ac:title="Flow"><ri:url ri:value="https://example.com/d.png" /></ac:image></p>`},
		{"image without alt", `![](https://example.com/d.png)`, `<p><ac:image><ri:url ri:value="https://example.com/d.png" /></ac:image></p>`},
		{"blockquote", "> quoted\n> text\n\n> second", "<blockquote>\n  <p>quoted text</p>\n</blockquote>\n<blockquote>\n  <p>second</p>\n</blockquote>"},
		{"horizontal rule", "a\n\n---\n\n***", "<p>a</p>\n<hr />\n<hr />"},
		{"bullet list", "- a\n- b\n  - c", "<ul>\n  <li>a</li>\n  <li>b<ul><li>c</li></ul></li>\n</ul>"},
		{"loose list", "- a\n\n- b", "<ul>\n  <li><p>a</p></li>\n  <li><p>b</p></li>\n</ul>"},
		{"ordered list", "1. a\n2. b", "<ol>\n  <li>a</li>\n  <li>b</li>\n</ol>"},
		{"ordered list start", "3. c\n4. d", "<ol start=\"3\">\n  <li>c</li>\n  <li>d</li>\n</ol>"},
		{
			"task list",
			"- [ ] write tests\n- [x] write code",
			"<ac:task-list>\n  <ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>write tests</ac:task-body></ac:task>\n  <ac:task><ac:task-status>complete</ac:task-status><ac:task-body>write code</ac:task-body></ac:task>\n</ac:task-list>",
		},
		{"mixed task list stays a list", "- [x] done\n- plain", "<ul>\n  <li>[x] done</li>\n  <li>plain</li>\n</ul>"},
		{
			"table",
			"| Name | Value |\n|------|:-----:|\n| a    | `1`   |\n| b    | **2** |",
			"<table>\n  <tbody>\n    <tr><th>Name</th><th>Value</th></tr>\n    <tr><td>a</td><td><code>1</code></td></tr>\n    <tr><td>b</td><td><strong>2</strong></td></tr>\n  </tbody>\n</table>",
		},
		{
			"info alert",
			"> [!INFO]\n> Read **this**.\n>\n> And this.",
			"<ac:structured-macro ac:name=\"info\">\n  <ac:rich-text-body>\n    <p>Read <strong>this</strong>.</p>\n    <p>And this.</p>\n  </ac:rich-text-body>\n</ac:structured-macro>",
		},
		{"note alert", "> [!NOTE]\n> n", "<ac:structured-macro ac:name=\"note\">\n  <ac:rich-text-body>\n    <p>n</p>\n  </ac:rich-text-body>\n</ac:structured-macro>"},
		{"warning alert lowercase", "> [!warning]\n> w", "<ac:structured-macro ac:name=\"warning\">\n  <ac:rich-text-body>\n    <p>w</p>\n  </ac:rich-text-body>\n</ac:structured-macro>"},
		{"tip alert with list", "> [!TIP]\n>\n> - x", "<ac:structured-macro ac:name=\"tip\">\n  <ac:rich-text-body>\n    <ul>\n      <li>x</li>\n    </ul>\n  </ac:rich-text-body>\n</ac:structured-macro>"},
		{"unknown alert stays a quote", "> [!DANGER]\n> d", "<blockquote>\n  <p>[!DANGER] d</p>\n</blockquote>"},
		{"raw html block kept, attributes storage does not use dropped", "<div class=\"x\">\n<b>hi</b>\n</div>", "<div><strong>hi</strong></div>"},
		{"inline confluence markup in html escaped", "a <ac:structured-macro ac:name=\"html\"/> b", "<p>a &lt;ac:structured-macro ac:name=\"html\"/&gt; b</p>"},
		{"entities and escapes", `&copy; &nbsp; &#x41; &bogus; \*lit\* AT&T 1 < 2`, "<p>© &#160; A &amp;bogus; *lit* AT&amp;T 1 &lt; 2</p>"},
		{"control characters replaced", "a\x01b &#1; c", "<p>a\ufffdb \ufffd c</p>"},
		{"invalid UTF-8 replaced", "a\xffb", "<p>a\ufffdb</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := MarkdownToStorage(tt.markdown)
			if err != nil {
				t.Fatalf("MarkdownToStorage(%q): %v", tt.markdown, err)
			}
			if got != tt.want {
				t.Errorf("MarkdownToStorage(%q)\n got: %s\nwant: %s", tt.markdown, got, tt.want)
			}
			if err := Validate(got); err != nil {
				t.Errorf("output does not validate: %v", err)
			}
		})
	}
}

// TestMarkdownFormOnlyChanges checks that Markdown sources differing only in
// form render to the same storage, so such edits plan no change.
func TestMarkdownFormOnlyChanges(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, a, b string }{
		{"emphasis markers", "*a* **b**", "_a_ __b__"},
		{"bullet markers", "- a\n- b", "* a\n* b"},
		{"line endings", "# T\n\ntext\nmore\n", "# T\r\n\r\ntext\r\nmore\r\n"},
		{"heading styles", "# T", "T\n="},
		{"rule styles", "---", "***"},
		{"reflowed paragraph", "one two three", "one\ntwo\nthree"},
		{"fence styles", "```go\nx\n```", "~~~go\nx\n~~~"},
		{"reference link", "[a](https://x.example)", "[a][r]\n\n[r]: https://x.example"},
		{"trailing whitespace", "text", "text   \n\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, errA := MarkdownToStorage(tt.a)
			b, errB := MarkdownToStorage(tt.b)
			if errA != nil || errB != nil {
				t.Fatalf("errors: %v, %v", errA, errB)
			}
			if a != b {
				t.Errorf("different storage:\n%q -> %s\n%q -> %s", tt.a, a, tt.b, b)
			}
		})
	}
}

func TestMarkdownToStorageIsCanonical(t *testing.T) {
	t.Parallel()
	md := "# T\n\n> [!INFO]\n> x\n\n| a |\n|---|\n| b |\n\n- [ ] t\n\n```\ncode\n```\n"
	got, err := MarkdownToStorage(md)
	if err != nil {
		t.Fatal(err)
	}
	if c := mustCanonicalize(t, got); c != got {
		t.Errorf("output is not canonical:\n got: %s\ncanonical: %s", got, c)
	}
	if strings.Contains(got, "&nbsp;") {
		t.Errorf("output uses a named HTML entity: %s", got)
	}
}
