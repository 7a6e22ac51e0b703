package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/download"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
)

// Intake is what the petition operations need.
type Intake struct {
	Service *petition.Service
	Files   petition.Files
	Catalog *i18n.Catalog
	// Location is where the timeline's dates are shown (Hà Nội).
	Location *time.Location
}

// ClientIP is echo middleware that records the client address (as echo's
// IPExtractor sees it) in the request context, where the strict handlers
// can read it for rate limits.
func ClientIP(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		c.SetRequest(r.WithContext(platform.WithClientIP(r.Context(), c.RealIP())))
		return next(c)
	}
}

func clientIP(ctx context.Context) string { return platform.ClientIP(ctx) }

// Bad JSON bodies. encoding/json silently replaces invalid UTF-8 with
// U+FFFD, so it is checked here, before any handler decodes.
var (
	ErrBadJSON = fault.New(fault.BadRequest, "error.bad_json")
	ErrBadUTF8 = fault.New(fault.BadRequest, "error.bad_utf8")
)

// JSONGuard is echo middleware for the API: a JSON body must be valid UTF-8,
// well-formed JSON and of its operation's shape in the spec (types,
// required members, no null where none is allowed, strings within their
// bounds), or the request ends with a 4xx that names each bad field before
// any handler sees it.
func JSONGuard(schemas Schemas) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !strings.HasPrefix(r.URL.Path, "/api/") || r.Body == nil || r.ContentLength == 0 {
				return next(c)
			}
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if mt != "application/json" {
				return next(c)
			}
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return err // the body limit's 413, or a broken connection
			}
			if !utf8.Valid(b) {
				return ErrBadUTF8
			}
			if len(bytes.TrimSpace(b)) > 0 {
				if !json.Valid(b) {
					return ErrBadJSON
				}
				if err := schemas.validateBody(c, b); err != nil {
					return err
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			return next(c)
		}
	}
}

// ListTopics implements GET /topics.
func (a *API) ListTopics(ctx context.Context, _ ListTopicsRequestObject) (ListTopicsResponseObject, error) {
	in := a.Petitions
	ts, err := in.Service.Topics(ctx)
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	out := ListTopics200JSONResponse{Topics: make([]Topic, 0, len(ts))}
	for _, t := range ts {
		tj := Topic{Id: t.ID, Slug: t.Slug, Name: t.Name(lang), NameVi: t.NameVI, NameEn: t.NameEN}
		if t.PlanTaskID != 0 {
			tj.PlanTaskId = ptr(t.PlanTaskID)
		}
		if h := t.Hint(lang); h != "" {
			tj.Hint = ptr(h)
		}
		out.Topics = append(out.Topics, tj)
	}
	return out, nil
}

func topicAdminJSON(t petition.Topic) TopicAdmin {
	out := TopicAdmin{Id: t.ID, Slug: t.Slug, NameVi: t.NameVI, NameEn: t.NameEN, HintVi: t.HintVI, HintEn: t.HintEN,
		Position: t.Position, Active: t.Active}
	if t.LeadUnitID != 0 {
		out.LeadUnitId = ptr(t.LeadUnitID)
	}
	if t.PlanTaskID != 0 {
		out.PlanTaskId = ptr(t.PlanTaskID)
	}
	return out
}

// ListAdminTopics implements GET /admin/topics.
func (a *API) ListAdminTopics(ctx context.Context, _ ListAdminTopicsRequestObject) (ListAdminTopicsResponseObject, error) {
	ts, err := a.Petitions.Service.AllTopics(ctx, actor(ctx))
	if err != nil {
		return nil, err
	}
	out := ListAdminTopics200JSONResponse{Topics: make([]TopicAdmin, 0, len(ts))}
	for _, t := range ts {
		out.Topics = append(out.Topics, topicAdminJSON(t))
	}
	return out, nil
}

// UpdateTopic implements PUT /admin/topics/{id}.
func (a *API) UpdateTopic(ctx context.Context, req UpdateTopicRequestObject) (UpdateTopicResponseObject, error) {
	b := req.Body
	if b == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_json")
	}
	e := petition.TopicEdit{NameVI: b.NameVi, NameEN: deref(b.NameEn), HintVI: deref(b.HintVi), HintEN: deref(b.HintEn),
		LeadUnitID: deref(b.LeadUnitId), PlanTaskID: deref(b.PlanTaskId), Active: b.Active}
	t, err := a.Petitions.Service.UpdateTopic(ctx, actor(ctx), req.Id, e)
	if err != nil {
		return nil, err
	}
	return UpdateTopic200JSONResponse(topicAdminJSON(t)), nil
}

