package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// OrderStatus is where an order is in its life.
type OrderStatus string

const (
	OrderPending   OrderStatus = "pending"
	OrderPaid      OrderStatus = "paid"
	OrderShipped   OrderStatus = "shipped"
	OrderDelivered OrderStatus = "delivered"
	OrderCancelled OrderStatus = "cancelled"
)

// OrderStatuses are every status, in the order of an order's life (the
// client's list is generated from it: client/src/api/enums.ts).
var OrderStatuses = []OrderStatus{OrderPending, OrderPaid, OrderShipped, OrderDelivered, OrderCancelled}

// Valid reports whether s is a known status.
func (s OrderStatus) Valid() bool { return slices.Contains(OrderStatuses, s) }

// NextStatuses are the statuses an order in from may move to (a copy).
func NextStatuses(from OrderStatus) []OrderStatus { return slices.Clone(transitions[from]) }

var transitions = map[OrderStatus][]OrderStatus{
	OrderPending: {OrderPaid, OrderCancelled},
	OrderPaid:    {OrderShipped, OrderCancelled},
	OrderShipped: {OrderDelivered},
}

// CanTransition reports whether an order may move from one status to
// another: pending->paid, paid->shipped, shipped->delivered,
// pending/paid->cancelled.
func CanTransition(from, to OrderStatus) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// OrderItem is one line of an order, priced when it was placed.
type OrderItem struct {
	ProductID int64  `json:"product_id"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	UnitPrice Money  `json:"unit_price"`
	Quantity  int    `json:"quantity"`
	LineTotal Money  `json:"line_total"`
}

// PaymentStatus is the state of an order's payment.
type PaymentStatus string

const (
	PaymentSucceeded PaymentStatus = "succeeded"
	PaymentRefunded  PaymentStatus = "refunded"
)

// OrderPayment is what an order shows about its payment.
type OrderPayment struct {
	Brand  string        `json:"brand,omitempty"` // CardBrand of the card, "" when unknown
	Last4  string        `json:"last4"`
	Status PaymentStatus `json:"status"`
}

// CustomerRef is the customer of an order in admin lists.
type CustomerRef struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Order is the API's Order. Customer is only filled for admin lists.
type Order struct {
	ID              int64        `json:"id"`
	UserID          int64        `json:"-"`
	Email           string       `json:"email"` // where the order's mail goes: the account's, or the guest's (0 UserID)
	Status          OrderStatus  `json:"status"`
	Items           []OrderItem  `json:"items"`
	Subtotal        Money        `json:"subtotal"`
	Shipping        Money        `json:"shipping"`
	Total           Money        `json:"total"`
	ShippingAddress Address      `json:"shipping_address"`
	ShippingMethod  string       `json:"shipping_method"`
	Payment         OrderPayment `json:"payment"`
	Customer        *CustomerRef `json:"customer,omitempty"`
	Shipment        *Shipment    `json:"shipment,omitempty"` // set once shipped
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
	// AccessToken is only in a guest's checkout answer: the signed token
	// of the link that shows this order later (GuestOrderService).
	AccessToken string `json:"access_token,omitempty"`
}

// ShippingMethod is a way to ship an order.
type ShippingMethod struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Price         Money  `json:"price"`
	EstimatedDays int    `json:"estimated_days"`
}

// ShippingMethods returns the shop's shipping methods in the currency.
func ShippingMethods(currency string) []ShippingMethod {
	return []ShippingMethod{
		{Code: "standard", Name: "Standard shipping", Price: Money{Amount: 499, Currency: currency}, EstimatedDays: 5},
		{Code: "express", Name: "Express shipping", Price: Money{Amount: 1499, Currency: currency}, EstimatedDays: 2},
	}
}

// FindShippingMethod returns the method with that code.
func FindShippingMethod(code, currency string) (ShippingMethod, bool) {
	for _, m := range ShippingMethods(currency) {
		if m.Code == code {
			return m, true
		}
	}
	return ShippingMethod{}, false
}

// Card is the payment card of a checkout. It is handed to the payment
// provider and never stored (only its last four digits are).
type Card struct {
	Number   string `json:"card_number"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	CVC      string `json:"cvc"`
}

