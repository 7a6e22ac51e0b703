package access

import (
	"fmt"
	"testing"
)

// BenchmarkScrubberIntake is the scrub every submission pays for its
// search row (store.searchSource.texts): one identity, its content and
// title, when the text does not name the petitioner (most letters) and
// when it does.
func BenchmarkScrubberIntake(b *testing.B) {
	for _, tc := range []struct{ name, content string }{
		{"absent", "Đèn đường ở ngõ %d phố Bà Triệu đã hỏng hơn một tuần, đề nghị sửa."},
		{"named", "Tôi là Nguyễn Thị Hằng, số điện thoại 0912 345 %03d; đèn đường ở ngõ 7 phố Bà Triệu đã hỏng."},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				id := Identity{Name: "Nguyễn Thị Hằng", Phone: fmt.Sprintf("0912345%03d", i%1000), Email: "hang.nt@example.vn", Address: "Số 7 đường Bà Triệu, Vĩnh Trại"}
				scrub := Scrubber(id)
				_ = scrub(fmt.Sprintf(tc.content, i%1000) + "\nPhố Bà Triệu")
				_ = scrub("Đèn đường hỏng")
			}
		})
	}
}
