// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"os"
	"strings"
	"testing"
)

// TestRefreshOnlyUnchangedExitsZero is the CI drift-detection job: after an
// apply, `terraform plan -refresh-only -detailed-exitcode` on an unchanged
// page exits 0 (the harness fails on any other exit code), with and without
// managed labels, and exits 2 once a person edited the page. Terraform 1.11 compares the refreshed state with the
// previous one in memory, number precision included: see
// protocol.StableRefresh for why the provider answers refreshes in JSON.
func TestRefreshOnlyUnchangedExitsZero(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI; set TF_ACC=1")
	}
	if _, err := os.Stat(terraformPath()); err != nil {
		t.Skipf("no Terraform CLI at %s: %v", terraformPath(), err)
	}
	e := sharedEnv(t)
	quick := *e
	quick.settings.Latency = 0
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			f := prepare(t, &quick, 1, v)
			t.Cleanup(f.site.Close)
			if _, err := f.ws.Terraform(t.Context(), "apply", "-auto-approve"); err != nil {
				t.Fatal(err)
			}
			refresh, err := f.ws.Terraform(t.Context(), "plan", "-refresh-only", "-detailed-exitcode")
			if err != nil {
				t.Fatalf("the refresh-only plan of an unchanged page did not exit 0: %v", err)
			}
			if refresh.Writes != 0 {
				t.Errorf("the refresh-only plan sent %d writes, want none", refresh.Writes)
			}

			// The control: a person's edit is drift, and the job still says so.
			f.created(t)
			if err := EditPages(t.Context(), f.site, f.ids); err != nil {
				t.Fatal(err)
			}
			_, err = f.ws.Terraform(t.Context(), "plan", "-refresh-only", "-detailed-exitcode")
			if err == nil || !strings.Contains(err.Error(), "exit status 2") {
				t.Errorf("the refresh-only plan after a person's edit: %v; want exit status 2", err)
			}
		})
	}
}

// terraformPath is the CLI the harness runs (SettingsFromEnv's choice).
func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return DefaultTerraformPath
}
