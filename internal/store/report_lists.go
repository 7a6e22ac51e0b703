package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/report"
)

// selectRows writes the rows of one source where figure holds, for a
// drill-down: (wkey, kr, case_id, the clock's due, closed, on_time and
// extensions).
func selectRows(b *qb, src source, figure string, by report.By, where []report.Cond) {
	jc := src.clock && needsCase(by, where)
	jt := needsTask(by, where)
	b.w("SELECT ", src.wkeyExpr(), " AS wkey, ", keyCol(by, kindOf(src.clock)), " AS kr, ", src.caseIDExpr(), " AS case_id")
	if src.clock {
		b.w(", k.due_at AS clock_due, k.closed_at AS clock_closed, k.on_time AS clock_on_time, k.extensions AS clock_ext")
	} else {
		b.w(", NULL AS clock_due, NULL AS clock_closed, NULL AS clock_on_time, 0 AS clock_ext")
	}
	src.from(b, jc, jt)
	conds(b, where, kindOf(src.clock))
	b.w(" AND (", src.figs[figure], ")")
}

// drillFrom writes the figure's rows: (case_id, clock_due, clock_closed,
// clock_on_time, clock_ext) restricted to the drill's window and key.
func (s *ReportStore) drillFrom(b *qb, d report.Drill) error {
	if d.Figure.Current() {
		fig := string(d.Figure)
		if d.Figure == report.FigAge {
			fig = "open_now"
		}
		b.w("(SELECT s.case_id AS case_id, s.due_at AS clock_due, NULL AS clock_closed, NULL AS clock_on_time, 0 AS clock_ext FROM (")
		s.currentSelect(b, d.Now, d.By, d.Where, fig)
		b.w(") s WHERE s.k = ").arg(d.Key)
		switch d.Figure {
		case report.FigAge:
			b.w(" AND s.age", strconv.Itoa(d.Bucket), " > 0")
		default:
			b.w(" AND s.", fig, " > 0")
		}
		b.w(")")
		return nil
	}
	srcs := figureSources(d.Figure)
	if len(srcs) == 0 {
		return fmt.Errorf("report: no source for figure %q", d.Figure)
	}
	b.w("(")
	for i, src := range srcs {
		if i > 0 {
			b.w(" UNION ALL ")
		}
		b.w("SELECT s.case_id, s.clock_due, s.clock_closed, s.clock_on_time, s.clock_ext FROM (")
		selectRows(b, src, string(d.Figure), d.By, d.Where)
		b.w(") s WHERE s.wkey = ").arg(d.Window.Key).w(" AND ", asKey("s.kr"), " = ").arg(d.Key)
	}
	b.w(")")
	return nil
}

func (s *ReportStore) drillQuery(d report.Drill, tail func(b *qb)) (*qb, error) {
	b := s.qb()
	if !d.Figure.Current() {
		b.windows([]report.Window{d.Window}, calendar.Date{}, nil)
		b.w(" ")
	}
	b.w("SELECT f.case_id, f.clock_due, f.clock_closed, f.clock_on_time, f.clock_ext, c.code, c.kind, c.channel, c.status, c.title,",
		" c.received_at, c.accepted_at, c.due_at AS case_due, c.eligible, u.code AS unit_code, u.name AS unit_name,",
		" t.name_vi AS topic_vi, pt.key AS task_key,",
		" (SELECT max(a.published_at) FROM answers a WHERE a.case_id = c.id AND a.published_at IS NOT NULL) AS answered_at,",
		" COALESCE((SELECT r.stars FROM ratings r WHERE r.case_id = c.id ORDER BY r.id DESC LIMIT 1), 0) AS stars,",
		" c.identity_sealed,",
		// A figure without a clock (received, eligible…) still says
		// whether the case was answered on time: its latest met answer
		// clock's frozen on_time.
		" (SELECT ak.on_time FROM case_clocks ak WHERE ak.case_id = c.id AND ak.kind = 'answer' AND ak.state = 'met'",
		" ORDER BY ak.closed_at DESC, ak.id DESC LIMIT 1) AS case_on_time,",
		" (SELECT ad.due_at FROM case_clocks ad WHERE ad.case_id = c.id AND ad.kind = 'answer' ORDER BY ad.id DESC LIMIT 1) AS answer_due",
		" FROM ")
	if err := s.drillFrom(b, d); err != nil {
		return nil, err
	}
	b.w(" f JOIN cases c ON c.id = f.case_id LEFT JOIN units u ON u.id = c.lead_unit_id",
		" LEFT JOIN topics t ON t.id = c.topic_id LEFT JOIN plan_tasks pt ON pt.id = c.plan_task_id")
	tail(b)
	return b, nil
}

