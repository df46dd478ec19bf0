package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

func TestSitemapListsOnlyTheActiveCatalog(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ps := catalogFixture(t, e)
		e.category(t, "hidden", "Hidden")
		e.product(t, "H-1", "Ghost", "hidden", 100, 1, func(p *domain.ProductCreate) { p.Active = ptr(false) })

		sm, err := e.svc.Sitemap.Sitemap(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		// Newest change first: the fixture clock ticks once per write.
		wantProducts := []domain.SitemapProduct{
			{Slug: ps["kite"].Slug, UpdatedAt: ps["kite"].UpdatedAt},
			{Slug: ps["drill"].Slug, UpdatedAt: ps["drill"].UpdatedAt},
			{Slug: ps["saw"].Slug, UpdatedAt: ps["saw"].UpdatedAt},
			{Slug: ps["hammer"].Slug, UpdatedAt: ps["hammer"].UpdatedAt},
		}
		if len(sm.Products) != len(wantProducts) {
			t.Fatalf("products = %+v, want %+v", sm.Products, wantProducts)
		}
		for i, w := range wantProducts {
			if g := sm.Products[i]; g.Slug != w.Slug || !g.UpdatedAt.Equal(w.UpdatedAt) {
				t.Errorf("product %d = %+v, want %+v", i, g, w)
			}
		}
		// "empty" has no product, "hidden" only an inactive one; lastmod is
		// the newest active product's.
		wantCats := []domain.SitemapCategory{
			{Slug: "tools", UpdatedAt: ps["drill"].UpdatedAt},
			{Slug: "toys", UpdatedAt: ps["kite"].UpdatedAt},
		}
		if len(sm.Categories) != len(wantCats) {
			t.Fatalf("categories = %+v, want %+v", sm.Categories, wantCats)
		}
		for i, w := range wantCats {
			if g := sm.Categories[i]; g.Slug != w.Slug || !g.UpdatedAt.Equal(w.UpdatedAt) || g.UpdatedAt.Location() != time.UTC {
				t.Errorf("category %d = %+v, want %+v (UTC)", i, g, w)
			}
		}

		limited, err := e.svc.Sitemap.Sitemap(ctx, 2)
		if err != nil || len(limited.Products) != 2 || limited.Products[0].Slug != ps["kite"].Slug {
			t.Fatalf("limit 2: %+v, %v", limited, err)
		}
	})
}
