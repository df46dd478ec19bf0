package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/httpapi"
	"github.com/shopstack/shopstack/server/migrations"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

// shop is the measured shop's data, prepared before any load: the scaled
// catalog, its first active products (stocked up so no scenario runs out)
// and the standard shipping method.
type shop struct {
	db       *bun.DB
	svc      domain.Services
	products []domain.Product
	standard domain.ShippingMethod
}

// prepareShop migrates and seeds db, scales the catalog to catalogSize
// products and stocks up the products the scenarios buy.
func prepareShop(ctx context.Context, db *bun.DB, catalogSize int) (*shop, error) {
	if err := migrations.Run(ctx, db); err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	// Cheap hashes for the prepared customers: preparing is not measured.
	st := store.New(db, store.Options{Payments: payment.NewTestProvider(), Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	if err := seed.Demo(ctx, st); err != nil {
		return nil, fmt.Errorf("seeding: %w", err)
	}
	if err := scaleCatalog(ctx, db, catalogSize); err != nil {
		return nil, fmt.Errorf("scaling the catalog: %w", err)
	}
	s := &shop{db: db, svc: st.Services()}
	if err := s.stockUp(ctx); err != nil {
		return nil, err
	}
	methods, err := s.svc.Orders.ShippingMethods(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range methods {
		if m.Code == "standard" {
			s.standard = m
			return s, nil
		}
	}
	return nil, errors.New("no standard shipping method")
}

// stockUp picks the first 100 products' active ones and gives each plenty
// of stock.
func (s *shop) stockUp(ctx context.Context) error {
	all := true
	perPage := 100
	page, err := s.svc.Admin.ListProducts(ctx, domain.ProductFilter{IncludeInactive: &all, PerPage: &perPage})
	if err != nil {
		return err
	}
	for _, p := range page.Items {
		if p.Active {
			s.products = append(s.products, p)
		}
	}
	if len(s.products) == 0 {
		return errors.New("the seeded catalog is empty")
	}
	for _, p := range s.products {
		big := 1_000_000
		if _, err := s.svc.Admin.AdjustStock(ctx, p.ID, domain.StockAdjust{Stock: &big}); err != nil {
			return err
		}
	}
	return nil
}

// customer is a prepared buyer: a session and a cart of one product, and
// the total its checkout shows (a checkout carries it, issue 12).
type customer struct {
	session string
	shown   int64
}

// customers prepares n customers, named by prefix (each set its own).
func (s *shop) customers(ctx context.Context, prefix string, n int) ([]customer, error) {
	fmt.Fprintf(os.Stderr, "bench: preparing %d %s with a cart each\n", n, prefix)
	out := make([]customer, n)
	for i := range out {
		_, sess, err := s.svc.Accounts.Register(ctx, domain.RegisterInput{Email: fmt.Sprintf("%s%d@shop.test", prefix, i), Password: "bench-password", Name: "Bench"})
		if err != nil {
			return nil, err
		}
		cart, err := s.svc.Carts.AddItem(ctx, domain.CartKey{UserID: sessionUser(ctx, s.svc, sess.Token)}, s.products[i%len(s.products)].ID, 1)
		if err != nil {
			return nil, err
		}
		out[i] = customer{session: sess.Token, shown: cart.Subtotal.Amount + s.standard.Price.Amount}
	}
	return out, nil
}

// scenario is one measured route: tr drives the closed loop and half (or
// tr again when nil) the open-loop run at half its rate. With background
// set, each of the two runs has it sending requests at backgroundRate per
// second alongside (one targeter for both runs: it may be used once).
type scenario struct {
	name           string
	tr, half       func() vegeta.Targeter
	background     vegeta.Targeter
	backgroundRate float64
}

// buyingName names the browse-while-buying scenario at rate orders/s.
func buyingName(rate float64) string { return fmt.Sprintf("list while buying %g/s", rate) }

// scenarios builds the requests of every scenario against the server at
// base; the place-order scenario's closed loop uses the first half of the
// customers and its half-rate run the other. The browse-while-buying
// scenario reads the product lists while buyers (customers of their own)
// place orders at buyRate per second in the background: the products they
// buy are well stocked, so their sales change no catalog answer and must
// not cost the lists their cache.
func (s *shop) scenarios(ctx context.Context, base string, customers, buyers []customer, buyRate float64) ([]scenario, error) {
	// A list page as the storefront asks for it (the client's default
	// page), and the category filter of its category pages.
	lists := []vegeta.Target{{Method: "GET", URL: base + "/api/v1/products"}}
	cats, err := s.svc.Catalog.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		lists = append(lists, vegeta.Target{Method: "GET", URL: base + "/api/v1/products?category=" + c.Slug})
	}
	slugs, err := activeSlugs(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var details, searches, adds []vegeta.Target
	for _, slug := range slugs {
		details = append(details, vegeta.Target{Method: "GET", URL: base + "/api/v1/products/" + slug})
	}
	for _, p := range s.products {
		if w := strings.Fields(p.Name); len(w) > 0 {
			searches = append(searches, vegeta.Target{Method: "GET", URL: base + "/api/v1/search?q=" + urlWord(w[0])})
		}
		body, _ := json.Marshal(map[string]any{"product_id": p.ID, "quantity": 1})
		// No cookie: each add starts a guest cart (the first add of a visit).
		adds = append(adds, vegeta.Target{Method: "POST", URL: base + "/api/v1/cart/items", Body: body, Header: jsonHeader()})
	}
	orders := s.orderTargets(base, customers)
	half := len(orders) / 2
	return []scenario{
		{name: "product list", tr: func() vegeta.Targeter { return roundRobin(lists, false) }},
		{name: "product detail", tr: func() vegeta.Targeter { return roundRobin(details, false) }},
		{name: "categories", tr: func() vegeta.Targeter {
			return roundRobin([]vegeta.Target{{Method: "GET", URL: base + "/api/v1/categories"}}, false)
		}},
		{name: "search", tr: func() vegeta.Targeter { return roundRobin(searches, false) }},
		{name: "add to cart", tr: func() vegeta.Targeter { return roundRobin(adds, false) }},
		{name: "place order", tr: func() vegeta.Targeter { return roundRobin(orders[:half], true) },
			half: func() vegeta.Targeter { return roundRobin(orders[half:], true) }},
		{name: buyingName(buyRate), tr: func() vegeta.Targeter { return roundRobin(lists, false) },
			background: roundRobin(s.orderTargets(base, buyers), true), backgroundRate: buyRate},
	}, nil
}

// orderTargets is one checkout per customer, with its session, its own
// Idempotency-Key and the total its checkout showed.
func (s *shop) orderTargets(base string, customers []customer) []vegeta.Target {
	targets := make([]vegeta.Target, len(customers))
	for i, c := range customers {
		checkout, _ := json.Marshal(map[string]any{
			"shipping_address": map[string]any{"name": "Bench", "line1": "1 Load St", "city": "Loopback", "postal_code": "12345", "country": "US"},
			"shipping_method":  s.standard.Code,
			"payment":          map[string]any{"card_number": "4242424242424242", "exp_month": 12, "exp_year": time.Now().Year() + 2, "cvc": "123"},
			"expected_total":   c.shown,
		})
		h := jsonHeader()
		h.Set("Cookie", httpapi.CookieSession+"="+c.session)
		h.Set(httpapi.HeaderIdempotencyKey, fmt.Sprintf("bench-order-%d", i))
		targets[i] = vegeta.Target{Method: "POST", URL: base + "/api/v1/orders", Body: checkout, Header: h}
	}
	return targets
}
