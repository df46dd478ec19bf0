package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopstack/shopstack/server/store"
)

// The report's rows of orderCeiling: the statement as the store's pool
// sends every statement (the simple protocol, arguments in the text, so
// PostgreSQL parses and plans it every time), and the same statement
// prepared once per connection and executed with parameters (the plan is
// reused), which the pool does not do: Bun puts the arguments into the
// text, and RDS Proxy pins a session that prepares statements (docs/server.md).
// The third, the same statement inside a PL/pgSQL function called
// through the pool, shows what a server-side checkout would get: PL/pgSQL
// keeps its statements' plans for the session, whatever protocol calls
// it, and a function call does not pin behind RDS Proxy.
const (
	ceilingName         = "order rows, 1 statement"
	ceilingPreparedName = "order rows, 1 prepared statement"
	ceilingFunctionName = "order rows, 1 PL/pgSQL call"
)

// ceilingMode is how orderCeiling sends ceilingSQL.
type ceilingMode int

const (
	ceilingPlain ceilingMode = iota
	ceilingPrepared
	ceilingFunction
)

func (m ceilingMode) name() string {
	return [...]string{ceilingName, ceilingPreparedName, ceilingFunctionName}[m]
}

// ceilingFunctionSQL creates bench_order_rows in the bench's throwaway
// database (never in a migration): ceilingSQL as a function body.
var ceilingFunctionSQL = `CREATE OR REPLACE FUNCTION bench_order_rows(p_product BIGINT, p_user BIGINT, p_key TEXT)
RETURNS INT LANGUAGE plpgsql AS $fn$
DECLARE placed INT;
BEGIN
` + strings.NewReplacer("?0", "p_product", "?1", "p_user", "?2", "p_key", "SELECT count(*) FROM o", "SELECT count(*) INTO placed FROM o").Replace(ceilingSQL) + `;
  RETURN placed;
END
$fn$`

// ceilingSQL writes what one order writes, in ONE statement: the stock
// decrement (with its catalog trigger), the order inserted paid (with its
// two history rows), one item, the payment, the idempotency key already
// pointing at the order, a mail of about an order confirmation's size in
// the outbox, and the emptied cart; every foreign key, check, index and
// trigger of the real schema applies. It skips what a checkout also does:
// the session read, reading the cart, the card charge, HTTP and JSON.
const ceilingSQL = `
WITH s AS (
  UPDATE products SET stock = stock - 1 WHERE id = ?0 AND stock >= 1 AND active RETURNING id, sku, name, price, currency
), o AS (
  INSERT INTO orders (user_id, email, status, currency, subtotal, shipping, total, shipping_method, ship_name, ship_line1,
                      ship_city, ship_postal_code, ship_country, payment_last4, payment_status, created_at, updated_at)
  SELECT ?1, 'ceiling@shop.test', 'paid', s.currency, s.price, 499, s.price + 499, 'standard', 'Bench', '1 Load St',
         'Loopback', '12345', 'US', '4242', 'succeeded', now(), now() FROM s
  RETURNING id, total, currency
), i AS (
  INSERT INTO order_items (order_id, product_id, sku, name, unit_price, quantity, line_total)
  SELECT o.id, s.id, s.sku, s.name, s.price, 1, s.price FROM o, s
), p AS (
  INSERT INTO payments (order_id, kind, charge_id, amount, currency, last4, brand, created_at)
  SELECT o.id, 'charge', 'ch_ceiling_' || o.id, o.total, o.currency, '4242', 'visa', now() FROM o
), k AS (
  INSERT INTO idempotency_keys (user_id, key, fingerprint, order_id, created_at)
  SELECT ?1, ?2, 'ceiling', o.id, now() FROM o
), m AS (
  INSERT INTO mail_outbox (recipient, subject, text_body, html_body, next_attempt_at, created_at)
  SELECT 'ceiling@shop.test', 'Your order #' || o.id, repeat('t', 1500), repeat('h', 4000), now(), now() FROM o
), d AS (
  DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM carts WHERE user_id = ?1)
)
SELECT count(*) FROM o`

// orderCeiling measures what PostgreSQL on this machine allows for
// orders: workers connections send ceilingSQL back to back for duration,
// with no HTTP server in between. No checkout can place orders through
// this database faster than that, so its ratio to the bare handler bounds
// the place-order ratio of the same run from above. It runs last: it
// empties the carts of the users it buys for.
func orderCeiling(ctx context.Context, dsn string, s *shop, postmaster int, duration time.Duration, workers int, mode ceilingMode) (result, error) {
	db, err := store.OpenPostgres(dsn, workers)
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	name := mode.name()
	write := func(ctx context.Context, _ int, product, user int64, key string) (int, error) {
		var placed int
		err := db.NewRaw(ceilingSQL, product, user, key).Scan(ctx, &placed)
		return placed, err
	}
	switch mode {
	case ceilingFunction:
		if _, err := db.ExecContext(ctx, ceilingFunctionSQL); err != nil {
			return result{}, fmt.Errorf("creating bench_order_rows: %w", err)
		}
		write = func(ctx context.Context, _ int, product, user int64, key string) (int, error) {
			var placed int
			err := db.NewRaw("SELECT bench_order_rows(?, ?, ?)", product, user, key).Scan(ctx, &placed)
			return placed, err
		}
	case ceilingPrepared:
		conns := make([]*pgx.Conn, workers)
		for w := range conns {
			c, err := pgx.Connect(ctx, dsn) // pgx's default: prepare once per connection, then execute
			if err != nil {
				return result{}, err
			}
			defer c.Close(context.WithoutCancel(ctx))
			conns[w] = c
		}
		text := strings.NewReplacer("?0", "$1", "?1", "$2", "?2", "$3").Replace(ceilingSQL)
		write = func(ctx context.Context, w int, product, user int64, key string) (int, error) {
			var placed int
			err := conns[w].QueryRow(ctx, text, product, user, key).Scan(&placed)
			return placed, err
		}
	}
	var users []int64
	if err := db.NewSelect().TableExpr("users").Column("id").OrderExpr("id").Limit(1000).Scan(ctx, &users); err != nil {
		return result{}, err
	}
	if len(users) == 0 {
		return result{}, fmt.Errorf("%s: no users", name)
	}
	cpu := cpuMeter{server: os.Getpid(), postmaster: postmaster}
	cpu.start()
	var (
		done, failed atomic.Uint64
		wg           sync.WaitGroup
		once         sync.Once
		firstErr     error
	)
	deadline := time.Now().Add(duration)
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				n := w*1_000_000 + i
				placed, err := write(ctx, w, s.products[n%len(s.products)].ID, users[n%len(users)], fmt.Sprintf("ceiling-%d-%d-%d", mode, w, i))
				if err != nil || placed != 1 {
					failed.Add(1)
					once.Do(func() { firstErr = fmt.Errorf("%d orders written, %v", placed, err) })
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	total := done.Load() + failed.Load()
	if failed.Load() > 0 {
		return result{}, fmt.Errorf("%s: %d of %d statements failed, first: %v", name, failed.Load(), total, firstErr)
	}
	client, dbCPU := cpu.perRequest(total)
	return result{Scenario: name, Requests: total, RPS: float64(total) / elapsed.Seconds(), Success: 1,
		ServerCPU: client, DatabaseCPU: dbCPU}, nil
}
