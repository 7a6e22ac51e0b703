package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/download"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
)

// Public paths of the intake pages. Vietnamese, because that is what people
// type and read aloud over the phone.
const (
	PathSubmit  = "/gui-phan-anh"
	PathTrack   = "/tra-cuu"
	PathRate    = "/tra-cuu/danh-gia"
	PathDispute = "/tra-cuu/khong-dong-y"
	PathFile    = "/tra-cuu/tep"
	// PathNotices turns the case's notifications off or on from the
	// tracking page (code and secret); PathNoticesOff is the signed link
	// of each e-mail (a GET that asks, a POST that does).
	PathNotices    = "/tra-cuu/thong-bao"
	PathNoticesOff = "/tra-cuu/tat-thong-bao"
)

// Intake is what the public form and the tracking page need.
type Intake struct {
	Service  *petition.Service
	Files    petition.Files
	Now      func() time.Time
	Location *time.Location
	// FormKey signs the form token (HMAC-SHA256): a one-time id that is
	// also the submission's idempotency key, and the time the form was
	// served, for the minimum fill time.
	FormKey     []byte
	MinFillTime time.Duration
}

// NewFormKey returns a random key for Intake.FormKey, for when the
// configuration gives none.
func NewFormKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

func (p *Pages) mountIntake(e *echo.Echo) {
	e.GET(PathSubmit, p.petitionForm)
	e.POST(PathSubmit, p.petitionSubmit)
	e.GET(PathTrack, p.trackForm)
	e.POST(PathTrack, p.trackSubmit)
	e.POST(PathRate, p.rateSubmit)
	e.POST(PathDispute, p.disputeSubmit)
	e.POST(PathFile, p.fileDownload)
	e.POST(PathNotices, p.noticesSubmit)
	e.GET(PathNoticesOff, p.noticesOffForm)
	e.POST(PathNoticesOff, p.noticesOffSubmit)
}

// --- the form token ---------------------------------------------------------

const tokenMaxAge = 24 * time.Hour

// issueToken returns "payload.mac" where payload is 12 random bytes and the
// issue time, base64url.
func (in *Intake) issueToken() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b[:12]); err != nil {
		panic(err)
	}
	binary.BigEndian.PutUint64(b[12:], uint64(in.Now().Unix()))
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + in.mac(payload)
}

func (in *Intake) mac(payload string) string {
	m := hmac.New(sha256.New, in.FormKey)
	m.Write([]byte("phucdap form token\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkToken returns the token's one-time id and when the form was served.
func (in *Intake) checkToken(tok string) (id string, issued time.Time, ok bool) {
	payload, sig, found := strings.Cut(tok, ".")
	if !found || !hmac.Equal([]byte(sig), []byte(in.mac(payload))) {
		return "", time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || len(b) != 20 {
		return "", time.Time{}, false
	}
	return base64.RawURLEncoding.EncodeToString(b[:12]), time.Unix(int64(binary.BigEndian.Uint64(b[12:])), 0), true
}

// --- the form ----------------------------------------------------------------

type kindOption struct {
	Value   string
	Checked bool
}

type topicOption struct {
	ID       int64
	Name     string
	Hint     string // what the topic covers, in the page's language
	Selected bool
}

type formError struct {
	Field   string
	Label   string
	Message string
}

type formData struct {
	Kinds    []kindOption
	Topics   []topicOption
	Hinted   bool              // some topic has a hint
	V        map[string]string // what was typed
	Consent  bool
	Waive    bool
	Errors   []formError
	FieldErr map[string]string
	Notice   string
	Token    string
	Rejected []string
	Limits   map[string]int
}

// fieldLabels name each field in the error summary.
var fieldLabels = map[string]string{
	petition.FieldKind: "petition.form.kind", petition.FieldTopic: "petition.form.topic", petition.FieldTitle: "petition.form.title",
	petition.FieldContent: "petition.form.content", petition.FieldPlace: "petition.form.place", petition.FieldName: "petition.form.name",
	petition.FieldPhone: "petition.form.phone", petition.FieldEmail: "petition.form.email", petition.FieldAddress: "petition.form.address",
	petition.FieldConsent: "petition.form.consent_label", petition.FieldFiles: "petition.form.files",
}

func (p *Pages) newFormData(c echo.Context, values map[string]string) (*formData, error) {
	lang := i18n.LangFrom(c.Request().Context())
	topics, err := p.Intake.Service.Topics(c.Request().Context())
	if err != nil {
		return nil, err
	}
	if values == nil {
		values = map[string]string{}
	}
	d := &formData{V: values, FieldErr: map[string]string{}, Consent: values["consent"] != "", Waive: values["waive_secrecy"] != "",
		Limits: map[string]int{"title": petition.MaxTitle, "content": petition.MaxContent, "name": petition.MaxName,
			"address": petition.MaxAddress, "place": petition.MaxPlace, "files": petition.MaxFiles, "file_mb": petition.MaxFileSize >> 20,
			"file_bytes": petition.MaxFileSize}}
	for _, k := range petition.Kinds {
		d.Kinds = append(d.Kinds, kindOption{Value: string(k), Checked: values["kind"] == string(k)})
	}
	for _, t := range topics {
		d.Topics = append(d.Topics, topicOption{ID: t.ID, Name: t.Name(lang), Hint: t.Hint(lang),
			Selected: values["topic_id"] == strconv.FormatInt(t.ID, 10)})
		d.Hinted = d.Hinted || t.Hint(lang) != ""
	}
	return d, nil
}

func (p *Pages) petitionForm(c echo.Context) error {
	d, err := p.newFormData(c, nil)
	if err != nil {
		return err
	}
	if k := c.QueryParam("kind"); petition.Kind(k).Valid() {
		d.V["kind"] = k
		for i := range d.Kinds {
			d.Kinds[i].Checked = d.Kinds[i].Value == k
		}
	}
	d.Token = p.Intake.issueToken()
	c.Response().Header().Set("Cache-Control", "no-store")
	return p.render(c, http.StatusOK, "petition_new", "petition.form.title_page", d)
}

// formFields reads the posted form: multipart (with files, streamed to the
// file store) or urlencoded.
func (p *Pages) formFields(c echo.Context) (map[string]string, *petition.Form, error) {
	r := c.Request()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, nil, petition.ErrBadMultipart.Wrap(err)
		}
		form, err := petition.ReadForm(r.Context(), mr, p.Intake.Files)
		return form.Fields, form, err
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, petition.ErrBadMultipart.Wrap(err)
	}
	out := map[string]string{}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out, &petition.Form{Fields: out}, nil
}

func (p *Pages) petitionSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	in := p.Intake
	fields, form, readErr := p.formFields(c)
	if form == nil {
		return readErr
	}
	discard := func() {
		for _, u := range form.Uploads {
			form.Rejected = append(form.Rejected, u.Name)
			in.Files.Discard(ctx, u.Stored)
		}
		form.Uploads = nil
	}
	// A filled honeypot is a robot: tell it nothing useful.
	if strings.TrimSpace(fields["website"]) != "" {
		discard()
		p.Logger.InfoContext(ctx, "intake refused", "reason", "honeypot")
		return p.RenderError(c, http.StatusBadRequest, "bad_request", p.Catalog.T(lang, "petition.form.refused", nil))
	}
	d, err := p.newFormData(c, fields)
	if err != nil {
		discard()
		return err
	}
	show := func(status int) error {
		d.Rejected = form.Rejected
		c.Response().Header().Set("Cache-Control", "no-store")
		return p.render(c, status, "petition_new", "petition.form.title_page", d)
	}
	id, issued, ok := in.checkToken(fields["form_token"])
	now := in.Now()
	switch {
	case !ok || now.Sub(issued) > tokenMaxAge:
		discard()
		d.Token = in.issueToken()
		d.Notice = p.Catalog.T(lang, "petition.form.token_invalid", nil)
		return show(http.StatusBadRequest)
	case now.Sub(issued) < in.MinFillTime:
		discard()
		d.Token = fields["form_token"] // still good once a person has had time to read
		d.Notice = p.Catalog.T(lang, "petition.form.too_fast", nil)
		p.Logger.InfoContext(ctx, "intake refused", "reason", "min_fill_time")
		return show(http.StatusUnprocessableEntity)
	}
	d.Token = fields["form_token"]
	if readErr != nil {
		return p.formError(c, d, readErr, show)
	}
	si := petition.SubmitInput{Channel: petition.ChannelWeb, Lang: lang, ClientIP: c.RealIP(),
		KeepSecret: fields["waive_secrecy"] == "", IdempotencyKey: id, Attachments: form.Uploads}
	si.FillFromForm(form.Value)
	rec, err := in.Service.Submit(ctx, si)
	if err != nil {
		for _, u := range si.Attachments {
			form.Rejected = append(form.Rejected, u.Name) // Submit discarded them
		}
		return p.formError(c, d, err, show)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if rec.DuplicateOf != "" {
		return p.render(c, http.StatusOK, "petition_duplicate", "petition.duplicate_title", map[string]any{"Code": rec.DuplicateOf})
	}
	return p.render(c, http.StatusOK, "petition_receipt", "petition.receipt.title", p.receiptData(lang, rec))
}

// formError shows the form again with err explained inline and in the
// summary, or returns err when it is not about the form.
func (p *Pages) formError(c echo.Context, d *formData, err error, show func(int) error) error {
	lang := i18n.LangFrom(c.Request().Context())
	var list fault.List
	var one *fault.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one) && one.Field != "":
		list = fault.List{one}
	case errors.As(err, &one) && one.Code == fault.RateLimited:
		d.Notice = present.Message(p.Catalog, lang, one)
		return show(http.StatusTooManyRequests)
	default:
		return err
	}
	for _, fe := range list {
		msg := present.Message(p.Catalog, lang, fe)
		field := fe.Field
		if _, ok := fieldLabels[field]; !ok {
			field = petition.FieldContent
		}
		if _, dup := d.FieldErr[field]; !dup {
			d.FieldErr[field] = msg
		}
		d.Errors = append(d.Errors, formError{Field: field, Label: p.Catalog.T(lang, fieldLabels[field], nil), Message: msg})
	}
	status := http.StatusUnprocessableEntity
	if one != nil {
		status = present.Status(one)
	}
	return show(status)
}

