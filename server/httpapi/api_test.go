package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// Every test in this file runs on SQLite and on PostgreSQL (see env_test.go).

const goodCard = "4242424242424242"

func checkoutBody(card string) map[string]any {
	return map[string]any{
		"shipping_address": map[string]any{
			"name": "Ada Lovelace", "line1": "1 Analytical St", "city": "London",
			"postal_code": "N1 9GU", "country": "gb", "phone": "+44 20 0000 0000",
		},
		"shipping_method": "standard",
		"payment":         map[string]any{"card_number": card, "exp_month": 12, "exp_year": time.Now().Year() + 2, "cvc": "123"},
	}
}

func TestProbes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		want(t, c.do("GET", "/healthz", nil), 200)
		r := want(t, c.do("GET", "/readyz", nil), 200)
		if m := r.JSON(t); m["database"] != "ok" || m["draining"] != false {
			t.Fatalf("readyz body %s", r.Body)
		}
		if r.JSON(t)["status"] != "ok" {
			t.Fatalf("readyz body %s", r.Body)
		}
		e.srv.Drain()
		r = c.do("GET", "/readyz", nil)
		if r.Status != 503 {
			t.Fatalf("readyz while draining: %d", r.Status)
		}
		if m := r.JSON(t); m["status"] != "draining" || m["draining"] != true {
			t.Fatalf("draining readyz body %s", r.Body)
		}
		// Liveness is unaffected by the drain.
		want(t, c.do("GET", "/healthz", nil), 200)
	})
}

