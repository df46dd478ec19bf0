package store_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

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
		// A well-stocked product: the catalog shows MaxShownStock until
		// the stock goes below it, so the first sale changes no catalog
		// answer and the second does.
		many := e.product(t, "LAMP-3", "Wall Lamp", "lamps", 3000, domain.MaxShownStock+1)
		buy := func(key string) func() error {
			return func() error {
				_, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout(key, payment.CardSuccess)))
				return err
			}
		}
		if _, err := e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, many.ID, 1); err != nil {
			t.Fatal(err)
		}
		check("a sale that leaves the shown stock as it was", false, buy("catalog-version-many-1"))
		if _, err := e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, many.ID, 1); err != nil {
			t.Fatal(err)
		}
		check("a sale that takes the shown stock below MaxShownStock", true, buy("catalog-version-many-2"))
		if got := e.stock(t, many.ID); got != domain.MaxShownStock-1 {
			t.Fatalf("stock after two sales: %d", got)
		}
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

// On PostgreSQL the triggers notify other replicas exactly when a write
// changes what the catalog shows: an edit (any column but stock), or a
// stock change that moves the shown stock (domain.ShownStock). Each case
// is followed by a sentinel notification; notifications arrive in commit
// order, so whether the case notified is whether anything came before the
// sentinel.
func TestCatalogNotifiesWhenTheShownStockChanges(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "postgres")
	e.category(t, "lamps", "Lamps")
	p := e.product(t, "LAMP-1", "Desk Lamp", "lamps", 1000, domain.MaxShownStock+1)
	u, _ := e.user(t, "notify@shop.test")
	conn, err := e.db.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var listener *pgx.Conn
	if err := conn.Raw(func(dc any) error { listener = dc.(*stdlib.Conn).Conn(); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := listener.Exec(ctx, "LISTEN "+store.CatalogChannel); err != nil {
		t.Fatal(err)
	}
	notified := func(what string, fn func() error) bool {
		t.Helper()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if _, err := e.db.ExecContext(ctx, "SELECT pg_notify(?, 'sentinel')", store.CatalogChannel); err != nil {
			t.Fatal(err)
		}
		seen := false
		for {
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			n, err := listener.WaitForNotification(wctx)
			cancel()
			if err != nil {
				t.Fatalf("%s: waiting for the sentinel: %v", what, err)
			}
			if n.Payload == "sentinel" {
				return seen
			}
			seen = true
		}
	}
	want := func(what string, wantNotify bool, fn func() error) {
		t.Helper()
		if got := notified(what, fn); got != wantNotify {
			t.Errorf("%s: notified = %v, want %v", what, got, wantNotify)
		}
	}
	ignore := func(_ any, err error) error { return err }

	buy := func(key string) func() error {
		return func() error {
			if _, err := e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 1); err != nil {
				return err
			}
			_, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout(key, payment.CardSuccess)))
			return err
		}
	}
	want("nothing (the sentinel alone: the setup wrote before LISTEN)", false, func() error { return nil })
	want("a sale leaving the shown stock at MaxShownStock", false, buy("notify-1"))
	want("a sale taking the shown stock below it", true, buy("notify-2"))
	var last *domain.Order
	want("a sale inside the shown range", true, func() error {
		if err := buy("notify-3")(); err != nil {
			return err
		}
		page, err := e.svc.Orders.ListOrders(ctx, u.ID, domain.PageRequest(nil, nil))
		if err == nil {
			last = &page.Items[0]
		}
		return err
	})
	want("a cancellation returning stock in the shown range", true, func() error { return ignore(e.svc.Orders.CancelOrder(ctx, u.ID, last.ID)) })
	want("a price edit", true, func() error {
		return ignore(e.svc.Admin.UpdateProduct(ctx, p.ID, domain.ProductUpdate{Price: ptr(int64(1100))}))
	})
	want("a stock adjustment far above the shown range", true, func() error {
		return ignore(e.svc.Admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: ptr(5000)}))
	})
	want("a cart change", false, func() error {
		return ignore(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 1))
	})
	want("a stock-only change above the shown range (psql)", false, func() error {
		_, err := e.db.ExecContext(ctx, "UPDATE products SET stock = stock - 1 WHERE id = ?", p.ID)
		return err
	})
	want("a stock-only change to zero (psql)", true, func() error {
		_, err := e.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = ?", p.ID)
		return err
	})
}

// The edit trigger lists the columns whose UPDATE notifies. A column added
// to products and not listed there would change catalog answers without
// telling the other replicas.
func TestProductTriggersCoverEveryColumn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "postgres")
	var columns, listed []string
	if err := e.db.NewRaw(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'products' AND is_generated = 'NEVER' AND column_name <> 'stock'
		ORDER BY column_name`).Scan(ctx, &columns); err != nil {
		t.Fatal(err)
	}
	if err := e.db.NewRaw(`SELECT a.attname FROM pg_trigger AS t
		JOIN pg_attribute AS a ON a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr)
		WHERE t.tgrelid = 'products'::regclass AND t.tgname = 'products_catalog_edited'
		ORDER BY a.attname`).Scan(ctx, &listed); err != nil {
		t.Fatal(err)
	}
	if len(columns) < 10 || strings.Join(columns, ",") != strings.Join(listed, ",") {
		t.Fatalf("products_catalog_edited fires on UPDATE OF\n  %v\nbut products has (stock and generated columns aside)\n  %v", listed, columns)
	}
}

// A catalog read between a transaction's catalog write and its commit sees
// the old rows at the version the write already moved to; the version
// must move again once the transaction commits, or a cache filled by that
// read would keep the old rows (on SQLite, where no notification follows,
// until the next catalog write). The cancellation's refund runs inside
// its transaction after the stock is put back: that is the window.
func TestCatalogVersionMovesAgainAtCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "lamps", "Lamps")
		p := e.product(t, "LAMP-1", "Desk Lamp", "lamps", 1000, 5)
		u, _ := e.user(t, "window@shop.test")
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 2))
		o, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("window", payment.CardSuccess)))
		if err != nil {
			t.Fatal(err)
		}
		var inWindow uint64
		e.pay.afterRefund = func() { inWindow, _ = e.st.CatalogVersion() }
		if _, err := e.svc.Orders.CancelOrder(ctx, u.ID, o.ID); err != nil {
			t.Fatal(err)
		}
		e.pay.afterRefund = nil
		if inWindow == 0 {
			t.Fatal("the refund hook did not run")
		}
		if after, _ := e.st.CatalogVersion(); after == inWindow {
			t.Fatalf("the version stayed %d from inside the transaction to after its commit", after)
		}
	})
}
