package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/present"
)

// A refusal from the deadline engine reaches the user as a catalogued
// message in their language, on the JSON API and on the pages; the engine's
// own English (the cause) goes to the log only.
func TestDeadlineRefusalsSpeakTheUsersLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		const (
			cause = "a complaint has no especially complex case"
			vi    = "Khiếu nại không có mức"
			en    = "A complaint has no"
		)
		for _, tt := range []struct {
			lang, want, not string
		}{
			{"", vi, en},
			{"vi", vi, en},
			{"en", en, vi},
		} {
			var header []string
			if tt.lang != "" {
				header = []string{"Accept-Language", tt.lang}
			}
			var e present.ErrorBody
			b := ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.resolve&start=2026-02-12&complex=especially", http.StatusUnprocessableEntity, &e, header...)
			if len(e.Errors) != 1 || e.Errors[0].Field != "complex" || !strings.Contains(e.Errors[0].Message, tt.want) {
				t.Errorf("API, Accept-Language %q: %s", tt.lang, b)
			}
			if s := string(b); strings.Contains(s, tt.not) || strings.Contains(s, cause) || strings.Contains(s, "deadline:") {
				t.Errorf("API, Accept-Language %q shows another language or the engine's text: %s", tt.lang, b)
			}

			res, page := ta.do(t, http.MethodGet, "/tinh-han?rule=complaint.resolve&start=2026-02-12&complex=especially", nil, header...)
			if res.StatusCode != http.StatusOK || !strings.Contains(string(page), tt.want) ||
				strings.Contains(string(page), cause) || strings.Contains(string(page), "deadline:") {
				t.Errorf("calculator page, Accept-Language %q: %d, want %q and not the engine's text", tt.lang, res.StatusCode, tt.want)
			}
		}
		if logs := ta.Logs.String(); !strings.Contains(logs, "request refused") || !strings.Contains(logs, cause) {
			t.Error("the engine's cause of the refusal is not in the log")
		}

		// A rule version the engine refuses (it starts before the version
		// in force until 01/07/2026 ends): the admin reads which versions,
		// in Vietnamese or English.
		admin := ta.staffToken(t, "VP", access.Admin)
		overlap := map[string]any{
			"id": "complaint.accept", "limit": 5, "unit": "working_days", "effective_from": "2026-06-01", "effective_to": "2026-08-01",
			"legal_basis": "Nghị định thử 1/2026/NĐ-CP, Điều 1", "confidence": "A", "reason": "Thử chồng hiệu lực",
		}
		body, err := json.Marshal(overlap)
		if err != nil {
			t.Fatal(err)
		}
		for lang, want := range map[string]string{
			"vi": "Các phiên bản của quy định complaint.accept từ ngày 01/01/1900 và từ ngày 01/06/2026 chồng lên nhau.",
			"en": "The versions of rule complaint.accept from 01/01/1900 and from 01/06/2026 overlap.",
		} {
			res, b := ta.do(t, http.MethodPost, "/api/v1/deadline/rules", strings.NewReader(string(body)),
				"Authorization", admin, "Content-Type", "application/json", "Accept-Language", lang)
			var e present.ErrorBody
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusUnprocessableEntity || e.Message != want {
				t.Errorf("overlap, %s: %d %q, want %q", lang, res.StatusCode, e.Message, want)
			}
		}
	})
}
