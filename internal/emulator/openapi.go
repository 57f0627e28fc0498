// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Atlassian's OpenAPI documents, unmodified (see testdata/openapi/README.md). They are
// embedded so that the spec-strict switch and the validating handler work in the
// emulator binary and in other packages' tests alike.
//
//go:embed testdata/openapi/confluence-v1.openapi.json testdata/openapi/confluence-v2.openapi.json
var openAPIDocuments embed.FS

// specHost is the host the documents are served at for routing: requests are routed
// through a copy rewritten to it, so the routers are built once per process.
const specHost = "emulator.test"

// SpecValidator checks requests and responses against Atlassian's OpenAPI documents,
// restricted to the operations the emulator serves. It is safe for concurrent use.
type SpecValidator struct {
	v1, v2 routers.Router
}

var (
	specOnce      sync.Once
	specValidator *SpecValidator
	specErr       error
)

// LoadSpecValidator returns the process-wide validator, loading the documents on first use.
func LoadSpecValidator() (*SpecValidator, error) {
	specOnce.Do(func() {
		v := &SpecValidator{}
		v.v1, specErr = buildSpecRouter("testdata/openapi/confluence-v1.openapi.json", "http://"+specHost, "")
		if specErr == nil {
			v.v2, specErr = buildSpecRouter("testdata/openapi/confluence-v2.openapi.json", "http://"+specHost+"/wiki/api/v2", "/wiki/api/v2")
		}
		specValidator = v
	})
	return specValidator, specErr
}

// buildSpecRouter loads an OpenAPI document, serves it at serverURL, keeps only the
// operations the emulator implements and works around the spec defects listed in
// testdata/openapi/README.md, all in memory: the copies stay as Atlassian published them.
func buildSpecRouter(file, serverURL, pathPrefix string) (routers.Router, error) {
	data, err := openAPIDocuments.ReadFile(file)
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

// Routers returns the routers of the v1 and v2 documents; requests must be rewritten to
// SpecHost before routing (see Route).
func (v *SpecValidator) Routers() (v1, v2 routers.Router) { return v.v1, v.v2 }

// SpecRoute is a request matched to a documented operation.
type SpecRoute struct {
	route  *routers.Route
	params map[string]string
	req    *http.Request // the copy rewritten to specHost
}

// Operation names the matched operation, e.g. "GET /pages (getPages)".
func (r *SpecRoute) Operation() string {
	return fmt.Sprintf("%s %s (%s)", r.route.Method, r.route.Path, r.route.Operation.OperationID)
}

// gatewayPrefix matches the API gateway's site prefix, /ex/confluence/{cloudId}, under
// which scoped tokens and OAuth reach the same /wiki paths
// (https://developer.atlassian.com/cloud/confluence/scopes-for-oauth-2-3LO-and-forge-apps/).
var gatewayPrefix = regexp.MustCompile(`^/ex/confluence/[^/]+`)

// sitePath returns path without the gateway prefix, as the documents write it.
func sitePath(path string) string { return gatewayPrefix.ReplaceAllString(path, "") }

// isAPIPath reports whether path belongs to Confluence's REST API (as opposed to the
// emulator's own control endpoints), and whether it is the v2 API.
func isAPIPath(path string) (api, v2 bool) {
	path = sitePath(path)
	switch {
	case strings.HasPrefix(path, "/wiki/api/v2/"):
		return true, true
	case strings.HasPrefix(path, "/wiki/rest/api/"):
		return true, false
	}
	return false, false
}

// ErrNotDocumented is returned by Route for an API path no document describes.
var ErrNotDocumented = errors.New("the OpenAPI documents describe no such operation")

// Route finds the documented operation of an API request; body is the request body
// (nil for none). It returns (nil, nil) for paths outside the API.
func (v *SpecValidator) Route(r *http.Request, body []byte) (*SpecRoute, error) {
	api, isV2 := isAPIPath(r.URL.Path)
	if !api {
		return nil, nil
	}
	router := v.v1
	if isV2 {
		router = v.v2
	}
	req := r.Clone(context.Background())
	req.URL.Scheme, req.URL.Host, req.Host = "http", specHost, specHost
	req.URL.Path, req.URL.RawPath = sitePath(r.URL.Path), ""
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w (%w)", r.Method, r.URL.Path, ErrNotDocumented, err)
	}
	return &SpecRoute{route: route, params: params, req: req}, nil
}

func (r *SpecRoute) input(excludeBody bool) *openapi3filter.RequestValidationInput {
	return &openapi3filter.RequestValidationInput{
		Request: r.req, PathParams: r.params, Route: r.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, ExcludeRequestBody: excludeBody},
	}
}

