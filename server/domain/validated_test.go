package domain_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// The input rules, pure: every case names the exact fields and messages
// the API answers with (the client maps them to its own copy), at a fixed
// clock.

var ruleClock = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func goodAddress() domain.Address {
	return domain.Address{Name: "Ada", Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "US"}
}

func goodCheckout() domain.PlaceOrderInput {
	total := int64(1000)
	return domain.PlaceOrderInput{ShippingAddress: goodAddress(), ShippingMethod: "standard", ExpectedTotal: &total,
		Payment:        domain.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2027, CVC: "123"},
		IdempotencyKey: "key-1"}
}

func TestRules(t *testing.T) {
	withCard := func(mod func(*domain.Card)) domain.PlaceOrderInput {
		in := goodCheckout()
		mod(&in.Payment)
		return in
	}
	noTotal := goodCheckout()
	noTotal.ExpectedTotal = nil
	badBody := goodCheckout()
	badBody.ShippingMethod = "drone"
	guest := func(in domain.PlaceOrderInput, email string) domain.PlaceOrderInput { in.Email = email; return in }
	long := strings.Repeat("x", 101)
	tests := []struct {
		name string
		err  error
		want map[string]string // nil: valid
	}{
		{"quantity 1", domain.ValidateQuantity(1), nil},
		{"quantity 99", domain.ValidateQuantity(99), nil},
		{"quantity 0", domain.ValidateQuantity(0), map[string]string{"quantity": "must be at least 1"}},
		{"quantity 100", domain.ValidateQuantity(100), map[string]string{"quantity": "must be at most 99"}},

		{"page defaults", domain.PageRequest(nil, nil).Validate(), nil},
		{"page bounds", domain.PageRequest(ptr(domain.MaxPage), ptr(domain.MaxPerPage)).Validate(), nil},
		{"page 0, per_page 101", domain.PageRequest(ptr(0), ptr(101)).Validate(),
			map[string]string{"page": "must be between 1 and 1000000", "per_page": "must be between 1 and 100"}},

		{"checkout ok", goodCheckout().ValidateCheckout(false, ruleClock), nil},
		{"card expiring this month", withCard(func(c *domain.Card) { c.ExpMonth, c.ExpYear = 11, 2026 }).ValidateCheckout(false, ruleClock), nil},
		{"card expired last month", withCard(func(c *domain.Card) { c.ExpMonth, c.ExpYear = 10, 2026 }).ValidateCheckout(false, ruleClock),
			map[string]string{"payment.exp_month": "card has expired"}},
		{"card year past", withCard(func(c *domain.Card) { c.ExpYear = 2025 }).ValidateCheckout(false, ruleClock),
			map[string]string{"payment.exp_year": "is not a valid expiry year"}},
		{"card year too far", withCard(func(c *domain.Card) { c.ExpYear = 2047 }).ValidateCheckout(false, ruleClock),
			map[string]string{"payment.exp_year": "is not a valid expiry year"}},
		{"card number and cvc", withCard(func(c *domain.Card) { c.Number, c.CVC = "4242424242424241", "12" }).ValidateCheckout(false, ruleClock),
			map[string]string{"payment.card_number": "is not a valid card number", "payment.cvc": "must be 3 or 4 digits"}},
		{"expected total missing", noTotal.ValidateCheckout(false, ruleClock), map[string]string{"expected_total": "is required"}},
		{"idempotency key", func() error {
			in := goodCheckout()
			in.IdempotencyKey = "with space"
			return in.ValidateCheckout(false, ruleClock)
		}(),
			map[string]string{"idempotency_key": "Idempotency-Key header must be 1-255 printable characters"}},
		{"customer e-mail not checked", guest(goodCheckout(), "").ValidateCheckout(false, ruleClock), nil},
		{"guest e-mail missing", guest(goodCheckout(), "").ValidateCheckout(true, ruleClock), map[string]string{"email": "is required"}},
		{"guest e-mail bad", guest(goodCheckout(), "nope").ValidateCheckout(true, ruleClock), map[string]string{"email": "must be a valid e-mail address"}},
		{"guest body and e-mail together", guest(badBody, "").ValidateCheckout(true, ruleClock),
			map[string]string{"shipping_method": "must be standard or express", "email": "is required"}},

		{"admin account ok", domain.ValidateAdminAccount("root@example.com", "12345678"), nil},
		{"admin account bad", domain.ValidateAdminAccount("root", "short"),
			map[string]string{"email": "must be a valid e-mail address", "password": "must be 8 to 128 characters"}},

		{"mail ok", domain.MailMessage{To: "a@example.com", Subject: "s", Text: "t"}.Validate(), nil},
		{"mail recipient", domain.MailMessage{To: "not an address", Subject: "s", Text: "t"}.Validate(),
			map[string]string{"to": "must be a valid e-mail address"}},

		{"login", domain.LoginInput{Email: " ", Password: ""}.Validate(), map[string]string{"email": "is required", "password": "is required"}},
		{"profile name", domain.ProfileUpdate{Name: ptr("  ")}.Validate(), map[string]string{"name": "is required"}},
		{"profile unchanged", domain.ProfileUpdate{}.Validate(), nil},
		{"reset request", domain.PasswordResetRequest{Email: "x"}.Validate(), map[string]string{"email": "must be a valid e-mail address"}},
		{"reset confirm", domain.PasswordResetConfirm{Password: "short"}.Validate(),
			map[string]string{"token": "is required", "password": "must be 8 to 128 characters"}},
		{"password change", domain.PasswordChange{NewPassword: "12345678"}.Validate(), map[string]string{"current_password": "is required"}},
		{"order filter", domain.OrderFilter{Status: ptr(domain.OrderStatus("lost"))}.Validate(),
			map[string]string{"status": "must be one of pending, paid, shipped, delivered, cancelled"}},
		{"customer filter", domain.CustomerFilter{Query: &long}.Validate(), map[string]string{"q": "must be at most 100 characters"}},
		{"stock both", domain.StockAdjust{Delta: ptr(1), Stock: ptr(1)}.Validate(), map[string]string{"delta": "give either delta or stock, not both"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				if tt.err != nil {
					t.Fatalf("want valid, got %v", tt.err)
				}
				return
			}
			if domain.ErrorCode(tt.err) != domain.EINVALID {
				t.Fatalf("want invalid, got %v", tt.err)
			}
			if got := domain.ErrorFields(tt.err); !maps.Equal(got, tt.want) {
				t.Fatalf("fields %v, want %v", got, tt.want)
			}
		})
	}
	if err := (domain.MailMessage{To: "a@example.com", Text: "t"}).Validate(); domain.ErrorCode(err) != domain.EINVALID || domain.ErrorFields(err) != nil {
		t.Errorf("a message without subject: %v, want invalid without fields", err)
	}
}

