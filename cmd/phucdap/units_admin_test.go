package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/present"
)

// openCase registers a case and assigns it to lead (and coordinating), as
// the office does: the lead unit then owes the answer's deadline.
func (ta *testApp) openCase(t *testing.T, office access.Actor, lead string, coordinating ...string) petition.Result {
	t.Helper()
	r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPhone,
		ReceivedAt: ta.Clock.Now(), Title: "Hỏi về cấp phép sửa chữa nhà", Content: "Đề nghị hướng dẫn thủ tục cấp phép sửa chữa nhà ở riêng lẻ tại phường Đông Kinh.",
		Name: "Hoàng Thị Thu", Phone: "0205 3812 345"})
	ta.act(t, office, r.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
	ta.act(t, office, r.CaseID, petition.AcceptInput{})
	ta.act(t, office, r.CaseID, petition.AssignInput{Lead: lead, Coordinating: coordinating})
	return r
}

func (ta *testApp) unitNow(t *testing.T, code string) org.Unit {
	t.Helper()
	u, err := ta.units.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return u
}

// TestUnitsAdminPage: the office keeps its directory on its page. A rename
// clears the seed's example marker (on /units too) and keeps the old name
// as another name; a regroup changes the parent and the groups; a bad edit
// is refused field by field; a unit with open work cannot be retired, is
// merged instead (its open case and deadline move, a closed case keeps it,
// marked as merged), and a retired unit leaves the assign form and the
// proposals. Every change is audited; a division head has no such page.
func TestUnitsAdminPage(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "vanphong.units@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.units@sxd.test")
		res, page := b.get("/staff/admin/units")
		if res.StatusCode != 200 || !strings.Contains(page, "Phòng Quản lý xây dựng") || !strings.Contains(page, `href="/staff/admin/units"`) ||
			!strings.Contains(page, "ví dụ — cần sửa theo danh mục thực tế") {
			t.Fatalf("page: %d", res.StatusCode)
		}

		// Rename and set the e-mail: the example marker goes, the old name
		// stays as another name.
		form := url.Values{"name": {"Phòng Quản lý hoạt động xây dựng"}, "name_en": {"Construction Activities Division"}, "kind": {"division"},
			"groups": {"DIVISIONS"}, "email": {"qlxd@sxd.langson.gov.vn"}, "aliases": {"P.QLXD"}}
		res, page = b.post("/staff/admin/units/PQLXD", form)
		if res.StatusCode != 200 || !strings.Contains(page, "Đã lưu đơn vị PQLXD.") {
			t.Fatalf("rename: %d %s", res.StatusCode, errorsOf(page))
		}
		u := ta.unitNow(t, "PQLXD")
		if u.Name != "Phòng Quản lý hoạt động xây dựng" || u.Example || u.Email != "qlxd@sxd.langson.gov.vn" ||
			strings.Join(u.Aliases, "|") != "P.QLXD|Phòng Quản lý xây dựng" || strings.Join(u.Groups, ",") != "DIVISIONS" {
			t.Errorf("renamed: %+v", u)
		}
		_, pub := ta.do(t, http.MethodGet, "/units", nil)
		row := string(pub)[strings.Index(string(pub), "Phòng Quản lý hoạt động xây dựng"):]
		row = row[:strings.Index(row, "</tr>")]
		if strings.Contains(row, "ví dụ") || !strings.Contains(string(pub), "ví dụ — cần sửa theo danh mục thực tế") {
			t.Errorf("public /units after the rename: %s", row)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'unit.update' AND entity_id = 'PQLXD'"); n != 1 {
			t.Errorf("%d audit rows for the rename", n)
		}

		// Regroup: under the office, out of "all divisions".
		res, _ = b.post("/staff/admin/units/PPTDT", url.Values{"name": {"Phòng Phát triển đô thị"}, "kind": {"division"}, "parent": {"VP"}})
		if u := ta.unitNow(t, "PPTDT"); res.StatusCode != 200 || u.ParentCode != "VP" || len(u.Groups) != 0 {
			t.Errorf("regroup: %d %+v", res.StatusCode, u)
		}
		if g := ta.unitNow(t, "DIVISIONS"); strings.Contains(strings.Join(g.Members, ","), "PPTDT") {
			t.Errorf("still a member: %v", g.Members)
		}

		// Refused field by field, in the asked language, the typed form kept.
		res, page = b.post("/staff/admin/units/PQHKT", url.Values{"name": {" "}, "kind": {"division"}, "email": {"not-an-address"},
			"parent": {"PQHKT"}, "name_en": {"Planning"}})
		if res.StatusCode != 422 || !strings.Contains(page, "Tên (tiếng Việt): Cần nhập tên đơn vị") ||
			!strings.Contains(page, "E-mail nhận cảnh báo: Địa chỉ e-mail không hợp lệ.") ||
			!strings.Contains(page, "Đơn vị cấp trên: Đơn vị không thể là cấp trên của chính nó.") || !strings.Contains(page, `value="Planning"`) {
			t.Errorf("refused: %d %s", res.StatusCode, errorsOf(page))
		}
		res, page = b.post("/staff/admin/units/PQHKT?lang=en", url.Values{"name": {"Phòng Quản lý hoạt động xây dựng"}, "kind": {"division"}})
		if res.StatusCode != 422 || !strings.Contains(page, "Name (Vietnamese): This name already names unit PQLXD.") {
			t.Errorf("a name two units share: %d %s", res.StatusCode, errorsOf(page))
		}

		// Add a unit; give it a case; it cannot be retired, so it is merged.
		res, page = b.post("/staff/admin/units?lang=vi", url.Values{"code": {"pkhtc"}, "name": {"Phòng Kế hoạch - Tài chính"}, "kind": {"division"},
			"groups": {"DIVISIONS"}})
		if res.StatusCode != 200 || !strings.Contains(page, "Đã thêm đơn vị PKHTC.") {
			t.Fatalf("add: %d %s %s", res.StatusCode, errorsOf(page), page[strings.Index(page, "<h1"):][:600])
		}
		office := ta.staffActor(t, "vanphong.units2@sxd.test", "VP", access.Office)
		open := ta.openCase(t, office, "PKHTC")
		closed := ta.openCase(t, office, "PKHTC", "PQHKT")
		ta.db.Gorm.Exec("UPDATE cases SET status = 'closed' WHERE id = ?", closed.CaseID)
		ta.db.Gorm.Exec("UPDATE case_clocks SET state = 'met' WHERE case_id = ?", closed.CaseID)
		staffOfA := ta.addStaff(t, "canbo.khtc@sxd.test", "PKHTC", access.UnitOfficer)
		res, page = b.post("/staff/admin/units/PKHTC/retire", nil)
		if res.StatusCode != 409 || !strings.Contains(page, "Đơn vị PKHTC còn việc đang mở: chủ trì 1 hồ sơ") {
			t.Errorf("retire with open work: %d %s", res.StatusCode, errorsOf(page))
		}
		res, page = b.post("/staff/admin/units/PKHTC/retire?lang=en", nil)
		if !strings.Contains(page, "Unit PKHTC still holds open work: cases it leads: 1;") {
			t.Errorf("retire with open work, English: %d %s", res.StatusCode, errorsOf(page))
		}
		res, page = b.post("/staff/admin/units/PKHTC/merge?lang=vi", url.Values{"into": {"PKHTC"}})
		if res.StatusCode != 422 || !strings.Contains(page, "Sáp nhập vào: Không sáp nhập một đơn vị vào chính nó.") {
			t.Errorf("merge into itself: %d %s", res.StatusCode, errorsOf(page))
		}
		res, page = b.post("/staff/admin/units/PKHTC/merge", url.Values{"into": {"PQLXD"}})
		if res.StatusCode != 200 || !strings.Contains(page, "Đã sáp nhập PKHTC vào PQLXD: 1 hồ sơ đang mở") {
			t.Fatalf("merge: %d %s", res.StatusCode, errorsOf(page))
		}
		a, into := ta.unitNow(t, "PKHTC"), ta.unitNow(t, "PQLXD")
		if a.Active || a.MergedInto != "PQLXD" {
			t.Errorf("merged unit: %+v", a)
		}
		if st := ta.caseState(t, open.CaseID); st.LeadUnitID != into.ID {
			t.Errorf("the open case's lead: %d, want %d", st.LeadUnitID, into.ID)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM case_clocks WHERE unit_id = ? AND state IN ('open', 'suspended')", a.ID); n != 0 {
			t.Errorf("%d deadlines left on the merged unit", n)
		}
		if st := ta.caseState(t, closed.CaseID); st.LeadUnitID != a.ID {
			t.Errorf("the closed case lost its unit: %d", st.LeadUnitID)
		}
		if acc, _ := ta.accounts.Account(context.Background(), access.System("test"), staffOfA.ID); acc.UnitCode != "PQLXD" {
			t.Errorf("the merged unit's staff: %+v", acc.UnitCode)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'unit.merge' AND entity_id = 'PKHTC'"); n != 1 {
			t.Errorf("%d audit rows for the merge", n)
		}
		_, page = b.get("/staff/cases/" + ta.mustCaseID(t, closed.Code))
		if !strings.Contains(page, "Phòng Kế hoạch - Tài chính (đã sáp nhập vào Phòng Quản lý hoạt động xây dựng)") {
			t.Errorf("the closed case does not show the merged unit as merged")
		}

		// Retire a unit with no open work: off the assign form and the
		// proposals, kept on its closed cases.
		res, page = b.post("/staff/admin/units/PQHKT/retire", nil)
		if res.StatusCode != 200 || !strings.Contains(page, "Đơn vị PQHKT đã ngừng hoạt động.") {
			t.Fatalf("retire: %d %s", res.StatusCode, errorsOf(page))
		}
		_, page = b.get("/staff/cases/" + ta.mustCaseID(t, open.Code))
		if strings.Contains(page, `value="PQHKT"`) || !strings.Contains(page, `value="PPTDT"`) {
			t.Errorf("the assign form still offers the retired unit")
		}
		topics, _ := ta.intake.store.ListTopics(context.Background())
		in := petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1}
		for _, tp := range topics {
			if tp.Slug == "quy-hoach-xay-dung" { // led by PQHKT
				in.TopicID = tp.ID
			}
		}
		r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPhone,
			ReceivedAt: ta.Clock.Now(), Title: "Hỏi quy hoạch", Content: "Đề nghị cho biết quy hoạch chi tiết khu đô thị Phú Lộc.", Name: "Lê Văn Bình", Phone: "0912 345 678"})
		ta.act(t, office, r.CaseID, in)
		ta.act(t, office, r.CaseID, petition.AcceptInput{})
		v, err := ta.workflow.View(context.Background(), office, r.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		retired := ta.unitNow(t, "PQHKT").ID
		if v.Proposal.Lead() == retired || containsID(v.Proposal.Coordinating, retired) {
			t.Errorf("a retired unit is proposed: %+v", v.Proposal)
		}
		ta.refuse(t, office, r.CaseID, petition.AssignInput{Lead: "PQHKT"}, "invalid", "workflow.unit_unknown")
		// Restored, it can be assigned again.
		if res, _ = b.post("/staff/admin/units/PQHKT/restore", nil); res.StatusCode != 200 || !ta.unitNow(t, "PQHKT").Active {
			t.Errorf("restore: %d", res.StatusCode)
		}

		// A division head has no such page.
		ta.addStaff(t, "truongphong.units@sxd.test", "PQLXD", access.UnitHead)
		b2 := ta.browser(t)
		b2.mustLogin("truongphong.units@sxd.test")
		if res, _ := b2.get("/staff/admin/units"); res.StatusCode != 403 {
			t.Errorf("division head: %d", res.StatusCode)
		}
	})
}

