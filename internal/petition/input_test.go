package petition

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		// Mobiles, every way they are written.
		{"0912345678", "0912345678", true},
		{"0912 345 678", "0912345678", true},
		{"0912.345.678", "0912345678", true},
		{"0912-345-678", "0912345678", true},
		{" 0912 345 678 ", "0912345678", true},
		{"+84912345678", "0912345678", true},
		{"+84 912 345 678", "0912345678", true},
		{"+84.912.345.678", "0912345678", true},
		{"84912345678", "0912345678", true},
		{"84 912 345 678", "0912345678", true},
		{"0084 912 345 678", "0912345678", true},
		{"+84 (0) 912 345 678", "0912345678", true},
		{"0388 123 456", "0388123456", true}, // Viettel 03x
		{"0567 123 456", "0567123456", true}, // Vietnamobile 05x
		{"0703 123 456", "0703123456", true}, // MobiFone 07x
		{"0815 123 456", "0815123456", true}, // VinaPhone 08x
		{"0912 345 678", "0912345678", true},
		// Landlines: 0 + area code 2xx (or 24, 28) + subscriber = 11 digits.
		{"0205 3812 345", "02053812345", true}, // Sở Xây dựng Lạng Sơn
		{"(0205) 3812 345", "02053812345", true},
		{"0205.3812.345", "02053812345", true},
		{"0205-3812-345", "02053812345", true},
		{"+84 205 3812 345", "02053812345", true},
		{"84 205 3812 345", "02053812345", true},
		{"+84 (0) 205 3812 345", "02053812345", true},
		{"024 3825 1234", "02438251234", true}, // Hà Nội
		{"028 3829 1234", "02838291234", true}, // TP HCM
		// Not Vietnamese numbers.
		{"091234567", "", false},      // mobile one digit short
		{"09123456789", "", false},    // mobile one digit long
		{"0205 381 234", "", false},   // landline one digit short
		{"0205 3812 3456", "", false}, // landline one digit long
		{"0112 345 678", "", false},   // no mobile prefix 1
		{"0412 345 678", "", false},
		{"0612 345 678", "", false},
		{"+8491234567", "", false},
		{"+1 202 555 0123", "", false},
		{"912345678", "", false}, // no national prefix
		{"091234567a", "", false},
		{"0912/345/678", "", false},
		{"+", "", false},
		{"0", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := NormalizePhone(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok {
			// The normal form is a fixed point: what is stored and hashed
			// reads back the same, so tracking by phone finds it.
			if again, ok2 := NormalizePhone(got); !ok2 || again != got {
				t.Errorf("NormalizePhone(%q) = %q, %v; not a fixed point", got, again, ok2)
			}
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{"Hang@Example.VN": "hang@example.vn", " a.b@sxd.langson.gov.vn ": "a.b@sxd.langson.gov.vn"} {
		if got, ok := NormalizeEmail(in); !ok || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"hang@", "@example.vn", "hang@example", "Hằng <hang@example.vn>", "a b@example.vn", "hang@example.vn."} {
		if _, ok := NormalizeEmail(in); ok {
			t.Errorf("NormalizeEmail(%q) accepted", in)
		}
	}
}

func TestCleanTextAndContentKey(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Thị Hằng")
	if nfd == "Nguyễn Thị Hằng" {
		t.Fatal("test input is not NFD")
	}
	if got := cleanText(" "+nfd+"\x00\r\n", false); got != "Nguyễn Thị Hằng" {
		t.Errorf("cleanText NFD: %q", got)
	}
	if got := cleanText("dòng 1\r\ndòng\t2\x07", true); got != "dòng 1\ndòng\t2" {
		t.Errorf("cleanText multiline: %q", got)
	}
	if got := cleanText("a\nb", false); got != "a b" {
		t.Errorf("cleanText single line: %q", got)
	}
	a := ContentKey("  ĐÈN ĐƯỜNG   hỏng\n\nquá lâu ")
	b := ContentKey(norm.NFD.String("đèn đường hỏng quá lâu"))
	if a != b || a != "đèn đường hỏng quá lâu" {
		t.Errorf("ContentKey: %q vs %q", a, b)
	}
}

func TestSecret(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		s := NewSecret()
		if len(s) != SecretLength {
			t.Fatalf("length %q", s)
		}
		for _, c := range s {
			if !strings.ContainsRune(SecretAlphabet, c) || strings.ContainsRune("0O1lI", c) {
				t.Fatalf("character %q in %q", c, s)
			}
		}
		seen[s] = true
	}
	if len(seen) < 1999 {
		t.Errorf("only %d distinct secrets of 2000", len(seen))
	}
	if NormalizeSecret(" abcd-efgh ") != "ABCDEFGH" {
		t.Error("NormalizeSecret")
	}
	salt := newSalt()
	h := hashSecret(salt, "code", "ABCDEFGH")
	if !equalHash(hashSecret(salt, "code", "ABCDEFGH"), h) || equalHash(hashSecret(salt, "code", "ABCDEFGX"), h) ||
		equalHash(hashSecret(newSalt(), "code", "ABCDEFGH"), h) || equalHash("", "") {
		t.Error("hash comparison")
	}
}

func TestCodes(t *testing.T) {
	if got := FormatCode("SXD", 2026, 123); got != "SXD-2026-000123" {
		t.Errorf("FormatCode: %q", got)
	}
	if got := FormatCode("SXD", 2026, 1234567); got != "SXD-2026-1234567" {
		t.Errorf("FormatCode past a million: %q", got)
	}
	for in, want := range map[string]string{"sxd-2026-000123": "SXD-2026-000123", " SXD - 2026 - 000123 ": "SXD-2026-000123"} {
		if got, ok := NormalizeCode(in); !ok || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "SXD-26-000123", "SXD-2026-123", "'; DROP TABLE cases; --"} {
		if _, ok := NormalizeCode(in); ok {
			t.Errorf("NormalizeCode(%q) accepted", in)
		}
	}
}

func TestDetectType(t *testing.T) {
	zipOf := func(names ...string) []byte {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		for _, n := range names {
			w, _ := z.Create(n)
			w.Write([]byte("<x/>"))
		}
		z.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name string
		data []byte
		want string
		err  error
	}{
		{"pdf", []byte("%PDF-1.4\n..."), TypePDF, nil},
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0}, TypeJPEG, nil},
		{"png", []byte("\x89PNG\r\n\x1a\n...."), TypePNG, nil},
		{"docx", zipOf("[Content_Types].xml", "_rels/.rels", "word/document.xml"), TypeDOCX, nil},
		{"xlsx is not docx", zipOf("[Content_Types].xml", "xl/workbook.xml"), "", ErrFileType},
		{"plain zip", zipOf("a.txt"), "", ErrFileType},
		{"exe", []byte("MZ\x90\x00\x03"), "", ErrFileType},
		{"html", []byte("<html><script>"), "", ErrFileType},
		{"pdf header later", []byte(" %PDF-1.4"), "", ErrFileType},
		{"broken zip", []byte("PK\x03\x04garbage"), "", ErrFileType},
		{"empty", nil, "", ErrFileEmpty},
	}
	for _, c := range cases {
		got, err := DetectType(bytes.NewReader(c.data), int64(len(c.data)))
		if got != c.want || err != c.err {
			t.Errorf("%s: %q, %v", c.name, got, err)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":         "passwd",
		`C:\Users\Hằng\Đơn.pdf`:    "Đơn.pdf",
		norm.NFD.String("Đơn.pdf"): "Đơn.pdf",
		"":                         "tep-dinh-kem",
		"a\x00b.pdf":               "ab.pdf",
	} {
		if got := CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CleanFileName(strings.Repeat("ư", 300) + ".pdf"); len([]rune(got)) != MaxFileName || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("long name: %d runes", len([]rune(got)))
	}
}

