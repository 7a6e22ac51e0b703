package present

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/plan"
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

// Status is the HTTP status of err: by its fault code, 422 for a list of
// field errors, 500 for anything else.
func Status(err error) int {
	var list fault.List
	if errors.As(err, &list) {
		return http.StatusUnprocessableEntity
	}
	return codeStatus(fault.CodeOf(err))
}

// SetRetryAfter tells a rate-limited caller when to come back, when err
// says (fault.RetryAfter), in whole seconds. It is the one writer of a 429's
// Retry-After, for the JSON API and the pages alike; it reports whether it
// wrote one.
func SetRetryAfter(h http.Header, err error) bool {
	d, ok := fault.RetryAfter(err)
	if ok {
		h.Set("Retry-After", strconv.Itoa(int(d.Seconds())))
	}
	return ok
}

func codeStatus(c fault.Code) int {
	if st, ok := statusOf[c]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// ErrorBody is what a person is told about an error: a status, a code
// clients may switch on, a message in their language and one per bad
// field. The JSON API sends it as is (schema Error in the spec); the pages
// show its message.
type ErrorBody struct {
	Status    int              `json:"-"`
	Code      string           `json:"code"`
	Message   string           `json:"message"`
	RequestID string           `json:"request_id,omitempty"`
	Errors    []FieldErrorBody `json:"errors,omitempty"`
}

// FieldErrorBody is one invalid field.
type FieldErrorBody struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Describe turns a domain error into a status and a body in lang. Errors
// that are not the domain's become a plain 500 whose message leaks nothing.
func Describe(err error, lang string, cat *i18n.Catalog) ErrorBody {
	var ie *org.ImportError
	if errors.As(err, &ie) {
		// A refused directory file: each problem named by its line and
		// field, its message led by the line in the reader's language.
		b := ErrorBody{Status: http.StatusUnprocessableEntity, Code: string(fault.Invalid), Message: cat.T(lang, "unit.csv_invalid", nil)}
		for _, p := range UnitProblems(cat, lang, err) {
			msg := p.Message
			if p.Line > 0 {
				msg = cat.T(lang, "units.line", map[string]any{"Line": p.Line}) + " — " + msg
			}
			b.Errors = append(b.Errors, FieldErrorBody{Field: p.LineField(), Code: p.Code, Message: msg})
		}
		return b
	}
	var list fault.List
	if errors.As(err, &list) {
		b := ErrorBody{Status: http.StatusUnprocessableEntity, Code: string(fault.Invalid), Message: cat.T(lang, "error.invalid", nil)}
		for _, fe := range list {
			b.Errors = append(b.Errors, FieldErrorBody{Field: fe.Field, Code: messageCode(fe), Message: Message(cat, lang, fe)})
		}
		return b
	}
	if fe, ok := fault.As(err); ok {
		b := ErrorBody{Status: codeStatus(fe.Code), Code: string(fe.Code), Message: Message(cat, lang, fe)}
		if fe.Field != "" {
			b.Errors = []FieldErrorBody{{Field: fe.Field, Code: messageCode(fe), Message: b.Message}}
		}
		return b
	}
	return ErrorBody{Status: http.StatusInternalServerError, Code: string(fault.Internal), Message: cat.T(lang, "error.internal", nil)}
}

// Message is fe in lang: its own message, or its code's when it has none.
func Message(cat *i18n.Catalog, lang string, fe *fault.Error) string {
	id := fe.MessageID
	if id == "" {
		id = "error." + string(fe.Code)
	}
	return cat.T(lang, id, fe.Args)
}

// PlanUnknownUnits words, in lang, a plan import refused because its unit
// cells name units the directory does not have (plan.UnknownUnitsError):
// what to do, then each name and its tasks. ok is false for any other
// error.
func PlanUnknownUnits(cat *i18n.Catalog, lang string, err error) (text string, ok bool) {
	var ue *plan.UnknownUnitsError
	if !errors.As(err, &ue) {
		return "", false
	}
	heading, units := ue.Messages()
	lines := make([]string, len(units))
	for i, fe := range units {
		lines[i] = Message(cat, lang, fe)
	}
	return cat.T(lang, heading, map[string]any{"Units": strings.Join(lines, "; ")}), true
}

// messageCode is the per-field code clients may switch on: the message id
// when there is one (e.g. "petition.phone_invalid"), else the class.
func messageCode(fe *fault.Error) string {
	if fe.MessageID != "" {
		return fe.MessageID
	}
	return string(fe.Code)
}
