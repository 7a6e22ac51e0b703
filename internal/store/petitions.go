package store

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/petition"
)

// PetitionStore is the gorm implementation of petition.Store.
//
// Intake is group-committed: submissions that arrive while writes are in
// flight queue up, and the next writer takes them all, up to MaxBatch, in
// one transaction. Each submission still gets its own outcome (created,
// replayed, duplicate, rate-limited), nothing is acknowledged before its
// transaction commits, and the sequence row is bumped once per transaction
// by the number of cases created, so numbers stay gap-free. Under load this
// turns one commit (and one wait on the sequence row) per case into one per
// batch; with no concurrency a batch is one submission. Writers is how many
// batches may be in flight at once in this process.
type PetitionStore struct {
	db       *DB
	MaxBatch int
	Writers  int

	mu      sync.Mutex
	queue   []*intakeReq
	leaders int
}

// NewPetitionStore returns the store over db. One writer: on Postgres a
// second one mostly waits on the sequence row (measured slower).
func NewPetitionStore(db *DB) *PetitionStore {
	return &PetitionStore{db: db, MaxBatch: 64, Writers: 1}
}

var _ petition.Store = (*PetitionStore)(nil)

// --- topics ---------------------------------------------------------------

type topicRow struct {
	ID         int64 `gorm:"primaryKey"`
	Slug       string
	NameVI     string `gorm:"column:name_vi"`
	NameEN     string `gorm:"column:name_en"`
	PlanTaskID *int64
	Position   int
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (topicRow) TableName() string { return "topics" }

// ListTopics returns every topic in display order.
func (s *PetitionStore) ListTopics(ctx context.Context) ([]petition.Topic, error) {
	var rows []topicRow
	if err := s.db.Gorm.WithContext(ctx).Order("position, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	out := make([]petition.Topic, 0, len(rows))
	for _, r := range rows {
		t := petition.Topic{ID: r.ID, Slug: r.Slug, NameVI: r.NameVI, NameEN: r.NameEN, Position: r.Position, Active: r.Active}
		if r.PlanTaskID != nil {
			t.PlanTaskID = *r.PlanTaskID
		}
		out = append(out, t)
	}
	return out, nil
}

// EnsureTopics adds the seed topics whose slug is missing, mapped through
// taskIDs (plan task key → id). Topics already present are left as the
// admins edited them. It returns how many it added.
func (s *PetitionStore) EnsureTopics(ctx context.Context, seeds []petition.TopicSeed, taskIDs map[string]int64, now time.Time) (int, error) {
	added := 0
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		added = 0
		var have []string
		if err := tx.Model(&topicRow{}).Pluck("slug", &have).Error; err != nil {
			return err
		}
		for i, seed := range seeds {
			if slices.Contains(have, seed.Slug) {
				continue
			}
			r := topicRow{Slug: seed.Slug, NameVI: seed.NameVI, NameEN: seed.NameEN, Position: (i + 1) * 10,
				Active: true, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
			if id, ok := taskIDs[seed.TaskKey]; ok && seed.TaskKey != "" {
				r.PlanTaskID = &id
			}
			if err := tx.Create(&r).Error; err != nil {
				return fmt.Errorf("create topic %s: %w", seed.Slug, err)
			}
			added++
		}
		return nil
	})
	return added, err
}

// --- intake -----------------------------------------------------------------

type intakeReq struct {
	ctx  context.Context
	nc   petition.NewCase
	res  petition.IntakeResult
	err  error
	done chan struct{}
	lead chan struct{}
}

// Intake records a new case (see PetitionStore for the batching).
func (s *PetitionStore) Intake(ctx context.Context, nc petition.NewCase) (petition.IntakeResult, error) {
	r := &intakeReq{ctx: ctx, nc: nc, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	s.mu.Lock()
	if s.leaders < max(s.Writers, 1) {
		s.leaders++
		s.mu.Unlock()
	} else {
		s.queue = append(s.queue, r)
		s.mu.Unlock()
		select {
		case <-r.done:
			return r.res, r.err
		case <-r.lead:
			// A writer finished and handed its turn to r.
		}
	}
	s.mu.Lock()
	n := min(len(s.queue), max(s.MaxBatch, 1)-1)
	batch := append([]*intakeReq{r}, s.queue[:n]...)
	s.queue = s.queue[n:]
	s.mu.Unlock()

	s.runBatch(batch)

	s.mu.Lock()
	if len(s.queue) > 0 {
		next := s.queue[0]
		s.queue = s.queue[1:]
		next.lead <- struct{}{}
	} else {
		s.leaders--
	}
	s.mu.Unlock()
	return r.res, r.err
}

func (s *PetitionStore) runBatch(batch []*intakeReq) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	// The batch must not die with the leader's request: others wait on it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), 60*time.Second)
	defer cancel()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error { return s.intakeTx(tx, batch) })
	if err == nil {
		return
	}
	if len(batch) == 1 {
		batch[0].err = err
		return
	}
	// Something in the batch broke the transaction: isolate it by writing
	// each submission on its own.
	for _, r := range batch {
		one := []*intakeReq{r}
		if err := s.db.Tx(ctx, func(tx *gorm.DB) error { return s.intakeTx(tx, one) }); err != nil {
			r.res, r.err = petition.IntakeResult{}, err
		}
	}
}

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

