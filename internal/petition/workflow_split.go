package petition

import (
	"slices"
	"strings"

	"github.com/phucdap/phucdap/internal/fault"
)

// SplitPart is one part of a mixed letter.
type SplitPart struct {
	Kind    Kind
	Title   string
	Content string
}

// SplitInput splits a letter with mixed content into one case per kind
// (Luật Tiếp công dân Art. 25(3), NĐ 154/2026 Art. 14(4)).
type SplitInput struct{ Parts []SplitPart }

// Action implements Input.
func (SplitInput) Action() Action { return ActSplit }

func (in SplitInput) decide(d *decision) error {
	st := d.st
	var e errs
	if len(in.Parts) < 2 {
		e.add(fault.FieldError("parts", "workflow.split_two_parts", nil))
	}
	var kinds []Kind
	var children []NewChild
	for _, p := range in.Parts {
		if !p.Kind.Valid() {
			e.add(fault.FieldError("parts", "petition.kind_invalid", nil))
			continue
		}
		if slices.Contains(kinds, p.Kind) {
			e.add(fault.FieldError("parts", "workflow.split_kinds_distinct", nil))
			continue
		}
		kinds = append(kinds, p.Kind)
		title, fe := checkText("title", p.Title, 1, MaxTitle)
		e.add(fe)
		content, fe := checkText("content", p.Content, MinContent, MaxContent)
		e.add(fe)
		if fe != nil {
			continue
		}
		// Each part runs on its own kind's clock from the letter's receipt.
		due, err := d.firstClock(p.Kind.DueRule(), st.TopicID, st.ReceivedAt)
		if err != nil {
			return err
		}
		children = append(children, NewChild{Relation: "split", Case: NewCase{Agency: st.Agency, Year: yearIn(d.now, d.loc()),
			Kind: p.Kind, Channel: st.Channel, TopicID: st.TopicID, PlanTaskID: st.PlanTaskID, Title: strings.TrimSpace(title),
			Content: content, Place: st.Place, Lang: st.Lang, ReceivedAt: st.ReceivedAt, Due: due, RegisteredBy: d.by.Label()}})
	}
	if err := e.err(); err != nil {
		return err
	}
	d.closeMain(false, d.now)
	d.ch.Children = children
	d.ch.ChildEvent = &NewEvent{Kind: EventSplit, Public: true}
	d.ch.Audit["parts"] = kinds
	d.record("split", "", d.now, "", map[string]any{"kinds": kinds})
	return nil
}