type receiptData struct {
	Code, Secret, Kind string
	ReceivedAt         string
	DueAt              string
	DueWhy             string
	// DueLabel says what the due time is for (present.DueLabel).
	DueLabel string
	Replayed bool
}

func (p *Pages) receiptData(lang string, rec petition.Receipt) receiptData {
	d := receiptData{Code: rec.Code, Secret: rec.Secret, Kind: string(rec.Kind), Replayed: rec.Replayed,
		ReceivedAt: present.Moment(rec.ReceivedAt, p.Intake.Location, lang),
		DueWhy:     present.DueExplanation(p.Catalog, lang, rec.Due), DueLabel: present.DueLabel(p.Catalog, lang, rec.Due.RuleID)}
	if rec.Due.Computed() {
		d.DueAt = present.TimeIn(rec.Due.At, p.Intake.Location, lang, p.Catalog)
	}
	return d
}

// --- tracking --------------------------------------------------------------

type trackData struct {
	Code, Secret, Contact string
	Notice                string
	Success               string
	Error                 string
	FieldErr              map[string]string
	View                  *trackView
}

type trackEvent struct {
	At   string
	Text string
}

type trackFile struct {
	ID   int64
	Name string
	Size string
}

type trackView struct {
	Full                                             bool
	Code, Kind, Topic, Title, Content, Place, Status string
	ReceivedAt, DueAt, DueWhy, DueLabel              string
	// Late: the case is past its due time and still being worked on
	// (petition.Case.LateAt); the page says so and apologises.
	Late     bool
	Timeline []trackEvent
	Files    []trackFile
	Answer   *struct {
		Body, Signer, At     string
		LetterNo, LetterDate string
		Files                []trackFile
	}
	Stars        int
	Comment      string
	CanRate      bool
	CanDispute   bool
	Disputed     bool
	DisputeUntil string
	NoticesOff   bool
	NoticesOffAt string
}

// langSwitch keeps a shown case on the page when the citizen switches the
// language: the switch posts the code with the secret or contact again
// (never in the address, where logs and history would keep it).
func (d *trackData) langSwitch() (string, map[string]string) {
	if d.View == nil {
		return "", nil
	}
	return PathTrack, map[string]string{"code": d.Code, "secret": d.Secret, "contact": d.Contact}
}

