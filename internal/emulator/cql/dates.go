// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package cql

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// timeSpan is the resolved value of a date clause: [start, end). A literal
// day or minute covers that period; a function yields an instant (start == end).
type timeSpan struct{ start, end time.Time }

func (s timeSpan) compare(op operator, t time.Time) bool {
	instant := s.start.Equal(s.end)
	switch op {
	case opEq:
		return s.contains(t, instant)
	case opNe:
		return !s.contains(t, instant)
	case opLt:
		return t.Before(s.start)
	case opGe:
		return !t.Before(s.start)
	case opLe:
		if instant {
			return !t.After(s.start)
		}
		return t.Before(s.end)
	case opGt:
		if instant {
			return t.After(s.start)
		}
		return !t.Before(s.end)
	}
	return false // unreachable: the parser only admits the operators above
}

func (s timeSpan) contains(t time.Time, instant bool) bool {
	if instant {
		return t.Equal(s.start)
	}
	return !t.Before(s.start) && t.Before(s.end)
}

// dateLayouts are the literal formats Confluence accepts, with the period
// each one denotes.
var dateLayouts = []struct {
	layout string
	period time.Duration
}{
	{"2006-01-02", 24 * time.Hour},
	{"2006/01/02", 24 * time.Hour},
	{"2006-01-02 15:04", time.Minute},
	{"2006/01/02 15:04", time.Minute},
}

// dateFunctions resolve a date function, before its offset is applied.
var dateFunctions = map[string]func(now time.Time) time.Time{
	"now": func(now time.Time) time.Time { return now },
	"startofday": func(now time.Time) time.Time {
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	},
	"startofweek": func(now time.Time) time.Time { // weeks start on Monday (ISO 8601)
		daysSinceMonday := (int(now.Weekday()) + 6) % 7
		return time.Date(now.Year(), now.Month(), now.Day()-daysSinceMonday, 0, 0, 0, 0, time.UTC)
	},
	"startofmonth": func(now time.Time) time.Time {
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	},
	"startofyear": func(now time.Time) time.Time {
		return time.Date(now.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
	},
}

func dateFunctionNames() string {
	return "now, startOfDay, startOfWeek, startOfMonth, startOfYear"
}

func resolveDate(v value, now time.Time) (timeSpan, error) {
	if !v.call {
		for _, l := range dateLayouts {
			if t, err := time.ParseInLocation(l.layout, v.text, time.UTC); err == nil {
				return timeSpan{start: t, end: t.Add(l.period)}, nil
			}
		}
		return timeSpan{}, fmt.Errorf(`invalid date %s; use "yyyy-mm-dd", "yyyy/mm/dd", "yyyy-mm-dd hh:mm" or a function such as now("-1d")`, quote(v.text))
	}
	resolve, ok := dateFunctions[strings.ToLower(v.text)]
	if !ok {
		return timeSpan{}, fmt.Errorf("function %s() is not supported; supported functions are %s", v.text, dateFunctionNames())
	}
	if len(v.args) > 1 {
		return timeSpan{}, fmt.Errorf("function %s() takes at most one argument, an offset such as \"-1d\", got %d", v.text, len(v.args))
	}
	t := resolve(now)
	if len(v.args) == 1 {
		var err error
		if t, err = applyOffset(t, v.args[0]); err != nil {
			return timeSpan{}, fmt.Errorf("function %s(): %w", v.text, err)
		}
	}
	return timeSpan{start: t, end: t}, nil
}

var offsetPattern = regexp.MustCompile(`^\s*([+-]?)(\d{1,6})\s*([yMwdhm])\s*$`)

// applyOffset shifts t by an offset such as "-1d", "+4h" or "2w". Units are
// y (years), M (months), w (weeks), d (days), h (hours) and m (minutes).
func applyOffset(t time.Time, offset string) (time.Time, error) {
	m := offsetPattern.FindStringSubmatch(offset)
	if m == nil {
		return time.Time{}, fmt.Errorf("invalid offset %s; use a signed number and a unit y, M, w, d, h or m, such as \"-1d\"", quote(offset))
	}
	n, _ := strconv.Atoi(m[2]) // at most six digits, cannot fail
	if m[1] == "-" {
		n = -n
	}
	switch m[3] {
	case "y":
		return t.AddDate(n, 0, 0), nil
	case "M":
		return t.AddDate(0, n, 0), nil
	case "w":
		return t.AddDate(0, 0, 7*n), nil
	case "d":
		return t.AddDate(0, 0, n), nil
	case "h":
		return t.Add(time.Duration(n) * time.Hour), nil
	default: // "m"
		return t.Add(time.Duration(n) * time.Minute), nil
	}
}