func TestCatalog(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		var cats itemsBody[domain.Category]
		want(t, c.do("GET", "/api/v1/categories", nil), 200).Into(t, &cats)
		if len(cats.Items) == 0 {
			t.Fatal("no categories")
		}
		cat := cats.Items[0]
		for _, k := range cats.Items {
			if k.ProductCount > cat.ProductCount {
				cat = k
			}
		}

		var all domain.Page[domain.Product]
		want(t, c.do("GET", "/api/v1/products?per_page=100", nil), 200).Into(t, &all)
		if all.Total == 0 || all.Page != 1 || all.PerPage != 100 {
			t.Fatalf("bad first page: total %d page %d per_page %d", all.Total, all.Page, all.PerPage)
		}
		for _, p := range all.Items {
			if !p.Active {
				t.Fatalf("inactive product %s listed", p.Slug)
			}
		}
		// byName is the whole catalog sorted by name (checked in "sorts"; "pagination" tiles it).
		var byName domain.Page[domain.Product]
		want(t, c.do("GET", "/api/v1/products?per_page=100&sort=name", nil), 200).Into(t, &byName)

		t.Run("default page size is 24", func(t *testing.T) {
			var def domain.Page[domain.Product]
			want(t, c.do("GET", "/api/v1/products", nil), 200).Into(t, &def)
			if def.PerPage != 24 || def.Total != all.Total {
				t.Fatalf("default page: per_page %d total %d", def.PerPage, def.Total)
			}
		})

		t.Run("category filter", func(t *testing.T) {
			var inCat domain.Page[domain.Product]
			want(t, c.do("GET", "/api/v1/products?per_page=100&category="+cat.Slug, nil), 200).Into(t, &inCat)
			if inCat.Total != cat.ProductCount || inCat.Total == 0 {
				t.Fatalf("category %s: total %d, product_count %d", cat.Slug, inCat.Total, cat.ProductCount)
			}
			for _, p := range inCat.Items {
				if p.Category.Slug != cat.Slug {
					t.Fatalf("product %s of category %s in filter %s", p.Slug, p.Category.Slug, cat.Slug)
				}
			}
		})

		t.Run("sorts and price range", func(t *testing.T) {
			var asc, desc domain.Page[domain.Product]
			want(t, c.do("GET", "/api/v1/products?per_page=100&sort=price_asc", nil), 200).Into(t, &asc)
			want(t, c.do("GET", "/api/v1/products?per_page=100&sort=price_desc", nil), 200).Into(t, &desc)
			if !sort.SliceIsSorted(asc.Items, func(i, j int) bool { return asc.Items[i].Price.Amount < asc.Items[j].Price.Amount }) {
				t.Fatal("price_asc not sorted")
			}
			if !sort.SliceIsSorted(desc.Items, func(i, j int) bool { return desc.Items[i].Price.Amount > desc.Items[j].Price.Amount }) {
				t.Fatal("price_desc not sorted")
			}
			lo, hi := asc.Items[0].Price.Amount, asc.Items[len(asc.Items)-1].Price.Amount
			mid := (lo + hi) / 2
			var ranged domain.Page[domain.Product]
			want(t, c.do("GET", fmt.Sprintf("/api/v1/products?per_page=100&min_price=%d&max_price=%d", lo, mid), nil), 200).Into(t, &ranged)
			if ranged.Total == 0 || ranged.Total >= all.Total && lo != hi {
				t.Fatalf("price range [%d,%d]: %d of %d", lo, mid, ranged.Total, all.Total)
			}
			for _, p := range ranged.Items {
				if p.Price.Amount < lo || p.Price.Amount > mid {
					t.Fatalf("product %s price %d outside [%d,%d]", p.Slug, p.Price.Amount, lo, mid)
				}
			}
			if !sort.SliceIsSorted(byName.Items, func(i, j int) bool {
				return strings.ToLower(byName.Items[i].Name) < strings.ToLower(byName.Items[j].Name)
			}) {
				t.Fatal("sort=name not sorted")
			}
			want(t, c.do("GET", "/api/v1/products?sort=newest", nil), 200)
			want(t, c.do("GET", "/api/v1/products?sort=featured", nil), 200)
		})

		t.Run("pages of 2 tile the full list without overlap", func(t *testing.T) {
			if all.Total >= 4 {
				var p1, p2 domain.Page[domain.Product]
				want(t, c.do("GET", "/api/v1/products?sort=name&per_page=2&page=1", nil), 200).Into(t, &p1)
				want(t, c.do("GET", "/api/v1/products?sort=name&per_page=2&page=2", nil), 200).Into(t, &p2)
				if len(p1.Items) != 2 || len(p2.Items) != 2 || p2.Page != 2 || p1.Total != all.Total {
					t.Fatalf("pages: %d/%d items, page %d, total %d", len(p1.Items), len(p2.Items), p2.Page, p1.Total)
				}
				if p1.Items[0].ID == p2.Items[0].ID || p1.Items[1].ID == p2.Items[0].ID {
					t.Fatal("pages overlap")
				}
				if p2.Items[0].ID != byName.Items[2].ID {
					t.Fatalf("page 2 starts with %s, want %s", p2.Items[0].Slug, byName.Items[2].Slug)
				}
			}
			var beyond domain.Page[domain.Product]
			want(t, c.do("GET", "/api/v1/products?page=1000", nil), 200).Into(t, &beyond)
			if len(beyond.Items) != 0 || beyond.Items == nil {
				t.Fatalf("page beyond the end: %+v", beyond.Items)
			}
		})

		t.Run("bad query values are 422 with the field named", func(t *testing.T) {
			for q, field := range map[string]string{
				"sort=cheapest":             "sort",
				"per_page=0":                "per_page",
				"per_page=101":              "per_page",
				"page=0":                    "page",
				"page=abc":                  "page",
				"min_price=-1":              "min_price",
				"min_price=ten":             "min_price",
				"min_price=500&max_price=1": "max_price",
			} {
				e := wantErr(t, c.do("GET", "/api/v1/products?"+q, nil), 422, "invalid")
				if e.Error.Fields[field] == "" {
					t.Fatalf("%s: fields %v lack %s", q, e.Error.Fields, field)
				}
			}
		})

		p := all.Items[0]
		t.Run("product by slug", func(t *testing.T) {
			var got domain.Product
			want(t, c.do("GET", "/api/v1/products/"+p.Slug, nil), 200).Into(t, &got)
			if got.ID != p.ID || got.SKU != p.SKU || len(got.Images) == 0 || got.Price.Currency != "USD" {
				t.Fatalf("product by slug: %+v", got)
			}
			wantErr(t, c.do("GET", "/api/v1/products/no-such-product", nil), 404, "not_found")
			wantErr(t, c.do("GET", "/api/v1/products/Not%20A%20Slug", nil), 404, "not_found")
		})

		t.Run("search finds a product by a word of its name", func(t *testing.T) {
			word := strings.Fields(p.Name)[0]
			var found domain.Page[domain.Product]
			want(t, c.do("GET", "/api/v1/search?q="+word, nil), 200).Into(t, &found)
			hit := false
			for _, f := range found.Items {
				hit = hit || f.ID == p.ID
			}
			if !hit {
				t.Fatalf("search %q did not find %s (%d results)", word, p.Slug, found.Total)
			}
			var none domain.Page[domain.Product]
			want(t, c.do("GET", "/api/v1/search?q=zzzqqqxxyy", nil), 200).Into(t, &none)
			if none.Total != 0 || none.Items == nil {
				t.Fatalf("nonsense search found %d", none.Total)
			}
		})

		t.Run("search refuses an empty query or a page too large", func(t *testing.T) {
			wantErr(t, c.do("GET", "/api/v1/search?q=", nil), 422, "invalid")
			wantErr(t, c.do("GET", "/api/v1/search", nil), 422, "invalid")
			wantErr(t, c.do("GET", "/api/v1/search?q=%20%20", nil), 422, "invalid")
			wantErr(t, c.do("GET", "/api/v1/search?q=x&per_page=500", nil), 422, "invalid")
		})

		t.Run("full-text query syntax is not an error", func(t *testing.T) {
			for _, q := range []string{`"unbalanced`, `a AND OR`, `*`, `-(`, `'; DROP TABLE products; --`, `NEAR(a b)`} {
				want(t, c.do("GET", "/api/v1/search?q="+urlQuery(q), nil), 200)
			}
		})
	})
}

