// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package quietlogs turns the plugin SDK's trace logging off when nobody
// asked for logs.
//
// terraform-plugin-go and terraform-plugin-framework log every RPC, schema
// walk and attribute at TRACE unless TF_LOG_SDK* say otherwise
// (tfsdklog.NewRootSDKLogger defaults an unset level to TRACE). The
// provider formats each line as JSON on stderr, and Terraform parses and
// drops it when TF_LOG is unset. Measured through the CLI, that cost a
// quarter of the wall time of a 2,000-page plan. The levels are read from
// the environment once, when providerserver.Serve builds its loggers, so
// setting them to "off" in the provider's own process before Serve is
// enough and changes nothing for a user who asked for logs.
package quietlogs

import (
	"os"
	"strings"
)

// Variables are the log levels set to "off": the SDK root logger
// (terraform-plugin-go), its protocol and framework subsystems, and the
// provider's own logger (TF_LOG_PROVIDER_<NAME>, NAME from the provider
// address), whose lines Terraform drops too when TF_LOG is unset.
var Variables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CONFLUENCE"}

// Switches returns the variables to set to "off" in a process whose
// environment is environ ("KEY=value" pairs): all of Variables when no
// TF_LOG* variable is set to a non-empty value, none otherwise (whoever
// set one wants the logs, and Terraform or the test sink shows them).
func Switches(environ []string) []string {
	for _, kv := range environ {
		key, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, "TF_LOG") && value != "" {
			return nil
		}
		if key == "TF_ACC_LOG_PATH" && value != "" {
			return nil
		}
	}
	return Variables
}

// Apply sets the Switches of this process's environment to "off". Call it
// before providerserver.Serve; it returns the first error of os.Setenv.
func Apply() error {
	for _, key := range Switches(os.Environ()) {
		if err := os.Setenv(key, "off"); err != nil {
			return err
		}
	}
	return nil
}
