// Package deadline owns the statutory clocks: which time limit applies to a
// step of a case, how it is counted, and how extensions and suspensions
// move it.
//
// The rules are data ([Rule], [DefaultRules]) and effective-dated, because
// the complaint, denunciation and citizen-reception laws changed on
// 01/07/2026 (Luật 136/2025/QH15 and Nghị định 154–156/2026). A case keeps
// the rule in force on the date of its start event (transition rules of NĐ
// 155/2026 Art. 22 and NĐ 156/2026 Art. 10).
//
// Counting follows the Civil Code (Bộ luật Dân sự 2015, Art. 147–148): a
// period starts the day after its start event, in Asia/Ho_Chi_Minh, and ends
// at 24:00 of its last day; a last day that is not a working day moves to
// the end of the next working day. Periods in working days count only the
// days the [calendar.Calendar] says are worked.
//
// [Engine.Compute] answers one question statelessly; [Clock] and
// [Engine.Evaluate] replay a case's recorded decisions (extensions,
// suspensions, resumptions) so that the petition service can store events
// and recompute the due time deterministically. [Explain] says in
// Vietnamese or English why a due time is what it is, each sentence a
// message of the catalogue it is given ([Texts]; the engine's own for
// [Engine.Explain]).
//
// The package is pure: no I/O, no clock of its own (time comes in through
// the request), no package-level state.
package deadline
