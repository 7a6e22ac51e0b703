package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/textfold"
)

// Search over cases (migration 00018): case_search holds each case's
// texts folded by textfold.Fold, the one fold the query's words go
// through too, so SQLite and PostgreSQL search the same strings with
// LIKE, for a term at a word's start (textfold.Matches: likeWord), which
// PostgreSQL finds the candidates of through an index of the starts of
// the row's words (textfold.Starts, written by the store in the column
// starts, migration 00045: prefixQuery). The texts are written with
// the case: intake, registration, linked cases and every workflow change
// call indexSearch in their transaction.
//
// Nothing of a secret identity is ever written there: head and body are
// the title and the content as a reader not shown the petitioner reads
// them (scrubbed of the identity), and contact is empty when the identity
// is secret. So a search for a denouncer's name, phone or e-mail finds,
// counts and ranks exactly what it would if they were not on file, and
// does the same work.

// searchBatch is how many cases one indexing statement writes.
const searchBatch = 200

type searchSource struct {
	ID         int64
	Kind       string
	Title      string
	Content    string
	Place      string
	Sealed     bool `gorm:"column:identity_sealed"`
	KeepSecret *bool
	IName      string `gorm:"column:i_name"`
	IPhone     string `gorm:"column:i_phone"`
	IEmail     string `gorm:"column:i_email"`
	IAddress   string `gorm:"column:i_address"`
	IID        string `gorm:"column:i_id"`
	TopicVI    string
	TopicEN    string
}

// indexSearch writes the search rows of the cases ids, in tx: the write of
// intake, registration and every workflow change, whose transaction holds
// the case it read (its row lock, or SQLite's one writer), so that its row
// replaces whatever row the case has.
func indexSearch(tx *gorm.DB, ids []int64) error {
	_, err := writeSearch(tx, ids, false)
	return err
}

// writeSearch writes the search rows of the cases ids, in tx, a batch per
// statement, and returns how many rows it wrote. With onlyOlder (the
// search-index job's rewrite, which reads the cases without locking them)
// it replaces only a row of an older revision and writes none where the
// case has a row of the current one: a row a workflow wrote after the
// rewrite read the case is newer than what the rewrite read, and on
// PostgreSQL a seal committed between the two (contact emptied) would
// otherwise get the old contact back, and the sealed denouncer's case be
// found by their name or phone.
func writeSearch(tx *gorm.DB, ids []int64, onlyOlder bool) (int64, error) {
	var written int64
	for len(ids) > 0 {
		n := min(len(ids), searchBatch)
		w, err := writeSearchBatch(tx, ids[:n], onlyOlder)
		if err != nil {
			return written, fmt.Errorf("index search: %w", err)
		}
		written += w
		ids = ids[n:]
	}
	return written, nil
}

func writeSearchBatch(tx *gorm.DB, ids []int64, onlyOlder bool) (int64, error) {
	var src []searchSource
	if err := tx.Raw("SELECT c.id, c.kind, c.title, c.content, c.place, c.identity_sealed, ci.keep_secret, "+
		"COALESCE(ci.name, '') AS i_name, COALESCE(ci.phone, '') AS i_phone, COALESCE(ci.email, '') AS i_email, "+
		"COALESCE(ci.address, '') AS i_address, COALESCE(ci.id_number, '') AS i_id, "+
		"COALESCE(t.name_vi, '') AS topic_vi, COALESCE(t.name_en, '') AS topic_en "+
		"FROM cases c LEFT JOIN case_identities ci ON ci.case_id = c.id LEFT JOIN topics t ON t.id = c.topic_id "+
		"WHERE c.id IN ?", ids).Scan(&src).Error; err != nil {
		return 0, err
	}
	// The units (lead and coordinating) and the letter numbers of the
	// answers that stand.
	var extra []struct {
		CaseID int64
		Text   string
	}
	if err := tx.Raw("SELECT c.id AS case_id, u.code || ' ' || u.name AS text FROM cases c JOIN units u ON u.id = c.lead_unit_id WHERE c.id IN ? "+
		"UNION ALL SELECT cu.case_id, u.code || ' ' || u.name FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.case_id IN ? "+
		"UNION ALL SELECT a.case_id, a.letter_no FROM answers a WHERE a.case_id IN ? AND a.superseded_at IS NULL AND a.letter_no <> ''",
		ids, ids, ids).Scan(&extra).Error; err != nil {
		return 0, err
	}
	more := map[int64][]string{}
	for _, e := range extra {
		more[e.CaseID] = append(more[e.CaseID], e.Text)
	}
	if len(src) == 0 {
		return 0, nil
	}
	pg := tx.Dialector.Name() == "postgres"
	cols := searchCols(pg)
	var b strings.Builder
	b.WriteString("INSERT INTO case_search (" + strings.Join(cols, ", ") + ") VALUES ")
	args := make([]any, 0, len(cols)*len(src))
	tuple := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	for i, r := range src {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
		args = append(args, r.row(more[r.ID], pg)...)
	}
	b.WriteString(" ON CONFLICT (case_id) DO UPDATE SET head = excluded.head, body = excluded.body, contact = excluded.contact, " +
		"revision = excluded.revision")
	if pg {
		b.WriteString(", starts = excluded.starts")
	}
	if onlyOlder {
		// A row written meanwhile (by a workflow, or by this job on
		// another replica) is at the current revision, and is left as it
		// is, both where the rewrite found an old row and where it found
		// none: its INSERT then meets the row the workflow inserted.
		b.WriteString(" WHERE case_search.revision < excluded.revision")
	}
	res := tx.Exec(b.String(), args...)
	return res.RowsAffected, res.Error
}

