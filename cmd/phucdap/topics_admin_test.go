package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/present"
)

// deptSlugs are the department's seeded fields of work.
var deptSlugs = []string{"cap-phep-xay-dung", "quy-hoach-xay-dung", "nha-o-bat-dong-san", "trat-tu-xay-dung", "ha-tang-ky-thuat",
	"vat-lieu-xay-dung", "chat-luong-cong-trinh"}

// TestTopicsSeedUpgrade: a database from before the department's fields
// gets them at its next start, each with its lead division, between the
// plan's topics and "other"; a topic the office edited is left alone.
func TestTopicsSeedUpgrade(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		db := ta.db.Gorm
		if err := db.Exec("DELETE FROM topics WHERE slug IN ?", deptSlugs).Error; err != nil {
			t.Fatal(err)
		}
		db.Exec("UPDATE topics SET name_vi = 'Thái độ cán bộ một cửa' WHERE slug = 'thai-do-mot-cua'")
		if err := ta.seed(context.Background()); err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			Slug, Code, NameVI string
		}
		db.Raw("SELECT t.slug, COALESCE(u.code, '') AS code, t.name_vi FROM topics t LEFT JOIN units u ON u.id = t.lead_unit_id " +
			"ORDER BY t.position, t.id").Scan(&rows)
		if len(rows) != 17 || rows[16].Slug != "khac" {
			t.Fatalf("after the upgrade: %+v", rows)
		}
		for i, slug := range deptSlugs {
			if r := rows[9+i]; r.Slug != slug || r.Code == "" {
				t.Errorf("position %d: %+v, want %s with a lead unit", 9+i, r, slug)
			}
		}
		if rows[5].NameVI != "Thái độ cán bộ một cửa" {
			t.Errorf("an edited topic was overwritten: %+v", rows[5])
		}
	})
}

