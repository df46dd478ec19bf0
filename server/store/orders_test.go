package store_test

import (
	"context"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

func TestPlaceOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		orders := e.svc.Orders
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		b := e.product(t, "B-1", "Banana", "c", 99, 4)
		u, _ := e.user(t, "buyer@example.com")
		cart := domain.CartKey{UserID: u.ID}

		_, _, err := orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k-empty", payment.CardSuccess)))
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorFields(err)["cart"] == "" {
			t.Errorf("empty cart error names no field: %v", err)
		}
		bad := e.shown(t, u.ID, checkout("k-bad", "4242424242424241"))
		_, _, err = orders.PlaceOrder(ctx, u.ID, bad)
		wantCode(t, err, domain.EINVALID)

		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, cart, a.ID, 3))
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, cart, b.ID, 2))

		// Declined, then provider failure: no order, no stock moved, cart kept.
		for _, tc := range []struct{ card, code string }{
			{payment.CardDeclined, domain.EPAYMENTDECLINED},
			{payment.CardInsufficientFunds, domain.EPAYMENTDECLINED},
			{payment.CardProviderError, domain.EPAYMENTFAILED},
		} {
			_, _, err := orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k-1", tc.card)))
			wantCode(t, err, tc.code)
			if n := e.count(t, "orders"); n != 0 {
				t.Fatalf("card %s left %d orders", tc.card, n)
			}
			if e.stock(t, a.ID) != 10 || e.stock(t, b.ID) != 4 {
				t.Fatalf("card %s moved stock: %d, %d", tc.card, e.stock(t, a.ID), e.stock(t, b.ID))
			}
			if c, _ := e.svc.Carts.Cart(ctx, cart); c.ItemCount != 5 {
				t.Fatalf("card %s emptied the cart", tc.card)
			}
		}
		if e.count(t, "idempotency_keys") != 0 || e.count(t, "payments") != 0 {
			t.Fatal("a failed checkout left an idempotency key or a payment")
		}

		// The same key, now with a good card, succeeds: the failures claimed nothing.
		in := e.shown(t, u.ID, checkout("k-1", payment.CardSuccess))
		o, created, err := orders.PlaceOrder(ctx, u.ID, in)
		if err != nil || !created {
			t.Fatalf("place order: %v (created %v)", err, created)
		}
		if o.Status != domain.OrderPaid || len(o.Items) != 2 || o.Subtotal.Amount != 3*150+2*99 || o.Shipping.Amount != 499 ||
			o.Total.Amount != 3*150+2*99+499 || o.Payment != (domain.OrderPayment{Brand: "visa", Last4: "4242", Status: domain.PaymentSucceeded}) ||
			o.ShippingAddress.Country != "GB" || o.ShippingMethod != "standard" || o.Total.Currency != "USD" {
			t.Fatalf("order = %+v", o)
		}
		if it := o.Items[0]; it.ProductID != a.ID || it.SKU != "A-1" || it.Quantity != 3 || it.LineTotal.Amount != 450 || it.UnitPrice.Amount != 150 {
			t.Fatalf("item = %+v", it)
		}
		if e.stock(t, a.ID) != 7 || e.stock(t, b.ID) != 2 {
			t.Fatalf("stock after order: %d, %d", e.stock(t, a.ID), e.stock(t, b.ID))
		}
		if c, _ := e.svc.Carts.Cart(ctx, cart); len(c.Items) != 0 {
			t.Fatalf("cart not emptied: %+v", c)
		}
		if got := e.pay.charges.Load(); got != 1 {
			t.Fatalf("%d successful charges, want 1", got)
		}

		// Replaying the key returns the same order without charging again.
		again, created, err := orders.PlaceOrder(ctx, u.ID, in)
		if err != nil || created || again.ID != o.ID {
			t.Fatalf("replay: %+v created=%v %v", again, created, err)
		}
		if got := e.pay.calls.Load(); got != 4 { // 3 failures + 1 success
			t.Fatalf("%d charge attempts after the replay, want 4", got)
		}
		// The same key with another body is refused.
		other := in
		other.ShippingMethod = "express"
		_, _, err = orders.PlaceOrder(ctx, u.ID, other)
		wantCode(t, err, domain.EINVALID)
		// Keys are per user: another user may use the same key.
		v, _ := e.user(t, "other@example.com")
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: v.ID}, a.ID, 1))
		vo, created, err := orders.PlaceOrder(ctx, v.ID, e.shown(t, v.ID, checkout("k-1", payment.CardSuccess)))
		if err != nil || !created || vo.ID == o.ID {
			t.Fatalf("another user's same key: %+v %v", vo, err)
		}

		// History: newest first, own orders only.
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, cart, b.ID, 1))
		o2, _, err := orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k-2", payment.CardSuccess)))
		if err != nil {
			t.Fatal(err)
		}
		list, err := orders.ListOrders(ctx, u.ID, domain.PageRequest(nil, nil))
		if err != nil || list.Total != 2 || len(list.Items) != 2 || list.Items[0].ID != o2.ID || list.Items[1].ID != o.ID {
			t.Fatalf("list = %+v %v", list, err)
		}
		if got, err := orders.Order(ctx, u.ID, o.ID); err != nil || got.ID != o.ID || len(got.Items) != 2 {
			t.Fatalf("get own order: %+v %v", got, err)
		}
		_, err = orders.Order(ctx, v.ID, o.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = orders.CancelOrder(ctx, v.ID, o.ID)
		wantCode(t, err, domain.ENOTFOUND)
	})
}