// searchCols are case_search's columns on PostgreSQL (pg) or SQLite, in
// the order of searchSource.row. Only PostgreSQL's rows have starts, the
// starts of their words that its index case_search_words holds
// (textfold.Starts, migration 00045): SQLite has no index of the words and
// scans the rows with LIKE, which the column would only make longer.
func searchCols(pg bool) []string {
	if pg {
		return []string{"case_id", "head", "body", "contact", "revision", "starts"}
	}
	return []string{"case_id", "head", "body", "contact", "revision"}
}

// searchRevision is the version of the recipe below that a search row is
// written by (case_search.revision, migration 00043): IndexSearch
// rewrites the rows of an older one. Raise it when the texts a case gets
// change; 1 added the phone's national forms (phoneForms) to contact.
const searchRevision = 1

// row is the case's search row (searchCols: case_id, head, body, contact,
// revision, and on PostgreSQL (pg) starts): its texts as a reader not
// shown the petitioner reads them, folded, and the starts of their words;
// more are the further words of the head (units, letter numbers).
func (r searchSource) row(more []string, pg bool) []any {
	return r.texts(pg).row(r.ID, r.TopicVI, r.TopicEN, more, pg)
}

// searchTexts are the parts of a search row that depend on the case's own
// texts and identity (the scrub, a regular expression per identity, is
// most of the work), apart from its id and the names of its topic: intake
// makes them before its submission joins a batch. starts (PostgreSQL's
// alone: pg) are textfold.Starts of body and contact, which row adds the
// head's to.
type searchTexts struct {
	title, body, contact, starts string
}

func (r searchSource) texts(pg bool) searchTexts {
	scope := access.CaseScope{CaseID: r.ID, Kind: r.Kind, Denunciation: r.Kind == access.KindDenunciation,
		SecrecyWaived: r.KeepSecret != nil && !*r.KeepSecret, Sealed: r.Sealed}
	id := access.Identity{Name: r.IName, Phone: r.IPhone, Email: r.IEmail, Address: r.IAddress, IDNumber: r.IID}
	scrub := access.Scrubber(id)
	body := scrub(r.Content + "\n" + r.Place)
	if scope.SecretIdentity() {
		body = access.ScrubShapes(body)
	}
	contact := ""
	if !scope.SecretIdentity() {
		contact = textfold.Fold(r.IName+" "+r.IPhone+" "+r.IEmail) + " " + phoneForms(r.IPhone)
	}
	t := searchTexts{title: access.SealedTitleWith(scope, r.Title, scrub), body: textfold.Fold(body), contact: strings.TrimSpace(contact)}
	if pg {
		t.starts = textfold.Starts(t.body + " " + t.contact)
	}
	return t
}

func (t searchTexts) row(id int64, topicVI, topicEN string, more []string, pg bool) []any {
	head := textfold.Fold(strings.Join(append([]string{t.title, topicVI, topicEN}, more...), " "))
	if !pg {
		return []any{id, head, t.body, t.contact, searchRevision}
	}
	// The starts of the words of the three texts (folded texts hold no
	// space at either end, so the words of the three joined are the
	// words of each): nothing that is not in the row's texts, so nothing
	// of a secret identity. Every start of a start is a start of the same
	// word, so the starts of the head and of body's and contact's starts
	// are the starts of the three: AddStarts merges the head's into them.
	return []any{id, head, t.body, t.contact, searchRevision, textfold.AddStarts(t.starts, head)}
}