// TestTopicsAdmin: the office lists and edits topics over the API and on
// its page; each edit is audited, shows on the citizen's form and in the
// public list at once, and bad input is refused field by field in
// Vietnamese or English; nobody else may edit.
func TestTopicsAdmin(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		var list httpapi.ListAdminTopics200JSONResponse
		ta.callJSON(t, http.MethodGet, "/api/v1/admin/topics", office, nil, 200, &list)
		if len(list.Topics) != 17 {
			t.Fatalf("%d topics", len(list.Topics))
		}
		var permit httpapi.TopicAdmin
		for _, tp := range list.Topics {
			if tp.Slug == "cap-phep-xay-dung" {
				permit = tp
			}
		}
		if permit.LeadUnitId == nil || permit.PlanTaskId == nil || permit.HintVi == "" || !permit.Active {
			t.Fatalf("seeded permit topic: %+v", permit)
		}
		var inspectorate, group int64
		ta.db.Gorm.Raw("SELECT id FROM units WHERE code = 'TTRA'").Scan(&inspectorate)
		ta.db.Gorm.Raw("SELECT id FROM units WHERE code = 'DIVISIONS'").Scan(&group)
		path := "/api/v1/admin/topics/" + strconv.FormatInt(permit.Id, 10)

		// Bad input: every field named, in the asked language.
		bad := map[string]any{"name_vi": " ", "hint_en": strings.Repeat("x", 501), "lead_unit_id": group, "plan_task_id": 987654, "active": true}
		for lang, want := range map[string]string{"vi": "Cần nhập tên lĩnh vực bằng tiếng Việt", "en": "The topic needs a Vietnamese name"} {
			b := ta.callJSON(t, http.MethodPut, path+"?lang="+lang, office, bad, 422, nil)
			eb := decode[present.ErrorBody](t, b)
			fields := map[string]string{}
			for _, e := range eb.Errors {
				fields[e.Field] = e.Message
			}
			if !strings.HasPrefix(fields["name_vi"], want) || fields["hint_en"] == "" {
				t.Errorf("%s: %s", lang, b)
			}
		}
		// The unit and the task are checked once the text is right.
		bad["name_vi"], bad["hint_en"] = "Cấp phép xây dựng", ""
		eb := decode[present.ErrorBody](t, ta.callJSON(t, http.MethodPut, path+"?lang=en", office, bad, 422, nil))
		if len(eb.Errors) != 2 || eb.Errors[0].Field != "lead_unit_id" || eb.Errors[1].Field != "plan_task_id" ||
			!strings.Contains(eb.Errors[0].Message, "not an active unit") {
			t.Errorf("unit and task: %+v", eb)
		}
		ta.callJSON(t, http.MethodPut, "/api/v1/admin/topics/999999", office, map[string]any{"name_vi": "Không có", "active": true}, 404, nil)

		// Others may not edit, nor list.
		division := ta.staffToken(t, "PQLXD", access.UnitHead)
		ta.callJSON(t, http.MethodPut, path, division, map[string]any{"name_vi": "Giấy phép", "active": true}, 403, nil)
		ta.callJSON(t, http.MethodGet, "/api/v1/admin/topics", division, nil, 403, nil)
		if res, _ := ta.do(t, http.MethodGet, "/api/v1/admin/topics", nil); res.StatusCode != 401 {
			t.Errorf("anonymous list: %d", res.StatusCode)
		}

		// A good edit: stored, audited, public at once.
		good := map[string]any{"name_vi": "Cấp giấy phép xây dựng", "name_en": "Building permits", "hint_vi": "Giấy phép xây dựng nhà ở riêng lẻ.",
			"hint_en": "Permits for individual houses.", "lead_unit_id": inspectorate, "active": true}
		var got httpapi.TopicAdmin
		ta.callJSON(t, http.MethodPut, path, office, good, 200, &got)
		if got.NameVi != "Cấp giấy phép xây dựng" || got.LeadUnitId == nil || *got.LeadUnitId != inspectorate || got.PlanTaskId != nil {
			t.Errorf("saved: %+v", got)
		}
		var audits []struct{ Action, BeforeJSON, AfterJSON string }
		ta.db.Gorm.Raw("SELECT action, before_json, after_json FROM audit_log WHERE entity = 'topic' AND entity_id = ?",
			strconv.FormatInt(permit.Id, 10)).Scan(&audits)
		if len(audits) != 1 || audits[0].Action != "topic.update" || !strings.Contains(audits[0].BeforeJSON, "Cấp phép xây dựng") ||
			!strings.Contains(audits[0].AfterJSON, "Cấp giấy phép xây dựng") {
			t.Errorf("audit: %+v", audits)
		}
		var pub httpapi.ListTopics200JSONResponse
		ta.getJSON(t, "/api/v1/topics?lang=en", 200, &pub)
		found := false
		for _, tp := range pub.Topics {
			if tp.Id == permit.Id {
				found = tp.Hint != nil && *tp.Hint == "Permits for individual houses."
			}
		}
		if !found {
			t.Errorf("public list lacks the English hint: %+v", pub.Topics)
		}
		if _, page := ta.do(t, http.MethodGet, "/gui-phan-anh", nil); !strings.Contains(string(page), "Giấy phép xây dựng nhà ở riêng lẻ.") {
			t.Error("the form lacks the hint")
		}

		// Retired: off the form and the public list.
		good["active"] = false
		ta.callJSON(t, http.MethodPut, path, office, good, 200, nil)
		ta.getJSON(t, "/api/v1/topics", 200, &pub)
		for _, tp := range pub.Topics {
			if tp.Id == permit.Id {
				t.Error("a retired topic is still offered")
			}
		}

		// The office's page: the same edit through a form, errors named.
		ta.addStaff(t, "vanphong@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong@sxd.test")
		res, page := b.get("/staff/admin/topics")
		if res.StatusCode != 200 || !strings.Contains(page, "Chất lượng công trình") || !strings.Contains(page, `href="/staff/admin/topics"`) {
			t.Fatalf("page: %d", res.StatusCode)
		}
		form := url.Values{"name_vi": {""}, "name_en": {"Permits"}, "lead_unit_id": {"abc"}, "plan_task_id": {""}, "active": {"on"}}
		res, page = b.post("/staff/admin/topics/"+strconv.FormatInt(permit.Id, 10), form)
		if res.StatusCode != 422 || !strings.Contains(page, "Tên (tiếng Việt): Cần nhập tên lĩnh vực") ||
			!strings.Contains(page, "Đơn vị chủ trì mặc định: Đơn vị chủ trì không có") || !strings.Contains(page, `value="Permits"`) {
			t.Errorf("refused form: %d %.400s", res.StatusCode, page[strings.Index(page, "<h1"):])
		}
		form = url.Values{"name_vi": {"Cấp phép xây dựng"}, "name_en": {"Building permits"}, "hint_vi": {"Hồ sơ cấp phép."},
			"lead_unit_id": {strconv.FormatInt(inspectorate, 10)}, "active": {"on"}}
		if res, page = b.post("/staff/admin/topics/"+strconv.FormatInt(permit.Id, 10), form); res.StatusCode != 200 || !strings.Contains(page, "Đã lưu lĩnh vực.") {
			t.Errorf("saved form: %d", res.StatusCode)
		}
		if _, page := ta.do(t, http.MethodGet, "/gui-phan-anh", nil); !strings.Contains(string(page), "Hồ sơ cấp phép.") {
			t.Error("the form lacks the hint edited on the page")
		}
		// A division head has no such page.
		ta.addStaff(t, "truongphong@sxd.test", "PQLXD", access.UnitHead)
		b2 := ta.browser(t)
		b2.mustLogin("truongphong@sxd.test")
		if res, _ := b2.get("/staff/admin/topics"); res.StatusCode != 403 {
			t.Errorf("division head: %d", res.StatusCode)
		}
	})
}
