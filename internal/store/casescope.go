package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
)

// CaseAccessStore is the gorm implementation of access.CaseStore over the
// intake tables (cases, case_identities; migration 00003) and case_units
// (migration 00004).
type CaseAccessStore struct {
	db *DB
}

// NewCaseAccessStore returns the store over db.
func NewCaseAccessStore(db *DB) *CaseAccessStore { return &CaseAccessStore{db: db} }

var _ access.CaseStore = (*CaseAccessStore)(nil)

// ScopeCases restricts a query over "cases" (which must be selectable as
// cases.*) to the cases the filter allows. Every staff list of cases goes
// through it, so a case an actor may not see never leaves the database.
func ScopeCases(q *gorm.DB, f access.CaseFilter) *gorm.DB {
	if f.All {
		return q
	}
	cond, args := scopeCond(f)
	return q.Where(cond, args...)
}

// scopeCond is the condition on "cases" of a filter that is not All: the
// one definition of "the cases of these units" (the lead or a coordinating
// unit), which ScopeCases and the search's contact scope share.
func scopeCond(f access.CaseFilter) (string, []any) {
	if f.None() {
		return "1 = 0", nil
	}
	return "(cases.lead_unit_id IN ? OR EXISTS (SELECT 1 FROM case_units cu WHERE cu.case_id = cases.id AND cu.unit_id IN ?))",
		[]any{f.UnitIDs, f.UnitIDs}
}

type caseRefRow struct {
	ID           int64
	Code         string
	Kind         string
	Title        string
	Status       string
	ReceivedAt   time.Time
	DueAt        *time.Time
	ClockDueAt   *time.Time
	TopicID      *int64
	LeadUnitID   *int64
	LeadUnitCode *string
	LeadUnitName *string
	KeepSecret   *bool
	Sealed       bool `gorm:"column:identity_sealed"`
	Content      string
	Place        string
	// The identity, read only to scrub a sealed case's title (ref). The
	// tags are needed: gorm names IPhone "iphone", not i_phone.
	IName    string `gorm:"column:i_name"`
	IPhone   string `gorm:"column:i_phone"`
	IEmail   string `gorm:"column:i_email"`
	IAddress string `gorm:"column:i_address"`
	IID      string `gorm:"column:i_id"`
	// The coordinating units' ids, comma-separated (caseRefColumns).
	CoordUnits *string `gorm:"column:coord_units"`
}

// caseRefColumns are the columns of caseRefRow over caseRefQuery in
// dialect d. The running main clock (one at a time; the first if not) and
// the coordinating units are read in the same statement, each by the
// case's own index, and only for the rows the statement returns.
func caseRefColumns(d Dialect) string {
	units := "group_concat(cu.unit_id, ',')"
	if d == Postgres {
		units = "string_agg(cu.unit_id::text, ',')"
	}
	return "cases.id, cases.code, cases.kind, cases.title, cases.status, cases.received_at, cases.due_at, cases.topic_id, " +
		"cases.lead_unit_id, lu.code AS lead_unit_code, lu.name AS lead_unit_name, ci.keep_secret, cases.identity_sealed, " +
		"COALESCE(ci.name, '') AS i_name, COALESCE(ci.phone, '') AS i_phone, COALESCE(ci.email, '') AS i_email, " +
		"COALESCE(ci.address, '') AS i_address, COALESCE(ci.id_number, '') AS i_id, " +
		"(SELECT mk.due_at FROM case_clocks mk WHERE mk.case_id = cases.id AND mk.kind IN " + caseclock.MainKindsSQL +
		" AND mk.state = 'open' ORDER BY mk.id LIMIT 1) AS clock_due_at, " +
		"(SELECT " + units + " FROM case_units cu WHERE cu.case_id = cases.id AND cu.role = 'coordinate') AS coord_units"
}

// mainClockWhere is a condition on the case's main clocks (m).
func mainClockWhere(cond string) string {
	return "EXISTS (SELECT 1 FROM case_clocks m WHERE m.case_id = cases.id AND m.kind IN " + caseclock.MainKindsSQL + " AND " + cond + ")"
}

// caseRefQuery is "cases" with what caseRefColumns reads beside it.
func caseRefQuery(tx *gorm.DB) *gorm.DB {
	return tx.Table("cases").Joins("LEFT JOIN units lu ON lu.id = cases.lead_unit_id").
		Joins("LEFT JOIN case_identities ci ON ci.case_id = cases.id")
}

