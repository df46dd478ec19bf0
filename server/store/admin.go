package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

type adminService struct{ *Store }

var _ domain.AdminService = adminService{}

func (s adminService) ListProducts(ctx context.Context, f domain.ProductFilter) (*domain.Page[domain.Product], error) {
	yes := true
	f.IncludeInactive = &yes
	return s.listProducts(ctx, f)
}

// categoryID resolves a category slug; EINVALID on category_slug if unknown.
func (s *Store) categoryID(ctx context.Context, db bun.IDB, slug string) (int64, error) {
	var id int64
	err := db.NewSelect().Model((*categoryRow)(nil)).Column("id").Where("slug = ?", slug).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.InvalidFields(map[string]string{"category_slug": "unknown category"})
	}
	return id, internal("find category", err)
}

func productConflict(err error) error {
	field := constraintField(err, "sku", "slug")
	if field == "" {
		return domain.Conflict("a product with this sku or slug already exists")
	}
	return &domain.Error{Code: domain.ECONFLICT, Message: "a product with this " + field + " already exists",
		Fields: map[string]string{field: "is already taken"}}
}

func (s adminService) CreateProduct(ctx context.Context, in domain.ProductCreate) (*domain.Product, error) {
	in.Name = strings.TrimSpace(in.Name)
	return s.createProduct(ctx, s.db, in)
}

func (s *Store) createProduct(ctx context.Context, db bun.IDB, in domain.ProductCreate) (*domain.Product, error) {
	catID, err := s.categoryID(ctx, db, in.CategorySlug)
	if err != nil {
		return nil, err
	}
	slug := domain.Slugify(in.Name)
	if in.Slug != nil {
		slug = *in.Slug
	}
	images := in.Images
	if images == nil {
		images = []string{domain.ProductImagePath(in.SKU)}
	}
	attrs := in.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	now := s.timestamp()
	row := &productRow{SKU: in.SKU, Slug: slug, Name: in.Name, Description: in.Description, Price: in.Price,
		Currency: s.currency, CategoryID: catID, Images: encodeJSON(images), Attributes: encodeJSON(attrs),
		Stock: in.Stock, Active: in.Active == nil || *in.Active, Featured: in.Featured != nil && *in.Featured,
		CreatedAt: now, UpdatedAt: now}
	if _, err := db.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return nil, productConflict(err)
		}
		return nil, internal("insert product", err)
	}
	return s.productWhere(ctx, db, "p.id = ?", row.ID)
}

func (s adminService) UpdateProduct(ctx context.Context, id int64, in domain.ProductUpdate) (*domain.Product, error) {
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		in.Name = &n
	}
	var out *domain.Product
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.productWhere(ctx, tx, "p.id = ?", id); err != nil {
			return err
		}
		q := tx.NewUpdate().Model((*productRow)(nil)).Set("updated_at = ?", s.timestamp()).Where("id = ?", id)
		if in.SKU != nil {
			q = q.Set("sku = ?", *in.SKU)
		}
		if in.Name != nil {
			q = q.Set("name = ?", *in.Name)
		}
		if in.Slug != nil {
			q = q.Set("slug = ?", *in.Slug)
		}
		if in.Description != nil {
			q = q.Set("description = ?", *in.Description)
		}
		if in.Price != nil {
			q = q.Set("price = ?", *in.Price)
		}
		if in.CategorySlug != nil {
			catID, err := s.categoryID(ctx, tx, *in.CategorySlug)
			if err != nil {
				return err
			}
			q = q.Set("category_id = ?", catID)
		}
		if in.Images != nil {
			imgs := *in.Images
			if imgs == nil {
				imgs = []string{}
			}
			q = q.Set("images = ?", encodeJSON(imgs))
		}
		if in.Attributes != nil {
			attrs := *in.Attributes
			if attrs == nil {
				attrs = map[string]string{}
			}
			q = q.Set("attributes = ?", encodeJSON(attrs))
		}
		if in.Stock != nil {
			q = q.Set("stock = ?", *in.Stock)
		}
		if in.Active != nil {
			q = q.Set("active = ?", *in.Active)
		}
		if in.Featured != nil {
			q = q.Set("featured = ?", *in.Featured)
		}
		if _, err := q.Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return productConflict(err)
			}
			return internal("update product", err)
		}
		var err error
		out, err = s.productWhere(ctx, tx, "p.id = ?", id)
		return err
	})
	return out, err
}

func (s adminService) DeactivateProduct(ctx context.Context, id int64) (*domain.Product, error) {
	no := false
	return s.UpdateProduct(ctx, id, domain.ProductUpdate{Active: &no})
}

func (s adminService) AdjustStock(ctx context.Context, id int64, in domain.StockAdjust) (*domain.Product, error) {
	var out *domain.Product
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.productWhere(ctx, tx, "p.id = ?", id); err != nil {
			return err
		}
		q := tx.NewUpdate().Model((*productRow)(nil)).Set("updated_at = ?", s.timestamp()).Where("id = ?", id)
		if in.Stock != nil {
			q = q.Set("stock = ?", *in.Stock)
		} else {
			// Relative, atomic, never below zero nor above MaxStock.
			q = q.Set("stock = stock + ?", *in.Delta).
				Where("stock + ? >= 0 AND stock + ? <= ?", *in.Delta, *in.Delta, domain.MaxStock)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			if isCheckViolation(err) {
				return domain.Conflict("stock cannot go below zero")
			}
			return internal("adjust stock", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Conflict("stock cannot go below zero or above %d", domain.MaxStock)
		}
		out, err = s.productWhere(ctx, tx, "p.id = ?", id)
		return err
	})
	return out, err
}

func (s adminService) ListOrders(ctx context.Context, f domain.OrderFilter) (*domain.Page[domain.Order], error) {
	page := f.Pagination()
	where := func(q *bun.SelectQuery) *bun.SelectQuery {
		if f.Status != nil {
			q = q.Where("o.status = ?", string(*f.Status))
		}
		return q
	}
	total, err := countOf(where(s.db.NewSelect().Model((*orderRow)(nil))).Count(ctx))
	if err != nil {
		return nil, internal("count orders", err)
	}
	orders, err := s.ordersWhere(ctx, s.db, true, func(q *bun.SelectQuery) *bun.SelectQuery {
		return where(q).OrderExpr("o.created_at DESC, o.id DESC").Apply(paginate(page))
	})
	if err != nil {
		return nil, err
	}
	return domain.NewPage(orders, page, total), nil
}