func TestImages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		p := e.anyProduct(t)
		r := want(t, c.do("GET", "/api/v1/images/"+p.SKU+".svg", nil), 200)
		// The product's own image URL (domain.ProductImagePath) is the route.
		if len(p.Images) == 0 {
			t.Fatalf("product %s has no image", p.SKU)
		}
		for _, img := range p.Images {
			want(t, c.do("GET", img, nil), 200)
		}
		if ct := r.Header.Get("Content-Type"); ct != "image/svg+xml" {
			t.Fatalf("content type %q", ct)
		}
		if !strings.Contains(string(r.Body), "<svg") {
			t.Fatalf("not an SVG: %.100s", r.Body)
		}
		// The seed's picture: a drawing, no name or price baked in (issue 12).
		if strings.Contains(string(r.Body), "<text") || !strings.Contains(string(r.Body), `class="product"`) {
			t.Fatalf("not the seed's text-free picture: %.300s", r.Body)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
			t.Fatalf("cache-control %q", cc)
		}
		etag := r.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		r = c.do("GET", "/api/v1/images/"+p.SKU+".svg", nil, "If-None-Match", etag)
		if r.Status != http.StatusNotModified {
			t.Fatalf("conditional GET: %d", r.Status)
		}
		wantErr(t, c.do("GET", "/api/v1/images/NOPE-0000.svg", nil), 404, "not_found")
		wantErr(t, c.do("GET", "/api/v1/images/bad%20sku.svg", nil), 404, "not_found")
		wantErr(t, c.do("GET", "/api/v1/images/"+p.SKU+".png", nil), 404, "not_found")
	})
}

func TestAccounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		wantGuest(t, c)

		// The steps share the customer's session; the ones the rest need
		// end the scenario when they fail (t.Run's result).
		var ub userBody
		if !t.Run("register: a lower-cased e-mail, a session cookie, no password echoed", func(t *testing.T) {
			r := want(t, c.do("POST", "/api/v1/auth/register", map[string]any{"email": " Grace@Example.com ", "password": "correct horse", "name": "Grace"}), 201)
			r.Into(t, &ub)
			if ub.User == nil || ub.User.Email != "grace@example.com" || ub.User.Role != domain.RoleCustomer || ub.User.ID == 0 {
				t.Fatalf("registered user: %+v", ub.User)
			}
			sess := findCookie(r, CookieSession)
			if sess == nil || !sess.HttpOnly || !sess.Secure || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" {
				t.Fatalf("session cookie: %+v", sess)
			}
			if strings.Contains(string(r.Body), "password") {
				t.Fatal("password echoed")
			}
			want(t, c.do("GET", "/api/v1/auth/me", nil), 200).Into(t, &ub)
			if ub.User.Email != "grace@example.com" {
				t.Fatalf("me: %+v", ub.User)
			}
		}) {
			return
		}

		t.Run("register refuses a taken e-mail and names every invalid field", func(t *testing.T) {
			other := e.client(t)
			wantErr(t, other.do("POST", "/api/v1/auth/register", map[string]any{"email": "grace@example.com", "password": "another one", "name": "G2"}), 409, "conflict")
			fe := wantErr(t, other.do("POST", "/api/v1/auth/register", map[string]any{"email": "not-an-email", "password": "short", "name": ""}), 422, "invalid")
			for _, f := range []string{"email", "password", "name"} {
				if fe.Error.Fields[f] == "" {
					t.Fatalf("register validation lacks %s: %v", f, fe.Error.Fields)
				}
			}
		})

		t.Run("profile", func(t *testing.T) {
			want(t, c.do("PATCH", "/api/v1/account", map[string]any{"name": "Grace Hopper"}), 200).Into(t, &ub)
			if ub.User.Name != "Grace Hopper" {
				t.Fatalf("profile: %+v", ub.User)
			}
			wantErr(t, c.do("PATCH", "/api/v1/account", map[string]any{"name": "  "}), 422, "invalid")
			wantErr(t, c.do("PATCH", "/api/v1/account", map[string]any{"email": "x@y.z"}), 400, "invalid")
		})

		t.Run("logout clears the cookie and ends the session server-side", func(t *testing.T) {
			token := c.cookies[CookieSession].Value
			r := want(t, c.do("POST", "/api/v1/auth/logout", nil), 204)
			if ck := findCookie(r, CookieSession); ck == nil || !(ck.MaxAge < 0 || ck.Value == "") {
				t.Fatalf("logout cookie: %+v", ck)
			}
			wantGuest(t, c)
			replay := e.client(t)
			replay.cookies[CookieSession] = &http.Cookie{Name: CookieSession, Value: token}
			wantGuest(t, replay)
		})

		if !t.Run("login", func(t *testing.T) {
			wantErr(t, c.do("POST", "/api/v1/auth/login", map[string]any{"email": "grace@example.com", "password": "wrong password"}), 401, "unauthorized")
			wantErr(t, c.do("POST", "/api/v1/auth/login", map[string]any{"email": "nobody@example.com", "password": "wrong password"}), 401, "unauthorized")
			wantErr(t, c.do("POST", "/api/v1/auth/login", map[string]any{"email": "", "password": ""}), 422, "invalid")
			r := want(t, c.do("POST", "/api/v1/auth/login", map[string]any{"email": "GRACE@example.com", "password": "correct horse"}), 200)
			if findCookie(r, CookieSession) == nil {
				t.Fatal("login set no cookie")
			}
			want(t, c.do("GET", "/api/v1/auth/me", nil), 200)
		}) {
			return
		}

		t.Run("address book: add, edit, list, refuse invalid, only one's own, delete", func(t *testing.T) {
			addr := map[string]any{"name": "Grace", "line1": "1 Navy Way", "city": "Arlington", "region": "VA", "postal_code": "22202", "country": "us", "phone": ""}
			var a domain.Address
			want(t, c.do("POST", "/api/v1/account/addresses", addr), 201).Into(t, &a)
			if a.ID == 0 || a.Country != "US" {
				t.Fatalf("address: %+v", a)
			}
			addr["city"] = "Washington"
			want(t, c.do("PUT", fmt.Sprintf("/api/v1/account/addresses/%d", a.ID), addr), 200).Into(t, &a)
			if a.City != "Washington" {
				t.Fatalf("address update: %+v", a)
			}
			var list itemsBody[domain.Address]
			want(t, c.do("GET", "/api/v1/account/addresses", nil), 200).Into(t, &list)
			if len(list.Items) != 1 || list.Items[0].ID != a.ID {
				t.Fatalf("addresses: %+v", list.Items)
			}
			fe := wantErr(t, c.do("POST", "/api/v1/account/addresses", map[string]any{"name": "x", "country": "USA"}), 422, "invalid")
			if fe.Error.Fields["country"] == "" || fe.Error.Fields["line1"] == "" {
				t.Fatalf("address validation: %v", fe.Error.Fields)
			}
			// Someone else's address does not exist for them.
			stranger := e.customer(t)
			wantErr(t, stranger.do("PUT", fmt.Sprintf("/api/v1/account/addresses/%d", a.ID), addr), 404, "not_found")
			wantErr(t, stranger.do("DELETE", fmt.Sprintf("/api/v1/account/addresses/%d", a.ID), nil), 404, "not_found")
			wantErr(t, c.do("DELETE", "/api/v1/account/addresses/abc", nil), 404, "not_found")
			want(t, c.do("DELETE", fmt.Sprintf("/api/v1/account/addresses/%d", a.ID), nil), 204)
			want(t, c.do("GET", "/api/v1/account/addresses", nil), 200).Into(t, &list)
			if len(list.Items) != 0 {
				t.Fatalf("address not deleted: %+v", list.Items)
			}
		})

		t.Run("guests get 401 on account routes; a forged session cookie is a guest", func(t *testing.T) {
			g := e.client(t)
			wantErr(t, g.do("GET", "/api/v1/account/addresses", nil), 401, "unauthorized")
			wantErr(t, g.do("PATCH", "/api/v1/account", map[string]any{"name": "x"}), 401, "unauthorized")
			g.cookies[CookieSession] = &http.Cookie{Name: CookieSession, Value: "forged"}
			wantGuest(t, g)
		})
	})
}

