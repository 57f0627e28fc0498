// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import "testing"

// Bodies as the Confluence Cloud editor saves them, next to the body an API
// client wrote (issue 12). The editor-side fixtures follow the shapes Cloud
// returns from GET /wiki/api/v2/pages/{id}?body-format=storage: tables with
// data-table-width, data-layout, ac:local-id and a colgroup; blocks with
// local-id; ADF extensions (decision lists, Forge macros) with
// <ac:adf-attribute key="local-id">, <ac:adf-parameter key="local-id"> and
// an <ac:adf-fallback>. They are written by hand, not produced by code.

// TestEditorNoiseIsNotDrift: ids the editor assigns on save are not edits.
func TestEditorNoiseIsNotDrift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, sent, saved string
	}{
		{
			"block local-ids",
			`<h2>Deploy</h2><p>Run the pipeline.</p><ul><li><p>build</p></li></ul>`,
			`<h2 local-id="9c2f1a7e-3b4d-4e5f-8a6b-7c8d9e0f1a2b">Deploy</h2><p local-id="0e1d2c3b-4a59-4687-9a8b-c7d6e5f4a3b2">Run the pipeline.</p><ul local-id="5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"><li><p>build</p></li></ul>`,
		},
		{
			"table ids and default layout",
			`<table data-table-width="760"><colgroup><col style="width: 380.0px;" /><col style="width: 380.0px;" /></colgroup><tbody><tr><th><p>Time</p></th><th><p>Item</p></th></tr></tbody></table>`,
			`<table data-table-width="760" data-layout="default" ac:local-id="054ed7d7-9af8-4831-83c3-efe9342ee2a8"><colgroup><col style="width: 380.0px;" /><col style="width: 380.0px;" /></colgroup><tbody><tr><th><p>Time</p></th><th><p>Item</p></th></tr></tbody></table>`,
		},
		{
			"table converted with data-local-id",
			`<table data-table-width="1382"><tbody><tr><td><p>x</p></td></tr></tbody></table>`,
			`<table data-table-width="1382" data-layout="default" data-local-id="42844ded-fd04-45a2-9151-655070fb6892"><tbody><tr><td><p>x</p></td></tr></tbody></table>`,
		},
		{
			"code macro ids, schema version and default layout",
			`<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">go</ac:parameter><ac:plain-text-body><![CDATA[fmt.Println(1)]]></ac:plain-text-body></ac:structured-macro>`,
			`<ac:structured-macro ac:name="code" ac:schema-version="1" data-layout="default" ac:local-id="3f2e1d0c-b9a8-4776-8564-534231201f0e" ac:macro-id="a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"><ac:parameter ac:name="language">go</ac:parameter><ac:plain-text-body><![CDATA[fmt.Println(1)]]></ac:plain-text-body></ac:structured-macro>`,
		},
		{
			"Forge extension re-saved with new ids",
			adfExtension("0235a437-0850-4427-820d-c561666c81da", "2ba8fa32-cce8-4b12-bcf3-191e9bbf1469", "const foo = 'bar';"),
			adfExtension("e67e9607-46aa-456c-b46c-24e06bd36f1f", "4c1c3d01-f40c-44fc-97ad-ef662a4a4023", "const foo = 'bar';"),
		},
		{
			"decision list ids",
			`<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-node type="decision-item"><ac:adf-attribute key="state">DECIDED</ac:adf-attribute><ac:adf-content>Ship on Friday</ac:adf-content></ac:adf-node></ac:adf-node><ac:adf-fallback><div class="decision-list"><ul><li>Ship on Friday</li></ul></div></ac:adf-fallback></ac:adf-extension>`,
			`<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-attribute key="local-id">77f1c0de-5a4b-4c3d-9e2f-1a0b9c8d7e6f</ac:adf-attribute><ac:adf-node type="decision-item"><ac:adf-attribute key="local-id">8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d</ac:adf-attribute><ac:adf-attribute key="state">DECIDED</ac:adf-attribute><ac:adf-content>Ship on Friday</ac:adf-content></ac:adf-node></ac:adf-node><ac:adf-fallback><div class="decision-list"><ul><li>Ship on Friday</li></ul></div></ac:adf-fallback></ac:adf-extension>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			equal, err := Equivalent(tt.sent, tt.saved)
			if err != nil {
				t.Fatal(err)
			}
			if !equal {
				a, _ := Canonicalize(tt.sent)
				b, _ := Canonicalize(tt.saved)
				t.Errorf("the editor's ids make a difference:\nsent:  %s\nsaved: %s", a, b)
			}
		})
	}
}

// TestEditorLayoutChangesAreDrift: what a person changes in the editor's
// table and layout controls is an edit, and must show in the plan.
func TestEditorLayoutChangesAreDrift(t *testing.T) {
	t.Parallel()
	table := func(attrs, colgroup string) string {
		return `<table` + attrs + ` ac:local-id="054ed7d7-9af8-4831-83c3-efe9342ee2a8">` + colgroup + `<tbody><tr><td><p>x</p></td><td><p>y</p></td></tr></tbody></table>`
	}
	even := `<colgroup><col style="width: 380.0px;" /><col style="width: 380.0px;" /></colgroup>`
	tests := []struct {
		name, before, after string
	}{
		{"table width", table(` data-table-width="760"`, even), table(` data-table-width="1800"`, even)},
		{"table made full width", table(` data-table-width="760" data-layout="default"`, even), table(` data-table-width="760" data-layout="full-width"`, even)},
		{"column resized", table(` data-table-width="760"`, even), table(` data-table-width="760"`, `<colgroup><col style="width: 120.0px;" /><col style="width: 640.0px;" /></colgroup>`)},
		{"column widths set for the first time", table(` data-table-width="760"`, ""), table(` data-table-width="760"`, even)},
		{"cell colour", `<table><tbody><tr><th><p>T</p></th></tr></tbody></table>`, `<table><tbody><tr><th data-highlight-colour="#deebff"><p>T</p></th></tr></tbody></table>`},
		{
			"code block made wide",
			`<ac:structured-macro ac:name="code" ac:breakout-mode="default"><ac:plain-text-body><![CDATA[x]]></ac:plain-text-body></ac:structured-macro>`,
			`<ac:structured-macro ac:name="code" ac:breakout-mode="wide" ac:breakout-width="1200"><ac:plain-text-body><![CDATA[x]]></ac:plain-text-body></ac:structured-macro>`,
		},
		{"extension parameter", adfExtension("a", "b", "const foo = 'bar';"), adfExtension("a", "b", "const foo = 'baz';")},
		{
			"decision state",
			`<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-node type="decision-item"><ac:adf-attribute key="state">DECIDED</ac:adf-attribute><ac:adf-content>Ship</ac:adf-content></ac:adf-node></ac:adf-node></ac:adf-extension>`,
			`<ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-node type="decision-item"><ac:adf-attribute key="state">UNDECIDED</ac:adf-attribute><ac:adf-content>Ship</ac:adf-content></ac:adf-node></ac:adf-node></ac:adf-extension>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			equal, err := Equivalent(tt.before, tt.after)
			if err != nil {
				t.Fatal(err)
			}
			if equal {
				t.Errorf("a layout change is hidden by the canonical form:\nbefore: %s\nafter:  %s", tt.before, tt.after)
			}
		})
	}
}

