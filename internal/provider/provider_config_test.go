// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
)

// Every invalid provider argument fails the plan naming the argument, and
// nothing is sent to Confluence.
func TestAccProvider_invalidConfigurationNamesTheArgument(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	page := `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "x"
  body      = "<p>x</p>"
}
`
	block := func(args string) string {
		return fmt.Sprintf("provider \"confluence\" {\n%s\n}\n", args) + page
	}
	good := fmt.Sprintf("url = %q\nemail = %q\napi_token = %q\n", site.URL(), botEmail, botToken)
	cases := []struct {
		name, config, want string
	}{
		{"http non-loopback", block(`url = "http://example.atlassian.net"` + "\nemail = \"bot@example.com\"\napi_token = \"x\""), `(?s)Invalid Confluence Site URL.*provider "confluence".*url = .*http with a host that is not loopback`},
		{"url path", block(`url = "https://example.atlassian.net/wiki/spaces/DOCS"` + "\nemail = \"bot@example.com\"\napi_token = \"x\""), `(?s)Invalid Confluence Site URL.*url.*has the path`},
		{"credentials in url", block(`url = "https://me:pw@example.atlassian.net"` + "\nemail = \"bot@example.com\"\napi_token = \"x\""), `(?s)Invalid Confluence Site URL.*contains credentials`},
		{"email", block(fmt.Sprintf("url = %q\nemail = \"bot\"\napi_token = \"x\"", site.URL())), `(?s)Invalid E-mail Address.*email.*"bot" is not an e-mail address`},
		{"duration", block(good + `request_timeout = "soon"`), `(?s)Invalid Duration.*request_timeout.*"soon" is not a duration`},
		{"max retries", block(good + `max_retries = 99`), `(?s)Invalid Attribute Value.*max_retries.*between 0 and 10`},
		{"rate", block(good + `requests_per_second = 0`), `(?s)Invalid Attribute Value.*requests_per_second`},
		{"missing token", block(fmt.Sprintf("url = %q\nemail = %q", site.URL(), botEmail)), `(?s)Missing Confluence Provider Setting.*api_token.*CONFLUENCE_API_TOKEN`},
		{"connection name", block(good + `connection = "CI Bot"`), `(?s)Invalid Connection Name.*connection`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories(), Steps: steps})
	if total := site.emu.Stats().Total; total != 0 {
		t.Fatalf("invalid provider configuration sent %d requests, want none", total)
	}
}

// The secret never shows in a plan: a wrong token fails with an error that
// names the account, not the token.
func TestAccProvider_wrongTokenErrorHidesToken(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	const secret = "not-the-right-token-3f9a1c"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: site.providerBlock(botEmail, secret) + `
resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "x"
  body      = "<p>x</p>"
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)rejected the credentials\s+of\s+bot@example.com`),
		}},
	})
}

// The diagnostics built from a credentials error never carry the token.
func TestAPIErrorDiagnosticHidesToken(t *testing.T) {
	site := newTestSite(t)
	const secret = "not-the-right-token-3f9a1c"
	client := site.asAccount(t, botEmail, secret)
	_, err := client.CurrentUser(context.Background())
	if err == nil {
		t.Fatal("a wrong token authenticated")
	}
	var diags diag.Diagnostics
	addAPIError(&diags, "Unable to Read Current User", "While reading the authenticated account", botEmail, err)
	for _, d := range diags {
		if text := d.Summary() + d.Detail(); strings.Contains(text, secret) || !strings.Contains(text, "rejected the credentials of bot@example.com") {
			t.Fatalf("diagnostic = %q", text)
		}
	}
}

