// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
	"github.com/docs-as-code/terraform-provider-confluence/internal/protocol"
)

// Demo accounts seeded by emulator.NewDemo.
const (
	adminEmail, adminToken   = "admin@example.com", "admin-token"
	botEmail, botToken       = "bot@example.com", "bot-token"
	editorEmail, editorToken = "editor@example.com", "editor-token"
	readerEmail, readerToken = "reader@example.com", "reader-token"
)

// testSite is an in-process Confluence emulator serving one acceptance test.
type testSite struct {
	emu *emulator.Emulator
	srv *httptest.Server
}

// newTestSite starts a seeded demo site (DOCS and OPS spaces, demo accounts)
// on a loopback port for the duration of the test. Every request the provider
// sends and every answer the emulator gives is checked against Atlassian's
// OpenAPI documents; a mismatch fails the test with the operation and the reason.
func newTestSite(t *testing.T) *testSite {
	t.Helper()
	return newTestSiteWith(t, emulator.Options{})
}

// newTestSiteWith is newTestSite with emulator options (switches).
func newTestSiteWith(t *testing.T, opts emulator.Options) *testSite {
	t.Helper()
	// The emulator validates itself, so tests that put an interceptor in front of
	// it are checked too.
	opts.Validate = func(violation string) { t.Errorf("OpenAPI violation: %s", violation) }
	emu := emulator.NewDemo(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testSite{emu: emu, srv: srv}
}

// URL is the site base URL the provider is configured with.
func (s *testSite) URL() string { return s.srv.URL }

// providerBlock renders a provider block authenticating as the given account,
// with extra arguments appended verbatim.
func (s *testSite) providerBlock(email, token string, extra ...string) string {
	return fmt.Sprintf(`
provider "confluence" {
  url       = %q
  email     = %q
  api_token = %q
  max_retries = 1
  %s
}
`, s.URL(), email, token, strings.Join(extra, "\n  "))
}

// protoV6ProviderFactories serves the provider in-process to the Terraform CLI,
// wrapped as main.go serves it.
func protoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	server := protocol.StableRefresh(providerserver.NewProtocol6(New("test")()))
	return map[string]func() (tfprotov6.ProviderServer, error){
		"confluence": func() (tfprotov6.ProviderServer, error) { return server(), nil },
	}
}

func TestMain(m *testing.M) {
	// Acceptance tests run the real Terraform CLI; nothing may be downloaded.
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if _, err := os.Stat("/usr/local/bin/terraform"); err == nil {
			_ = os.Setenv("TF_ACC_TERRAFORM_PATH", "/usr/local/bin/terraform")
		}
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	// Keep the provider's environment fallbacks from leaking into tests.
	for _, env := range []string{envURL, envEmail, envAPIToken, envConnection, envConfirmations, envChangeReference, envRequirePolicy} {
		_ = os.Unsetenv(env)
	}
	os.Exit(m.Run())
}
