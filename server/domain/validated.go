package domain

import (
	"context"
	"strings"
	"time"
)

// The service layer: every input rule of the storefront runs here, once,
// as in benbjohnson/wtf's domain package. Handlers (server/httpapi) only
// parse a request into these types and call the services; the store
// (server/store) trusts what reaches it and only enforces what the
// database alone knows (existence, uniqueness, stock under lock, a cart
// that changed). The rules themselves are the Validate methods of the
// input types (account.go, admin.go, catalog.go, ...), with the limits of
// limits.go and the errors of errors.go.

// Validated returns inner behind the service layer: each call checks its
// input (normalized first, where the type has a Normalize) and only then
// reaches inner. now is the one clock of every rule that depends on time
// (a card's expiry, an order link's); nil means time.Now. Services that
// are already behind it are returned as they are, so wiring it twice is
// harmless; nil services stay nil.
func Validated(inner Services, now func() time.Time) Services {
	if inner.validated {
		return inner
	}
	if now == nil {
		now = time.Now
	}
	out := inner
	out.validated = true
	if inner.Catalog != nil {
		out.Catalog = &validCatalog{inner.Catalog}
	}
	if inner.Search != nil {
		out.Search = &validSearch{inner.Search}
	}
	if inner.Accounts != nil {
		out.Accounts = &validAccounts{AccountService: inner.Accounts, links: inner.GuestOrders, now: now}
	}
	if inner.Carts != nil {
		out.Carts = &validCarts{inner.Carts}
	}
	if inner.Orders != nil {
		out.Orders = &validOrders{OrderService: inner.Orders, now: now}
	}
	if inner.Admin != nil {
		out.Admin = &validAdmin{inner.Admin}
	}
	if inner.Recovery != nil {
		out.Recovery = &validRecovery{inner.Recovery}
	}
	if inner.Mail != nil {
		out.Mail = &validMail{inner.Mail}
	}
	return out
}

type validCatalog struct{ CatalogService }

func (v validCatalog) ListProducts(ctx context.Context, f ProductFilter) (*Page[Product], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return v.CatalogService.ListProducts(ctx, f)
}

type validSearch struct{ SearchService }

func (v validSearch) Search(ctx context.Context, q SearchQuery) (*Page[Product], error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return v.SearchService.Search(ctx, q)
}

type validAccounts struct {
	AccountService
	links GuestOrderService // checks a registration's order token; may be nil
	now   func() time.Time
}

// Register also checks the order token a guest may register with, before
// anything is written (422 on order_token, or ECONFLICT when the order
// already has an account).
func (v validAccounts) Register(ctx context.Context, in RegisterInput) (*User, *Session, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	if err := v.checkOrderToken(ctx, in.OrderToken); err != nil {
		return nil, nil, err
	}
	return v.AccountService.Register(ctx, in)
}

func (v validAccounts) checkOrderToken(ctx context.Context, token string) error {
	if token == "" || v.links == nil {
		return nil
	}
	o, err := v.links.OrderByLinkToken(ctx, token, v.now())
	switch ErrorCode(err) {
	case "":
	case ENOTFOUND:
		return InvalidFields(map[string]string{"order_token": "is not a valid order link"})
	case EFORBIDDEN:
		return InvalidFields(map[string]string{"order_token": "has expired"})
	default:
		return err
	}
	if o.UserID != 0 {
		return Conflict("this order already belongs to an account")
	}
	return nil
}

func (v validAccounts) Login(ctx context.Context, in LoginInput) (*User, *Session, error) {
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	return v.AccountService.Login(ctx, in)
}

func (v validAccounts) UpdateProfile(ctx context.Context, userID int64, in ProfileUpdate) (*User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		in.Name = &name
	}
	return v.AccountService.UpdateProfile(ctx, userID, in)
}

func (v validAccounts) CreateAddress(ctx context.Context, userID int64, a Address) (*Address, error) {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return v.AccountService.CreateAddress(ctx, userID, a)
}

func (v validAccounts) UpdateAddress(ctx context.Context, userID, addressID int64, a Address) (*Address, error) {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return v.AccountService.UpdateAddress(ctx, userID, addressID, a)
}

