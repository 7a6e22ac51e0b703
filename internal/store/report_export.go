package store

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/report"
)

var _ report.ExportStore = (*ReportStore)(nil)

// CreateExport implements report.ExportStore. An export of case lists is
// recorded in the audit trail: who took which period's cases out.
func (s *ReportStore) CreateExport(ctx context.Context, by access.Actor, format report.ExportFormat, params string, total int64, now time.Time) (int64, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var ids []int64
		if err := insertRows(tx, "report_exports", []string{"account_id", "format", "params", "state", "rows_total", "created_at", "updated_at"},
			[][]any{{by.AccountID, string(format), params, "running", total, now.UTC(), now.UTC()}}, "id", &ids); err != nil {
			return err
		}
		if len(ids) != 1 {
			return fmt.Errorf("create export: no id")
		}
		id = ids[0]
		e := audit.Entry{At: now.UTC(), ActorLabel: by.Label(), Action: "report.export", Entity: "report_export",
			EntityID: strconv.FormatInt(id, 10), After: map[string]any{"format": string(format), "params": params, "rows": total}}
		if by.AccountID != 0 {
			acc := by.AccountID
			e.ActorID = &acc
		}
		return recordAudit(ctx, tx, e)
	})
	if err != nil {
		return 0, fmt.Errorf("create export: %w", err)
	}
	return id, nil
}

// ExportProgress implements report.ExportStore.
func (s *ReportStore) ExportProgress(ctx context.Context, id, done int64, now time.Time) error {
	return s.db.Gorm.WithContext(ctx).Exec("UPDATE report_exports SET rows_done = ?, updated_at = ? WHERE id = ? AND state = 'running'",
		done, now.UTC(), id).Error
}

// AppendExportChunk implements report.ExportStore.
func (s *ReportStore) AppendExportChunk(ctx context.Context, id int64, seq int, data []byte) error {
	return s.db.Gorm.WithContext(ctx).Exec("INSERT INTO report_export_chunks (export_id, seq, data) VALUES (?, ?, ?)", id, seq, data).Error
}

// FinishExport implements report.ExportStore.
func (s *ReportStore) FinishExport(ctx context.Context, id int64, fileName string, size int64, now time.Time) error {
	return s.db.Gorm.WithContext(ctx).Exec("UPDATE report_exports SET state = 'done', file_name = ?, size = ?, updated_at = ?, finished_at = ? WHERE id = ?",
		fileName, size, now.UTC(), now.UTC(), id).Error
}

// FailExport implements report.ExportStore; the partial file is dropped.
func (s *ReportStore) FailExport(ctx context.Context, id int64, msg string, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM report_export_chunks WHERE export_id = ?", id).Error; err != nil {
			return err
		}
		return tx.Exec("UPDATE report_exports SET state = 'failed', error = ?, updated_at = ?, finished_at = ? WHERE id = ?",
			msg, now.UTC(), now.UTC(), id).Error
	})
}

// Export implements report.ExportStore.
func (s *ReportStore) Export(ctx context.Context, id int64) (report.ExportInfo, error) {
	var rows []struct {
		ID         int64
		AccountID  int64
		Format     string
		Params     string
		State      string
		RowsTotal  int64
		RowsDone   int64
		FileName   string
		Size       int64
		Error      string
		CreatedAt  time.Time
		UpdatedAt  time.Time
		FinishedAt *time.Time
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, account_id, format, params, state, rows_total, rows_done, file_name, size, error, "+
		"created_at, updated_at, finished_at FROM report_exports WHERE id = ?", id).Scan(&rows).Error; err != nil {
		return report.ExportInfo{}, fmt.Errorf("export: %w", err)
	}
	if len(rows) == 0 {
		return report.ExportInfo{}, report.ErrExportNotFound
	}
	r := rows[0]
	p, _ := report.ParseExportParams(r.Params)
	return report.ExportInfo{ID: r.ID, AccountID: r.AccountID, Format: report.ExportFormat(r.Format), Params: p, State: r.State,
		RowsTotal: r.RowsTotal, RowsDone: r.RowsDone, FileName: r.FileName, Size: r.Size, Error: r.Error,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), FinishedAt: utcPtr(r.FinishedAt)}, nil
}

// ExportChunks implements report.ExportStore, one chunk per query, so a
// slow download holds no connection between chunks.
func (s *ReportStore) ExportChunks(ctx context.Context, id int64, w io.Writer) error {
	for seq := 0; ; seq++ {
		var data [][]byte
		if err := s.db.Gorm.WithContext(ctx).Raw("SELECT data FROM report_export_chunks WHERE export_id = ? AND seq = ?", id, seq).
			Scan(&data).Error; err != nil {
			return fmt.Errorf("export chunk: %w", err)
		}
		if len(data) == 0 {
			return nil
		}
		if _, err := w.Write(data[0]); err != nil {
			return err
		}
	}
}

// PurgeExports implements report.ExportStore.
func (s *ReportStore) PurgeExports(ctx context.Context, before time.Time) error {
	return s.db.Gorm.WithContext(ctx).Exec("DELETE FROM report_exports WHERE created_at < ?", before.UTC()).Error
}
