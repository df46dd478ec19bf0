package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
)

// CatalogChannel is the PostgreSQL notification channel of catalog
// changes. The triggers of migration 20261130140000_catalog_read call
// pg_notify(CatalogChannel) for every statement that writes products or
// categories, in the writer's transaction, so the notification is
// delivered only when (and if) that transaction commits.
const CatalogChannel = "shop_catalog"

// catalogVersion is what the HTTP layer's catalog cache keys its
// generation on. n grows on every change this process can see; tracked
// says whether n is complete: always on SQLite (one process owns the
// file), on PostgreSQL only while this process LISTENs (WatchCatalog), as
// another replica's writes are invisible otherwise.
type catalogVersion struct {
	n       atomic.Uint64
	tracked atomic.Bool
}

// CatalogVersion returns the catalog's version in this process and
// whether it is tracked. A response read at version v may be reused while
// the version is still v and tracked is true; an untracked catalog must
// not be cached at all.
func (s *Store) CatalogVersion() (version uint64, tracked bool) {
	// Read tracked first: a reconnect sets it after bumping n, so a caller
	// never pairs a stale n with tracked == true.
	tracked = s.catalog.tracked.Load()
	return s.catalog.n.Load(), tracked
}

// catalogChanged drops every cached catalog response of this process.
func (s *Store) catalogChanged() { s.catalog.n.Add(1) }

// catalogWriteRE recognises a statement that writes the catalog tables,
// as Bun and the seed write them (INSERT INTO "products", UPDATE
// "products" AS "p", DELETE FROM categories, ...).
var catalogWriteRE = regexp.MustCompile(`(?i)^\s*(?:insert\s+into|update|delete\s+from)\s+"?(?:products|categories)"?[\s(]`)

// catalogHook bumps the version after every statement this process runs
// against the catalog tables, on both databases: the process's own writes
// are visible to its next request at once (read your writes), without
// waiting for the notification. In a transaction that is before the
// commit, so Store.inTx bumps it again after the commit (a read in
// between, which still saw the old rows, must not stay cached; on SQLite
// no notification would fix it). A statement of a transaction that then
// rolls back only costs a needless cache drop.
type catalogHook struct{ s *Store }

func (h catalogHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (h catalogHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if ctx.Value(stockSaleKey{}) != nil {
		return
	}
	if catalogWriteRE.MatchString(e.Query) {
		h.s.catalogChanged()
		if wrote, ok := ctx.Value(catalogTxKey{}).(*atomic.Bool); ok {
			wrote.Store(true) // inTx moves the version again once it commits
		}
	}
}

// catalogTxKey marks the context of a Store.inTx transaction: its value,
// an *atomic.Bool, records that the transaction wrote the catalog.
type catalogTxKey struct{}

type stockSaleKey struct{}

// stockSale marks ctx's statement as a sale's stock decrement: the query
// hook does not move the version for it, and the caller moves it after
// the commit, only if the stock the catalog shows changed
// (domain.ShownStock). On PostgreSQL the triggers of migration
// 20261130160000_shown_stock make the same decision for other replicas.
func stockSale(ctx context.Context) context.Context {
	return context.WithValue(ctx, stockSaleKey{}, true)
}

// WatchCatalog keeps the catalog version tracked on PostgreSQL until ctx
// ends: it holds one connection of the pool (so the pool serves queries
// with one connection fewer) in LISTEN CatalogChannel and bumps the
// version on every notification, i.e. within the notification's delivery
// time (milliseconds) after another replica's write commits. When the
// connection fails the version is untracked (nothing is cached) until a
// new connection listens again, retried with backoff (100 ms doubling to
// 5 s); on every (re)connection the version is bumped, as notifications
// sent meanwhile were missed. On SQLite it returns at once: the query hook
// sees every write.
func (s *Store) WatchCatalog(ctx context.Context, log *slog.Logger) {
	if !s.pg {
		return
	}
	if log == nil {
		log = slog.Default()
	}
	const minBackoff, maxBackoff = 100 * time.Millisecond, 5 * time.Second
	backoff := minBackoff
	for {
		err := s.listenCatalog(ctx, func() { backoff = minBackoff })
		s.catalog.tracked.Store(false)
		s.catalogChanged()
		if ctx.Err() != nil {
			return
		}
		log.Warn("catalog cache: lost the notification connection, caching off until it is back", "err", errText(err), "retry_in", backoff.String())
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listenIdleCheck is how long the listener waits for a notification
// before it pings its connection, so a connection that died silently
// (a failover without a reset) is noticed within about this time.
const listenIdleCheck = 20 * time.Second

func (s *Store) listenCatalog(ctx context.Context, connected func()) error {
	conn, err := s.db.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: the PostgreSQL driver is not pgx")
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+CatalogChannel); err != nil {
			return discard(err)
		}
		s.catalogChanged()
		s.catalog.tracked.Store(true)
		connected()
		for {
			wctx, cancel := context.WithTimeout(ctx, listenIdleCheck)
			_, err := pc.WaitForNotification(wctx)
			cancel()
			switch {
			case err == nil:
				s.catalogChanged()
				continue
			case ctx.Err() != nil:
				// Never hand a listening connection back to the pool.
				return discard(ctx.Err())
			case pc.IsClosed():
				return discard(err)
			}
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = pc.Ping(pctx)
			cancel()
			if err != nil {
				return discard(err)
			}
		}
	})
}

// discard makes database/sql close the connection rather than return it
// to the pool (it checks errors.Is(err, driver.ErrBadConn)).
func discard(err error) error { return fmt.Errorf("%w: %w", driver.ErrBadConn, err) }