func (v validAccounts) EnsureAdmin(ctx context.Context, email, password string) (*User, error) {
	email = NormalizeEmail(email)
	if err := ValidateAdminAccount(email, password); err != nil {
		return nil, err
	}
	return v.AccountService.EnsureAdmin(ctx, email, password)
}

type validCarts struct{ CartService }

func (v validCarts) AddItem(ctx context.Context, key CartKey, productID int64, quantity int) (*Cart, error) {
	fe := fieldErrors{}
	if productID < 1 {
		fe.add("product_id", "must be greater than 0")
	}
	checkQuantity(fe, quantity)
	if err := fe.err(); err != nil {
		return nil, err
	}
	return v.CartService.AddItem(ctx, key, productID, quantity)
}

func (v validCarts) SetQuantity(ctx context.Context, key CartKey, productID int64, quantity int) (*Cart, error) {
	if err := ValidateQuantity(quantity); err != nil {
		return nil, err
	}
	return v.CartService.SetQuantity(ctx, key, productID, quantity)
}

type validOrders struct {
	OrderService
	now func() time.Time
}

// PlaceOrder checks a checkout at the layer's clock: the body, and for a
// guest (userID 0) the contact e-mail, reported together. A customer's
// e-mail is the account's: one in the body is dropped.
func (v validOrders) PlaceOrder(ctx context.Context, userID int64, in PlaceOrderInput) (*Order, bool, error) {
	in.ShippingAddress.Normalize()
	if userID > 0 {
		in.Email = ""
	} else {
		in.Email = NormalizeEmail(in.Email)
	}
	if err := in.ValidateCheckout(userID == 0, v.now()); err != nil {
		return nil, false, err
	}
	return v.OrderService.PlaceOrder(ctx, userID, in)
}

func (v validOrders) ListOrders(ctx context.Context, userID int64, p Pagination) (*Page[Order], error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return v.OrderService.ListOrders(ctx, userID, p)
}

type validAdmin struct{ AdminService }

func (v validAdmin) ListProducts(ctx context.Context, f ProductFilter) (*Page[Product], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.ListProducts(ctx, f)
}

func (v validAdmin) CreateProduct(ctx context.Context, in ProductCreate) (*Product, error) {
	in.Name = strings.TrimSpace(in.Name)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.CreateProduct(ctx, in)
}

func (v validAdmin) UpdateProduct(ctx context.Context, id int64, in ProductUpdate) (*Product, error) {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		in.Name = &name
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.UpdateProduct(ctx, id, in)
}

func (v validAdmin) AdjustStock(ctx context.Context, id int64, in StockAdjust) (*Product, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.AdjustStock(ctx, id, in)
}

func (v validAdmin) ListOrders(ctx context.Context, f OrderFilter) (*Page[Order], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.ListOrders(ctx, f)
}

func (v validAdmin) UpdateOrderStatus(ctx context.Context, id int64, by Actor, in OrderStatusUpdate) (*Order, error) {
	in.TrackingNumber = NormalizeTrackingNumber(in.TrackingNumber)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.UpdateOrderStatus(ctx, id, by, in)
}

func (v validAdmin) ListCustomers(ctx context.Context, f CustomerFilter) (*Page[CustomerSummary], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return v.AdminService.ListCustomers(ctx, f)
}

type validRecovery struct{ RecoveryService }

func (v validRecovery) RequestPasswordReset(ctx context.Context, in PasswordResetRequest, compose ComposeReset) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return v.RecoveryService.RequestPasswordReset(ctx, in, compose)
}

func (v validRecovery) ResetPassword(ctx context.Context, in PasswordResetConfirm) (*User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return v.RecoveryService.ResetPassword(ctx, in)
}

func (v validRecovery) ChangePassword(ctx context.Context, userID int64, keepToken string, in PasswordChange) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return v.RecoveryService.ChangePassword(ctx, userID, keepToken, in)
}

type validMail struct{ MailService }

func (v validMail) Enqueue(ctx context.Context, msg MailMessage) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	return v.MailService.Enqueue(ctx, msg)
}
