package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/textfold"
)

// A page of a search over every case is ranked and cut inside case_search
// (searchWhere's top): it must be exactly the head of the whole list, in
// its order (rank, then received_at and id, received out of id order here),
// with the groups tied at the cut, for the office (contact searched) and
// leadership (contact not searched), whatever the page's size; the
// second page (Offset) is the run that follows it.
func TestSearchPageIsTheListsHead(t *testing.T) {
	eachIntake(t, petition.Limits{}, func(t *testing.T, ctx context.Context, db *store.DB, e *intakeEnv) {
		titles := []string{"Đường ngõ hỏng", "Đèn đường hỏng", "Cống thoát nước tắc", "Đường Đông Kinh ngập", "Vỉa hè lấn chiếm"}
		contents := []string{"Mặt đường hỏng nặng sau mưa, đề nghị sửa chữa.", "Đèn đường tắt cả tuần, ngõ rất tối vào buổi tối.",
			"Cống thoát nước trên đường tắc, nước tràn vào nhà dân.", "Nguyễn Thị Hằng phản ánh đường ngập sâu khi mưa lớn."}
		names := []string{"Nguyễn Thị Hằng", "Trần Văn Đường", "Lê Thị Hồng", "Nguyễn Văn Hải"}
		for i := 0; i < 36; i++ {
			rec, err := e.svc.Submit(ctx, petition.SubmitInput{Kind: petition.KindFeedback, TopicID: e.topic, Title: titles[i%len(titles)],
				Content: contents[i%len(contents)], Name: names[i%len(names)], Phone: fmt.Sprintf("09123456%02d", i), Consent: true,
				Channel: petition.ChannelAPI, Lang: "vi"})
			if err != nil {
				t.Fatal(err)
			}
			// Received out of id order, with ties.
			if err := db.Gorm.Exec("UPDATE cases SET received_at = received_at - ? * INTERVAL '1 hour' WHERE code = ?", (i*7)%5, rec.Code).Error; err != nil {
				// SQLite has no INTERVAL.
				if err := db.Gorm.Exec("UPDATE cases SET received_at = datetime(received_at, ?) WHERE code = ?", fmt.Sprintf("-%d hours", (i*7)%5), rec.Code).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		cs := store.NewCaseAccessStore(db)
		all := access.CaseFilter{All: true}
		stop := errors.New("stop")
		for _, q := range []string{"duong", "duong hong", "nguyen thi hang", "den duong", "hang", "SXD-2026", "nuoc tac duong"} {
			sq, why := textfold.Parse(q)
			if why != "" {
				t.Fatal(why)
			}
			for _, contact := range []access.CaseFilter{all, {}} {
				var whole []int64
				if err := cs.EachCase(ctx, all, access.CaseQuery{Search: &sq, Contact: contact, Now: intakeNow}, func(r access.CaseRef, _ access.Identity) error {
					whole = append(whole, r.ID)
					return nil
				}); err != nil && !errors.Is(err, stop) {
					t.Fatal(err)
				}
				if len(whole) < 3 {
					t.Fatalf("%q finds %d cases: the test proves little", q, len(whole))
				}
				for _, n := range []int{1, 2, 3, 5, 8, 13, 50} {
					// The first page and the second (Offset n), each the
					// list's run of n from there.
					for _, off := range []int{0, n} {
						refs, err := cs.ListCases(ctx, all, access.CaseQuery{Search: &sq, Contact: contact, Limit: n, Offset: off, Now: intakeNow})
						if err != nil {
							t.Fatal(err)
						}
						var got []int64
						for _, r := range refs {
							got = append(got, r.ID)
						}
						if want := whole[min(off, len(whole)):min(off+n, len(whole))]; !slices.Equal(got, want) {
							t.Errorf("%q (contact %v) limit %d offset %d: %v, the list's run %v", q, contact.All, n, off, got, want)
						}
					}
				}
			}
		}
	})
}
