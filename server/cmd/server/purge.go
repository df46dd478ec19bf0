package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/shopstack/shopstack/server/config"
	"github.com/shopstack/shopstack/server/store"
)

// purge runs `server purge` once (the purge CronJob) and logs what it
// deleted, table by table. A failure still logs the counts reached.
func purge(ctx context.Context, st *store.Store, cfg *config.Purge, log *slog.Logger) error {
	start := time.Now()
	res, err := st.Purge(ctx, store.PurgeOptions{
		GuestCarts:      cfg.GuestCarts,
		IdempotencyKeys: cfg.IdempotencyKeys,
		Mail:            cfg.Mail,
		PasswordResets:  cfg.PasswordResets,
		BatchSize:       cfg.BatchSize,
	})
	attrs := []any{
		"guest_carts", res.GuestCarts,
		"sessions", res.Sessions,
		"idempotency_keys", res.IdempotencyKeys,
		"guest_idempotency_keys", res.GuestIdempotencyKeys,
		"mail", res.Mail,
		"password_resets", res.PasswordResets,
		"rate_limits", res.RateLimits,
		"duration_ms", time.Since(start).Milliseconds(),
		"retention_days", map[string]int{
			"guest_carts":      days(cfg.GuestCarts),
			"idempotency_keys": days(cfg.IdempotencyKeys),
			"mail":             days(cfg.Mail),
			"password_resets":  days(cfg.PasswordResets),
		},
		"batch_size", cfg.BatchSize,
	}
	if err != nil {
		log.Error("purge failed", append(attrs, "err", err)...)
		return err
	}
	log.Info("purged", attrs...)
	return nil
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }
