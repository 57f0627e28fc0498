// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func details(id, table string) string {
	param := ""
	if id != "" {
		param = `<ac:parameter ac:name="id">` + id + `</ac:parameter>`
	}
	return `<ac:structured-macro ac:name="details" ac:schema-version="1" ac:macro-id="m1">` + param +
		`<ac:rich-text-body>` + table + `</ac:rich-text-body></ac:structured-macro>`
}

func TestPageProperties(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []PropertiesTable
	}{
		{
			name: "no macro",
			body: `<p>Nothing here.</p><table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>`,
			want: []PropertiesTable{},
		},
		{
			name: "vertical with th keys, formatting and whitespace",
			body: details("", `<table><tbody>
  <tr><th>Owner</th><td><p>  Platform&nbsp;team </p></td></tr>
  <tr><th><strong>Rate limit</strong></th><td>100</td></tr>
</tbody></table>`),
			want: []PropertiesTable{{Keys: []string{"Owner", "Rate limit"}, Values: map[string]string{"Owner": "Platform team", "Rate limit": "100"}}},
		},
		{
			name: "td keys, rows without tbody, empty value kept as empty",
			body: details("api", `<table><tr><td>Route</td><td>/orders</td></tr><tr><td>Expiry</td><td></td></tr></table>`),
			want: []PropertiesTable{{ID: "api", Keys: []string{"Route", "Expiry"}, Values: map[string]string{"Route": "/orders", "Expiry": ""}}},
		},
		{
			name: "links, mentions, status, dates, lists and line breaks",
			body: details("", `<table><tbody>
<tr><th>Owner</th><td><ac:link><ri:user ri:account-id="557058:abc" /></ac:link></td></tr>
<tr><th>Runbook</th><td><ac:link><ri:page ri:content-title="Orders runbook" /></ac:link></td></tr>
<tr><th>Spec</th><td><ac:link><ri:page ri:content-title="X" /><ac:plain-text-link-body><![CDATA[the spec]]></ac:plain-text-link-body></ac:link></td></tr>
<tr><th>Docs</th><td><a href="https://example.com/docs">API docs</a> and <a href="https://example.com/raw"></a></td></tr>
<tr><th>State</th><td><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">APPROVED</ac:parameter></ac:structured-macro></td></tr>
<tr><th>Expires</th><td><time datetime="2027-01-31" /></td></tr>
<tr><th>Roles</th><td><ul><li>admin</li><li>ops <em>on call</em></li></ul></td></tr>
<tr><th>Note</th><td>line one<br />line two <ac:emoticon ac:name="smile" /></td></tr>
</tbody></table>`),
			want: []PropertiesTable{{
				Keys: []string{"Owner", "Runbook", "Spec", "Docs", "State", "Expires", "Roles", "Note"},
				Values: map[string]string{
					"Owner": "557058:abc", "Runbook": "Orders runbook", "Spec": "the spec",
					"Docs": "API docs and https://example.com/raw", "State": "APPROVED", "Expires": "2027-01-31",
					"Roles": "admin\nops on call", "Note": "line one\nline two",
				},
			}},
		},
		{
			name: "horizontal: keys in a heading row",
			body: details("", `<table><tbody><tr><th>Owner</th><th>Limit</th></tr><tr><td>ops</td><td>10</td></tr></tbody></table>`),
			want: []PropertiesTable{{Keys: []string{"Owner", "Limit"}, Values: map[string]string{"Owner": "ops", "Limit": "10"}}},
		},
		{
			name: "several macros, nested in a layout, in page order",
			body: `<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell>` +
				details("first", `<table><tbody><tr><th>a</th><td>1</td></tr></tbody></table>`) +
				`</ac:layout-cell><ac:layout-cell>` +
				details("second", `<table><tbody><tr><th>b</th><td>2</td></tr></tbody></table>`) +
				`</ac:layout-cell></ac:layout-section></ac:layout>`,
			want: []PropertiesTable{
				{ID: "first", Keys: []string{"a"}, Values: map[string]string{"a": "1"}},
				{ID: "second", Keys: []string{"b"}, Values: map[string]string{"b": "2"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PageProperties(tt.body)
			if err != nil {
				t.Fatalf("PageProperties: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestPagePropertiesErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // substring of the error
	}{
		{"not storage", `<p>open`, "not well-formed storage format"},
		{"no table", details("x", `<p>just text</p>`), `Page Properties table 1 (id "x"): the macro holds no table`},
		{"two tables", details("", `<table><tr><td>a</td><td>1</td></tr></table><table><tr><td>b</td><td>2</td></tr></table>`), "holds 2 tables"},
		{"three cells", details("", `<table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td><td>3</td></tr></table>`), "row 2: the row has 3 cells"},
		{"one cell", details("", `<table><tr><td>a</td></tr></table>`), "row 1: the row has 1 cells"},
		{"empty key", details("", `<table><tr><td> </td><td>1</td></tr></table>`), "row 1: the key cell is empty"},
		{"duplicate key", details("", `<table><tr><td>a</td><td>1</td></tr><tr><td><strong>a</strong></td><td>2</td></tr></table>`), `row 2: key "a" appears twice`},
		{"nested table", details("", `<table><tr><td>a</td><td><table><tr><td>x</td></tr></table></td></tr></table>`), "nested table"},
		{"empty table", details("", `<table><tbody></tbody></table>`), "the table has no rows"},
		{"horizontal with two value rows", details("", `<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>`), "one row of values"},
		{"horizontal cell count", details("", `<table><tr><th>a</th><th>b</th></tr><tr><td>1</td></tr></table>`), "row 2: the row has 1 cells for 2 keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PageProperties(tt.body)
			var perr *PagePropertiesError
			if !errors.As(err, &perr) {
				t.Fatalf("error = %v, want a *PagePropertiesError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSelectPageProperties(t *testing.T) {
	tables := []PropertiesTable{
		{ID: "a", Keys: []string{"x", "y"}, Values: map[string]string{"x": "1", "y": "2"}},
		{ID: "b", Keys: []string{"x"}, Values: map[string]string{"x": "3"}},
		{Keys: []string{"z"}, Values: map[string]string{"z": "4"}},
	}
	tests := []struct {
		name      string
		tables    []PropertiesTable
		id        string
		want      map[string]string
		wantFound bool
		wantErr   string
	}{
		{name: "by id", tables: tables, id: "b", want: map[string]string{"x": "3"}, wantFound: true},
		{name: "unknown id", tables: tables, id: "nope", want: map[string]string{}, wantFound: false},
		{name: "no tables", tables: nil, id: "", want: map[string]string{}, wantFound: false},
		{name: "all tables merged", tables: []PropertiesTable{tables[0], tables[2]}, want: map[string]string{"x": "1", "y": "2", "z": "4"}, wantFound: true},
		{name: "a key in two tables", tables: tables, wantErr: `key "x" is also in Page Properties table 1`, wantFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found, err := SelectPageProperties(tt.tables, tt.id)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if found != tt.wantFound || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, %v; want %v, %v", got, found, tt.want, tt.wantFound)
			}
		})
	}
}