// SubmitPetition implements POST /petitions (JSON or multipart).
func (a *API) SubmitPetition(ctx context.Context, req SubmitPetitionRequestObject) (SubmitPetitionResponseObject, error) {
	in := a.Petitions
	lang := i18n.LangFrom(ctx)
	si := petition.SubmitInput{Channel: petition.ChannelAPI, Lang: lang, ClientIP: clientIP(ctx), KeepSecret: true}
	if k := req.Params.IdempotencyKey; k != nil {
		si.IdempotencyKey = *k
	}
	switch {
	case req.JSONBody != nil:
		b := req.JSONBody
		si.Kind, si.TopicID, si.Title, si.Content, si.Name, si.Consent = petition.Kind(b.Kind), b.TopicId, b.Title, b.Content, b.Name, b.Consent
		si.Place, si.Phone, si.Email, si.Address = deref(b.Place), deref(b.Phone), deref(b.Email), deref(b.Address)
		if b.KeepIdentitySecret != nil {
			si.KeepSecret = *b.KeepIdentitySecret
		}
	case req.MultipartBody != nil:
		form, err := petition.ReadForm(ctx, req.MultipartBody, in.Files)
		if err != nil {
			return nil, err
		}
		si.FillFromForm(form.Value)
		si.Attachments = form.Uploads
		if v, ok := form.Fields["keep_identity_secret"]; ok {
			si.KeepSecret = !isFalse(v)
		}
	default:
		return nil, fault.New(fault.Unsupported, "error.unsupported_type")
	}
	rec, err := in.Service.Submit(ctx, si)
	if err != nil {
		return nil, err
	}
	if rec.DuplicateOf != "" {
		return SubmitPetition409JSONResponse{Code: "duplicate", DuplicateOf: rec.DuplicateOf,
			Message:   in.Catalog.T(lang, "petition.duplicate", map[string]any{"Code": rec.DuplicateOf}),
			RequestId: ptr(platform.RequestID(ctx))}, nil
	}
	out := SubmitPetition201JSONResponse{Code: rec.Code, Secret: rec.Secret, Status: string(rec.Status),
		ReceivedAt: rec.ReceivedAt, DueExplanation: present.DueExplanation(in.Catalog, lang, rec.Due)}
	if rec.Due.RuleID != "" {
		out.RuleId = ptr(rec.Due.RuleID)
		out.DueRule = out.RuleId // deprecated alias
	}
	if rec.Due.Computed() {
		out.DueAt = ptr(rec.Due.At)
	}
	return out, nil
}

func isFalse(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "0", "false", "off", "no", "khong", "không":
		return true
	}
	return false
}

func trackInput(ctx context.Context, code string, secret, contact *string) petition.TrackInput {
	return petition.TrackInput{Code: code, Secret: deref(secret), Contact: deref(contact), ClientIP: clientIP(ctx)}
}

