// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import "testing"

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"empty", "", ""},
		{"blocks separate words", "<h1>Title</h1><p>one</p><p>two<br/>three</p>", "Title one two three"},
		{"inline elements join", "<p>sup<strong>er</strong>b</p>", "superb"},
		{"entities decoded, whitespace collapsed", "<p>  &ldquo;A&rdquo;&nbsp;&amp;\n\tB  </p>", "“A” & B"},
		{"macro parameters hidden, bodies kept", `<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">go</ac:parameter><ac:plain-text-body><![CDATA[x := 1]]></ac:plain-text-body></ac:structured-macro>`, "x := 1"},
		{"task ids hidden", `<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Ship it</ac:task-body></ac:task></ac:task-list>`, "Ship it"},
		{"malformed body read leniently", "<p>first &nbsp; text<p>second", "first text second"},
		{"plain text", "hello   world", "hello world"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := PlainText(tt.body); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}