func containsID(ids []int64, id int64) bool {
	for _, i := range ids {
		if i == id {
			return true
		}
	}
	return false
}

// errorsOf is the error box of a page, for a failure message.
func errorsOf(page string) string {
	i := strings.Index(page, `class="error-box"`)
	if i < 0 {
		return "(no errors shown)"
	}
	j := strings.Index(page[i:], "</div>")
	return page[i : i+j]
}

// TestPlanImportMatchesTheDirectory: a plan import reads unit names
// against the office's directory as it is now. A renamed unit answers to
// its old name (so 55/KH-SXD and files written before the rename still
// match), a merged one's names lead to the unit that took it over, a
// retired unit matches nothing, and an unknown name is listed for the
// office with its tasks (vi/en), never added to the directory.
func TestPlanImportMatchesTheDirectory(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		by := access.System("test")
		if _, err := ta.directory.Add(ctx, by, org.UnitInput{Code: "PKHTC", Name: "Phòng Kế hoạch - Tài chính", Kind: org.KindDivision,
			Groups: []string{"DIVISIONS"}}); err != nil {
			t.Fatal(err)
		}
		// Rename the office and the new division.
		for code, name := range map[string]string{"VP": "Văn phòng Sở Xây dựng tỉnh Lạng Sơn", "PKHTC": "Phòng Kế hoạch, Tài chính và Tổng hợp"} {
			in := ta.unitNow(t, code).Input()
			in.Name = name
			if _, err := ta.directory.Update(ctx, by, in); err != nil {
				t.Fatal(err)
			}
		}
		// The seed appendix still imports unchanged: "Văn phòng Sở" is VP.
		rep, err := ta.plans.Import(ctx, plan.SeedAppendix(), "seed")
		if err != nil || rep.Status != plan.ImportUnchanged {
			t.Fatalf("55/KH-SXD after the rename: %+v %v", rep, err)
		}
		rec, err := ta.plans.GetByNumber(ctx, "55/KH-SXD")
		if err != nil || rec.Plan.Dimensions[0].Tasks[0].Units[0].Unit != "VP" {
			t.Fatalf("55/KH-SXD: %v", err)
		}

		// A later plan naming units by their old names.
		next := func(number string, lead, coord string) []byte {
			p, err := plan.SeedPlan()
			if err != nil {
				t.Fatal(err)
			}
			p.Number, p.Dimensions = number, p.Dimensions[:1]
			p.Dimensions[0].Tasks[0].Units = []plan.UnitRef{{Unit: "x", Name: lead, Role: plan.RoleLead}, {Unit: "y", Name: coord, Role: plan.RoleCoordinate}}
			var b bytes.Buffer
			if err := plan.WriteCSV(&b, p); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		rep, err = ta.plans.Import(ctx, next("01/KH-SXD", "Phòng Kế hoạch – Tài chính", "Thanh tra Sở"), "01.csv")
		if err != nil {
			t.Fatalf("old names: %v", err)
		}
		rec, _ = ta.plans.GetByNumber(ctx, "01/KH-SXD")
		if us := rec.Plan.Dimensions[0].Tasks[0].Units; len(us) != 2 || us[0].Unit != "PKHTC" || us[1].Unit != "TTRA" {
			t.Errorf("old names resolved to %+v", us)
		}

		// Merged: its names lead to the unit that took it over. Retired:
		// refused, named, nothing stored, no unit created.
		if _, err := ta.directory.Merge(ctx, by, "PKHTC", "PQLXD"); err != nil {
			t.Fatal(err)
		}
		if _, err := ta.directory.Retire(ctx, by, "TTRA"); err != nil {
			t.Fatal(err)
		}
		units := ta.count(t, "SELECT COUNT(*) FROM units")
		_, err = ta.plans.Import(ctx, next("02/KH-SXD", "Phòng Kế hoạch - Tài chính", "Thanh tra Sở Xây dựng"), "02.csv")
		var ue *plan.UnknownUnitsError
		if !errors.As(err, &ue) || len(ue.Units) != 1 || ue.Units[0].Retired != "TTRA" || ue.Units[0].Tasks[0] != "I.1" ||
			!strings.Contains(planRefusalVI(t, err), "đơn vị TTRA đã ngừng hoạt động") || !strings.Contains(ue.Error(), "unit TTRA is retired") {
			t.Fatalf("a retired unit: %v", err)
		}
		_, err = ta.plans.Import(ctx, next("03/KH-SXD", "Phòng Kế hoạch - Tài chính", "Phòng Pháp chế"), "03.csv")
		if !errors.As(err, &ue) || len(ue.Units) != 1 || ue.Units[0].Name != "Phòng Pháp chế" || ue.Units[0].Retired != "" {
			t.Fatalf("an unknown unit: %v", err)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM units"); n != units {
			t.Errorf("the import added %d units", n-units)
		}
		if _, err := ta.plans.GetByNumber(ctx, "03/KH-SXD"); err != plan.ErrPlanNotFound {
			t.Errorf("a refused plan was stored: %v", err)
		}
		// The office maps the name to a unit as another name: it imports.
		in := ta.unitNow(t, "TTRA")
		pq := ta.unitNow(t, "PQLN").Input()
		pq.Aliases = append(pq.Aliases, "Phòng Pháp chế")
		if _, err := ta.directory.Update(ctx, by, pq); err != nil {
			t.Fatal(err)
		}
		if _, err = ta.plans.Import(ctx, next("03/KH-SXD", "Phòng Kế hoạch - Tài chính", "Phòng Pháp chế"), "03.csv"); err != nil {
			t.Fatalf("after mapping: %v", err)
		}
		rec, _ = ta.plans.GetByNumber(ctx, "03/KH-SXD")
		if us := rec.Plan.Dimensions[0].Tasks[0].Units; us[0].Unit != "PQLXD" || us[1].Unit != "PQLN" || in.Active {
			t.Errorf("merged and mapped: %+v", us)
		}
	})
}

