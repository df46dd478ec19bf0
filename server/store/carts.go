package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

type cartRow struct {
	bun.BaseModel `bun:"table:carts,alias:ca"`

	ID        int64          `bun:"id,pk,autoincrement"`
	UserID    sql.NullInt64  `bun:"user_id"`
	TokenHash sql.NullString `bun:"token_hash"`
	CreatedAt time.Time      `bun:"created_at"`
	UpdatedAt time.Time      `bun:"updated_at"`
}

type cartItemRow struct {
	bun.BaseModel `bun:"table:cart_items,alias:ci"`

	CartID    int64     `bun:"cart_id,pk"`
	ProductID int64     `bun:"product_id,pk"`
	Quantity  int       `bun:"quantity"`
	AddedAt   time.Time `bun:"added_at"`
}

// cartLine is a cart item joined to its product.
type cartLine struct {
	CartID    int64  `bun:"cart_id"` // only from cartLinesOf
	ProductID int64  `bun:"product_id"`
	Quantity  int    `bun:"quantity"`
	SKU       string `bun:"sku"`
	Slug      string `bun:"slug"`
	Name      string `bun:"name"`
	Images    string `bun:"images"`
	Price     int64  `bun:"price"`
	Currency  string `bun:"currency"`
	Stock     int    `bun:"stock"`
	Active    bool   `bun:"active"`
}

type cartService struct{ *Store }

var _ domain.CartService = cartService{}

// cartID finds the key's cart; 0 when it has none yet.
func (s *Store) cartID(ctx context.Context, db bun.IDB, key domain.CartKey) (int64, error) {
	q := db.NewSelect().Model((*cartRow)(nil)).Column("id")
	if key.UserID > 0 {
		q = q.Where("user_id = ?", key.UserID)
	} else {
		q = q.Where("token_hash = ?", hashToken(key.Token))
	}
	var id int64
	err := q.Limit(1).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, internal("find cart", err)
	}
	return id, nil
}

// ensureCart returns the key's cart id, creating the cart if needed.
func (s *Store) ensureCart(ctx context.Context, db bun.IDB, key domain.CartKey) (int64, error) {
	if key.IsZero() {
		return 0, domain.Invalid("no cart: a guest needs a cart token")
	}
	if id, err := s.cartID(ctx, db, key); err != nil || id != 0 {
		return id, err
	}
	now := s.timestamp()
	row := &cartRow{CreatedAt: now, UpdatedAt: now}
	conflict := "CONFLICT (token_hash) DO NOTHING"
	if key.UserID > 0 {
		row.UserID = sql.NullInt64{Int64: key.UserID, Valid: true}
		conflict = "CONFLICT (user_id) DO NOTHING"
	} else {
		row.TokenHash = sql.NullString{String: hashToken(key.Token), Valid: true}
	}
	if _, err := db.NewInsert().Model(row).On(conflict).Exec(ctx); err != nil {
		if isForeignKeyViolation(err) {
			return 0, domain.NotFound("user not found")
		}
		return 0, internal("create cart", err)
	}
	return s.cartID(ctx, db, key)
}

// cartLinesOf is cartID and cartLines in one statement: the key's cart id
// (0: none) and its lines (none for an empty cart, whose id is then 0 too).
func (s *Store) cartLinesOf(ctx context.Context, db bun.IDB, key domain.CartKey) (int64, []cartLine, error) {
	var lines []cartLine
	q := db.NewSelect().TableExpr("carts AS c").
		Join("JOIN cart_items AS ci ON ci.cart_id = c.id").
		Join("JOIN products AS p ON p.id = ci.product_id").
		ColumnExpr("c.id AS cart_id, ci.product_id, ci.quantity, p.sku, p.slug, p.name, p.images, p.price, p.currency, p.stock, p.active")
	if key.UserID > 0 {
		q = q.Where("c.user_id = ?", key.UserID)
	} else {
		q = q.Where("c.token_hash = ?", hashToken(key.Token))
	}
	err := q.OrderExpr("ci.added_at ASC, ci.product_id ASC").Scan(ctx, &lines)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, nil, internal("cart lines", err)
	}
	if len(lines) == 0 {
		return 0, nil, nil
	}
	return lines[0].CartID, lines, nil
}

