package download

import (
	"mime"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDisposition(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"report.pdf", `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`},
		{"công văn trả lời.html", `attachment; filename="c_ng v_n tr_ l_i.html"; filename*=UTF-8''c%C3%B4ng%20v%C4%83n%20tr%E1%BA%A3%20l%E1%BB%9Di.html`},
		{`a"b\c.txt`, `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`},
		{"x\r\ny.txt", `attachment; filename="x__y.txt"; filename*=UTF-8''x%0D%0Ay.txt`},
	} {
		got := Disposition(tc.name)
		if got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.name, got, tc.want)
		}
		// A browser reads back the name it was given.
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != tc.name {
			t.Errorf("%q: parsed back as %q (%v)", tc.name, params["filename"], err)
		}
	}
}

func TestServe(t *testing.T) {
	for _, tc := range []struct {
		file             File
		wantType, length string
	}{
		{File{Name: "a.pdf", MediaType: "application/pdf", Size: 5}, "application/pdf", "5"},
		{File{Name: "b"}, "application/octet-stream", ""},
	} {
		w := httptest.NewRecorder()
		if err := Serve(w, tc.file, strings.NewReader("hello")); err != nil {
			t.Fatal(err)
		}
		h := w.Result().Header
		if w.Code != 200 || w.Body.String() != "hello" || h.Get("Content-Type") != tc.wantType || h.Get("Content-Length") != tc.length ||
			h.Get("Content-Disposition") != Disposition(tc.file.Name) || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%+v: %d %v", tc.file, w.Code, h)
		}
	}
}
