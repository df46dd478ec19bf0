package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// A checkout refused because the cart changed since its total was shown is
// its own result on the checkouts counter (cart_changed), not "invalid":
// it is a customer outcome that the dashboards tell apart from bad input.
func TestCartChangedCheckoutMetric(t *testing.T) {
	e := newEnv(t, "sqlite")
	p := e.anyProduct(t)
	e.setStock(t, p.ID, 10)
	c := e.customer(t)
	want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)

	stale := c.shown(checkoutBody(goodCard))
	stale["expected_total"] = stale["expected_total"].(int64) - 1
	wantErr(t, c.do("POST", "/api/v1/orders", stale, HeaderIdempotencyKey, "mc-1"), 409, domain.ECARTCHANGED)
	wantErr(t, c.do("POST", "/api/v1/orders", checkoutBody(goodCard), HeaderIdempotencyKey, "mc-2"), 422, "invalid")

	text := string(want(t, c.do("GET", "/metrics", nil), 200).Body)
	for _, s := range []string{
		fmt.Sprintf(`%s{%s="%s"} 1`, contract.MetricCheckouts, contract.LabelResult, contract.CheckoutCartChanged),
		fmt.Sprintf(`%s{%s="%s"} 1`, contract.MetricCheckouts, contract.LabelResult, contract.CheckoutInvalid),
		fmt.Sprintf(`%s{%s="%s"} 0`, contract.MetricCheckouts, contract.LabelResult, contract.CheckoutSucceeded),
	} {
		if !strings.Contains(text, s) {
			t.Errorf("metrics lack %q", s)
		}
	}
}

// Every result value is there from the start (0), cart_changed included.
func TestCheckoutResultsPrecreated(t *testing.T) {
	e := newEnv(t, "sqlite")
	text := string(want(t, e.client(t).do("GET", "/metrics", nil), 200).Body)
	for _, r := range []string{contract.CheckoutSucceeded, contract.CheckoutDeclined, contract.CheckoutFailed,
		contract.CheckoutOutOfStock, contract.CheckoutInvalid, contract.CheckoutError, contract.CheckoutCartChanged} {
		if s := fmt.Sprintf(`%s{%s="%s"} 0`, contract.MetricCheckouts, contract.LabelResult, r); !strings.Contains(text, s) {
			t.Errorf("metrics lack %q", s)
		}
	}
}
