package store

import (
	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/reception"
)

// The stores that hold nothing but the database, each the gorm
// implementation of a domain port, built by its New function when the app
// is wired. The stores with settings of their own (PetitionStore,
// WorkflowStore, UnitStore, CaseAccessStore, ReportStore) are declared
// beside their code.
type (
	// AccountStore is the gorm implementation of access.Store.
	AccountStore struct{ db *DB }
	// AlertStore is the gorm implementation of alert.Store over case_clocks
	// (00005), alerts and outbox (00007).
	//
	// The sweep is set-based: each batch is one UPDATE … RETURNING over the
	// partial index case_clocks_to_flag, keyset-paginated on (due_at, id), then
	// one INSERT per table for the batch's events, alerts and deliveries, all
	// in one transaction. Its cost grows with the newly late clocks, not with
	// the table.
	AlertStore struct{ db *DB }
	// AuditStore reads the audit trail and the identity access log. Writing goes
	// through recordAudit and logIdentityAccess, in the transaction of each
	// change.
	AuditStore struct{ db *DB }
	// DeadlineStore keeps the working-day calendar, the statutory rules and the
	// admin overrides: everything the deadline engine is built from.
	DeadlineStore struct{ db *DB }
	// ClockStore writes and reads case_clocks (migration 00005). It is kept
	// minimal on purpose: the workflow opens and closes clocks through
	// it, and the overdue sweep only reads and flags them (see AlertStore).
	ClockStore struct{ db *DB }
	// JobRunStore is the gorm implementation of jobs.RunStore over job_runs
	// (migration 00007). The claim is a plain INSERT into a table with
	// UNIQUE (job, tick), which behaves the same on SQLite and Postgres and
	// needs no lock held across the run: the row is the lease.
	JobRunStore struct{ db *DB }
	// PlanStore is the gorm implementation of plan.Store.
	PlanStore struct{ db *DB }
	// RecomputeStore is the gorm implementation of petition.RecomputeStore
	// over case_clocks and clock_recomputes (migration 00012).
	RecomputeStore struct{ db *DB }
	// ReceptionStore is the gorm implementation of reception.Store over
	// reception_schedules and reception_changes (migration 00026).
	ReceptionStore struct{ db *DB }
	// ViewStore is the gorm implementation of access.ViewStore over
	// saved_views (migration 00021).
	ViewStore struct{ db *DB }
)

// NewAccountStore returns the account store over db.
func NewAccountStore(db *DB) *AccountStore { return &AccountStore{db: db} }

// NewAlertStore returns the store over db.
func NewAlertStore(db *DB) *AlertStore { return &AlertStore{db: db} }

// NewAuditStore returns the audit reader over db.
func NewAuditStore(db *DB) *AuditStore { return &AuditStore{db: db} }

// NewDeadlineStore returns the store over db.
func NewDeadlineStore(db *DB) *DeadlineStore { return &DeadlineStore{db: db} }

// NewClockStore returns the store over db.
func NewClockStore(db *DB) *ClockStore { return &ClockStore{db: db} }

// NewJobRunStore returns the store over db.
func NewJobRunStore(db *DB) *JobRunStore { return &JobRunStore{db: db} }

// NewPlanStore returns a plan store over db.
func NewPlanStore(db *DB) *PlanStore { return &PlanStore{db: db} }

// NewRecomputeStore returns the store over db.
func NewRecomputeStore(db *DB) *RecomputeStore { return &RecomputeStore{db: db} }

// NewReceptionStore returns the store over db.
func NewReceptionStore(db *DB) *ReceptionStore { return &ReceptionStore{db: db} }

// NewViewStore returns the store over db.
func NewViewStore(db *DB) *ViewStore { return &ViewStore{db: db} }

// The port each store fills; the reception store's further ports are
// checked beside their methods.
var (
	_ access.Store            = (*AccountStore)(nil)
	_ alert.Store             = (*AlertStore)(nil)
	_ audit.Reader            = (*AuditStore)(nil)
	_ deadline.Source         = (*DeadlineStore)(nil)
	_ deadline.TableStore     = (*DeadlineStore)(nil)
	_ deadline.OverrideStore  = (*DeadlineStore)(nil)
	_ deadline.RuleStore      = (*DeadlineStore)(nil)
	_ jobs.RunStore           = (*JobRunStore)(nil)
	_ plan.Store              = (*PlanStore)(nil)
	_ petition.RecomputeStore = (*RecomputeStore)(nil)
	_ reception.Store         = (*ReceptionStore)(nil)
	_ access.ViewStore        = (*ViewStore)(nil)
)
