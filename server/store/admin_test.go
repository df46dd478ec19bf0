package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

func TestAdminProducts(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.svc.Admin
		e.category(t, "tools", "Tools")
		e.category(t, "toys", "Toys")

		p, err := admin.CreateProduct(ctx, domain.ProductCreate{SKU: "NEW-1", Name: "Spirit Level", Description: "Straight.",
			Price: 2599, CategorySlug: "tools", Stock: 4, Attributes: map[string]string{"length": "60 cm"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Slug != "spirit-level" || !p.Active || p.Featured || p.Images[0] != "/api/v1/images/NEW-1.svg" ||
			p.Attributes["length"] != "60 cm" || p.Category.Slug != "tools" {
			t.Fatalf("created %+v", p)
		}
		_, err = admin.CreateProduct(ctx, domain.ProductCreate{SKU: "NEW-1", Name: "Other", Price: 1, CategorySlug: "tools"})
		wantCode(t, err, domain.ECONFLICT)
		if f := domain.ErrorFields(err); f["sku"] == "" {
			t.Errorf("duplicate sku fields = %v (%v)", f, err)
		}
		_, err = admin.CreateProduct(ctx, domain.ProductCreate{SKU: "NEW-2", Name: "Spirit Level", Price: 1, CategorySlug: "tools"})
		wantCode(t, err, domain.ECONFLICT)
		if f := domain.ErrorFields(err); f["slug"] == "" {
			t.Errorf("duplicate slug fields = %v (%v)", f, err)
		}
		_, err = admin.CreateProduct(ctx, domain.ProductCreate{SKU: "NEW-3", Name: "X", Price: 1, CategorySlug: "nope"})
		wantCode(t, err, domain.EINVALID)
		_, err = admin.CreateProduct(ctx, domain.ProductCreate{SKU: "bad sku", Name: "", Price: -1, CategorySlug: "tools"})
		wantCode(t, err, domain.EINVALID)

		up, err := admin.UpdateProduct(ctx, p.ID, domain.ProductUpdate{Price: ptr[int64](1999), CategorySlug: ptr("toys"),
			Featured: ptr(true), Attributes: &map[string]string{}})
		if err != nil || up.Price.Amount != 1999 || up.Category.Slug != "toys" || !up.Featured || len(up.Attributes) != 0 ||
			up.Name != "Spirit Level" || up.Stock != 4 {
			t.Fatalf("update: %+v %v", up, err)
		}
		_, err = admin.UpdateProduct(ctx, 999999, domain.ProductUpdate{Price: ptr[int64](1)})
		wantCode(t, err, domain.ENOTFOUND)
		other, _ := admin.CreateProduct(ctx, domain.ProductCreate{SKU: "NEW-4", Name: "Plumb Bob", Price: 1, CategorySlug: "tools"})
		_, err = admin.UpdateProduct(ctx, other.ID, domain.ProductUpdate{SKU: ptr("NEW-1")})
		wantCode(t, err, domain.ECONFLICT)

		st, err := admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Delta: ptr(-3)})
		if err != nil || st.Stock != 1 {
			t.Fatalf("delta: %+v %v", st, err)
		}
		_, err = admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Delta: ptr(-2)})
		wantCode(t, err, domain.ECONFLICT)
		if e.stock(t, p.ID) != 1 {
			t.Fatal("a refused adjustment changed stock")
		}
		if st, err := admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: ptr(12)}); err != nil || st.Stock != 12 {
			t.Fatalf("absolute: %+v %v", st, err)
		}
		_, err = admin.AdjustStock(ctx, p.ID, domain.StockAdjust{})
		wantCode(t, err, domain.EINVALID)
		// Bounded both ways: no int32 overflow reaches the database.
		_, err = admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Delta: ptr(1 << 62)})
		wantCode(t, err, domain.EINVALID)
		must[*domain.Product](t)(admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: ptr(domain.MaxStock)}))
		_, err = admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Delta: ptr(domain.MaxStock)})
		wantCode(t, err, domain.ECONFLICT)
		must[*domain.Product](t)(admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: ptr(12)}))
		_, err = admin.AdjustStock(ctx, 999999, domain.StockAdjust{Delta: ptr(1)})
		wantCode(t, err, domain.ENOTFOUND)
		_, err = admin.UpdateProduct(ctx, p.ID, domain.ProductUpdate{Stock: ptr(-1)})
		wantCode(t, err, domain.EINVALID)
		// Behind the validation, the schema's CHECK (stock >= 0) holds for any writer.
		if _, err := e.db.NewRaw("UPDATE products SET stock = -1 WHERE id = ?", p.ID).Exec(ctx); err == nil {
			t.Fatal("the database accepted a negative stock")
		}

		d, err := admin.DeactivateProduct(ctx, p.ID)
		if err != nil || d.Active {
			t.Fatalf("deactivate: %+v %v", d, err)
		}
		_, err = e.svc.Catalog.ProductBySlug(ctx, "spirit-level")
		wantCode(t, err, domain.ENOTFOUND)
		list, err := admin.ListProducts(ctx, domain.ProductFilter{Query: ptr("spirit")})
		if err != nil || list.Total != 1 || list.Items[0].Active {
			t.Fatalf("admin list with inactive: %+v %v", list, err)
		}
	})
}

func TestAdminCustomers(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		ada, _ := e.user(t, "ada@example.com")
		e.user(t, "bob@example.com")
		if _, err := e.svc.Accounts.EnsureAdmin(ctx, "root@example.com", "admin password"); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"k1", "k2"} {
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: ada.ID}, a.ID, 1))
			if _, _, err := e.svc.Orders.PlaceOrder(ctx, ada.ID, e.shown(t, ada.ID, checkout(k, payment.CardSuccess))); err != nil {
				t.Fatal(err)
			}
		}
		page, err := e.svc.Admin.ListCustomers(ctx, domain.CustomerFilter{Page: ptr(1), PerPage: ptr(10)})
		if err != nil || page.Total != 2 || len(page.Items) != 2 {
			t.Fatalf("customers: %+v %v", page, err)
		}
		if c := page.Items[0]; c.Email != "ada@example.com" || c.OrderCount != 2 || c.Role != domain.RoleCustomer {
			t.Fatalf("first customer %+v", c)
		}
		if c := page.Items[1]; c.Email != "bob@example.com" || c.OrderCount != 0 {
			t.Fatalf("second customer %+v", c)
		}
		// Search by e-mail or name, case-insensitive; LIKE wildcards are literal.
		for q, want := range map[string]int{"BOB@": 1, "example.com": 2, "%": 0, "nobody": 0} {
			page, err := e.svc.Admin.ListCustomers(ctx, domain.CustomerFilter{Query: ptr(q)})
			if err != nil || page.Total != want || len(page.Items) != want {
				t.Fatalf("customers matching %q: %+v %v; want %d", q, page, err, want)
			}
		}
		_, err = e.svc.Admin.ListCustomers(ctx, domain.CustomerFilter{Query: ptr(strings.Repeat("x", 101))})
		wantCode(t, err, domain.EINVALID)
	})
}
