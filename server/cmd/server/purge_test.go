package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

// TestPurgeCommand runs `server purge` end to end on both databases: it
// refuses bad retention settings (and, on PostgreSQL, an unmigrated
// database), deletes what is older than the configured retention, keeps the
// rest, logs the counts and deletes nothing on a second run.
func TestPurgeCommand(t *testing.T) {
	ctx := context.Background()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			vars := map[string]string{"SHOP_PURGE_GUEST_CART_DAYS": "30", "SHOP_PURGE_BATCH_SIZE": "1"}
			if backend == "sqlite" {
				vars["SHOP_SQLITE_PATH"] = filepath.Join(t.TempDir(), "shop.db")
			} else {
				vars["SHOP_DATABASE_URL"] = pgtest.NewDatabase(t)
				if err := run(ctx, []string{"purge"}, envOf(vars), io.Discard); err == nil || !strings.Contains(err.Error(), "server migrate") {
					t.Fatalf("purge on an unmigrated database: %v", err)
				}
			}
			bad := map[string]string{"SHOP_PURGE_MAIL_DAYS": "0"}
			for k, v := range vars {
				bad[k] = v
			}
			if err := run(ctx, []string{"purge"}, envOf(bad), io.Discard); err == nil || !strings.Contains(err.Error(), "SHOP_PURGE_MAIL_DAYS") {
				t.Fatalf("bad retention: %v", err)
			}
			if err := run(ctx, []string{"migrate"}, envOf(vars), io.Discard); err != nil {
				t.Fatal(err)
			}

			// Rows from 40 days ago and from now, written by the store
			// itself with its clock set back.
			var (
				db  *bun.DB
				err error
			)
			if backend == "sqlite" {
				db, err = store.OpenSQLite(vars["SHOP_SQLITE_PATH"])
			} else {
				db, err = store.OpenPostgres(vars["SHOP_DATABASE_URL"], 2)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			st := store.New(db, store.Options{Payments: payment.NewTestProvider()})
			old := time.Now().Add(-40 * 24 * time.Hour)
			oldSt := store.New(st.DB(), store.Options{Payments: payment.NewTestProvider(), Now: func() time.Time { return old },
				Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
			if _, _, err := oldSt.Services().Accounts.Register(ctx, domain.RegisterInput{Email: "old@example.com", Password: "correct horse", Name: "Old"}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				token string
				at    time.Time
			}{{"old-guest", old}, {"fresh-guest", time.Now()}} {
				if _, err := st.DB().NewRaw("INSERT INTO carts (token_hash, created_at, updated_at) VALUES (?, ?, ?)", c.token, c.at.UTC(), c.at.UTC()).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			}

			logs := &syncBuffer{}
			if err := run(ctx, []string{"purge"}, envOf(vars), logs); err != nil {
				t.Fatalf("purge: %v\n%s", err, logs)
			}
			got := purgedLine(t, logs.String())
			if got["guest_carts"] != 1.0 || got["sessions"] != 1.0 || got["batch_size"] != 1.0 {
				t.Fatalf("purge logged %v", got)
			}
			var tokens []string
			if err := st.DB().NewSelect().TableExpr("carts").Column("token_hash").Scan(ctx, &tokens); err != nil {
				t.Fatal(err)
			}
			if len(tokens) != 1 || tokens[0] != "fresh-guest" {
				t.Fatalf("carts left: %q", tokens)
			}
			if n, err := st.DB().NewSelect().TableExpr("users").Count(ctx); err != nil || n != 1 {
				t.Fatalf("users left: %d, %v", n, err)
			}

			again := &syncBuffer{}
			if err := run(ctx, []string{"purge"}, envOf(vars), again); err != nil {
				t.Fatal(err)
			}
			second := purgedLine(t, again.String())
			for _, k := range []string{"guest_carts", "sessions", "idempotency_keys", "guest_idempotency_keys", "mail", "password_resets", "rate_limits"} {
				if second[k] != 0.0 {
					t.Errorf("second purge deleted %s: %v", k, second[k])
				}
			}
		})
	}
}

// purgedLine returns the attributes of the "purged" log line.
func purgedLine(t *testing.T, logs string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "purged" {
			if m["cmd"] != "purge" {
				t.Errorf("purge log line without cmd=purge: %s", line)
			}
			return m
		}
	}
	t.Fatalf("no purged line in the logs:\n%s", logs)
	return nil
}
