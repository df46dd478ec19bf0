package domain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

func TestErrorCode(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{domain.NotFound("x"), domain.ENOTFOUND},
		{fmt.Errorf("wrapped: %w", domain.Conflict("dup")), domain.ECONFLICT},
		{errors.New("boom"), domain.EINTERNAL},
		{domain.InvalidFields(map[string]string{"a": "b"}), domain.EINVALID},
	}
	for _, tt := range tests {
		if got := domain.ErrorCode(tt.err); got != tt.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if got := domain.ErrorMessage(errors.New("secret detail")); got != "internal error" {
		t.Errorf("ErrorMessage of a plain error = %q", got)
	}
	if f := domain.ErrorFields(domain.InvalidFields(map[string]string{"q": "bad"})); f["q"] != "bad" {
		t.Errorf("ErrorFields = %v", f)
	}
}

func TestTransitions(t *testing.T) {
	all := []domain.OrderStatus{domain.OrderPending, domain.OrderPaid, domain.OrderShipped, domain.OrderDelivered, domain.OrderCancelled}
	allowed := map[[2]domain.OrderStatus]bool{
		{domain.OrderPending, domain.OrderPaid}:      true,
		{domain.OrderPaid, domain.OrderShipped}:      true,
		{domain.OrderShipped, domain.OrderDelivered}: true,
		{domain.OrderPending, domain.OrderCancelled}: true,
		{domain.OrderPaid, domain.OrderCancelled}:    true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := domain.CanTransition(from, to); got != allowed[[2]domain.OrderStatus{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestNewCart(t *testing.T) {
	c := domain.NewCart([]domain.CartItem{
		{ProductID: 1, UnitPrice: domain.NewMoney(1999, "USD"), Quantity: 2, Stock: 5, Available: true},
		{ProductID: 2, UnitPrice: domain.NewMoney(500, "USD"), Quantity: 3, Stock: 2, Available: true},
		{ProductID: 3, UnitPrice: domain.NewMoney(100, "USD"), Quantity: 1, Stock: 9, Available: false},
		{ProductID: 4, UnitPrice: domain.NewMoney(100, "USD"), Quantity: 1, Stock: 0, Available: true},
		{ProductID: 5, UnitPrice: domain.NewMoney(100, "USD"), Quantity: 1, Stock: 500, Available: true},
	}, "USD")
	if c.ItemCount != 8 || c.Subtotal != domain.NewMoney(3998+1500+300, "USD") {
		t.Fatalf("cart totals = %d, %+v", c.ItemCount, c.Subtotal)
	}
	// Available: active and not sold out. A line over stock (product 2) is
	// available, with the quantity that can be bought (issue 12, bug 2).
	type av struct {
		available bool
		quantity  int
	}
	wantAv := []av{{true, 5}, {true, 2}, {false, 0}, {false, 0}, {true, domain.MaxCartQuantity}}
	for i, w := range wantAv {
		if it := c.Items[i]; it.Available != w.available || it.AvailableQuantity != w.quantity {
			t.Fatalf("line %d: available %v/%d, want %v/%d", i, it.Available, it.AvailableQuantity, w.available, w.quantity)
		}
	}
	if c.Items[0].LineTotal.Amount != 3998 {
		t.Fatalf("lines = %+v", c.Items)
	}
	b, _ := json.Marshal(domain.NewCart(nil, "USD"))
	if string(b) != `{"items":[],"item_count":0,"subtotal":{"amount":0,"currency":"USD"}}` {
		t.Fatalf("empty cart JSON = %s", b)
	}
}

func TestLuhnAndCard(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, n := range []string{"4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119"} {
		if !domain.LuhnValid(n) {
			t.Errorf("test card %s fails Luhn", n)
		}
		if err := (domain.Card{Number: n, ExpMonth: 12, ExpYear: 2030, CVC: "123"}).Validate(now); err != nil {
			t.Errorf("card %s: %v", n, err)
		}
	}
	if domain.LuhnValid("4242424242424241") {
		t.Error("bad number passes Luhn")
	}
	err := domain.Card{Number: "4242424242424242", ExpMonth: 10, ExpYear: 2026, CVC: "12"}.Validate(now)
	f := domain.ErrorFields(err)
	if f["payment.exp_month"] == "" || f["payment.cvc"] == "" {
		t.Errorf("expired card / short cvc fields = %v", f)
	}
}

func TestPagination(t *testing.T) {
	p := domain.PageRequest(nil, nil)
	if err := p.Validate(); err != nil || p.Page != 1 || p.PerPage != 24 {
		t.Fatalf("defaults = %+v, %v", p, p.Validate())
	}
	big, zero := 101, 0
	if err := domain.PageRequest(&zero, &big).Validate(); domain.ErrorCode(err) != domain.EINVALID || len(domain.ErrorFields(err)) != 2 {
		t.Fatalf("out of range = %v", err)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		fields []string
	}{
		{"register ok", domain.RegisterInput{Email: "a@example.com", Password: "longenough", Name: "A"}.Validate(), nil},
		{"register bad", domain.RegisterInput{Email: "nope", Password: "short", Name: " "}.Validate(), []string{"email", "password", "name"}},
		{"address", domain.Address{Country: "USA"}.Validate(), []string{"name", "line1", "city", "postal_code", "country"}},
		{"product", domain.ProductCreate{SKU: "bad sku", Price: -1, Stock: -1}.Validate(), []string{"sku", "name", "price", "category_slug", "stock"}},
		{"stock neither", domain.StockAdjust{}.Validate(), []string{"delta"}},
		{"stock delta overflow", domain.StockAdjust{Delta: ptr(1 << 40)}.Validate(), []string{"delta"}},
		{"stock too large", domain.StockAdjust{Stock: ptr(domain.MaxStock + 1)}.Validate(), []string{"stock"}},
		{"update stock too large", domain.ProductUpdate{Stock: ptr(domain.MaxStock + 1)}.Validate(), []string{"stock"}},
		{"page too large", domain.ProductFilter{Page: ptr(1 << 40)}.Validate(), []string{"page"}},
		{"search empty", domain.SearchQuery{Query: "  "}.Validate(), []string{"q"}},
		{"filter", domain.ProductFilter{MinPrice: ptr[int64](5), MaxPrice: ptr[int64](1), Sort: ptr(domain.ProductSort("x"))}.Validate(), []string{"max_price", "sort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fields == nil {
				if tt.err != nil {
					t.Fatalf("unexpected error %v", tt.err)
				}
				return
			}
			f := domain.ErrorFields(tt.err)
			for _, k := range tt.fields {
				if f[k] == "" {
					t.Errorf("field %q missing in %v", k, f)
				}
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	in := domain.PlaceOrderInput{ShippingAddress: domain.Address{Name: "A", Country: "us"}, ShippingMethod: "standard",
		Payment: domain.Card{Number: "4242 4242 4242 4242", ExpMonth: 1, ExpYear: 2030, CVC: "123"}}
	same := in
	same.ShippingAddress.Country = "US"
	same.Payment.Number = "4242424242424242"
	if in.ComputeFingerprint() != same.ComputeFingerprint() {
		t.Error("normalization differences change the fingerprint")
	}
	other := in
	other.ShippingMethod = "express"
	if in.ComputeFingerprint() == other.ComputeFingerprint() {
		t.Error("different body, same fingerprint")
	}
}

func TestSlugify(t *testing.T) {
	if got := domain.Slugify("Linen Shirt, Blue!"); got != "linen-shirt-blue" {
		t.Errorf("Slugify = %q", got)
	}
}

func ptr[T any](v T) *T { return &v }
