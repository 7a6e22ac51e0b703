// Package calendar owns civil dates, the Vietnamese lunar calendar and the
// working-day calendar of the agency.
//
// Everything that decides whether a given day counts towards a statutory
// deadline lives here:
//
//   - [Date]: a civil date without a time of day or a zone. Deadlines are
//     counted in whole days in Asia/Ho_Chi_Minh, so the domain works with
//     dates and converts to instants only at the edges ([DateOf], [Date.Time]).
//   - The Vietnamese lunar calendar ([SolarToLunar], [LunarToSolar]), computed
//     with Hồ Ngọc Đức's published algorithm for the meridian 105°E (UTC+7).
//     The Chinese calendar (UTC+8) differs in some years, so Tết and Giỗ Tổ
//     must never come from a Chinese library.
//   - The working-day calendar as data: one [YearTable] per year, the days
//     off and the swapped working Saturdays that the Government announces
//     each year. [Propose] drafts a table from the Labour Code; [Builtin]
//     ships the confirmed tables we know of; an admin maintains the rest.
//   - [Calendar], an immutable, precomputed view over those tables that
//     answers "is this a working day" and "the n-th working day after" in
//     constant time.
//
// The package has no state of its own: a new [Calendar] is built whenever
// the tables change.
package calendar