func (s *Store) cartLines(ctx context.Context, db bun.IDB, cartID int64) ([]cartLine, error) {
	var lines []cartLine
	err := db.NewSelect().TableExpr("cart_items AS ci").
		Join("JOIN products AS p ON p.id = ci.product_id").
		ColumnExpr("ci.product_id, ci.quantity, p.sku, p.slug, p.name, p.images, p.price, p.currency, p.stock, p.active").
		Where("ci.cart_id = ?", cartID).
		OrderExpr("ci.added_at ASC, ci.product_id ASC").
		Scan(ctx, &lines)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal("cart lines", err)
	}
	return lines, nil
}

func (s *Store) loadCart(ctx context.Context, db bun.IDB, cartID int64) (*domain.Cart, error) {
	if cartID == 0 {
		return domain.NewCart(nil, s.currency), nil
	}
	lines, err := s.cartLines(ctx, db, cartID)
	if err != nil {
		return nil, err
	}
	items := make([]domain.CartItem, len(lines))
	for i, l := range lines {
		pr := productRow{Images: l.Images}
		img := ""
		if imgs := pr.domain().Images; len(imgs) > 0 {
			img = imgs[0]
		}
		items[i] = domain.CartItem{ProductID: l.ProductID, SKU: l.SKU, Slug: l.Slug, Name: l.Name, Image: img,
			UnitPrice: domain.Money{Amount: l.Price, Currency: l.Currency}, Quantity: l.Quantity,
			Stock: l.Stock, Available: l.Active}
	}
	return domain.NewCart(items, s.currency), nil
}

func (s cartService) Cart(ctx context.Context, key domain.CartKey) (*domain.Cart, error) {
	if key.IsZero() {
		return domain.NewCart(nil, s.currency), nil
	}
	id, err := s.cartID(ctx, s.db, key)
	if err != nil {
		return nil, err
	}
	return s.loadCart(ctx, s.db, id)
}

// product reads what a cart write needs to know of a product; ENOTFOUND
// for unknown or inactive products.
func (s *Store) cartProduct(ctx context.Context, db bun.IDB, productID int64) (stock int, err error) {
	var row struct {
		Stock  int  `bun:"stock"`
		Active bool `bun:"active"`
	}
	err = db.NewSelect().TableExpr("products").ColumnExpr("stock, active").Where("id = ?", productID).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !row.Active {
		return 0, domain.NotFound("product not found")
	}
	if err != nil {
		return 0, internal("cart product", err)
	}
	return row.Stock, nil
}

func (s cartService) AddItem(ctx context.Context, key domain.CartKey, productID int64, quantity int) (*domain.Cart, error) {
	return s.writeCart(ctx, key, func(ctx context.Context, tx bun.Tx, cartID int64) error {
		stock, err := s.cartProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		var current int
		err = tx.NewSelect().Model((*cartItemRow)(nil)).Column("quantity").
			Where("cart_id = ? AND product_id = ?", cartID, productID).Scan(ctx, &current)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return internal("cart line", err)
		}
		return s.setLine(ctx, tx, cartID, productID, current+quantity, stock)
	})
}

func (s cartService) SetQuantity(ctx context.Context, key domain.CartKey, productID int64, quantity int) (*domain.Cart, error) {
	return s.writeCart(ctx, key, func(ctx context.Context, tx bun.Tx, cartID int64) error {
		exists, err := tx.NewSelect().Model((*cartItemRow)(nil)).
			Where("cart_id = ? AND product_id = ?", cartID, productID).Exists(ctx)
		if err != nil {
			return internal("cart line", err)
		}
		if !exists {
			return domain.NotFound("the product is not in the cart")
		}
		stock, err := s.cartProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		return s.setLine(ctx, tx, cartID, productID, quantity, stock)
	})
}

