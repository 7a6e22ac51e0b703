package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/fault"
)

// MaxStringField caps a string field of a JSON body whose schema declares
// no maxLength: no field of the API needs more (an answer letter is far
// shorter), and nothing bigger should reach a handler or the database.
const MaxStringField = 100_000

// BodyField names the JSON body itself in a field error (a body that is
// null, an array or a string where an object is expected).
const BodyField = "body"

// Schemas are the JSON request-body schemas of the API, by method and
// echo route ("POST /api/v1/petitions"), read from the spec.
type Schemas map[string]*openapi3.Schema

// LoadSchemas reads the request-body schemas of every operation in spec.
func LoadSchemas(spec []byte) (Schemas, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi spec: %w", err)
	}
	out := Schemas{}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc.Paths.Map() {
		route := "/api/v1" + param.ReplaceAllString(path, ":$1")
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				out[method+" "+route] = mt.Schema.Value
			}
		}
	}
	return out, nil
}

// Routes lists the method and route of every operation with a JSON body,
// for tests.
func (s Schemas) Routes() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	return out
}

// Schema returns the body schema of a method and route.
func (s Schemas) Schema(methodRoute string) *openapi3.Schema { return s[methodRoute] }

// check validates a decoded body against the schema's types, nullability
// and string lengths, and returns one field error per problem, named by its
// JSON path ("days_off[2].date"). It runs before the route's authorization,
// so it judges only the shape of what was sent: missing members, ranges,
// enums and formats are left to the handlers, after their permission
// checks, with messages that say more.
func check(schema *openapi3.Schema, v any) fault.List {
	err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsRequest(), openapi3.DisableReadOnlyValidation())
	var out fault.List
	seen := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if !errors.As(err, &se) {
			return
		}
		field := jsonPath(se.JSONPointer())
		var fe *fault.Error
		switch se.SchemaField {
		case "type", "nullable":
			if se.Value == nil {
				fe = fault.FieldError(field, "error.field_null", map[string]any{"Field": field})
			} else {
				fe = fault.FieldError(field, "error.field_type_"+wantType(se.Schema), map[string]any{"Field": field})
			}
		case "enum":
			// An enum's check comes before its type's: a value of the
			// wrong JSON type is a type error, a right-typed unknown value
			// is left to the handler.
			want := wantType(se.Schema)
			switch {
			case se.Value == nil:
				fe = fault.FieldError(field, "error.field_null", map[string]any{"Field": field})
			case want != "value" && jsonType(se.Value) != want && !(want == "number" && jsonType(se.Value) == "integer"):
				fe = fault.FieldError(field, "error.field_type_"+want, map[string]any{"Field": field})
			default:
				return
			}
		case "maxLength":
			fe = fault.FieldError(field, "error.field_too_long", map[string]any{"Field": field, "Max": *se.Schema.MaxLength})
		default:
			return
		}
		if !seen[field] {
			seen[field] = true
			out = append(out, fe)
		}
	}
	walk(err)
	// Strings without a declared bound are capped too.
	capStrings(schema, v, nil, func(path []string) {
		field := jsonPath(path)
		if !seen[field] {
			seen[field] = true
			out = append(out, fault.FieldError(field, "error.field_too_long", map[string]any{"Field": field, "Max": MaxStringField}))
		}
	})
	return out
}

func capStrings(schema *openapi3.Schema, v any, path []string, bad func([]string)) {
	switch x := v.(type) {
	case string:
		if (schema == nil || schema.MaxLength == nil) && utf8.RuneCountInString(x) > MaxStringField {
			bad(path)
		}
	case map[string]any:
		for k, e := range x {
			var sub *openapi3.Schema
			if schema != nil {
				if p := schema.Properties[k]; p != nil {
					sub = p.Value
				}
			}
			capStrings(sub, e, append(append([]string{}, path...), k), bad)
		}
	case []any:
		var sub *openapi3.Schema
		if schema != nil && schema.Items != nil {
			sub = schema.Items.Value
		}
		for i, e := range x {
			capStrings(sub, e, append(append([]string{}, path...), fmt.Sprint(i)), bad)
		}
	}
}

// jsonPath turns ["days_off", "2", "date"] into "days_off[2].date", and
// the empty path into BodyField.
func jsonPath(p []string) string {
	if len(p) == 0 {
		return BodyField
	}
	var b strings.Builder
	for i, s := range p {
		if s != "" && strings.Trim(s, "0123456789") == "" && i > 0 {
			b.WriteString("[" + s + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// jsonType names the JSON type of a decoded value as the spec does.
func jsonType(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "value"
}

func wantType(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(s.Type.Slice()) == 0 {
		return "value"
	}
	switch t := s.Type.Slice()[0]; t {
	case "string", "integer", "number", "boolean", "object", "array":
		return t
	}
	return "value"
}

// validateBody checks a JSON body read by JSONGuard against its route's
// schema.
func (s Schemas) validateBody(c echo.Context, b []byte) error {
	schema := s[c.Request().Method+" "+c.Path()]
	if schema == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return ErrBadJSON.Wrap(err)
	}
	if list := check(schema, v); len(list) > 0 {
		return list
	}
	return nil
}