func TestCart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 5)
		g := e.client(t)

		var cart domain.Cart
		want(t, g.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if len(cart.Items) != 0 || cart.ItemCount != 0 || cart.Subtotal.Amount != 0 || cart.Items == nil {
			t.Fatalf("empty cart: %+v", cart)
		}

		r := want(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)
		ck := findCookie(r, CookieCart)
		if ck == nil || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode {
			t.Fatalf("cart cookie: %+v", ck)
		}
		r.Into(t, &cart)
		want(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200).Into(t, &cart)
		if len(cart.Items) != 1 || cart.Items[0].Quantity != 3 || cart.ItemCount != 3 {
			t.Fatalf("add adds to the line: %+v", cart)
		}
		it := cart.Items[0]
		if it.LineTotal.Amount != 3*p.Price.Amount || cart.Subtotal.Amount != 3*p.Price.Amount || it.UnitPrice != p.Price || !it.Available || it.Stock != 5 || it.SKU != p.SKU {
			t.Fatalf("totals: %+v", cart)
		}

		// Beyond stock: 409, cart unchanged.
		wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 3}), 409, "insufficient_stock")
		wantErr(t, g.do("PATCH", fmt.Sprintf("/api/v1/cart/items/%d", p.ID), map[string]any{"quantity": 6}), 409, "insufficient_stock")
		want(t, g.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if cart.ItemCount != 3 {
			t.Fatalf("cart changed by a refused write: %+v", cart)
		}

		want(t, g.do("PATCH", fmt.Sprintf("/api/v1/cart/items/%d", p.ID), map[string]any{"quantity": 1}), 200).Into(t, &cart)
		if cart.ItemCount != 1 || cart.Subtotal.Amount != p.Price.Amount {
			t.Fatalf("set quantity: %+v", cart)
		}

		// Bad input.
		wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": -1}), 422, "invalid")
		wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 0}), 422, "invalid")
		wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID}), 422, "invalid")
		wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": 99999999, "quantity": 1}), 404, "not_found")
		wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": "1", "quantity": 1}), 400, "invalid")
		wantErr(t, g.do("PATCH", fmt.Sprintf("/api/v1/cart/items/%d", p.ID), map[string]any{"quantity": -5}), 422, "invalid")
		wantErr(t, g.do("PATCH", "/api/v1/cart/items/99999999", map[string]any{"quantity": 1}), 404, "not_found")

		want(t, g.do("DELETE", fmt.Sprintf("/api/v1/cart/items/%d", p.ID), nil), 200).Into(t, &cart)
		if len(cart.Items) != 0 || cart.Subtotal.Amount != 0 {
			t.Fatalf("remove: %+v", cart)
		}
		// A customer's cart is theirs alone.
		c := e.customer(t)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)
		var mine domain.Cart
		want(t, c.do("GET", "/api/v1/cart", nil), 200).Into(t, &mine)
		want(t, e.client(t).do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if mine.ItemCount != 2 || cart.ItemCount != 0 {
			t.Fatalf("carts leak: customer %d, fresh guest %d", mine.ItemCount, cart.ItemCount)
		}
	})
}

func TestGuestCartMergesOnLogin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 4)
		email, password := e.registerUser(t)
		// The customer already has 1 in their cart.
		c := e.login(t, email, password)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 200)

		g := e.client(t)
		want(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)
		r := want(t, g.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password}), 200)
		if ck := findCookie(r, CookieCart); ck == nil || !(ck.MaxAge < 0 || ck.Value == "") {
			t.Fatalf("guest cart cookie not cleared: %+v", ck)
		}
		if _, still := g.cookies[CookieCart]; still {
			t.Fatal("client still holds shop_cart")
		}
		var cart domain.Cart
		want(t, g.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if cart.ItemCount != 3 {
			t.Fatalf("merged cart has %d items, want 3", cart.ItemCount)
		}
		// Merging caps at stock.
		g2 := e.client(t)
		want(t, g2.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 4}), 200)
		want(t, g2.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password}), 200)
		want(t, g2.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
		if cart.ItemCount != 4 {
			t.Fatalf("merge beyond stock: %d items, want 4 (stock)", cart.ItemCount)
		}
	})
}