// phoneForms are the words a phone number is found by, however it is
// typed: a query typed as a phone number is its digits together
// (textfold.Parse), which must start one of these. They are the number's
// digits as written and, for a Vietnamese number (written 0…, 84… or
// 0084…), its national form 0…, the number alone and 84…: "0912 345 678" and "+84 912 345 678"
// are then each found by "0912345678", "912345678" and "84912345678".
func phoneForms(phone string) string {
	d := digits(phone)
	var n string
	switch {
	case strings.HasPrefix(d, "0084") && len(d) >= 13:
		n = d[4:]
	case strings.HasPrefix(d, "0") && len(d) >= 9:
		n = d[1:]
	case strings.HasPrefix(d, "84") && len(d) >= 11:
		n = d[2:]
	}
	if n == "" {
		return d
	}
	forms := []string{d}
	for _, f := range []string{"0" + n, n, "84" + n} {
		if f != d {
			forms = append(forms, f)
		}
	}
	return strings.Join(forms, " ")
}

// digits is a phone number's digits alone.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IndexSearch writes the search rows of the cases that have none (those
// received before migration 00018) or have one by an older recipe
// (searchRevision), a batch per transaction, in the order of the cases'
// ids from where the last batch ended, and returns how many it wrote: a
// row that a workflow (or this job on another replica) wrote after the
// batch chose its cases is at the current revision and is neither written
// again nor counted (writeSearch's onlyOlder). The
// search-index job runs it, at start and hourly: a search never waits for
// it, and meanwhile finds what the rows it has hold (after 00043, a phone
// typed as 912… or +84 912… is found once its row is rewritten; over a
// million cases that takes minutes, which a search's answer must not).
// Every run looks afresh (about a second over a million cases when there
// is nothing to write): rows of an older recipe can come after a pass, from
// a replica of the older build during a rolling upgrade, or a restore.
func (s *CaseAccessStore) IndexSearch(ctx context.Context) (int, error) {
	var after int64
	written := 0
	for {
		var ids []int64
		if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id FROM cases WHERE id > ? AND NOT EXISTS "+
			"(SELECT 1 FROM case_search s WHERE s.case_id = cases.id AND s.revision >= ?) ORDER BY id LIMIT ?",
			after, searchRevision, 5*searchBatch).Scan(&ids).Error; err != nil {
			return written, fmt.Errorf("cases to index: %w", err)
		}
		if len(ids) == 0 {
			return written, nil
		}
		var n int64
		if err := s.db.Tx(ctx, func(tx *gorm.DB) (err error) {
			n, err = writeSearch(tx, ids, true)
			return err
		}); err != nil {
			return written, err
		}
		written += int(n)
		after = ids[len(ids)-1]
	}
}

// likeWord is the LIKE pattern of a folded term at a word's start
// (textfold.Matches) in a text written as spaced writes it, with a space
// before its first word (Fold leaves only letters, digits and single
// spaces, so there is nothing to escape).
func likeWord(w string) string { return "% " + w + "%" }

// spaced is the search row's columns cols, joined by a space, with a
// space before the first: what likeWord's patterns match. A term (one
// word) starts a word of the columns joined exactly when it starts a word
// of one of them.
func spaced(cols ...string) string { return "(' ' || " + strings.Join(cols, " || ' ' || ") + ")" }

// prefixQuery is the PostgreSQL query (a tsquery, written as one) that
// every term starts a word of the row, in the lexemes of the index
// case_search_words (the row's textfold.Starts, migration 00045): each
// term's textfold.Start, a whole lexeme: 'nguyen' & 'thi' & 'ha'. A term's
// start is a lexeme of exactly the rows where it starts a word, so the
// rows found are the matches when no term is longer than
// textfold.StartLen, and a superset of them otherwise, which the exact
// condition decides. The terms are folded (letters and digits), so
// nothing in them needs quoting.
func prefixQuery(terms []string) string {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		parts = append(parts, "'"+textfold.Start(t)+"'")
	}
	return strings.Join(parts, " & ")
}

