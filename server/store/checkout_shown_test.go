package store_test

import (
	"context"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

// shown returns in with the ExpectedTotal that the customer userID (0: the
// guest whose cart is in.GuestCartToken) would be shown at checkout right
// now: their cart as the Carts service reads it
// plus the price of in's shipping method (from the Orders service). A
// checkout must carry that total (issue 12); the tests that place orders
// use this one helper rather than each computing it.
func (e *env) shown(t *testing.T, userID int64, in domain.PlaceOrderInput) domain.PlaceOrderInput {
	t.Helper()
	ctx := context.Background()
	key := domain.CartKey{UserID: userID}
	if userID == 0 {
		key = domain.CartKey{Token: in.GuestCartToken} // a guest's cart
	}
	cart, err := e.svc.Carts.Cart(ctx, key)
	if err != nil {
		t.Fatalf("read the cart of user %d: %v", userID, err)
	}
	methods, err := e.svc.Orders.ShippingMethods(ctx)
	if err != nil {
		t.Fatalf("shipping methods: %v", err)
	}
	total := cart.Subtotal.Amount
	for _, m := range methods {
		if m.Code == in.ShippingMethod {
			total += m.Price.Amount
		}
	}
	in.ExpectedTotal = &total
	return in
}

// TestPlaceOrderRequiresExpectedTotal (issue 12): a checkout without the
// total the customer saw is refused before anything happens: no order, no
// charge, no key claimed, stock and cart as they were.
func TestPlaceOrderRequiresExpectedTotal(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		u, _ := e.user(t, "blind@example.com")
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, a.ID, 2))

		_, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, checkout("k", payment.CardSuccess))
		wantCode(t, err, domain.EINVALID)
		if f := domain.ErrorFields(err); f["expected_total"] != "is required" {
			t.Fatalf("fields = %v", f)
		}
		if e.count(t, "orders") != 0 || e.count(t, "idempotency_keys") != 0 || e.pay.calls.Load() != 0 || e.stock(t, a.ID) != 10 {
			t.Fatalf("orders %d, keys %d, charge attempts %d, stock %d", e.count(t, "orders"), e.count(t, "idempotency_keys"), e.pay.calls.Load(), e.stock(t, a.ID))
		}
		if c := must[*domain.Cart](t)(e.svc.Carts.Cart(ctx, domain.CartKey{UserID: u.ID})); c.ItemCount != 2 {
			t.Fatalf("cart = %+v", c)
		}
		// The same key with the total is a new request and succeeds.
		if _, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k", payment.CardSuccess))); err != nil {
			t.Fatal(err)
		}
	})
}
