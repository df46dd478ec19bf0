package store_test

import (
	"context"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

func TestGuestCart(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		carts := e.svc.Carts
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		b := e.product(t, "B-1", "Banana", "c", 99, 3)
		off := e.product(t, "O-1", "Off", "c", 99, 3, func(p *domain.ProductCreate) { p.Active = ptr(false) })
		guest := domain.CartKey{Token: "guest-token-1"}

		empty, err := carts.Cart(ctx, guest)
		if err != nil || len(empty.Items) != 0 || empty.Subtotal != domain.NewMoney(0, "USD") {
			t.Fatalf("unknown cart: %+v %v", empty, err)
		}
		if _, err := carts.AddItem(ctx, guest, a.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := carts.AddItem(ctx, guest, a.ID, 1); err != nil {
			t.Fatal(err)
		}
		c, err := carts.AddItem(ctx, guest, b.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Items) != 2 || c.Items[0].ProductID != a.ID || c.Items[0].Quantity != 3 || c.Items[0].LineTotal.Amount != 450 ||
			c.ItemCount != 6 || c.Subtotal.Amount != 450+297 || !c.Items[1].Available || c.Items[0].Image != "/api/v1/images/A-1.svg" {
			t.Fatalf("cart = %+v", c)
		}
		_, err = carts.AddItem(ctx, guest, b.ID, 1)
		wantCode(t, err, domain.EINSUFFICIENTSTOCK)
		_, err = carts.AddItem(ctx, guest, 424242, 1)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = carts.AddItem(ctx, guest, off.ID, 1)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = carts.AddItem(ctx, guest, a.ID, 0)
		wantCode(t, err, domain.EINVALID)

		c, err = carts.SetQuantity(ctx, guest, a.ID, 1)
		if err != nil || c.Items[0].Quantity != 1 {
			t.Fatalf("set quantity: %+v %v", c, err)
		}
		_, err = carts.SetQuantity(ctx, guest, a.ID, 11)
		wantCode(t, err, domain.EINSUFFICIENTSTOCK)
		_, err = carts.SetQuantity(ctx, guest, off.ID, 1)
		wantCode(t, err, domain.ENOTFOUND)
		c, err = carts.RemoveItem(ctx, guest, b.ID)
		if err != nil || len(c.Items) != 1 {
			t.Fatalf("remove: %+v %v", c, err)
		}
		if _, err := carts.RemoveItem(ctx, guest, b.ID); err != nil {
			t.Fatalf("removing an absent line: %v", err)
		}

		// A line whose product sold out meanwhile shows as unavailable.
		if _, err := e.svc.Admin.AdjustStock(ctx, a.ID, domain.StockAdjust{Stock: ptr(0)}); err != nil {
			t.Fatal(err)
		}
		c, _ = carts.Cart(ctx, guest)
		if c.Items[0].Available || c.Items[0].Stock != 0 {
			t.Fatalf("sold-out line: %+v", c.Items[0])
		}
		// Another guest's cart is separate.
		other, _ := carts.Cart(ctx, domain.CartKey{Token: "guest-token-2"})
		if len(other.Items) != 0 {
			t.Fatalf("carts leak between tokens: %+v", other)
		}
	})
}

func TestMergeGuestCart(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		carts := e.svc.Carts
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		b := e.product(t, "B-1", "Banana", "c", 99, 4)
		cc := e.product(t, "C-1", "Cherry", "c", 300, 5)
		u, _ := e.user(t, "merge@example.com")
		mine := domain.CartKey{UserID: u.ID}
		guest := domain.CartKey{Token: "guest"}

		must[*domain.Cart](t)(carts.AddItem(ctx, mine, b.ID, 2))
		must[*domain.Cart](t)(carts.AddItem(ctx, mine, cc.ID, 1))
		must[*domain.Cart](t)(carts.AddItem(ctx, guest, a.ID, 2))
		must[*domain.Cart](t)(carts.AddItem(ctx, guest, b.ID, 3))

		merged, err := carts.MergeGuestCart(ctx, "guest", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		q := map[int64]int{}
		for _, it := range merged.Items {
			q[it.ProductID] = it.Quantity
		}
		// Quantities add, capped at stock (banana: 2 + 3 capped at 4).
		if len(q) != 3 || q[a.ID] != 2 || q[b.ID] != 4 || q[cc.ID] != 1 {
			t.Fatalf("merged quantities %v", q)
		}
		if g, _ := carts.Cart(ctx, guest); len(g.Items) != 0 {
			t.Fatalf("the guest cart survived the merge: %+v", g)
		}
		// Merging again (cookie replayed) or with no guest cart is a no-op.
		again, err := carts.MergeGuestCart(ctx, "guest", u.ID)
		if err != nil || again.ItemCount != merged.ItemCount {
			t.Fatalf("second merge: %+v %v", again, err)
		}
		if _, err := carts.MergeGuestCart(ctx, "", u.ID); err != nil {
			t.Fatal(err)
		}
		// A fresh user with no cart gets the guest's.
		v, _ := e.user(t, "fresh@example.com")
		must[*domain.Cart](t)(carts.AddItem(ctx, domain.CartKey{Token: "g2"}, a.ID, 1))
		fresh, err := carts.MergeGuestCart(ctx, "g2", v.ID)
		if err != nil || fresh.ItemCount != 1 {
			t.Fatalf("merge into a new cart: %+v %v", fresh, err)
		}
	})
}
