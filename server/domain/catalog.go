package domain

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopstack/shopstack/contract"
)

// Category groups products.
type Category struct {
	ID           int64  `json:"id"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	ProductCount int    `json:"product_count"` // active products
}

// CategoryRef is the category as embedded in a product.
type CategoryRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Product is a thing the shop sells. Its JSON is the API's Product.
type Product struct {
	ID          int64             `json:"id"`
	SKU         string            `json:"sku"`
	Slug        string            `json:"slug"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Price       Money             `json:"price"`
	Images      []string          `json:"images"`
	CategoryID  int64             `json:"-"`
	Category    CategoryRef       `json:"category"`
	Attributes  map[string]string `json:"attributes"`
	Stock       int               `json:"stock"`
	InStock     bool              `json:"in_stock"` // Stock > 0; set by the store
	Active      bool              `json:"active"`
	Featured    bool              `json:"featured"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"` // last edit by an admin; sales do not move it
}

// MaxShownStock is the most stock the storefront's catalog shows for a
// product: the most one cart line can hold. Nothing a shopper can do
// depends on more (the quantity picker and "Only N left" stop below it),
// and a sale that leaves the shown number as it was leaves every cached
// catalog answer valid, so checkouts of well-stocked products do not drop
// the catalog cache of every replica.
const MaxShownStock = MaxCartQuantity

// Shown is p as the storefront's catalog shows it: Stock capped at
// MaxShownStock. Admin reads keep the exact count.
func (p Product) Shown() Product {
	p.Stock = ShownStock(p.Stock)
	return p
}

// ShownStock is the stock the catalog shows for n units in stock.
func ShownStock(n int) int { return min(n, MaxShownStock) }

// ProductImagePath is where the demo catalog's generated image of a SKU is
// served (the HTTP layer registers its route as ProductImagePath(":sku");
// server/seed renders it).
func ProductImagePath(sku string) string { return contract.APIBase + "/images/" + sku + ".svg" }

// ProductSort orders a product list.
type ProductSort string

const (
	SortFeatured  ProductSort = "featured" // default: featured first, then name
	SortName      ProductSort = "name"
	SortPriceAsc  ProductSort = "price_asc"
	SortPriceDesc ProductSort = "price_desc"
	SortNewest    ProductSort = "newest"
)

// ProductSorts are every sort, the default first (the client's list is
// generated from it: client/src/api/enums.ts).
var ProductSorts = []ProductSort{SortFeatured, SortName, SortPriceAsc, SortPriceDesc, SortNewest}

// Valid reports whether s is a known sort.
func (s ProductSort) Valid() bool { return slices.Contains(ProductSorts, s) }

// ProductFilter selects products. Nil fields do not filter. The store only
// returns active products unless IncludeInactive is set (admin lists).
type ProductFilter struct {
	CategorySlug    *string
	MinPrice        *int64 // minor units, inclusive
	MaxPrice        *int64 // minor units, inclusive
	Sort            *ProductSort
	Page            *int
	PerPage         *int
	IncludeInactive *bool
	// Query matches the name or SKU (substring, case-insensitive); the
	// ranked full-text search is SearchService.
	Query *string
}

// Validate checks the filter's values (422 with fields on failure).
func (f ProductFilter) Validate() error {
	fe := fieldErrors{}
	if f.MinPrice != nil && *f.MinPrice < 0 {
		fe.add("min_price", "must not be negative")
	}
	if f.MaxPrice != nil && *f.MaxPrice < 0 {
		fe.add("max_price", "must not be negative")
	}
	if f.MinPrice != nil && f.MaxPrice != nil && *f.MinPrice > *f.MaxPrice {
		fe.add("max_price", "must not be less than min_price")
	}
	if f.CategorySlug != nil {
		fe.checkText("category", *f.CategorySlug)
	}
	if f.Query != nil {
		fe.checkText("q", *f.Query)
	}
	if f.Sort != nil && !f.Sort.Valid() {
		fe.add("sort", "must be one of featured, name, price_asc, price_desc, newest")
	}
	fe.merge(PageRequest(f.Page, f.PerPage).Validate())
	return fe.err()
}

// Pagination returns the filter's page (defaults applied).
func (f ProductFilter) Pagination() Pagination {
	return PageRequest(f.Page, f.PerPage).Normalized()
}

// SearchQuery is a full-text search over product names and descriptions.
type SearchQuery struct {
	Query   string
	Page    *int
	PerPage *int
}

// MaxSearchQueryLen bounds the search text.
const MaxSearchQueryLen = 200

// Validate rejects an empty or overlong query (422).
func (q SearchQuery) Validate() error {
	fe := fieldErrors{}
	if strings.TrimSpace(q.Query) == "" {
		fe.add("q", "must not be empty")
	} else if utf8.RuneCountInString(q.Query) > MaxSearchQueryLen {
		fe.add("q", tooLong(MaxSearchQueryLen))
	}
	fe.checkText("q", q.Query)
	fe.merge(PageRequest(q.Page, q.PerPage).Validate())
	return fe.err()
}

// Pagination returns the query's page (defaults applied).
func (q SearchQuery) Pagination() Pagination {
	return PageRequest(q.Page, q.PerPage).Normalized()
}

// CatalogService reads the catalog.
type CatalogService interface {
	// ListCategories returns every category with its active product count.
	ListCategories(ctx context.Context) ([]Category, error)
	// ListProducts returns one page of products matching f (validated),
	// as the storefront shows them (Product.Shown).
	ListProducts(ctx context.Context, f ProductFilter) (*Page[Product], error)
	// ProductBySlug returns an active product as the storefront shows it
	// (Product.Shown); ENOTFOUND if unknown or inactive.
	ProductBySlug(ctx context.Context, slug string) (*Product, error)
	// ProductBySKU returns a product, active or not (the image route).
	ProductBySKU(ctx context.Context, sku string) (*Product, error)
	// ProductByID returns a product, active or not.
	ProductByID(ctx context.Context, id int64) (*Product, error)
}

// SearchService is the ranked full-text search (PostgreSQL tsvector /
// SQLite FTS5, same results shape).
type SearchService interface {
	// Search returns active products ranked by relevance, as the
	// storefront shows them (Product.Shown); EINVALID for an empty query.
	Search(ctx context.Context, q SearchQuery) (*Page[Product], error)
}

var (
	skuRE  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,39}$`)
	slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
)

// ValidSKU reports whether s is a well-formed SKU (upper-case letters,
// digits and dashes, 2-40 characters). SKUs appear in image URLs.
func ValidSKU(s string) bool { return skuRE.MatchString(s) }

// ValidSlug reports whether s is a well-formed URL slug (at most 120 chars).
func ValidSlug(s string) bool { return len(s) <= 120 && slugRE.MatchString(s) }

// Slugify turns a name into a slug ("Linen Shirt, Blue" -> "linen-shirt-blue").
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 120 {
		s = strings.TrimSuffix(s[:120], "-")
	}
	return s
}
