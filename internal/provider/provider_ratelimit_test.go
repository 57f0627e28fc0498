// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestConfigureRateLimitBudget(t *testing.T) {
	base := map[string]tftypes.Value{
		"url":       tftypes.NewValue(tftypes.String, "https://example.atlassian.net"),
		"email":     tftypes.NewValue(tftypes.String, botEmail),
		"api_token": tftypes.NewValue(tftypes.String, botToken),
	}
	for value, want := range map[string]time.Duration{"": 0 /* the client's default */, "90s": 90 * time.Second, "1h": time.Hour, "0s": -1} {
		args := map[string]tftypes.Value{}
		for k, v := range base {
			args[k] = v
		}
		if value != "" {
			args["rate_limit_budget"] = tftypes.NewValue(tftypes.String, value)
		}
		cfg, resp := configureWith(t, args)
		if resp.Diagnostics.HasError() {
			t.Fatalf("rate_limit_budget = %q: %v", value, resp.Diagnostics)
		}
		if cfg.RateLimitBudget != want {
			t.Errorf("rate_limit_budget = %q gives RateLimitBudget %v, want %v", value, cfg.RateLimitBudget, want)
		}
	}
}

// A bad budget fails the plan naming the argument, and nothing is sent.
func TestAccProvider_invalidRateLimitBudget(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	block := func(budget string) string {
		return fmt.Sprintf(`
provider "confluence" {
  url               = %q
  email             = %q
  api_token         = %q
  rate_limit_budget = %q
}

resource "confluence_page" "p" {
  space_key = "DOCS"
  title     = "x"
  body      = "<p>x</p>"
}
`, site.URL(), botEmail, botToken, budget)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: block("forever"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*rate_limit_budget.*"forever" is not a duration`)},
			{Config: block("2h"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*rate_limit_budget.*outside the accepted range`)},
		},
	})
	if total := site.emu.Stats().Total; total != 0 {
		t.Fatalf("an invalid rate_limit_budget sent %d requests, want none", total)
	}
}