func windowStart(at time.Time, w time.Duration) time.Time { return at.UTC().Truncate(w) }

// intakeTx writes one batch. Per-submission refusals (rate limit, a reused
// Idempotency-Key with another body) are set on the request and do not
// fail the transaction; an error return rolls the whole batch back.
func (s *PetitionStore) intakeTx(tx *gorm.DB, batch []*intakeReq) error {
	for _, r := range batch {
		r.res, r.err = petition.IntakeResult{}, nil
	}
	// 1. On Postgres, serialise with other replicas on exactly what this
	// batch reads then writes: its idempotency keys, duplicate keys and rate
	// buckets. Keys are sorted so two batches cannot deadlock. SQLite has one
	// writer (BEGIN IMMEDIATE) and needs nothing.
	if s.db.Dialect == Postgres {
		var keys []int64
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
		lits := make([]string, len(keys))
		for i, k := range keys {
			lits[i] = strconv.FormatInt(k, 10)
		}
		if err := tx.Exec("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(? AS bigint[])) AS k", "{"+strings.Join(lits, ",")+"}").Error; err != nil {
			return fmt.Errorf("intake locks: %w", err)
		}
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
		in, list = "= ANY(CAST(? AS text[]))", func(v []string) any { return textArray(v) }
	}
	q := "SELECT 'd' AS src, dedup_key AS k, code AS v, received_at AS t, id AS n FROM cases WHERE dedup_key " + in + " AND received_at > ?"
	args := []any{list(dedupKeys), since.UTC()}
	if len(buckets) > 0 {
		q += " UNION ALL SELECT 'r', bucket, '', window_start, hits FROM rate_counters WHERE bucket " + in
		args = append(args, list(slices.Compact(slices.Sorted(slices.Values(buckets)))))
	}
	if len(idemKeys) > 0 {
		q += " UNION ALL SELECT 'i', key, request_hash || ' ' || secret, created_at, case_id FROM idempotency_keys WHERE key " + in
		args = append(args, list(idemKeys))
	}
	var reads []struct {
		Src, K, V string
		T         time.Time
		N         int64
	}
	if err := s.lookup(tx, &reads, q, args...); err != nil {
		return fmt.Errorf("intake lookups: %w", err)
	}
	var replayIDs []int64
	for _, x := range reads {
		switch x.Src {
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

	if len(creates) > 0 {
		if err := s.insertCases(tx, creates); err != nil {
			return err
		}
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

// insertCases numbers the cases and writes them with everything that comes
// with them, one multi-row statement per table.
func (s *PetitionStore) insertCases(tx *gorm.DB, creates []*intakeReq) error {
	// Number them: one bump of the sequence row per agency and year. The
	// row lock is held to commit, which is what makes numbers gap-free.
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
	seqs := map[*intakeReq]int64{}
	for _, k := range order {
		g := groups[k]
		var last int64
		err := tx.Raw("INSERT INTO case_sequences (agency, year, issued) VALUES (?, ?, ?) "+
			"ON CONFLICT (agency, year) DO UPDATE SET issued = case_sequences.issued + excluded.issued RETURNING issued",
			k.agency, k.year, len(g)).Scan(&last).Error
		if err != nil {
			return fmt.Errorf("case sequence: %w", err)
		}
		first := last - int64(len(g)) + 1
		for i, r := range g {
			seqs[r] = first + int64(i)
		}
	}

	rows := make([][]any, 0, len(creates))
	for _, r := range creates {
		nc := r.nc
		seq := seqs[r]
		r.res = petition.IntakeResult{Outcome: petition.Created, Code: petition.FormatCode(nc.Agency, nc.Year, seq),
			Secret: nc.Secret, Status: petition.StatusReceived, ReceivedAt: nc.ReceivedAt.UTC(), Due: nc.Due}
		now := nc.ReceivedAt.UTC()
		rows = append(rows, []any{r.res.Code, nc.Agency, nc.Year, seq, string(nc.Kind), string(nc.Channel),
			nullID(nc.TopicID), nullID(nc.PlanTaskID), nc.Title, nc.Content, nc.Place, nc.Lang,
			nc.Secrets.Salt, nc.Secrets.SecretHash, nc.DedupKey, string(petition.StatusReceived), now,
			nullTime(nc.Due.At), nc.Due.RuleID, nc.Due.Explanation.VI, nc.Due.Explanation.EN, nc.RegisteredBy, now, now})
	}
	var ids []struct {
		ID   int64
		Code string
	}
	cases := insertPart{"cases", []string{"code", "agency", "year", "seq", "kind", "channel", "topic_id", "plan_task_id",
		"title", "content", "place", "lang", "secret_salt", "secret_hash", "dedup_key", "status", "received_at",
		"due_at", "due_rule", "due_explanation_vi", "due_explanation_en", "registered_by", "created_at", "updated_at"}, rows, ""}
	q, args, err := s.partSQL(cases)
	if err != nil {
		return err
	}
	if err := scanRows(tx.Raw(q+" RETURNING id, code", args...), &ids); err != nil {
		return fmt.Errorf("insert cases: %w", err)
	}
	idOf := map[string]int64{}
	for _, x := range ids {
		idOf[x.Code] = x.ID
	}
	var idents, files, events, keys, mails, clocks, audits [][]any
	for _, r := range creates {
		id, ok := idOf[r.res.Code]
		if !ok {
			return fmt.Errorf("insert cases: no id returned for %s", r.res.Code)
		}
		r.res.CaseID = id
		nc := r.nc
		now := nc.ReceivedAt.UTC()
		p := nc.Identity
		idents = append(idents, []any{id, p.Name, p.Phone, p.Email, p.Address, p.IDNumber, p.PhoneHash, p.EmailHash,
			p.KeepSecret, p.ConsentAt.UTC(), now})
		for _, f := range nc.Files {
			files = append(files, []any{id, f.Name, f.Stored.MediaType, f.Stored.Size, f.Stored.SHA256, f.Stored.Key, now})
		}
		actor := "petitioner"
		if nc.RegisteredBy != "" {
			actor = nc.RegisteredBy
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
				return err
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
		// The audit row of the creation; never the petitioner's identity.
		after, err := json.Marshal(map[string]any{"code": r.res.Code, "kind": nc.Kind, "channel": nc.Channel,
			"topic_id": nc.TopicID, "received_at": now, "due_at": nc.Due.At})
		if err != nil {
			return err
		}
		audits = append(audits, []any{now, actor, "case.create", "case", strconv.FormatInt(id, 10), string(after), nc.RequestID})
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
		{"audit_log", []string{"at", "actor_label", "action", "entity", "entity_id", "after_json", "request_id"}, audits, ""},
		hitsPart(creates),
	}
	if err := s.insertAll(tx, parts); err != nil {
		return err
	}
	sealed := make([]int64, 0, len(creates))
	for _, r := range creates {
		sealed = append(sealed, r.res.CaseID)
	}
	return sealIdentities(tx, sealed)
}

// insertPart is one multi-row INSERT.
type insertPart struct {
	table    string
	cols     []string
	rows     [][]any
	conflict string
}

// insertAll writes the parts: on Postgres in one statement (data-modifying
// WITH clauses, one round trip), on SQLite one statement each.
func (s *PetitionStore) insertAll(tx *gorm.DB, parts []insertPart) error {
	var live []insertPart
	for _, p := range parts {
		if len(p.rows) > 0 {
			live = append(live, p)
		}
	}
	if s.db.Dialect != Postgres {
		for _, p := range live {
			if err := insertRows(tx, p.table, p.cols, p.rows, "", nil, p.conflict); err != nil {
				return fmt.Errorf("insert %s: %w", p.table, err)
			}
		}
		return nil
	}
	var sb strings.Builder
	var args []any
	for i, p := range live {
		if i == 0 {
			sb.WriteString("WITH ")
		} else {
			sb.WriteString(", ")
		}
		q, a, err := s.partSQL(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&sb, "w%d AS (%s)", i, q)
		args = append(args, a...)
	}
	if len(live) == 0 {
		return nil
	}
	sb.WriteString(" SELECT 1")
	if err := tx.Exec(sb.String(), args...).Error; err != nil {
		return fmt.Errorf("insert case records: %w", err)
	}
	return nil
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

const hitsConflict = "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + excluded.hits"

func upsertHits(tx *gorm.DB, rows [][]any) error {
	return insertRows(tx, "rate_counters", []string{"bucket", "window_start", "hits"}, rows, "", nil, hitsConflict)
}

// insertRows writes rows in one INSERT … VALUES (…), (…) statement, with an
// optional conflict clause and RETURNING list scanned into dest.
func insertRows(tx *gorm.DB, table string, cols []string, rows [][]any, returning string, dest any, conflict ...string) error {
	q, args, err := insertSQL(table, cols, rows, strings.Join(conflict, " "))
	if err != nil {
		return err
	}
	if returning != "" {
		return scanRows(tx.Raw(q+" RETURNING "+returning, args...), dest)
	}
	return tx.Exec(q, args...).Error
}

func insertSQL(table string, cols []string, rows [][]any, conflict string) (string, []any, error) {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	args := make([]any, 0, len(rows)*len(cols))
	for i, r := range rows {
		if len(r) != len(cols) {
			return "", nil, fmt.Errorf("insert %s: %d values for %d columns", table, len(r), len(cols))
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ph)
		args = append(args, r...)
	}
	if conflict != "" {
		sb.WriteString(" " + conflict)
	}
	return sb.String(), args, nil
}

// partSQL is the INSERT of a part: VALUES lists on SQLite; on Postgres one
// array per column through unnest, so that the statement text does not
// depend on the number of rows and its prepared statement is reused.
func (s *PetitionStore) partSQL(p insertPart) (string, []any, error) {
	if s.db.Dialect != Postgres {
		return insertSQL(p.table, p.cols, p.rows, p.conflict)
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + p.table + " (" + strings.Join(p.cols, ", ") + ") SELECT * FROM unnest(")
	args := make([]any, len(p.cols))
	for j, c := range p.cols {
		typ, ok := pgColumnTypes[c]
		if !ok {
			return "", nil, fmt.Errorf("insert %s: no array type for column %s", p.table, c)
		}
		if j > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("CAST(? AS " + typ + "[])")
		elems := make(pgArray, len(p.rows))
		for i, r := range p.rows {
			if len(r) != len(p.cols) {
				return "", nil, fmt.Errorf("insert %s: %d values for %d columns", p.table, len(r), len(p.cols))
			}
			elems[i] = pgElem(r[j])
		}
		args[j] = elems
	}
	sb.WriteString(")")
	if p.conflict != "" {
		sb.WriteString(" " + p.conflict)
	}
	return sb.String(), args, nil
}

// pgColumnTypes are the Postgres types of the columns intake writes.
var pgColumnTypes = map[string]string{
	"id": "bigint", "case_id": "bigint", "topic_id": "bigint", "plan_task_id": "bigint", "seq": "bigint", "size": "bigint",
	"year": "integer", "hits": "integer", "keep_secret": "boolean", "public": "boolean",
	"received_at": "timestamptz", "due_at": "timestamptz", "created_at": "timestamptz", "updated_at": "timestamptz",
	"consent_at": "timestamptz", "window_start": "timestamptz",
	"code": "text", "agency": "text", "kind": "text", "channel": "text", "title": "text", "content": "text", "place": "text",
	"lang": "text", "secret_salt": "text", "secret_hash": "text", "dedup_key": "text", "status": "text", "due_rule": "text",
	"due_explanation_vi": "text", "due_explanation_en": "text", "name": "text", "phone": "text", "email": "text",
	"address": "text", "id_number": "text", "phone_hash": "text", "email_hash": "text", "media_type": "text",
	"sha256": "text", "storage_key": "text", "actor": "text", "note": "text", "key": "text", "request_hash": "text",
	"secret": "text", "template": "text", "bucket": "text", "registered_by": "text",
	"rule_id": "text", "started_at": "timestamptz", "state": "text", "clock": "text", "explanation_vi": "text", "explanation_en": "text", "uncomputed": "text",
	"at": "timestamptz", "actor_label": "text", "action": "text", "entity": "text", "entity_id": "text", "after_json": "jsonb",
	"request_id": "text",
}

// pgArray is a Postgres array literal of encoded elements; as a
// driver.Valuer it is one parameter (gorm would expand a slice).
type pgArray []string

// Value implements driver.Valuer.
func (a pgArray) Value() (driver.Value, error) { return "{" + strings.Join(a, ",") + "}", nil }

func textArray(v []string) pgArray {
	a := make(pgArray, len(v))
	for i, x := range v {
		a[i] = pgElem(x)
	}
	return a
}

// arrayEscaper escapes a string inside a quoted array element.
var arrayEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// pgElem encodes one array element.
func pgElem(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return `"` + arrayEscaper.Replace(x) + `"`
	case bool:
		if x {
			return "t"
		}
		return "f"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case time.Time:
		return `"` + x.UTC().Format(time.RFC3339Nano) + `"`
	}
	return pgElem(fmt.Sprint(v))
}

// lookup runs the intake read. On Postgres it goes through the simple
// protocol, so it is planned with its actual values every time: a generic
// plan cached while cases and rate_counters were nearly empty (a fresh
// install) would keep scanning them whole as they grow, until the next
// auto-analyze.
func (s *PetitionStore) lookup(tx *gorm.DB, dest any, q string, args ...any) error {
	if s.db.Dialect != Postgres {
		return scanRows(tx.Raw(q, args...), dest)
	}
	n := 0
	q = placeholder.ReplaceAllStringFunc(q, func(string) string { n++; return "$" + strconv.Itoa(n) })
	rows, err := tx.Statement.ConnPool.QueryContext(tx.Statement.Context, q, append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := tx.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	return rows.Err()
}

var placeholder = regexp.MustCompile(`\?`)

// scanRows runs a raw query and scans every row into dest (a slice). It
// avoids gorm's Raw().Scan(), which renders the SQL with its values for the
// logger: that text would carry what people typed.
func scanRows(q *gorm.DB, dest any) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := q.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	return rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// --- tracking -------------------------------------------------------------

// CaseByCode returns a case with the hashes tracking checks; the clear
// identity is never read here.
func (s *PetitionStore) CaseByCode(ctx context.Context, code string) (petition.Case, error) {
	var rows []caseRow
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT "+caseCols+", i.phone_hash, i.email_hash FROM cases c "+
		"LEFT JOIN case_identities i ON i.case_id = c.id WHERE c.code = ?", code).Scan(&rows).Error
	if err != nil {
		return petition.Case{}, fmt.Errorf("case by code: %w", err)
	}
	if len(rows) == 0 {
		return petition.Case{}, petition.ErrNotFound
	}
	r := rows[0]
	c := petition.Case{ID: r.ID, Code: r.Code, Kind: petition.Kind(r.Kind), Channel: petition.Channel(r.Channel),
		Title: r.Title, Content: r.Content, Place: r.Place, Lang: r.Lang, Status: petition.Status(r.Status),
		ReceivedAt: r.ReceivedAt.UTC(), AcceptedAt: r.AcceptedAt, Due: r.due()}
	if r.TopicID != nil {
		c.TopicID = *r.TopicID
	}
	if r.PlanTaskID != nil {
		c.PlanTaskID = *r.PlanTaskID
	}
	sec := petition.CaseSecrets{Salt: r.SecretSalt, SecretHash: r.SecretHash}
	if r.PhoneHash != nil {
		sec.PhoneHash = *r.PhoneHash
	}
	if r.EmailHash != nil {
		sec.EmailHash = *r.EmailHash
	}
	c.SetSecrets(sec)
	return c, nil
}

// PublicEvents returns the citizen's timeline, oldest first.
func (s *PetitionStore) PublicEvents(ctx context.Context, caseID int64) ([]petition.Event, error) {
	return caseEvents(s.db.Gorm.WithContext(ctx), caseID, true)
}

// caseEvents reads a case's events, oldest first, with the unit's name:
// only the public timeline, or the whole history.
func caseEvents(db *gorm.DB, caseID int64, publicOnly bool) ([]petition.Event, error) {
	var rows []struct {
		Kind      string
		Public    bool
		Actor     string
		UnitName  *string
		Note      string
		CreatedAt time.Time
		DueAt     *time.Time
	}
	q := "SELECT e.kind, e.public, e.actor, u.name AS unit_name, e.note, e.created_at, e.due_at " +
		"FROM case_events e LEFT JOIN units u ON u.id = e.unit_id WHERE e.case_id = ?"
	if publicOnly {
		q += " AND e.public"
	}
	if err := db.Raw(q+" ORDER BY e.id", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	out := make([]petition.Event, 0, len(rows))
	for _, r := range rows {
		e := petition.Event{Kind: petition.EventKind(r.Kind), Public: r.Public, Actor: r.Actor, Note: r.Note, CreatedAt: r.CreatedAt.UTC(),
			DueAt: utcPtr(r.DueAt)}
		if r.UnitName != nil {
			e.UnitName = *r.UnitName
		}
		out = append(out, e)
	}
	return out, nil
}

type attachmentRow struct {
	ID         int64
	Name       string
	MediaType  string
	Size       int64
	SHA256     string `gorm:"column:sha256"`
	StorageKey string
}

func (r attachmentRow) domain() petition.Attachment {
	return petition.Attachment{ID: r.ID, Name: r.Name, MediaType: r.MediaType, Size: r.Size, SHA256: r.SHA256, StorageKey: r.StorageKey}
}

// Attachments returns the files the petitioner sent with a case.
func (s *PetitionStore) Attachments(ctx context.Context, caseID int64) ([]petition.Attachment, error) {
	var rows []attachmentRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, name, media_type, size, sha256, storage_key FROM attachments "+
		"WHERE case_id = ? AND answer_id IS NULL ORDER BY id", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	out := make([]petition.Attachment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// LatestAnswer returns the latest published answer with its files, or nil.
func (s *PetitionStore) LatestAnswer(ctx context.Context, caseID int64) (*petition.Answer, error) {
	db := s.db.Gorm.WithContext(ctx)
	var rows []struct {
		ID          int64
		Body        string
		Signer      string
		PublishedAt time.Time
		LetterNo    string
		LetterDate  string
	}
	if err := db.Raw("SELECT id, body, signer, published_at, letter_no, letter_date FROM answers WHERE case_id = ? AND published_at IS NOT NULL "+
		"ORDER BY published_at DESC, id DESC LIMIT 1", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("latest answer: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	a := &petition.Answer{ID: rows[0].ID, Body: rows[0].Body, Signer: rows[0].Signer, PublishedAt: rows[0].PublishedAt.UTC(),
		LetterNo: rows[0].LetterNo, LetterDate: rows[0].LetterDate}
	var files []attachmentRow
	if err := db.Raw("SELECT id, name, media_type, size, sha256, storage_key FROM attachments WHERE answer_id = ? ORDER BY id", a.ID).
		Scan(&files).Error; err != nil {
		return nil, err
	}
	for _, f := range files {
		a.Attachments = append(a.Attachments, f.domain())
	}
	return a, nil
}

// AttachmentByID returns one attachment of a case (of the case itself or of
// one of its published answers).
func (s *PetitionStore) AttachmentByID(ctx context.Context, caseID, id int64) (petition.Attachment, error) {
	var rows []attachmentRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT a.id, a.name, a.media_type, a.size, a.sha256, a.storage_key FROM attachments a "+
		"LEFT JOIN answers w ON w.id = a.answer_id WHERE a.case_id = ? AND a.id = ? AND (a.answer_id IS NULL OR w.published_at IS NOT NULL)",
		caseID, id).Scan(&rows).Error; err != nil {
		return petition.Attachment{}, err
	}
	if len(rows) == 0 {
		return petition.Attachment{}, petition.ErrNotFound
	}
	return rows[0].domain(), nil
}

// RatingOf returns the rating of an answer, or nil.
func (s *PetitionStore) RatingOf(ctx context.Context, answerID int64) (*petition.Rating, error) {
	var rows []struct {
		Stars     int
		Comment   string
		UpdatedAt time.Time
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT stars, comment, updated_at FROM ratings WHERE answer_id = ?", answerID).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &petition.Rating{Stars: rows[0].Stars, Comment: rows[0].Comment, At: rows[0].UpdatedAt.UTC()}, nil
}

// Disputed reports whether an answer was disputed.
func (s *PetitionStore) Disputed(ctx context.Context, answerID int64) (bool, error) {
	var n int64
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT COUNT(*) FROM disputes WHERE answer_id = ?", answerID).Scan(&n).Error
	return n > 0, err
}

// SaveRating records or replaces the rating of an answer.
func (s *PetitionStore) SaveRating(ctx context.Context, caseID, answerID int64, r petition.Rating) error {
	at := r.At.UTC()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := insertRows(tx, "ratings", []string{"case_id", "answer_id", "stars", "comment", "created_at", "updated_at"},
			[][]any{{caseID, answerID, r.Stars, r.Comment, at, at}}, "", nil,
			"ON CONFLICT (answer_id) DO UPDATE SET stars = excluded.stars, comment = excluded.comment, updated_at = excluded.updated_at"); err != nil {
			return fmt.Errorf("save rating: %w", err)
		}
		return insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"},
			[][]any{{caseID, string(petition.EventRated), true, "petitioner", strconv.Itoa(r.Stars), at}}, "", nil)
	})
}

// SaveDispute records the dispute of an answer, reopens the case and makes
// its follow-up (issue 6), whose code the reopened event tells the citizen.
func (s *PetitionStore) SaveDispute(ctx context.Context, d petition.DisputeRecord) (string, error) {
	at := d.At.UTC()
	var code string
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO disputes (case_id, answer_id, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (answer_id) DO NOTHING",
			d.CaseID, d.AnswerID, d.Reason, at)
		if res.Error != nil {
			return fmt.Errorf("save dispute: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return petition.ErrAlreadyDisputed
		}
		if err := tx.Exec("UPDATE cases SET status = ?, updated_at = ? WHERE id = ?", string(petition.StatusReopened), at, d.CaseID).Error; err != nil {
			return err
		}
		var err error
		if _, code, err = insertLinked(tx, d.CaseID, "follow_up", d.FollowUp, "", at); err != nil {
			return err
		}
		if err := insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"},
			[][]any{{d.CaseID, string(petition.EventReopened), true, "petitioner", code, at}}, "", nil); err != nil {
			return err
		}
		return recordAudit(ctx, tx, audit.Entry{At: at, ActorLabel: "petitioner", Action: "case.reopen", Entity: "case",
			EntityID: strconv.FormatInt(d.CaseID, 10), Before: map[string]any{"status": "answered"},
			After: map[string]any{"status": string(petition.StatusReopened), "follow_up": code}})
	})
	return code, err
}

// PublishAnswer records a published answer and marks the case answered.
// The answer workflow (drafting, approval, signing) is issue 6; this is the
// write it will end with, used by tests until then.
func (s *PetitionStore) PublishAnswer(ctx context.Context, caseID int64, body, signer string, at time.Time) (int64, error) {
	at = at.UTC()
	var id int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var ids []int64
		if err := insertRows(tx, "answers", []string{"case_id", "body", "signer", "published_at", "created_at"},
			[][]any{{caseID, body, signer, at, at}}, "id", &ids); err != nil {
			return err
		}
		if len(ids) != 1 {
			return errors.New("publish answer: no id returned")
		}
		id = ids[0]
		if err := tx.Exec("UPDATE cases SET status = ?, updated_at = ? WHERE id = ?", string(petition.StatusAnswered), at, caseID).Error; err != nil {
			return err
		}
		return insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "note", "created_at"},
			[][]any{{caseID, string(petition.EventAnswered), true, signer, "", at}}, "", nil)
	})
	return id, err
}