func TestCheckoutAndOrders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		c := e.customer(t)

		var methods itemsBody[domain.ShippingMethod]
		want(t, c.do("GET", "/api/v1/shipping-methods", nil), 200).Into(t, &methods)
		if len(methods.Items) < 2 || methods.Items[0].Code != "standard" {
			t.Fatalf("shipping methods: %+v", methods.Items)
		}

		// The steps below share the customer's cart, the stock and the
		// order; a step that fails stops the scenario (t.Run's result).
		t.Run("a guest must give an e-mail and cannot list orders", func(t *testing.T) {
			// guest_test.go covers guest checkout.
			guest := e.client(t)
			if fe := wantErr(t, guest.do("POST", "/api/v1/orders", guest.shown(checkoutBody(goodCard)), "Idempotency-Key", "k-guest"), 422, "invalid"); fe.Error.Fields["email"] == "" {
				t.Fatalf("a guest without an e-mail: fields %v", fe.Error.Fields)
			}
			wantErr(t, e.client(t).do("GET", "/api/v1/orders", nil), 401, "unauthorized")
		})

		t.Run("an empty cart is 422", func(t *testing.T) {
			wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody(goodCard)), "Idempotency-Key", "k-empty"), 422, "invalid")
		})

		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)

		t.Run("missing or malformed input", func(t *testing.T) {
			wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody(goodCard))), 400, "invalid")
			fe := wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody("4242424242424241")), "Idempotency-Key", "k-luhn"), 422, "invalid")
			if fe.Error.Fields["payment.card_number"] == "" {
				t.Fatalf("luhn failure fields: %v", fe.Error.Fields)
			}
			bad := c.shown(checkoutBody(goodCard))
			bad["shipping_method"] = "teleport"
			wantErr(t, c.do("POST", "/api/v1/orders", bad, "Idempotency-Key", "k-method"), 422, "invalid")
		})

		var orders domain.Page[domain.Order]
		if !t.Run("declined and provider failure: no order, stock unchanged, cart kept", func(t *testing.T) {
			wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody("4000000000000002")), "Idempotency-Key", "k-declined"), 402, "payment_declined")
			wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody("4000000000009995")), "Idempotency-Key", "k-funds"), 402, "payment_declined")
			wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody("4000000000000119")), "Idempotency-Key", "k-failed"), 502, "payment_failed")
			if got := e.stock(t, p.ID); got != 10 {
				t.Fatalf("stock after failed checkouts: %d, want 10", got)
			}
			want(t, c.do("GET", "/api/v1/orders", nil), 200).Into(t, &orders)
			if orders.Total != 0 {
				t.Fatalf("failed checkouts left %d orders", orders.Total)
			}
		}) {
			return
		}

		var o domain.Order
		okBody := c.shown(checkoutBody(goodCard))
		if !t.Run("success: a paid order, stock taken, cart emptied", func(t *testing.T) {
			want(t, c.do("POST", "/api/v1/orders", okBody, "Idempotency-Key", "k-ok"), 201).Into(t, &o)
			if o.ID == 0 || o.Status != domain.OrderPaid || len(o.Items) != 1 || o.Items[0].Quantity != 2 {
				t.Fatalf("order: %+v", o)
			}
			ship := methods.Items[0].Price.Amount
			if o.Subtotal.Amount != 2*p.Price.Amount || o.Shipping.Amount != ship || o.Total.Amount != o.Subtotal.Amount+ship {
				t.Fatalf("order totals: %+v", o)
			}
			if o.Payment.Last4 != "4242" || o.ShippingAddress.Country != "GB" || strings.Contains(string(mustJSON(t, o)), goodCard) {
				t.Fatalf("order payment/address: %+v", o)
			}
			if got := e.stock(t, p.ID); got != 8 {
				t.Fatalf("stock after order: %d, want 8", got)
			}
			var cart domain.Cart
			want(t, c.do("GET", "/api/v1/cart", nil), 200).Into(t, &cart)
			if cart.ItemCount != 0 {
				t.Fatalf("cart not emptied: %+v", cart)
			}
		}) {
			return
		}

		if !t.Run("an idempotent retry is the same order; the same key with another body is 422", func(t *testing.T) {
			var again domain.Order
			want(t, c.do("POST", "/api/v1/orders", okBody, "Idempotency-Key", "k-ok"), 200).Into(t, &again)
			if again.ID != o.ID {
				t.Fatalf("retry gave order %d, want %d", again.ID, o.ID)
			}
			if got := e.stock(t, p.ID); got != 8 {
				t.Fatalf("stock after retry: %d, want 8", got)
			}
			other := checkoutBody(goodCard)
			other["expected_total"] = okBody["expected_total"]
			other["shipping_method"] = "express"
			wantErr(t, c.do("POST", "/api/v1/orders", other, "Idempotency-Key", "k-ok"), 422, "invalid")
		}) {
			return
		}

		if !t.Run("insufficient stock at checkout: no order, no stock change", func(t *testing.T) {
			want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 3}), 200)
			e.setStock(t, p.ID, 2)
			wantErr(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody(goodCard)), "Idempotency-Key", "k-stock"), 409, "insufficient_stock")
			if got := e.stock(t, p.ID); got != 2 {
				t.Fatalf("stock after refused checkout: %d, want 2", got)
			}
		}) {
			return
		}

		t.Run("order list and detail, only the customer's", func(t *testing.T) {
			want(t, c.do("GET", "/api/v1/orders", nil), 200).Into(t, &orders)
			if orders.Total != 1 || orders.Items[0].ID != o.ID {
				t.Fatalf("orders: %+v", orders)
			}
			var one domain.Order
			want(t, c.do("GET", fmt.Sprintf("/api/v1/orders/%d", o.ID), nil), 200).Into(t, &one)
			if one.ID != o.ID || one.Total != o.Total {
				t.Fatalf("order detail: %+v", one)
			}
			stranger := e.customer(t)
			wantErr(t, stranger.do("GET", fmt.Sprintf("/api/v1/orders/%d", o.ID), nil), 404, "not_found")
			wantErr(t, stranger.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil), 404, "not_found")
			wantErr(t, c.do("GET", "/api/v1/orders/99999999", nil), 404, "not_found")
			wantErr(t, c.do("GET", "/api/v1/orders/-1", nil), 404, "not_found")
		})

		t.Run("cancel restores stock; a second cancel is a conflict", func(t *testing.T) {
			var one domain.Order
			want(t, c.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil), 200).Into(t, &one)
			if one.Status != domain.OrderCancelled {
				t.Fatalf("cancelled order: %+v", one)
			}
			if got := e.stock(t, p.ID); got != 4 {
				t.Fatalf("stock after cancel: %d, want 4", got)
			}
			wantErr(t, c.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil), 409, "conflict")
		})
	})
}