// TestEditorFallbackKept: the canonical form Read brings back keeps the ADF
// fallback (a body written back from it must not lose it) without its ids.
func TestEditorFallbackKept(t *testing.T) {
	t.Parallel()
	got, err := Canonicalize(adfExtension("0235a437", "2ba8fa32", "x"))
	if err != nil {
		t.Fatal(err)
	}
	want := "<ac:adf-extension>\n" +
		"  <ac:adf-node type=\"extension\">\n" +
		"    <ac:adf-attribute key=\"extension-type\">com.atlassian.ecosystem</ac:adf-attribute>\n" +
		"    <ac:adf-attribute key=\"parameters\"><ac:adf-parameter key=\"extension-title\">Advanced Codeblocks Single</ac:adf-parameter><ac:adf-parameter key=\"guest-params\"><ac:adf-parameter key=\"code\">x</ac:adf-parameter></ac:adf-parameter></ac:adf-attribute>\n" +
		"    <ac:adf-attribute key=\"layout\">default</ac:adf-attribute>\n" +
		"  </ac:adf-node>\n" +
		"  <ac:adf-fallback><ac:adf-node type=\"extension\"><ac:adf-attribute key=\"extension-type\">com.atlassian.ecosystem</ac:adf-attribute></ac:adf-node></ac:adf-fallback>\n" +
		"</ac:adf-extension>"
	if got != want {
		t.Errorf("Canonicalize\n got: %s\nwant: %s", got, want)
	}
}

// adfExtension is a Forge macro as the Cloud editor stores it, with the ids
// it assigns (parameter and node local-id) and its fallback copy.
func adfExtension(paramID, nodeID, code string) string {
	return `<ac:adf-extension>
    <ac:adf-node type="extension">
        <ac:adf-attribute key="extension-type">com.atlassian.ecosystem</ac:adf-attribute>
        <ac:adf-attribute key="parameters">
            <ac:adf-parameter key="local-id">` + paramID + `</ac:adf-parameter>
            <ac:adf-parameter key="extension-title">Advanced Codeblocks Single</ac:adf-parameter>
            <ac:adf-parameter key="guest-params">
                <ac:adf-parameter key="code"><![CDATA[` + code + `]]></ac:adf-parameter>
            </ac:adf-parameter>
        </ac:adf-attribute>
        <ac:adf-attribute key="layout">default</ac:adf-attribute>
        <ac:adf-attribute key="local-id">` + nodeID + `</ac:adf-attribute>
    </ac:adf-node>
    <ac:adf-fallback>
        <ac:adf-node type="extension">
            <ac:adf-attribute key="extension-type">com.atlassian.ecosystem</ac:adf-attribute>
            <ac:adf-attribute key="local-id">` + nodeID + `</ac:adf-attribute>
        </ac:adf-node>
    </ac:adf-fallback>
</ac:adf-extension>`
}
