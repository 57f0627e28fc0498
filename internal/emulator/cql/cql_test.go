// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package cql

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// clock is the fixed "now" all tests resolve date functions against.
var clock = time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)

func fixtureDocs() []Doc {
	return []Doc{
		{
			ID: "1", Type: "page", SpaceKey: "DOCS", Title: "Home", Text: "Welcome to the docs",
			Created:      time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			LastModified: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		},
		{
			ID: "2", Type: "page", Status: "current", SpaceKey: "DOCS", Title: "Getting Started",
			Text: "Install the provider AND run terraform", ParentID: "1",
			AncestorIDs: []string{"1"}, Labels: []string{"guide", "Onboarding"},
			Created:      time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC),
			LastModified: clock.Add(-2 * time.Hour),
		},
		{
			ID: "10", Type: "blogpost", SpaceKey: "BLOG", Title: `Release "v1" notes`, Text: "It's (finally) here",
			Labels: []string{"release"},
			// 23:59 in UTC, expressed in another zone: comparisons must use instants.
			Created:      time.Date(2024, 1, 31, 23, 59, 0, 0, time.UTC).In(time.FixedZone("UTC+5", 5*3600)),
			LastModified: clock.AddDate(0, 0, -3),
		},
		{
			ID: "11", Type: "page", Status: "archived", SpaceKey: "DOCS", Title: "Advanced guide", Text: "Deep dive",
			ParentID: "2", AncestorIDs: []string{"1", "2"}, Labels: []string{"guide"},
			Created:      time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
			LastModified: clock.AddDate(0, 0, -1).Add(-time.Minute),
		},
	}
}

