package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// pgBatchTx is the transaction a batch of submissions is written in on
// PostgreSQL: its own on one pinned connection, whose BEGIN goes with the
// batch's first statements and whose COMMIT goes with its last, each set
// sent as one pgx pipeline. A batch then takes three round trips (BEGIN,
// the locks and the lookup; the bump of the number; the insert and
// COMMIT) where a gorm transaction took six, all of them in the one writer
// that every queued submission waits on. The statements are still run one
// after the other by the server, each with its own snapshot: the lookup
// reads after the locks are held, as it did in its own round trip.
type pgBatchTx struct {
	db   *DB
	conn *sql.Conn
	open bool // BEGIN sent, and neither COMMIT nor ROLLBACK done
}

// writeBatchPG writes batch in a pgBatchTx (intakeTx), retried as DB.Tx
// retries on a serialization failure or deadlock.
func (s *PetitionStore) writeBatchPG(ctx context.Context, batch []*intakeReq) error {
	return retrying(func() error { return s.writeBatchPGOnce(ctx, batch) })
}

func (s *PetitionStore) writeBatchPGOnce(ctx context.Context, batch []*intakeReq) error {
	conn, err := s.db.SQL.Conn(ctx)
	if err != nil {
		return s.db.unavailable(err)
	}
	defer conn.Close()
	p := &pgBatchTx{db: s.db, conn: conn}
	// gorm's statements (a replay's cases, the bump) run on the same
	// connection, inside the transaction the pipeline opened.
	tx := s.db.Gorm.Session(&gorm.Session{Context: ctx, NewDB: true})
	tx.Statement.ConnPool = conn
	err = s.intakeTx(tx, batch, p)
	if p.open {
		// A statement that failed left the transaction aborted. If the
		// ROLLBACK fails too, the pool drops the connection: pgx refuses
		// to hand out one that is inside a transaction.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		p.open = false
	}
	return err
}

// pipeline sends b as one pipeline on the pinned connection and reads its
// results with read.
func (p *pgBatchTx) pipeline(ctx context.Context, b *pgx.Batch, read func(pgx.BatchResults) error) error {
	err := p.conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		br := pc.Conn().SendBatch(ctx, b)
		err := read(br)
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
	return p.db.roundTrip(err)
}

// begin opens the transaction, takes the advisory locks (keys, sorted)
// and runs the lookup q, in one round trip. The lookup is planned with
// its values every time (plan_cache_mode, set around it), not from a
// generic plan cached with the prepared statement: one cached while cases
// and rate_counters were nearly empty (a fresh install) would keep
// scanning them whole as they grow, until the next auto-analyze. The
// insert keeps its generic plan: planning its ten data-modifying WITH
// clauses for each batch cost PostgreSQL more than half as much again
// per case.
func (p *pgBatchTx) begin(ctx context.Context, keys []int64, q string, args []any) ([]intakeRead, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL plan_cache_mode = force_custom_plan")
	b.Queue("SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k", keys)
	b.Queue(pgSQL(q), args...)
	b.Queue("SET LOCAL plan_cache_mode = DEFAULT")
	p.open = true
	var reads []intakeRead
	err := p.pipeline(ctx, b, func(br pgx.BatchResults) error {
		for _, what := range []string{"begin", "plan mode", "intake locks"} {
			if _, err := br.Exec(); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
		}
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("intake lookups: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x intakeRead
			if err := rows.Scan(&x.Src, &x.K, &x.V, &x.T, &x.N); err != nil {
				return fmt.Errorf("intake lookups: %w", err)
			}
			reads = append(reads, x)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("intake lookups: %w", err)
		}
		rows.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("plan mode: %w", err)
		}
		return nil
	})
	return reads, err
}

// commit runs the insert q (none when q is empty) and COMMIT in one round
// trip. Only a COMMIT that the server answered as such counts: a failed
// insert skips it, and the caller rolls back.
func (p *pgBatchTx) commit(ctx context.Context, q string, args []any) error {
	b := &pgx.Batch{}
	if q != "" {
		b.Queue(pgSQL(q), args...)
	}
	b.Queue("COMMIT")
	err := p.pipeline(ctx, b, func(br pgx.BatchResults) error {
		if q != "" {
			if _, err := br.Exec(); err != nil {
				return commitErr("insert case records", err)
			}
		}
		tag, err := br.Exec()
		if err != nil {
			return commitErr("commit", err)
		}
		if tag.String() != "COMMIT" {
			return fmt.Errorf("commit: the server answered %q", tag.String())
		}
		return nil
	})
	if err == nil {
		p.open = false
	}
	return err
}

// commitErr names what failed while reading the answers to the insert and
// COMMIT sent together. An error the server sent (a refused insert) means
// it skipped the COMMIT. Any other (the connection lost after both went
// out) leaves the outcome unknown: the batch may be committed. The
// submissions are still answered as failed, never as accepted, and a
// retry with the same Idempotency-Key finds the case if it was.
func commitErr(what string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: the connection failed after COMMIT was sent, so the batch may be committed: %w", what, err)
}
