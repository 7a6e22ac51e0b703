package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
)

// statusOf is the one table from a domain error code to an HTTP status.
var statusOf = map[fault.Code]int{
	fault.Invalid:         http.StatusUnprocessableEntity,
	fault.BadRequest:      http.StatusBadRequest,
	fault.NotFound:        http.StatusNotFound,
	fault.Conflict:        http.StatusConflict,
	fault.Forbidden:       http.StatusForbidden,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.TooLarge:        http.StatusRequestEntityTooLarge,
	fault.Unsupported:     http.StatusUnsupportedMediaType,
	fault.RateLimited:     http.StatusTooManyRequests,
	fault.Unavailable:     http.StatusServiceUnavailable,
	fault.Internal:        http.StatusInternalServerError,
}

// codeOfStatus maps statuses that echo itself produces (routing, body
// limit, binding) back to our codes.
var codeOfStatus = map[int]fault.Code{
	http.StatusBadRequest:            fault.BadRequest,
	http.StatusNotFound:              fault.NotFound,
	http.StatusMethodNotAllowed:      fault.BadRequest,
	http.StatusRequestEntityTooLarge: fault.TooLarge,
	http.StatusUnsupportedMediaType:  fault.Unsupported,
	http.StatusTooManyRequests:       fault.RateLimited,
	http.StatusUnauthorized:          fault.Unauthenticated,
	http.StatusForbidden:             fault.Forbidden,
	http.StatusServiceUnavailable:    fault.Unavailable,
}

// ErrorBody is the JSON shape of every error (schema Error in the spec).
type ErrorBody struct {
	Status    int               `json:"-"`
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []FieldErrorBody  `json:"errors,omitempty"`
	Extra     map[string]string `json:"-"`
}

// FieldErrorBody is one invalid field.
type FieldErrorBody struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Describe turns any error into a status and a body in lang. Unknown errors
// become a plain 500 whose message leaks nothing.
func Describe(err error, lang string, cat *i18n.Catalog) ErrorBody {
	var list fault.List
	if errors.As(err, &list) {
		b := ErrorBody{Status: http.StatusUnprocessableEntity, Code: string(fault.Invalid), Message: cat.T(lang, "error.invalid", nil)}
		for _, fe := range list {
			b.Errors = append(b.Errors, FieldErrorBody{Field: fe.Field, Code: messageCode(fe), Message: message(cat, lang, fe)})
		}
		return b
	}
	if fe, ok := fault.As(err); ok {
		st, ok := statusOf[fe.Code]
		if !ok {
			st = http.StatusInternalServerError
		}
		b := ErrorBody{Status: st, Code: string(fe.Code), Message: message(cat, lang, fe)}
		if fe.Field != "" {
			b.Errors = []FieldErrorBody{{Field: fe.Field, Code: messageCode(fe), Message: b.Message}}
		}
		return b
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if name, ok := badParam(he); ok {
			msg := cat.T(lang, "error.bad_param", map[string]any{"Name": name})
			return ErrorBody{Status: http.StatusBadRequest, Code: string(fault.BadRequest), Message: msg,
				Errors: []FieldErrorBody{{Field: name, Code: "error.bad_param", Message: msg}}}
		}
		code, ok := codeOfStatus[he.Code]
		if !ok {
			code = fault.Internal
		}
		id := "error." + string(code)
		switch he.Code {
		case http.StatusNotFound:
			id = "error.route_not_found"
		case http.StatusMethodNotAllowed:
			id = "error.method_not_allowed"
		}
		st := he.Code
		if code == fault.Internal {
			st = http.StatusInternalServerError
		}
		return ErrorBody{Status: st, Code: string(code), Message: cat.T(lang, id, nil)}
	}
	return ErrorBody{Status: http.StatusInternalServerError, Code: string(fault.Internal), Message: cat.T(lang, "error.internal", nil)}
}

func message(cat *i18n.Catalog, lang string, fe *fault.Error) string {
	id := fe.MessageID
	if id == "" {
		id = "error." + string(fe.Code)
	}
	return cat.T(lang, id, fe.Args)
}

// messageCode is the per-field code clients may switch on: the message id
// when there is one (e.g. "petition.phone_invalid"), else the class.
func messageCode(fe *fault.Error) string {
	if fe.MessageID != "" {
		return fe.MessageID
	}
	return string(fe.Code)
}

// badParam recognises the generated server's parameter-binding errors
// ("Invalid format for parameter year: …", "Expected one value for
// X-Tracking-Secret, got 2") and names the parameter, so the client learns
// which one to fix without seeing the parser's English.
func badParam(he *echo.HTTPError) (string, bool) {
	if he.Code != http.StatusBadRequest {
		return "", false
	}
	msg, ok := he.Message.(string)
	if !ok {
		return "", false
	}
	for _, prefix := range []string{"Invalid format for parameter ", "Expected one value for "} {
		if rest, found := strings.CutPrefix(msg, prefix); found {
			name, _, _ := strings.Cut(rest, ":")
			name, _, _ = strings.Cut(name, ",")
			return strings.TrimSpace(name), name != ""
		}
	}
	return "", false
}
