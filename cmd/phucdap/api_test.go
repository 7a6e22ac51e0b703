package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/present"
)

func TestPlanAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		var list struct{ Plans []httpapi.PlanSummary }
		ta.getJSON(t, "/api/v1/plans", 200, &list)
		if len(list.Plans) != 1 {
			t.Fatalf("plans: %+v", list.Plans)
		}
		s := list.Plans[0]
		if s.Number != "55/KH-SXD" || s.IssuedOn != "2025-06-11" || s.IssuingBody != "Sở Xây dựng" || s.DimensionCount != 7 || s.TaskCount != 11 {
			t.Errorf("summary: %+v", s)
		}
		var p httpapi.Plan
		ta.getJSON(t, "/api/v1/plans/"+itoa(s.Id), 200, &p)
		if len(p.Dimensions) != 7 {
			t.Fatalf("dimensions: %d", len(p.Dimensions))
		}
		numerals := ""
		tasks := map[string]httpapi.PlanTask{}
		for _, d := range p.Dimensions {
			numerals += d.Numeral + " "
			for _, tk := range d.Tasks {
				tasks[tk.Key] = tk
			}
		}
		if numerals != "I II III IV V VI VII " {
			t.Errorf("numerals: %q", numerals)
		}
		if len(tasks) != 11 {
			t.Errorf("tasks: %d", len(tasks))
		}
		roles := func(tk httpapi.PlanTask) string {
			var b strings.Builder
			for _, u := range tk.Units {
				b.WriteString(u.Unit + ":" + string(u.Role) + " ")
			}
			return strings.TrimSpace(b.String())
		}
		vii := tasks["VII"]
		if vii.Number != "" || roles(vii) != "DIVISIONS:lead VP:chase VP:monitor VP:compile" {
			t.Errorf("VII: number %q units %q", vii.Number, roles(vii))
		}
		if len(vii.Targets) != 1 || vii.Targets[0].Metric != "on_time_rate" || vii.Targets[0].Value != 100 || vii.Targets[0].Unit != "percent" {
			t.Errorf("VII targets: %+v", vii.Targets)
		}
		if got := roles(tasks["V.1"]); !strings.HasPrefix(got, "TTPVHCC:lead") {
			t.Errorf("V.1 units: %q", got)
		}
		if tasks["IV.2"].Timeframe != "per_recruitment_round" {
			t.Errorf("IV.2 timeframe: %q", tasks["IV.2"].Timeframe)
		}
		if tasks["V.2"].Timeframe != "as_scheduled" {
			t.Errorf("V.2 timeframe: %q", tasks["V.2"].Timeframe)
		}
		for _, tk := range tasks {
			if tk.Id == 0 {
				t.Errorf("task %s has no id", tk.Key)
			}
		}

		var units struct{ Units []httpapi.Unit }
		ta.getJSON(t, "/api/v1/units", 200, &units)
		byCode := map[string]httpapi.Unit{}
		for _, u := range units.Units {
			byCode[u.Code] = u
		}
		if byCode["VP"].Kind != "office" || byCode["TTPVHCC"].Kind != "service_centre" || byCode["DIVISIONS"].Kind != "group" {
			t.Errorf("units: %+v", units.Units)
		}
		if m := byCode["DIVISIONS"].Members; m == nil || len(*m) < 3 {
			t.Errorf("DIVISIONS members: %v", m)
		}
		if !byCode["PQLXD"].Example || byCode["VP"].Example {
			t.Errorf("example flags: PQLXD %v VP %v", byCode["PQLXD"].Example, byCode["VP"].Example)
		}
	})
}

func TestAPIErrorsAreLocalisedJSON(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		cases := []struct {
			name, path string
			header     []string
			status     int
			code, msg  string
		}{
			{"unknown plan, vi", "/api/v1/plans/999", nil, 404, "not_found", "Không tìm thấy kế hoạch."},
			{"unknown plan, en by header", "/api/v1/plans/999", []string{"Accept-Language", "en-US,en;q=0.9"}, 404, "not_found", "Plan not found."},
			{"unknown plan, en by query", "/api/v1/plans/999?lang=en", nil, 404, "not_found", "Plan not found."},
			{"bad id", "/api/v1/plans/abc", nil, 400, "bad_request", "Tham số id không hợp lệ."},
			{"no route", "/api/v1/nope", []string{"Accept-Language", "en"}, 404, "not_found", "There is no such address."},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var body present.ErrorBody
				ta.getJSON(t, c.path, c.status, &body, c.header...)
				if body.Code != c.code || body.Message != c.msg || body.RequestID == "" {
					t.Errorf("got %+v", body)
				}
			})
		}
		res, b := ta.do(t, http.MethodPost, "/api/v1/plans", strings.NewReader("{"))
		if res.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(b), `"code":"bad_request"`) {
			t.Errorf("POST /plans: %d %s", res.StatusCode, b)
		}
	})
}

func TestOperationalEndpoints(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.getJSON(t, "/healthz", 200, nil)
		b := ta.getJSON(t, "/readyz", 200, nil)
		if !strings.Contains(string(b), "ready") {
			t.Errorf("readyz: %s", b)
		}
		ta.getJSON(t, "/api/v1/plans", 200, nil)
		m := string(ta.getJSON(t, "/metrics", 200, nil))
		for _, want := range []string{`phucdap_http_requests_total{method="GET",route="/api/v1/plans",status="200"}`, "phucdap_http_request_duration_seconds_bucket", `go_sql_max_open_connections{db_name="phucdap"}`} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		spec := string(ta.getJSON(t, "/api/v1/openapi.yaml", 200, nil))
		if !strings.HasPrefix(spec, "openapi: 3") {
			t.Errorf("spec: %.40s", spec)
		}
		if !strings.Contains(ta.Logs.String(), `"request_id"`) {
			t.Errorf("access log lacks request ids: %.300s", ta.Logs.String())
		}
	})
}

func TestHomePageShowsPlan(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.do(t, http.MethodGet, "/", nil)
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		page := string(b)
		for _, want := range []string{`<html lang="vi">`, "55/KH-SXD", "QUẢN TRỊ ĐIỆN TỬ", "Tỷ lệ phúc đáp đúng hạn", "Theo kỳ tuyển dụng"} {
			if !strings.Contains(page, want) {
				t.Errorf("home page lacks %q", want)
			}
		}
		res, b = ta.do(t, http.MethodGet, "/?lang=en", nil)
		if !strings.Contains(string(b), `<html lang="en">`) || !strings.Contains(string(b), "Each recruitment round") {
			t.Errorf("English home page: %d", res.StatusCode)
		}
		res, b = ta.do(t, http.MethodGet, "/no-such-page", nil)
		if res.StatusCode != 404 || !strings.Contains(string(b), "Không tìm thấy") || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("404 page: %d %s %.200s", res.StatusCode, res.Header.Get("Content-Type"), b)
		}
	})
}

func itoa(n int64) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{digits[n%10]}, b...)
		n /= 10
	}
	return string(b)
}
