// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"fmt"
	"slices"
	"strings"
)

// detailsMacro is the storage name of Confluence's Page Properties macro
// (https://support.atlassian.com/confluence-cloud/docs/insert-the-page-properties-macro/):
// <ac:structured-macro ac:name="details"> with an optional "id" parameter and
// a table in its rich-text body.
const detailsMacro = "details"

// PropertiesTable is one Page Properties macro of a page.
type PropertiesTable struct {
	// ID is the macro's "id" parameter, empty when it has none.
	ID string
	// Keys are the keys in table order.
	Keys []string
	// Values maps each key to its value as plain text (see PageProperties).
	Values map[string]string
}

// PagePropertiesError says why a page's Page Properties cannot be read: the
// body is not storage format or a table is not a key/value table.
type PagePropertiesError struct {
	Table   int    // 1-based position of the macro on the page; 0 when not about one table
	TableID string // the macro's id parameter, if any
	Row     int    // 1-based row of the table; 0 when not about one row
	Msg     string
}

func (e *PagePropertiesError) Error() string {
	var where []string
	if e.Table > 0 {
		t := fmt.Sprintf("Page Properties table %d", e.Table)
		if e.TableID != "" {
			t += fmt.Sprintf(" (id %q)", e.TableID)
		}
		where = append(where, t)
	}
	if e.Row > 0 {
		where = append(where, fmt.Sprintf("row %d", e.Row))
	}
	if len(where) == 0 {
		return e.Msg
	}
	return strings.Join(where, ", ") + ": " + e.Msg
}