// A provider configuration that depends on another resource is unknown while
// planning; the page waits for the apply instead of failing.
func TestAccProvider_unknownConfigurationWaitsForApply(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "site" {
  input = %q
}

provider "confluence" {
  url       = terraform_data.site.output
  email     = %q
  api_token = %q
}

resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "After the site is known"
  body      = "<p>x</p>"
}
`, site.URL(), botEmail, botToken),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue("confluence_page.p", tfjsonpath.New("policy_decision")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("confluence_page.p", tfjsonpath.New("policy_decision"), knownvalue.StringExact("unmanaged")),
			},
		}},
	})
}

// configureWith runs the provider's Configure with the given arguments (the
// others null) and returns the client configuration it produced.
func configureWith(t *testing.T, args map[string]tftypes.Value) (confluence.Config, *provider.ConfigureResponse) {
	t.Helper()
	ctx := context.Background()
	schema := providerSchema()
	typ, ok := schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object type")
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range args {
		values[name] = v
	}
	var captured confluence.Config
	p := &ConfluenceProvider{version: "1.2.3", newClient: func(cfg confluence.Config) (*confluence.Client, error) {
		captured = cfg
		return confluence.New(cfg)
	}}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: schema, Raw: tftypes.NewValue(typ, values)}}, resp)
	return captured, resp
}

func TestConfigureClientSettings(t *testing.T) {
	base := map[string]tftypes.Value{
		"url":       tftypes.NewValue(tftypes.String, "https://example.atlassian.net"),
		"email":     tftypes.NewValue(tftypes.String, botEmail),
		"api_token": tftypes.NewValue(tftypes.String, botToken),
	}
	with := func(extra map[string]tftypes.Value) map[string]tftypes.Value {
		out := map[string]tftypes.Value{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	cfg, resp := configureWith(t, base)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if cfg.MaxRetries != confluence.DefaultMaxRetries || cfg.RequestTimeout != confluence.DefaultRequestTimeout || cfg.RequestsPerSecond != confluence.DefaultRequestsPerSecond || cfg.Version != "1.2.3" {
		t.Errorf("defaults: %+v", cfg)
	}

	// max_retries = 0 means no retries, not the client's default.
	cfg, _ = configureWith(t, with(map[string]tftypes.Value{
		"max_retries":         tftypes.NewValue(tftypes.Number, 0),
		"request_timeout":     tftypes.NewValue(tftypes.String, "5s"),
		"requests_per_second": tftypes.NewValue(tftypes.Number, 2.5),
	}))
	if cfg.MaxRetries >= 0 || cfg.RequestTimeout != 5*time.Second || cfg.RequestsPerSecond != 2.5 {
		t.Errorf("explicit settings: MaxRetries %d, RequestTimeout %s, RequestsPerSecond %v", cfg.MaxRetries, cfg.RequestTimeout, cfg.RequestsPerSecond)
	}

	// An unknown argument that decides who the provider is or which policy
	// governs it makes resources wait for the apply.
	unknown := func(name string) (confluence.Config, *provider.ConfigureResponse) {
		typ := providerSchema().Attributes[name].GetType().TerraformType(context.Background())
		return configureWith(t, with(map[string]tftypes.Value{name: tftypes.NewValue(typ, tftypes.UnknownValue)}))
	}
	for _, name := range []string{"url", "email", "api_token", "connection", "require_policy", "auth_mode", "cloud_id", "gateway_url", "client_id"} {
		_, resp := unknown(name)
		data, ok := resp.ResourceData.(*providerData)
		if resp.Diagnostics.HasError() || !ok || !data.configUnknown {
			t.Errorf("unknown %s: configUnknown not set (%v)", name, resp.Diagnostics)
		}
	}
	// The others decide nothing at plan: the plan decides the policy with
	// their defaults, and the apply configures again with them known.
	for _, name := range []string{"change_reference", "max_retries", "request_timeout", "requests_per_second", "rate_limit_budget"} {
		cfg, resp := unknown(name)
		data, ok := resp.ResourceData.(*providerData)
		if resp.Diagnostics.HasError() || !ok || data.configUnknown || data.client == nil {
			t.Errorf("unknown %s: the plan waits for the apply (%v)", name, resp.Diagnostics)
			continue
		}
		if cfg.MaxRetries != confluence.DefaultMaxRetries || cfg.RequestTimeout != confluence.DefaultRequestTimeout || cfg.RequestsPerSecond != confluence.DefaultRequestsPerSecond || data.changeReference != "" {
			t.Errorf("unknown %s: client settings %+v, change reference %q; want the defaults", name, cfg, data.changeReference)
		}
	}
	// Confirmations are refused in the configuration, known or not.
	if _, resp := unknown("confirmations"); !strings.Contains(fmt.Sprint(resp.Diagnostics), "Confirmations Belong to the Environment") {
		t.Errorf("unknown confirmations: %v", resp.Diagnostics)
	}
}