func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		if !k.Valid() {
			t.Errorf("%s invalid", k)
		}
	}
	rules := map[Kind]string{KindPetition: "pakn.answer", KindFeedback: "pakn.answer", KindComplaint: "complaint.accept", KindDenunciation: "denunciation.initial"}
	for k, r := range rules {
		if k.DueRule() != r {
			t.Errorf("%s rule %s", k, k.DueRule())
		}
	}
	if !KindComplaint.NeedsAddress() || !KindDenunciation.NeedsAddress() || KindFeedback.NeedsAddress() || !KindDenunciation.Secret() || KindComplaint.Secret() {
		t.Error("kind rules")
	}
}

// Uploads refuse a DOCX that inflates past the limit, an image
// whose declared size passes the limit, and a "PDF" that is HTML.
func TestDetectTypeRefusesBombsAndDisguises(t *testing.T) {
	bomb := func() []byte {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
			w, _ := z.Create(name)
			w.Write([]byte("<x/>"))
		}
		w, _ := z.Create("word/media/zeros.bin")
		zeros := make([]byte, 1<<20)
		for i := 0; i < MaxDOCXInflated>>20+1; i++ {
			w.Write(zeros)
		}
		z.Close()
		return buf.Bytes()
	}()
	pngOf := func(w, h uint32) []byte {
		var b bytes.Buffer
		b.WriteString("\x89PNG\r\n\x1a\n")
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr[0:], w)
		binary.BigEndian.PutUint32(ihdr[4:], h)
		ihdr[8], ihdr[9] = 8, 2
		binary.Write(&b, binary.BigEndian, uint32(13))
		chunk := append([]byte("IHDR"), ihdr...)
		b.Write(chunk)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
		err  error
	}{
		{"zip bomb", bomb, "", ErrFileInflates},
		{"huge image", pngOf(30000, 30000), "", ErrFileDimensions},
		{"too many pixels", pngOf(15000, 15000), "", ErrFileDimensions},
		{"fine image", pngOf(3000, 2000), TypePNG, nil},
		{"HTML PDF", []byte("%PDF-1.7\n<!DOCTYPE html><html><script>alert(1)</script>"), "", ErrFileDisguised},
		{"HTML further in", append(bytes.Repeat([]byte("%PDF-1.4 x"), 500), []byte("<HTML><body>")...), "", ErrFileDisguised},
		{"real PDF", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"), TypePDF, nil},
	} {
		got, err := DetectType(bytes.NewReader(tc.data), int64(len(tc.data)))
		if got != tc.want || err != tc.err {
			t.Errorf("%s: %q %v, want %q %v", tc.name, got, err, tc.want, tc.err)
		}
	}
	if len(bomb) > 1<<20 {
		t.Errorf("the bomb is %d bytes: not a bomb", len(bomb))
	}
}