// Last4 returns the card's last four digits.
func (c Card) Last4() string {
	n := c.digits()
	if len(n) < 4 {
		return n
	}
	return n[len(n)-4:]
}

func (c Card) digits() string {
	return strings.NewReplacer(" ", "", "-", "").Replace(c.Number)
}

// Validate checks the number (12-19 digits, Luhn), a non-past expiry at
// now and a 3-4 digit CVC. Field names are prefixed "payment.".
func (c Card) Validate(now time.Time) error { return c.validate(now).err() }

func (c Card) validate(now time.Time) fieldErrors {
	fe := fieldErrors{}
	n := c.digits()
	if len(n) < 12 || len(n) > 19 || !allDigits(n) || !LuhnValid(n) {
		fe.add("payment.card_number", "is not a valid card number")
	}
	if c.ExpMonth < 1 || c.ExpMonth > 12 {
		fe.add("payment.exp_month", "must be 1-12")
	}
	y, m, _ := now.UTC().Date()
	switch {
	case c.ExpYear < y || c.ExpYear > y+20:
		fe.add("payment.exp_year", "is not a valid expiry year")
	case c.ExpYear == y && c.ExpMonth >= 1 && c.ExpMonth < int(m):
		fe.add("payment.exp_month", "card has expired")
	}
	if len(c.CVC) < 3 || len(c.CVC) > 4 || !allDigits(c.CVC) {
		fe.add("payment.cvc", "must be 3 or 4 digits")
	}
	return fe
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// LuhnValid reports whether a string of digits passes the Luhn check.
func LuhnValid(digits string) bool {
	if !allDigits(digits) {
		return false
	}
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// PlaceOrderInput is a checkout. IdempotencyKey comes from the
// Idempotency-Key header; Fingerprint identifies the request body (leave
// it empty and the store uses ComputeFingerprint).
type PlaceOrderInput struct {
	ShippingAddress Address `json:"shipping_address"`
	ShippingMethod  string  `json:"shipping_method"`
	Payment         Card    `json:"payment"`
	// ExpectedTotal is the total (minor units, shipping included) that the
	// customer was shown. It is required (a pointer, so that a missing
	// total is told apart from 0): a checkout carries what the customer
	// saw, and when the cart now costs something else PlaceOrder answers
	// ECARTCHANGED with the current cart instead of charging a different
	// amount (issue 12). Validate checks it; the openapi tag only
	// documents it (required, minimum 0).
	ExpectedTotal  *int64 `json:"expected_total" openapi:"required,minimum=0"`
	IdempotencyKey string `json:"-"`
	Fingerprint    string `json:"-"`
	// Email is the guest's contact address, required without a session
	// (ignored for a customer, whose account e-mail is used).
	Email string `json:"email,omitempty"`
	// GuestCartToken is the guest's cart cookie (userID 0 in PlaceOrder).
	GuestCartToken string `json:"-"`
}

// ValidateGuest checks a guest's contact e-mail (normalize it first).
func (in PlaceOrderInput) ValidateGuest() error {
	fe := fieldErrors{}
	switch {
	case in.Email == "":
		fe.add("email", "is required")
	case !ValidEmail(in.Email):
		fe.add("email", "must be a valid e-mail address")
	}
	return fe.err()
}

// ValidateCheckout is Validate at now plus, for a guest, ValidateGuest:
// the errors of both come back together (normalize the e-mail first).
func (in PlaceOrderInput) ValidateCheckout(guest bool, now time.Time) error {
	bodyErr := in.Validate(now)
	if !guest {
		return bodyErr
	}
	emailErr := in.ValidateGuest()
	if bodyErr == nil {
		return emailErr
	}
	if emailErr != nil && ErrorFields(bodyErr) != nil {
		fe := fieldErrors{}
		fe.merge(bodyErr)
		fe.merge(emailErr)
		return fe.err()
	}
	return bodyErr
}

// Validate checks the address, shipping method, card (at now), the
// expected total (required, not negative) and the idempotency key (1-255
// printable ASCII characters).
func (in PlaceOrderInput) Validate(now time.Time) error {
	fe := in.ShippingAddress.validate("shipping_address.")
	if _, ok := FindShippingMethod(in.ShippingMethod, DefaultCurrency); !ok {
		fe.add("shipping_method", "must be standard or express")
	}
	for k, v := range in.Payment.validate(now) {
		fe.add(k, v)
	}
	switch {
	case in.ExpectedTotal == nil:
		fe.add("expected_total", "is required")
	case *in.ExpectedTotal < 0:
		fe.add("expected_total", "must not be negative")
	}
	if !ValidIdempotencyKey(in.IdempotencyKey) {
		fe.add("idempotency_key", "Idempotency-Key header must be 1-255 printable characters")
	}
	return fe.err()
}

// ValidIdempotencyKey reports whether k is 1-255 printable ASCII characters.
func ValidIdempotencyKey(k string) bool {
	if k == "" || len(k) > 255 || !utf8.ValidString(k) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// ComputeFingerprint is a SHA-256 over the normalized request (address,
// method, card and expected total; the card is hashed, never stored): the same key with a
// different body is then detectable.
func (in PlaceOrderInput) ComputeFingerprint() string {
	a := in.ShippingAddress
	a.ID = 0
	a.Normalize()
	c := in.Payment
	c.Number = c.digits()
	// The same key with another expected total is another request. E is
	// a pointer only so that an unvalidated input (no total) still hashes;
	// a set total encodes as the plain number it always did.
	b, _ := json.Marshal(struct {
		A Address
		M string
		C Card
		E *int64
	}{a, in.ShippingMethod, c, in.ExpectedTotal})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// OrderFilter selects orders in admin lists.
type OrderFilter struct {
	Status  *OrderStatus
	Page    *int
	PerPage *int
}

// Validate checks the status and pagination.
func (f OrderFilter) Validate() error {
	fe := fieldErrors{}
	if f.Status != nil && !f.Status.Valid() {
		fe.add("status", "must be one of pending, paid, shipped, delivered, cancelled")
	}
	fe.merge(PageRequest(f.Page, f.PerPage).Validate())
	return fe.err()
}

// Pagination returns the filter's page (defaults applied).
func (f OrderFilter) Pagination() Pagination {
	return PageRequest(f.Page, f.PerPage).Normalized()
}

// OrderService is checkout and the customer's order history.
type OrderService interface {
	// ShippingMethods lists the shipping methods.
	ShippingMethods(ctx context.Context) ([]ShippingMethod, error)
	// PlaceOrder turns the user's cart into a paid order in one
	// transaction and empties the cart. created is false when the
	// idempotency key was seen before with the same fingerprint: the
	// earlier order is returned and nothing is charged again (HTTP 200
	// instead of 201). The same key with another fingerprint is EINVALID.
	// Errors: EINVALID (input, empty cart), EINSUFFICIENTSTOCK,
	// EPAYMENTDECLINED, EPAYMENTFAILED; on all of them no order exists and
	// stock is unchanged.
	PlaceOrder(ctx context.Context, userID int64, in PlaceOrderInput) (order *Order, created bool, err error)
	// ListOrders returns the user's orders, newest first.
	ListOrders(ctx context.Context, userID int64, p Pagination) (*Page[Order], error)
	// Order returns one of the user's orders; ENOTFOUND for someone else's.
	Order(ctx context.Context, userID, orderID int64) (*Order, error)
	// CancelOrder cancels a pending or paid order of the user and restores
	// stock; ECONFLICT in any other status.
	CancelOrder(ctx context.Context, userID, orderID int64) (*Order, error)
}
