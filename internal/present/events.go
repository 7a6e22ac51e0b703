package present

import (
	"time"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// EventText is a timeline entry in lang, as the citizen reads it: the unit
// it names, the public note (a reason, a body forwarded to, new case codes)
// and the new due time of an extension. Dates are shown in loc.
func EventText(cat *i18n.Catalog, lang string, e petition.Event, loc *time.Location) string {
	args := map[string]any{"Unit": e.UnitName, "Note": e.Note, "Due": ""}
	if e.DueAt != nil {
		args["Due"] = TimeIn(*e.DueAt, loc, lang, cat)
	}
	return cat.T(lang, "petition.event."+string(e.Kind), args)
}

// StaffEventText is a history entry for staff: the citizen's wording for
// public entries, the trail's for internal ones.
func StaffEventText(cat *i18n.Catalog, lang string, e petition.Event, loc *time.Location) string {
	if e.Public {
		return EventText(cat, lang, e, loc)
	}
	return cat.T(lang, "staff.event."+string(e.Kind), map[string]any{"Unit": e.UnitName, "Note": e.Note})
}
