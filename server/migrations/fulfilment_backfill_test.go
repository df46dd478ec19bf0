package migrations

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// TestFulfilmentBackfill: orders that exist before 20261130120000_fulfilment
// get a history: placed and paid from their rows, then the current later
// status and the refund by "system"; and a later status change is recorded
// by the triggers.
func TestFulfilmentBackfill(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		// Only the init migration, under the name the full set uses.
		initOnly := migrate.NewMigrations()
		const init = "20261125000000_init"
		initOnly.Add(migrate.Migration{Name: "20261125000000", Comment: "init",
			Up: func(ctx context.Context, _ *migrate.Migrator, _ *migrate.Migration) error {
				return sqlStep(init, "up")(ctx, db)
			},
			Down: func(ctx context.Context, _ *migrate.Migrator, _ *migrate.Migration) error {
				return sqlStep(init, "down")(ctx, db)
			}})
		m := migrate.NewMigrator(db, initOnly)
		if err := m.Init(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ts := "2026-11-01 10:00:00"
		for _, q := range []string{
			"INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES (7, 'old@example.com', 'Old', 'x', 'customer', '" + ts + "', '" + ts + "')",
			"INSERT INTO orders (id, user_id, status, currency, subtotal, shipping, total, shipping_method, ship_name, ship_line1, ship_city, ship_postal_code, ship_country, payment_last4, payment_status, created_at, updated_at) VALUES " +
				"(1, 7, 'cancelled', 'USD', 100, 0, 100, 'standard', 'A', 'B', 'C', 'D', 'GB', '4242', 'refunded', '" + ts + "', '2026-11-02 10:00:00')," +
				"(2, 7, 'paid', 'USD', 100, 0, 100, 'standard', 'A', 'B', 'C', 'D', 'GB', '4242', 'succeeded', '" + ts + "', '" + ts + "')," +
				"(3, 7, 'pending', 'USD', 100, 0, 100, 'standard', 'A', 'B', 'C', 'D', 'GB', '', '', '" + ts + "', '" + ts + "')",
			"INSERT INTO payments (order_id, kind, charge_id, amount, currency, last4, created_at) VALUES " +
				"(1, 'charge', 'ch_1', 100, 'USD', '4242', '" + ts + "'), (1, 'refund', 'ch_1', -100, 'USD', '4242', '2026-11-02 10:00:00')," +
				"(2, 'charge', 'ch_2', 100, 'USD', '4242', '" + ts + "')",
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		applied, err := Apply(ctx, db)
		if err != nil || len(applied) == 0 {
			t.Fatalf("apply the rest: %v %v", applied, err)
		}
		history := func(order int) string {
			t.Helper()
			var rows []struct {
				Kind      string `bun:"kind"`
				ActorRole string `bun:"actor_role"`
			}
			if err := db.NewSelect().Table("order_events").Column("kind", "actor_role").Where("order_id = ?", order).
				OrderExpr("created_at, id").Scan(ctx, &rows); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(rows)
		}
		for order, want := range map[int]string{
			1: "[{placed customer} {paid customer} {cancelled system} {refunded system}]",
			2: "[{placed customer} {paid customer}]",
			3: "[{placed customer}]",
		} {
			if got := history(order); got != want {
				t.Errorf("order %d: history %s, want %s", order, got, want)
			}
		}
		// The triggers take over: an admin ships order 2.
		if _, err := db.ExecContext(ctx, "UPDATE orders SET status = 'shipped', status_actor_id = 1, status_actor_role = 'admin', updated_at = '2026-11-03 10:00:00' WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		if got := history(2); got != "[{placed customer} {paid customer} {shipped admin}]" {
			t.Errorf("after shipping: %s", got)
		}
	})
}
