package store

import (
	"context"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// rateLimitService implements domain.RateLimitService on the rate_limits
// table, the same way on both databases: on PostgreSQL every replica counts
// in the one table, on SQLite the single process does.
type rateLimitService struct{ s *Store }

// maxRateLimitKey bounds a key (a route path and a client address are far
// shorter); longer keys are cut, never refused, so a limit cannot be dodged
// with a long header.
const maxRateLimitKey = 512

func (r rateLimitService) Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	if window <= 0 {
		return 0, time.Time{}, domain.Invalid("the rate-limit window must be positive")
	}
	if len(key) > maxRateLimitKey {
		key = key[:maxRateLimitKey]
	}
	now := r.s.timestamp()
	// One atomic statement: the row lock taken by ON CONFLICT serialises
	// concurrent hits on one key across every connection and replica. A
	// window starts with the first hit after the previous one ended.
	var (
		count int
		end   time.Time
	)
	err := r.s.db.NewRaw(`INSERT INTO rate_limits AS rl (key, window_start, expires_at, count) VALUES (?, ?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rl.expires_at > EXCLUDED.window_start THEN rl.count + 1 ELSE 1 END,
    window_start = CASE WHEN rl.expires_at > EXCLUDED.window_start THEN rl.window_start ELSE EXCLUDED.window_start END,
    expires_at = CASE WHEN rl.expires_at > EXCLUDED.window_start THEN rl.expires_at ELSE EXCLUDED.expires_at END
RETURNING count, expires_at`, key, now, now.Add(window)).Scan(ctx, &count, &end)
	if err != nil {
		return 0, time.Time{}, internal("count rate limit", err)
	}
	return count, end.UTC(), nil
}
