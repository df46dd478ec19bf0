package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopstack/shopstack/contract"
)

// Defaults of `server purge` (docs/server.md).
const (
	DefaultPurgeGuestCartDays      = 30
	DefaultPurgeIdempotencyKeyDays = 7
	DefaultPurgeMailDays           = 30
	DefaultPurgePasswordResetDays  = 7
	DefaultPurgeBatchSize          = 1000

	maxPurgeDays      = 3650
	maxPurgeBatchSize = 100_000
)

// Purge is the retention of `server purge` (contract.EnvPurge*).
type Purge struct {
	// GuestCarts: guest carts untouched this long go. Default: 30 days.
	GuestCarts time.Duration
	// IdempotencyKeys: checkout Idempotency-Keys older than this go.
	// Default: 7 days.
	IdempotencyKeys time.Duration
	// Mail: outbox messages sent or given up on this long ago go.
	// Default: 30 days.
	Mail time.Duration
	// PasswordResets: reset tokens used or expired this long ago go.
	// Default: 7 days.
	PasswordResets time.Duration
	// BatchSize is the most rows one DELETE statement removes.
	// Default: 1000.
	BatchSize int
}

// LoadPurge reads the purge settings through getenv. Every bad value is
// reported, naming the variable, the value and what is allowed.
func LoadPurge(getenv func(string) string) (*Purge, error) {
	var errs []error
	integer := func(name string, def, max int) int {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			errs = append(errs, fmt.Errorf("%s=%q: must be a whole number from 1 to %d", name, v, max))
			return def
		}
		return n
	}
	days := func(name string, def int) time.Duration {
		return time.Duration(integer(name, def, maxPurgeDays)) * 24 * time.Hour
	}
	p := &Purge{
		GuestCarts:      days(contract.EnvPurgeGuestCartDays, DefaultPurgeGuestCartDays),
		IdempotencyKeys: days(contract.EnvPurgeIdempotencyKeyDays, DefaultPurgeIdempotencyKeyDays),
		Mail:            days(contract.EnvPurgeMailDays, DefaultPurgeMailDays),
		PasswordResets:  days(contract.EnvPurgePasswordResetDays, DefaultPurgePasswordResetDays),
		BatchSize:       integer(contract.EnvPurgeBatchSize, DefaultPurgeBatchSize, maxPurgeBatchSize),
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return p, nil
}
