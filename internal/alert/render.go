package alert

import (
	"bytes"
	"embed"
	"fmt"
	"github.com/phucdap/phucdap/internal/caseclock"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
)

//go:embed templates/*
var templateFS embed.FS

func langOf(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "vi"
}

// templates are the e-mail templates of both languages: a text/template for
// subjects and plain-text bodies, an html/template for the HTML part.
type templates struct {
	text  map[string]*texttemplate.Template
	html  map[string]*htmltemplate.Template
	due   map[string]func(time.Time) string
	texts Texts
}

func loadTemplates(loc *time.Location, dueText func(lang string, due time.Time) string, texts Texts) (*templates, error) {
	parsed, err := parsedTemplates()
	if err != nil {
		return nil, err
	}
	t := &templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}, due: map[string]func(time.Time) string{}, texts: texts}
	for _, lang := range []string{"vi", "en"} {
		word := func(due time.Time) string { return caseclock.DueText(due, loc) }
		if dueText != nil {
			word = func(due time.Time) string { return dueText(lang, due) }
		}
		t.due[lang] = word
		funcs := mailFuncs(t, lang, loc, word)
		// A clone's functions are its own: these replace the ones the
		// shared copy was parsed with.
		tt, err := parsed.text[lang].Clone()
		if err != nil {
			return nil, fmt.Errorf("alert templates: %w", err)
		}
		ht, err := parsed.html[lang].Clone()
		if err != nil {
			return nil, fmt.Errorf("alert templates: %w", err)
		}
		t.text[lang], t.html[lang] = tt.Funcs(funcs), ht.Funcs(funcs)
	}
	return t, nil
}

// parsedTemplates parses the embedded templates once per process, with
// the functions' names only (mailFuncs of no service); loadTemplates
// clones them for each service with its own functions. Parsing them anew
// for every service was a good part of building an app in the tests.
var parsedTemplates = sync.OnceValues(func() (*templates, error) {
	t := &templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, lang := range []string{"vi", "en"} {
		funcs := mailFuncs(nil, lang, time.UTC, nil)
		tt, err := texttemplate.New("mail").Funcs(funcs).ParseFS(templateFS, "templates/mail."+lang+".txt")
		if err != nil {
			return nil, fmt.Errorf("alert templates: %w", err)
		}
		ht, err := htmltemplate.New("mail").Funcs(funcs).ParseFS(templateFS, "templates/mail."+lang+".html")
		if err != nil {
			return nil, fmt.Errorf("alert templates: %w", err)
		}
		t.text[lang], t.html[lang] = tt, ht
	}
	return t, nil
})

// mailFuncs are the templates' functions for lang, over t's wording, loc
// and word (the due time's text).
func mailFuncs(t *templates, lang string, loc *time.Location, word func(time.Time) string) map[string]any {
	return map[string]any{
		"kind":  func(k string) string { return t.wordOr(lang, "staff.kind."+k, k) },
		"clock": func(k string) string { return t.wordOr(lang, "alert.clock."+k, k) },
		"dt":    func(v any) string { return formatInstant(v, word) },
		"day":   func(s string) string { return formatDay(s, lang) },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return formatDay(calendar.DateOf(t, loc).String(), lang)
		},
		"pct":   formatPercent,
		"lower": strings.ToLower,
	}
}

func formatInstant(v any, word func(time.Time) string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return fmt.Sprint(v)
	}
	if t.IsZero() {
		return ""
	}
	// A due time at midnight is "24:00 of the day before" in law.
	return word(t)
}

// formatDay words a civil date as the pages do (present.Date): English
// e-mails never mix "27/11/2026" with "end of 27 November 2026".
func formatDay(s, lang string) string {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return s
	}
	if lang == "en" {
		return d.EN()
	}
	return d.VN()
}

func formatPercent(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64) + "%"
}

// baseKind maps "due_soon.3" to its template, "due_soon".
func baseKind(kind string) string {
	if i := strings.IndexByte(kind, '.'); i > 0 {
		return kind[:i]
	}
	return kind
}

// render returns the subject, the plain text and the HTML of an alert.
func (t *templates) render(lang, kind string, p Payload) (subject, text, html string, err error) {
	return t.execute(langOf(lang), baseKind(kind), p)
}

type receiptData struct {
	Receipt
	Link string
	// Agency is who signs inside a sentence, AgencyStart as one opens.
	Agency, AgencyStart string
	Unsubscribe         string
}