// Fakes for the service layer: each records what reached it.

type fakeOrders struct {
	domain.OrderService
	placed []domain.PlaceOrderInput
	listed []domain.Pagination
}

func (f *fakeOrders) PlaceOrder(_ context.Context, _ int64, in domain.PlaceOrderInput) (*domain.Order, bool, error) {
	f.placed = append(f.placed, in)
	return &domain.Order{}, true, nil
}

func (f *fakeOrders) ListOrders(_ context.Context, _ int64, p domain.Pagination) (*domain.Page[domain.Order], error) {
	f.listed = append(f.listed, p)
	return &domain.Page[domain.Order]{}, nil
}

type fakeCarts struct {
	domain.CartService
	added int
}

func (f *fakeCarts) AddItem(context.Context, domain.CartKey, int64, int) (*domain.Cart, error) {
	f.added++
	return &domain.Cart{}, nil
}

type fakeAccounts struct {
	domain.AccountService
	registered []domain.RegisterInput
	addresses  []domain.Address
}

func (f *fakeAccounts) Register(_ context.Context, in domain.RegisterInput) (*domain.User, *domain.Session, error) {
	f.registered = append(f.registered, in)
	return &domain.User{}, &domain.Session{}, nil
}

func (f *fakeAccounts) CreateAddress(_ context.Context, _ int64, a domain.Address) (*domain.Address, error) {
	f.addresses = append(f.addresses, a)
	return &a, nil
}

// fakeLinks knows one order link: "good" (a guest's order) and
// "taken" (an order with an account); "old" has expired.
type fakeLinks struct {
	domain.GuestOrderService
	at []time.Time
}

func (f *fakeLinks) OrderByLinkToken(_ context.Context, token string, now time.Time) (*domain.Order, error) {
	f.at = append(f.at, now)
	switch token {
	case "good":
		return &domain.Order{}, nil
	case "taken":
		return &domain.Order{UserID: 7}, nil
	case "old":
		return nil, domain.Forbidden("expired")
	}
	return nil, domain.NotFound("no such link")
}

