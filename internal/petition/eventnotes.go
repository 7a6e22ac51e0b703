package petition

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/deadline"
)

// The coded notes of internal events. Some entries of the staff trail
// carry facts rather than a person's words: the intake's channel, a
// classification, an assignment, the grounds a withdrawal continues on,
// the case a follow-up continues, the clock that went late. Each is
// written here and read back here (ParseNote), so the trail can say them
// as a sentence in the reader's language (present.StaffEventText) and the
// format has one definition. Rows written before this format was shared
// read the same: the writers never changed it.

// noteSep separates the coded part of a note from the words a person typed.
const noteSep = " — "

// IntakeNote is the intake event's note: the channel, the number of files,
// whether the petitioner asked for secrecy.
func IntakeNote(ch Channel, files int, keepSecret bool) string {
	return fmt.Sprintf("channel=%s files=%d keep_secret=%t", ch, files, keepSecret)
}

// LateNote is the note of the overdue sweep's "late" and "escalated"
// events: the clock's kind, id and due time.
func LateNote(clockKind string, clockID int64, due time.Time) string {
	return "clock=" + clockKind + " id=" + strconv.FormatInt(clockID, 10) + " due=" + due.UTC().Format(time.RFC3339)
}

// classifyNote is the classification's note.
func classifyNote(k Kind, subtype string, eligible bool, reason string, competent bool, cx deadline.Complexity, crit []string, note string) string {
	parts := []string{"kind=" + string(k)}
	if subtype != "" {
		parts = append(parts, "subtype="+subtype)
	}
	if eligible {
		parts = append(parts, "eligible")
	} else {
		parts = append(parts, "not_eligible:"+reason)
	}
	if competent {
		parts = append(parts, "within_competence")
	} else {
		parts = append(parts, "not_within_competence")
	}
	parts = append(parts, "complexity="+string(cx))
	if len(crit) > 0 {
		parts = append(parts, "criteria="+strings.Join(crit, ","))
	}
	return withWords(strings.Join(parts, " "), note)
}

// assignNote is the internal assignment note: the lead's and the
// coordinating units' codes, and the reason.
func assignNote(lead string, coordinating []string, reason string) string {
	return withWords("lead="+lead+" coordinating="+strings.Join(coordinating, ","), reason)
}

// RecomputeReason is the coded reason of a request to compute the running
// clocks again, which each moved clock's due_moved note carries after its
// before → after: what changed (cause: calendar, calendar_builtin,
// rule_version, rule_override, rule_override_removed, rule_builtin,
// builtin), who changed it (an actor label, named when the trail is read)
// and which year or rules (subject, last: it may hold any words).
func RecomputeReason(cause, by, subject string) string {
	return "cause=" + cause + "; by=" + by + "; subject=" + subject
}

// RecomputeCauses are the causes RecomputeReason takes.
var RecomputeCauses = []string{"calendar", "calendar_builtin", "rule_version", "rule_override", "rule_override_removed", "rule_builtin", "builtin"}

// continuesNote is the note of a withdrawal resolution goes on past: the
// grounds, and the reason.
func continuesNote(grounds []string, reason string) string {
	return strings.Join(grounds, ",") + noteSep + reason
}

// linkNote is a linked case's "follow_up" note: how it was made (split,
// follow_up) and from which case.
func linkNote(relation, parentCode string) string { return relation + ":" + parentCode }

// LinkNote is linkNote for the store, which writes the linked case.
func LinkNote(relation, parentCode string) string { return linkNote(relation, parentCode) }

func withWords(coded, words string) string {
	if words == "" {
		return coded
	}
	return coded + noteSep + words
}

// NoteFacts are the facts of a coded note; Words is what a person typed
// with them ("" for none). For an event whose note is a person's words,
// Coded is false and Words is the note.
type NoteFacts struct {
	Coded bool
	Words string
	// intake
	Channel    Channel
	Files      int
	KeepSecret bool
	// classified
	Kind             Kind
	Subtype          string
	Eligible         bool
	IneligibleReason string
	Competent        bool
	Complexity       string
	Criteria         []string
	// coordinating
	Lead         string
	Coordinating []string
	// withdrawal_continues
	Grounds []string
	// follow_up
	Relation, Parent string
	// late, escalated
	Clock string
	Due   time.Time
	// due_moved: the due time before (as written), the cause of the
	// recompute (RecomputeCauses), who changed it (an actor label) and
	// what (Subject).
	Before, Cause, By, Subject string
	// extension_refused: the action that made a pending request moot
	// (answering, withdrawing, terminating), when no one decided it.
	MootBy Action
}

