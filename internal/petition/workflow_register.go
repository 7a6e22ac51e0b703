package petition

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/platform"
)

// RegisterInput is a case the office types in (vào sổ) from a channel other
// than the web form. ReceivedAt is when the agency received it, which
// starts the clock; the typing time does not count.
type RegisterInput struct {
	Kind       Kind
	Channel    Channel
	ReceivedAt time.Time
	TopicID    int64
	Title      string
	Content    string
	Place      string
	// The petitioner; all optional (an anonymous letter is registered,
	// then classified as not eligible).
	Name, Phone, Email, Address, IDNumber string
	// KeepSecret: a denouncer keeps identity secrecy unless false.
	KeepSecret bool
	Lang       string
	// Files are the scanned letter and its enclosures, already in the file
	// store (the staff form's upload, checked as the citizen's are); the
	// caller keeps them when the case is registered, discards them
	// otherwise.
	Files []Upload
	// AtReception: the content was received at a citizen-reception
	// session (in person), so its first clock is the answer to the visitor
	// within 10 working days (Luật Tiếp công dân Art. 28(1),
	// deadline.ReceptionAnswer), whatever its kind.
	AtReception bool
	// Then is an action taken on the case as soon as it is registered, in
	// the same transaction (reception refused: RefuseReceptionInput), so
	// that no crash leaves the case registered without it.
	Then Input
	// Linked is a record the store writes in the same transaction, naming
	// the case (the reception session the case was opened from): neither
	// is ever stored without the other. Result.LinkedID is its id.
	Linked Linked
}

// Linked is a record of another domain written in the transaction that
// registers a case, naming it. The store knows how to write each kind.
type Linked interface {
	// LinkedKind names the record's kind, for errors.
	LinkedKind() string
}

// MaxReceivedAge bounds how far back a received date may be: a year covers
// a letter found late in a pile, and catches a mistyped year.
const MaxReceivedAge = 366 * 24 * time.Hour

