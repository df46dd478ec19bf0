package domain

import (
	"context"
	"time"
)

// SitemapProduct is an active product as the sitemap lists it.
type SitemapProduct struct {
	Slug      string
	UpdatedAt time.Time
}

// SitemapCategory is a category with at least one active product;
// UpdatedAt is the newest UpdatedAt of those products.
type SitemapCategory struct {
	Slug      string
	UpdatedAt time.Time
}

// Sitemap is what /sitemap.xml is built from: the public catalog only
// (inactive products and empty categories are not there).
type Sitemap struct {
	Products   []SitemapProduct
	Categories []SitemapCategory
}

// SitemapService reads the public catalog for crawlers.
type SitemapService interface {
	// Sitemap returns at most limit active products (newest change first)
	// and every category that has an active product.
	Sitemap(ctx context.Context, limit int) (*Sitemap, error)
}