func scanCaseRow(rows *sql.Rows, more ...any) (report.CaseRow, error) {
	var (
		r                                  report.CaseRow
		clockDue, clockClosed, recv, acc   anyTime
		caseDue, answered, answerDue       anyTime
		onTime, eligible, caseOnTime       sql.NullBool
		ext                                sql.NullInt64
		unitCode, unitName, topic, taskKey sql.NullString
		stars                              sql.NullInt64
		sealed                             sql.NullBool
	)
	dest := []any{&r.ID, &clockDue, &clockClosed, &onTime, &ext, &r.Code, &r.Kind, &r.Channel, &r.Status, &r.Title,
		&recv, &acc, &caseDue, &eligible, &unitCode, &unitName, &topic, &taskKey, &answered, &stars, &sealed, &caseOnTime, &answerDue}
	err := rows.Scan(append(dest, more...)...)
	if err != nil {
		return r, err
	}
	r.ReceivedAt = recv.t
	r.AcceptedAt = acc.ptr()
	// The figure's clock's due time, else the case's answer clock's, else
	// the case's current one.
	r.DueAt = clockDue.ptr()
	if r.DueAt == nil {
		r.DueAt = answerDue.ptr()
	}
	if r.DueAt == nil {
		r.DueAt = caseDue.ptr()
	}
	r.ClosedAt = clockClosed.ptr()
	if !onTime.Valid {
		onTime = caseOnTime
	}
	if onTime.Valid {
		v := onTime.Bool
		r.OnTime = &v
	}
	if eligible.Valid {
		v := eligible.Bool
		r.Eligible = &v
	}
	r.Extensions = int(ext.Int64)
	r.UnitCode, r.UnitName, r.TopicVI, r.PlanTaskKey = unitCode.String, unitName.String, topic.String, taskKey.String
	r.AnsweredAt = answered.ptr()
	r.Stars = int(stars.Int64)
	r.Sealed = sealed.Bool
	return r, nil
}

// Cases implements report.Store.
func (s *ReportStore) Cases(ctx context.Context, d report.Drill, limit, offset int) ([]report.CaseRow, int64, error) {
	total, err := s.CountCases(ctx, d)
	if err != nil {
		return nil, 0, err
	}
	b, err := s.drillQuery(d, func(b *qb) {
		b.w(" ORDER BY c.received_at DESC, c.id DESC LIMIT ").arg(limit).w(" OFFSET ").arg(offset)
	})
	if err != nil {
		return nil, 0, err
	}
	var out []report.CaseRow
	err = s.read(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(b.String(), b.args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanCaseRow(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("report cases: %w", err)
	}
	return out, total, nil
}

// CountCases implements report.Store.
func (s *ReportStore) CountCases(ctx context.Context, d report.Drill) (int64, error) {
	b := s.qb()
	if !d.Figure.Current() {
		b.windows([]report.Window{d.Window}, calendar.Date{}, nil)
		b.w(" ")
	}
	b.w("SELECT count(*) FROM ")
	if err := s.drillFrom(b, d); err != nil {
		return 0, err
	}
	b.w(" f")
	var n int64
	if err := s.read(ctx, func(tx *gorm.DB) error { return tx.Raw(b.String(), b.args...).Scan(&n).Error }); err != nil {
		return 0, fmt.Errorf("report count cases: %w", err)
	}
	return n, nil
}

// eachPage is how many rows EachCase reads per statement (ReportStore's
// pageSize, unless a test sets another).
const eachPage = 1000

// EachCase implements report.Store. It reads keyset pages of eachPage
// cases, so that a long export holds no connection (SQLite has one) nor
// snapshot between pages. The petitioner's identity is read alongside,
// only so that the export can scrub it from the title; it is set on the
// row with SetIdentity and never written anywhere.
func (s *ReportStore) EachCase(ctx context.Context, d report.Drill, fn func(report.CaseRow) error) error {
	size := s.pageSize
	if size <= 0 {
		size = eachPage
	}
	var after int64
	for {
		page, err := s.casePage(ctx, d, func(b *qb) { b.w(" WHERE c.id > ").arg(after).w(" ORDER BY c.id LIMIT ").arg(size) })
		if err != nil {
			return err
		}
		full := len(page) == size
		if full {
			// A figure may list a case on several rows (a chase or a
			// coordinating unit's part each): the page's last case may go
			// on past the limit. It is read whole with the next page, or
			// here if it fills the page alone, so no row is lost at a cut.
			last := page[len(page)-1].ID
			cut := len(page)
			for cut > 0 && page[cut-1].ID == last {
				cut--
			}
			if cut > 0 {
				page = page[:cut]
			} else if page, err = s.casePage(ctx, d, func(b *qb) { b.w(" WHERE c.id = ").arg(last) }); err != nil {
				return err
			}
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if !full {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// casePage reads the drill's rows that tail selects, with the petitioner's
// identity for the scrub.
func (s *ReportStore) casePage(ctx context.Context, d report.Drill, tail func(*qb)) ([]report.CaseRow, error) {
	b, err := s.drillQuery(d, tail)
	if err != nil {
		return nil, err
	}
	// The identity columns are added by wrapping: the select list of
	// drillQuery is shared with Cases.
	q := "SELECT q.*, i.name AS i_name, i.phone AS i_phone, i.email AS i_email, i.address AS i_address, i.id_number AS i_id FROM (" +
		b.String() + ") q LEFT JOIN case_identities i ON i.case_id = q.case_id ORDER BY q.case_id"
	var page []report.CaseRow
	err = s.read(ctx, func(tx *gorm.DB) error {
		rows, err := tx.Raw(q, b.args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, phone, email, address, idNumber sql.NullString
			r, err := scanCaseRow(rows, &name, &phone, &email, &address, &idNumber)
			if err != nil {
				return err
			}
			r.SetIdentity(access.Identity{Name: name.String, Phone: phone.String, Email: email.String, Address: address.String, IDNumber: idNumber.String})
			page = append(page, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("report each case: %w", err)
	}
	return page, nil
}
