package i18n

import (
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

func TestCataloguesMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range c.IDs(VI) {
		if !c.Has(EN, id) {
			t.Errorf("message %q is in vi.json but not en.json", id)
		}
	}
	for _, id := range c.IDs(EN) {
		if !c.Has(VI, id) {
			t.Errorf("message %q is in en.json but not vi.json", id)
		}
	}
}

func TestT(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(VI, "error.bad_param", map[string]any{"Name": "id"}); got != "Tham số id không hợp lệ." {
		t.Errorf("vi: %q", got)
	}
	if got := c.T(EN, "error.not_found", nil); got != "Not found." {
		t.Errorf("en: %q", got)
	}
	if got := c.T("fr", "error.not_found", nil); got != "Không tìm thấy." {
		t.Errorf("unknown language falls back to vi: %q", got)
	}
	if got := c.T(EN, "no.such.id", nil); got != "no.such.id" {
		t.Errorf("missing id: %q", got)
	}
	// A message without arguments is kept once rendered, for each
	// language, and reads the same the second time and with empty
	// arguments; an id not in the catalogue is not kept.
	for range 2 {
		for lang, want := range map[string]string{VI: "Không tìm thấy.", EN: "Not found.", "fr": "Không tìm thấy."} {
			if got := c.T(lang, "error.not_found", nil); got != want {
				t.Errorf("%s, kept: %q", lang, got)
			}
			if got := c.T(lang, "error.not_found", map[string]any{}); got != want {
				t.Errorf("%s, with no arguments: %q", lang, got)
			}
		}
	}
	if _, ok := c.plain.Load(plainKey{VI, "no.such.id"}); ok {
		t.Error("an id not in the catalogue is kept")
	}
	if _, ok := c.plain.Load(plainKey{"fr", "error.not_found"}); ok {
		t.Error("an unknown language is kept apart from Vietnamese")
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ q, cookie, accept, want string }{
		{"", "", "", VI},
		{"en", "", "", EN},
		{"EN-us", "", "vi", EN},
		{"", "en", "vi", EN},
		{"", "", "en-US,en;q=0.9", EN},
		{"", "", "fr-FR, en;q=0.5", EN},
		{"", "", "fr-FR", VI},
		{"xx", "", "en", EN},
	}
	for _, c := range cases {
		if got := Negotiate(c.q, c.cookie, c.accept); got != c.want {
			t.Errorf("Negotiate(%q,%q,%q) = %q, want %q", c.q, c.cookie, c.accept, got, c.want)
		}
	}
}

func TestRefArgument(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]any{"Name": Ref("error.not_found")}
	for _, lang := range Supported {
		got := c.T(lang, "error.bad_param", args)
		want := c.T(lang, "error.bad_param", map[string]any{"Name": c.T(lang, "error.not_found", nil)})
		if got != want || !strings.Contains(got, c.T(lang, "error.not_found", nil)) {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if _, ok := args["Name"].(Ref); !ok {
		t.Error("T changed the caller's arguments")
	}
}

type day string

func (d day) In(lang string) string {
	if lang == EN {
		return "1 June 2026"
	}
	return string(d)
}

// A day given to a message is worded in the message's language: an English
// error never says "01/06/2026".
func TestWordedArgument(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]any{"Name": day("01/06/2026")}
	for lang, want := range map[string]string{VI: "01/06/2026", EN: "1 June 2026"} {
		if got := c.T(lang, "error.bad_param", args); !strings.Contains(got, want) {
			t.Errorf("%s: %q lacks %q", lang, got, want)
		}
	}
	if _, ok := args["Name"].(day); !ok {
		t.Error("T changed the caller's arguments")
	}
}

// A message with plural forms reads "1 case" and "2 cases" in English,
// chosen by the Count argument; Vietnamese has one form.
func TestPluralCount(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang  string
		count any
		to, n string
		want  string
	}{
		{EN, 1, "1", "1", "Showing 1–1 of 1 case"},
		{EN, int64(2), "2", "2", "Showing 1–2 of 2 cases"},
		{EN, int64(1234), "2", "1,234", "Showing 1–2 of 1,234 cases"},
		{EN, nil, "2", "2", "Showing 1–2 of 2 cases"},
		{VI, 1, "1", "1", "Đang hiển thị 1–1 trên 1 hồ sơ"},
		{VI, int64(2), "2", "2", "Đang hiển thị 1–2 trên 2 hồ sơ"},
	} {
		args := map[string]any{"From": 1, "To": tc.to, "N": tc.n}
		if tc.count != nil {
			args[Count] = tc.count
		}
		if got := c.T(tc.lang, "inbox.showing", args); got != tc.want {
			t.Errorf("%s, %v: %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
	if got := c.T(EN, "search.results", map[string]any{"Q": "đường", "N": "1", Count: 1}); got != "“đường”: 1 case, best match first." {
		t.Errorf("search, 1: %q", got)
	}
}

// Every message T fills without a template reads exactly as go-i18n's
// template writes it, in both languages, for a count of 1 and of 2.
func TestFillersMatchTemplates(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, lang := range Supported {
		for id, f := range c.fillers[lang] {
			for _, n := range []int{1, 2} {
				args := map[string]any{Count: n}
				for _, ps := range [][]piece{f.one, f.other} {
					for _, p := range ps {
						if p.field != "" && p.field != Count {
							args[p.field] = "‹" + p.field + "›"
						}
					}
				}
				got, ok := f.fill(c, lang, args)
				if !ok {
					t.Fatalf("%s %s: not filled with %v", lang, id, args)
				}
				lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: args}
				if f.one != nil {
					lc.PluralCount = n
				}
				want, err := c.localizers[lang].Localize(lc)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, id, err)
				}
				if got != want {
					t.Errorf("%s %s, %d: filled %q, template %q", lang, id, n, got, want)
				}
				checked++
			}
		}
	}
	if checked < 2000 {
		t.Errorf("only %d messages checked", checked)
	}
}
