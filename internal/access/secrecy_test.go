package access

import (
	"strings"
	"testing"
)

// Redaction finds the identity the way people write it.
func TestScrubTextFindsVariants(t *testing.T) {
	id := Identity{Name: "Lê Thị Mật", Phone: "0915 123 456", Email: "le.thi.mat@gmail.com",
		Address: "Số 7 đường Bà Triệu, phường Hoàng Văn Thụ, Lạng Sơn", IDNumber: "020188001234"}
	for _, tc := range []struct{ variant, text, gone string }{
		{"name", "Tôi là Lê Thị Mật, trú tại đây.", "Lê Thị Mật"},
		{"name upper without diacritics", "Ky ten: LE THI MAT", "LE THI MAT"},
		{"name lower without diacritics", "nguoi viet: le thi mat.", "le thi mat"},
		{"name decomposed", "Tôi là Le\u0302\u0300 Thi\u0323 Ma\u0323\u0302t.", "Ma\u0323\u0302t"},
		{"name without family name", "Tôi, Thị Mật, xin trình bày", "Thị Mật"},
		{"given name after bà", "Đề nghị trả lời bà Mật sớm.", "Mật"},
		{"given name after chị, unaccented", "gui chi Mat", "Mat"},
		{"phone 0", "ĐT 0915123456", "0915123456"},
		{"phone spaced", "ĐT 0915 123 456", "0915 123 456"},
		{"phone +84", "ĐT +84915123456", "+84915123456"},
		{"phone 84 dashes", "ĐT 84-915-123-456", "84-915-123-456"},
		{"phone dots", "ĐT 0915.123.456", "0915.123.456"},
		{"phone +84 spaced", "ĐT (+84) 915 123 456", "915 123 456"},
		{"e-mail", "thư: LE.THI.MAT@gmail.com", "LE.THI.MAT@gmail.com"},
		{"address", "nhà tôi ở số 7 đường Bà Triệu", "7 đường Bà Triệu"},
		{"address short", "nhà tôi ở 7 Bà Triệu", "7 Bà Triệu"},
		{"address unaccented", "o so 7 duong Ba Trieu", "7 duong Ba Trieu"},
		{"ID number", "CCCD 020 188 001 234", "020 188 001 234"},
	} {
		got := ScrubText(tc.text, id)
		if again := Scrubber(id)(tc.text); again != got {
			t.Errorf("%s: Scrubber %q, ScrubText %q", tc.variant, again, got)
		}
		if strings.Contains(got, tc.gone) || !strings.Contains(got, Redaction) {
			t.Errorf("%s: %q → %q", tc.variant, tc.text, got)
		}
		if !ContainsIdentity(tc.text, id) || ContainsIdentity(got, id) {
			t.Errorf("%s: ContainsIdentity before %v after %v", tc.variant, ContainsIdentity(tc.text, id), ContainsIdentity(got, id))
		}
	}
	// What is not the identity stays.
	for _, s := range []string{"Cán bộ Trần Văn Bình nhận tiền ở phố Lý Thường Kiệt.", "Công trình số 18 phố Tam Thanh.", ""} {
		if got := ScrubText(s, id); got != s {
			t.Errorf("%q → %q", s, got)
		}
	}
	_, marked, removed := ScrubPreview("Bà Mật, ĐT 0915123456", id, func(s string) string { return "[" + s + "]" })
	if marked != "Bà [Mật], ĐT [0915123456]" || len(removed) != 2 {
		t.Errorf("preview %q %v", marked, removed)
	}
}

// TestScrubShapesPhones: every shape NormalizePhone accepts, mobiles and
// landlines, leaves no digit of the number in a text that leaves the office.
func TestScrubShapesPhones(t *testing.T) {
	for _, phone := range []string{"0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84 912 345 678", "84912345678",
		"+84 (0) 912 345 678", "0205 3812 345", "(0205) 3812 345", "0205.3812.345", "+84 205 3812 345", "+84 (0) 205 3812 345",
		"024 3825 1234"} {
		text := "Liên hệ ông Nam, số " + phone + ", sau 17 giờ."
		got := ScrubShapes(text)
		if !strings.HasPrefix(got, "Liên hệ ông Nam, số ") || !strings.HasSuffix(got, ", sau 17 giờ.") || strings.ContainsAny(strings.TrimSuffix(got, ", sau 17 giờ."), "0123456789") {
			t.Errorf("ScrubShapes(%q) = %q", text, got)
		}
	}
}

// TestMatcherPrefilterMissesNothing: the literal prefilter that spares a
// scrub its regular expression (matcher.mayMatch) never says no where the
// expression finds the identity, including runes (?i) takes for ASCII
// letters.
func TestMatcherPrefilterMissesNothing(t *testing.T) {
	ids := []Identity{
		{Name: "Lê Thị Mật", Phone: "0915 123 456", Email: "le.thi.mat@gmail.com",
			Address: "Số 7 đường Bà Triệu, phường Hoàng Văn Thụ, Lạng Sơn", IDNumber: "020188001234"},
		{Name: "Hoàng Văn Sơn", Phone: "(0205) 3812 345", Address: "Thôn Khánh Khê, xã Văn Quan"},
		{Email: "kiet@sxd.langson.gov.vn"},
		{Email: "lesσ@x.vn", Phone: "0912 000 111"},
	}
	texts := []string{
		"Tôi là Lê Thị Mật, nhà số 7 đường Bà Triệu.", "gui chi Mat", "CCCD 020 188 001 234",
		"ĐT (+84) 915 123 456", "anh ſơn ở thôn Khánh Khê", "ông Hoàng Văn \u212Aơn", "\u212Aiet@SXD.langson.gov.vn",
		"ĐT 0205.3812.345", "thư: LESς@X.VN", "lesΣ@x.vn", "Công trình số 18 phố Tam Thanh.", "Đèn đường hỏng ở ngõ 7 phố Bà Triệu",
	}
	for _, id := range ids {
		m := identityMatcher(id)
		re := m.compiled()
		for _, text := range texts {
			folded, _ := foldRunes([]rune(text))
			if re.MatchString(string(folded)) && !m.mayMatch(folded) {
				t.Errorf("%+v: the prefilter skips %q, which the expression matches", id, text)
			}
		}
	}
	if got := ScrubText("anh ſơn ở đây", ids[1]); strings.Contains(got, "ſơn") {
		t.Errorf("ſơn stays: %q", got)
	}
	if m := identityMatcher(ids[0]); m.mayMatch([]rune("den duong hong o pho tam thanh")) {
		t.Error("the prefilter lets through a text with none of the identity's literals")
	}
}

// foldRune reads the runes below foldTableEnd from a table: it must fold
// each as the decomposition does.
func TestFoldTable(t *testing.T) {
	for r := rune(0); r < foldTableEnd+0x100; r++ {
		if got, want := foldRune(r), foldRuneSlow(r); got != want {
			t.Fatalf("foldRune(%U) = %U, want %U", r, got, want)
		}
	}
}
