package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
)

type sessionRow struct {
	IDHash     string `gorm:"primaryKey;column:id_hash"`
	AccountID  *int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// CreateSession implements access.Store.
func (s *AccountStore) CreateSession(ctx context.Context, sess access.Session, replace string) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if replace != "" {
			if err := tx.Where("id_hash = ?", replace).Delete(&sessionRow{}).Error; err != nil {
				return err
			}
		}
		r := sessionRow{IDHash: sess.IDHash, CreatedAt: sess.CreatedAt, LastSeenAt: sess.LastSeenAt, ExpiresAt: sess.ExpiresAt}
		if sess.AccountID != 0 {
			id := sess.AccountID
			r.AccountID = &id
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// SessionByHash implements access.Store.
func (s *AccountStore) SessionByHash(ctx context.Context, hash string) (access.Session, error) {
	var r sessionRow
	err := s.db.Gorm.WithContext(ctx).Where("id_hash = ?", hash).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return access.Session{}, access.ErrSessionNotFound
	}
	if err != nil {
		return access.Session{}, err
	}
	out := access.Session{IDHash: r.IDHash, CreatedAt: r.CreatedAt.UTC(), LastSeenAt: r.LastSeenAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	if r.AccountID != nil {
		out.AccountID = *r.AccountID
	}
	return out, nil
}

// TouchSession implements access.Store.
func (s *AccountStore) TouchSession(ctx context.Context, hash string, now time.Time) error {
	return s.db.Gorm.WithContext(ctx).Model(&sessionRow{}).Where("id_hash = ?", hash).Update("last_seen_at", now).Error
}

// DeleteSession implements access.Store.
func (s *AccountStore) DeleteSession(ctx context.Context, hash string) error {
	return s.db.Gorm.WithContext(ctx).Where("id_hash = ?", hash).Delete(&sessionRow{}).Error
}

// DeleteAccountSessions implements access.Store.
func (s *AccountStore) DeleteAccountSessions(ctx context.Context, accountID int64) error {
	return s.db.Gorm.WithContext(ctx).Where("account_id = ?", accountID).Delete(&sessionRow{}).Error
}

// DeleteExpiredSessions implements access.Store. Idle expiry is checked on
// use; this removes the rows past their absolute end.
func (s *AccountStore) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.Gorm.WithContext(ctx).Where("expires_at <= ?", now).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}

type tokenRow struct {
	ID         int64 `gorm:"primaryKey"`
	AccountID  int64
	Name       string
	Prefix     string
	TokenHash  string
	Roles      string
	CreatedAt  time.Time
	CreatedBy  string
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (tokenRow) TableName() string { return "api_tokens" }

func (r tokenRow) token(email string) access.Token {
	return access.Token{ID: r.ID, AccountID: r.AccountID, AccountEmail: email, Name: r.Name, Prefix: r.Prefix,
		Roles: access.SplitRoles(r.Roles), CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy,
		LastUsedAt: utcPtr(r.LastUsedAt), RevokedAt: utcPtr(r.RevokedAt)}
}

type tokenSnapshot struct {
	Account int64  `json:"account_id"`
	Name    string `json:"name"`
	Prefix  string `json:"prefix"`
	Roles   string `json:"roles"`
	Revoked bool   `json:"revoked,omitempty"`
}

// InsertToken implements access.Store.
func (s *AccountStore) InsertToken(ctx context.Context, by access.Actor, t access.Token, hash string) (access.Token, error) {
	var out access.Token
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		r := tokenRow{AccountID: t.AccountID, Name: t.Name, Prefix: t.Prefix, TokenHash: hash, Roles: access.JoinRoles(t.Roles),
			CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		out = r.token(t.AccountEmail)
		return recordAudit(ctx, tx, audit.Entry{At: t.CreatedAt, ActorID: actorID(by), ActorLabel: by.Label(), Action: "token.create",
			Entity: "api_token", EntityID: strconv.FormatInt(r.ID, 10),
			After: tokenSnapshot{Account: r.AccountID, Name: r.Name, Prefix: r.Prefix, Roles: r.Roles}})
	})
	return out, err
}

// TokenByHash implements access.Store.
func (s *AccountStore) TokenByHash(ctx context.Context, hash string) (access.Token, error) {
	var r tokenRow
	err := s.db.Gorm.WithContext(ctx).Where("token_hash = ?", hash).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return access.Token{}, access.ErrTokenNotFound
	}
	if err != nil {
		return access.Token{}, err
	}
	return r.token(""), nil
}

// tokenView is a token joined with its account's e-mail.
type tokenView struct {
	ID         int64
	AccountID  int64
	Name       string
	Prefix     string
	Roles      string
	CreatedAt  time.Time
	CreatedBy  string
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	Email      string
}

// ListTokens implements access.Store.
func (s *AccountStore) ListTokens(ctx context.Context, accountID int64) ([]access.Token, error) {
	var rows []tokenView
	q := s.db.Gorm.WithContext(ctx).Table("api_tokens t").Select("t.id, t.account_id, t.name, t.prefix, t.roles, t.created_at, t.created_by, t.last_used_at, t.revoked_at, a.email").
		Joins("JOIN accounts a ON a.id = t.account_id").Order("t.id DESC")
	if accountID != 0 {
		q = q.Where("t.account_id = ?", accountID)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]access.Token, 0, len(rows))
	for _, r := range rows {
		out = append(out, tokenRow{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Prefix: r.Prefix, Roles: r.Roles, CreatedAt: r.CreatedAt,
			CreatedBy: r.CreatedBy, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}.token(r.Email))
	}
	return out, nil
}

// RevokeToken implements access.Store.
func (s *AccountStore) RevokeToken(ctx context.Context, by access.Actor, id int64, now time.Time) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var r tokenRow
		err := tx.Where("id = ?", id).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return access.ErrTokenNotFound
		}
		if err != nil {
			return err
		}
		if r.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&tokenRow{}).Where("id = ?", id).Update("revoked_at", now).Error; err != nil {
			return err
		}
		snap := tokenSnapshot{Account: r.AccountID, Name: r.Name, Prefix: r.Prefix, Roles: r.Roles}
		after := snap
		after.Revoked = true
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: "token.revoke",
			Entity: "api_token", EntityID: strconv.FormatInt(id, 10), Before: snap, After: after})
	})
}

// TouchToken implements access.Store.
func (s *AccountStore) TouchToken(ctx context.Context, id int64, now time.Time) error {
	return s.db.Gorm.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", id).Update("last_used_at", now).Error
}