// startsIndexed is the expression PostgreSQL's index case_search_words
// (migration 00045) is built on, over the search row s2: its starts as
// lexemes, which prefixQuery is matched against.
const startsIndexed = "array_to_tsvector(string_to_array(s2.starts, ' '))"

// searchCode is the code a search looks for: what was typed, without
// spaces, in upper case (and without LIKE's wildcards); isCode says that
// it is a code or its start down to the year ("SXD-2026", "sxd-2026-0012 "),
// which is searched for by the code alone.
func searchCode(sq textfold.Query) (code string, isCode bool) {
	code = likeWildcards.Replace(strings.ToUpper(strings.Join(strings.Fields(sq.Raw), "")))
	return code, petition.IsCodePrefix(code)
}

// likeWildcards removes LIKE's wildcards (a Replacer is safe for
// concurrent use, and building one costs more than a search's SQL).
var likeWildcards = strings.NewReplacer("%", "", "_", "")

// codeRange is, for a search by a code or its start (down to the year),
// the codes that start with it as a range of the code's index: from the
// code to the code with its last byte one higher. The code is ASCII
// (petition.IsCodePrefix: A-Z, 0-9 and '-'), so the range holds exactly
// the strings that start with it, which "code LIKE 'code%'" finds, when
// strings are compared by their bytes: on PostgreSQL by text_pattern_ops'
// operators (~>=~, ~<~) over the code's unique index cases_code_prefix
// (migrations 00018, 00044), whatever the database's collation; on SQLite
// by the code's own (BINARY) unique index.
func codeRange(sq textfold.Query) (lo, hi string, ok bool) {
	code, isCode := searchCode(sq)
	if !isCode {
		return "", "", false
	}
	return code, code[:len(code)-1] + string(code[len(code)-1]+1), true
}

// codeRangeCond is the condition that a case's code is in codeRange, in
// dialect d, and codeOrder the order of a search by code: the codes
// themselves, the highest (the newest of a year) first, which is the
// order the index holds them in. A search by code ranks every case it
// finds the same, and the list's own tie-break (received_at) would make
// the database read every code of the range to list fifty: "SXD-2026"
// names every case of the year, and for "SXD-2026-00" over a million
// cases, PostgreSQL walked the cases by received_at looking for the old
// codes (about a second). Read in the index's order, any start lists its
// page after reading the page's codes alone.
//
// On PostgreSQL the bounds reach the plan through a subquery each, so
// that the planner does not see them: every search by code then gets
// the same plan (a backward scan of the code's index, the page's cut
// written in the statement: literalCut), which PostgreSQL keeps (a
// generic plan). With the bounds as parameters it planned the statement
// anew on every search, as it did with "code LIKE $1", whose pattern no
// generic plan can use the index for, and planning the list's statement
// (two joins, two subqueries, every index of cases and case_clocks
// weighed) takes several times what running it does: over a million
// cases about 0.3 to 1 ms of planning for 0.1 ms of execution.
func codeRangeCond(d Dialect) (cond, order string) {
	if d == Postgres {
		return "cases.code ~>=~ (SELECT CAST(? AS text)) AND cases.code ~<~ (SELECT CAST(? AS text))", "cases.code USING ~>~"
	}
	return "cases.code >= ? AND cases.code < ?", "cases.code DESC"
}

