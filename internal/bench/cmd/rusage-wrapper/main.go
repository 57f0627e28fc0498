// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Command rusage-wrapper stands in a dev_overrides directory in place of a
// provider binary: it runs the binary beside it named like itself plus
// ".real" with the same arguments, environment and standard streams (so
// Terraform's plugin handshake goes straight through), and when it exits
// writes the provider process's peak resident memory and CPU time as JSON
// to a new file in BENCH_RUSAGE_DIR. Terraform itself never reports them.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Usage is what the wrapper records for one provider process.
type Usage struct {
	MaxRSSKiB int64         `json:"max_rss_kib"`
	User      time.Duration `json:"user_ns"`
	System    time.Duration `json:"system_ns"`
}

func main() {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	// No context: the provider lives until Terraform stops it, and the
	// signals Terraform sends are forwarded below.
	cmd := exec.CommandContext(context.Background(), self+".real", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	if dir := os.Getenv("BENCH_RUSAGE_DIR"); dir != "" && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u := Usage{
				MaxRSSKiB: ru.Maxrss, // KiB on Linux
				User:      time.Duration(ru.Utime.Nano()),
				System:    time.Duration(ru.Stime.Nano()),
			}
			raw, _ := json.Marshal(u)
			name := filepath.Join(dir, "rusage-"+strconv.Itoa(cmd.ProcessState.Pid())+".json")
			if werr := os.WriteFile(name, raw, 0o600); werr != nil {
				fmt.Fprintln(os.Stderr, "rusage-wrapper:", werr)
			}
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "rusage-wrapper:", err)
	os.Exit(1)
}
