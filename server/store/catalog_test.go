package store_test

import (
	"context"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/migrations"
	"github.com/shopstack/shopstack/server/seed"
)

func TestMigrationsAreIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		applied, err := migrations.Apply(ctx, e.db)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second run applied %v, err %v", applied, err)
		}
		pending, err := migrations.Pending(ctx, e.db)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending %v, err %v", pending, err)
		}
	})
}

func catalogFixture(t *testing.T, e *env) map[string]*domain.Product {
	e.category(t, "tools", "Tools")
	e.category(t, "toys", "Toys")
	e.category(t, "empty", "Empty")
	ps := map[string]*domain.Product{}
	ps["hammer"] = e.product(t, "T-1", "Hammer", "tools", 1500, 10)
	ps["saw"] = e.product(t, "T-2", "saw", "tools", 3000, 0)
	ps["drill"] = e.product(t, "T-3", "Drill", "tools", 9000, 3, func(p *domain.ProductCreate) { p.Featured = ptr(true) })
	ps["kite"] = e.product(t, "Y-1", "Kite", "toys", 2000, 5)
	ps["yoyo"] = e.product(t, "Y-2", "Yo-yo", "toys", 500, 5, func(p *domain.ProductCreate) { p.Active = ptr(false) })
	return ps
}

func names(items []domain.Product) []string {
	out := make([]string, len(items))
	for i, p := range items {
		out[i] = p.Name
	}
	return out
}

func TestCatalogFiltersSortAndPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ps := catalogFixture(t, e)
		tests := []struct {
			name  string
			f     domain.ProductFilter
			want  []string
			total int
		}{
			{"default: active, featured first then name", domain.ProductFilter{}, []string{"Drill", "Hammer", "Kite", "saw"}, 4},
			{"category", domain.ProductFilter{CategorySlug: ptr("tools"), Sort: ptr(domain.SortName)}, []string{"Drill", "Hammer", "saw"}, 3},
			{"unknown category", domain.ProductFilter{CategorySlug: ptr("nope")}, []string{}, 0},
			{"price range", domain.ProductFilter{MinPrice: ptr[int64](1500), MaxPrice: ptr[int64](3000), Sort: ptr(domain.SortPriceAsc)}, []string{"Hammer", "Kite", "saw"}, 3},
			{"price desc", domain.ProductFilter{Sort: ptr(domain.SortPriceDesc)}, []string{"Drill", "saw", "Kite", "Hammer"}, 4},
			{"newest", domain.ProductFilter{Sort: ptr(domain.SortNewest)}, []string{"Kite", "Drill", "saw", "Hammer"}, 4},
			{"name is case-insensitive", domain.ProductFilter{Sort: ptr(domain.SortName)}, []string{"Drill", "Hammer", "Kite", "saw"}, 4},
			{"page 2 of 2 per page", domain.ProductFilter{Sort: ptr(domain.SortName), Page: ptr(2), PerPage: ptr(2)}, []string{"Kite", "saw"}, 4},
			{"past the end", domain.ProductFilter{Page: ptr(9), PerPage: ptr(2)}, []string{}, 4},
			{"inactive included", domain.ProductFilter{IncludeInactive: ptr(true), Sort: ptr(domain.SortPriceAsc)}, []string{"Yo-yo", "Hammer", "Kite", "saw", "Drill"}, 5},
			{"query on name or sku", domain.ProductFilter{Query: ptr("t-"), Sort: ptr(domain.SortName)}, []string{"Drill", "Hammer", "saw"}, 3},
			{"query escapes LIKE wildcards", domain.ProductFilter{Query: ptr("%")}, []string{}, 0},
		}
		for _, tt := range tests {
			got, err := e.svc.Catalog.ListProducts(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if g := names(got.Items); len(g) != len(tt.want) || (len(g) > 0 && !equal(g, tt.want)) || got.Total != tt.total {
				t.Errorf("%s: got %v (total %d), want %v (total %d)", tt.name, g, got.Total, tt.want, tt.total)
			}
		}

		page, _ := e.svc.Catalog.ListProducts(ctx, domain.ProductFilter{})
		if page.Page != 1 || page.PerPage != 24 {
			t.Errorf("default page = %d/%d", page.Page, page.PerPage)
		}
		_, err := e.svc.Catalog.ListProducts(ctx, domain.ProductFilter{PerPage: ptr(101)})
		wantCode(t, err, domain.EINVALID)
		_, err = e.svc.Catalog.ListProducts(ctx, domain.ProductFilter{Sort: ptr(domain.ProductSort("random"))})
		wantCode(t, err, domain.EINVALID)

		// One product, read every way.
		h, err := e.svc.Catalog.ProductBySlug(ctx, "hammer")
		if err != nil {
			t.Fatal(err)
		}
		if h.ID != ps["hammer"].ID || h.SKU != "T-1" || h.Price != domain.NewMoney(1500, "USD") || !h.InStock ||
			h.Category != (domain.CategoryRef{Slug: "tools", Name: "Tools"}) || len(h.Images) != 1 || h.Images[0] != "/api/v1/images/T-1.svg" ||
			h.Attributes == nil || h.CreatedAt.IsZero() || h.CreatedAt.Location().String() != "UTC" {
			t.Errorf("product = %+v", h)
		}
		if s, _ := e.svc.Catalog.ProductBySlug(ctx, "saw"); s == nil || s.InStock {
			t.Errorf("saw in stock: %+v", s)
		}
		_, err = e.svc.Catalog.ProductBySlug(ctx, "yo-yo")
		wantCode(t, err, domain.ENOTFOUND)
		if p, err := e.svc.Catalog.ProductBySKU(ctx, "Y-2"); err != nil || p.Active {
			t.Errorf("inactive by sku = %+v, %v", p, err)
		}
		_, err = e.svc.Catalog.ProductByID(ctx, 999999)
		wantCode(t, err, domain.ENOTFOUND)

		cats, err := e.svc.Catalog.ListCategories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, c := range cats {
			counts[c.Slug] = c.ProductCount
		}
		if len(cats) != 3 || counts["tools"] != 3 || counts["toys"] != 1 || counts["empty"] != 0 {
			t.Errorf("categories = %+v", cats)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSearchRanking(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "apparel", "Apparel")
		desc := func(d string) func(*domain.ProductCreate) { return func(p *domain.ProductCreate) { p.Description = d } }
		sweater := e.product(t, "A-1", "Merino Sweater", "apparel", 8900, 5, desc("A warm crew neck knitted from fine wool."))
		scarf := e.product(t, "A-2", "Wool Scarf", "apparel", 3900, 5, desc("A long scarf of soft wool, woven with care; wool keeps you warm."))
		e.product(t, "A-3", "Cotton Tee", "apparel", 2400, 5, desc("A heavyweight tee."))
		e.product(t, "A-4", "Wool Socks", "apparel", 1200, 5, desc("Hidden."), func(p *domain.ProductCreate) { p.Active = ptr(false) })

		search := func(q string) []string {
			t.Helper()
			res, err := e.svc.Search.Search(ctx, domain.SearchQuery{Query: q})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			if res.Total != len(res.Items) {
				t.Errorf("search %q: total %d for %d items", q, res.Total, len(res.Items))
			}
			return names(res.Items)
		}
		// A name match outranks a description match; inactive products never show.
		if got := search("wool"); !equal(got, []string{"Wool Scarf", "Merino Sweater"}) {
			t.Errorf("wool: %v", got)
		}
		if got := search("wool scarf"); !equal(got, []string{"Wool Scarf"}) {
			t.Errorf("every word must match: %v", got)
		}
		if got := search("SWEATERS"); !equal(got, []string{"Merino Sweater"}) {
			t.Errorf("stemming and case: %v", got)
		}
		if got := search(`"wool" OR -( NEAR*`); got == nil {
			t.Errorf("operators in user input must not break the query")
		}
		if got := search("zeppelin"); len(got) != 0 {
			t.Errorf("no match: %v", got)
		}
		_, err := e.svc.Search.Search(ctx, domain.SearchQuery{Query: "   "})
		wantCode(t, err, domain.EINVALID)

		// The index follows updates.
		if _, err := e.svc.Admin.UpdateProduct(ctx, sweater.ID, domain.ProductUpdate{Name: ptr("Alpaca Cardigan"), Description: ptr("No sheep here.")}); err != nil {
			t.Fatal(err)
		}
		if got := search("wool"); !equal(got, []string{"Wool Scarf"}) {
			t.Errorf("after update, wool: %v", got)
		}
		if got := search("alpaca"); !equal(got, []string{"Alpaca Cardigan"}) {
			t.Errorf("after update, alpaca: %v", got)
		}
		// Pagination of results.
		res, err := e.svc.Search.Search(ctx, domain.SearchQuery{Query: "scarf", PerPage: ptr(1), Page: ptr(2)})
		if err != nil || res.Total != 1 || len(res.Items) != 0 {
			t.Errorf("page 2 of 1 result: %+v, %v", res, err)
		}
		_ = scarf
	})
}

func TestSeedIsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		first, err := seed.Load(ctx, e.st)
		if err != nil {
			t.Fatal(err)
		}
		if first.Products < 60 || first.Categories < 6 || first.Created != first.Products {
			t.Fatalf("first load: %+v", first)
		}
		second, err := seed.Load(ctx, e.st)
		if err != nil || second.Created != 0 {
			t.Fatalf("second load created %d (%v)", second.Created, err)
		}
		if n := e.count(t, "products"); n != first.Products {
			t.Errorf("%d products after two loads, want %d", n, first.Products)
		}
		if n := e.count(t, "categories"); n != first.Categories {
			t.Errorf("%d categories, want %d", n, first.Categories)
		}
		cats, _ := e.svc.Catalog.ListCategories(ctx)
		for _, c := range cats {
			if c.ProductCount == 0 {
				t.Errorf("category %s has no products", c.Slug)
			}
		}
		res, err := e.svc.Search.Search(ctx, domain.SearchQuery{Query: "wool"})
		if err != nil || res.Total == 0 {
			t.Errorf("search over the demo catalog: %+v, %v", res, err)
		}
	})
}

// The storefront's reads show stock up to domain.MaxShownStock; the
// admin's show the count.
func TestCatalogShowsStockUpToMaxShownStock(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "lamps", "Lamps")
		many := e.product(t, "LAMP-1", "Brass Lamp", "lamps", 1000, 500)
		few := e.product(t, "LAMP-2", "Paper Lamp", "lamps", 1000, 3)
		shown := map[string]int{}
		list, err := e.svc.Catalog.ListProducts(ctx, domain.ProductFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list.Items {
			shown["list "+p.SKU] = p.Stock
		}
		found, err := e.svc.Search.Search(ctx, domain.SearchQuery{Query: "lamp"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range found.Items {
			shown["search "+p.SKU] = p.Stock
		}
		for _, p := range []*domain.Product{many, few} {
			d, err := e.svc.Catalog.ProductBySlug(ctx, p.Slug)
			if err != nil {
				t.Fatal(err)
			}
			shown["detail "+p.SKU] = d.Stock
		}
		admin, err := e.svc.Admin.ListProducts(ctx, domain.ProductFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range admin.Items {
			shown["admin "+p.SKU] = p.Stock
		}
		want := map[string]int{
			"list LAMP-1": domain.MaxShownStock, "search LAMP-1": domain.MaxShownStock, "detail LAMP-1": domain.MaxShownStock, "admin LAMP-1": 500,
			"list LAMP-2": 3, "search LAMP-2": 3, "detail LAMP-2": 3, "admin LAMP-2": 3,
		}
		for k, v := range want {
			if shown[k] != v {
				t.Errorf("%s: stock %d, want %d (all: %v)", k, shown[k], v, shown)
			}
		}
	})
}
