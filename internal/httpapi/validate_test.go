package httpapi

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/api"
)

func TestCheckNamesFields(t *testing.T) {
	s, err := LoadSchemas(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) < 20 {
		t.Fatalf("only %d bodies in the spec: %v", len(s), s.Routes())
	}
	for _, tc := range []struct {
		route, body, want string
	}{
		{"PUT /api/v1/calendar/:year", `{}`, ""},
		{"PUT /api/v1/calendar/:year", `null`, "body:error.field_null"},
		{"PUT /api/v1/calendar/:year", `[]`, "body:error.field_type_object"},
		{"PUT /api/v1/calendar/:year", `{"confirmed":"yes","days_off":{},"working_saturdays":[{"date":5}]}`,
			"confirmed:error.field_type_boolean days_off:error.field_type_array working_saturdays[0].date:error.field_type_string"},
		{"POST /api/v1/petitions", `{"kind":"phan_anh","topic_id":"1","title":["x"],"content":null,"name":"a","consent":true}`,
			"content:error.field_null title:error.field_type_string topic_id:error.field_type_integer"},
		{"POST /api/v1/petitions", `{"kind":"phan_anh","topic_id":1,"title":"` + strings.Repeat("x", MaxStringField+1) + `","content":"c","name":"a","consent":true}`,
			"title:error.field_too_long"},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.body), &v); err != nil {
			t.Fatal(err)
		}
		schema := s.Schema(tc.route)
		if schema == nil {
			t.Fatalf("no schema for %s in %v", tc.route, s.Routes())
		}
		var got []string
		for _, fe := range check(schema, v) {
			got = append(got, fe.Field+":"+fe.MessageID)
		}
		sort.Strings(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s %.60s:\n got %v\nwant %s", tc.route, tc.body, got, tc.want)
		}
	}
}

func TestCheckEnumTypes(t *testing.T) {
	s, err := LoadSchemas(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]string{
		`{"kind":12345}`:      "kind:error.field_type_string",
		`{"kind":["x"]}`:      "kind:error.field_type_string",
		`{"kind":null}`:       "kind:error.field_null",
		`{"kind":"nonsense"}`: "",
	} {
		var v any
		json.Unmarshal([]byte(body), &v)
		var got []string
		for _, fe := range check(s.Schema("POST /api/v1/petitions"), v) {
			got = append(got, fe.Field+":"+fe.MessageID)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: got %v, want %s", body, got, want)
		}
	}
}
