// Package httpapi owns the JSON API under /api/v1: the code generated from
// api/openapi.yaml (strict echo server), its implementation over the domain
// services, and the one table that maps domain errors to HTTP.
package httpapi

//go:generate go tool oapi-codegen -config ../../api/oapi-codegen.yaml ../../api/openapi.yaml