func matchingIDs(t *testing.T, q *Query, docs []Doc) []string {
	t.Helper()
	ids := []string{}
	for _, d := range docs {
		if q.Match(d) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"type", "type = page", []string{"1", "2", "11"}},
		{"keywords and fields any case", "TYPE = PAGE and Space = docs", []string{"1", "2", "11"}},
		{"type not equal", "type != page", []string{"10"}},
		{"space key alias", "space.key = BLOG", []string{"10"}},
		{"title exact ignores case", `title = "home"`, []string{"1"}},
		{"title exact is not contains", `title = "Home page"`, []string{}},
		{"title not equal", `title != "home"`, []string{"2", "10", "11"}},
		{"title contains word", `title ~ "guide"`, []string{"11"}},
		{"title contains every word in any order", `title ~ "start get"`, []string{"2"}},
		{"title contains needs every word", `title ~ "start home"`, []string{}},
		{"title contains wildcard", `title ~ "start*"`, []string{"2"}},
		{"title not contains", `title !~ guide`, []string{"1", "2", "10"}},
		{"title in", `title IN ("home", "advanced guide")`, []string{"1", "11"}},
		{"text searches body", `text ~ "terraform"`, []string{"2"}},
		{"text searches labels", `text ~ onboarding`, []string{"2"}},
		{"text searches title", `text ~ "release"`, []string{"10"}},
		{"text not contains", `text !~ "docs"`, []string{"2", "10", "11"}},
		{"escaped double quotes", `title = "release \"v1\" notes"`, []string{"10"}},
		{"single quotes hold double quotes", `title = 'Release "v1" Notes'`, []string{"10"}},
		{"escaped single quote", `text ~ 'it\'s (finally)'`, []string{"10"}},
		{"AND inside quotes is literal", `text ~ "provider AND run"`, []string{"2"}},
		{"OR and parentheses inside quotes are literal", `title = "a OR b (c)" OR id = 1`, []string{"1"}},
		{"OR binds looser than AND", "type = blogpost OR space = DOCS AND label = guide", []string{"2", "10", "11"}},
		{"parentheses override precedence", "(type = blogpost OR space = DOCS) AND label = guide", []string{"2", "11"}},
		{"AND binds tighter than OR on its left", "label = guide AND type = blogpost OR id = 1", []string{"1"}},
		{"NOT binds tighter than AND", "NOT type = page AND space = BLOG", []string{"10"}},
		{"NOT of a group", "NOT (type = page AND space = DOCS)", []string{"10"}},
		{"double NOT", "NOT NOT id = 2", []string{"2"}},
		{"lower-case keywords", "not label = guide or id = 2", []string{"1", "2", "10"}},
		{"id in", "id IN (1, 10)", []string{"1", "10"}},
		{"content aliases id", "content in (2)", []string{"2"}},
		{"id is exact", "id = 01", []string{}},
		{"type not in", "type NOT IN (page)", []string{"10"}},
		{"label any case", "label = onboarding", []string{"2"}},
		{"label in", "label IN (release, GUIDE)", []string{"2", "10", "11"}},
		{"label not equal means no such label", "label != guide", []string{"1", "10"}},
		{"label not in", "label not in (guide, release)", []string{"1"}},
		{"ancestor", "ancestor = 1", []string{"2", "11"}},
		{"ancestor deeper", "ancestor = 2", []string{"11"}},
		{"ancestor not equal", "ancestor != 1", []string{"1", "10"}},
		{"parent", "parent = 1", []string{"2"}},
		{"parent not equal", "parent != 1", []string{"1", "10", "11"}},
		{"status", "status = archived", []string{"11"}},
		{"empty status is current", "status = current", []string{"1", "2", "10"}},
		{"date equal covers the day", `created = "2024-01-31"`, []string{"2", "10"}},
		{"date with slashes", `created = "2024/01/31"`, []string{"2", "10"}},
		{"date with minutes", `created = "2024-01-31 10:00"`, []string{"2"}},
		{"date not equal", `created != "2024-01-31"`, []string{"1", "11"}},
		{"date before the day", `created < "2024-01-31"`, []string{"1"}},
		{"date up to end of the day", `created <= "2024-01-31"`, []string{"1", "2", "10"}},
		{"date after the day", `created > "2024-01-31"`, []string{"11"}},
		{"date from start of the day", `created >= "2024/01/31"`, []string{"2", "10", "11"}},
		{"now minus one day", `lastmodified > now("-1d")`, []string{"2"}},
		{"now minus days single quotes", `lastmodified >= now('-4d')`, []string{"2", "10", "11"}},
		{"now minus weeks", `lastmodified < now("-2w")`, []string{"1"}},
		{"now plus hours", `lastmodified > now("+4h")`, []string{}},
		{"now minus months", `created < now("-4M")`, []string{"1", "2", "10", "11"}},
		{"now minus minutes", `lastmodified >= now("-121m")`, []string{"2"}},
		{"now without offset", `lastmodified <= now()`, []string{"1", "2", "10", "11"}},
		{"start of day", `lastmodified >= startOfDay()`, []string{"2"}},
		{"start of year is an instant", `created > startOfYear()`, []string{"2", "10", "11"}},
		{"start of year inclusive", `created >= startOfYear()`, []string{"1", "2", "10", "11"}},
		{"start of month with offset", `created >= startOfMonth("-4M") AND created < startOfMonth("-3M")`, []string{"11"}},
		{"start of week is Monday", `lastmodified >= startOfWeek()`, []string{"2", "10", "11"}},
		{"order by does not filter", "type = page ORDER BY title", []string{"1", "2", "11"}},
	}
	docs := fixtureDocs()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseAt(tt.query, clock)
			if err != nil {
				t.Fatalf("ParseAt(%q): %v", tt.query, err)
			}
			if got := matchingIDs(t, q, docs); !slices.Equal(got, tt.want) {
				t.Errorf("ParseAt(%q) matched %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestSort(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"type = page", []string{"1", "2", "10", "11"}}, // no ORDER BY: input order
		{"type = page ORDER BY title", []string{"11", "2", "1", "10"}},
		{"type = page ORDER BY title DESC", []string{"10", "1", "2", "11"}},
		{"space = DOCS ORDER BY space DESC, title", []string{"11", "2", "1", "10"}},
		{"space = DOCS ORDER BY space ASC, title DESC", []string{"10", "1", "2", "11"}},
		{"space = DOCS ORDER BY space", []string{"10", "1", "2", "11"}}, // ties keep input order
		{"space = DOCS ORDER BY id DESC", []string{"11", "10", "2", "1"}},
		{"space = DOCS ORDER BY created", []string{"1", "2", "10", "11"}},
		{"space = DOCS order by lastmodified desc", []string{"2", "11", "10", "1"}},
		{"space = DOCS ORDER BY space.key DESC, created DESC", []string{"11", "2", "1", "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := ParseAt(tt.query, clock)
			if err != nil {
				t.Fatalf("ParseAt(%q): %v", tt.query, err)
			}
			docs := fixtureDocs()
			q.Sort(docs)
			got := make([]string, len(docs))
			for i, d := range docs {
				got[i] = d.ID
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sort by %q gave %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"abc", "10", "9", "", "100", "1"}
	slices.SortFunc(ids, compareIDs)
	want := []string{"1", "9", "10", "100", "", "abc"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted ids %v, want %v", ids, want)
	}
}

func TestString(t *testing.T) {
	tests := []struct{ query, want string }{
		{`type=page and (space = docs or label in (a,"b c"))`, `type = page AND (space = docs OR label IN (a, "b c"))`},
		{`not (type = page and space = DOCS)`, `NOT (type = page AND space = DOCS)`},
		{`NOT type = page and space = DOCS`, `NOT type = page AND space = DOCS`},
		{`type = page or space = DOCS and label = x`, `type = page OR space = DOCS AND label = x`},
		{`(type = page or space = DOCS) and label = x`, `(type = page OR space = DOCS) AND label = x`},
		{`((type = page))`, `type = page`},
		{`title = "AND"`, `title = "AND"`},
		{`title = 'it\'s'`, `title = "it's"`},
		{`title = "a \"b\" \\ c"`, `title = "a \"b\" \\ c"`},
		{`title = ""`, `title = ""`},
		{`title !~ "a OR b (c)"`, `title !~ "a OR b (c)"`},
		{`created > now('-1d') order by created desc, title asc`, `created > now("-1d") ORDER BY created DESC, title`},
		{`created >= "2024-01-31 10:00"`, `created >= "2024-01-31 10:00"`},
		{`content = 5 AND Space.Key = DOCS`, `id = 5 AND space = DOCS`},
		{`label not in (x)`, `label NOT IN (x)`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := ParseAt(tt.query, clock)
			if err != nil {
				t.Fatalf("ParseAt(%q): %v", tt.query, err)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("ParseAt(%q).String() = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		wantPos int
		wantMsg string
	}{
		{"empty", "", 0, "query is empty"},
		{"blank", "   ", 0, "query is empty"},
		{"missing value", "title = ", 8, `expected a value after "=", found end of query`},
		{"missing operator", "title", 5, "expected an operator"},
		{"double operator", "type == page", 6, `expected a value after "=", found "="`},
		{"unknown field", "foo = bar", 0, `unknown field "foo"`},
		{"unknown field after AND", "type = page AND creator = me", 16, `unknown field "creator"`},
		{"unclosed parenthesis", "(type = page", 12, `expected ")" to close the "(" at position 0`},
		{"unclosed nested parenthesis", "((type = page)", 14, `expected ")" to close the "(" at position 0`},
		{"extra closing parenthesis", "type = page)", 11, `unexpected ")"`},
		{"empty parentheses", "()", 1, `unexpected ")"; expected a field name`},
		{"unterminated double quote", `title = "abc`, 8, "unterminated string"},
		{"unterminated after escaped quote", `title = 'it\'s`, 8, "unterminated string"},
		{"trailing garbage", "type = page blah", 12, `unexpected "blah"; expected AND, OR, ORDER BY`},
		{"trailing string", `type = page "x"`, 12, `unexpected string "x"`},
		{"dangling AND", "type = page AND", 15, "query ends early"},
		{"dangling NOT", "NOT", 3, "query ends early"},
		{"lone bang", "type = page !", 12, `unexpected "!"`},
		{"ORDER without BY", "type = page ORDER title", 18, "expected BY after ORDER"},
		{"ORDER BY without field", "type = page ORDER BY", 20, "expected a field to order by"},
		{"ORDER BY unknown field", "type = page ORDER BY label", 21, `cannot order by "label"`},
		{"ORDER BY missing comma", "type = page ORDER BY title DESC id", 32, `unexpected "id"; expected ","`},
		{"ORDER BY only", "ORDER BY title", 0, "expected a field name"},
		{"contains on type", "type ~ page", 5, "field type does not support operator ~"},
		{"equals on text", "text = foo", 5, "field text does not support operator ="},
		{"less than on title", "title < foo", 6, "does not support operator <"},
		{"IN on dates", "created IN (x)", 8, "field created does not support operator IN"},
		{"IN without list", "type IN page", 8, `expected "(" after IN`},
		{"empty IN list", "type IN ()", 9, `expected a value after "IN ("`},
		{"IN list without comma", "type IN (page blogpost)", 14, `expected "," or ")" in the IN list`},
		{"unclosed IN list", "type NOT IN (page", 17, `expected "," or ")" in the NOT IN list`},
		{"NOT without IN", "type NOT page", 9, "expected IN after NOT"},
		{"reserved word as value", "title = AND", 8, "found reserved word \"AND\"; quote it"},
		{"bad date", `created > "yesterday"`, 10, `invalid date "yesterday"`},
		{"bad month", `created > "2024-13-01"`, 10, `invalid date "2024-13-01"`},
		{"bad offset", `created > now("-1x")`, 10, `invalid offset "-1x"`},
		{"too many arguments", `created > now("-1d", "x")`, 10, "takes at most one argument"},
		{"unsupported function on date", `created > currentUser()`, 10, "function currentUser() is not supported"},
		{"unsupported function on string field", `title = currentUser()`, 8, "function currentUser() is not supported"},
		{"date function on string field", `title = now()`, 8, "only applies to the date fields"},
		{"function missing argument", `created > startOfDay(`, 21, "expected an argument of startOfDay()"},
		{"function unclosed", `created > now("-1d"`, 19, `expected "," or ")" after the arguments of now()`},
		{"too deep", strings.Repeat("(", maxDepth+1) + "type = page" + strings.Repeat(")", maxDepth+1), maxDepth, "more than 100 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseAt(tt.query, clock)
			if err == nil {
				t.Fatalf("ParseAt(%q) = %q, want an error", tt.query, q)
			}
			var cqlErr *Error
			if !errors.As(err, &cqlErr) {
				t.Fatalf("ParseAt(%q) returned %T, want *Error", tt.query, err)
			}
			if cqlErr.Pos != tt.wantPos {
				t.Errorf("ParseAt(%q) error at position %d, want %d (%v)", tt.query, cqlErr.Pos, tt.wantPos, err)
			}
			if !strings.HasPrefix(err.Error(), "Could not parse cql : "+tt.query+" (") {
				t.Errorf("ParseAt(%q) error %q lacks the Confluence prefix", tt.query, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ParseAt(%q) error %q, want it to contain %q", tt.query, err, tt.wantMsg)
			}
		})
	}
}

// TestParseUsesNow checks that Parse resolves date functions with the Now hook.
func TestParseUsesNow(t *testing.T) {
	defer func(saved func() time.Time) { Now = saved }(Now)
	doc := Doc{LastModified: time.Date(2020, 5, 10, 12, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2020, 5, 11, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2020, 5, 12, 0, 0, 0, 0, time.UTC), false},
	} {
		Now = func() time.Time { return tt.now }
		q, err := Parse(`lastmodified > now("-1d")`)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Match(doc); got != tt.want {
			t.Errorf("with now = %v, Match = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		`type = page AND (space = DOCS OR label IN (a, "b c")) ORDER BY title DESC, created`,
		`NOT title ~ 'it\'s' OR text !~ "x AND y"`,
		`created >= now("-1d") AND lastmodified < "2024/01/31 10:00"`,
		`ancestor = 1 AND parent != 2 AND id NOT IN (3, 4) AND content = 5`,
		`title = "a \"b\" c" ORDER BY id`,
		`created > startOfWeek("-2w") ORDER BY lastmodified ASC`,
		`status = current AND space.key != BLOG`,
		`((type = page)`, `title = `, `title = "`, "", "()", `!`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := ParseAt(query, clock)
		if err != nil {
			var cqlErr *Error
			if !errors.As(err, &cqlErr) {
				t.Fatalf("ParseAt(%q) returned %T, want *Error", query, err)
			}
			if cqlErr.Pos < 0 || cqlErr.Pos > len(query) {
				t.Fatalf("ParseAt(%q) error position %d outside the query", query, cqlErr.Pos)
			}
			return
		}
		normalised := q.String()
		again, err := ParseAt(normalised, clock)
		if err != nil {
			t.Fatalf("ParseAt(%q) succeeded but its String() %q does not parse: %v", query, normalised, err)
		}
		if s := again.String(); s != normalised {
			t.Fatalf("String() is not stable: %q then %q", normalised, s)
		}
		docs := fixtureDocs()
		for _, d := range docs {
			if q.Match(d) != again.Match(d) {
				t.Fatalf("%q and its normalised form %q disagree on doc %s", query, normalised, d.ID)
			}
		}
		sorted, sortedAgain := fixtureDocs(), fixtureDocs()
		q.Sort(sorted)
		again.Sort(sortedAgain)
		for i := range sorted {
			if sorted[i].ID != sortedAgain[i].ID {
				t.Fatalf("%q and %q sort differently", query, normalised)
			}
		}
	})
}
