// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// specHost is the host the documents are served at for routing; the validating
// transport routes a copy of each request rewritten to it, so the documents are loaded
// and routers built once per test binary rather than once per test server.
const specHost = "emulator.test"

var (
	specOnce     sync.Once
	specV1Router routers.Router
	specV2Router routers.Router
	specErr      error
)

func specRouters(t *testing.T) (v1, v2 routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		specV1Router, specErr = buildRouter("testdata/openapi/confluence-v1.openapi.json", "http://"+specHost, "")
		if specErr == nil {
			specV2Router, specErr = buildRouter("testdata/openapi/confluence-v2.openapi.json", "http://"+specHost+"/wiki/api/v2", "/wiki/api/v2")
		}
	})
	if specErr != nil {
		t.Fatalf("loading OpenAPI documents: %v", specErr)
	}
	return specV1Router, specV2Router
}

// buildRouter loads an OpenAPI document, serves it at serverURL, keeps only the
// operations the emulator implements and works around the spec defects listed in
// testdata/openapi/README.md, all in memory: the copies stay as Atlassian published them.
func buildRouter(file, serverURL, pathPrefix string) (routers.Router, error) {
	data, err := readFile(file)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", file, err)
	}
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	// Other operations are irrelevant here, and some of them make the document fail
	// the router's own validation (e.g. v1 declares both .../convert/async/{to} and
	// .../convert/async/{id}).
	served := map[string]bool{}
	for _, rt := range buildRoutes() {
		served[strings.TrimPrefix(rt.template, pathPrefix)] = true
	}
	for path := range doc.Paths.Map() {
		if !served[path] {
			doc.Paths.Delete(path)
		}
	}
	patchSpecDefects(doc)
	// The router validates the document first; examples that do not match their own
	// schemas say nothing about the API, so that check is off.
	return legacy.NewRouter(doc, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation())
}

func patchSpecDefects(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				// Scalar sort parameters are written {"type":"string","items":{...}}.
				if s := p.Value.Schema; s != nil && s.Value != nil && s.Value.Type.Is("string") && s.Value.Items != nil {
					s.Value.Items = nil
				}
				// The prefix of GET /spaces/{id}/content/labels defaults to "my, team", which
				// is not one of its enum values; the validator would fill it in for every
				// request without prefix and reject it.
				if s := p.Value.Schema; s != nil && s.Value != nil && s.Value.Default != nil && len(s.Value.Enum) > 0 && !slices.Contains(s.Value.Enum, s.Value.Default) {
					s.Value.Default = nil
				}
			}
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				if mt.Schema == nil || mt.Schema.Value == nil {
					continue
				}
				// The v1 multipart upload bodies list properties without "type": "object",
				// which the validator needs to decode multipart/form-data.
				if mt.Schema.Value.Type == nil && len(mt.Schema.Value.Properties) > 0 {
					mt.Schema.Value.Type = &openapi3.Types{"object"}
				}
				for name, prop := range mt.Schema.Value.Properties {
					v := prop.Value
					if v == nil {
						continue
					}
					// PageUpdateRequest's spaceId, parentId and ownerId carry "format":"string"
					// and no type.
					if v.Format == "string" && v.Type == nil {
						prop.Value = &openapi3.Schema{Type: &openapi3.Types{"string"}, Description: v.Description}
					}
					// Page bodies are oneOf two all-optional object schemas, so every body
					// matches both and oneOf always fails: anyOf is what the API means.
					if name == "body" && len(v.OneOf) > 0 {
						copied := *v
						copied.AnyOf, copied.OneOf = v.OneOf, nil
						prop.Value = &copied
					}
				}
			}
		}
	}
}

// validatingTransport checks every request it sends and every response it receives
// against the OpenAPI documents and reports mismatches as test errors.
type validatingTransport struct {
	report   func(format string, args ...any) // t.Errorf in tests
	base     http.RoundTripper
	v1, v2   routers.Router
	v1Prefix string
	v2Prefix string
}

func newValidatingTransport(t *testing.T) *validatingTransport {
	t.Helper()
	v1, v2 := specRouters(t)
	return &validatingTransport{report: t.Errorf, base: http.DefaultTransport, v1: v1, v2: v2,
		v1Prefix: "/wiki/rest/api/", v2Prefix: "/wiki/api/v2/"}
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var router routers.Router
	switch {
	case strings.HasPrefix(req.URL.Path, vt.v2Prefix) || req.URL.Path+"/" == vt.v2Prefix:
		router = vt.v2
	case strings.HasPrefix(req.URL.Path, vt.v1Prefix):
		router = vt.v1
	default:
		// The emulator's own control endpoints are not part of Confluence's API.
		return vt.base.RoundTrip(req)
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	validationReq := req.Clone(context.Background())
	validationReq.URL.Scheme, validationReq.URL.Host, validationReq.Host = "http", specHost, specHost
	validationReq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, pathParams, err := router.FindRoute(validationReq)
	if err != nil {
		vt.report("request %s %s is not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		return vt.base.RoundTrip(req)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	input := &openapi3filter.RequestValidationInput{Request: validationReq, PathParams: pathParams, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
		vt.report("request %s %s does not match the OpenAPI document: %v", req.Method, req.URL, err)
	}

	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	resp, err := vt.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		// The caller sees the failed read as a transport error, as it would without validation.
		return nil, fmt.Errorf("reading response to %s %s: %w", req.Method, req.URL, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	// Statuses the document does not list for the operation (409, 403, 429, 503 on many
	// routes, 401 where omitted) are Confluence behaviour the spec leaves out: their bodies
	// are checked by the behaviour tests, not here.
	if route.Operation.Responses.Status(resp.StatusCode) == nil {
		return resp, nil
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(respBody)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		vt.report("response %d to %s %s does not match the OpenAPI document: %v\nbody: %s", resp.StatusCode, req.Method, req.URL, err, truncate(respBody, 800))
	}
	return resp, nil
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…(" + strconv.Itoa(len(b)) + " bytes)"
}