// TestUnitsAdminAPI: the office keeps the directory over the API: add,
// rename (the old name kept), regroup, e-mail, retire refused with open
// work, merge, restore; bad input named field by field in vi/en; audited;
// nobody else may call it.
func TestUnitsAdminAPI(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		admin := ta.staffToken(t, "", access.Admin)
		var list httpapi.ListAdminUnits200JSONResponse
		ta.callJSON(t, http.MethodGet, "/api/v1/admin/units", admin, nil, 200, &list)
		if len(list.Units) != len(org.DefaultUnits()) || !list.Units[2].Example {
			t.Fatalf("%d units: %+v", len(list.Units), list.Units)
		}
		var u httpapi.UnitAdmin
		ta.callJSON(t, http.MethodPost, "/api/v1/admin/units", office, map[string]any{"code": "PPC", "name": "Phòng Pháp chế", "kind": "division",
			"groups": []string{"DIVISIONS"}, "email": "phapche@sxd.langson.gov.vn", "aliases": []string{"P.PC"}}, 201, &u)
		if u.Code != "PPC" || u.Email != "phapche@sxd.langson.gov.vn" || len(u.Groups) != 1 || u.Example {
			t.Errorf("added: %+v", u)
		}
		// Bad input, every field named, in the asked language.
		bad := map[string]any{"code": "p p", "name": "x", "kind": "division", "email": "a@", "parent": "NONE", "aliases": []string{"P"}}
		for lang, want := range map[string]string{"vi": "Cần nhập tên đơn vị", "en": "The unit needs a Vietnamese name"} {
			eb := decode[present.ErrorBody](t, ta.callJSON(t, http.MethodPost, "/api/v1/admin/units?lang="+lang, office, bad, 422, nil))
			fields := map[string]string{}
			for _, e := range eb.Errors {
				fields[e.Field] = e.Message
			}
			if !strings.HasPrefix(fields["name"], want) || fields["code"] == "" || fields["email"] == "" || fields["aliases"] == "" {
				t.Errorf("%s: %+v", lang, eb)
			}
		}
		eb := decode[present.ErrorBody](t, ta.callJSON(t, http.MethodPost, "/api/v1/admin/units?lang=en", office,
			map[string]any{"code": "PPC", "name": "Phòng Pháp chế", "kind": "division"}, 422, nil))
		if len(eb.Errors) != 1 || eb.Errors[0].Field != "code" || !strings.Contains(eb.Errors[0].Message, "already in the directory") {
			t.Errorf("taken code: %+v", eb)
		}
		// Rename, regroup, e-mail in one edit.
		ta.callJSON(t, http.MethodPut, "/api/v1/admin/units/PPC", office, map[string]any{"name": "Phòng Pháp chế và Thanh tra", "kind": "division",
			"parent": "VP", "email": "ppc@sxd.langson.gov.vn"}, 200, &u)
		if u.Name != "Phòng Pháp chế và Thanh tra" || u.Parent == nil || *u.Parent != "VP" || len(u.Groups) != 0 || u.Email != "ppc@sxd.langson.gov.vn" ||
			strings.Join(u.Aliases, "|") != "Phòng Pháp chế" {
			t.Errorf("edited: %+v", u)
		}
		ta.callJSON(t, http.MethodPut, "/api/v1/admin/units/NONE", office, map[string]any{"name": "Không có", "kind": "division"}, 404, nil)
		// Open work: retire refused, merge moves it.
		actor := ta.staffActor(t, "vanphong.api@sxd.test", "VP", access.Office)
		c := ta.openCase(t, actor, "PPC", "PQLN")
		eb = decode[present.ErrorBody](t, ta.callJSON(t, http.MethodPost, "/api/v1/admin/units/PPC/retire?lang=en", office, nil, 409, nil))
		if eb.Code != "conflict" || !strings.Contains(eb.Message, "Unit PPC still holds open work: cases it leads: 1;") {
			t.Errorf("retire with open work: %+v", eb)
		}
		var m httpapi.UnitMergeReport
		ta.callJSON(t, http.MethodPost, "/api/v1/admin/units/PPC/merge", office, map[string]any{"into": "TTRA"}, 200, &m)
		if len(m.Cases) != 1 || m.Cases[0] != c.Code || m.Deadlines == 0 {
			t.Errorf("merge: %+v", m)
		}
		ta.callJSON(t, http.MethodPost, "/api/v1/admin/units/PPC/restore", office, nil, 409, nil)
		ta.callJSON(t, http.MethodPut, "/api/v1/admin/units/PPC", office, map[string]any{"name": "Phòng Pháp chế", "kind": "division"}, 409, nil)
		// Retire and restore a unit with no open work.
		ta.callJSON(t, http.MethodPost, "/api/v1/admin/units/PKTVL/retire", office, nil, 200, &u)
		if u.Active {
			t.Errorf("retired: %+v", u)
		}
		ta.callJSON(t, http.MethodPost, "/api/v1/admin/units/PKTVL/restore", admin, nil, 200, &u)
		if !u.Active {
			t.Errorf("restored: %+v", u)
		}
		var actions []string
		ta.db.Gorm.Raw("SELECT action FROM audit_log WHERE entity = 'unit' ORDER BY id").Scan(&actions)
		if strings.Join(actions, ",") != "unit.create,unit.update,unit.merge,unit.retire,unit.restore" {
			t.Errorf("audit: %v", actions)
		}
		// Nobody else.
		division := ta.staffToken(t, "PQLXD", access.UnitHead)
		ta.callJSON(t, http.MethodGet, "/api/v1/admin/units", division, nil, 403, nil)
		ta.callJSON(t, http.MethodPost, "/api/v1/admin/units/PQLN/retire", division, nil, 403, nil)
	})
}