func TestAdmin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		a := e.admin(t)
		cust := e.customer(t)
		g := e.client(t)

		t.Run("every admin route is 401 for guests and 403 for customers", func(t *testing.T) {
			for _, r := range e.srv.routes {
				if r.access != adminOnly {
					continue
				}
				path := strings.NewReplacer(":id", "1").Replace(r.path)
				var body any
				if r.method != "GET" && r.method != "DELETE" {
					body = map[string]any{}
				}
				wantErr(t, g.do(r.method, path, body), 401, "unauthorized")
				wantErr(t, cust.do(r.method, path, body), 403, "forbidden")
			}
		})

		cats := e.categories(t)
		create := map[string]any{
			"sku": "TEST-0001", "name": "Test Lamp", "description": "A lamp for tests.",
			"price": 2599, "category_slug": cats[0].Slug, "stock": 7,
			"attributes": map[string]string{"color": "teal"},
		}
		var p domain.Product
		want(t, a.do("POST", "/api/v1/admin/products", create), 201).Into(t, &p)
		if p.ID == 0 || p.Slug != "test-lamp" || p.Price.Amount != 2599 || p.Stock != 7 || !p.Active || p.Attributes["color"] != "teal" || len(p.Images) == 0 {
			t.Fatalf("created: %+v", p)
		}

		t.Run("create refuses a taken SKU or slug and invalid fields", func(t *testing.T) {
			wantErr(t, a.do("POST", "/api/v1/admin/products", create), 409, "conflict")
			create["sku"], create["slug"] = "TEST-0002", "test-lamp"
			wantErr(t, a.do("POST", "/api/v1/admin/products", create), 409, "conflict")
			fe := wantErr(t, a.do("POST", "/api/v1/admin/products", map[string]any{"sku": "bad sku", "name": "", "price": -1, "stock": -1, "category_slug": ""}), 422, "invalid")
			for _, f := range []string{"sku", "name", "price", "stock", "category_slug"} {
				if fe.Error.Fields[f] == "" {
					t.Fatalf("create validation lacks %s: %v", f, fe.Error.Fields)
				}
			}
			fe = wantErr(t, a.do("POST", "/api/v1/admin/products", map[string]any{"sku": "TEST-0003", "name": "X", "price": 1, "stock": 1, "category_slug": "no-such-category"}), 422, "invalid")
			if fe.Error.Fields["category_slug"] == "" {
				t.Fatalf("unknown category: %v", fe.Error.Fields)
			}
		})

		t.Run("edit", func(t *testing.T) {
			want(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), map[string]any{"price": 1999, "featured": true}), 200).Into(t, &p)
			if p.Price.Amount != 1999 || !p.Featured || p.Name != "Test Lamp" {
				t.Fatalf("patched: %+v", p)
			}
			wantErr(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), map[string]any{"price": "cheap"}), 400, "invalid")
			wantErr(t, a.do("PATCH", "/api/v1/admin/products/99999999", map[string]any{"price": 1}), 404, "not_found")
			var pub domain.Product
			want(t, g.do("GET", "/api/v1/products/test-lamp", nil), 200).Into(t, &pub)
			if pub.Price.Amount != 1999 {
				t.Fatalf("public view after edit: %+v", pub)
			}
		})

		t.Run("stock: a delta, a level, and refused adjustments that change nothing", func(t *testing.T) {
			want(t, a.do("POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", p.ID), map[string]any{"delta": -3}), 200).Into(t, &p)
			if p.Stock != 4 {
				t.Fatalf("stock after delta: %d", p.Stock)
			}
			want(t, a.do("POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", p.ID), map[string]any{"stock": 10}), 200).Into(t, &p)
			if p.Stock != 10 {
				t.Fatalf("stock after set: %d", p.Stock)
			}
			wantErr(t, a.do("POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", p.ID), map[string]any{"delta": -11}), 409, "conflict")
			wantErr(t, a.do("POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", p.ID), map[string]any{"delta": 1, "stock": 1}), 422, "invalid")
			wantErr(t, a.do("POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", p.ID), map[string]any{}), 422, "invalid")
			if got := e.stock(t, p.ID); got != 10 {
				t.Fatalf("stock after refused adjustments: %d", got)
			}
		})

		t.Run("deactivate hides from the shop; the admin list still has it", func(t *testing.T) {
			want(t, a.do("DELETE", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), nil), 200).Into(t, &p)
			if p.Active {
				t.Fatal("deactivated product still active")
			}
			wantErr(t, g.do("GET", "/api/v1/products/test-lamp", nil), 404, "not_found")
			var list domain.Page[domain.Product]
			want(t, a.do("GET", "/api/v1/admin/products?q=test-0001&per_page=100", nil), 200).Into(t, &list)
			if list.Total != 1 || list.Items[0].ID != p.ID || list.Items[0].Active {
				t.Fatalf("admin list: %+v", list)
			}
			wantErr(t, g.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1}), 404, "not_found")
		})

		// Orders: a customer orders, the admin moves it along.
		prod := e.anyProduct(t)
		e.setStock(t, prod.ID, 5)
		want(t, cust.do("POST", "/api/v1/cart/items", map[string]any{"product_id": prod.ID, "quantity": 1}), 200)
		var o domain.Order
		want(t, cust.do("POST", "/api/v1/orders", cust.shown(checkoutBody(goodCard)), "Idempotency-Key", "admin-flow"), 201).Into(t, &o)

		t.Run("the order list filters by status", func(t *testing.T) {
			var orders domain.Page[domain.Order]
			want(t, a.do("GET", "/api/v1/admin/orders?status=paid", nil), 200).Into(t, &orders)
			if orders.Total < 1 || orders.Items[0].Customer == nil || orders.Items[0].Customer.Email == "" {
				t.Fatalf("admin orders: %+v", orders)
			}
			wantErr(t, a.do("GET", "/api/v1/admin/orders?status=lost", nil), 422, "invalid")
			want(t, a.do("GET", "/api/v1/admin/orders?status=shipped", nil), 200).Into(t, &orders)
			if orders.Total != 0 {
				t.Fatalf("shipped orders: %d", orders.Total)
			}
		})

		t.Run("an order moves paid to shipped (with carrier and tracking) to delivered", func(t *testing.T) {
			wantErr(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "delivered"}), 409, "conflict")
			wantErr(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "lost"}), 422, "invalid")
			wantErr(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "shipped"}), 422, "invalid")
			want(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "shipped", "carrier": "ups", "tracking_number": "1Z999AA10123456784"}), 200).Into(t, &o)
			if o.Status != domain.OrderShipped {
				t.Fatalf("order status: %s", o.Status)
			}
			// Shipped orders cannot be cancelled by the customer.
			wantErr(t, cust.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil), 409, "conflict")
			want(t, a.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "delivered"}), 200)
		})

		t.Run("the customer list counts each customer's orders", func(t *testing.T) {
			var customers domain.Page[domain.CustomerSummary]
			want(t, a.do("GET", "/api/v1/admin/customers?per_page=100", nil), 200).Into(t, &customers)
			var me domain.User
			want(t, cust.do("GET", "/api/v1/auth/me", nil), 200).Into(t, &userBody{User: &me})
			found := false
			for _, cs := range customers.Items {
				if cs.ID == me.ID {
					found = true
					if cs.OrderCount != 1 {
						t.Fatalf("customer order count %d", cs.OrderCount)
					}
				}
			}
			if !found {
				t.Fatalf("customer %d not in admin list", me.ID)
			}
		})
	})
}
