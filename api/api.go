// Package api holds the OpenAPI contract, api/openapi.yaml, embedded so the
// server can publish it at /api/v1/openapi.yaml.
package api

import _ "embed"

// Spec is the OpenAPI document.
//
//go:embed openapi.yaml
var Spec []byte