// units parses coord_units: the unit ids, ascending.
func (r caseRefRow) units() []int64 {
	if r.CoordUnits == nil || *r.CoordUnits == "" {
		return nil
	}
	var out []int64
	for _, f := range strings.Split(*r.CoordUnits, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err == nil {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (r caseRefRow) ref() access.CaseRef {
	coord := r.units()
	c := access.CaseRef{ID: r.ID, Code: r.Code, Kind: r.Kind, Title: r.Title, Status: r.Status, ReceivedAt: r.ReceivedAt.UTC(),
		DueAt: utcPtr(r.DueAt), ClockDueAt: utcPtr(r.ClockDueAt), LeadUnitCode: deref(r.LeadUnitCode), LeadUnitName: deref(r.LeadUnitName)}
	c.Scope = access.CaseScope{CaseID: r.ID, Kind: r.Kind, CoordinatingUnitIDs: coord, Denunciation: r.Kind == access.KindDenunciation,
		// No identity row: treat as secret, the safe side.
		SecrecyWaived: r.KeepSecret != nil && !*r.KeepSecret, Sealed: r.Sealed}
	if r.LeadUnitID != nil {
		c.Scope.LeadUnitID = *r.LeadUnitID
	}
	if r.TopicID != nil {
		c.TopicID = *r.TopicID
	}
	c.Title = access.SealedTitle(c.Scope, r.Title, r.identity())
	return c
}

func (r caseRefRow) identity() access.Identity {
	return access.Identity{Name: r.IName, Phone: r.IPhone, Email: r.IEmail, Address: r.IAddress, IDNumber: r.IID}
}

// sealable is when a case's identity is sealed: a denunciation none of
// whose identities the denouncer let be known.
const sealable = "cases.kind = '" + access.KindDenunciation + "' AND NOT EXISTS (SELECT 1 FROM case_identities i WHERE i.case_id = cases.id AND i.keep_secret = FALSE)"

// sealedAtIntake is sealable for a case being created with its one
// identity: a denunciation whose denouncer keeps secrecy. Intake writes the
// seal with the case rather than sealing it with an UPDATE after.
func sealedAtIntake(kind string, keepSecret bool) bool {
	return kind == access.KindDenunciation && keepSecret
}

// sealIdentities seals those of the cases that are denunciations whose
// denouncer did not waive secrecy (no identity row counts as secret). It
// never unseals: the seal follows the case's history, not its current kind
// (migration 00009). Every write that creates a case or changes its kind
// calls it in its transaction.
func sealIdentities(tx *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := tx.Exec("UPDATE cases SET identity_sealed = TRUE WHERE id IN ? AND identity_sealed = FALSE AND "+sealable, ids).Error
	if err != nil {
		return fmt.Errorf("seal identities: %w", err)
	}
	// The reception sessions that opened a sealed case are sealed with
	// it, as a session recorded as a denunciation is: it keeps no
	// identity, content or refusal reason (the case holds them, under its
	// seal), so that the reception's pages and the public list of dialogue
	// results treat it as one.
	err = tx.Exec("UPDATE reception_sessions SET sealed = TRUE, name = '', phone = '', representatives = '', content = '', documents = '', "+
		"refusal_reason = '' WHERE sealed = FALSE AND case_id IN (SELECT id FROM cases WHERE id IN ? AND identity_sealed = TRUE)", ids).Error
	if err != nil {
		return fmt.Errorf("seal reception sessions: %w", err)
	}
	return nil
}

// closedStatusList is access.ClosedStatuses as an SQL list of literals. The
// open list writes it as literals, not parameters, so that the database
// can match it to the partial index cases_list_open (migrations 00039 and
// 00040, whose condition lists them in this order) in every plan: with
// parameters, SQLite never used the index, nor PostgreSQL in a generic plan
// of a prepared statement, and each walked every closed case in the list's
// order to find the open ones.
var closedStatusList = func() string {
	var quoted []string
	for _, st := range access.ClosedStatuses() {
		if strings.ContainsAny(st, `'\`) {
			panic("a status with a quote: " + st)
		}
		quoted = append(quoted, "'"+st+"'")
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}()

// listQuery is the one query of a staff list of cases: the actor's filter
// and the query's, both SQL, and the list's order (soonest due first, cases
// without a due time last; best match first for a search). ListCases reads
// a page of it (limit), EachCase all of it (limit 0), each in the order it
// returns; CountCases counts it unordered, so that no count sorts every
// case. cols is the select list after the case columns (the search adds
// its rank).
func (s *CaseAccessStore) listQuery(ctx context.Context, f access.CaseFilter, cq access.CaseQuery, cols string, limit int) (*gorm.DB, string, error) {
	tx := s.db.Gorm.WithContext(ctx)
	q := ScopeCases(caseRefQuery(tx), f)
	// The plain list's order is held by the indexes cases_list_open and
	// cases_list (migration 00039), written in each dialect as its index
	// is: PostgreSQL sorts NULLs last ascending, SQLite first.
	order := "CASE WHEN cases.due_at IS NULL THEN 1 ELSE 0 END, cases.due_at, cases.received_at, cases.id"
	if s.db.Dialect == Postgres {
		order = "cases.due_at, cases.received_at, cases.id"
	}
	if cq.Search != nil {
		var rank string
		var rargs []any
		// A page of a search over every case, with no other filter,
		// is ranked and cut inside case_search (searchWhere).
		top := 0
		if limit > 0 && f.All && !cq.OpenOnly && cq.Status == "" && cq.Kind == "" && cq.TopicID == 0 && cq.UnitID == 0 &&
			cq.Urgency == access.UrgencyNone && !cq.ToChase && !cq.AwaitingApproval {
			top = limit
		}
		q, rank, rargs = searchWhere(q, s.db.Dialect, *cq.Search, cq.Contact, top)
		q = q.Select(cols+", "+rank+" AS search_rank", rargs...)
		order = "search_rank DESC, cases.received_at DESC, cases.id DESC"
		if _, _, byCode := codeRange(*cq.Search); byCode {
			// Every case found by its code ranks the same: the codes'
			// own order, which their index holds (codeRangeCond).
			_, order = codeRangeCond(s.db.Dialect)
		}
	} else {
		q = q.Select(cols)
	}
	if cq.OpenOnly || cq.Urgency != access.UrgencyNone {
		q = q.Where("cases.status NOT IN " + closedStatusList)
	}
	if cq.Status != "" {
		q = q.Where("cases.status = ?", cq.Status)
	}
	if cq.Kind != "" {
		q = q.Where("cases.kind = ?", cq.Kind)
	}
	if cq.TopicID != 0 {
		q = q.Where("cases.topic_id = ?", cq.TopicID)
	}
	if cq.UnitID != 0 {
		q = q.Where("(cases.lead_unit_id = ? OR EXISTS (SELECT 1 FROM case_units cu2 WHERE cu2.case_id = cases.id AND cu2.unit_id = ?))", cq.UnitID, cq.UnitID)
	}
	switch cq.Urgency {
	case access.UrgencyLate:
		q = q.Where(mainClockWhere(caseclock.LateSQL("m.", "?")), cq.Now.UTC())
	case access.UrgencyDueSoon:
		q = q.Where(mainClockWhere(caseclock.DueSoonSQL("m.", "?", "?")), cq.Now.UTC(), cq.SoonUntil.UTC())
	}
	if cq.AwaitingApproval {
		// The approve action's state, with a draft neither published nor
		// superseded; a unit sees its drafts where it leads, not where it
		// coordinates: only the lead's head approves.
		q = q.Where("cases.status IN ? AND EXISTS (SELECT 1 FROM answers aw WHERE aw.case_id = cases.id AND aw.published_at IS NULL AND aw.superseded_at IS NULL)",
			petition.StatesAllowing(petition.ActApprove))
		if !f.All {
			q = q.Where("cases.lead_unit_id IN ?", f.UnitIDs)
		}
	}
	if cq.ToChase {
		// Only a case the chase action takes (its states, a lead unit to
		// chase): the proposal and the action's guard agree.
		q = q.Where("cases.status IN ? AND cases.lead_unit_id IS NOT NULL AND EXISTS (SELECT 1 FROM case_clocks dk WHERE dk.case_id = cases.id AND "+dueSoonNoDraftSQL("dk.", "?", "?")+")",
			petition.StatesAllowing(petition.ActChase), cq.Now.UTC(), cq.ChaseUntil.UTC())
	}
	return q, order, nil
}

// ListCases implements access.CaseStore: a page of listQuery.
func (s *CaseAccessStore) ListCases(ctx context.Context, f access.CaseFilter, cq access.CaseQuery) ([]access.CaseRef, error) {
	cols := caseRefColumns(s.db.Dialect)
	if cq.Search != nil {
		cols += ", cases.content"
	}
	q, order, err := s.listQuery(ctx, f, cq, cols, cq.Limit+cq.Offset)
	if err != nil {
		return nil, err
	}
	q = q.Order(order)
	byCodeRange := false
	if cq.Search != nil && s.db.Dialect == Postgres {
		_, _, byCodeRange = codeRange(*cq.Search)
	}
	if byCodeRange {
		// The page's cut is written in the statement, so that
		// PostgreSQL keeps its plan (codeRangeCond): a plan made for a
		// LIMIT it cannot see is costed for other rows than the one
		// made seeing it, and over a million cases PostgreSQL then
		// planned every search anew.
		q = q.Clauses(literalCut{limit: cq.Limit, offset: cq.Offset})
	} else {
		if cq.Offset > 0 {
			q = q.Offset(cq.Offset)
		}
		q = q.Limit(cq.Limit)
	}
	var rows []caseRefRow
	// Find, not Scan: gorm's Scan records every statement it runs for
	// its logger, writing the statement out with its values (a regular
	// expression over the whole text) even when nothing is logged; for a
	// page found by code that was about a tenth of the search's time in
	// Go over a million cases. Find reads the same rows.
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return refs(rows, cq), nil
}

// literalCut is a page's LIMIT and OFFSET written as numbers in the
// statement rather than as parameters, as gorm's Limit and Offset do.
type literalCut struct{ limit, offset int }

func (literalCut) Name() string { return "LIMIT" }

func (c literalCut) Build(b clause.Builder) {
	var cut []string
	if c.limit >= 0 {
		cut = append(cut, "LIMIT "+strconv.Itoa(c.limit))
	}
	if c.offset > 0 {
		cut = append(cut, "OFFSET "+strconv.Itoa(c.offset))
	}
	b.WriteString(strings.Join(cut, " "))
}

func (c literalCut) MergeClause(cl *clause.Clause) {
	cl.Name = ""
	cl.Expression = c
}

// refs turns rows into the list's cases, with, for a search, the snippet.
func refs(rows []caseRefRow, cq access.CaseQuery) []access.CaseRef {
	out := make([]access.CaseRef, 0, len(rows))
	// A search by code has no snippet: the code, which the row shows, is
	// what it found, and its words ("sxd", "2026", the digits) would only
	// mark them wherever else they occur (a petitioner's phone).
	snip := cq.Search != nil
	if snip {
		_, byCode := searchCode(*cq.Search)
		snip = !byCode
	}
	for _, r := range rows {
		c := r.ref()
		if snip {
			c.Snippet, c.SnippetOfTitle, c.SnippetOfPetitioner = snippet(cq.Search, c.Title, r.Content, c.Scope, r.identity(), cq.Contact)
		}
		out = append(out, c)
	}
	return out
}

// CountCases implements access.CaseStore: the rows of listQuery.
func (s *CaseAccessStore) CountCases(ctx context.Context, f access.CaseFilter, cq access.CaseQuery) (int64, error) {
	q, err := s.countQuery(ctx, f, cq)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := q.Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// countQuery counts the rows of listQuery, unordered: an ordered count
// sorted every case it counted.
func (s *CaseAccessStore) countQuery(ctx context.Context, f access.CaseFilter, cq access.CaseQuery) (*gorm.DB, error) {
	q, _, err := s.listQuery(ctx, f, cq, "cases.id", 0)
	if err != nil {
		return nil, err
	}
	return s.db.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM (?) AS listed", q), nil
}

// eachChunk is how many cases EachCase reads per query.
const eachChunk = 1000

// EachCase implements access.CaseStore: all of listQuery, in its order,
// for an export. The ids come first, in one query (8 bytes a case: a
// million cases are 8 MB); the cases are then read a chunk at a time, so
// no connection is held while the caller writes (a slow download would
// otherwise hold SQLite's only connection) and no more than a chunk of
// rows is in memory.
func (s *CaseAccessStore) EachCase(ctx context.Context, f access.CaseFilter, cq access.CaseQuery, fn func(access.CaseRef, access.Identity) error) error {
	q, order, err := s.listQuery(ctx, f, cq, "cases.id", 0)
	if err != nil {
		return err
	}
	q = q.Order(order)
	var ids []int64
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("each case: %w", err)
	}
	for rows.Next() {
		var id int64
		// The search adds its rank to the select list.
		dest := []any{&id}
		if cq.Search != nil {
			var rank any
			dest = append(dest, &rank)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return fmt.Errorf("each case: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each case: %w", err)
	}
	for len(ids) > 0 {
		chunk := ids[:min(eachChunk, len(ids))]
		ids = ids[len(chunk):]
		var page []caseRefRow
		cols := caseRefColumns(s.db.Dialect)
		if cq.Search != nil {
			cols += ", cases.content"
		}
		if err := caseRefQuery(s.db.Gorm.WithContext(ctx)).Select(cols).Where("cases.id IN ?", chunk).Scan(&page).Error; err != nil {
			return fmt.Errorf("each case: %w", err)
		}
		refs := refs(page, cq)
		byID := make(map[int64]int, len(refs))
		for i, r := range refs {
			byID[r.ID] = i
		}
		for _, id := range chunk {
			i, ok := byID[id]
			if !ok {
				continue // deleted since the ids were read
			}
			if err := fn(refs[i], page[i].identity()); err != nil {
				return err
			}
		}
	}
	return nil
}

// CaseFile implements access.CaseStore.
func (s *CaseAccessStore) CaseFile(ctx context.Context, id int64) (access.CaseRef, string, string, access.Identity, error) {
	tx := s.db.Gorm.WithContext(ctx)
	var rows []caseRefRow
	if err := caseRefQuery(tx).Select(caseRefColumns(s.db.Dialect)+", cases.content, cases.place").Where("cases.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return access.CaseRef{}, "", "", access.Identity{}, err
	}
	if len(rows) == 0 {
		return access.CaseRef{}, "", "", access.Identity{}, access.ErrCaseNotFound
	}
	idt, err := readIdentity(tx, id)
	if err != nil {
		return access.CaseRef{}, "", "", access.Identity{}, err
	}
	return rows[0].ref(), rows[0].Content, rows[0].Place, idt, nil
}

func readIdentity(tx *gorm.DB, caseID int64) (access.Identity, error) {
	var r struct{ Name, Phone, Email, Address, IDNumber string }
	err := tx.Table("case_identities").Select("name, phone, email, address, id_number").Where("case_id = ?", caseID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return access.Identity{}, nil
	}
	if err != nil {
		return access.Identity{}, err
	}
	return access.Identity{Name: r.Name, Phone: r.Phone, Email: r.Email, Address: r.Address, IDNumber: r.IDNumber}, nil
}

// RevealIdentity implements access.CaseStore.
func (s *CaseAccessStore) RevealIdentity(ctx context.Context, by access.Actor, caseID int64, reason string, now time.Time) (access.Identity, error) {
	var out access.Identity
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := logIdentityAccess(ctx, tx, audit.IdentityAccess{At: now, AccountID: by.AccountID, ActorLabel: by.Label(),
			CaseID: caseID, Reason: reason}); err != nil {
			return err
		}
		var err error
		out, err = readIdentity(tx, caseID)
		return err
	})
	return out, err
}

// RecordRevealRefused implements access.CaseStore: one audit row, action
// identity.reveal_refused, on the case, with why.
func (s *CaseAccessStore) RecordRevealRefused(ctx context.Context, by access.Actor, caseID int64, why string, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: "identity.reveal_refused",
			Entity: "case", EntityID: strconv.FormatInt(caseID, 10), After: map[string]any{"why": why}})
	})
}

// RecordExport implements access.CaseStore: one audit row, action
// list.export, entity the list.
func (s *CaseAccessStore) RecordExport(ctx context.Context, by access.Actor, e access.ListExport, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: "list.export",
			Entity: "case_list", EntityID: e.List, After: map[string]any{"format": e.Format, "params": e.Params, "contacts": e.Contacts}})
	})
}

// RecordDownload implements access.CaseStore: one audit row, action
// attachment.download (or attachment.download_refused), entity the case.
// It carries the file's id, never its name.
func (s *CaseAccessStore) RecordDownload(ctx context.Context, by access.Actor, d access.Download, now time.Time) error {
	action, after := "attachment.download", map[string]any{"attachment_id": d.AttachmentID}
	if d.Refused != "" {
		action, after["why"] = "attachment.download_refused", d.Refused
	} else {
		after["media_type"], after["size"] = d.MediaType, d.Size
		if d.AnswerID != 0 {
			after["answer_id"] = d.AnswerID
		}
	}
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: action,
			Entity: "case", EntityID: strconv.FormatInt(d.CaseID, 10), After: after})
	})
}

// Attachments implements access.CaseStore.
func (s *CaseAccessStore) Attachments(ctx context.Context, caseID int64) ([]access.Attachment, error) {
	var rows []struct {
		ID, CaseID                  int64
		AnswerID                    *int64
		Name, MediaType, StorageKey string
		Size                        int64
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, case_id, answer_id, name, media_type, storage_key, size FROM attachments "+
		"WHERE case_id = ? ORDER BY id", caseID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	out := make([]access.Attachment, 0, len(rows))
	for _, r := range rows {
		out = append(out, access.Attachment{ID: r.ID, CaseID: r.CaseID, AnswerID: deref64(r.AnswerID), Name: r.Name, MediaType: r.MediaType,
			Size: r.Size, StorageKey: r.StorageKey})
	}
	return out, nil
}
