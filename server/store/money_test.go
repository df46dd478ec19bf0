package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

// TestCheckoutRacesAQuantityChange (issue 12, bug 1): while customers place
// orders with the total they were shown (1 unit), another tab of each sets
// the quantity to 4. Whatever the interleaving, no one is charged anything
// but what they were shown: an order, if any, is for exactly the expected
// total, every refusal is cart_changed with nothing charged, and stock
// moves by exactly the units ordered.
func TestCheckoutRacesAQuantityChange(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		const price, n = 1399, 12
		p := e.product(t, "RACE-1", "Hand Cream", "c", price, 1000)
		standard, _ := domain.FindShippingMethod("standard", domain.DefaultCurrency)
		shown := int64(price) + standard.Price.Amount

		users := make([]int64, n)
		ins := make([]domain.PlaceOrderInput, n)
		for i := range users {
			u, _ := e.user(t, fmt.Sprintf("race%d@example.com", i))
			users[i] = u.ID
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 1))
			ins[i] = e.shown(t, u.ID, checkout(fmt.Sprintf("race-%d", i), payment.CardSuccess))
			if *ins[i].ExpectedTotal != shown {
				t.Fatalf("the cart shows %d, want %d", *ins[i].ExpectedTotal, shown)
			}
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		orders := make([]*domain.Order, n)
		errs := make([]error, n)
		for i := range users {
			wg.Add(2)
			go func(i int) {
				defer wg.Done()
				<-start
				orders[i], _, errs[i] = e.svc.Orders.PlaceOrder(ctx, users[i], ins[i])
			}(i)
			go func(i int) {
				defer wg.Done()
				<-start
				// After a successful order the line is gone: ENOTFOUND is fine.
				_, _ = e.svc.Carts.SetQuantity(ctx, domain.CartKey{UserID: users[i]}, p.ID, 4)
			}(i)
		}
		close(start)
		wg.Wait()

		placed := 0
		for i := range users {
			switch domain.ErrorCode(errs[i]) {
			case "":
				placed++
				if orders[i].Total.Amount != shown || orders[i].Items[0].Quantity != 1 {
					t.Fatalf("user %d charged %d for %d units, was shown %d", i, orders[i].Total.Amount, orders[i].Items[0].Quantity, shown)
				}
			case domain.ECARTCHANGED:
				if c := domain.CartOf(errs[i]); c == nil || c.ItemCount != 4 {
					t.Fatalf("user %d: cart_changed without the current cart: %+v", i, c)
				}
			default:
				t.Fatalf("user %d: %v", i, errs[i])
			}
		}
		if got := e.count(t, "orders"); got != placed {
			t.Fatalf("%d orders, %d placed", got, placed)
		}
		if got := e.pay.charges.Load(); got != int64(placed) {
			t.Fatalf("%d charges, %d orders", got, placed)
		}
		if got := e.stock(t, p.ID); got != 1000-placed {
			t.Fatalf("stock %d, want %d", got, 1000-placed)
		}
		t.Logf("%s: %d placed, %d refused as changed", e.backend, placed, n-placed)
	})
}
