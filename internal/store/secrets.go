package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// StoredSecret returns the secret stored under name, generating and
// storing one of size random bytes the first time. Concurrent first
// starts agree: the first insert wins and every caller reads its value.
func (db *DB) StoredSecret(ctx context.Context, name string, size int, now time.Time) ([]byte, error) {
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("stored secret %s: %w", name, err)
	}
	var value string
	err := db.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO stored_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
			name, hex.EncodeToString(b), now.UTC()).Error; err != nil {
			return err
		}
		return tx.Raw("SELECT value FROM stored_secrets WHERE name = ?", name).Scan(&value).Error
	})
	if err != nil {
		return nil, fmt.Errorf("stored secret %s: %w", name, err)
	}
	out, err := hex.DecodeString(value)
	if err != nil || len(out) == 0 {
		return nil, fmt.Errorf("stored secret %s: unreadable", name)
	}
	return out, nil
}
