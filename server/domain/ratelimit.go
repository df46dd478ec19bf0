package domain

import (
	"context"
	"time"
)

// RateLimitService counts attempts in fixed windows that every replica of
// the server shares, so a limit holds for the whole deployment and not per
// process.
type RateLimitService interface {
	// Hit counts one attempt for key in its current window and returns the
	// attempts counted in that window so far (this one included) and when
	// the window ends. A window lasts window from the first attempt after
	// the previous window ended (a fixed window per key, kept in the shared
	// store, so every replica agrees on it). window must be positive
	// (EINVALID).
	Hit(ctx context.Context, key string, window time.Duration) (count int, resetAt time.Time, err error)
}
