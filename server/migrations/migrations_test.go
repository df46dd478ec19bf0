package migrations_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var tables = []string{"categories", "products", "users", "sessions", "addresses", "carts", "cart_items",
	"orders", "order_items", "payments", "idempotency_keys", "order_events", "guest_idempotency_keys",
	"app_secrets", "mail_outbox", "password_resets", "rate_limits"}

func tableExists(t *testing.T, db *bun.DB, name string) bool {
	t.Helper()
	q := "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ?"
	if db.Dialect().Name().String() == "sqlite" {
		q = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	}
	var n int
	if err := db.NewRaw(q, name).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestUpDownUp applies, rolls back and re-applies the whole set on both
// databases: the down files must undo the up files exactly.
func TestUpDownUp(t *testing.T) {
	migrations.ForEachDatabase(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		pending, err := migrations.Pending(ctx, db)
		if err == nil {
			t.Fatalf("Pending on an empty database should say migrate has not run, got %v", pending)
		}
		applied, err := migrations.Apply(ctx, db)
		if err != nil || len(applied) == 0 {
			t.Fatalf("apply: %v %v", applied, err)
		}
		for _, tbl := range tables {
			if !tableExists(t, db, tbl) {
				t.Errorf("table %s missing after up", tbl)
			}
		}
		if _, err := migrate.NewMigrator(db, migrations.Migrations).Rollback(ctx); err != nil {
			t.Fatalf("rollback: %v", err)
		}
		for _, tbl := range tables {
			if tableExists(t, db, tbl) {
				t.Errorf("table %s left after down", tbl)
			}
		}
		if _, err := migrations.Apply(ctx, db); err != nil {
			t.Fatalf("re-apply: %v", err)
		}
		if p, err := migrations.Pending(ctx, db); err != nil || len(p) != 0 {
			t.Fatalf("pending after re-apply: %v %v", p, err)
		}
	})
}
