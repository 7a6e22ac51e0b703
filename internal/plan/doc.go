// Package plan owns the plan catalogue: Plan, Dimension, PlanTask, unit
// references and roles, the appendix parser, CSV import/export.
//
// A plan (kế hoạch) such as 55/KH-SXD lists, per PAPI dimension (lĩnh vực,
// numbered I–VIII), the tasks (nhiệm vụ) an agency commits to, who leads
// them, who coordinates, by when, and the expected result. Cases are later
// linked to plan tasks, so that the on-time rate can be reported against the
// plan's own targets.
//
// Two input forms are read:
//
//   - the appendix text: a tab-indented export of the Word table, as in
//     seed/ke-hoach-55-phu-luc-III.txt (see Parse);
//   - a CSV file, for later years typed in a spreadsheet (see ParseCSV and
//     WriteCSV, which round-trip exactly).
//
// The package is pure: no I/O beyond the readers and writers it is handed,
// no database, no HTTP. Persistence is done by other packages using these
// types.
package plan
