package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// Every file of a case handed out is on the case's audit trail: a staff
// download by page or API (who, which case, which file, when), the
// denouncer's own download with the secret (as "petitioner"), and a
// refused one (a unit that does not handle the case, a role that reads no
// case), as a refused reveal is. The trail of a sealed denunciation
// carries the file's id, never its name, so the denouncer's name in the
// file name stays out of it; the auditor reads the rows over the API and
// on /staff/audit.
func TestDownloadsAreAudited(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		sf := ta.submitSealedFile(t)
		id, rec, pdf, office, att := sf.id, sf.rec, sf.pdf, sf.office, sf.file
		auditedCount := func() int64 {
			var n int64
			ta.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action LIKE 'attachment.%' AND entity_id = ?", itoa(id)).Scan(&n)
			return n
		}

		// Handed out: the office over the API and on the page, the lead
		// unit's officer over the API, the denouncer with the secret.
		if res, _ := ta.do(t, "GET", att.Download, nil, "Authorization", office); res.StatusCode != 200 {
			t.Fatalf("office API download: %d", res.StatusCode)
		}
		acc := ta.addStaff(t, "tai.vanphong@sxd.test", "VP", access.Office)
		br := ta.browser(t)
		br.mustLogin(acc.Email)
		if res, _ := br.get(fmt.Sprintf("/staff/cases/%d/attachments/%d", id, att.Id)); res.StatusCode != 200 {
			t.Fatalf("office page download: %d", res.StatusCode)
		}
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		if res, _ := ta.do(t, "GET", att.Download, nil, "Authorization", officer); res.StatusCode != 200 {
			t.Fatalf("officer download: %d", res.StatusCode)
		}
		citizenPath := fmt.Sprintf("/api/v1/petitions/%s/files/%d", rec.Code, att.Id)
		if res, got := ta.do(t, "GET", citizenPath, nil, "X-Tracking-Secret", rec.Secret); res.StatusCode != 200 || string(got) != string(pdf) {
			t.Fatalf("the denouncer's download: %d", res.StatusCode)
		}

		// Refused: another unit (the case is not theirs: 404), the auditor
		// (reads no case: 403). Not audited: an unknown file of a case one
		// reads, a wrong secret (counted by the tracking limits).
		if res, _ := ta.do(t, "GET", att.Download, nil, "Authorization", ta.staffToken(t, "TTRA", access.UnitOfficer)); res.StatusCode != 404 {
			t.Errorf("another unit: %d", res.StatusCode)
		}
		auditor := ta.staffToken(t, "", access.Auditor)
		if res, _ := ta.do(t, "GET", att.Download, nil, "Authorization", auditor); res.StatusCode != 403 {
			t.Errorf("auditor: %d", res.StatusCode)
		}
		before := auditedCount()
		if res, _ := ta.do(t, "GET", fmt.Sprintf("/api/v1/staff/cases/%d/attachments/999999", id), nil, "Authorization", office); res.StatusCode != 404 {
			t.Errorf("unknown file: %d", res.StatusCode)
		}
		if res, _ := ta.do(t, "GET", citizenPath, nil, "X-Tracking-Secret", "WRONG234"); res.StatusCode != 404 {
			t.Errorf("wrong secret: %d", res.StatusCode)
		}
		if after := auditedCount(); after != before {
			t.Errorf("an unknown file or a wrong secret wrote %d audit rows", after-before)
		}

		// The case's trail, as the auditor reads it.
		var list struct{ Entries []httpapi.AuditEntry }
		raw := ta.getJSON(t, "/api/v1/audit?entity=case&entity_id="+itoa(id)+"&action=attachment", 200, &list, "Authorization", auditor)
		type row struct{ action, actor, why string }
		var got []row
		for _, e := range list.Entries {
			r := row{action: e.Action, actor: e.Actor}
			if e.After == nil || fmt.Sprint((*e.After)["attachment_id"]) != fmt.Sprint(att.Id) {
				t.Errorf("%s by %s does not name the file: %v", e.Action, e.Actor, e.After)
			} else if w, ok := (*e.After)["why"]; ok {
				r.why = fmt.Sprint(w)
			}
			got = append(got, r)
		}
		want := map[row]int{
			{"attachment.download", "", ""}:                         4,
			{"attachment.download_refused", "", "case_not_visible"}: 1,
			{"attachment.download_refused", "", "no_role"}:          1,
		}
		count := map[row]int{}
		actors := map[string]bool{}
		for _, r := range got {
			actors[r.actor] = true
			r.actor = ""
			count[r]++
		}
		for k, n := range want {
			if count[k] != n {
				t.Errorf("%s %s: %d rows, want %d (all %+v)", k.action, k.why, count[k], n, got)
			}
		}
		for _, who := range []string{"petitioner", "tai.vanphong@sxd.test", "token-unit_officer", "token-auditor"} {
			found := false
			for a := range actors {
				found = found || strings.Contains(a, who)
			}
			if !found {
				t.Errorf("no row by %s: %v", who, actors)
			}
		}
		if l := sealLeaks(string(raw)); len(l) > 0 || strings.Contains(string(raw), "Le Thi Mat") {
			t.Errorf("the case's audit trail carries the denouncer: %v", l)
		}

		// And on the audit page.
		ta.addStaff(t, "kiemtra.tai@sxd.test", "", access.Auditor)
		ab := ta.browser(t)
		ab.mustLogin("kiemtra.tai@sxd.test")
		_, page := ab.get("/staff/audit?action=attachment&entity=case")
		if strings.Count(page, "attachment.download_refused") != 2 || !strings.Contains(page, "attachment.download") {
			t.Errorf("the audit page does not list the downloads")
		}
		if l := sealLeaks(page); len(l) > 0 || strings.Contains(page, "Le Thi Mat") {
			t.Errorf("the audit page carries the denouncer: %v", l)
		}
	})
}