func (s *Store) setLine(ctx context.Context, tx bun.Tx, cartID, productID int64, quantity, stock int) error {
	if quantity > stock {
		return domain.InsufficientStock("only %d in stock", stock)
	}
	if quantity > domain.MaxCartQuantity {
		return domain.InvalidFields(map[string]string{"quantity": "must be at most 99 per product"})
	}
	row := &cartItemRow{CartID: cartID, ProductID: productID, Quantity: quantity, AddedAt: s.timestamp()}
	_, err := tx.NewInsert().Model(row).
		On("CONFLICT (cart_id, product_id) DO UPDATE").Set("quantity = EXCLUDED.quantity").Exec(ctx)
	if err != nil {
		return internal("set cart line", err)
	}
	return nil
}

func (s cartService) RemoveItem(ctx context.Context, key domain.CartKey, productID int64) (*domain.Cart, error) {
	if key.IsZero() {
		return domain.NewCart(nil, s.currency), nil
	}
	return s.writeCart(ctx, key, func(ctx context.Context, tx bun.Tx, cartID int64) error {
		_, err := tx.NewDelete().Model((*cartItemRow)(nil)).Where("cart_id = ? AND product_id = ?", cartID, productID).Exec(ctx)
		return internal("remove cart line", err)
	})
}

// writeCart runs fn on the key's cart (created if needed) in a transaction
// and returns the cart afterwards.
func (s *Store) writeCart(ctx context.Context, key domain.CartKey, fn func(ctx context.Context, tx bun.Tx, cartID int64) error) (*domain.Cart, error) {
	var cart *domain.Cart
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		id, err := s.ensureCart(ctx, tx, key)
		if err != nil {
			return err
		}
		if err := fn(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*cartRow)(nil)).Set("updated_at = ?", s.timestamp()).Where("id = ?", id).Exec(ctx); err != nil {
			return internal("touch cart", err)
		}
		cart, err = s.loadCart(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return cart, nil
}

func (s cartService) MergeGuestCart(ctx context.Context, guestToken string, userID int64) (*domain.Cart, error) {
	var cart *domain.Cart
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		guestID := int64(0)
		if guestToken != "" {
			var err error
			if guestID, err = s.cartID(ctx, tx, domain.CartKey{Token: guestToken}); err != nil {
				return err
			}
		}
		if guestID == 0 {
			id, err := s.cartID(ctx, tx, domain.CartKey{UserID: userID})
			if err != nil {
				return err
			}
			cart, err = s.loadCart(ctx, tx, id)
			return err
		}
		userCart, err := s.ensureCart(ctx, tx, domain.CartKey{UserID: userID})
		if err != nil {
			return err
		}
		guestLines, err := s.cartLines(ctx, tx, guestID)
		if err != nil {
			return err
		}
		userLines, err := s.cartLines(ctx, tx, userCart)
		if err != nil {
			return err
		}
		have := map[int64]int{}
		for _, l := range userLines {
			have[l.ProductID] = l.Quantity
		}
		for _, l := range guestLines {
			if !l.Active {
				continue
			}
			q := min(have[l.ProductID]+l.Quantity, l.Stock, domain.MaxCartQuantity)
			if q <= 0 || q == have[l.ProductID] {
				continue
			}
			if err := s.setLine(ctx, tx, userCart, l.ProductID, q, l.Stock); err != nil {
				return err
			}
		}
		if _, err := tx.NewDelete().Model((*cartRow)(nil)).Where("id = ?", guestID).Exec(ctx); err != nil {
			return internal("delete guest cart", err)
		}
		cart, err = s.loadCart(ctx, tx, userCart)
		return err
	})
	if err != nil {
		return nil, err
	}
	return cart, nil
}
