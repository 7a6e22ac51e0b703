package reception

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
)

// A session marked as a dialogue (đối thoại) owes the publication of its
// result (plan 55 III.1: "publish the results after each dialogue"). No law
// sets a time for it (Luật Tiếp công dân and NĐ 154/2026 time the answer to
// the visitor and the refusal notice, NĐ 124 as amended the notice before a
// complaint's dialogue), so the step has no due time: the office's list
// shows it pending, with the working days it has waited, and never late.

// MaxResult bounds a dialogue result's text.
const MaxResult = 5000

// Errors of dialogue results.
var (
	ErrNoSuchSession = fault.New(fault.NotFound, "reception.session_not_found")
	// ErrNotDialogue: only a dialogue's result is published.
	ErrNotDialogue = fault.New(fault.Conflict, "reception.not_dialogue")
	// ErrResultPublished: a result is published once.
	ErrResultPublished = fault.New(fault.Conflict, "reception.result_published")
	// ErrResultIdentity: what the public would read still names the visitor
	// (a given name alone, which redaction leaves).
	ErrResultIdentity = fault.FieldError("result", "reception.result_identity", nil)
)

// DialogueResult is a dialogue's published result as the public reads it:
// the day, who received, the content's kind and the result's text, with
// the visitors' data removed. A sealed session's (a denunciation) has
// neither kind nor text.
type DialogueResult struct {
	SessionID   int64
	Day         calendar.Date
	Receiver    string
	Leadership  bool
	Sealed      bool
	Kind        petition.Kind
	Text        string
	PublishedAt time.Time
	PublishedBy string
}

// PendingResult is a dialogue whose result is not published yet.
type PendingResult struct {
	Session Session
	// Waiting is the working days since the dialogue (0 on its day).
	Waiting int
}

// DialogueStore keeps dialogue results.
type DialogueStore interface {
	// Session returns one session, ErrNoSuchSession when there is none.
	Session(ctx context.Context, id int64) (Session, error)
	// PendingDialogues returns the dialogues with no published result,
	// oldest first.
	PendingDialogues(ctx context.Context) ([]Session, error)
	// PublishResult stores r, audited; ErrResultPublished when the
	// session's result exists.
	PublishResult(ctx context.Context, r DialogueResult, by access.Actor) error
	// DialogueResults returns the newest published results.
	DialogueResults(ctx context.Context, limit int) ([]DialogueResult, error)
}

// PendingResults lists the dialogues whose result the office has still to
// publish, oldest first, each with the working days it has waited.
func (s *Service) PendingResults(ctx context.Context, by access.Actor) ([]PendingResult, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	list, err := s.cfg.Sessions.PendingDialogues(ctx)
	if err != nil {
		return nil, err
	}
	cal := s.cfg.Calendar(ctx)
	today := s.Today()
	out := make([]PendingResult, 0, len(list))
	for _, se := range list {
		if se.Sealed {
			se.RefusalReason = ""
		}
		out = append(out, PendingResult{Session: se, Waiting: cal.WorkingDaysBetween(se.Day, today)})
	}
	return out, nil
}

// PublishResult publishes a dialogue's result: the office's text with the
// visitor's name, phone and the group's representatives removed, and
// anything shaped like a phone, e-mail or ID number. A text that would
// still name the visitor is refused. A sealed session's result is published
// without any text: whatever was typed is dropped, since it may name the
// denouncer or the denounced (Luật Tố cáo Art. 8, 47).
func (s *Service) PublishResult(ctx context.Context, by access.Actor, sessionID int64, text string) (DialogueResult, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return DialogueResult{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	se, err := s.cfg.Sessions.Session(ctx, sessionID)
	if err != nil {
		return DialogueResult{}, err
	}
	if !se.Dialogue {
		return DialogueResult{}, ErrNotDialogue
	}
	r := DialogueResult{SessionID: se.ID, Day: se.Day, Receiver: se.Receiver, Leadership: se.Leadership, Sealed: se.Sealed,
		PublishedAt: s.cfg.Now().UTC(), PublishedBy: by.Label()}
	if !se.Sealed {
		r.Kind = se.Kind
		text = strings.TrimSpace(text)
		if !utf8.ValidString(text) {
			return DialogueResult{}, fault.List{fault.FieldError("result", "petition.not_utf8", nil)}
		}
		if n := utf8.RuneCountInString(text); n < 10 || n > MaxResult {
			return DialogueResult{}, fault.List{fault.FieldError("result", "reception.result_required", map[string]any{"Max": MaxResult})}
		}
		ids := se.identities()
		for _, id := range ids {
			text = access.ScrubText(text, id)
		}
		text = access.ScrubShapes(text)
		for _, id := range ids {
			if access.MentionsIdentity(text, id) {
				return DialogueResult{}, fault.List{ErrResultIdentity}
			}
		}
		r.Text = text
	}
	if err := s.cfg.Sessions.PublishResult(ctx, r, by); err != nil {
		return DialogueResult{}, err
	}
	return r, nil
}

// identities are the people a session's texts may name: the visitor, and
// each representative of a group.
func (se Session) identities() []access.Identity {
	var out []access.Identity
	if se.Name != "" || se.Phone != "" {
		out = append(out, access.Identity{Name: se.Name, Phone: se.Phone})
	}
	for _, rep := range representatives(se.Representatives) {
		out = append(out, access.Identity{Name: stripHonorific(rep)})
	}
	return out
}

// stripHonorific drops the "Ông", "Bà", "Anh", "Chị" the office writes
// before a representative's name: the scrubber matches the name itself
// and its given name after any honorific.
func stripHonorific(name string) string {
	f := strings.Fields(name)
	if len(f) > 1 {
		switch strings.ToLower(f[0]) {
		case "ông", "bà", "anh", "chị", "cô", "chú", "bác", "em":
			return strings.Join(f[1:], " ")
		}
	}
	return name
}

// DialogueResults returns the newest published results, for the public
// transparency page. A denunciation's dialogue is never listed, not even
// as a line with no text: its day and host tell whoever saw the visitor
// come that day that this visitor denounced someone, and a line with no
// kind among lines with one would stand out. It is counted only in the
// month's totals. A result is listed only once its month is public as
// PublicFigures has it: ended, and not withheld for its few visits. A
// running month would date a visit as the page changes, and in a month of
// a few visits each listed day, host and kind points at one visitor.
func (s *Service) DialogueResults(ctx context.Context, limit int) ([]DialogueResult, error) {
	list, err := s.cfg.Sessions.DialogueResults(ctx, limit)
	if err != nil {
		return nil, err
	}
	public := map[calendar.Date]bool{}
	out := list[:0]
	for _, r := range list {
		if r.Sealed {
			continue
		}
		month := report.MonthOf(r.Day)
		ok, seen := public[month.From]
		if !seen {
			f, ended, err := s.PublicFigures(ctx, month)
			if err != nil {
				return nil, err
			}
			ok = ended && !f.Withheld
			public[month.From] = ok
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}