// unitsCSV is a directory file: one division renamed (PQLXD), one added
// under the office (PKHTC, in the group), the inspectorate retired.
const unitsCSV = "\ufeffcode,name,name_en,kind,parent,groups,email,aliases,active\n" +
	"PQLXD,Phòng Quản lý hoạt động xây dựng,Construction Activities Division,division,,DIVISIONS,qlxd@sxd.langson.gov.vn,P.QLXD,true\n" +
	"PKHTC,Phòng Kế hoạch - Tài chính,Planning and Finance Division,division,VP,DIVISIONS,,KH-TC,true\n" +
	"TTRA,Thanh tra Sở,Department Inspectorate,division,,DIVISIONS,,,false\n"

// badUnitsCSV has a bad line 3 (no name, a bad e-mail) and line 4 (an
// unknown parent, an unknown kind).
const badUnitsCSV = "code,name,kind,parent,email\n" +
	"PQLN,Phòng Quản lý nhà,division,,\n" +
	"PX,,division,,not-mail\n" +
	"PY,Phòng Y,bureau,NOPE,\n"

// TestUnitsCSVImport: a directory file imports over the API, the page and
// the CLI in one transaction: a good file creates, changes and retires,
// and importing it again changes nothing; a bad file is refused line by
// line in vi/en and writes nothing; the page previews before it writes.
func TestUnitsCSVImport(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		csvPost := func(path string, body string, want int) []byte {
			t.Helper()
			res, b := ta.do(t, http.MethodPost, path, strings.NewReader(body), "Authorization", office, "Content-Type", "text/csv")
			if res.StatusCode != want {
				t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
			}
			return b
		}
		before := ta.dbFingerprint(t)
		// A bad file: each line and field named; nothing written.
		for lang, want := range map[string]string{"vi": "Dòng 3 — Cần nhập tên đơn vị", "en": "Line 3 — The unit needs a Vietnamese name"} {
			eb := decode[present.ErrorBody](t, csvPost("/api/v1/admin/units/import?lang="+lang, badUnitsCSV, 422))
			fields := map[string]string{}
			for _, e := range eb.Errors {
				fields[e.Field] = e.Message
			}
			if !strings.HasPrefix(fields["line 3: name"], want) || fields["line 3: email"] == "" || fields["line 4: kind"] == "" {
				t.Errorf("%s: %+v", lang, eb)
			}
		}
		// Once the text is right, what needs the directory is checked, by
		// line too, and still nothing is written.
		eb := decode[present.ErrorBody](t, csvPost("/api/v1/admin/units/import?lang=en",
			strings.Replace(strings.Replace(badUnitsCSV, "PX,,division,,not-mail", "PX,Phòng X,division,,", 1), "bureau", "division", 1), 422))
		if len(eb.Errors) != 1 || eb.Errors[0].Field != "line 4: parent" || !strings.Contains(eb.Errors[0].Message, "Line 4 — The parent unit NOPE") {
			t.Errorf("parent: %+v", eb)
		}
		if after := ta.dbFingerprint(t); after != before {
			t.Errorf("a refused file wrote:\n%s\n%s", before, after)
		}

		// A dry run says what would change and writes nothing.
		var rep httpapi.ImportUnits200JSONResponse
		decodeInto(t, csvPost("/api/v1/admin/units/import?dry_run=true", unitsCSV, 200), &rep)
		if !rep.DryRun || strings.Join(rep.Created, ",") != "PKHTC" || strings.Join(rep.Changed, ",") != "PQLXD" || strings.Join(rep.Retired, ",") != "TTRA" {
			t.Errorf("dry run: %+v", rep)
		}
		if after := ta.dbFingerprint(t); after != before {
			t.Error("a dry run wrote")
		}
		decodeInto(t, csvPost("/api/v1/admin/units/import", unitsCSV, 200), &rep)
		if rep.DryRun || strings.Join(rep.Created, ",") != "PKHTC" || strings.Join(rep.Changed, ",") != "PQLXD" || strings.Join(rep.Retired, ",") != "TTRA" {
			t.Errorf("import: %+v", rep)
		}
		if u := ta.unitNow(t, "PKHTC"); u.ParentCode != "VP" || strings.Join(u.Groups, ",") != "DIVISIONS" || strings.Join(u.Aliases, ",") != "KH-TC" {
			t.Errorf("imported unit: %+v", u)
		}
		if u := ta.unitNow(t, "PQLXD"); u.Example || u.Email != "qlxd@sxd.langson.gov.vn" || !strings.Contains(strings.Join(u.Aliases, "|"), "Phòng Quản lý xây dựng") {
			t.Errorf("renamed unit: %+v", u)
		}
		if ta.unitNow(t, "TTRA").Active {
			t.Error("TTRA still active")
		}
		// Idempotent: the same file again changes nothing, audits nothing.
		audits := ta.count(t, "SELECT COUNT(*) FROM audit_log")
		fp := ta.dbFingerprint(t)
		decodeInto(t, csvPost("/api/v1/admin/units/import", unitsCSV, 200), &rep)
		if len(rep.Created)+len(rep.Changed)+len(rep.Retired)+len(rep.Restored) != 0 || len(rep.Unchanged) != 3 {
			t.Errorf("again: %+v", rep)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log"); n != audits || ta.dbFingerprint(t) != fp {
			t.Errorf("the same file again wrote (%d audit rows)", n-audits)
		}

		// The page: a preview, then the import of the previewed file.
		ta.addStaff(t, "vanphong.csv@sxd.test", "VP", access.Office)
		b := ta.browser(t)
		b.mustLogin("vanphong.csv@sxd.test")
		next := strings.Replace(unitsCSV, "TTRA,Thanh tra Sở,Department Inspectorate,division,,DIVISIONS,,,false", "PPC,Phòng Pháp chế,,division,,DIVISIONS,,,true", 1)
		res, page := b.upload("/staff/admin/units/import", map[string]string{"mode": "preview"}, "file", "don-vi.csv", next)
		if res.StatusCode != 200 || !strings.Contains(page, "Xem trước: chưa ghi gì") || !strings.Contains(page, "<code>PPC</code>") {
			t.Fatalf("preview: %d %s", res.StatusCode, errorsOf(page))
		}
		if _, err := ta.units.UnitByCode(context.Background(), "PPC"); err == nil {
			t.Error("the preview wrote")
		}
		csvField := page[strings.Index(page, `<textarea name="csv" hidden>`)+len(`<textarea name="csv" hidden>`):]
		csvField = html.UnescapeString(csvField[:strings.Index(csvField, "</textarea>")])
		res, page = b.post("/staff/admin/units/import", url.Values{"mode": {"apply"}, "csv": {csvField}})
		if res.StatusCode != 200 || !strings.Contains(page, "Đã nhập danh mục.") {
			t.Fatalf("apply: %d %s", res.StatusCode, errorsOf(page))
		}
		if u := ta.unitNow(t, "PPC"); !u.Active || strings.Join(u.Groups, ",") != "DIVISIONS" {
			t.Errorf("imported on the page: %+v", u)
		}
		res, page = b.upload("/staff/admin/units/import", map[string]string{"mode": "apply"}, "file", "sai.csv", badUnitsCSV)
		if res.StatusCode != 422 || !strings.Contains(page, "Dòng 3 — Tên (tiếng Việt): Cần nhập tên đơn vị") ||
			!strings.Contains(page, "Dòng 4 — Loại: Loại đơn vị phải là") {
			t.Errorf("bad file on the page: %d %s", res.StatusCode, errorsOf(page))
		}
		res, page = b.get("/staff/admin/units.csv")
		if res.StatusCode != 200 || !strings.Contains(page, "PKHTC,Phòng Kế hoạch - Tài chính,Planning and Finance Division,division,VP,DIVISIONS,,KH-TC,true") {
			t.Errorf("export: %d %s", res.StatusCode, page)
		}
	})
}

