package domain

import (
	"context"
	"crypto/rand"
	"encoding/base64"
)

// CartKey names a cart: the customer's (UserID > 0) or a guest's (Token,
// the shop_cart cookie value). UserID wins when both are set.
type CartKey struct {
	UserID int64
	Token  string
}

// IsZero reports whether the key names no cart (a guest without cookie).
func (k CartKey) IsZero() bool { return k.UserID == 0 && k.Token == "" }

// NewToken returns 32 random bytes, URL-safe base64 without padding: the
// value of a fresh shop_cart cookie (and of session tokens).
func NewToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CartItem is one line of a cart, priced at the product's current price.
type CartItem struct {
	ProductID int64  `json:"product_id"`
	SKU       string `json:"sku"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Image     string `json:"image"`
	UnitPrice Money  `json:"unit_price"`
	Quantity  int    `json:"quantity"`
	LineTotal Money  `json:"line_total"`
	Stock     int    `json:"stock"`
	// Available is false when the product was deactivated or is sold out
	// (no stock at all). A line asking for more than Stock is still
	// available: AvailableQuantity says how many can be bought, and
	// checkout refuses the cart until the line is reduced to that.
	Available bool `json:"available"`
	// AvailableQuantity is how many units of the product can be bought
	// now: min(Stock, MaxCartQuantity), 0 when unavailable.
	AvailableQuantity int `json:"available_quantity"`
}

// Cart is the API's Cart. Build it with NewCart so totals are consistent.
type Cart struct {
	Items     []CartItem `json:"items"`
	ItemCount int        `json:"item_count"` // sum of quantities
	Subtotal  Money      `json:"subtotal"`
}

// NewCart computes line totals, item count and subtotal. items only need
// UnitPrice, Quantity, Stock and whether the product is active (Available
// on input); Available is recomputed as active && Stock > 0 and
// AvailableQuantity from it.
func NewCart(items []CartItem, currency string) *Cart {
	c := &Cart{Items: make([]CartItem, 0, len(items)), Subtotal: Money{Currency: currency}}
	for _, it := range items {
		it.LineTotal = it.UnitPrice.Times(it.Quantity)
		it.Available = it.Available && it.Stock > 0
		it.AvailableQuantity = 0
		if it.Available {
			it.AvailableQuantity = min(it.Stock, MaxCartQuantity)
		}
		c.ItemCount += it.Quantity
		c.Subtotal = c.Subtotal.Plus(it.LineTotal)
		c.Items = append(c.Items, it)
	}
	return c
}

// MaxCartQuantity caps one line's quantity.
const MaxCartQuantity = 99

// ValidateQuantity checks a cart quantity (1-99).
func ValidateQuantity(q int) error {
	fe := fieldErrors{}
	checkQuantity(fe, q)
	return fe.err()
}

func checkQuantity(fe fieldErrors, q int) {
	if q < 1 {
		fe.add("quantity", "must be at least 1")
	} else if q > MaxCartQuantity {
		fe.add("quantity", "must be at most 99")
	}
}

// CartService keeps carts: a guest's by token, a customer's by user id.
// Reads of a cart that does not exist answer an empty cart; writes create
// it. Quantities beyond stock are EINSUFFICIENTSTOCK, unknown or inactive
// products ENOTFOUND.
type CartService interface {
	Cart(ctx context.Context, key CartKey) (*Cart, error)
	// AddItem adds quantity to the product's line (creating it).
	AddItem(ctx context.Context, key CartKey, productID int64, quantity int) (*Cart, error)
	// SetQuantity sets a line's quantity; ENOTFOUND if the line is absent.
	SetQuantity(ctx context.Context, key CartKey, productID int64, quantity int) (*Cart, error)
	// RemoveItem deletes a line (absent lines are not an error).
	RemoveItem(ctx context.Context, key CartKey, productID int64) (*Cart, error)
	// MergeGuestCart moves the guest cart's lines into the user's cart
	// (quantities add, capped at stock) and deletes the guest cart. An
	// unknown token is not an error.
	MergeGuestCart(ctx context.Context, guestToken string, userID int64) (*Cart, error)
}
