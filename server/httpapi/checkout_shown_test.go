package httpapi

import (
	"slices"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

// shown returns a copy of the checkout body with the expected_total that c
// would be shown right now: GET /api/v1/cart plus the price of the body's
// shipping method from GET /api/v1/shipping-methods (an unknown method adds
// nothing). A checkout must carry that total (issue 12); the tests that
// place orders use this one helper rather than each computing it.
func (c *client) shown(body map[string]any) map[string]any {
	c.t.Helper()
	var cart domain.Cart
	want(c.t, c.do("GET", "/api/v1/cart", nil), 200).Into(c.t, &cart)
	var methods itemsBody[domain.ShippingMethod]
	want(c.t, c.do("GET", "/api/v1/shipping-methods", nil), 200).Into(c.t, &methods)
	total := cart.Subtotal.Amount
	for _, m := range methods.Items {
		if m.Code == body["shipping_method"] {
			total += m.Price.Amount
		}
	}
	out := make(map[string]any, len(body)+1)
	for k, v := range body {
		out[k] = v
	}
	out["expected_total"] = total
	return out
}

// TestCheckoutRequiresExpectedTotal (issue 12): "POST /orders must carry
// what the customer saw". Without expected_total the checkout is a 422
// field error, reported with the other field errors, and nothing happens:
// no order, stock and cart as they were. Both databases.
func TestCheckoutRequiresExpectedTotal(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		c := e.customer(t)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)

		fe := wantErr(t, c.do("POST", "/api/v1/orders", checkoutBody(goodCard), "Idempotency-Key", "k-blind"), 422, "invalid")
		if got := fe.Error.Fields["expected_total"]; got != "is required" || len(fe.Error.Fields) != 1 {
			t.Fatalf("fields %v, want only expected_total: is required", fe.Error.Fields)
		}
		// null is no total either.
		null := checkoutBody(goodCard)
		null["expected_total"] = nil
		fe = wantErr(t, c.do("POST", "/api/v1/orders", null, "Idempotency-Key", "k-null"), 422, "invalid")
		if fe.Error.Fields["expected_total"] != "is required" {
			t.Fatalf("null expected_total: fields %v", fe.Error.Fields)
		}
		// Validated in one place, so reported alongside the other fields.
		bad := checkoutBody(goodCard)
		bad["shipping_method"] = "teleport"
		fe = wantErr(t, c.do("POST", "/api/v1/orders", bad, "Idempotency-Key", "k-blind-2"), 422, "invalid")
		if fe.Error.Fields["expected_total"] != "is required" || fe.Error.Fields["shipping_method"] == "" {
			t.Fatalf("fields %v, want expected_total and shipping_method", fe.Error.Fields)
		}
		if n := ordersOf(t, c).Total; n != 0 {
			t.Fatalf("a checkout without a total created %d orders", n)
		}
		if got := e.stock(t, p.ID); got != 10 {
			t.Fatalf("stock after a checkout without a total: %d, want 10", got)
		}
		var cart domain.Cart
		want(t, c.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if cart.ItemCount != 2 {
			t.Fatalf("cart after a checkout without a total: %+v", cart)
		}

		// With the total the customer is shown, the same key places the order.
		var o domain.Order
		body := c.shown(checkoutBody(goodCard))
		want(t, c.do("POST", "/api/v1/orders", body, "Idempotency-Key", "k-blind"), 201).Into(t, &o)
		if o.Total.Amount != body["expected_total"] || e.stock(t, p.ID) != 8 {
			t.Fatalf("order total %d (shown %v), stock %d", o.Total.Amount, body["expected_total"], e.stock(t, p.ID))
		}
	})
}

// The document says so too, so that the generated client knows it.
func TestOpenAPIExpectedTotalRequired(t *testing.T) {
	doc, err := loadSpec(newEnv(t, "sqlite").srv)
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas["PlaceOrderInput"]
	if s == nil || s.Value == nil {
		t.Fatal("no PlaceOrderInput schema")
	}
	if !slices.Contains(s.Value.Required, "expected_total") {
		t.Fatalf("PlaceOrderInput.required = %v, want expected_total in it", s.Value.Required)
	}
	if m := s.Value.Properties["expected_total"].Value.Min; m == nil || *m != 0 {
		t.Fatalf("expected_total minimum = %v, want 0", m)
	}
}
