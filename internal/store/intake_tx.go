package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/petition"
)

type rateKey struct {
	bucket string
	window int64 // window start, unix nanoseconds
}

type caseRow struct {
	ID               int64
	Code             string
	Kind             string
	Channel          string
	TopicID          *int64
	PlanTaskID       *int64
	Title            string
	Content          string
	Place            string
	Lang             string
	SecretSalt       string
	SecretHash       string
	PhoneHash        *string
	EmailHash        *string
	DedupKey         string
	Status           string
	ReceivedAt       time.Time
	AcceptedAt       *time.Time
	DueAt            *time.Time
	DueRule          string
	DueExplanationVI string `gorm:"column:due_explanation_vi"`
	DueExplanationEN string `gorm:"column:due_explanation_en"`
}

const caseCols = "c.id, c.code, c.kind, c.channel, c.topic_id, c.plan_task_id, c.title, c.content, c.place, c.lang, " +
	"c.secret_salt, c.secret_hash, c.dedup_key, c.status, c.received_at, c.accepted_at, c.due_at, c.due_rule, " +
	"c.due_explanation_vi, c.due_explanation_en"

func (r caseRow) due() petition.Due {
	d := petition.Due{RuleID: r.DueRule, Explanation: petition.Explanation{VI: r.DueExplanationVI, EN: r.DueExplanationEN}}
	if r.DueAt != nil {
		d.At = r.DueAt.UTC()
	}
	return d
}

func (r caseRow) result(o petition.Outcome, secret string) petition.IntakeResult {
	return petition.IntakeResult{Outcome: o, CaseID: r.ID, Code: r.Code, Secret: secret, Status: petition.Status(r.Status),
		ReceivedAt: r.ReceivedAt.UTC(), Due: r.due()}
}

// lockKey maps a name to a Postgres advisory lock key.
func lockKey(name string) int64 {
	h := sha256.Sum256([]byte("phucdap:" + name))
	return int64(binary.BigEndian.Uint64(h[:8]))
}

// intakeRead is a row of intake's lookup: src says what it is (d, r, i,
// n, t below).
type intakeRead struct {
	Src, K, V string
	T         time.Time
	N         int64
}

