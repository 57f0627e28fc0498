// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package quietlogs

import (
	"os"
	"slices"
	"testing"
)

func TestSwitches(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    []string
	}{
		{name: "nothing asked", environ: []string{"PATH=/usr/bin", "HOME=/root"}, want: Variables},
		{name: "empty TF_LOG is not a request", environ: []string{"TF_LOG="}, want: Variables},
		{name: "TF_LOG", environ: []string{"TF_LOG=trace"}},
		{name: "TF_LOG_PROVIDER", environ: []string{"TF_LOG_PROVIDER=debug"}},
		{name: "framework only", environ: []string{"TF_LOG_SDK_FRAMEWORK=trace"}},
		{name: "provider only", environ: []string{"TF_LOG_PROVIDER_CONFLUENCE=info"}},
		{name: "acceptance test log file", environ: []string{"TF_ACC_LOG_PATH=/tmp/tf.log"}},
		{name: "unrelated TF_ variables", environ: []string{"TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=/x"}, want: Variables},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Switches(tt.environ); !slices.Equal(got, tt.want) {
				t.Errorf("Switches(%q) = %q, want %q", tt.environ, got, tt.want)
			}
		})
	}
}

func TestApplySetsOff(t *testing.T) {
	for _, key := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_ACC_LOG_PATH"} {
		t.Setenv(key, "")
	}
	for _, key := range Variables {
		t.Setenv(key, "")
	}
	if err := Apply(); err != nil {
		t.Fatal(err)
	}
	for _, key := range Variables {
		if got := getenv(key); got != "off" {
			t.Errorf("%s = %q after Apply, want off", key, got)
		}
	}
}

func TestApplyKeepsRequestedLogs(t *testing.T) {
	for _, key := range Variables {
		t.Setenv(key, "")
	}
	t.Setenv("TF_LOG", "debug")
	if err := Apply(); err != nil {
		t.Fatal(err)
	}
	for _, key := range Variables {
		if got := getenv(key); got != "" {
			t.Errorf("%s = %q after Apply with TF_LOG=debug, want it left unset", key, got)
		}
	}
}

func getenv(key string) string {
	return os.Getenv(key)
}
