package seed_test

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/seed"
)

func TestCatalogShape(t *testing.T) {
	cats, products := seed.Catalog()
	if len(cats) < 6 || len(products) < 60 {
		t.Fatalf("%d categories, %d products; want at least 6 and 60", len(cats), len(products))
	}
	catSlugs := map[string]bool{}
	for _, c := range cats {
		catSlugs[c.Slug] = true
	}
	skus, slugs, perCat := map[string]bool{}, map[string]bool{}, map[string]int{}
	for _, p := range products {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.SKU, err)
		}
		if skus[p.SKU] || slugs[*p.Slug] {
			t.Errorf("duplicate sku or slug %s %s", p.SKU, *p.Slug)
		}
		skus[p.SKU], slugs[*p.Slug] = true, true
		if !catSlugs[p.CategorySlug] {
			t.Errorf("%s: unknown category %s", p.SKU, p.CategorySlug)
		}
		perCat[p.CategorySlug]++
		if len(p.Images) != 1 || p.Images[0] != "/api/v1/images/"+p.SKU+".svg" {
			t.Errorf("%s: images %v", p.SKU, p.Images)
		}
		if p.Price <= 0 || p.Description == "" || len(p.Attributes) == 0 {
			t.Errorf("%s: price %d, description %q, attributes %v", p.SKU, p.Price, p.Description, p.Attributes)
		}
	}
	for _, c := range cats {
		if perCat[c.Slug] == 0 {
			t.Errorf("category %s has no products", c.Slug)
		}
	}
}

func TestCatalogDeterministic(t *testing.T) {
	_, a := seed.Catalog()
	_, b := seed.Catalog()
	for i := range a {
		if a[i].SKU != b[i].SKU || a[i].Name != b[i].Name || a[i].Price != b[i].Price || a[i].Stock != b[i].Stock {
			t.Fatalf("product %d differs between runs: %+v vs %+v", i, a[i], b[i])
		}
	}
}

func TestSVG(t *testing.T) {
	p := &domain.Product{SKU: "APP-001", Name: `Linen <Shirt> & "Friends", Navy Blue Edition`, Price: domain.NewMoney(5999, "USD"),
		Category: domain.CategoryRef{Slug: "apparel"}}
	a, b := seed.SVG(p), seed.SVG(p)
	if !bytes.Equal(a, b) {
		t.Fatal("SVG is not deterministic")
	}
	if err := xml.Unmarshal(a, new(struct{})); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v\n%s", err, a)
	}
	if !bytes.Contains(a, []byte("$59.99")) || !bytes.HasPrefix(a, []byte("<svg ")) {
		t.Fatalf("SVG misses the price or the root: %s", a)
	}
	other := *p
	other.SKU = "APP-002"
	if bytes.Equal(a, seed.SVG(&other)) {
		t.Fatal("two SKUs render the same picture")
	}
}
