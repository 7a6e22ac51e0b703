package petition

import (
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFillFromForm(t *testing.T) {
	full := url.Values{"kind": {" feedback "}, "topic_id": {" 7 "}, "title": {"Đèn đường hỏng"}, "content": {"Đèn đường ở phố A hỏng đã lâu."},
		"place": {"Phố A"}, "name": {"Nguyễn Văn A"}, "phone": {"0912345678"}, "email": {"a@example.vn"}, "address": {"Số 1"}, "consent": {"on"},
		"website": {"ignored"}}
	for _, tc := range []struct {
		name string
		form url.Values
		want SubmitInput
	}{
		{"every field", full, SubmitInput{Kind: "feedback", TopicID: 7, Title: "Đèn đường hỏng", Content: "Đèn đường ở phố A hỏng đã lâu.",
			Place: "Phố A", Name: "Nguyễn Văn A", Phone: "0912345678", Email: "a@example.vn", Address: "Số 1", Consent: true}},
		{"nothing", url.Values{}, SubmitInput{}},
		{"a topic that is not a number", url.Values{"topic_id": {"abc"}}, SubmitInput{TopicID: -1}},
		{"consent in Vietnamese", url.Values{"consent": {"Có"}}, SubmitInput{Consent: true}},
		{"consent refused", url.Values{"consent": {"không"}}, SubmitInput{}},
	} {
		// What the edge set before stays.
		got := SubmitInput{Channel: ChannelWeb, Lang: "vi"}
		got.FillFromForm(tc.form.Get)
		tc.want.Channel, tc.want.Lang = ChannelWeb, "vi"
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}
