// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// v2Error is one entry of the error list that the v2 API answers with, e.g.
// {"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented on update. Current version is: 5","detail":null}]}.
type v2Error struct {
	Status int     `json:"status"`
	Code   string  `json:"code"`
	Title  string  `json:"title"`
	Detail *string `json:"detail"`
}

// v2ErrorCodes maps a status to the code Confluence Cloud puts next to it.
var v2ErrorCodes = map[int]string{
	http.StatusBadRequest:            "INVALID_REQUEST_PARAMETER",
	http.StatusForbidden:             "PERMISSION_DENIED",
	http.StatusNotFound:              "NOT_FOUND",
	http.StatusConflict:              "CONFLICT",
	http.StatusRequestEntityTooLarge: "REQUEST_ENTITY_TOO_LARGE",
	http.StatusInternalServerError:   "INTERNAL_SERVER_ERROR",
	http.StatusServiceUnavailable:    "SERVICE_UNAVAILABLE",
}

// apiError is returned by handlers; it knows which of the two API shapes to render.
type apiError struct {
	status int
	title  string
	v1     bool   // render in the v1 shape ({"statusCode":...,"message":...})
	v1Exc  string // Java exception class Confluence prefixes v1 messages with
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.title) }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, title: fmt.Sprintf(format, args...)}
}

func notFound() *apiError { return errorf(http.StatusNotFound, "Not Found") }

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

func forbidden(format string, args ...any) *apiError {
	return errorf(http.StatusForbidden, format, args...)
}

// v1Exceptions are the exception class names Confluence's v1 API puts in front of messages.
var v1Exceptions = map[int]string{
	http.StatusBadRequest: "com.atlassian.confluence.api.service.exceptions.BadRequestException",
	http.StatusForbidden:  "com.atlassian.confluence.api.service.exceptions.PermissionException",
	http.StatusNotFound:   "com.atlassian.confluence.api.service.exceptions.NotFoundException",
	http.StatusConflict:   "com.atlassian.confluence.api.service.exceptions.ConflictException",
}

// v1Errorf builds an error rendered in the v1 shape.
func v1Errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, title: fmt.Sprintf(format, args...), v1: true, v1Exc: v1Exceptions[status]}
}

// v1ErrorBody is the v1 error document, e.g.
// {"statusCode":400,"data":{"authorized":true,"valid":false,"errors":[],"successful":false},
// "message":"com.atlassian.confluence.api.service.exceptions.BadRequestException: Error parsing xhtml: ...","reason":"Bad Request"}.
type v1ErrorBody struct {
	StatusCode int         `json:"statusCode"`
	Data       v1ErrorData `json:"data"`
	Message    string      `json:"message"`
	Reason     string      `json:"reason"`
}

type v1ErrorData struct {
	Authorized bool  `json:"authorized"`
	Valid      bool  `json:"valid"`
	Errors     []any `json:"errors"`
	Successful bool  `json:"successful"`
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.v1 {
		msg := e.title
		if e.v1Exc != "" {
			msg = e.v1Exc + ": " + msg
		}
		writeJSON(w, e.status, v1ErrorBody{
			StatusCode: e.status,
			Data:       v1ErrorData{Authorized: e.status != http.StatusForbidden, Valid: false, Errors: []any{}},
			Message:    msg,
			Reason:     http.StatusText(e.status),
		})
		return
	}
	code := v2ErrorCodes[e.status]
	if code == "" {
		code = "ERROR"
	}
	writeJSON(w, e.status, map[string][]v2Error{"errors": {{Status: e.status, Code: code, Title: e.title}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "emulator: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
