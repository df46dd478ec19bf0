package httpapi

import (
	"fmt"
	"sync"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

// placeFor orders qty of a product (stock set to 10 first) as cust.
func (e *testEnv) placeFor(t *testing.T, cust *client, card, key string) (domain.Order, domain.Product) {
	t.Helper()
	prod := e.anyProduct(t)
	e.setStock(t, prod.ID, 10)
	want(t, cust.do("POST", "/api/v1/cart/items", map[string]any{"product_id": prod.ID, "quantity": 2}), 200)
	var o domain.Order
	want(t, cust.do("POST", "/api/v1/orders", cust.shown(checkoutBody(card)), "Idempotency-Key", key), 201).Into(t, &o)
	if e.stock(t, prod.ID) != 8 {
		t.Fatalf("stock %d after checkout", e.stock(t, prod.ID))
	}
	return o, prod
}

func historyKinds(d domain.OrderDetail) string {
	k := make([]string, len(d.History))
	for i, ev := range d.History {
		k[i] = string(ev.Kind) + "/" + ev.Actor.Role
	}
	return fmt.Sprint(k)
}

// TestAdminShipsAndCustomerSeesTracking: the detail shows the order, its
// charge and history; shipping needs a carrier and tracking number, which
// the customer then sees.
func TestAdminShipsAndCustomerSeesTracking(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		a, cust := e.admin(t), e.customer(t)
		o, _ := e.placeFor(t, cust, goodCard, "ship-1")
		path := fmt.Sprintf("/api/v1/admin/orders/%d", o.ID)

		var d domain.OrderDetail
		want(t, a.do("GET", path, nil), 200).Into(t, &d)
		if d.ID != o.ID || d.Customer == nil || d.Charge == nil || d.Charge.Amount != o.Total || d.Charge.Reference == "" ||
			historyKinds(d) != "[placed/customer paid/customer]" || len(d.Items) != 1 || d.Items[0].Quantity != 2 {
			t.Fatalf("detail %+v", d)
		}
		wantErr(t, a.do("GET", "/api/v1/admin/orders/99999999", nil), 404, "not_found")
		wantErr(t, a.do("GET", "/api/v1/admin/orders/x", nil), 404, "not_found")

		for _, body := range []map[string]any{
			{"status": "shipped"},
			{"status": "shipped", "carrier": "ups"},
			{"status": "shipped", "tracking_number": "1Z999AA10123456784"},
			{"status": "shipped", "carrier": "owl", "tracking_number": "1Z999AA10123456784"},
			{"status": "shipped", "carrier": "ups", "tracking_number": "<b>"},
			{"status": "delivered", "carrier": "ups"},
		} {
			wantErr(t, a.do("PATCH", path, body), 422, "invalid")
		}
		wantErr(t, a.do("PATCH", path, map[string]any{"status": "shipped", "carrier": 7}), 400, "invalid")

		var shipped domain.Order
		want(t, a.do("PATCH", path, map[string]any{"status": "shipped", "carrier": "fedex", "tracking_number": "1234 5678 9012"}), 200).Into(t, &shipped)
		if shipped.Status != domain.OrderShipped || shipped.Shipment == nil || shipped.Shipment.TrackingNumber != "123456789012" {
			t.Fatalf("shipped %+v", shipped)
		}
		var mine domain.Order
		want(t, cust.do("GET", fmt.Sprintf("/api/v1/orders/%d", o.ID), nil), 200).Into(t, &mine)
		if mine.Shipment == nil || mine.Shipment.Carrier != "fedex" || mine.Shipment.TrackingNumber != "123456789012" {
			t.Fatalf("the customer sees %+v", mine.Shipment)
		}
		// Invalid moves are 409 and change nothing.
		wantErr(t, a.do("PATCH", path, map[string]any{"status": "cancelled"}), 409, "conflict")
		wantErr(t, cust.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil), 409, "conflict")
		want(t, a.do("GET", path, nil), 200).Into(t, &d)
		if historyKinds(d) != "[placed/customer paid/customer shipped/admin]" || d.History[2].Actor.Email != adminEmail {
			t.Fatalf("history %+v", d.History)
		}
	})
}

// TestCancelOverHTTP: concurrent cancels of a paid order (customer and
// admin) give one 200 and 409s; stock comes back once and the refund is
// recorded once. A charge the provider cannot refund gives 502
// payment_failed and leaves everything as it was.
func TestCancelOverHTTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		a, cust := e.admin(t), e.customer(t)
		o, prod := e.placeFor(t, cust, goodCard, "cancel-1")

		const n = 8
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				var r *response
				if i%2 == 0 {
					r = cust.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil)
				} else {
					r = a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "cancelled"})
				}
				statuses[i] = r.Status
			}(i)
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[200] != 1 || count[409] != n-1 {
			t.Fatalf("statuses %v; want one 200 and %d 409", statuses, n-1)
		}
		if got := e.stock(t, prod.ID); got != 10 {
			t.Fatalf("stock %d after concurrent cancels, want 10", got)
		}
		var d domain.OrderDetail
		want(t, a.do("GET", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), nil), 200).Into(t, &d)
		if d.Status != domain.OrderCancelled || d.Payment.Status != domain.PaymentRefunded || d.Refund == nil ||
			d.Refund.Amount != o.Total || len(d.History) != 4 {
			t.Fatalf("after cancel %+v", d)
		}

		bad, prod2 := e.placeFor(t, cust, payment.CardRefundFails, "cancel-2")
		body := wantErr(t, cust.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", bad.ID), nil), 502, "payment_failed")
		if body.Error.Message == "" {
			t.Fatal("no message")
		}
		wantErr(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", bad.ID), map[string]any{"status": "cancelled"}), 502, "payment_failed")
		d = domain.OrderDetail{}
		want(t, a.do("GET", fmt.Sprintf("/api/v1/admin/orders/%d", bad.ID), nil), 200).Into(t, &d)
		if d.Status != domain.OrderPaid || d.Payment.Status != domain.PaymentSucceeded || d.Refund != nil || len(d.History) != 2 {
			t.Fatalf("after a failed refund %+v", d)
		}
		if got := e.stock(t, prod2.ID); got != 8 {
			t.Fatalf("stock %d after a failed refund, want 8", got)
		}
	})
}

// TestAdminCustomersSearch: the customer list pages and searches.
func TestAdminCustomersSearch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		a := e.admin(t)
		email, _ := e.registerUser(t)
		e.registerUser(t)
		var page domain.Page[domain.CustomerSummary]
		want(t, a.do("GET", "/api/v1/admin/customers?q="+urlQuery(email), nil), 200).Into(t, &page)
		if page.Total != 1 || page.Items[0].Email != email {
			t.Fatalf("search %q: %+v", email, page)
		}
		want(t, a.do("GET", "/api/v1/admin/customers?per_page=1&page=2", nil), 200).Into(t, &page)
		if page.Total < 2 || len(page.Items) != 1 {
			t.Fatalf("page 2: %+v", page)
		}
		wantErr(t, a.do("GET", "/api/v1/admin/customers?per_page=0", nil), 422, "invalid")
		wantErr(t, a.do("GET", "/api/v1/admin/customers?q="+urlQuery(string(make([]byte, 101))), nil), 422, "invalid")
	})
}