// Register records a case the office received through another channel and
// returns its receipt (code and secret, shown once, for the office to hand
// to the citizen).
func (w *Workflow) Register(ctx context.Context, by access.Actor, in RegisterInput) (Result, error) {
	if !access.Can(by, access.ActCaseRegister, nil) {
		if !by.Authenticated() {
			return Result{}, fault.New(fault.Unauthenticated, "error.unauthenticated")
		}
		return Result{}, ErrForbidden
	}
	now := w.cfg.Now().UTC()
	var e errs
	switch {
	case in.Channel == "":
		e.add(fault.FieldError("channel", "workflow.channel_required", nil))
	case !slices.Contains(StaffChannels, in.Channel) || (in.AtReception && in.Channel != ChannelInPerson):
		e.add(fault.FieldError("channel", "workflow.channel_invalid", nil))
	}
	if len(in.Files) > MaxFiles {
		e.add(fault.FieldError(FieldFiles, "petition.too_many_files", map[string]any{"Max": MaxFiles}))
	}
	switch {
	case in.ReceivedAt.IsZero():
		e.add(fault.FieldError("received_at", "workflow.received_required", nil))
	case in.ReceivedAt.After(now):
		e.add(fault.FieldError("received_at", "workflow.date_future", nil))
	case now.Sub(in.ReceivedAt) > MaxReceivedAge:
		e.add(fault.FieldError("received_at", "workflow.received_too_old", nil))
	}
	// The kind after the channel and the time, as the form asks them, so
	// its summary of errors reads in the form's order.
	switch {
	case in.Kind == "":
		e.add(fault.FieldError(FieldKind, "workflow.kind_required", nil))
	case !in.Kind.Valid():
		e.add(fault.FieldError(FieldKind, "petition.kind_invalid", nil))
	}
	title, fe := checkText(FieldTitle, in.Title, 1, MaxTitle)
	e.add(fe)
	content, fe := checkText(FieldContent, in.Content, MinContent, MaxContent)
	e.add(fe)
	place, fe := checkText(FieldPlace, in.Place, 0, MaxPlace)
	e.add(fe)
	name, fe := checkText(FieldName, in.Name, 0, MaxName)
	e.add(fe)
	address, fe := checkText(FieldAddress, in.Address, 0, MaxAddress)
	e.add(fe)
	idNumber, fe := checkText("id_number", in.IDNumber, 0, 40)
	e.add(fe)
	var phone, email string
	if p := strings.TrimSpace(in.Phone); p != "" {
		if n, ok := NormalizePhone(p); ok {
			phone = n
		} else {
			e.add(fault.FieldError(FieldPhone, "petition.phone_invalid", nil))
		}
	}
	if m := strings.TrimSpace(in.Email); m != "" {
		if n, ok := NormalizeEmail(m); ok {
			email = n
		} else {
			e.add(fault.FieldError(FieldEmail, "petition.email_invalid", nil))
		}
	}
	var topic Topic
	if in.TopicID != 0 {
		topics, err := w.cfg.Topics.ListTopics(ctx)
		if err != nil {
			return Result{}, err
		}
		i := slices.IndexFunc(topics, func(t Topic) bool { return t.ID == in.TopicID })
		if i < 0 {
			e.add(fault.FieldError(FieldTopic, "petition.topic_invalid", nil))
		} else {
			topic = topics[i]
		}
	}
	if utf8.RuneCountInString(name) == 1 {
		e.add(fault.FieldError(FieldName, "petition.too_short", map[string]any{"Min": 2, "Count": 1}))
	}
	if err := e.err(); err != nil {
		return Result{}, err
	}
	lang := in.Lang
	if lang != "en" {
		lang = "vi"
	}
	keep := in.KeepSecret || !in.Kind.Secret()
	received := in.ReceivedAt.UTC()
	d := &decision{w: w, ctx: ctx, now: now, st: &CaseState{ReceivedAt: received}, eng: w.cfg.Deadlines.Engine(ctx)}
	rule := in.Kind.DueRule()
	if in.AtReception {
		rule = deadline.ReceptionAnswer
	}
	due, err := d.firstClock(rule, topic.ID, received)
	if err != nil {
		// As at intake: a case is never refused because the deadline
		// engine cannot say; it shows "not yet computed".
		w.cfg.Log.WarnContext(ctx, "due time not computed", "rule", rule, "err", err)
		due = Due{RuleID: rule}
	}
	secret, salt := NewSecret(), newSalt()
	nc := NewCase{Agency: w.cfg.Agency, Year: yearIn(now, w.cfg.Location), Kind: in.Kind, Channel: in.Channel,
		RequestID: platform.RequestID(ctx),
		TopicID:   topic.ID, PlanTaskID: topic.PlanTaskID, Title: title, Content: content, Place: place, Lang: lang,
		Secrets:    CaseSecrets{Salt: salt, SecretHash: hashSecret(salt, "code", secret)},
		Identity:   Identity{Name: name, Phone: phone, Email: email, Address: address, IDNumber: idNumber, KeepSecret: keep, ConsentAt: now},
		ReceivedAt: received, Due: due, Secret: secret, RegisteredBy: by.Label(), Files: in.Files,
		// Staff registrations are never merged as duplicates: the office
		// decides that when it classifies.
		DedupKey: hashHex("staff", salt)}
	if phone != "" {
		nc.Identity.PhoneHash = hashSecret(salt, "phone", phone)
	}
	if email != "" {
		nc.Identity.EmailHash = hashSecret(salt, "email", email)
	}
	nc.Linked = in.Linked
	if in.Then != nil {
		// As Do decides, on the state the store reads back inside the
		// registering transaction; what a decision reads besides the case
		// is read here, before it (on SQLite it holds the only connection).
		units, err := w.units(ctx)
		if err != nil {
			return Result{}, err
		}
		env := w.Env(ctx)
		then := in.Then
		nc.Then = func(st *CaseState) (*Change, error) {
			t, err := w.check(env, by, st, then.Action())
			if err != nil {
				return nil, err
			}
			d := &decision{w: w, ctx: ctx, st: st, by: by, now: env.Now, eng: env.Engine, units: units, t: t,
				ch: &Change{Action: then.Action(), At: env.Now, Status: t.To, Audit: map[string]any{}}}
			if err := then.decide(d); err != nil {
				return nil, err
			}
			return d.ch, nil
		}
	}
	res, err := w.cfg.Store.Register(ctx, nc, by, now)
	if err != nil {
		return Result{}, err
	}
	w.cfg.Log.InfoContext(ctx, "case registered", "code", res.Code, "kind", string(in.Kind), "channel", string(in.Channel),
		"account_id", by.AccountID, "due_computed", res.Due.Computed())
	return Result{CaseID: res.CaseID, Code: res.Code, Status: res.Status, Secret: secret, LinkedID: res.LinkedID, Receipt: &Receipt{Code: res.Code, Secret: secret,
		Kind: in.Kind, Status: res.Status, ReceivedAt: received, Due: due}}, nil
}