func (p *Pages) trackForm(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return p.render(c, http.StatusOK, "track", "petition.track.title", &trackData{Code: c.QueryParam("code"), FieldErr: map[string]string{}})
}

func (p *Pages) trackInput(c echo.Context) (petition.TrackInput, *trackData) {
	d := &trackData{Code: strings.TrimSpace(c.FormValue("code")), Secret: strings.TrimSpace(c.FormValue("secret")),
		Contact: strings.TrimSpace(c.FormValue("contact")), FieldErr: map[string]string{}}
	return petition.TrackInput{Code: d.Code, Secret: d.Secret, Contact: d.Contact, ClientIP: c.RealIP()}, d
}

func (p *Pages) trackSubmit(c echo.Context) error {
	ti, d := p.trackInput(c)
	return p.showTrack(c, ti, d, http.StatusOK)
}

// showTrack looks the case up and renders it, or the form with a message
// that never says which part was wrong.
func (p *Pages) showTrack(c echo.Context, ti petition.TrackInput, d *trackData, status int) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	c.Response().Header().Set("Cache-Control", "no-store")
	if d.Code == "" || (d.Secret == "" && d.Contact == "") {
		d.Error = p.Catalog.T(lang, "petition.track.need_both", nil)
		return p.render(c, http.StatusUnprocessableEntity, "track", "petition.track.title", d)
	}
	v, err := p.Intake.Service.Track(ctx, ti)
	if err != nil {
		fe, ok := fault.As(err)
		if !ok {
			return err
		}
		d.Error = present.Message(p.Catalog, lang, fe)
		present.SetRetryAfter(c.Response().Header(), err)
		return p.render(c, present.Status(err), "track", "petition.track.title", d)
	}
	d.View = p.trackView(lang, v)
	return p.render(c, status, "track", "petition.track.title", d)
}

func (p *Pages) trackView(lang string, v *petition.View) *trackView {
	loc := p.Intake.Location
	at := func(t time.Time) string { return present.Moment(t, loc, lang) }
	c := v.Case
	tv := &trackView{Code: c.Code, Kind: string(c.Kind), Topic: v.Topic.Name(lang), Title: c.Title, Content: c.Content, Place: c.Place,
		Status: string(c.Status), ReceivedAt: at(c.ReceivedAt), DueWhy: present.DueExplanation(p.Catalog, lang, c.Due),
		DueLabel: present.DueLabel(p.Catalog, lang, c.Due.RuleID),
		CanRate:  v.CanRate, CanDispute: v.CanDispute, Disputed: v.Disputed, Full: v.Full}
	if c.Due.Computed() {
		tv.DueAt = present.TimeIn(c.Due.At, loc, lang, p.Catalog)
	}
	tv.Late = c.LateAt(p.Intake.Now())
	for _, e := range v.Timeline {
		tv.Timeline = append(tv.Timeline, trackEvent{At: at(e.CreatedAt), Text: present.EventText(p.Catalog, lang, e, loc)})
	}
	for _, f := range v.Attachments {
		tv.Files = append(tv.Files, trackFile{ID: f.ID, Name: f.Name, Size: humanSize(f.Size)})
	}
	if a := v.Answer; a != nil {
		tv.Answer = &struct {
			Body, Signer, At     string
			LetterNo, LetterDate string
			Files                []trackFile
		}{Body: a.Body, Signer: a.Signer, At: at(a.PublishedAt), LetterNo: a.LetterNo, LetterDate: a.LetterDate}
		for _, f := range a.Attachments {
			tv.Answer.Files = append(tv.Answer.Files, trackFile{ID: f.ID, Name: f.Name, Size: humanSize(f.Size)})
		}
		tv.DisputeUntil = at(v.DisputeUntil)
	}
	if r := v.Rating; r != nil {
		tv.Stars, tv.Comment = r.Stars, r.Comment
	}
	if v.NoticesOffAt != nil {
		tv.NoticesOff, tv.NoticesOffAt = true, at(*v.NoticesOffAt)
	}
	return tv
}

func (p *Pages) rateSubmit(c echo.Context) error {
	ti, d := p.trackInput(c)
	stars, _ := strconv.Atoi(c.FormValue("stars"))
	err := p.Intake.Service.Rate(c.Request().Context(), petition.RateInput{TrackInput: ti, Stars: stars, Comment: c.FormValue("comment")})
	return p.afterAction(c, ti, d, err, "petition.track.rated")
}

