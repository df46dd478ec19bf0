package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

// Every write that changes what a catalog read shows moves the catalog
// version; writes that do not (carts, accounts) and reads leave it alone,
// so they never drop the catalog cache.
func TestCatalogVersionMoves(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "lamps", "Lamps")
		p := e.product(t, "LAMP-1", "Desk Lamp", "lamps", 1000, 5)
		u, _ := e.user(t, "catalog-version@shop.test")
		version := func() uint64 { v, _ := e.st.CatalogVersion(); return v }
		check := func(what string, wantMove bool, fn func() error) {
			t.Helper()
			before := version()
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if moved := version() != before; moved != wantMove {
				t.Fatalf("%s: version moved = %v, want %v", what, moved, wantMove)
			}
		}
		ignore := func(_ any, err error) error { return err }

		check("a product created", true, func() error {
			return ignore(e.svc.Admin.CreateProduct(ctx, domain.ProductCreate{SKU: "LAMP-2", Name: "Floor Lamp", Price: 5000, CategorySlug: "lamps", Stock: 1}))
		})
		check("a price edit", true, func() error {
			return ignore(e.svc.Admin.UpdateProduct(ctx, p.ID, domain.ProductUpdate{Price: ptr(int64(1200))}))
		})
		check("a stock adjustment", true, func() error {
			return ignore(e.svc.Admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: ptr(4)}))
		})
		check("a category added", true, func() error { return e.st.EnsureCategory(ctx, "desks", "Desks", "Desk things", 1) })
		check("catalog reads", false, func() error {
			if _, err := e.svc.Catalog.ListProducts(ctx, domain.ProductFilter{}); err != nil {
				return err
			}
			if _, err := e.svc.Catalog.ListCategories(ctx); err != nil {
				return err
			}
			return ignore(e.svc.Catalog.ProductByID(ctx, p.ID))
		})
		check("a cart change", false, func() error {
			return ignore(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 2))
		})
		check("a registration", false, func() error {
			_, _, err := e.svc.Accounts.Register(ctx, domain.RegisterInput{Email: "other@shop.test", Password: "correct horse", Name: "Other"})
			return err
		})
		var order *domain.Order
		in := e.shown(t, u.ID, checkout("catalog-version", payment.CardSuccess)) // reads only: outside the check
		check("a checkout taking stock", true, func() error {
			o, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, in)
			order = o
			return err
		})
		if e.stock(t, p.ID) != 2 {
			t.Fatalf("stock after checkout: %d", e.stock(t, p.ID))
		}
		check("a cancellation returning stock", true, func() error {
			return ignore(e.svc.Orders.CancelOrder(ctx, u.ID, order.ID))
		})
		check("a deactivation", true, func() error { return ignore(e.svc.Admin.DeactivateProduct(ctx, p.ID)) })
	})
}

// On PostgreSQL a store sees another store's (another replica's) committed
// catalog write through LISTEN, although its own query hook never saw it.
func TestCatalogVersionAcrossStores(t *testing.T) {
	ctx := context.Background()
	dsn := pg.NewDatabase(t, pgTemplate)
	open := func() *store.Store {
		db, err := store.OpenPostgres(dsn, 4)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return store.New(db, store.Options{Payments: payment.NewTestProvider(), Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	}
	writer, reader := open(), open()
	if _, tracked := reader.CatalogVersion(); tracked {
		t.Fatal("a PostgreSQL store claims to track the catalog before it listens")
	}
	wctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go reader.WatchCatalog(wctx, slog.New(slog.DiscardHandler))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, tracked := reader.CatalogVersion(); tracked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reader never listened")
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not an assertion
	}
	// Each phase needs the one before it: a phase that fails ends the test.
	if !t.Run("a write of another store is seen within 1 s", func(t *testing.T) {
		before, _ := reader.CatalogVersion()
		if err := writer.EnsureCategory(ctx, "lamps", "Lamps", "Lamp things", 0); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for {
			if v, tracked := reader.CatalogVersion(); tracked && v != before {
				t.Logf("seen after %s", time.Since(start).Round(time.Microsecond))
				break
			}
			if time.Since(start) > time.Second {
				t.Fatal("the other store's committed write was not seen within 1 s")
			}
			time.Sleep(time.Millisecond) // polling interval, not an assertion
		}
	}) {
		return
	}
	// The listening connection dies (a failover, a restart): the version
	// moves at once (what was cached may have missed notifications), and
	// the watcher listens again on a new connection, after which another
	// write is seen again.
	if !t.Run("a lost listening connection moves the version and listens again", func(t *testing.T) {
		var pid int
		if err := writer.DB().NewRaw("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = ?", "LISTEN "+store.CatalogChannel).Scan(ctx, &pid); err != nil {
			t.Fatalf("finding the listener's backend: %v", err)
		}
		lost, _ := reader.CatalogVersion()
		if _, err := writer.DB().ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			v, tracked := reader.CatalogVersion()
			if v != lost && tracked {
				var again int
				err := writer.DB().NewRaw("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = ? AND pid <> ?", "LISTEN "+store.CatalogChannel, pid).Scan(ctx, &again)
				if err == nil && again == 1 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatal("the watcher did not listen again after its connection was terminated")
			}
			time.Sleep(5 * time.Millisecond) // polling interval, not an assertion
		}
	}) {
		return
	}
	t.Run("after the reconnection a write is seen within 1 s", func(t *testing.T) {
		before, _ := reader.CatalogVersion()
		if err := writer.EnsureCategory(ctx, "desks", "Desks", "Desk things", 1); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for {
			if v, tracked := reader.CatalogVersion(); tracked && v != before {
				break
			}
			if time.Since(start) > time.Second {
				t.Fatal("after the reconnection a committed write was not seen within 1 s")
			}
			time.Sleep(time.Millisecond) // polling interval, not an assertion
		}
	})

	t.Run("stopping the watcher untracks the catalog (no cache without LISTEN)", func(t *testing.T) {
		stop()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, tracked := reader.CatalogVersion(); !tracked {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the catalog stayed tracked after the watcher stopped")
			}
			time.Sleep(5 * time.Millisecond) // polling interval, not an assertion
		}
	})
}
