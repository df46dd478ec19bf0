package httpapi

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// guestCheckout is a guest's checkout body: checkoutBody plus an e-mail.
func guestCheckout(email string) map[string]any {
	b := checkoutBody(goodCard)
	if email != "" {
		b["email"] = email
	}
	return b
}

// guestOrder places an order as a fresh guest and returns it (with its
// access token) and the guest's client.
func (e *testEnv) guestOrder(t *testing.T, productID int64, email string) (domain.Order, *client) {
	t.Helper()
	g := e.client(t)
	want(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": productID, "quantity": 1}), 200)
	var o domain.Order
	want(t, g.do("POST", "/api/v1/orders", g.shown(guestCheckout(email)), "Idempotency-Key", "guest-"+email), 201).Into(t, &o)
	return o, g
}

func TestGuestCheckout(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)

		g := e.client(t)
		t.Run("no cart: nothing to buy, even with an e-mail", func(t *testing.T) {
			wantErr(t, g.do("POST", "/api/v1/orders", g.shown(guestCheckout("ada@example.com")), "Idempotency-Key", "k0"), 422, "invalid")
		})
		want(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)

		t.Run("the e-mail is required and validated, together with the rest", func(t *testing.T) {
			fe := wantErr(t, g.do("POST", "/api/v1/orders", g.shown(guestCheckout("")), "Idempotency-Key", "k1"), 422, "invalid")
			if fe.Error.Fields["email"] != "is required" {
				t.Fatalf("missing e-mail fields: %v", fe.Error.Fields)
			}
			fe = wantErr(t, g.do("POST", "/api/v1/orders", g.shown(guestCheckout("not-an-address")), "Idempotency-Key", "k2"), 422, "invalid")
			if fe.Error.Fields["email"] == "" {
				t.Fatalf("invalid e-mail fields: %v", fe.Error.Fields)
			}
			bad := g.shown(guestCheckout(""))
			bad["shipping_method"] = "teleport"
			fe = wantErr(t, g.do("POST", "/api/v1/orders", bad, "Idempotency-Key", "k3"), 422, "invalid")
			if fe.Error.Fields["email"] == "" || fe.Error.Fields["shipping_method"] == "" {
				t.Fatalf("both errors expected: %v", fe.Error.Fields)
			}
			if got := e.stock(t, p.ID); got != 10 {
				t.Fatalf("stock after rejected guest checkouts: %d", got)
			}
		})

		var o domain.Order
		okBody := g.shown(guestCheckout(" Ada@Example.com "))
		// The steps below need the paid order: if it fails, they do not run.
		if !t.Run("paid: the order has the e-mail, no user, and a link token", func(t *testing.T) {
			want(t, g.do("POST", "/api/v1/orders", okBody, "Idempotency-Key", "k-ok"), 201).Into(t, &o)
			if o.ID == 0 || o.Status != domain.OrderPaid || o.Email != "ada@example.com" || o.AccessToken == "" || o.Items[0].Quantity != 2 {
				t.Fatalf("guest order: %+v", o)
			}
			if got := e.stock(t, p.ID); got != 8 {
				t.Fatalf("stock after guest order: %d", got)
			}
			var cart domain.Cart
			want(t, g.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
			if len(cart.Items) != 0 {
				t.Fatalf("guest cart not emptied: %+v", cart)
			}
		}) {
			return
		}

		t.Run("the same key and body is the same order, not charged twice", func(t *testing.T) {
			var again domain.Order
			same := guestCheckout("ada@example.com")
			same["expected_total"] = okBody["expected_total"]
			want(t, g.do("POST", "/api/v1/orders", same, "Idempotency-Key", "k-ok"), 200).Into(t, &again)
			if again.ID != o.ID || e.stock(t, p.ID) != 8 {
				t.Fatalf("replay: %d vs %d", again.ID, o.ID)
			}
		})

		t.Run("the same key with another e-mail is another request: 422", func(t *testing.T) {
			eve := guestCheckout("eve@example.com")
			eve["expected_total"] = okBody["expected_total"]
			fe := wantErr(t, g.do("POST", "/api/v1/orders", eve, "Idempotency-Key", "k-ok"), 422, "invalid")
			if fe.Error.Fields["idempotency_key"] == "" {
				t.Fatalf("reused key fields: %v", fe.Error.Fields)
			}
		})

		t.Run("the signed link works in a fresh client; the session routes stay closed", func(t *testing.T) {
			var seen domain.Order
			want(t, e.client(t).do("GET", "/api/v1/order-links/"+o.AccessToken, nil), 200).Into(t, &seen)
			if seen.ID != o.ID || seen.Email != "ada@example.com" || seen.Total != o.Total {
				t.Fatalf("order by link: %+v", seen)
			}
			wantErr(t, g.do("GET", fmt.Sprintf("/api/v1/orders/%d", o.ID), nil), 401, "unauthorized")
		})

		// A second guest's order is not reachable with the first token:
		// not by editing the id, nor by a forged or garbled signature.
		t.Run("another order is not reachable with a changed token", func(t *testing.T) {
			other, _ := e.guestOrder(t, p.ID, "bob@example.com")
			parts := strings.Split(o.AccessToken, ".")
			otherParts := strings.Split(other.AccessToken, ".")
			for name, tok := range map[string]string{
				"id swapped":      fmt.Sprintf("%d.%s.%s", other.ID, parts[1], parts[2]),
				"expiry extended": fmt.Sprintf("%s.%d.%s", parts[0], time.Now().Add(365*24*time.Hour).Unix(), parts[2]),
				"signature mixed": parts[0] + "." + parts[1] + "." + otherParts[2],
				"signature cut":   parts[0] + "." + parts[1] + "." + parts[2][:10],
				"garbage":         "not-a-token",
				"empty parts":     "..",
				"huge":            strings.Repeat("1", 300),
			} {
				t.Run(name, func(t *testing.T) {
					wantErr(t, e.client(t).do("GET", "/api/v1/order-links/"+tok, nil), 404, "not_found")
				})
			}
		})

		t.Run("a customer's own order API does not show guest orders", func(t *testing.T) {
			wantErr(t, e.customer(t).do("GET", fmt.Sprintf("/api/v1/orders/%d", o.ID), nil), 404, "not_found")
		})

		t.Run("admins see guest orders, the e-mail as the customer", func(t *testing.T) {
			var list domain.Page[domain.Order]
			want(t, e.admin(t).do("GET", "/api/v1/admin/orders?per_page=100", nil), 200).Into(t, &list)
			found := false
			for _, it := range list.Items {
				if it.ID == o.ID {
					found = it.Customer != nil && it.Customer.Email == "ada@example.com" && it.Customer.ID == 0
				}
			}
			if !found {
				t.Fatalf("admin list lacks the guest order with its e-mail: %+v", list.Items)
			}
		})
	})
}

func TestCustomerOrderHasAccountEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		email, pw := e.registerUser(t)
		c := e.login(t, email, pw)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)
		var o domain.Order
		// A customer's "email" in the body is ignored: mail goes to the account.
		want(t, c.do("POST", "/api/v1/orders", c.shown(guestCheckout("someone-else@example.com")), "Idempotency-Key", "c1"), 201).Into(t, &o)
		if o.Email != email || o.AccessToken != "" {
			t.Fatalf("customer order e-mail %q (want %q), token %q", o.Email, email, o.AccessToken)
		}
	})
}

// movableClock is an injectable Deps.Now.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestOrderLinkExpires(t *testing.T) {
	clock := &movableClock{}
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		clock.t = time.Now()
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		o, _ := e.guestOrder(t, p.ID, "late@example.com")
		want(t, e.client(t).do("GET", "/api/v1/order-links/"+o.AccessToken, nil), 200)

		clock.Add(domain.OrderLinkTTL - time.Minute)
		want(t, e.client(t).do("GET", "/api/v1/order-links/"+o.AccessToken, nil), 200)
		clock.Add(2 * time.Minute)
		wantErr(t, e.client(t).do("GET", "/api/v1/order-links/"+o.AccessToken, nil), 403, "forbidden")

		// An expired token adopts nothing and creates no account.
		reg := map[string]any{"email": "late@example.com", "password": "guest-password", "name": "Late", "order_token": o.AccessToken}
		fe := wantErr(t, e.client(t).do("POST", "/api/v1/auth/register", reg), 422, "invalid")
		if fe.Error.Fields["order_token"] != "has expired" {
			t.Fatalf("fields: %v", fe.Error.Fields)
		}
		wantErr(t, e.client(t).do("POST", "/api/v1/auth/login", map[string]any{"email": "late@example.com", "password": "guest-password"}), 401, "unauthorized")
	}, func(d *Deps) { d.Now = clock.Now })
}

func TestRegisterAdoptsGuestOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		// Two guest orders with the same e-mail: only the one whose token
		// is presented is adopted.
		first, g := e.guestOrder(t, p.ID, "eve@example.com")
		second, _ := e.guestOrder(t, p.ID, "eve@example.com")

		// A tampered token: 422, nothing created.
		parts := strings.Split(first.AccessToken, ".")
		forged := fmt.Sprintf("%d.%s.%s", second.ID, parts[1], parts[2])
		reg := map[string]any{"email": "eve@example.com", "password": "guest-password", "name": "Eve", "order_token": forged}
		fe := wantErr(t, g.do("POST", "/api/v1/auth/register", reg), 422, "invalid")
		if fe.Error.Fields["order_token"] == "" {
			t.Fatalf("fields: %v", fe.Error.Fields)
		}

		reg["order_token"] = first.AccessToken
		want(t, g.do("POST", "/api/v1/auth/register", reg), 201)
		var mine domain.Page[domain.Order]
		want(t, g.do("GET", "/api/v1/orders", nil), 200).Into(t, &mine)
		if mine.Total != 1 || mine.Items[0].ID != first.ID || mine.Items[0].Email != "eve@example.com" {
			t.Fatalf("adopted orders: %+v", mine.Items)
		}
		want(t, g.do("GET", fmt.Sprintf("/api/v1/orders/%d", first.ID), nil), 200)
		wantErr(t, g.do("GET", fmt.Sprintf("/api/v1/orders/%d", second.ID), nil), 404, "not_found")

		// The link keeps working after adoption; the token cannot be used
		// for a second account.
		want(t, e.client(t).do("GET", "/api/v1/order-links/"+first.AccessToken, nil), 200)
		again := map[string]any{"email": "mallory@example.com", "password": "guest-password", "name": "M", "order_token": first.AccessToken}
		wantErr(t, e.client(t).do("POST", "/api/v1/auth/register", again), 409, "conflict")
		wantErr(t, e.client(t).do("POST", "/api/v1/auth/login", map[string]any{"email": "mallory@example.com", "password": "guest-password"}), 401, "unauthorized")
	})
}
