package httpapi

import (
	"testing"
	"time"
)

// Request validation runs once, in the domain's service layer, at the
// server's one clock (Deps.Now): a checkout's card is judged at that clock
// only. Before, the handler checked it at Deps.Now and the store again at
// its own clock (time.Now), so a test clock, or two replicas' clocks a
// month-end apart, could accept and then refuse the same card.
func TestCheckoutCardExpiryAtTheInjectedClock(t *testing.T) {
	past := time.Date(2021, 3, 15, 12, 0, 0, 0, time.UTC)
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		cust := e.customer(t)
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		want(t, cust.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		body := cust.shown(checkoutBody(goodCard))
		// Valid at the server's clock (March 2021), long expired by the
		// machine's: the order is placed.
		body["payment"].(map[string]any)["exp_year"] = 2021
		body["payment"].(map[string]any)["exp_month"] = 4
		want(t, cust.do("POST", "/api/v1/orders", body, "Idempotency-Key", "clock-1"), 201)

		// And the same clock refuses a card that expired before it.
		want(t, cust.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		body = cust.shown(checkoutBody(goodCard))
		body["payment"].(map[string]any)["exp_year"] = 2021
		body["payment"].(map[string]any)["exp_month"] = 2
		fe := wantErr(t, cust.do("POST", "/api/v1/orders", body, "Idempotency-Key", "clock-2"), 422, "invalid")
		if fe.Error.Fields["payment.exp_month"] != "card has expired" || len(fe.Error.Fields) != 1 {
			t.Fatalf("fields %v, want only payment.exp_month: card has expired", fe.Error.Fields)
		}
	}, func(d *Deps) { d.Now = func() time.Time { return past } })
}

// A guest's first cart write that the service layer refuses gets no cart
// cookie (none of its input was used); one refused by the store (an
// unknown product) gets one, as it always did.
func TestRefusedCartWriteCookie(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		for _, tc := range []struct {
			body   map[string]any
			status int
			cookie bool
		}{
			{map[string]any{"product_id": p.ID, "quantity": 0}, 422, false},
			{map[string]any{"product_id": -1, "quantity": 1}, 422, false},
			{map[string]any{"quantity": 1}, 422, false},
			{map[string]any{"product_id": 99999999, "quantity": 1}, 404, true},
		} {
			r := e.client(t).do("POST", "/api/v1/cart/items", tc.body)
			if r.Status != tc.status {
				t.Fatalf("%v: status %d %s, want %d", tc.body, r.Status, r.Body, tc.status)
			}
			got := false
			for _, ck := range r.Cookies {
				got = got || ck.Name == CookieCart
			}
			if got != tc.cookie {
				t.Errorf("%v: cart cookie sent = %v, want %v", tc.body, got, tc.cookie)
			}
		}
	})
}
