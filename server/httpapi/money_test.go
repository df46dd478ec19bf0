package httpapi

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

// Issue 12, bugs 1 and 2: the customer is charged what the checkout showed,
// and the cart tells the truth about stock. Both databases.

// cartErrorBody is an error body that carries the cart as it is now.
type cartErrorBody struct {
	Error struct {
		Code    string       `json:"code"`
		Message string       `json:"message"`
		Cart    *domain.Cart `json:"cart"`
	} `json:"error"`
}

func checkoutExpecting(total int64) map[string]any {
	b := checkoutBody(goodCard)
	b["expected_total"] = total
	return b
}

func ordersOf(t *testing.T, c *client) domain.Page[domain.Order] {
	t.Helper()
	var orders domain.Page[domain.Order]
	want(t, c.do("GET", "/api/v1/orders", nil), 200).Into(t, &orders)
	return orders
}

func TestCheckoutRefusesAChangedCart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		standard, _ := domain.FindShippingMethod("standard", p.Price.Currency)
		c := e.customer(t)

		// Tab B opens the checkout with one item and sees this total ...
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		shown := p.Price.Amount + standard.Price.Amount
		// ... then tab A sets the quantity to 4.
		want(t, c.do("PATCH", fmt.Sprintf("/api/v1/cart/items/%d", p.ID), map[string]any{"quantity": 4}), 200)

		// Placing the order with what tab B showed: 409 with the cart as it is now.
		var body cartErrorBody
		r := c.do("POST", "/api/v1/orders", checkoutExpecting(shown), "Idempotency-Key", "k-stale")
		wantErr(t, r, 409, domain.ECARTCHANGED)
		r.Into(t, &body)
		if body.Error.Cart == nil || body.Error.Cart.ItemCount != 4 || body.Error.Cart.Subtotal.Amount != 4*p.Price.Amount {
			t.Fatalf("409 body must carry the current cart: %s", r.Body)
		}
		if n := ordersOf(t, c).Total; n != 0 {
			t.Fatalf("a refused checkout created %d orders", n)
		}
		if got := e.stock(t, p.ID); got != 10 {
			t.Fatalf("a refused checkout reserved stock: %d, want 10", got)
		}

		// Asked again with the new total (the same key is free again: nothing was kept).
		now := 4*p.Price.Amount + standard.Price.Amount
		var o domain.Order
		want(t, c.do("POST", "/api/v1/orders", checkoutExpecting(now), "Idempotency-Key", "k-stale"), 201).Into(t, &o)
		if o.Total.Amount != now || len(o.Items) != 1 || o.Items[0].Quantity != 4 {
			t.Fatalf("order: total %d (want %d), items %+v", o.Total.Amount, now, o.Items)
		}
		if got := e.stock(t, p.ID); got != 6 {
			t.Fatalf("stock after the order: %d, want 6", got)
		}

		// A price change between showing and placing is a changed cart too.
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		shown = p.Price.Amount + standard.Price.Amount
		want(t, e.admin(t).do("PATCH", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), map[string]any{"price": p.Price.Amount + 100}), 200)
		r = c.do("POST", "/api/v1/orders", checkoutExpecting(shown), "Idempotency-Key", "k-price")
		wantErr(t, r, 409, domain.ECARTCHANGED)
		r.Into(t, &body)
		if body.Error.Cart == nil || body.Error.Cart.Subtotal.Amount != p.Price.Amount+100 {
			t.Fatalf("409 after a price change: %s", r.Body)
		}
		if got := e.stock(t, p.ID); got != 6 {
			t.Fatalf("a refused checkout reserved stock: %d, want 6", got)
		}

		// Bad input is a 422, not a 500.
		bad := checkoutBody(goodCard)
		bad["expected_total"] = -1
		wantErr(t, c.do("POST", "/api/v1/orders", bad, "Idempotency-Key", "k-neg"), 422, "invalid")
		bad["expected_total"] = "lots"
		wantErr(t, c.do("POST", "/api/v1/orders", bad, "Idempotency-Key", "k-str"), 400, "invalid")
		if n := ordersOf(t, c).Total; n != 1 {
			t.Fatalf("orders: %d, want 1", n)
		}
	})
}

func TestCartLineOverStock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		c := e.customer(t)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 5}), 200)
		e.setStock(t, p.ID, 2)

		// Over stock is still available: 2 can be bought.
		var cart domain.Cart
		want(t, c.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if it := cart.Items[0]; !it.Available || it.AvailableQuantity != 2 || it.Stock != 2 || it.Quantity != 5 {
			t.Fatalf("over-stock line: %+v", it)
		}
		// Checkout refuses it, names it, and shows the cart as it is (nothing changed).
		var body cartErrorBody
		r := c.do("POST", "/api/v1/orders", c.shown(checkoutBody(goodCard)), "Idempotency-Key", "k-over")
		wantErr(t, r, 409, domain.EINSUFFICIENTSTOCK)
		r.Into(t, &body)
		if body.Error.Cart == nil || body.Error.Cart.Items[0].Quantity != 5 || body.Error.Cart.Items[0].AvailableQuantity != 2 {
			t.Fatalf("insufficient_stock body must carry the cart: %s", r.Body)
		}
		if got := e.stock(t, p.ID); got != 2 {
			t.Fatalf("stock after refused checkout: %d, want 2", got)
		}
		// Reducing to what is available makes it orderable.
		want(t, c.do("PATCH", fmt.Sprintf("/api/v1/cart/items/%d", p.ID), map[string]any{"quantity": 2}), 200).Into(t, &cart)
		if it := cart.Items[0]; !it.Available || it.AvailableQuantity != 2 || it.Quantity != 2 {
			t.Fatalf("reduced line: %+v", it)
		}

		// Zero stock or inactive: unavailable, nothing can be bought.
		e.setStock(t, p.ID, 0)
		want(t, c.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if it := cart.Items[0]; it.Available || it.AvailableQuantity != 0 {
			t.Fatalf("sold-out line: %+v", it)
		}
		e.setStock(t, p.ID, 3)
		want(t, e.admin(t).do("DELETE", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), nil), 200)
		want(t, c.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if it := cart.Items[0]; it.Available || it.AvailableQuantity != 0 {
			t.Fatalf("inactive line: %+v", it)
		}
	})
}

// The wire name of the new field is part of the contract.
func TestCartItemWireNames(t *testing.T) {
	b, _ := json.Marshal(domain.CartItem{AvailableQuantity: 2})
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m["available_quantity"] != float64(2) {
		t.Fatalf("cart item JSON: %s", b)
	}
}