// ParseNote reads the note of an event of kind k. A note that is not in
// its kind's coded format (a person's words, a row of another shape) is
// returned as Words, uncoded.
func ParseNote(k EventKind, note string) NoteFacts {
	plain := NoteFacts{Words: note}
	coded, words, _ := strings.Cut(note, noteSep)
	f := NoteFacts{Coded: true, Words: words}
	switch k {
	case EventIntake:
		kv, ok := fields(note, "channel", "files", "keep_secret")
		if !ok {
			return plain
		}
		n, err1 := strconv.Atoi(kv["files"])
		secret, err2 := strconv.ParseBool(kv["keep_secret"])
		if err1 != nil || err2 != nil {
			return plain
		}
		f.Words, f.Channel, f.Files, f.KeepSecret = "", Channel(kv["channel"]), n, secret
		return f
	case EventClassified:
		if !strings.HasPrefix(coded, "kind=") {
			return plain
		}
		for _, p := range strings.Fields(coded) {
			key, v, _ := strings.Cut(p, "=")
			switch {
			case key == "kind":
				f.Kind = Kind(v)
			case key == "subtype":
				f.Subtype = v
			case key == "complexity":
				f.Complexity = v
			case key == "criteria":
				f.Criteria = strings.Split(v, ",")
			case p == "eligible":
				f.Eligible = true
			case strings.HasPrefix(p, "not_eligible:"):
				f.IneligibleReason = strings.TrimPrefix(p, "not_eligible:")
			case p == "within_competence":
				f.Competent = true
			case p == "not_within_competence":
			default:
				return plain
			}
		}
		return f
	case EventCoordinating:
		kv, ok := fields(coded, "lead", "coordinating")
		if !ok {
			return plain
		}
		f.Lead = kv["lead"]
		if kv["coordinating"] != "" {
			f.Coordinating = strings.Split(kv["coordinating"], ",")
		}
		return f
	case EventWithdrawalContinues:
		if words == "" && !strings.Contains(note, noteSep) {
			return plain
		}
		for _, g := range strings.Split(coded, ",") {
			if g = strings.TrimSpace(g); g != "" {
				f.Grounds = append(f.Grounds, g)
			}
		}
		return f
	case EventFollowUp:
		rel, parent, ok := strings.Cut(note, ":")
		if !ok || (rel != "split" && rel != "follow_up") {
			return plain
		}
		f.Words, f.Relation, f.Parent = "", rel, parent
		return f
	case EventLate, EventEscalated:
		kv, ok := fields(note, "clock", "id", "due")
		if !ok {
			return plain
		}
		due, err := time.Parse(time.RFC3339, kv["due"])
		if err != nil {
			return plain
		}
		f.Words, f.Clock, f.Due = "", kv["clock"], due
		return f
	case EventDueMoved:
		before, rest, ok := strings.Cut(note, " → ")
		_, reason, ok2 := strings.Cut(rest, ". ")
		cause, ok3 := strings.CutPrefix(reason, "cause=")
		if !ok || !ok2 || !ok3 {
			return plain
		}
		cause, rest, ok = strings.Cut(cause, "; by=")
		by, subject, ok2 := strings.Cut(rest, "; subject=")
		if !ok || !ok2 || !slices.Contains(RecomputeCauses, cause) {
			return plain
		}
		f.Words, f.Before, f.Cause, f.By, f.Subject = "", before, cause, by, subject
		return f
	case EventExtensionRefused:
		if a := Action(note); len(TransitionsOf(a)) > 0 {
			f.Words, f.MootBy = "", a
			return f
		}
	}
	return plain
}

// fields reads "k1=v1 k2=v2 …" with exactly the keys given.
func fields(s string, keys ...string) (map[string]string, bool) {
	parts := strings.Fields(s)
	if len(parts) != len(keys) {
		return nil, false
	}
	kv := map[string]string{}
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k != keys[i] {
			return nil, false
		}
		kv[k] = v
	}
	return kv, true
}
