// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

func TestParseFlagsRealAPISwitches(t *testing.T) {
	cfg, err := parseFlags([]string{
		"-page-lag-reads", "2", "-page-lag", "1s", "-label-lag-reads", "3", "-label-lag", "2s",
		"-transient-conflicts", "4", "-gateway-after-write", "504:2", "-body-limit", "1024",
		"-strict-spec", "-documented-label-prefixes",
	}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.pageLagReads != 2 || cfg.pageLag != time.Second || cfg.labelLagReads != 3 || cfg.labelLag != 2*time.Second ||
		cfg.transientConflicts != 4 || cfg.bodyLimit != 1024 || !cfg.strictSpec || !cfg.documentedLabelPrefixes {
		t.Errorf("config %+v", cfg)
	}
	faults := cfg.gatewayAfterWrite.faults()
	if len(faults) == 0 {
		t.Fatal("-gateway-after-write armed no fault")
	}
	for _, f := range faults {
		if f.Kind != emulator.Fault504AfterCommit || f.Times != 2 || f.Method == http.MethodGet {
			t.Errorf("fault %+v", f)
		}
	}
	if cfg, _ := parseFlags(nil, &bytes.Buffer{}); cfg.bodyLimit != emulator.DefaultBodyLimit || cfg.gatewayAfterWrite.faults() != nil {
		t.Errorf("defaults: body limit %d, gateway faults %v", cfg.bodyLimit, cfg.gatewayAfterWrite.faults())
	}

	for args, wantErr := range map[string]string{
		"-gateway-after-write 500":   `status "500" is not 502 or 504`,
		"-gateway-after-write 502:0": `TIMES "0" is not a positive number`,
		"-page-lag-reads -1":         "-page-lag-reads must not be negative",
		"-body-limit 0":              "-body-limit 0 is not a positive number of bytes",
	} {
		_, err := parseFlags(strings.Fields(args), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("parseFlags(%s) error = %v; want %q", args, err, wantErr)
		}
	}
}

func TestRunAppliesRealAPISwitches(t *testing.T) {
	running := startRun(t, "-seed", "demo", "-strict-spec", "-gateway-after-write", "502", "-body-limit", "4096")
	docs := running.spaceID(t, "DOCS")
	if status := running.createPage(t, docs, "Saved", "<p/>"); status != http.StatusBadGateway {
		t.Errorf("create: status %d, want 502 after the save", status)
	}
	if status := running.createPage(t, docs, "Huge", "<p>"+strings.Repeat("x", 5000)+"</p>"); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized create: status %d, want 413", status)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", running.base+"/wiki/api/v2/pages?title=Saved&status=draft", nil)
	req.SetBasicAuth("bot@example.com", "bot-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status=draft under -strict-spec: %d, want 400", resp.StatusCode)
	}
	if err := running.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if want := "fault armed: POST ^/wiki/api/v2/pages$ -> 502-after-commit, once"; !strings.Contains(running.out.String(), want) {
		t.Errorf("banner lacks %q:\n%s", want, running.out.String())
	}
}
