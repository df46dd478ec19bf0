package domain

import (
	"context"
	"time"
)

// RateLimitService counts attempts in fixed windows that every replica of
// the server shares, so a limit holds for the whole deployment and not per
// process.
type RateLimitService interface {
	// Hit counts one attempt for key in the fixed window of length window
	// that contains the service's current time, and returns the attempts
	// counted in that window so far (this one included) and when the window
	// ends. Windows are aligned to multiples of window since the Unix epoch,
	// so every replica agrees on them. window must be positive (EINVALID).
	Hit(ctx context.Context, key string, window time.Duration) (count int, resetAt time.Time, err error)
}
