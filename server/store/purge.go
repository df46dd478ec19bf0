package store

import (
	"context"
	"fmt"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// PurgeOptions say how long each kind of leftover row is kept (`server
// purge`, config.Purge). Every retention must be positive.
type PurgeOptions struct {
	// GuestCarts: guest carts (and their items) untouched for this long.
	GuestCarts time.Duration
	// IdempotencyKeys: checkout Idempotency-Keys (customers' and guests')
	// older than this. A retry after that places a new order.
	IdempotencyKeys time.Duration
	// Mail: outbox messages sent or given up on this long ago.
	Mail time.Duration
	// PasswordResets: reset tokens used or expired this long ago.
	PasswordResets time.Duration
	// BatchSize is the most rows one DELETE statement removes, so no
	// statement holds its locks for long. Default: 1000.
	BatchSize int
}

// PurgeResult counts the rows deleted per table.
type PurgeResult struct {
	GuestCarts           int `json:"guest_carts"`
	Sessions             int `json:"sessions"`
	IdempotencyKeys      int `json:"idempotency_keys"`
	GuestIdempotencyKeys int `json:"guest_idempotency_keys"`
	Mail                 int `json:"mail"`
	PasswordResets       int `json:"password_resets"`
	RateLimits           int `json:"rate_limits"`
}

// purgeTarget is one table and the condition of its deletable rows.
type purgeTarget struct {
	table string
	where string
	args  []any
	count *int
}

// Purge deletes what the shop no longer needs: guest carts untouched for
// opts.GuestCarts, expired sessions, Idempotency-Keys older than
// opts.IdempotencyKeys, sent or abandoned mail older than opts.Mail, used or
// expired password-reset tokens older than opts.PasswordResets and ended
// rate-limit windows. It never touches orders nor anything an order
// references (users, products, order items, payments, events): the rows it
// deletes are only ever referenced *from* other rows it deletes (cart
// items cascade with their cart) or reference an order themselves
// (Idempotency-Keys), which stays.
//
// It deletes in batches of at most opts.BatchSize rows, each its own
// statement and transaction, so it never holds long locks; it is
// idempotent, and a run stopped half way leaves consistent data for the
// next one.
func (s *Store) Purge(ctx context.Context, opts PurgeOptions) (PurgeResult, error) {
	var res PurgeResult
	for name, d := range map[string]time.Duration{"GuestCarts": opts.GuestCarts, "IdempotencyKeys": opts.IdempotencyKeys, "Mail": opts.Mail, "PasswordResets": opts.PasswordResets} {
		if d <= 0 {
			return res, domain.Invalid("purge retention %s must be positive, got %s", name, d)
		}
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	now := s.timestamp()
	before := func(d time.Duration) time.Time { return now.Add(-d) }
	targets := []purgeTarget{
		{"carts", "user_id IS NULL AND updated_at < ?", []any{before(opts.GuestCarts)}, &res.GuestCarts},
		{"sessions", "expires_at <= ?", []any{now}, &res.Sessions},
		{"idempotency_keys", "created_at < ?", []any{before(opts.IdempotencyKeys)}, &res.IdempotencyKeys},
		{"guest_idempotency_keys", "created_at < ?", []any{before(opts.IdempotencyKeys)}, &res.GuestIdempotencyKeys},
		{"mail_outbox", "(sent_at IS NOT NULL AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)",
			[]any{before(opts.Mail), before(opts.Mail)}, &res.Mail},
		{"password_resets", "(used_at IS NOT NULL AND used_at < ?) OR expires_at < ?",
			[]any{before(opts.PasswordResets), before(opts.PasswordResets)}, &res.PasswordResets},
		{"rate_limits", "expires_at < ?", []any{now}, &res.RateLimits},
	}
	for _, t := range targets {
		n, err := s.purgeTable(ctx, t, opts.BatchSize)
		*t.count = n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// purgeTable deletes t's rows batch by batch until a batch comes back short.
// Rows are picked by their physical id (ctid on PostgreSQL, rowid on
// SQLite), which every table has whatever its primary key.
func (s *Store) purgeTable(ctx context.Context, t purgeTarget, batch int) (int, error) {
	rowID := "rowid"
	if s.pg {
		rowID = "ctid"
	}
	query := fmt.Sprintf("DELETE FROM %[1]s WHERE %[2]s IN (SELECT %[2]s FROM %[1]s WHERE %[3]s LIMIT ?)", t.table, rowID, t.where)
	args := append(append([]any{}, t.args...), batch)
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		r, err := s.db.ExecContext(ctx, query, args...)
		if err != nil {
			return total, internal("purge "+t.table, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return total, internal("purge "+t.table, err)
		}
		total += int(n)
		if int(n) < batch {
			return total, nil
		}
	}
}
