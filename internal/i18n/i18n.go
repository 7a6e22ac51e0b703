// Package i18n owns the message catalogues (Vietnamese first, English) and
// the choice of language for a request. Every user-facing string lives in
// locales/*.json; handlers and templates look messages up by id.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages we ship, default first.
const (
	VI = "vi"
	EN = "en"
)

// Supported lists the language codes in order of preference.
var Supported = []string{VI, EN}

//go:embed locales/*.json
var locales embed.FS

// Catalog holds the loaded messages. It is immutable and safe for
// concurrent use.
type Catalog struct {
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	ids        map[string][]string
	// plain keeps the catalogue's messages looked up without arguments,
	// by language and id: the same every time, and a template run each
	// time otherwise (a tracking page's due explanation, every label).
	plain sync.Map
	// fillers are the messages T fills without a template, by language
	// and id (filler).
	fillers map[string]map[string]filler
}

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*goi18n.Localizer{}, ids: map[string][]string{}, fillers: map[string]map[string]filler{}}
	for _, lang := range Supported {
		name := "locales/" + lang + ".json"
		data, err := fs.ReadFile(locales, name)
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(data, lang+".json"); err != nil {
			return nil, fmt.Errorf("i18n %s: %w", name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("i18n %s: %w", name, err)
		}
		c.fillers[lang] = map[string]filler{}
		for id, v := range m {
			c.ids[lang] = append(c.ids[lang], id)
			if f, ok := newFiller(lang, v); ok {
				c.fillers[lang][id] = f
			}
		}
		sort.Strings(c.ids[lang])
		c.localizers[lang] = goi18n.NewLocalizer(b, lang, VI)
	}
	return c, nil
}

// T returns message id in lang, filled from args (args[Count] picks the
// plural form). A missing translation
// falls back to Vietnamese, then to the id itself, so a gap in a catalogue
// never breaks a page.
func (c *Catalog) T(lang, id string, args map[string]any) string {
	l, ok := c.localizers[lang]
	if !ok {
		l, lang = c.localizers[VI], VI
	}
	if f, ok := c.fillers[lang][id]; ok && args != nil {
		if s, ok := f.fill(c, lang, args); ok && s != "" {
			return s
		}
	}
	if !c.Has(lang, id) && !c.Has(VI, id) {
		// Not in the catalogue (an id made from data, such as a rule
		// with no message of its own): go-i18n would look for it the long
		// way on every call.
		return id
	}
	if args == nil {
		key := plainKey{lang, id}
		if s, ok := c.plain.Load(key); ok {
			return s.(string)
		}
		s, err := l.Localize(&goi18n.LocalizeConfig{MessageID: id})
		if err != nil || s == "" {
			return id
		}
		c.plain.Store(key, s)
		return s
	}
	cloned := false
	for k, v := range args {
		var s string
		switch x := v.(type) {
		case Ref:
			s = c.T(lang, string(x), nil)
		case Worded:
			s = x.In(lang)
		default:
			continue
		}
		if !cloned {
			args, cloned = maps.Clone(args), true
		}
		args[k] = s
	}
	lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: args}
	switch n := args[Count].(type) {
	case int, int64:
		lc.PluralCount = n
	}
	s, err := l.Localize(lc)
	if err != nil && lc.PluralCount != nil {
		// A message written without plural forms (all Vietnamese ones,
		// though go-i18n's Vietnamese rule has a form for 1) reads as
		// written.
		lc.PluralCount = nil
		s, err = l.Localize(lc)
	}
	if err != nil || s == "" {
		return id
	}
	return s
}

// Count is the argument that chooses a message's plural form: a message
// written as {"one": …, "other": …} reads "1 case" and "2 cases" in
// English. Vietnamese has no plural, so its messages stay plain strings.
// The argument is an int or int64; the number shown is another argument
// (formatted for the language), or {{.Count}} itself.
const Count = "Count"

type plainKey struct{ lang, id string }

// Ref is a message argument that is itself a message id, looked up in the
// same language: a domain error can name a state or an action ("the case
// is assigned") without knowing the user's language.
type Ref string

// Worded is a message argument worded in the message's language: a domain
// error can name a day (calendar.Date: "02/01/2006", "2 January 2006")
// without knowing the user's language.
type Worded interface{ In(lang string) string }

// Has reports whether id exists in lang's catalogue.
func (c *Catalog) Has(lang, id string) bool {
	ids := c.ids[lang]
	i := sort.SearchStrings(ids, id)
	return i < len(ids) && ids[i] == id
}

// IDs lists the message ids of lang.
func (c *Catalog) IDs(lang string) []string { return append([]string(nil), c.ids[lang]...) }

// Negotiate picks the language: an explicit ?lang= wins, then a cookie
// value, then Accept-Language; Vietnamese by default.
func Negotiate(query, cookie, acceptLanguage string) string {
	for _, v := range []string{query, cookie} {
		if l := normalize(v); l != "" {
			return l
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err == nil {
		for _, t := range tags {
			base, _ := t.Base()
			if l := normalize(base.String()); l != "" {
				return l
			}
		}
	}
	return VI
}

func normalize(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "-_"); i > 0 {
		v = v[:i]
	}
	for _, s := range Supported {
		if v == s {
			return s
		}
	}
	return ""
}

type langKey struct{}

// WithLang returns a context carrying the negotiated language.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// LangFrom returns the language carried by ctx, Vietnamese by default.
func LangFrom(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok && l != "" {
		return l
	}
	return VI
}