// PageProperties returns the Page Properties (details macro) tables of a
// storage-format body, in page order, including macros nested in layouts or
// other macros. Each table is a key/value table as Confluence reads it:
//
//   - vertical (the default): one row per property, the key in the first
//     cell (th or td) and the value in the second;
//   - horizontal: a first row of th headings holding the keys and one row of
//     td values below it.
//
// Keys and values are plain text: whitespace collapsed, line breaks and
// blocks (paragraphs, list items) kept as "\n". Links are reduced to their
// text (or, without text, the page title, file name or address they point
// to), user mentions to the account id, status lozenges to their title and
// dates to their datetime; images, emoticons and macro parameters are left
// out. A row without a key, a row that has not exactly two cells, a nested
// table and a key that appears twice are errors, as is a macro without a table.
func PageProperties(body string) ([]PropertiesTable, error) {
	root, err := parse(body)
	if err != nil {
		return nil, &PagePropertiesError{Msg: "the body is not well-formed storage format: " + err.Error()}
	}
	var macros []*node
	collectMacros(root, &macros)
	tables := make([]PropertiesTable, 0, len(macros))
	for i, m := range macros {
		t, err := readDetailsMacro(m, i+1)
		if err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// SelectPageProperties merges the tables named id (every table when id is
// empty) into one map, as Confluence's Page Properties Report does. found is
// false when no table matches. A key given by two tables is an error: the
// page does not say which value holds.
func SelectPageProperties(tables []PropertiesTable, id string) (values map[string]string, found bool, err error) {
	values = map[string]string{}
	from := map[string]int{}
	for i, t := range tables {
		if id != "" && t.ID != id {
			continue
		}
		found = true
		for _, k := range t.Keys {
			if first, dup := from[k]; dup {
				return nil, true, &PagePropertiesError{Table: i + 1, TableID: t.ID,
					Msg: fmt.Sprintf("key %q is also in Page Properties table %d; give each key once, or give the tables ids and pick one with table_id", k, first)}
			}
			from[k] = i + 1
			values[k] = t.Values[k]
		}
	}
	return values, found, nil
}

// collectMacros appends the details macros under n in document order. A
// details macro nested in another one is read as part of the outer one.
func collectMacros(n *node, out *[]*node) {
	for _, c := range n.children {
		if c.kind != elementNode {
			continue
		}
		if c.name == "ac:structured-macro" && attr(c, "ac:name") == detailsMacro {
			*out = append(*out, c)
			continue
		}
		collectMacros(c, out)
	}
}

func attr(n *node, name string) string {
	for _, a := range n.attrs {
		if a.name == name {
			return a.value
		}
	}
	return ""
}

// macroParameter returns the text of the macro's parameter name.
func macroParameter(macro *node, name string) string {
	for _, c := range macro.children {
		if c.kind == elementNode && c.name == "ac:parameter" && attr(c, "ac:name") == name {
			return collapseLine(textOf(c))
		}
	}
	return ""
}

func textOf(n *node) string {
	var b strings.Builder
	for _, c := range n.children {
		if c.kind == textNode {
			b.WriteString(c.text)
		} else {
			b.WriteString(textOf(c))
		}
	}
	return b.String()
}

func readDetailsMacro(macro *node, position int) (PropertiesTable, error) {
	t := PropertiesTable{ID: macroParameter(macro, "id"), Values: map[string]string{}}
	fail := func(row int, format string, args ...any) error {
		return &PagePropertiesError{Table: position, TableID: t.ID, Row: row, Msg: fmt.Sprintf(format, args...)}
	}
	var tables []*node
	for _, c := range macro.children {
		if c.kind == elementNode && c.name == "ac:rich-text-body" {
			findAll(c, "table", &tables)
		}
	}
	switch len(tables) {
	case 0:
		return t, fail(0, "the macro holds no table; put a two-column table (key, value) in it")
	case 1:
	default:
		return t, fail(0, "the macro holds %d tables; Page Properties reads one table per macro: split them into macros with ids", len(tables))
	}
	rows := tableRows(tables[0])
	if len(rows) == 0 {
		return t, fail(0, "the table has no rows")
	}
	add := func(row int, keyCell, valueCell *node) error {
		if nested := countTables(keyCell) + countTables(valueCell); nested > 0 {
			return fail(row, "a cell holds a nested table; a property value is text")
		}
		key := collapseLine(cellText(keyCell))
		if key == "" {
			return fail(row, "the key cell is empty; every row needs a key")
		}
		if _, dup := t.Values[key]; dup {
			return fail(row, "key %q appears twice; give each key once", key)
		}
		t.Keys = append(t.Keys, key)
		t.Values[key] = cellText(valueCell)
		return nil
	}

	if header := rowCells(rows[0]); len(rows) >= 2 && len(header) >= 2 && allNamed(header, "th") &&
		len(rowCells(rows[1])) > 0 && rowCells(rows[1])[0].name == "td" {
		// Horizontal: keys in the heading row, values in the one row below.
		if len(rows) > 2 {
			return t, fail(3, "a table with its keys in a heading row has one row of values; this one has %d", len(rows)-1)
		}
		values := rowCells(rows[1])
		if len(values) != len(header) {
			return t, fail(2, "the row has %d cells for %d keys in the heading row", len(values), len(header))
		}
		for i := range header {
			if err := add(i+1, header[i], values[i]); err != nil {
				return t, err
			}
		}
		return t, nil
	}
	for i, r := range rows {
		cells := rowCells(r)
		if len(cells) != 2 {
			return t, fail(i+1, "the row has %d cells; a Page Properties row has two: the key, then the value", len(cells))
		}
		if err := add(i+1, cells[0], cells[1]); err != nil {
			return t, err
		}
	}
	return t, nil
}

// findAll appends the elements named name under n, not looking inside them.
func findAll(n *node, name string, out *[]*node) {
	for _, c := range n.children {
		if c.kind != elementNode {
			continue
		}
		if c.name == name {
			*out = append(*out, c)
			continue
		}
		findAll(c, name, out)
	}
}

func countTables(n *node) int {
	var t []*node
	findAll(n, "table", &t)
	return len(t)
}

// tableRows returns the rows of a table, directly or in thead/tbody/tfoot.
func tableRows(table *node) []*node {
	var rows []*node
	for _, c := range table.children {
		if c.kind != elementNode {
			continue
		}
		switch c.name {
		case "tr":
			rows = append(rows, c)
		case "thead", "tbody", "tfoot":
			for _, r := range c.children {
				if r.kind == elementNode && r.name == "tr" {
					rows = append(rows, r)
				}
			}
		}
	}
	return rows
}

func rowCells(row *node) []*node {
	var cells []*node
	for _, c := range row.children {
		if c.kind == elementNode && (c.name == "th" || c.name == "td") {
			cells = append(cells, c)
		}
	}
	return cells
}

func allNamed(nodes []*node, name string) bool {
	return !slices.ContainsFunc(nodes, func(n *node) bool { return n.name != name })
}

// cellText is the plain text of a cell: lines of collapsed whitespace,
// empty lines dropped, joined with "\n".
func cellText(cell *node) string {
	var b strings.Builder
	writeValueText(&b, cell)
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = collapseLine(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// collapseLine collapses every run of white space (no-break spaces and line
// breaks included) to one space and trims the ends.
func collapseLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// valueHidden hold configuration or pictures, not text.
var valueHidden = setOf("ac:parameter", "ac:placeholder", "ac:image", "ac:emoticon", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:adf-attribute", "ri:attachment", "ri:page", "ri:url", "ri:user")

func writeValueText(b *strings.Builder, n *node) {
	for _, c := range n.children {
		if c.kind == textNode {
			b.WriteString(c.text)
			continue
		}
		switch {
		case valueHidden[c.name]:
			continue
		case c.name == "br":
			b.WriteByte('\n')
			continue
		case c.name == "ac:link":
			b.WriteString(linkText(c))
			continue
		case c.name == "a":
			if text := collapseLine(textOf(c)); text != "" {
				b.WriteString(text)
			} else {
				b.WriteString(attr(c, "href"))
			}
			continue
		case c.name == "time":
			b.WriteString(attr(c, "datetime"))
			continue
		case c.name == "ac:structured-macro" && attr(c, "ac:name") == "status":
			b.WriteString(macroParameter(c, "title"))
			continue
		}
		block := blockElements[c.name] || c.name == "ac:structured-macro"
		if block {
			b.WriteByte('\n')
		}
		writeValueText(b, c)
		if block {
			b.WriteByte('\n')
		}
	}
}

// linkText reduces an ac:link: a user mention to the account id, another
// link to its body text, else to what it points at.
func linkText(link *node) string {
	var target *node
	body := ""
	for _, c := range link.children {
		if c.kind != elementNode {
			continue
		}
		switch c.name {
		case "ri:user":
			if id := attr(c, "ri:account-id"); id != "" {
				return id
			}
			return attr(c, "ri:userkey")
		case "ri:page", "ri:attachment", "ri:url", "ri:blog-post", "ri:space":
			target = c
		case "ac:plain-text-link-body", "ac:link-body":
			body = collapseLine(textOf(c))
		}
	}
	if body != "" || target == nil {
		return body
	}
	for _, a := range []string{"ri:content-title", "ri:filename", "ri:value", "ri:space-key"} {
		if v := attr(target, a); v != "" {
			return v
		}
	}
	return ""
}