func decodeInto(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// TestUnitCLI: the operator keeps the directory from the terminal: add,
// rename, regroup, set the e-mail, merge, retire and import, with the
// refusals named by field and line in both languages; plan import then
// matches the edited directory.
func TestUnitCLI(t *testing.T) {
	eachCLI(t, func(t *testing.T, env []string) {
		run := func(args ...string) string {
			t.Helper()
			out, errOut, err := runCLI(t, env, args...)
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, errOut)
			}
			return out
		}
		out := run("unit", "add", "--code", "PKHTC", "--name", "Phòng Kế hoạch - Tài chính", "--group", "DIVISIONS", "--alias", "KH-TC")
		if !strings.Contains(out, "PKHTC") || !strings.Contains(out, "groups DIVISIONS") {
			t.Errorf("add: %s", out)
		}
		out = run("unit", "rename", "PKHTC", "--name", "Phòng Kế hoạch, Tài chính và Tổng hợp", "--name-en", "Planning Division")
		if !strings.Contains(out, "also KH-TC | Phòng Kế hoạch - Tài chính") {
			t.Errorf("rename: %s", out)
		}
		if out = run("unit", "regroup", "PKHTC", "--parent", "VP", "--no-groups"); !strings.Contains(out, "parent VP") || strings.Contains(out, "groups") {
			t.Errorf("regroup: %s", out)
		}
		if out = run("unit", "set-email", "PKHTC", "khtc@sxd.langson.gov.vn"); !strings.Contains(out, "e-mail khtc@sxd.langson.gov.vn") {
			t.Errorf("set-email: %s", out)
		}
		_, _, err := runCLI(t, env, "unit", "set-email", "PKHTC", "khtc@")
		if err == nil || !strings.Contains(err.Error(), "E-mail for alerts: The e-mail address is not valid.") ||
			!strings.Contains(err.Error(), "E-mail nhận cảnh báo: Địa chỉ e-mail không hợp lệ.") {
			t.Errorf("bad e-mail: %v", err)
		}
		// The appendix names the office by its old name after a rename,
		// and the new division by its old name too.
		run("unit", "rename", "VP", "--name", "Văn phòng Sở Xây dựng tỉnh Lạng Sơn")
		dir := t.TempDir()
		p, _ := plan.SeedPlan()
		p.Number, p.Dimensions = "07/KH-SXD", p.Dimensions[:1]
		p.Dimensions[0].Tasks[0].Units = []plan.UnitRef{{Unit: "x", Name: "Văn phòng Sở", Role: plan.RoleLead},
			{Unit: "y", Name: "Phòng Kế hoạch - Tài chính", Role: plan.RoleCoordinate}, {Unit: "z", Name: "Thanh tra Sở", Role: plan.RoleCoordinate}}
		var b bytes.Buffer
		plan.WriteCSV(&b, p)
		planFile := filepath.Join(dir, "07.csv")
		os.WriteFile(planFile, b.Bytes(), 0o600)
		run("unit", "retire", "TTRA")
		_, _, err = runCLI(t, env, "plan", "import", planFile)
		if err == nil || !strings.Contains(err.Error(), `"Thanh tra Sở" in task I.1 (unit TTRA is retired)`) ||
			!strings.Contains(err.Error(), "đơn vị TTRA đã ngừng hoạt động") {
			t.Errorf("plan import with a retired unit: %v", err)
		}
		run("unit", "restore", "TTRA")
		if out = run("plan", "import", planFile); !strings.Contains(out, "plan 07/KH-SXD: created") {
			t.Errorf("plan import: %s", out)
		}
		out = run("plan", "export", "07/KH-SXD")
		if !strings.Contains(out, "Văn phòng Sở") {
			t.Errorf("export: %s", out)
		}
		// Merge, then a file with a bad line: named by line, nothing written.
		if out = run("unit", "merge", "PKHTC", "--into", "PQLXD"); !strings.Contains(out, "unit PKHTC merged into PQLXD") {
			t.Errorf("merge: %s", out)
		}
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte(badUnitsCSV), 0o600)
		_, _, err = runCLI(t, env, "unit", "import", bad)
		if err == nil || !strings.Contains(err.Error(), "Line 3 — Name (Vietnamese): The unit needs a Vietnamese name") ||
			!strings.Contains(err.Error(), "Dòng 4 — Loại: Loại đơn vị phải là") {
			t.Errorf("bad file: %v", err)
		}
		good := filepath.Join(dir, "good.csv")
		os.WriteFile(good, []byte(strings.ReplaceAll(unitsCSV, "PKHTC", "PKT")), 0o600)
		if out = run("unit", "import", good, "--dry-run"); !strings.Contains(out, "dry run, nothing written") || !strings.Contains(out, "created: 1 (PKT)") {
			t.Errorf("dry run: %s", out)
		}
		if out = run("unit", "import", good); !strings.Contains(out, "created: 1 (PKT)") || !strings.Contains(out, "retired: 1 (TTRA)") {
			t.Errorf("import: %s", out)
		}
		if out = run("unit", "import", good); !strings.Contains(out, "unchanged: 3") || !strings.Contains(out, "created: 0") {
			t.Errorf("import again: %s", out)
		}
		out = run("unit", "list", "--all")
		if !strings.Contains(out, "merged into PQLXD") || !strings.Contains(out, "TTRA") || strings.Contains(run("unit", "list"), "TTRA ") {
			t.Errorf("list: %s", out)
		}
		var ue usageError
		if _, _, err := runCLI(t, env, "unit", "merge", "PKT"); !errors.As(err, &ue) {
			t.Errorf("merge without --into: %v", err)
		}
	})
}

// upload posts a multipart form with one file, as the page's import form
// does, with the session's CSRF token.
func (b *browser) upload(path string, fields map[string]string, field, name, content string) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", b.csrf())
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write([]byte(content))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ta.Server.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

// planRefusalVI is a refused plan import as the office reads it.
func planRefusalVI(t *testing.T, err error) string {
	t.Helper()
	cat, cerr := messageCatalog()
	if cerr != nil {
		t.Fatal(cerr)
	}
	vi, _ := present.PlanUnknownUnits(cat, i18n.VI, err)
	return vi
}
