package domain

import (
	"context"
	"strings"
	"unicode/utf8"
)

// ProductCreate is an admin's new product (JSON as in docs/api.md).
type ProductCreate struct {
	SKU          string            `json:"sku"`
	Name         string            `json:"name"`
	Slug         *string           `json:"slug"` // default: Slugify(Name)
	Description  string            `json:"description"`
	Price        int64             `json:"price"` // minor units
	CategorySlug string            `json:"category_slug"`
	Images       []string          `json:"images"` // default: [ProductImagePath(SKU)]
	Attributes   map[string]string `json:"attributes"`
	Stock        int               `json:"stock"`
	Active       *bool             `json:"active"`   // default true
	Featured     *bool             `json:"featured"` // default false
}

// Validate checks every field (422 with fields).
func (in ProductCreate) Validate() error {
	fe := fieldErrors{}
	validateSKU(fe, in.SKU)
	validateName(fe, in.Name)
	if in.Slug != nil {
		validateSlug(fe, *in.Slug)
	} else if Slugify(in.Name) == "" && strings.TrimSpace(in.Name) != "" {
		fe.add("slug", "cannot be derived from the name; give one")
	}
	validateDescription(fe, in.Description)
	validatePrice(fe, in.Price)
	if strings.TrimSpace(in.CategorySlug) == "" {
		fe.add("category_slug", "is required")
	}
	fe.checkText("category_slug", in.CategorySlug)
	validateImages(fe, in.Images)
	validateAttributes(fe, in.Attributes)
	validateStock(fe, "stock", in.Stock)
	return fe.err()
}

// MaxStock bounds a product's stock and a single adjustment (the column is
// a 32-bit integer; nobody stocks a billion of anything).
const MaxStock = 1_000_000_000

func validateStock(fe fieldErrors, field string, n int) {
	if n < 0 {
		fe.add(field, "must not be negative")
	} else if n > MaxStock {
		fe.add(field, "must be at most 1000000000")
	}
}

// ProductUpdate is a partial update; nil fields stay.
type ProductUpdate struct {
	SKU          *string            `json:"sku"`
	Name         *string            `json:"name"`
	Slug         *string            `json:"slug"`
	Description  *string            `json:"description"`
	Price        *int64             `json:"price"`
	CategorySlug *string            `json:"category_slug"`
	Images       *[]string          `json:"images"`
	Attributes   *map[string]string `json:"attributes"`
	Stock        *int               `json:"stock"`
	Active       *bool              `json:"active"`
	Featured     *bool              `json:"featured"`
}

// Validate checks the fields that are set.
func (in ProductUpdate) Validate() error {
	fe := fieldErrors{}
	if in.SKU != nil {
		validateSKU(fe, *in.SKU)
	}
	if in.Name != nil {
		validateName(fe, *in.Name)
	}
	if in.Slug != nil {
		validateSlug(fe, *in.Slug)
	}
	if in.Description != nil {
		validateDescription(fe, *in.Description)
	}
	if in.Price != nil {
		validatePrice(fe, *in.Price)
	}
	if in.CategorySlug != nil {
		if strings.TrimSpace(*in.CategorySlug) == "" {
			fe.add("category_slug", "must not be empty")
		}
		fe.checkText("category_slug", *in.CategorySlug)
	}
	if in.Images != nil {
		validateImages(fe, *in.Images)
	}
	if in.Attributes != nil {
		validateAttributes(fe, *in.Attributes)
	}
	if in.Stock != nil {
		validateStock(fe, "stock", *in.Stock)
	}
	return fe.err()
}

func validateSKU(fe fieldErrors, s string) {
	if !ValidSKU(s) {
		fe.add("sku", "must be 2-40 upper-case letters, digits or dashes")
	}
}

func validateName(fe fieldErrors, s string) {
	fe.checkText("name", s)
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n == 0 {
		fe.add("name", "is required")
	} else if n > MaxProductNameLen {
		fe.add("name", tooLong(MaxProductNameLen))
	}
}

func validateSlug(fe fieldErrors, s string) {
	if !ValidSlug(s) {
		fe.add("slug", "must be lower-case letters, digits and single dashes")
	}
}

func validateDescription(fe fieldErrors, s string) {
	fe.checkText("description", s)
	if utf8.RuneCountInString(s) > MaxDescriptionLen {
		fe.add("description", tooLong(MaxDescriptionLen))
	}
}

// MaxPrice bounds a product price (minor units): 1,000,000.00.
const MaxPrice = 100_000_000

