package report

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/textfold"
)

// Publication is a published answer the office may put on the public
// transparency page (Plan 55 II, "publish what must be published"): the
// question and the answer, with the petitioner's data removed. A
// denunciation's answer is never a publication: its words may point at the
// denouncer (Luật Tố cáo Art. 47), so the store neither lists nor marks one.
type Publication struct {
	AnswerID    int64
	CaseID      int64
	CaseCode    string
	Kind        string
	TopicVI     string
	TopicEN     string
	Title       string
	Content     string
	Answer      string
	Signer      string
	PublishedAt time.Time
	Publishable bool
	MarkedBy    string
	MarkedAt    *time.Time
	// Preview is the office's review of what publication removes: the
	// title, the letter and the answer as segments, the removed ones
	// flagged (Publications fills it; the public never gets it).
	Preview  *Preview
	identity access.Identity
}

// Preview shows what redaction removes from a publication.
type Preview struct {
	Title, Content, Answer []Segment
	// Removed counts the parts removed.
	Removed int
}

// Segment is a run of text; Removed when redaction takes it out.
type Segment struct {
	Text    string
	Removed bool
}

// segments splits text into kept and removed runs.
func segments(text string, id access.Identity) ([]Segment, int) {
	_, marked, removed := access.ScrubPreview(text, id, func(s string) string { return "\x01" + s + "\x02" })
	var out []Segment
	for marked != "" {
		i := strings.IndexByte(marked, '\x01')
		if i < 0 {
			out = append(out, Segment{Text: marked})
			break
		}
		if i > 0 {
			out = append(out, Segment{Text: marked[:i]})
		}
		j := strings.IndexByte(marked[i:], '\x02')
		if j < 0 {
			out = append(out, Segment{Text: marked[i+1:], Removed: true})
			break
		}
		out = append(out, Segment{Text: marked[i+1 : i+j], Removed: true})
		marked = marked[i+j+1:]
	}
	return out, len(removed)
}

// preview builds the office's preview of the publication.
func (p Publication) preview() *Preview {
	id := p.identity
	var pv Preview
	var n int
	pv.Title, n = segments(p.Title, id)
	pv.Removed += n
	pv.Content, n = segments(p.Content, id)
	pv.Removed += n
	pv.Answer, n = segments(p.Answer, id)
	pv.Removed += n
	return &pv
}

// LeaksIdentity says whether what the public would read still carries an
// identity of the case (access.MentionsIdentity): publication refuses it.
func (p Publication) LeaksIdentity() bool {
	id := p.identity
	r := p.Redacted()
	for _, s := range []string{r.Title, r.Content, r.Answer} {
		if access.MentionsIdentity(s, id) {
			return true
		}
	}
	return false
}

// SetIdentity is for Store implementations: the petitioner's name, phone,
// e-mail, address and ID number, read only so that Redacted can remove
// them.
func (p *Publication) SetIdentity(id access.Identity) { p.identity = id }

// Redacted is the publication as the public may read it: the title, the
// letter and the answer without the petitioner's name, phone, e-mail,
// address or ID number, nor anything shaped like a phone number, an
// e-mail address or an ID number; no tracking code; no identity left.
func (p Publication) Redacted() Publication {
	p.Title = ScrubPersonal(p.Title, p.identity)
	p.Content = ScrubPersonal(p.Content, p.identity)
	p.Answer = ScrubPersonal(p.Answer, p.identity)
	p.CaseCode = ""
	p.CaseID = 0
	p.MarkedBy = ""
	p.Preview = nil
	p.identity = access.Identity{}
	return p
}

// Marker is who marks an answer publishable, for the audit trail.
type Marker struct {
	Actor access.Actor
	At    time.Time
}

// PublicationStore lists and marks publications.
type PublicationStore interface {
	// Publications lists the answers published in [from, to) (all time
	// when both are zero), newest first, denunciations left out; only the
	// publishable ones when onlyPublishable.
	Publications(ctx context.Context, from, to time.Time, onlyPublishable bool, limit, offset int) ([]Publication, int64, error)
	// SetPublishable marks or unmarks a published answer, with an audit
	// row, or returns ErrNotPublishable (a denunciation's, or not
	// published) or ErrPublicationNotFound.
	SetPublishable(ctx context.Context, answerID int64, on bool, by Marker) error
	// Publication reads one published answer with its identity (for the
	// check before marking it), or ErrPublicationNotFound.
	Publication(ctx context.Context, answerID int64) (Publication, error)
}

