package migrations

import (
	"context"
	"testing"

	"github.com/uptrace/bun"
)

// TestGuestCheckoutMigrationKeepsOrders runs the guest checkout migration
// over a database that already has a customer's order: the SQLite rebuild
// of orders must keep the order, its items, payment and idempotency key
// (a DROP TABLE with foreign keys on would cascade them away), fill in the
// e-mail, and the down step must remove only guest orders.
func TestGuestCheckoutMigrationKeepsOrders(t *testing.T) {
	const init, guest = "20261125000000_init", "20261130100000_guest_checkout"
	forEachDatabase(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.NewRaw(q).Scan(ctx, &n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if err := sqlStep(init, "up")(ctx, db); err != nil {
			t.Fatal(err)
		}
		now := "2026-11-30 10:00:00"
		exec("INSERT INTO categories (id, slug, name, created_at) VALUES (1, 'c', 'C', ?)", now)
		exec("INSERT INTO products (id, sku, slug, name, price, currency, category_id, stock, created_at, updated_at) VALUES (1, 'S', 's', 'P', 100, 'USD', 1, 5, ?, ?)", now, now)
		exec("INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (1, 'old@example.com', 'Old', 'x', ?, ?)", now, now)
		exec(`INSERT INTO orders (id, user_id, status, currency, subtotal, shipping, total, shipping_method, ship_name, ship_line1,
				ship_city, ship_postal_code, ship_country, created_at, updated_at)
				VALUES (1, 1, 'paid', 'USD', 100, 0, 100, 'standard', 'N', 'L', 'C', 'P', 'US', ?, ?)`, now, now)
		exec("INSERT INTO order_items (order_id, product_id, sku, name, unit_price, quantity, line_total) VALUES (1, 1, 'S', 'P', 100, 1, 100)")
		exec("INSERT INTO payments (order_id, kind, charge_id, amount, currency, created_at) VALUES (1, 'charge', 'ch_1', 100, 'USD', ?)", now)
		exec("INSERT INTO idempotency_keys (user_id, key, fingerprint, order_id, created_at) VALUES (1, 'k', 'f', 1, ?)", now)

		if err := guestStep(guest, "up")(ctx, db); err != nil {
			t.Fatal(err)
		}
		var email string
		if err := db.NewRaw("SELECT email FROM orders WHERE id = 1").Scan(ctx, &email); err != nil || email != "old@example.com" {
			t.Fatalf("backfilled e-mail %q, %v", email, err)
		}
		for q, want := range map[string]int{
			"SELECT count(*) FROM order_items WHERE order_id = 1":      1,
			"SELECT count(*) FROM payments WHERE order_id = 1":         1,
			"SELECT count(*) FROM idempotency_keys WHERE order_id = 1": 1,
		} {
			if got := count(q); got != want {
				t.Fatalf("after up: %s = %d, want %d", q, got, want)
			}
		}
		// A guest order (no user) is now possible, and foreign keys still hold.
		exec(`INSERT INTO orders (id, user_id, email, status, currency, subtotal, shipping, total, shipping_method, ship_name, ship_line1,
				ship_city, ship_postal_code, ship_country, created_at, updated_at)
				VALUES (2, NULL, 'guest@example.com', 'paid', 'USD', 100, 0, 100, 'standard', 'N', 'L', 'C', 'P', 'US', ?, ?)`, now, now)
		exec("INSERT INTO order_items (order_id, product_id, sku, name, unit_price, quantity, line_total) VALUES (2, 1, 'S', 'P', 100, 1, 100)")
		if _, err := db.ExecContext(ctx, "INSERT INTO order_items (order_id, product_id, sku, name, unit_price, quantity, line_total) VALUES (99, 1, 'S', 'P', 100, 1, 100)"); err == nil {
			t.Fatal("an item of a missing order was accepted: foreign keys are off")
		}

		if err := guestStep(guest, "down")(ctx, db); err != nil {
			t.Fatal(err)
		}
		if got := count("SELECT count(*) FROM orders"); got != 1 {
			t.Fatalf("after down: %d orders, want the customer's only", got)
		}
		if got := count("SELECT count(*) FROM order_items"); got != 1 {
			t.Fatalf("after down: %d order items, want 1", got)
		}
		if err := guestStep(guest, "up")(ctx, db); err != nil {
			t.Fatalf("up again: %v", err)
		}
	})
}