// CheckRequest validates the request's parameters and (unless paramsOnly) its body.
// Query parameters the operation does not declare are violations too: the documents
// list every parameter an operation takes.
func (r *SpecRoute) CheckRequest(paramsOnly bool) error {
	var errs []error
	if unknown := r.undeclaredQueryParams(); len(unknown) > 0 {
		errs = append(errs, fmt.Errorf("query parameter(s) %s are not documented for this operation", strings.Join(unknown, ", ")))
	}
	if err := openapi3filter.ValidateRequest(context.Background(), r.input(paramsOnly)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (r *SpecRoute) undeclaredQueryParams() []string {
	declared := map[string]bool{}
	for _, params := range []openapi3.Parameters{r.route.PathItem.Parameters, r.route.Operation.Parameters} {
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var unknown []string
	for name := range r.req.URL.Query() {
		if !declared[name] {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	sort.Strings(unknown)
	return unknown
}

// CheckResponse validates a response. Statuses the document does not list for the
// operation (409, 403, 429, 502, 503 on many routes) are Confluence behaviour the
// documents leave out: they are not checked here.
func (r *SpecRoute) CheckResponse(status int, header http.Header, body []byte) error {
	if r.route.Operation.Responses.Status(status) == nil {
		return nil
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: r.input(true),
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// ValidatingHandler serves next and reports every request and response that does not
// match the OpenAPI documents: the operation and the reason, one call of report per
// violation. Tests wrap the emulator with it so that everything a client sends and
// everything the emulator answers is checked against what Atlassian documents.
func ValidatingHandler(next http.Handler, report func(violation string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := LoadSpecValidator()
		if err != nil {
			report("loading the OpenAPI documents: " + err.Error())
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			_ = r.Body.Close()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		route, err := v.Route(r, body)
		if err != nil {
			report("request " + err.Error())
		} else if route != nil {
			if err := route.CheckRequest(false); err != nil {
				report(fmt.Sprintf("request %s %s to %s does not match the OpenAPI document: %v", r.Method, r.URL.RequestURI(), route.Operation(), err))
			}
		}
		rec := &recordingWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if route == nil || rec.hijacked || (rec.status == 0 && rec.body.Len() == 0 && r.Context().Err() != nil) {
			// Nothing was answered because the client had already gone (a
			// timeout): there is no response to check.
			return
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		if err := route.CheckResponse(status, rec.Header(), rec.body.Bytes()); err != nil {
			report(fmt.Sprintf("response %d to %s %s (%s) does not match the OpenAPI document: %v\nbody: %s", status, r.Method, r.URL.RequestURI(), route.Operation(), err, truncateBytes(rec.body.Bytes(), 800)))
		}
	})
}

// ValidatingTransport is an http.RoundTripper that checks every request it sends and
// every response it receives against the OpenAPI documents, reporting each violation
// (operation and reason) through report. Requests outside the API pass unchecked. Use
// it on a client of the emulator or of a real site to see where either strays from
// what Atlassian documents.
func ValidatingTransport(base http.RoundTripper, report func(violation string)) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &validatingTransport{base: base, report: report}
}

type validatingTransport struct {
	base   http.RoundTripper
	report func(string)
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	v, err := LoadSpecValidator()
	if err != nil {
		vt.report("loading the OpenAPI documents: " + err.Error())
		return vt.base.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil {
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the body of %s %s: %w", req.Method, req.URL.Path, err)
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, err := v.Route(req, body)
	if err != nil {
		vt.report("request " + err.Error())
	} else if route != nil {
		if err := route.CheckRequest(false); err != nil {
			vt.report(fmt.Sprintf("request %s %s to %s does not match the OpenAPI document: %v", req.Method, req.URL.RequestURI(), route.Operation(), err))
		}
	}
	resp, err := vt.base.RoundTrip(req)
	if err != nil || route == nil {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		// The caller sees the failed read as a transport error, as it would without validation.
		return nil, fmt.Errorf("reading the response to %s %s: %w", req.Method, req.URL.Path, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if err := route.CheckResponse(resp.StatusCode, resp.Header, respBody); err != nil {
		vt.report(fmt.Sprintf("response %d to %s %s (%s) does not match the OpenAPI document: %v\nbody: %s", resp.StatusCode, req.Method, req.URL.RequestURI(), route.Operation(), err, truncateBytes(respBody, 800)))
	}
	return resp, nil
}

// recordingWriter passes a response through and keeps a copy for validation. Unwrap lets
// http.ResponseController reach the connection (the drop-after-commit fault hijacks it).
type recordingWriter struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter {
	// Whoever unwraps may hijack; a dropped connection has no response to check.
	w.hijacked = true
	return w.ResponseWriter
}

func truncateBytes(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return fmt.Sprintf("%s…(%d bytes)", b[:n], len(b))
}