// TrackPetition implements GET /petitions/{code}. The view has no
// notifications' state, so the read leaves it out.
func (a *API) TrackPetition(ctx context.Context, req TrackPetitionRequestObject) (TrackPetitionResponseObject, error) {
	in := a.Petitions
	ti := trackInput(ctx, req.Code, req.Params.XTrackingSecret, req.Params.XTrackingContact)
	ti.NoNotices = true
	v, err := in.Service.Track(ctx, ti)
	if err != nil {
		return nil, err
	}
	lang := i18n.LangFrom(ctx)
	c := v.Case
	if !v.Full {
		st := TrackPetition200JSONResponse{Scope: Status, Code: c.Code, Kind: PetitionKind(c.Kind), Status: string(c.Status),
			ReceivedAt: c.ReceivedAt, DueExplanation: present.DueExplanation(in.Catalog, lang, c.Due),
			Timeline: []PetitionEvent{}, Attachments: []PetitionFile{}}
		if c.Due.Computed() {
			st.DueAt = ptr(c.Due.At)
		}
		return st, nil
	}
	out := TrackPetition200JSONResponse{Scope: Full, Code: c.Code, Kind: PetitionKind(c.Kind), Title: c.Title, Content: c.Content,
		Status: string(c.Status), ReceivedAt: c.ReceivedAt, DueExplanation: present.DueExplanation(in.Catalog, lang, c.Due),
		Timeline: make([]PetitionEvent, 0, len(v.Timeline)), Attachments: files(v.Attachments),
		CanRate: v.CanRate, CanDispute: v.CanDispute}
	if c.Place != "" {
		out.Place = ptr(c.Place)
	}
	if v.Topic.ID != 0 {
		out.Topic = ptr(v.Topic.Name(lang))
	}
	if c.Due.Computed() {
		out.DueAt = ptr(c.Due.At)
	}
	for _, e := range v.Timeline {
		ej := PetitionEvent{Kind: string(e.Kind), At: e.CreatedAt, Text: present.EventText(in.Catalog, lang, e, in.Location)}
		if e.UnitName != "" {
			ej.Unit = ptr(e.UnitName)
		}
		out.Timeline = append(out.Timeline, ej)
	}
	if ans := v.Answer; ans != nil {
		out.Answer = &PetitionAnswer{Body: ans.Body, PublishedAt: ans.PublishedAt, Attachments: files(ans.Attachments)}
		if ans.LetterNo != "" {
			out.Answer.LetterNo = ptr(ans.LetterNo)
		}
		if ans.LetterDate != "" {
			out.Answer.LetterDate = ptr(ans.LetterDate)
		}
		if ans.Signer != "" {
			out.Answer.Signer = ptr(ans.Signer)
		}
		out.DisputeUntil = ptr(v.DisputeUntil)
	}
	if r := v.Rating; r != nil {
		out.Rating = &struct {
			Comment *string `json:"comment,omitempty"`
			Stars   int     `json:"stars"`
		}{Stars: r.Stars}
		if r.Comment != "" {
			out.Rating.Comment = ptr(r.Comment)
		}
	}
	return out, nil
}

func files(as []petition.Attachment) []PetitionFile {
	out := make([]PetitionFile, 0, len(as))
	for _, a := range as {
		out = append(out, PetitionFile{Id: a.ID, Name: a.Name, MediaType: a.MediaType, Size: a.Size, Sha256: a.SHA256})
	}
	return out
}

// GetPetitionFile implements GET /petitions/{code}/files/{id}.
func (a *API) GetPetitionFile(ctx context.Context, req GetPetitionFileRequestObject) (GetPetitionFileResponseObject, error) {
	in := a.Petitions
	att, r, err := in.Service.File(ctx, trackInput(ctx, req.Code, req.Params.XTrackingSecret, req.Params.XTrackingContact), req.Id)
	if err != nil {
		return nil, err
	}
	return attachmentResponse{att: att, r: r}, nil
}

// attachmentResponse serves a stored file as a download.
type attachmentResponse struct {
	att petition.Attachment
	r   io.ReadCloser
}

func (a attachmentResponse) VisitGetPetitionFileResponse(w http.ResponseWriter) error {
	defer a.r.Close()
	return download.Serve(w, download.File{Name: a.att.Name, MediaType: a.att.MediaType, Size: a.att.Size}, a.r)
}

// RatePetition implements POST /petitions/{code}/rating.
func (a *API) RatePetition(ctx context.Context, req RatePetitionRequestObject) (RatePetitionResponseObject, error) {
	in := a.Petitions
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_request")
	}
	err := in.Service.Rate(ctx, petition.RateInput{
		TrackInput: trackInput(ctx, req.Code, req.Params.XTrackingSecret, req.Params.XTrackingContact),
		Stars:      req.Body.Stars, Comment: deref(req.Body.Comment)})
	if err != nil {
		return nil, err
	}
	return RatePetition204Response{}, nil
}

// DisputePetition implements POST /petitions/{code}/dispute.
func (a *API) DisputePetition(ctx context.Context, req DisputePetitionRequestObject) (DisputePetitionResponseObject, error) {
	in := a.Petitions
	if req.Body == nil {
		return nil, fault.New(fault.BadRequest, "error.bad_request")
	}
	err := in.Service.Dispute(ctx, petition.DisputeInput{
		TrackInput: trackInput(ctx, req.Code, req.Params.XTrackingSecret, req.Params.XTrackingContact),
		Reason:     req.Body.Reason})
	if err != nil {
		return nil, err
	}
	return DisputePetition204Response{}, nil
}