func validatePrice(fe fieldErrors, p int64) {
	if p < 0 {
		fe.add("price", "must not be negative")
	} else if p > MaxPrice {
		fe.add("price", "is too large")
	}
}

func validateImages(fe fieldErrors, imgs []string) {
	if len(imgs) > 10 {
		fe.add("images", "at most 10 images")
	}
	fe.checkText("images", imgs...)
	for _, s := range imgs {
		if s == "" || len(s) > 500 {
			fe.add("images", "each image must be a non-empty URL of at most 500 characters")
		}
	}
}

func validateAttributes(fe fieldErrors, attrs map[string]string) {
	if len(attrs) > 30 {
		fe.add("attributes", "at most 30 attributes")
	}
	for k, v := range attrs {
		fe.checkText("attributes", k, v)
		if k == "" || len(k) > 50 || len(v) > 200 {
			fe.add("attributes", "keys must be 1-50 and values at most 200 characters")
		}
	}
}

// StockAdjust changes a product's stock: exactly one of Delta (relative)
// or Stock (absolute). Stock never goes below zero (ECONFLICT).
type StockAdjust struct {
	Delta *int `json:"delta"`
	Stock *int `json:"stock"`
}

// Validate requires exactly one of delta or stock.
func (in StockAdjust) Validate() error {
	switch {
	case in.Delta == nil && in.Stock == nil:
		return InvalidFields(map[string]string{"delta": "give delta or stock"})
	case in.Delta != nil && in.Stock != nil:
		return InvalidFields(map[string]string{"delta": "give either delta or stock, not both"})
	case in.Stock != nil:
		fe := fieldErrors{}
		validateStock(fe, "stock", *in.Stock)
		return fe.err()
	case *in.Delta < -MaxStock || *in.Delta > MaxStock:
		return InvalidFields(map[string]string{"delta": "must be between -1000000000 and 1000000000"})
	}
	return nil
}

// OrderStatusUpdate is an admin's status change. Moving to shipped needs
// a carrier and tracking number; other moves take none.
type OrderStatusUpdate struct {
	Status         OrderStatus `json:"status"`
	Carrier        string      `json:"carrier,omitempty"`
	TrackingNumber string      `json:"tracking_number,omitempty"`
}

// Validate checks the status is known and the shipment (the tracking
// number as NormalizeTrackingNumber makes it; the store stores it so).
func (in OrderStatusUpdate) Validate() error {
	fe := fieldErrors{}
	if !in.Status.Valid() {
		fe.add("status", "must be one of pending, paid, shipped, delivered, cancelled")
	}
	if in.Status == OrderShipped {
		validateShipment(fe, in.Carrier, NormalizeTrackingNumber(in.TrackingNumber))
	} else if in.Carrier != "" || in.TrackingNumber != "" {
		fe.add("carrier", "only a move to shipped takes a carrier and tracking number")
	}
	return fe.err()
}

// AdminService is the back office. Callers must have checked the admin role.
type AdminService interface {
	// ListProducts is CatalogService.ListProducts with inactive products
	// included.
	ListProducts(ctx context.Context, f ProductFilter) (*Page[Product], error)
	// CreateProduct adds a product; ECONFLICT on a duplicate SKU or slug,
	// EINVALID (field category_slug) for an unknown category.
	CreateProduct(ctx context.Context, in ProductCreate) (*Product, error)
	UpdateProduct(ctx context.Context, id int64, in ProductUpdate) (*Product, error)
	// DeactivateProduct sets active=false (orders refer to products, so
	// they are never deleted).
	DeactivateProduct(ctx context.Context, id int64) (*Product, error)
	AdjustStock(ctx context.Context, id int64, in StockAdjust) (*Product, error)
	// ListOrders returns every customer's orders (newest first) with
	// Customer filled.
	ListOrders(ctx context.Context, f OrderFilter) (*Page[Order], error)
	// Order is one order with its customer, payment records and history.
	Order(ctx context.Context, id int64) (*OrderDetail, error)
	// UpdateOrderStatus moves an order along CanTransition (ECONFLICT
	// otherwise), recording `by` in its history; shipping stores the
	// carrier and tracking number; cancelling refunds and restores stock
	// (see the store's cancellation for the guarantees).
	UpdateOrderStatus(ctx context.Context, id int64, by Actor, in OrderStatusUpdate) (*Order, error)
	// ListCustomers lists customers (oldest first) with their order counts.
	ListCustomers(ctx context.Context, f CustomerFilter) (*Page[CustomerSummary], error)
}