func TestServiceLayer(t *testing.T) {
	ctx := context.Background()
	now := ruleClock
	orders, carts, accounts, links := &fakeOrders{}, &fakeCarts{}, &fakeAccounts{}, &fakeLinks{}
	svc := domain.Validated(domain.Services{Orders: orders, Carts: carts, Accounts: accounts, GuestOrders: links},
		func() time.Time { return now })

	t.Run("checkout at the injected clock", func(t *testing.T) {
		in := goodCheckout()
		in.Payment.ExpMonth, in.Payment.ExpYear = 11, 2026 // the clock's own month
		if _, _, err := svc.Orders.PlaceOrder(ctx, 1, in); err != nil {
			t.Fatalf("a card expiring this month: %v", err)
		}
		now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		defer func() { now = ruleClock }()
		_, _, err := svc.Orders.PlaceOrder(ctx, 1, in)
		if domain.ErrorFields(err)["payment.exp_month"] != "card has expired" {
			t.Fatalf("a month later: %v", err)
		}
		if len(orders.placed) != 1 {
			t.Fatalf("%d checkouts reached the store, want only the valid one", len(orders.placed))
		}
	})

	t.Run("checkout input is normalized", func(t *testing.T) {
		orders.placed = nil
		in := goodCheckout()
		in.ShippingAddress.Country, in.ShippingAddress.City = " us ", " Springfield "
		in.Email = "  Guest@Example.COM "
		if _, _, err := svc.Orders.PlaceOrder(ctx, 0, in); err != nil {
			t.Fatal(err)
		}
		in.Email = "someone@example.com"
		if _, _, err := svc.Orders.PlaceOrder(ctx, 5, in); err != nil {
			t.Fatal(err)
		}
		g, c := orders.placed[0], orders.placed[1]
		if g.Email != "guest@example.com" || g.ShippingAddress.Country != "US" || g.ShippingAddress.City != "Springfield" {
			t.Errorf("guest checkout reached the store as %+v", g)
		}
		if c.Email != "" {
			t.Errorf("a customer's body e-mail %q reached the store (the account's is used)", c.Email)
		}
	})

	t.Run("invalid input never reaches the store", func(t *testing.T) {
		_, err := svc.Carts.AddItem(ctx, domain.CartKey{UserID: 1}, 0, 100)
		want := map[string]string{"product_id": "must be greater than 0", "quantity": "must be at most 99"}
		if got := domain.ErrorFields(err); !maps.Equal(got, want) {
			t.Fatalf("fields %v, want %v", got, want)
		}
		if _, err := svc.Orders.ListOrders(ctx, 1, domain.PageRequest(ptr(0), nil)); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("page 0: %v", err)
		}
		if _, err := svc.Accounts.CreateAddress(ctx, 1, domain.Address{Country: "US"}); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("empty address: %v", err)
		}
		if carts.added != 0 || len(orders.listed) != 0 || len(accounts.addresses) != 0 {
			t.Fatalf("reached the store: %d cart adds, %d order lists, %d addresses", carts.added, len(orders.listed), len(accounts.addresses))
		}
	})

	t.Run("registration checks its order token first", func(t *testing.T) {
		reg := func(token string) error {
			_, _, err := svc.Accounts.Register(ctx, domain.RegisterInput{Email: " Eve@Example.com ", Password: "long enough", Name: "Eve", OrderToken: token})
			return err
		}
		for token, want := range map[string]map[string]string{
			"bogus": {"order_token": "is not a valid order link"},
			"old":   {"order_token": "has expired"},
		} {
			if got := domain.ErrorFields(reg(token)); !maps.Equal(got, want) {
				t.Errorf("token %q: fields %v, want %v", token, got, want)
			}
		}
		if err := reg("taken"); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("an order with an account: %v, want conflict", err)
		}
		if len(accounts.registered) != 0 {
			t.Fatalf("%d registrations reached the store", len(accounts.registered))
		}
		if err := reg("good"); err != nil {
			t.Fatal(err)
		}
		if got := accounts.registered[0].Email; got != "eve@example.com" {
			t.Errorf("e-mail reached the store as %q", got)
		}
		for _, at := range links.at {
			if !at.Equal(ruleClock) {
				t.Errorf("order link checked at %v, not at the injected clock", at)
			}
		}
	})

	t.Run("wiring twice is one layer", func(t *testing.T) {
		again := domain.Validated(svc, time.Now)
		if again.Orders != svc.Orders || again.Carts != svc.Carts {
			t.Fatal("Validated wrapped the service layer again")
		}
		if domain.Validated(domain.Services{}, nil).Orders != nil {
			t.Fatal("a nil service became non-nil")
		}
	})
}
