// Package store implements the domain services with Bun, on PostgreSQL
// (production) and SQLite (the embedded zero-set-up default) alike.
//
// Every storage error is translated here, once: unique violations become
// domain ECONFLICT, stock CHECK violations EINSUFFICIENTSTOCK, missing rows
// ENOTFOUND, an unreachable database EUNAVAILABLE (unavailable.go);
// anything else is returned wrapped and ends up as EINTERNAL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/shopstack/shopstack/server/domain"
)

// OpenSQLite opens (creating it and its directory) the SQLite file at path.
// It uses one connection: SQLite has one writer anyway, and a single
// connection makes every transaction serializable without SQLITE_BUSY
// retries.
func OpenSQLite(path string) (*bun.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: creating the SQLite directory: %w", err)
		}
	}
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: opening SQLite %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(1)
	sqldb.SetMaxIdleConns(1)
	sqldb.SetConnMaxLifetime(0)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

// OpenPostgres opens a pool of at most maxConns connections (0: 10) to the
// PostgreSQL URL dsn through pgx. It does not connect yet.
func OpenPostgres(dsn string, maxConns int) (*bun.DB, error) {
	if maxConns <= 0 {
		maxConns = 10
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message can quote the URL; do not repeat it.
		return nil, errors.New("store: the PostgreSQL URL is malformed")
	}
	// Bun formats arguments into the SQL text itself, so every statement is
	// unique: preparing and caching them would only cost round trips and
	// server memory (and pin connections behind RDS Proxy). The simple
	// protocol sends each one as it is.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	// Bun escapes quotes by doubling them, which is only safe while
	// backslashes are literal: pin it for every session.
	cfg.RuntimeParams["standard_conforming_strings"] = "on"
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	sqldb.SetConnMaxLifetime(30 * time.Minute)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// Options are what varies between production and tests.
type Options struct {
	// Payments charges cards. Required.
	Payments domain.PaymentProvider
	// Currency of every price. Default: domain.DefaultCurrency.
	Currency string
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// NewToken makes session tokens. Default: domain.NewToken.
	NewToken func() (string, error)
	// Password hashing cost. Default: DefaultPasswordParams.
	Password PasswordParams
	// OrderMails composes the e-mails of order changes (the confirmation
	// of a checkout, shipped, cancelled), which the store queues in the
	// change's own transaction (ordermail.go). Nil: no order e-mails.
	OrderMails domain.OrderMailer
}

// Store implements the domain services on one *bun.DB.
type Store struct {
	db       *bun.DB
	pg       bool
	payments domain.PaymentProvider
	currency string
	now      func() time.Time
	newToken func() (string, error)
	pw       PasswordParams
	mails    domain.OrderMailer
	// orderLinkKeyCache caches the order-link HMAC key (orderLinkKey): it never
	// changes once generated.
	orderLinkKeyCache atomic.Pointer[[]byte]
	// catalog is the version of what catalog reads show (catalogversion.go).
	catalog catalogVersion
}

// New returns a Store over db (already migrated).
func New(db *bun.DB, opts Options) *Store {
	s := &Store{
		db:       db,
		pg:       db.Dialect().Name() == dialect.PG,
		payments: opts.Payments,
		currency: opts.Currency,
		now:      opts.Now,
		newToken: opts.NewToken,
		pw:       opts.Password,
		mails:    opts.OrderMails,
	}
	if s.currency == "" {
		s.currency = domain.DefaultCurrency
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newToken == nil {
		s.newToken = domain.NewToken
	}
	if s.pw == (PasswordParams{}) {
		s.pw = DefaultPasswordParams
	}
	// The store's own handle carries the catalog hook (catalogversion.go).
	s.db = db.WithQueryHook(catalogHook{s})
	s.catalog.tracked.Store(!s.pg) // PostgreSQL: once WatchCatalog listens
	return s
}

// Services returns the domain services backed by s.
func (s *Store) Services() domain.Services {
	return domain.Services{
		Catalog:  catalogService{s},
		Search:   catalogService{s},
		Accounts: accountService{s},
		Carts:    cartService{s},
		Orders:   orderService{s},
		Admin:    adminService{s},

		// Guest checkout (store/guest.go).
		GuestOrders: guestOrderService{s},
		Recovery:    recoveryService{s},
		Mail:        mailService{s},
		Sitemap:     sitemapService{s},
		RateLimits:  rateLimitService{s},
	}
}

// DB returns the underlying database (migrations, tests).
func (s *Store) DB() *bun.DB { return s.db }

// Stats reports the connection pool (metrics).
func (s *Store) Stats() sql.DBStats { return s.db.Stats() }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect names the database: "pg" or "sqlite".
func (s *Store) Dialect() string { return s.db.Dialect().Name().String() }

// timestamp is the store's clock in UTC at microsecond precision (what
// PostgreSQL keeps), so values read back compare equal.
func (s *Store) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Store) money(amount int64) domain.Money {
	return domain.Money{Amount: amount, Currency: s.currency}
}

// inTx runs fn in a transaction, rolled back when fn returns an error.
// Errors of the database itself (begin, commit) are classified like any
// other (see unavailable).
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	wrote := new(atomic.Bool) // set by the catalog hook (catalogversion.go)
	err := unavailable(s.db.RunInTx(context.WithValue(ctx, catalogTxKey{}, wrote), nil, fn))
	if err == nil && wrote.Load() {
		// Again after the commit: a catalog read between the write and the
		// commit saw the old rows at the version the write moved to.
		s.catalogChanged()
	}
	return err
}

// isUniqueViolation, isCheckViolation and isForeignKeyViolation recognise
// constraint errors from pgx and from SQLite.
func isUniqueViolation(err error) bool {
	return pgCode(err) == "23505" || strings.Contains(errText(err), "UNIQUE constraint failed")
}

func isCheckViolation(err error) bool {
	return pgCode(err) == "23514" || strings.Contains(errText(err), "CHECK constraint failed")
}

func isForeignKeyViolation(err error) bool {
	return pgCode(err) == "23503" || strings.Contains(errText(err), "FOREIGN KEY constraint failed")
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// constraintField guesses which input field a unique violation is about.
func constraintField(err error, fields ...string) string {
	msg := errText(err)
	for _, f := range fields {
		if strings.Contains(msg, "."+f) || strings.Contains(msg, "_"+f+"_key") {
			return f
		}
	}
	return ""
}

// internal wraps an unexpected storage error (it becomes EINTERNAL), or
// classifies it as EUNAVAILABLE when the database cannot be reached
// (unavailable.go).
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if isUnavailable(err) {
		return unavailable(err)
	}
	switch pgCode(err) {
	case "22021", "22P05": // character_not_in_repertoire, untranslatable_character
		// PostgreSQL text cannot hold NUL bytes or invalid UTF-8 (SQLite can).
		return domain.Invalid("text must be valid UTF-8 without NUL characters")
	case "22003": // numeric_value_out_of_range
		return domain.Invalid("a number is out of range")
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// likePattern escapes s for LIKE ... ESCAPE '\' and wraps it in %.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// paginate applies a page's LIMIT and OFFSET.
func paginate(p domain.Pagination) func(*bun.SelectQuery) *bun.SelectQuery {
	p = p.Normalized()
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Limit(int64(p.PerPage)).Offset(int64(p.Offset()))
	}
}

// countOf adapts bun's int64 counts.
func countOf(n int64, err error) (int, error) { return int(n), err }