func TestOrderInsufficientStock(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		b := e.product(t, "B-1", "Banana", "c", 99, 4)
		u, _ := e.user(t, "late@example.com")
		cart := domain.CartKey{UserID: u.ID}
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, cart, a.ID, 2))
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, cart, b.ID, 4))
		// Someone else bought bananas meanwhile.
		must[*domain.Product](t)(e.svc.Admin.AdjustStock(ctx, b.ID, domain.StockAdjust{Delta: ptr(-1)}))

		_, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k", payment.CardSuccess)))
		wantCode(t, err, domain.EINSUFFICIENTSTOCK)
		if e.pay.calls.Load() != 0 {
			t.Fatal("the card was charged for an order that could not be filled")
		}
		if e.stock(t, a.ID) != 10 || e.stock(t, b.ID) != 3 || e.count(t, "orders") != 0 {
			t.Fatalf("stock %d/%d, %d orders", e.stock(t, a.ID), e.stock(t, b.ID), e.count(t, "orders"))
		}
		// A deactivated product cannot be bought either.
		must[*domain.Cart](t)(e.svc.Carts.SetQuantity(ctx, cart, b.ID, 3))
		must[*domain.Product](t)(e.svc.Admin.DeactivateProduct(ctx, a.ID))
		_, _, err = e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k", payment.CardSuccess)))
		wantCode(t, err, domain.EINSUFFICIENTSTOCK)
	})
}

