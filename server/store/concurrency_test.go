package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

// TestConcurrentCheckoutOfLastUnits: 20 customers check out the last 5
// units at once. Exactly 5 orders succeed, the others get
// insufficient_stock, stock ends at 0 and was never negative (the CHECK
// constraint would have failed the transaction otherwise). On PostgreSQL
// the checkouts really run concurrently on 20 connections; on SQLite they
// serialize on the single writer.
func TestConcurrentCheckoutOfLastUnits(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		p := e.product(t, "LAST-1", "Last Units", "c", 1000, 5)
		const n = 20
		users := make([]int64, n)
		for i := range users {
			u, _ := e.user(t, fmt.Sprintf("rush%d@example.com", i))
			users[i] = u.ID
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 1))
		}

		ins := make([]domain.PlaceOrderInput, n)
		for i := range users {
			ins[i] = e.shown(t, users[i], checkout(fmt.Sprintf("rush-%d", i), payment.CardSuccess))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range users {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				_, _, errs[i] = e.svc.Orders.PlaceOrder(ctx, users[i], ins[i])
			}(i)
		}
		close(start)
		wg.Wait()

		codes := map[string]int{}
		for _, err := range errs {
			codes[domain.ErrorCode(err)]++
		}
		if codes[""] != 5 || codes[domain.EINSUFFICIENTSTOCK] != n-5 {
			t.Fatalf("results by code %v (errors %v); want 5 successes and %d insufficient_stock", codes, errs, n-5)
		}
		if got := e.stock(t, p.ID); got != 0 {
			t.Fatalf("stock ends at %d, want 0", got)
		}
		if got := e.count(t, "orders"); got != 5 {
			t.Fatalf("%d orders, want 5", got)
		}
		if got := e.pay.charges.Load(); got != 5 {
			t.Fatalf("%d charges, want 5", got)
		}
		t.Logf("%s: %v", e.backend, codes)
	})
}

// TestConcurrentIdempotentRetries: 10 concurrent PlaceOrder calls with one
// Idempotency-Key produce one order and one charge; every caller gets that
// order.
func TestConcurrentIdempotentRetries(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		p := e.product(t, "IDEM-1", "Idempotent", "c", 1000, 10)
		u, _ := e.user(t, "retry@example.com")
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 2))

		const n = 10
		in := e.shown(t, u.ID, checkout("same-key", payment.CardSuccess))
		var wg sync.WaitGroup
		start := make(chan struct{})
		ids := make([]int64, n)
		created := make([]bool, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				o, c, err := e.svc.Orders.PlaceOrder(ctx, u.ID, in)
				if o != nil {
					ids[i] = o.ID
				}
				created[i], errs[i] = c, err
			}(i)
		}
		close(start)
		wg.Wait()

		nCreated := 0
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Fatalf("call %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("calls got different orders: %v", ids)
			}
			if created[i] {
				nCreated++
			}
		}
		if nCreated != 1 {
			t.Fatalf("%d calls report a new order, want 1", nCreated)
		}
		if got := e.count(t, "orders"); got != 1 {
			t.Fatalf("%d orders, want 1", got)
		}
		if got := e.pay.calls.Load(); got != 1 {
			t.Fatalf("the provider was asked to charge %d times, want 1", got)
		}
		if got := e.stock(t, p.ID); got != 8 {
			t.Fatalf("stock %d, want 8", got)
		}
	})
}
