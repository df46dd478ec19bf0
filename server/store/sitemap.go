package store

import (
	"context"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

type sitemapService struct{ *Store }

var _ domain.SitemapService = sitemapService{}

func (s sitemapService) Sitemap(ctx context.Context, limit int) (*domain.Sitemap, error) {
	out := &domain.Sitemap{Products: []domain.SitemapProduct{}, Categories: []domain.SitemapCategory{}}
	if limit <= 0 {
		return out, nil
	}
	var products []struct {
		Slug      string    `bun:"slug"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	err := s.db.NewSelect().TableExpr("products AS p").
		ColumnExpr("p.slug, p.updated_at").
		Where("p.active").
		OrderExpr("p.updated_at DESC, p.id ASC").
		Limit(int64(limit)).
		Scan(ctx, &products)
	if err != nil {
		return nil, internal("sitemap products", err)
	}
	for _, p := range products {
		out.Products = append(out.Products, domain.SitemapProduct{Slug: p.Slug, UpdatedAt: p.UpdatedAt.UTC()})
	}
	// max(updated_at) comes back as text on SQLite: read the newest row per
	// category instead of aggregating.
	var cats []struct {
		Slug      string    `bun:"slug"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	err = s.db.NewSelect().TableExpr("categories AS c").
		ColumnExpr("c.slug").
		ColumnExpr("(SELECT p.updated_at FROM products AS p WHERE p.category_id = c.id AND p.active ORDER BY p.updated_at DESC LIMIT 1) AS updated_at").
		Where("EXISTS (SELECT 1 FROM products AS p WHERE p.category_id = c.id AND p.active)").
		OrderExpr("c.position ASC, c.name ASC, c.id ASC").
		Scan(ctx, &cats)
	if err != nil {
		return nil, internal("sitemap categories", err)
	}
	for _, c := range cats {
		out.Categories = append(out.Categories, domain.SitemapCategory{Slug: c.Slug, UpdatedAt: c.UpdatedAt.UTC()})
	}
	return out, nil
}