func TestCancelAndTransitions(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		u, _ := e.user(t, "cancel@example.com")
		cart := domain.CartKey{UserID: u.ID}
		place := func(key string) *domain.Order {
			t.Helper()
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, cart, a.ID, 2))
			o, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout(key, payment.CardSuccess)))
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		o := place("k-1")
		if e.stock(t, a.ID) != 8 {
			t.Fatalf("stock %d", e.stock(t, a.ID))
		}
		c, err := e.svc.Orders.CancelOrder(ctx, u.ID, o.ID)
		if err != nil || c.Status != domain.OrderCancelled || c.Payment.Status != domain.PaymentRefunded {
			t.Fatalf("cancel: %+v %v", c, err)
		}
		if e.stock(t, a.ID) != 10 || e.pay.refunds.Load() != 1 {
			t.Fatalf("after cancel: stock %d, refunds %d", e.stock(t, a.ID), e.pay.refunds.Load())
		}
		_, err = e.svc.Orders.CancelOrder(ctx, u.ID, o.ID)
		wantCode(t, err, domain.ECONFLICT)
		if e.stock(t, a.ID) != 10 {
			t.Fatal("a second cancel restored stock again")
		}

		admin := e.svc.Admin
		o2 := place("k-2")
		steps := []struct {
			to   domain.OrderStatus
			code string
		}{
			{domain.OrderPending, domain.ECONFLICT}, // paid -> pending
			{domain.OrderDelivered, domain.ECONFLICT},
			{domain.OrderShipped, ""},
			{domain.OrderCancelled, domain.ECONFLICT}, // shipped orders cannot be cancelled
			{domain.OrderPaid, domain.ECONFLICT},
			{domain.OrderDelivered, ""},
			{domain.OrderShipped, domain.ECONFLICT},
			{domain.OrderStatus("lost"), domain.EINVALID},
		}
		for _, s := range steps {
			got, err := admin.UpdateOrderStatus(ctx, o2.ID, adminActor, statusUpdate(s.to))
			wantCode(t, err, s.code)
			if s.code == "" && got.Status != s.to {
				t.Fatalf("status %s, want %s", got.Status, s.to)
			}
		}
		if e.stock(t, a.ID) != 8 {
			t.Fatalf("stock %d after a delivered order", e.stock(t, a.ID))
		}
		_, err = e.svc.Orders.CancelOrder(ctx, u.ID, o2.ID)
		wantCode(t, err, domain.ECONFLICT)
		_, err = admin.UpdateOrderStatus(ctx, 999999, adminActor, statusUpdate(domain.OrderShipped))
		wantCode(t, err, domain.ENOTFOUND)

		// Admin cancel of a paid order restores stock too.
		o3 := place("k-3")
		if got, err := admin.UpdateOrderStatus(ctx, o3.ID, adminActor, statusUpdate(domain.OrderCancelled)); err != nil || got.Status != domain.OrderCancelled {
			t.Fatalf("admin cancel: %+v %v", got, err)
		}
		if e.stock(t, a.ID) != 8 {
			t.Fatalf("stock %d after admin cancel", e.stock(t, a.ID))
		}

		// Admin order list: every customer, newest first, filtered by status.
		all, err := admin.ListOrders(ctx, domain.OrderFilter{})
		if err != nil || all.Total != 3 || all.Items[0].ID != o3.ID || all.Items[0].Customer == nil ||
			all.Items[0].Customer.Email != "cancel@example.com" {
			t.Fatalf("admin orders: %+v %v", all, err)
		}
		cancelled, err := admin.ListOrders(ctx, domain.OrderFilter{Status: ptr(domain.OrderCancelled)})
		if err != nil || cancelled.Total != 2 {
			t.Fatalf("cancelled orders: %+v %v", cancelled, err)
		}
		_, err = admin.ListOrders(ctx, domain.OrderFilter{Status: ptr(domain.OrderStatus("x"))})
		wantCode(t, err, domain.EINVALID)
	})
}

// TestChargeRefundedWhenCommitFails: if the transaction dies after a
// successful charge (here: the request is cancelled right after it), the
// charge is refunded and nothing of the order remains.
func TestChargeRefundedWhenCommitFails(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		u, _ := e.user(t, "unlucky@example.com")
		must[*domain.Cart](t)(e.svc.Carts.AddItem(context.Background(), domain.CartKey{UserID: u.ID}, a.ID, 2))

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		e.pay.afterCharge = cancel
		_, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k", payment.CardSuccess)))
		if err == nil {
			t.Fatal("the order committed on a cancelled request")
		}
		e.pay.afterCharge = nil
		if e.pay.charges.Load() != 1 || e.pay.refunds.Load() != 1 {
			t.Fatalf("charges %d, refunds %d; want 1 and 1", e.pay.charges.Load(), e.pay.refunds.Load())
		}
		if e.count(t, "orders") != 0 || e.count(t, "idempotency_keys") != 0 || e.stock(t, a.ID) != 10 {
			t.Fatalf("orders %d, keys %d, stock %d", e.count(t, "orders"), e.count(t, "idempotency_keys"), e.stock(t, a.ID))
		}
	})
}