// intakeTx writes one batch. Per-submission refusals (rate limit, a reused
// Idempotency-Key with another body) are set on the request and do not
// fail the transaction; an error return rolls the whole batch back. On
// Postgres it runs in pg, which it opens with the locks and the lookup
// and commits with the insert; on SQLite in tx, a gorm transaction (pg is
// nil).
func (s *PetitionStore) intakeTx(tx *gorm.DB, batch []*intakeReq, pg *pgBatchTx) error {
	for _, r := range batch {
		r.res, r.err = petition.IntakeResult{}, nil
	}
	// 1. On Postgres, serialise with other replicas on exactly what this
	// batch reads then writes: its idempotency keys, duplicate keys and rate
	// buckets. Keys are sorted so two batches cannot deadlock. SQLite has one
	// writer (BEGIN IMMEDIATE) and needs nothing. The locks are taken in
	// the lookup's round trip, before it (pgBatchTx.begin).
	var keys []int64
	if s.db.Dialect == Postgres {
		for _, r := range batch {
			if r.nc.IdempotencyKey != "" {
				keys = append(keys, lockKey("idem:"+r.nc.IdempotencyKey))
			}
			keys = append(keys, lockKey("dedup:"+r.nc.DedupKey))
			for _, l := range r.nc.Limits {
				keys = append(keys, lockKey("rate:"+l.Bucket))
			}
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
	}

	// 2–4. One round trip reads what the decisions need: idempotency keys
	// already used, recent cases with the same duplicate key, and the rate
	// counters of the buckets in play.
	type idemRow struct {
		RequestHash string
		CaseID      int64
		Secret      string
	}
	type recentRow struct {
		DedupKey   string
		ID         int64
		Code       string
		ReceivedAt time.Time
	}
	idem := map[string]idemRow{}
	var recent []recentRow
	hits := map[rateKey]int{}
	var idemKeys, dedupKeys, buckets []string
	since := batch[0].nc.DedupSince
	for _, r := range batch {
		if r.nc.IdempotencyKey != "" {
			idemKeys = append(idemKeys, r.nc.IdempotencyKey)
		}
		dedupKeys = append(dedupKeys, r.nc.DedupKey)
		if r.nc.DedupSince.Before(since) {
			since = r.nc.DedupSince
		}
		for _, l := range r.nc.Limits {
			buckets = append(buckets, l.Bucket)
		}
	}
	// On Postgres the lists go as arrays, so the SQL text is the same
	// whatever the batch size.
	in, list := "IN ?", func(v []string) any { return v }
	if s.db.Dialect == Postgres {
		in, list = "= ANY(CAST(? AS text[]))", func(v []string) any { return v }
	}
	// The recent cases with the same duplicate keys are read through
	// cases_dedup (dedup_key, received_at). On Postgres received_at is
	// compared as an expression, so that the planner cannot take
	// cases_received instead: the cases received since the last ANALYZE
	// lie past its histogram, so it expects none in the last day and
	// would read every case of the day, a longer scan with each intake.
	recv := "received_at"
	if s.db.Dialect == Postgres {
		recv = "(received_at + interval '0 s')"
	}
	q := "SELECT 'd' AS src, dedup_key AS k, code AS v, received_at AS t, id AS n FROM cases WHERE dedup_key " + in + " AND " + recv + " > ?"
	args := []any{list(dedupKeys), since.UTC()}
	switch {
	case len(buckets) > 0 && s.db.Dialect == Postgres:
		// The decisions read each counter of a window in play, by its key:
		// one probe of rate_counters' primary key per counter, a plan that
		// cannot change with the table's statistics. "bucket = ANY(…)"
		// was planned from them, and without (rate_counters grows by two
		// rows per new phone, with nothing to analyze it before
		// autovacuum's 20% of growth) PostgreSQL expected a third of the
		// table for 60 buckets and read all of it: a sequential scan of
		// 24k rows in a batch's lookup, 3 to 40 ms under load, growing with
		// every intake.
		var kb []string
		var kw []time.Time
		seen := map[rateKey]bool{}
		for _, r := range batch {
			for _, l := range r.nc.Limits {
				k := rateKey{l.Bucket, windowStart(r.nc.ReceivedAt, l.Window).UnixNano()}
				if !seen[k] {
					seen[k] = true
					kb, kw = append(kb, k.bucket), append(kw, time.Unix(0, k.window).UTC())
				}
			}
		}
		q += " UNION ALL SELECT 'r', k.b, '', k.w, c.hits FROM unnest(CAST(? AS text[]), CAST(? AS timestamptz[])) AS k(b, w)" +
			" CROSS JOIN LATERAL (SELECT hits FROM rate_counters WHERE bucket = k.b AND window_start = k.w LIMIT 1) c"
		args = append(args, kb, kw)
	case len(buckets) > 0:
		q += " UNION ALL SELECT 'r', bucket, '', window_start, hits FROM rate_counters WHERE bucket " + in
		args = append(args, list(slices.Compact(slices.Sorted(slices.Values(buckets)))))
	}
	if len(idemKeys) > 0 {
		q += " UNION ALL SELECT 'i', key, request_hash || ' ' || secret, created_at, case_id FROM idempotency_keys WHERE key " + in
		args = append(args, list(idemKeys))
	}
	// On Postgres the same round trip takes the ids the new cases may need
	// (gaps in ids do not matter) and reads their topics' names for the
	// search row, so that the cases and everything written with them go in
	// one statement after the number is taken.
	var topicIDs []int64
	for _, r := range batch {
		if r.nc.TopicID != 0 {
			topicIDs = append(topicIDs, r.nc.TopicID)
		}
	}
	if s.db.Dialect == Postgres {
		q += " UNION ALL SELECT 'n', '', '', CAST(? AS timestamptz), nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, ?)"
		args = append(args, since.UTC(), len(batch))
		if len(topicIDs) > 0 {
			q += " UNION ALL SELECT 't', name_vi, name_en, CAST(? AS timestamptz), id FROM topics WHERE id = ANY(CAST(? AS bigint[]))"
			args = append(args, since.UTC(), topicIDs)
		}
	}
	var reads []intakeRead
	if pg != nil {
		var err error
		if reads, err = pg.begin(tx.Statement.Context, keys, q, args); err != nil {
			return err
		}
	} else if err := scanRows(tx.Raw(q, args...), &reads); err != nil {
		return fmt.Errorf("intake lookups: %w", err)
	}
	var replayIDs, newIDs []int64
	topics := map[int64][2]string{}
	for _, x := range reads {
		switch x.Src {
		case "n":
			newIDs = append(newIDs, x.N)
		case "t":
			topics[x.N] = [2]string{x.K, x.V}
		case "d":
			recent = append(recent, recentRow{DedupKey: x.K, ID: x.N, Code: x.V, ReceivedAt: x.T.UTC()})
		case "r":
			hits[rateKey{x.K, x.T.UTC().UnixNano()}] = int(x.N)
		case "i":
			hash, secret, _ := strings.Cut(x.V, " ")
			idem[x.K] = idemRow{RequestHash: hash, CaseID: x.N, Secret: secret}
			replayIDs = append(replayIDs, x.N)
		}
	}
	slices.SortFunc(recent, func(a, b recentRow) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	replayCases := map[int64]caseRow{}
	if len(replayIDs) > 0 {
		var cs []caseRow
		if err := scanRows(tx.Raw("SELECT "+caseCols+" FROM cases c WHERE c.id IN ?", replayIDs), &cs); err != nil {
			return err
		}
		for _, c := range cs {
			replayCases[c.ID] = c
		}
	}

	// 5. Decide each submission, in arrival order.
	var creates []*intakeReq
	replayOf := map[*intakeReq]*intakeReq{}
	dupOf := map[*intakeReq]*intakeReq{}
	byIdem := map[string]*intakeReq{}
	byDedup := map[string]*intakeReq{}
	added := map[rateKey]int{}
	for _, r := range batch {
		nc := r.nc
		if k := nc.IdempotencyKey; k != "" {
			if row, ok := idem[k]; ok {
				if row.RequestHash != nc.RequestHash {
					r.err = petition.ErrIdempotencyMismatch
				} else if c, ok := replayCases[row.CaseID]; ok {
					r.res = c.result(petition.Replayed, row.Secret)
				} else {
					return fmt.Errorf("idempotency key refers to missing case %d", row.CaseID)
				}
				continue
			}
			if first, ok := byIdem[k]; ok {
				if first.nc.RequestHash != nc.RequestHash {
					r.err = petition.ErrIdempotencyMismatch
				} else {
					replayOf[r] = first
				}
				continue
			}
		}
		if i := slices.IndexFunc(recent, func(c recentRow) bool {
			return c.DedupKey == nc.DedupKey && c.ReceivedAt.After(nc.DedupSince)
		}); i >= 0 {
			r.res = petition.IntakeResult{Outcome: petition.Duplicate, CaseID: recent[i].ID, Code: recent[i].Code}
			continue
		}
		if first, ok := byDedup[nc.DedupKey]; ok {
			dupOf[r] = first
			continue
		}
		limited := false
		for _, l := range nc.Limits {
			k := rateKey{l.Bucket, windowStart(nc.ReceivedAt, l.Window).UnixNano()}
			if hits[k]+added[k]+1 > l.Max {
				limited = true
			}
		}
		if limited {
			r.err = petition.ErrRateLimited
			continue
		}
		for _, l := range nc.Limits {
			added[rateKey{l.Bucket, windowStart(nc.ReceivedAt, l.Window).UnixNano()}]++
		}
		creates = append(creates, r)
		if nc.IdempotencyKey != "" {
			byIdem[nc.IdempotencyKey] = r
		}
		byDedup[nc.DedupKey] = r
	}

	var parts []insertPart
	if len(creates) > 0 {
		if s.db.Dialect != Postgres && len(topicIDs) > 0 {
			var ts []struct {
				ID             int64
				NameVI, NameEN string
			}
			if err := scanRows(tx.Raw("SELECT id, name_vi, name_en FROM topics WHERE id IN ?", topicIDs), &ts); err != nil {
				return fmt.Errorf("intake topics: %w", err)
			}
			for _, t := range ts {
				topics[t.ID] = [2]string{t.NameVI, t.NameEN}
			}
		}
		var err error
		if parts, err = s.insertCases(tx, creates, newIDs, topics); err != nil {
			return err
		}
	}
	if pg != nil {
		q, args, err := s.insertAllSQL(parts)
		if err != nil {
			return err
		}
		if err := pg.commit(tx.Statement.Context, q, args); err != nil {
			return err
		}
	} else if err := s.insertAll(tx, parts); err != nil {
		return err
	}
	for r, first := range replayOf {
		r.res = first.res
		r.res.Outcome = petition.Replayed
	}
	for r, first := range dupOf {
		r.res = first.res
		r.res.Outcome, r.res.Secret = petition.Duplicate, ""
	}
	return nil
}

// insertCases numbers the cases and makes the parts that write them with
// everything that comes with them, one multi-row part per table: on
// SQLite it inserts the cases itself, for their ids, and intakeTx writes
// the other parts (insertAll); on Postgres the cases come first among
// the parts, all written in one statement (insertAllSQL). The numbers
// come from one bump of the sequence row per agency and year, whose row
// lock is held to commit, which is what makes them gap-free and in commit
// order. On Postgres the cases' ids were taken before (ids, from the
// batch's lookup; a case the office registers has none, and takes its id
// here), so everything is known once the numbers are, and the
// lock is held over two round trips: the bump, and that statement sent
// with the COMMIT (pgBatchTx.commit). The seal and the search row are
// written with the case, not derived from it after (sealedAtIntake,
// searchSource.row): no read-back under the lock.
func (s *PetitionStore) insertCases(tx *gorm.DB, creates []*intakeReq, ids []int64, topics map[int64][2]string) ([]insertPart, error) {
	pg := s.db.Dialect == Postgres
	if pg && ids == nil {
		rows, err := s.db.pgQuery(tx, "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, ?)", len(creates))
		if err != nil {
			return nil, fmt.Errorf("case ids: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("case ids: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("case ids: %w", err)
		}
	}
	if pg && len(ids) < len(creates) {
		return nil, fmt.Errorf("insert cases: %d ids taken for %d cases", len(ids), len(creates))
	}
	seqs, err := bumpSequences(s.db, tx, creates, pg)
	if err != nil {
		return nil, err
	}
	cols := []string{"code", "agency", "year", "seq", "kind", "channel", "topic_id", "plan_task_id",
		"title", "content", "place", "lang", "secret_salt", "secret_hash", "dedup_key", "status", "received_at",
		"due_at", "due_rule", "due_explanation_vi", "due_explanation_en", "registered_by", "identity_sealed", "created_at", "updated_at"}
	if pg {
		cols = append(cols, "id")
	}
	rows := make([][]any, 0, len(creates))
	for i, r := range creates {
		nc := r.nc
		seq := seqs[r]
		r.res = petition.IntakeResult{Outcome: petition.Created, Code: petition.FormatCode(nc.Agency, nc.Year, seq),
			Secret: nc.Secret, Status: petition.StatusReceived, ReceivedAt: nc.ReceivedAt.UTC(), Due: nc.Due}
		now := nc.ReceivedAt.UTC()
		row := []any{r.res.Code, nc.Agency, nc.Year, seq, string(nc.Kind), string(nc.Channel),
			nullID(nc.TopicID), nullID(nc.PlanTaskID), nc.Title, nc.Content, nc.Place, nc.Lang,
			nc.Secrets.Salt, nc.Secrets.SecretHash, nc.DedupKey, string(petition.StatusReceived), now,
			nullTime(nc.Due.At), nc.Due.RuleID, nc.Due.Explanation.VI, nc.Due.Explanation.EN, nc.RegisteredBy,
			sealedAtIntake(string(nc.Kind), nc.Identity.KeepSecret), now, now}
		if pg {
			r.res.CaseID = ids[i]
			row = append(row, ids[i])
		}
		rows = append(rows, row)
	}
	cases := insertPart{"cases", cols, rows, ""}
	if !pg {
		q, args, err := s.partSQL(cases)
		if err != nil {
			return nil, err
		}
		var got []struct {
			ID   int64
			Code string
		}
		if err := scanRows(tx.Raw(q+" RETURNING id, code", args...), &got); err != nil {
			return nil, fmt.Errorf("insert cases: %w", err)
		}
		idOf := make(map[string]int64, len(got))
		for _, x := range got {
			idOf[x.Code] = x.ID
		}
		for _, r := range creates {
			id, ok := idOf[r.res.Code]
			if !ok {
				return nil, fmt.Errorf("insert cases: no id returned for %s", r.res.Code)
			}
			r.res.CaseID = id
		}
	}
	var idents, files, events, keys, mails, clocks, search [][]any
	for _, r := range creates {
		id := r.res.CaseID
		nc := r.nc
		now := nc.ReceivedAt.UTC()
		p := nc.Identity
		idents = append(idents, []any{id, p.Name, p.Phone, p.Email, p.Address, p.IDNumber, p.PhoneHash, p.EmailHash,
			p.KeepSecret, p.ConsentAt.UTC(), now})
		for _, f := range nc.Files {
			files = append(files, []any{id, f.Name, f.Stored.MediaType, f.Stored.Size, f.Stored.SHA256, f.Stored.Key, now})
		}
		// The domain decides the first events and clock (petition.NewCase);
		// the store writes them.
		for _, e := range nc.FirstEvents() {
			events = append(events, []any{id, string(e.Kind), e.Public, e.Actor, e.Note, now})
		}
		// The first clock of the case's step, from its receipt: what the
		// overdue sweep and the workflow read; uncomputed, not missing,
		// when the due time could not be computed.
		if nc.Due.RuleID != "" {
			oc := nc.FirstClock()
			spec, err := json.Marshal(oc.Spec)
			if err != nil {
				return nil, err
			}
			clocks = append(clocks, []any{id, string(oc.Kind), oc.RuleID, now, nullTime(oc.DueAt), "open", string(spec),
				oc.ExplanationVI, oc.ExplanationEN, oc.Uncomputed, now, now})
		}
		if nc.IdempotencyKey != "" {
			keys = append(keys, []any{nc.IdempotencyKey, nc.RequestHash, id, nc.Secret, now})
		}
		if nc.QueueMail {
			mails = append(mails, []any{id, "petition.receipt", nc.Lang, now})
		}
		st := r.search
		if st == nil {
			x := searchTextsOf(nc, pg)
			st = &x
		}
		t := topics[nc.TopicID]
		search = append(search, st.row(id, t[0], t[1], nil, pg))
	}
	audits, err := auditRows(creates)
	if err != nil {
		return nil, err
	}
	parts := []insertPart{
		{"case_identities", []string{"case_id", "name", "phone", "email", "address", "id_number", "phone_hash", "email_hash",
			"keep_secret", "consent_at", "created_at"}, idents, ""},
		{"attachments", []string{"case_id", "name", "media_type", "size", "sha256", "storage_key", "created_at"}, files, ""},
		{"case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"}, events, ""},
		{"idempotency_keys", []string{"key", "request_hash", "case_id", "secret", "created_at"}, keys, ""},
		{"case_mail_queue", []string{"case_id", "template", "lang", "created_at"}, mails, ""},
		{"case_clocks", []string{"case_id", "kind", "rule_id", "started_at", "due_at", "state", "clock", "explanation_vi",
			"explanation_en", "uncomputed", "created_at", "updated_at"}, clocks, ""},
		{"audit_log", auditCols, audits, ""},
		{"case_search", searchCols(pg), search, ""},
		hitsPart(creates),
	}
	if pg {
		parts = append([]insertPart{cases}, parts...)
	}
	return parts, nil
}

// searchTextsOf are the search texts of a case intake creates from nc.
func searchTextsOf(nc petition.NewCase, pg bool) searchTexts {
	p := nc.Identity
	keep := p.KeepSecret
	return searchSource{Kind: string(nc.Kind), Title: nc.Title, Content: nc.Content, Place: nc.Place,
		Sealed: sealedAtIntake(string(nc.Kind), p.KeepSecret), KeepSecret: &keep,
		IName: p.Name, IPhone: p.Phone, IEmail: p.Email, IAddress: p.Address, IID: p.IDNumber}.texts(pg)
}

// bumpSequences takes the next numbers for the created cases: one bump of
// the sequence row per agency and year, in arrival order within each.
func bumpSequences(db *DB, tx *gorm.DB, creates []*intakeReq, pg bool) (map[*intakeReq]int64, error) {
	type ay struct {
		agency string
		year   int
	}
	var order []ay
	groups := map[ay][]*intakeReq{}
	for _, r := range creates {
		k := ay{r.nc.Agency, r.nc.Year}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	const bump = "INSERT INTO case_sequences (agency, year, issued) VALUES (?, ?, ?) " +
		"ON CONFLICT (agency, year) DO UPDATE SET issued = case_sequences.issued + excluded.issued RETURNING issued"
	seqs := map[*intakeReq]int64{}
	for _, k := range order {
		g := groups[k]
		var last int64
		var err error
		if pg {
			err = db.roundTrip(tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, pgSQL(bump), k.agency, k.year, len(g)).Scan(&last))
		} else {
			err = tx.Raw(bump, k.agency, k.year, len(g)).Scan(&last).Error
		}
		if err != nil {
			return nil, fmt.Errorf("case sequence: %w", err)
		}
		first := last - int64(len(g)) + 1
		for i, r := range g {
			seqs[r] = first + int64(i)
		}
	}
	return seqs, nil
}

var auditCols = []string{"at", "actor_label", "action", "entity", "entity_id", "after_json", "request_id"}

// auditRows are the audit rows of the creations; never the petitioner's
// identity.
func auditRows(creates []*intakeReq) ([][]any, error) {
	out := make([][]any, 0, len(creates))
	for _, r := range creates {
		nc := r.nc
		now := nc.ReceivedAt.UTC()
		actor := "petitioner"
		if nc.RegisteredBy != "" {
			actor = nc.RegisteredBy
		}
		after, err := json.Marshal(map[string]any{"code": r.res.Code, "kind": nc.Kind, "channel": nc.Channel,
			"topic_id": nc.TopicID, "received_at": now, "due_at": nc.Due.At})
		if err != nil {
			return nil, err
		}
		out = append(out, []any{now, actor, "case.create", "case", strconv.FormatInt(r.res.CaseID, 10), string(after), nc.RequestID})
	}
	return out, nil
}

// hitsPart adds the created cases to their rate counters.
func hitsPart(creates []*intakeReq) insertPart {
	add := map[rateKey]int{}
	var order []rateKey
	for _, r := range creates {
		for _, l := range r.nc.Limits {
			k := rateKey{l.Bucket, windowStart(r.nc.ReceivedAt, l.Window).UnixNano()}
			if add[k] == 0 {
				order = append(order, k)
			}
			add[k]++
		}
	}
	rows := make([][]any, 0, len(order))
	for _, k := range order {
		rows = append(rows, []any{k.bucket, time.Unix(0, k.window).UTC(), add[k]})
	}
	return insertPart{"rate_counters", []string{"bucket", "window_start", "hits"}, rows, hitsConflict}
}
