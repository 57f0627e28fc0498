// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package confluence

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestTypedErrors(t *testing.T) {
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		kind        ErrorKind
		is          func(error) bool
		message     string
	}{
		{
			name: "v2 not found", status: 404, contentType: "application/json",
			body: `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}`,
			kind: KindNotFound, is: IsNotFound, message: "Not Found",
		},
		{
			name: "v2 forbidden with detail", status: 403, contentType: "application/json",
			body: `{"errors":[{"status":403,"code":"PERMISSION_DENIED","title":"Permission denied","detail":"edit permission required"}]}`,
			kind: KindForbidden, is: IsForbidden, message: "Permission denied: edit permission required",
		},
		{
			name: "v1 bad request", status: 400, contentType: "application/json",
			body: `{"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[],"successful":false},"message":"com.atlassian.confluence.api.service.exceptions.BadRequestException: Error parsing xhtml: Unexpected close tag </p>","reason":"Bad Request"}`,
			kind: KindBadRequest, is: IsBadRequest, message: "Error parsing xhtml: Unexpected close tag </p>",
		},
		{
			name: "plain-text 401", status: 401, contentType: "text/plain;charset=UTF-8",
			body: "Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/\n",
			kind: KindUnauthorized, is: IsUnauthorized,
			message: "Basic authentication with passwords is deprecated. For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/",
		},
		{
			name: "html 502", status: 502, contentType: "text/html",
			body: "<html><body><h1>Bad Gateway</h1><p>lots of markup</p></body></html>",
			kind: KindServer, is: func(err error) bool { e, ok := AsAPIError(err); return ok && e.Kind == KindServer }, message: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := client.GetPage(t.Context(), "123", GetPageOptions{})
			if !tc.is(err) {
				t.Fatalf("err = %v, want kind %v", err, tc.kind)
			}
			apiErr, ok := AsAPIError(fmt.Errorf("wrapped: %w", err))
			if !ok {
				t.Fatal("AsAPIError failed on a wrapped error")
			}
			if apiErr.Kind != tc.kind || apiErr.StatusCode != tc.status || apiErr.Message != tc.message {
				t.Errorf("error = %+v, want kind %v status %d message %q", apiErr, tc.kind, tc.status, tc.message)
			}
			if apiErr.Method != http.MethodGet || apiErr.Path != "/wiki/api/v2/pages/123" {
				t.Errorf("error names %s %s", apiErr.Method, apiErr.Path)
			}
			if strings.Contains(err.Error(), "markup") || strings.Contains(err.Error(), "successful") {
				t.Errorf("error dumps the body: %q", err)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	err := &APIError{Kind: KindNotFound, StatusCode: 404, Method: "GET", Path: "/wiki/api/v2/pages/123", Message: "Page not found"}
	if got, want := err.Error(), "GET /wiki/api/v2/pages/123: 404 Not Found: Page not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if IsConflict(err) || !IsNotFound(err) || IsNotFound(errors.New("404")) {
		t.Error("Is* helpers misclassify")
	}
}

func TestConflictCarriesCurrentVersion(t *testing.T) {
	tc := newTestClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 409, `{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented on update. Current version is: 5","detail":null}]}`)
	})
	_, err := tc.UpdatePage(t.Context(), UpdatePageRequest{ID: "123", Title: "T", Body: "<p>x</p>", VersionNumber: 3})
	if !IsConflict(err) {
		t.Fatalf("err = %v, want conflict", err)
	}
	apiErr, _ := AsAPIError(err)
	if apiErr.CurrentVersion != 5 {
		t.Errorf("CurrentVersion = %d, want 5", apiErr.CurrentVersion)
	}
	// A 409 is not retried: retrying over a human edit would hide it.
	if got := tc.rec.count(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

// TestTokenNeverLeaks drives errors, retries and successes with a tflog
// capture and checks that neither the token nor the encoded credentials
// appear in any error or log line, while the logs do name method, path and
// status.
func TestTokenNeverLeaks(t *testing.T) {
	credentials := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testToken))
	tc := newTestClient(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case n == 0:
			w.WriteHeader(http.StatusServiceUnavailable)
		case strings.HasSuffix(r.URL.Path, "/user/current"):
			// A misbehaving proxy that echoes the request's credentials.
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprintf(w, "bad credentials %s (%s)", r.Header.Get("Authorization"), testToken)
		case r.Method == http.MethodPost:
			dropConnection(t, w)
		default:
			writeJSON(w, 404, `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found `+testToken+`"}]}`)
		}
	})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &logs)

	var errs []error
	_, err := tc.GetPage(ctx, "1", GetPageOptions{})
	errs = append(errs, err)
	_, err = tc.CurrentUser(ctx)
	errs = append(errs, err)
	_, err = tc.CreatePage(ctx, CreatePageRequest{SpaceID: "1", Title: "T", Body: testToken})
	errs = append(errs, err)

	for _, err := range errs {
		if err == nil {
			t.Fatal("a failing call returned no error")
		}
		for _, secret := range []string{testToken, credentials} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error contains a credential: %q", err)
			}
		}
	}
	out := logs.String()
	for _, secret := range []string{testToken, credentials} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain a credential:\n%s", out)
		}
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatalf("decoding logs: %v", err)
	}
	var responses, retries int
	for _, e := range entries {
		if e["@module"] != "provider.confluence" {
			t.Errorf("log entry outside the confluence subsystem: %v", e)
		}
		switch e["@message"] {
		case "Confluence API response":
			responses++
			if e["method"] == nil || e["path"] == nil || e["status"] == nil || e["duration_ms"] == nil {
				t.Errorf("response log lacks fields: %v", e)
			}
		case "retrying request":
			retries++
		}
	}
	// GetPage: 503 then 404; CurrentUser: 401; CreatePage: no response.
	if responses != 3 || retries != 1 {
		t.Errorf("logged %d responses and %d retries, want 3 and 1:\n%s", responses, retries, out)
	}
}
