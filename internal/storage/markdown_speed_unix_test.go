// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package storage

import (
	"bytes"
	"syscall"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// cpuTime is the CPU time this process has used. Comparing CPU time rather
// than wall time keeps the test meaningful on a machine shared with other
// builds.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bestCPU returns the least CPU time f took over a few runs.
func bestCPU(t *testing.T, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := cpuTime(t)
		f()
		best = min(best, cpuTime(t)-start)
	}
	return best
}

// TestMarkdownToStorageSpeed keeps rendering 1 MB of Markdown within a few
// times what goldmark itself takes to turn it into HTML (parse, render and
// canonicalise against parse and render) on the dense input, where it now
// takes about 1.9 times. The absolute figures depend on the machine: the
// benchmarks report them for dense, prose and this repository's docs (issue
// 16 asks for 50 ms per MB; the docs take about 43 ms on a 2-core EPYC).
func TestMarkdownToStorageSpeed(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test")
	}
	md := []byte(benchmarkMarkdown(1 << 20))
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList))
	var out bytes.Buffer
	reference := bestCPU(t, func() {
		out.Reset()
		if err := gm.Convert(md, &out); err != nil {
			t.Fatal(err)
		}
	})
	ours := bestCPU(t, func() {
		if _, err := MarkdownToStorage(string(md)); err != nil {
			t.Fatal(err)
		}
	})
	const budget = 3.0
	t.Logf("1 MB: MarkdownToStorage %v CPU, goldmark Markdown to HTML %v CPU (%.1fx)", ours, reference, float64(ours)/float64(reference))
	if float64(ours) > budget*float64(reference) {
		t.Errorf("MarkdownToStorage of 1 MB used %v CPU, more than %.1f times goldmark's %v", ours, budget, reference)
	}
}