// --- counters and housekeeping ------------------------------------------

// Exceeded reports whether any limit has reached its ceiling in its current
// window.
func (s *PetitionStore) Exceeded(ctx context.Context, limits []petition.RateLimit, now time.Time) (bool, error) {
	for _, l := range limits {
		var n int64
		if err := s.db.Gorm.WithContext(ctx).Raw("SELECT COALESCE(SUM(hits), 0) FROM rate_counters WHERE bucket = ? AND window_start = ?",
			l.Bucket, windowStart(now, l.Window)).Scan(&n).Error; err != nil {
			return false, fmt.Errorf("rate counter: %w", err)
		}
		if n >= int64(l.Max) {
			return true, nil
		}
	}
	return false, nil
}

// Hit counts one hit on every limit.
func (s *PetitionStore) Hit(ctx context.Context, limits []petition.RateLimit, now time.Time) error {
	if len(limits) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(limits))
	for _, l := range limits {
		rows = append(rows, []any{l.Bucket, windowStart(now, l.Window), 1})
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error { return upsertHits(tx, rows) })
}

// Limiter is the rate counters for limits outside intake (the login's per
// address failures); it implements access.Limiter.
type Limiter struct{ s *PetitionStore }

// NewLimiter returns the counters over db.
func NewLimiter(db *DB) Limiter { return Limiter{s: NewPetitionStore(db)} }

// Over reports whether bucket has reached max in its current window.
func (l Limiter) Over(ctx context.Context, bucket string, window time.Duration, max int, now time.Time) (bool, error) {
	return l.s.Exceeded(ctx, []petition.RateLimit{{Bucket: bucket, Window: window, Max: max}}, now)
}

// Hit counts one more in bucket's current window.
func (l Limiter) Hit(ctx context.Context, bucket string, window time.Duration, now time.Time) error {
	return l.s.Hit(ctx, []petition.RateLimit{{Bucket: bucket, Window: window, Max: 1}}, now)
}

// KeysInUse says which storage keys attachments refer to.
func (s *PetitionStore) KeysInUse(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	var used []string
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT DISTINCT storage_key FROM attachments WHERE storage_key IN ?", keys).
		Scan(&used).Error; err != nil {
		return nil, err
	}
	for _, k := range used {
		out[k] = true
	}
	return out, nil
}

// Purge deletes idempotency records and rate counters older than before.
func (s *PetitionStore) Purge(ctx context.Context, before time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM idempotency_keys WHERE created_at < ?", before.UTC()).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM rate_counters WHERE window_start < ?", before.UTC()).Error
	})
}
