// Package present owns the wording of cases for people, in Vietnamese and
// English: errors (with the one table from a fault code to an HTTP
// status), times and due times, timeline and history events, and why a due
// time is what it is. The HTML pages (web) and the JSON API (httpapi) both
// word things through it, so neither imports the other. The texts
// themselves live in the i18n catalogues; present chooses the message and
// fills it.
package present
