package store

import (
	"context"
	"strings"

	"github.com/shopstack/shopstack/server/domain"
)

// EnsureCategory creates a category unless its slug exists (seed.Target).
func (s *Store) EnsureCategory(ctx context.Context, slug, name, description string, position int) error {
	row := &categoryRow{Slug: slug, Name: name, Description: description, Position: position, CreatedAt: s.timestamp()}
	if _, err := s.db.NewInsert().Model(row).On("CONFLICT (slug) DO NOTHING").Exec(ctx); err != nil {
		return internal("ensure category", err)
	}
	return nil
}

// EnsureProduct creates a product unless its SKU exists (seed.Target).
func (s *Store) EnsureProduct(ctx context.Context, in domain.ProductCreate) (bool, error) {
	in.Name = strings.TrimSpace(in.Name)
	exists, err := s.db.NewSelect().Model((*productRow)(nil)).Where("sku = ?", in.SKU).Exists(ctx)
	if err != nil {
		return false, internal("product exists", err)
	}
	if exists {
		return false, nil
	}
	if _, err := s.createProduct(ctx, s.db, in); err != nil {
		if domain.ErrorCode(err) == domain.ECONFLICT {
			return false, nil // created concurrently
		}
		return false, err
	}
	return true, nil
}
