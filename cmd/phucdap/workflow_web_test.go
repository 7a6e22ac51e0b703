package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// The staff pages of the workflow without a browser: the case page shows
// exactly the actions the person may take; a refused form comes back with
// the reason and what was typed; the inbox filters; the office assigns
// several cases at once, each on its own.
func TestWorkflowPages(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		officeAcc := ta.addStaff(t, "office@sxd.test", "VP", access.Office)
		ta.addStaff(t, "officer@sxd.test", "PQLXD", access.UnitOfficer)
		office := officeAcc.Actor("session")
		reg := func(kind petition.Kind, title string) int64 {
			t.Helper()
			r := ta.register(t, office, petition.RegisterInput{Kind: kind, Channel: petition.ChannelEmail,
				ReceivedAt: ta.Clock.Now(), Title: title, Content: "Nội dung đơn gửi qua thư điện tử đến Văn phòng Sở.", Name: "Người Gửi"})
			return r.CaseID
		}
		a := reg(petition.KindFeedback, "Phản ánh thứ nhất")
		b := reg(petition.KindPetition, "Kiến nghị thứ hai")
		c := reg(petition.KindComplaint, "Khiếu nại thứ ba")
		for _, id := range []int64{a, b} {
			ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
			ta.act(t, office, id, petition.AcceptInput{})
		}

		ob := ta.browser(t)
		ob.mustLogin("office@sxd.test")
		_, page := ob.get("/staff/cases/" + itoa(c))
		for _, want := range []string{`id="act-classify"`, `id="act-split"`, `id="act-withdraw"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the office's page of a received case lacks %s", want)
			}
		}
		for _, not := range []string{`id="act-accept"`, `id="act-answer"`, `id="act-approve"`, `id="act-extend"`, `id="act-assign"`} {
			if strings.Contains(page, not) {
				t.Errorf("the office's page of a received case offers %s", not)
			}
		}
		// A refused form: the reason, in Vietnamese, and the note kept.
		res, page := ob.post("/staff/cases/"+itoa(c)+"/classify", url.Values{"eligible": {"0"}, "within_competence": {"1"}, "note": {"Ghi chú cần giữ lại"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Chọn lý do đơn không đủ điều kiện xử lý.") ||
			!strings.Contains(page, "Ghi chú cần giữ lại") || !strings.Contains(page, `id="act-classify" open`) {
			t.Errorf("refused classification: %d", res.StatusCode)
		}
		// A legal one redirects back with a confirmation; it moves the case
		// to another topic, whose plan task then proposes the units.
		var topics []struct {
			ID         int64
			PlanTaskID *int64
		}
		ta.db.Gorm.Raw("SELECT id, plan_task_id FROM topics WHERE slug = 'khieu-nai-to-cao'").Scan(&topics)
		if len(topics) != 1 || topics[0].PlanTaskID == nil {
			t.Fatalf("topic: %+v", topics)
		}
		res, _ = ob.post("/staff/cases/"+itoa(c)+"/classify", url.Values{"eligible": {"1"}, "within_competence": {"1"}, "round": {"2"},
			"topic_id": {itoa(topics[0].ID)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/cases/"+itoa(c)+"?done=classify" {
			t.Fatalf("classify: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if st := ta.caseState(t, c); st.Status != petition.StatusClassified || st.Class.Round != 2 || st.TopicID != topics[0].ID ||
			st.PlanTaskID != *topics[0].PlanTaskID {
			t.Errorf("after the form: %s round %d topic %d task %d", st.Status, st.Class.Round, st.TopicID, st.PlanTaskID)
		}

		// Filters.
		_, page = ob.get("/staff/inbox?kind=kien_nghi")
		if !strings.Contains(page, "Kiến nghị thứ hai") || strings.Contains(page, "Phản ánh thứ nhất") {
			t.Errorf("kind filter")
		}
		_, page = ob.get("/staff/inbox?status=classified")
		if !strings.Contains(page, "Khiếu nại thứ ba") || strings.Contains(page, "Kiến nghị thứ hai") {
			t.Errorf("status filter")
		}

		// Bulk assignment: two accepted cases go; the classified one is
		// refused, named, and the others are not undone.
		res, page = ob.post("/staff/inbox/assign", url.Values{"case": {itoa(a), itoa(b), itoa(c)}, "lead": {"PQLXD"}, "coordinating": {"PQHKT"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(page, "Đã giao 2 hồ sơ.") || !strings.Contains(page, ta.caseState(t, c).Code+": Không thể") {
			t.Errorf("bulk assign: %d\n%s", res.StatusCode, page)
		}
		for _, id := range []int64{a, b} {
			if st := ta.caseState(t, id); st.Status != petition.StatusAssigned {
				t.Errorf("case %d: %s", id, st.Status)
			}
		}

		// Both languages have every text the pages use.
		for _, p := range []string{"/staff/cases/" + itoa(a), "/staff/cases/" + itoa(c), "/staff/inbox", "/staff/cases/new"} {
			for _, lang := range []string{"vi", "en"} {
				_, page := ob.get(p + "?lang=" + lang)
				if m := templateSlip.FindString(stripTags(page)); m != "" {
					t.Errorf("%s in %s shows %q", p, lang, m)
				}
			}
		}

		// The officer's page: the answer form, no office action.
		pb := ta.browser(t)
		pb.mustLogin("officer@sxd.test")
		_, page = pb.get("/staff/cases/" + itoa(a))
		if !strings.Contains(page, `id="act-answer"`) || strings.Contains(page, `id="act-assign"`) || strings.Contains(page, `id="act-classify"`) {
			t.Errorf("the officer's page offers the wrong actions")
		}
		if strings.Contains(page, `id="act-extend"`) {
			t.Errorf("a PAKN, which has no extension, offers one")
		}
		res, _ = pb.get("/staff/cases/" + itoa(c))
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("the officer opens an unassigned case: %d", res.StatusCode)
		}
		_, page = pb.get("/staff/inbox")
		if strings.Contains(page, `id="bulk-assign"`) {
			t.Errorf("the officer is offered the bulk assignment")
		}
	})
}

var tags = regexp.MustCompile(`<[^>]*>`)

// stripTags leaves a page's text (and its attribute-free values).
func stripTags(html string) string { return tags.ReplaceAllString(html, " ") }

// multipartForm builds a multipart body with fields and one file.
func multipartForm(t *testing.T, fields url.Values, file string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if file != "" {
		fw, err := w.CreateFormFile("files", file)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

// A draft answer carries the signed letter as a file; a file that is not
// a document is refused with its name and the draft is not saved; the
// citizen receives the file with the published answer.
func TestAnswerWithAttachment(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office@sxd.test", "VP", access.Office)
		ta.addStaff(t, "officer@sxd.test", "PQLXD", access.UnitOfficer)
		head := ta.staffActor(t, "head@sxd.test", "PQLXD", access.UnitHead)
		r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPost,
			ReceivedAt: ta.Clock.Now(), Title: "Kiến nghị", Content: "Kiến nghị công khai quy hoạch chi tiết khu dân cư phía Bắc.", Name: "Người Kiến Nghị"})
		ta.takeOn(t, office, r.CaseID, "PQLXD")

		b := ta.browser(t)
		b.mustLogin("officer@sxd.test")
		post := func(file string, content []byte) (*http.Response, string) {
			t.Helper()
			ct, body := multipartForm(t, url.Values{"csrf": {b.csrf()}, "body": {"Sở Xây dựng trả lời: quy hoạch đã được công khai tại trụ sở UBND phường."},
				"letter_no": {"500/SXD-QLXD"}}, file, content)
			req, _ := http.NewRequest("POST", ta.Server.URL+"/staff/cases/"+itoa(r.CaseID)+"/answer", body)
			req.Header.Set("Content-Type", ct)
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			page, _ := io.ReadAll(res.Body)
			return res, string(page)
		}
		res, page := post("chuong-trinh.exe", []byte("MZ\x90\x00 not a document at all, an executable"))
		if res.StatusCode != http.StatusUnsupportedMediaType && res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "chuong-trinh.exe") {
			t.Fatalf("an executable: %d\n%s", res.StatusCode, page)
		}
		if len(ta.caseState(t, r.CaseID).Answers) != 0 {
			t.Fatal("a draft was saved with a refused file")
		}
		res, _ = post("cong-van-500.pdf", pdfOfSize(20<<10))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft with a PDF: %d", res.StatusCode)
		}
		st := ta.caseState(t, r.CaseID)
		if len(st.Answers) != 1 || len(st.Answers[0].Files) != 1 || st.Answers[0].Files[0].Name != "cong-van-500.pdf" {
			t.Fatalf("draft files: %+v", st.Answers)
		}
		ta.act(t, head, r.CaseID, petition.ApproveInput{})
		var v httpapi.PetitionView
		ta.getJSON(t, "/api/v1/petitions/"+r.Code, 200, &v, "X-Tracking-Secret", r.Secret)
		if v.Answer == nil || len(v.Answer.Attachments) != 1 || v.Answer.Attachments[0].Name != "cong-van-500.pdf" {
			t.Errorf("the citizen's answer: %+v", v.Answer)
		}
	})
}
