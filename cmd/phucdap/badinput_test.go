package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/api"
	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/present"
)

// tableCounts counts the rows of every table, to show that refused
// requests stored nothing.
func (ta *testApp) tableCounts(t *testing.T) map[string]int64 {
	t.Helper()
	tables, err := ta.db.Gorm.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tb := range tables {
		if tb == "goose_db_version" || tb == "sessions" {
			continue
		}
		var n int64
		if err := ta.db.Gorm.Raw("SELECT COUNT(*) FROM " + tb).Scan(&n).Error; err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

// badValues are the acceptance table's bad inputs for one member of a
// body: a wrong JSON type, an array, null and an oversized string (only
// for strings). A variant that is valid for the member's type is left out.
func badValues(s *openapi3.Schema) map[string]any {
	typ := ""
	if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 {
		typ = s.Type.Slice()[0]
	}
	out := map[string]any{"null": nil}
	switch typ {
	case "string":
		out["wrong type"] = 12345
		out["array"] = []any{"x"}
		max := httpapi.MaxStringField
		if s.MaxLength != nil {
			max = int(*s.MaxLength)
		}
		out["oversized string"] = strings.Repeat("ư", max+1)
	case "integer", "number":
		out["wrong type"] = "12"
		out["array"] = []any{1}
	case "boolean":
		out["wrong type"] = "true"
		out["array"] = []any{true}
	case "array":
		out["wrong type"] = "x"
	case "object":
		out["wrong type"] = "x"
		out["array"] = []any{map[string]any{}}
	default:
		return nil // a oneOf or an untyped member: no single wrong type
	}
	return out
}

// Every write endpoint of the API × every member of its JSON body × (wrong
// type, array, null, oversized string) answers a 4xx whose errors name the
// member, in Vietnamese by default and in English on request, and nothing
// is stored. The endpoints come from the router; their bodies from the
// spec.
func TestBadInputTable(t *testing.T) {
	schemas, err := httpapi.LoadSchemas(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		_, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		rec := decode[httpapi.PetitionReceipt](t, b)
		token := ta.staffToken(t, "VP", access.Office, access.Admin, access.UnitHead)
		before := ta.tableCounts(t)
		var routes, withBody, requests int
		var skipped []string
		for _, r := range ta.routes() {
			if !strings.HasPrefix(r.Path, "/api/v1/") || (r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch) {
				continue
			}
			routes++
			schema := schemas.Schema(r.Method + " " + r.Path)
			if schema == nil {
				skipped = append(skipped, r.Method+" "+r.Path)
				continue
			}
			withBody++
			path := strings.NewReplacer(":code", rec.Code, ":year", "2027", ":id", "1", ":name", "due-soon", ":rule", "x", ":unit", "VP").Replace(r.Path)
			names := make([]string, 0, len(schema.Properties))
			for name := range schema.Properties {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				for variant, v := range badValues(schema.Properties[name].Value) {
					body, _ := json.Marshal(map[string]any{name: v})
					for _, lang := range []string{"", "en"} {
						requests++
						p := path
						if lang != "" {
							p += "?lang=" + lang
						}
						res, out := ta.do(t, r.Method, p, bytes.NewReader(body), "Content-Type", "application/json", "Authorization", token)
						what := fmt.Sprintf("%s %s %s=%s (%s)", r.Method, r.Path, name, variant, lang)
						if res.StatusCode < 400 || res.StatusCode >= 500 {
							t.Errorf("%s: %d %.200s", what, res.StatusCode, out)
							continue
						}
						var eb present.ErrorBody
						if err := json.Unmarshal(out, &eb); err != nil {
							t.Errorf("%s: %v", what, err)
							continue
						}
						named := false
						for _, fe := range eb.Errors {
							if fe.Field == name && strings.Contains(fe.Message, name) {
								named = true
								english := strings.Contains(fe.Message, "must") || strings.Contains(fe.Message, "missing") || strings.Contains(fe.Message, "too long")
								if english != (lang == "en") {
									t.Errorf("%s: message %q in the wrong language", what, fe.Message)
								}
							}
						}
						if !named {
							t.Errorf("%s: %d does not name the field: %.300s", what, res.StatusCode, out)
						}
					}
				}
			}
			// The body null, an array or a string where an object is due.
			for _, body := range []string{`null`, `[]`, `"x"`} {
				requests++
				res, out := ta.do(t, r.Method, path, strings.NewReader(body), "Content-Type", "application/json", "Authorization", token)
				if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(string(out), `"field":"body"`) {
					t.Errorf("%s %s body %s: %d %.200s", r.Method, r.Path, body, res.StatusCode, out)
				}
			}
		}
		if after := ta.tableCounts(t); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("refused requests stored rows:\nbefore %v\nafter  %v", before, after)
		}
		if withBody < 20 {
			t.Errorf("only %d write endpoints with a JSON body found of %d", withBody, routes)
		}
		t.Logf("%d write routes, %d with a JSON body, %d bad requests; without a JSON body: %v", routes, withBody, requests, skipped)
	})
}

// PUT /calendar/{year} with {}, null or wrong types is refused and the
// stored year does not change (it used to wipe every day off).
func TestCalendarPutRefusesEmptyBodies(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		before := ta.getJSON(t, "/api/v1/calendar/2026", 200, nil)
		for _, body := range []string{`{}`, `null`, `{"confirmed":true}`, `{"confirmed":"true","days_off":[],"working_saturdays":[]}`,
			`{"confirmed":true,"days_off":null,"working_saturdays":[]}`, `{"confirmed":true,"days_off":{},"working_saturdays":[]}`} {
			res, b := ta.do(t, http.MethodPut, "/api/v1/calendar/2026", strings.NewReader(body), "Content-Type", "application/json", "Authorization", office)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("PUT %s: %d %s", body, res.StatusCode, b)
			}
		}
		if after := ta.getJSON(t, "/api/v1/calendar/2026", 200, nil); !bytes.Equal(before, after) {
			t.Errorf("the year changed:\n%s\n%s", before, after)
		}
	})
}

// Answers that carry a case or an identity are not cached; public facts
// may be.
func TestNoStoreOnCaseAnswers(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		_, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		rec := decode[httpapi.PetitionReceipt](t, b)
		office := ta.staffToken(t, "VP", access.Office)
		for _, r := range []struct {
			path string
			h    []string
		}{
			{"/api/v1/petitions/" + rec.Code, []string{"X-Tracking-Secret", rec.Secret}},
			{"/api/v1/petitions/" + rec.Code, []string{"X-Tracking-Contact", "0912345678"}},
			{"/api/v1/petitions/" + rec.Code, []string{"X-Tracking-Secret", "WRONG234"}},
			{"/api/v1/cases/" + rec.Code, []string{"Authorization", office}},
			{"/api/v1/cases", []string{"Authorization", office}},
			{"/api/v1/me", []string{"Authorization", office}},
		} {
			res, _ := ta.do(t, http.MethodGet, r.path, nil, r.h...)
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("GET %s (%s): %d Cache-Control %q", r.path, r.h[0], res.StatusCode, res.Header.Get("Cache-Control"))
			}
		}
		res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t))
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the receipt (with its secret): %d %q %s", res.StatusCode, res.Header.Get("Cache-Control"), b)
		}
		if res, _ := ta.do(t, http.MethodGet, "/api/v1/plans", nil); res.Header.Get("Cache-Control") == "no-store" {
			t.Error("public plans are no-store")
		}
	})
}

// routes lists the routes of the wired router.
func (ta *testApp) routes() []*echo.Route {
	return ta.handler.(*echo.Echo).Routes()
}