// receipt renders intake's receipt e-mail.
func (t *templates) receipt(lang string, r Receipt, link, unsubscribe, agency string) (subject, text, html string, err error) {
	return t.execute(langOf(lang), KindReceipt, receiptData{Receipt: r, Link: link, Agency: t.agency(lang, agency), AgencyStart: t.agencyStart(lang, agency),
		Unsubscribe: unsubscribe})
}

func (t *templates) execute(lang, kind string, data any) (subject, text, html string, err error) {
	var b bytes.Buffer
	if err = t.text[lang].ExecuteTemplate(&b, "subject:"+kind, data); err != nil {
		return "", "", "", fmt.Errorf("render %s subject: %w", kind, err)
	}
	subject = strings.TrimSpace(b.String())
	b.Reset()
	if err = t.text[lang].ExecuteTemplate(&b, "text:"+kind, data); err != nil {
		return "", "", "", fmt.Errorf("render %s text: %w", kind, err)
	}
	text = strings.TrimLeft(b.String(), "\n")
	b.Reset()
	if err = t.html[lang].ExecuteTemplate(&b, "html:"+kind, data); err != nil {
		return "", "", "", fmt.Errorf("render %s html: %w", kind, err)
	}
	return subject, text, b.String(), nil
}

// word looks a message up in the catalogue in lang; without a catalogue it
// is the message id.
func (t *templates) word(lang, id string, args map[string]any) string {
	if t.texts == nil {
		return id
	}
	return t.texts.T(langOf(lang), id, args)
}

// wordOr is message id in lang, or fallback when the catalogue has no such
// message (a kind this build does not know).
func (t *templates) wordOr(lang, id, fallback string) string {
	if s := t.word(lang, id, nil); s != id {
		return s
	}
	return fallback
}

// agency is who signs a message, as it reads inside a sentence: the
// configured agency, or the catalogue's "the agency" in lang when none is
// configured.
func (t *templates) agency(lang, name string) string {
	if name != "" {
		return name
	}
	return t.word(lang, "alert.agency", nil)
}

// agencyStart is agency as it opens a sentence: "The agency" when none is
// configured.
func (t *templates) agencyStart(lang, name string) string {
	if name != "" {
		return name
	}
	return t.word(lang, "alert.agency_start", nil)
}

// dueText words a due time in lang as e-mails do.
func (t *templates) dueText(lang string, due time.Time) string { return t.due[langOf(lang)](due) }

// citizenMessage is a citizen's notification in every form it is sent.
type citizenMessage struct {
	subject, text, html string
	sms, status         string
}

type citizenData struct {
	Payload
	// Agency is who signs inside a sentence, AgencyStart as one opens.
	Agency, AgencyStart string
	Link                string
	Unsubscribe         string
	Body                string
	Status              string
}

// citizen renders a citizen's notification: the e-mail (subject, text,
// HTML, with the unsubscribe link), the short text for SMS and Zalo, and
// the status word. Each event has its subject, body, sms and status in the
// language's template file; the e-mail's frame is shared.
func (t *templates) citizen(lang string, p Payload, link, unsubscribe, agency string) (citizenMessage, error) {
	d := citizenData{Payload: p, Agency: t.agency(lang, agency), AgencyStart: t.agencyStart(lang, agency), Link: link, Unsubscribe: unsubscribe}
	tt := t.text[lang]
	part := func(name string) (string, error) {
		var b bytes.Buffer
		if err := tt.ExecuteTemplate(&b, name+":citizen."+p.Event, d); err != nil {
			return "", fmt.Errorf("render citizen %s %s: %w", p.Event, name, err)
		}
		return strings.TrimSpace(b.String()), nil
	}
	var m citizenMessage
	var err error
	if d.Status, err = part("status"); err != nil {
		return m, err
	}
	if d.Body, err = part("body"); err != nil {
		return m, err
	}
	if m.subject, err = part("subject"); err != nil {
		return m, err
	}
	if m.sms, err = part("sms"); err != nil {
		return m, err
	}
	m.status = d.Status
	var b bytes.Buffer
	if err := tt.ExecuteTemplate(&b, "text:citizen", d); err != nil {
		return m, fmt.Errorf("render citizen text: %w", err)
	}
	m.text = strings.TrimLeft(b.String(), "\n")
	b.Reset()
	if err := t.html[lang].ExecuteTemplate(&b, "html:citizen", d); err != nil {
		return m, fmt.Errorf("render citizen html: %w", err)
	}
	m.html = b.String()
	return m, nil
}
