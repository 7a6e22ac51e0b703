package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
)

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

// Describe words any error that reaches the HTTP edge: the domain's
// through present.Describe, and those echo raises itself (routing, body
// limit) and the generated server's parameter-binding errors here, where
// echo is known.
func Describe(err error, lang string, cat *i18n.Catalog) present.ErrorBody {
	var list fault.List
	var he *echo.HTTPError
	if _, domain := fault.As(err); !domain && !errors.As(err, &list) && errors.As(err, &he) {
		if name, ok := badParam(he); ok {
			msg := cat.T(lang, "error.bad_param", map[string]any{"Name": name})
			return present.ErrorBody{Status: http.StatusBadRequest, Code: string(fault.BadRequest), Message: msg,
				Errors: []present.FieldErrorBody{{Field: name, Code: "error.bad_param", Message: msg}}}
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
		return present.ErrorBody{Status: st, Code: string(code), Message: cat.T(lang, id, nil)}
	}
	return present.Describe(err, lang, cat)
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