// searchWhere narrows q (over cases, with case_search joined as cs) to the
// cases where every word starts a word (likeWord) of head or body, or of
// contact where the contact scope allows, or whose code starts with the
// query, and returns the rank expression with its arguments.
//
// top > 0 says the caller lists at most top cases of the search and
// filters nothing else (every case in scope, no status, kind or other
// filter): the candidates are then ranked and cut inside case_search,
// before any join to the cases' other tables, so that a common word does
// not join thousands of cases to list fifty. The cut keeps exactly the
// list's first top (its order: rank, then received_at and id), because
// every candidate passes the outer condition then and the rank computed
// inside is the outer one.
func searchWhere(q *gorm.DB, d Dialect, sq textfold.Query, contact access.CaseFilter, top int) (*gorm.DB, string, []any) {
	contactCond, contactArgs := "", []any(nil)
	switch {
	case contact.All:
		contactCond = "TRUE"
	case !contact.None():
		contactCond, contactArgs = scopeCond(contact)
	}
	if lo, hi, ok := codeRange(sq); ok {
		// A code, or its start down to the year, is looked up by the
		// code's index alone: its words ("sxd", "2026") are in nearly
		// every search row, so the word search would read them all to
		// rank them under the codes.
		cond, _ := codeRangeCond(d)
		return q.Where(cond, lo, hi), "100", nil
	}
	code, _ := searchCode(sq)
	codePrefix := code + "%"

	// rankOf is the rank of the words over the search row a: each word
	// found in the head, the body, the contact (where the scope allows),
	// and the words together, in the order typed, higher.
	rankOf := func(a string) (string, []any) {
		var parts []string
		var args []any
		add := func(w string, hw, bw, cw int) {
			p := likeWord(w)
			parts = append(parts, fmt.Sprintf("CASE WHEN %s LIKE ? THEN %d ELSE 0 END", spaced(a+".head"), hw),
				fmt.Sprintf("CASE WHEN %s LIKE ? THEN %d ELSE 0 END", spaced(a+".body"), bw))
			args = append(args, p, p)
			if contactCond != "" {
				parts = append(parts, fmt.Sprintf("CASE WHEN %s LIKE ? AND %s THEN %d ELSE 0 END", spaced(a+".contact"), contactCond, cw))
				args = append(append(args, p), contactArgs...)
			}
		}
		for _, w := range sq.Terms {
			add(w, 4, 1, 4)
		}
		if len(sq.Terms) > 1 {
			add(sq.Phrase, 6, 3, 6)
		}
		return strings.Join(parts, " + "), args
	}
	// found is the condition that every word is in the search row a.
	found := func(a string, scoped bool) (string, []any) {
		var words []string
		var args []any
		for _, w := range sq.Terms {
			p := likeWord(w)
			c := fmt.Sprintf("%s LIKE ? OR %s LIKE ?", spaced(a+".head"), spaced(a+".body"))
			args = append(args, p, p)
			if contactCond != "" {
				c += fmt.Sprintf(" OR %s LIKE ?", spaced(a+".contact"))
				args = append(args, p)
				if scoped {
					c = fmt.Sprintf("%s LIKE ? OR %s LIKE ? OR (%s LIKE ? AND %s)", spaced(a+".head"), spaced(a+".body"), spaced(a+".contact"), contactCond)
					args = append(args, contactArgs...)
				}
			}
			words = append(words, "("+c+")")
		}
		return strings.Join(words, " AND "), args
	}
	wcond, wargs := found("cs", true)
	rank, rargs := rankOf("cs")
	rank = "CASE WHEN cases.code LIKE ? THEN 100 ELSE 0 END + " + rank
	rargs = append([]any{codePrefix}, rargs...)
	cond := "(cases.code LIKE ? OR (" + wcond + "))"
	// The candidates first, from case_search alone and the code's index,
	// so that PostgreSQL reads them through the words' and the code's indexes
	// (an OR across the two tables would read every case); the exact
	// condition, with the contact's scope, then runs on them only.
	// On PostgreSQL, every term's start (textfold.Start) one of the
	// row's starts: what the index of them (migration 00045) answers in
	// one scan (prefixQuery).
	// Then every term at a
	// word's start in the head and the body, and the contact where it is
	// searched, joined (a term has no space, so it starts a word of the
	// columns joined exactly when it starts a word of one of them): one
	// pattern per term, and where the contact is searched for every case
	// the whole condition; where it is searched within a scope, the
	// outer condition adds the scope on the rows found.
	var cand []string
	var cargs []any
	if d == Postgres {
		cand = append(cand, startsIndexed+" @@ CAST(? AS tsquery)")
		cargs = append(cargs, prefixQuery(sq.Terms))
	}
	row := spaced("s2.head", "s2.body")
	if contactCond != "" {
		row = spaced("s2.head", "s2.body", "s2.contact")
	}
	for _, w := range sq.Terms {
		cand = append(cand, row+" LIKE ?")
		cargs = append(cargs, likeWord(w))
	}
	var candidates string
	if top > 0 && (contact.All || contact.None()) {
		// Ranked and cut inside: RANK() keeps the whole group tied at the
		// cut, which received_at and id then order.
		inner, iargs := rankOf("s2")
		ranked := "JOIN (SELECT t.case_id, t.rank FROM (SELECT r.case_id, r.rank, RANK() OVER (ORDER BY r.rank DESC) AS pos FROM (" +
			"SELECT k.case_id, max(k.rank) AS rank FROM (" +
			"SELECT s2.case_id, " + inner + " AS rank FROM case_search s2 WHERE " + strings.Join(cand, " AND ") +
			" UNION ALL SELECT s2.case_id, 100 + " + inner + " FROM cases c2 JOIN case_search s2 ON s2.case_id = c2.id WHERE c2.code LIKE ?" +
			") k GROUP BY k.case_id) r) t JOIN cases c3 ON c3.id = t.case_id WHERE t.pos <= ? " +
			"ORDER BY t.rank DESC, c3.received_at DESC, c3.id DESC LIMIT ?) ranked ON ranked.case_id = cases.id"
		args := append(append(append(append([]any{}, iargs...), cargs...), iargs...), codePrefix, top, top)
		// The candidates are exactly the cases found (every case is in
		// scope, the contact searched for all or none): the condition
		// need not run again on them, and the rank computed inside is the
		// list's (the code's 100 is in the branch that found the code), so
		// the cases are joined to the page's rows alone, by their id, and
		// nothing of the search row is read again.
		return q.Joins(ranked, args...), "ranked.rank", nil
	}
	candidates = "cases.id IN (SELECT s2.case_id FROM case_search s2 WHERE " + strings.Join(cand, " AND ") +
		" UNION SELECT c2.id FROM cases c2 WHERE c2.code LIKE ?)"
	cargs = append(cargs, codePrefix)
	q = q.Joins("JOIN case_search cs ON cs.case_id = cases.id").Where(candidates, cargs...).Where(cond, append([]any{codePrefix}, wargs...)...)
	return q, "(" + rank + ")", rargs
}