// Publication errors.
var (
	ErrNotPublishable      = fault.New(fault.Conflict, "report.not_publishable")
	ErrPublicationNotFound = fault.New(fault.NotFound, "report.publication_not_found")
	// ErrPublicationIdentity: what the public would read still names the
	// petitioner.
	ErrPublicationIdentity = fault.New(fault.Conflict, "report.publication_identity")
)

// Publications lists the period's published answers for the office to
// review, each with the redacted text the public would read.
func (s *Service) Publications(ctx context.Context, ps PublicationStore, by access.Actor, p Period, limit, offset int) ([]Publication, int64, error) {
	if !access.Can(by, access.ActReportRead, nil) {
		return nil, 0, access.ErrForbidden
	}
	loc := s.cfg.Location
	list, n, err := ps.Publications(ctx, p.From.Time(loc), p.To.AddDays(1).Time(loc), false, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	for i := range list {
		list[i] = redactedKeepRef(list[i])
	}
	return list, n, nil
}

// redactedKeepRef redacts the texts but keeps the case reference, for
// staff who review what will be published.
func redactedKeepRef(p Publication) Publication {
	code, id, by := p.CaseCode, p.CaseID, p.MarkedBy
	pv := p.preview()
	r := p.Redacted()
	r.CaseCode, r.CaseID, r.MarkedBy, r.Preview = code, id, by, pv
	return r
}

// PublicAnswers are the answers the office marked publishable, newest
// first, redacted.
func (s *Service) PublicAnswers(ctx context.Context, ps PublicationStore, limit int) ([]Publication, error) {
	list, _, err := ps.Publications(ctx, time.Time{}, time.Time{}, true, limit, 0)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i] = list[i].Redacted()
	}
	return list, nil
}

// PublicHit is a published answer found by a search of the public page,
// with its title and texts highlighted (nil when a text has no match).
type PublicHit struct {
	Publication
	Title, Content, Answer []textfold.Segment
}

// publicSearchPool is how many of the newest public answers a search of
// the public page looks through.
const publicSearchPool = 1000

// SearchPublicAnswers finds, among the answers the office marked
// publishable, those where every word of q is in the redacted title,
// letter, answer or topic (as the public reads them, so nothing redaction
// removed can be found), best match first.
func (s *Service) SearchPublicAnswers(ctx context.Context, ps PublicationStore, q textfold.Query, limit int) ([]PublicHit, error) {
	list, err := s.PublicAnswers(ctx, ps, publicSearchPool)
	if err != nil {
		return nil, err
	}
	type scored struct {
		hit   PublicHit
		score int
	}
	var found []scored
	for _, p := range list {
		n, ok := q.Score([]string{p.Title, p.Content, p.Answer, p.TopicVI + " " + p.TopicEN}, []int{4, 1, 2, 2})
		if !ok {
			continue
		}
		found = append(found, scored{PublicHit{Publication: p, Title: textfold.Highlight(p.Title, q.Terms, 0),
			Content: textfold.Highlight(p.Content, q.Terms, 240), Answer: textfold.Highlight(p.Answer, q.Terms, 240)}, n})
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].score > found[j].score })
	out := make([]PublicHit, 0, min(len(found), limit))
	for i := 0; i < len(found) && i < limit; i++ {
		out = append(out, found[i].hit)
	}
	return out, nil
}

// SetPublishable marks or unmarks an answer for the public page: the
// office's decision.
func (s *Service) SetPublishable(ctx context.Context, ps PublicationStore, by access.Actor, answerID int64, on bool) error {
	if !access.Can(by, access.ActPublicationManage, nil) {
		return access.ErrForbidden
	}
	if on {
		// A denunciation's, a sealed case's or an unpublished answer is
		// not found here; the store's refusal below names why.
		p, err := ps.Publication(ctx, answerID)
		switch {
		case err == ErrPublicationNotFound:
		case err != nil:
			return err
		case p.LeaksIdentity():
			return ErrPublicationIdentity
		}
	}
	return ps.SetPublishable(ctx, answerID, on, Marker{Actor: by, At: s.cfg.Now()})
}
