package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

type passwordResetRow struct {
	bun.BaseModel `bun:"table:password_resets,alias:pr"`

	ID        int64      `bun:"id,pk,autoincrement"`
	TokenHash string     `bun:"token_hash"`
	UserID    int64      `bun:"user_id"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
	CreatedAt time.Time  `bun:"created_at"`
}

type recoveryService struct{ *Store }

var _ domain.RecoveryService = recoveryService{}

// errResetToken is the one answer for an unknown, used or expired token:
// which of the three it was is nobody's business.
func errResetToken() error {
	return domain.InvalidFields(map[string]string{"token": "is invalid or has expired"})
}

func (s recoveryService) RequestPasswordReset(ctx context.Context, in domain.PasswordResetRequest, compose domain.ComposeReset) error {
	row := new(userRow)
	err := s.db.NewSelect().Model(row).Where("email = ?", domain.NormalizeEmail(in.Email)).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return internal("find user", err)
	}
	token, err := s.newToken()
	if err != nil {
		return internal("new reset token", err)
	}
	now := s.timestamp()
	reset := &passwordResetRow{TokenHash: hashToken(token), UserID: row.ID, ExpiresAt: now.Add(domain.PasswordResetTTL), CreatedAt: now}
	// Token and message commit together: no link that was never sent, no
	// message whose token does not exist.
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		recent, err := tx.NewSelect().Model((*passwordResetRow)(nil)).
			Where("user_id = ? AND created_at > ?", row.ID, now.Add(-time.Hour)).Count(ctx)
		if err != nil {
			return internal("count password resets", err)
		}
		if recent >= domain.MaxPasswordResetsPerHour {
			return nil
		}
		if _, err := tx.NewInsert().Model(reset).Exec(ctx); err != nil {
			return internal("insert password reset", err)
		}
		return s.enqueue(ctx, tx, compose(row.domain(), token, reset.ExpiresAt))
	})
}

func (s recoveryService) ResetPassword(ctx context.Context, in domain.PasswordResetConfirm) (*domain.User, error) {
	hash, err := hashPassword(in.Password, s.pw)
	if err != nil {
		return nil, internal("hash password", err)
	}
	var user *domain.User
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.timestamp()
		reset := new(passwordResetRow)
		err := tx.NewSelect().Model(reset).
			Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(in.Token), now).
			Limit(1).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return errResetToken()
		}
		if err != nil {
			return internal("find password reset", err)
		}
		// Conditional: of two concurrent uses of one token only one wins.
		res, err := tx.NewUpdate().Model((*passwordResetRow)(nil)).Set("used_at = ?", now).
			Where("id = ? AND used_at IS NULL", reset.ID).Exec(ctx)
		if err != nil {
			return internal("use password reset", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errResetToken()
		}
		if err := s.setPassword(ctx, tx, reset.UserID, hash, ""); err != nil {
			return err
		}
		user, err = s.user(ctx, tx, reset.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

func (s recoveryService) ChangePassword(ctx context.Context, userID int64, keepToken string, in domain.PasswordChange) error {
	row := new(userRow)
	err := s.db.NewSelect().Model(row).Where("id = ?", userID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound("user not found")
	}
	if err != nil {
		return internal("get user", err)
	}
	ok, err := checkPassword(in.CurrentPassword, row.PasswordHash)
	if err != nil {
		return internal("check password", err)
	}
	if !ok {
		return domain.InvalidFields(map[string]string{"current_password": "is incorrect"})
	}
	hash, err := hashPassword(in.NewPassword, s.pw)
	if err != nil {
		return internal("hash password", err)
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.setPassword(ctx, tx, userID, hash, keepToken)
	})
}

// setPassword stores a new password hash and ends every session of the
// user except the one whose token is keepToken ("" ends all), and every
// reset link still out: whoever knew the old password or holds an old
// link is locked out.
func (s *Store) setPassword(ctx context.Context, tx bun.Tx, userID int64, hash, keepToken string) error {
	now := s.timestamp()
	res, err := tx.NewUpdate().Model((*userRow)(nil)).Set("password_hash = ?", hash).Set("updated_at = ?", now).
		Where("id = ?", userID).Exec(ctx)
	if err != nil {
		return internal("update password", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.NotFound("user not found")
	}
	del := tx.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", userID)
	if keepToken != "" {
		del = del.Where("token_hash <> ?", hashToken(keepToken))
	}
	if _, err := del.Exec(ctx); err != nil {
		return internal("end sessions", err)
	}
	if _, err := tx.NewUpdate().Model((*passwordResetRow)(nil)).Set("used_at = ?", now).
		Where("user_id = ? AND used_at IS NULL", userID).Exec(ctx); err != nil {
		return internal("revoke reset links", err)
	}
	return nil
}
