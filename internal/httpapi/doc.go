// Package httpapi owns the JSON API under /api/v1: the code generated from
// api/openapi.yaml (strict echo server) and its implementation over the
// domain services. Errors and case texts are worded by package present,
// which the HTML pages share; httpapi adds only the wording of echo's own
// errors.
package httpapi

//go:generate go tool oapi-codegen -config ../../api/oapi-codegen.yaml ../../api/openapi.yaml
