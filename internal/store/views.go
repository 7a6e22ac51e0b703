package store

import (
	"context"
	"fmt"
	"time"

	"github.com/phucdap/phucdap/internal/access"
)

// SaveView implements access.ViewStore; the unique index on (account,
// list, name) decides a name taken, also between two saves at once.
func (s *ViewStore) SaveView(ctx context.Context, v access.SavedView) (int64, error) {
	var ids []int64
	err := insertRows(s.db.Gorm.WithContext(ctx), "saved_views", []string{"account_id", "list", "name", "query", "created_at"},
		[][]any{{v.AccountID, v.List, v.Name, v.Query, v.CreatedAt.UTC()}}, "id", &ids)
	if err != nil && isUniqueViolation(err) {
		return 0, access.ErrViewNameTaken
	}
	if err != nil {
		return 0, fmt.Errorf("save view: %w", err)
	}
	if len(ids) != 1 {
		return 0, fmt.Errorf("save view: no id")
	}
	return ids[0], nil
}

// ListViews implements access.ViewStore.
func (s *ViewStore) ListViews(ctx context.Context, accountID int64, list string) ([]access.SavedView, error) {
	var rows []struct {
		ID, AccountID     int64
		List, Name, Query string
		CreatedAt         time.Time
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, account_id, list, name, query, created_at FROM saved_views "+
		"WHERE account_id = ? AND list = ? ORDER BY name, id", accountID, list).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	out := make([]access.SavedView, 0, len(rows))
	for _, r := range rows {
		out = append(out, access.SavedView{ID: r.ID, AccountID: r.AccountID, List: r.List, Name: r.Name, Query: r.Query, CreatedAt: r.CreatedAt.UTC()})
	}
	return out, nil
}

// DeleteView implements access.ViewStore.
func (s *ViewStore) DeleteView(ctx context.Context, accountID, id int64) (bool, error) {
	res := s.db.Gorm.WithContext(ctx).Exec("DELETE FROM saved_views WHERE id = ? AND account_id = ?", id, accountID)
	if res.Error != nil {
		return false, fmt.Errorf("delete view: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}