// snippet is the title with the words marked if they are in it, else
// the piece of the content (scrubbed as the store indexed it) where they
// are, else, where some of the words are in the petitioner's contact
// (the others in the case's topic, unit or answer) and contact covers
// the case (the viewer may read it there, as the search may match
// it), the petitioner's name, phone and e-mail with the words marked. A
// secret identity is never shown: the store keeps no searchable contact
// for it, and it is refused here as well. (A search by code has no
// snippet: refs.)
func snippet(sq *textfold.Query, title, content string, scope access.CaseScope, id access.Identity, contact access.CaseFilter) (seg []textfold.Segment, ofTitle, ofPetitioner bool) {
	if s := textfold.Highlight(title, sq.Terms, 0); s != nil {
		return s, true, false
	}
	// Scrubbing only takes words out (a redaction folds to spaces, and
	// the terms are words): where the content has none of the terms, its
	// scrubbed text has none either, and the scrub (a regular expression
	// built for the identity) need not run.
	var s []textfold.Segment
	if textfold.Finds(content, sq.Terms) {
		body := access.ScrubText(content, id)
		if scope.SecretIdentity() {
			body = access.ScrubShapes(body)
		}
		s = textfold.Highlight(body, sq.Terms, 160)
	}
	if s != nil || scope.SecretIdentity() || !contact.Covers(scope) {
		return s, false, false
	}
	if s := contactSnippet(sq.Terms, id); s != nil {
		return s, false, true
	}
	return nil, false, false
}

// contactSnippet is the petitioner's name, phone and e-mail, joined by
// " · ", with the terms marked as the search matched them in the row's
// contact: in each as written (textfold.Highlight), and the whole phone
// where a term starts one of its forms (phoneForms: "900000001" or "+84
// 900 000 001" for 0900000001, "0912 345 678" for the phone written so).
// It is nil when no term is found.
func contactSnippet(terms []string, id access.Identity) []textfold.Segment {
	var out []textfold.Segment
	found := false
	for i, f := range []string{id.Name, id.Phone, id.Email} {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		var s []textfold.Segment
		if i == 1 && phoneFound(f, terms) {
			s = []textfold.Segment{{Text: f, Match: true}}
		} else {
			s = textfold.Highlight(f, terms, 0)
		}
		found = found || s != nil
		if s == nil {
			s = []textfold.Segment{{Text: f}}
		}
		if out != nil {
			out = append(out, textfold.Segment{Text: " · "})
		}
		out = append(out, s...)
	}
	if !found {
		return nil
	}
	return out
}

// phoneFound says whether one of the terms starts one of phone's forms.
func phoneFound(phone string, terms []string) bool {
	forms := phoneForms(phone)
	return slices.ContainsFunc(terms, func(t string) bool { return textfold.Matches(forms, t) })
}