func (p *Pages) disputeSubmit(c echo.Context) error {
	ti, d := p.trackInput(c)
	err := p.Intake.Service.Dispute(c.Request().Context(), petition.DisputeInput{TrackInput: ti, Reason: c.FormValue("reason")})
	return p.afterAction(c, ti, d, err, "petition.track.disputed")
}

// noticesSubmit turns the case's notifications off (off=1) or on again
// (off=0): a plain form, so it works without JavaScript.
func (p *Pages) noticesSubmit(c echo.Context) error {
	ti, d := p.trackInput(c)
	off := c.FormValue("off") == "1"
	err := p.Intake.Service.SetNotices(c.Request().Context(), petition.NoticesInput{TrackInput: ti, Off: off})
	ok := "petition.notices.turned_on"
	if off {
		ok = "petition.notices.turned_off"
	}
	return p.afterAction(c, ti, d, err, ok)
}

type noticesOffData struct {
	Code, Sig string
	Done      bool
	Error     string
}

// noticesOffForm asks before turning notifications off: a mail scanner
// that follows the e-mail's link must not turn them off by itself.
func (p *Pages) noticesOffForm(c echo.Context) error {
	d := &noticesOffData{Code: c.QueryParam("code"), Sig: c.QueryParam("sig")}
	status := http.StatusOK
	if !p.Intake.Service.CheckNoticeLink(d.Code, d.Sig) {
		d.Error = p.Catalog.T(i18n.LangFrom(c.Request().Context()), "petition.notices.bad_link", nil)
		status = http.StatusNotFound
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return p.render(c, status, "notices_off", "petition.notices.off_title", d)
}

func (p *Pages) noticesOffSubmit(c echo.Context) error {
	d := &noticesOffData{Code: strings.TrimSpace(c.FormValue("code")), Sig: c.FormValue("sig")}
	status := http.StatusOK
	err := p.Intake.Service.Unsubscribe(c.Request().Context(), d.Code, d.Sig)
	switch {
	case err == nil:
		d.Done = true
	case errors.Is(err, petition.ErrBadNoticeLink):
		d.Error = p.Catalog.T(i18n.LangFrom(c.Request().Context()), "petition.notices.bad_link", nil)
		status = http.StatusNotFound
	default:
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return p.render(c, status, "notices_off", "petition.notices.off_title", d)
}

// fileDownload serves a file of the case or its answer to the holder of the
// secret (a POST, so that the secret stays out of URLs and logs).
func (p *Pages) fileDownload(c echo.Context) error {
	ti, d := p.trackInput(c)
	id, err := strconv.ParseInt(c.FormValue("id"), 10, 64)
	if err != nil {
		id = -1
	}
	att, r, err := p.Intake.Service.File(c.Request().Context(), ti, id)
	if err != nil {
		return p.afterAction(c, ti, d, err, "")
	}
	defer r.Close()
	return download.Serve(c.Response(), download.File{Name: att.Name, MediaType: att.MediaType, Size: att.Size}, r)
}

// afterAction shows the case again with what the rating or dispute did.
func (p *Pages) afterAction(c echo.Context, ti petition.TrackInput, d *trackData, err error, okID string) error {
	lang := i18n.LangFrom(c.Request().Context())
	status := http.StatusOK
	if err != nil {
		var list fault.List
		fe, ok := fault.As(err)
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				d.FieldErr[e.Field] = present.Message(p.Catalog, lang, e)
			}
			status = http.StatusUnprocessableEntity
		case ok && (fe.Code == fault.NotFound || fe.Code == fault.RateLimited):
			d.Error = present.Message(p.Catalog, lang, fe)
			c.Response().Header().Set("Cache-Control", "no-store")
			present.SetRetryAfter(c.Response().Header(), err)
			return p.render(c, present.Status(err), "track", "petition.track.title", d)
		case ok:
			d.Notice = present.Message(p.Catalog, lang, fe)
			status = present.Status(err)
		default:
			return err
		}
	} else {
		d.Success = p.Catalog.T(lang, okID, nil)
	}
	return p.showTrack(c, ti, d, status)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
