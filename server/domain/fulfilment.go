package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Actor is who changes an order: a customer (their own order) or an admin.
// It is recorded in the order's history.
type Actor struct {
	UserID int64
	Role   Role
}

// Carriers are the shipping carriers an admin can pick, by code.
var Carriers = []struct{ Code, Name string }{
	{"ups", "UPS"}, {"usps", "USPS"}, {"fedex", "FedEx"}, {"dhl", "DHL"}, {"royal-mail", "Royal Mail"}, {"other", "Other"},
}

// CarrierName returns the display name of a carrier code ("" if unknown).
func CarrierName(code string) string {
	for _, c := range Carriers {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Shipment is how an order was sent: set when it moves to shipped.
type Shipment struct {
	Carrier        string    `json:"carrier"` // a Carriers code
	TrackingNumber string    `json:"tracking_number"`
	ShippedAt      time.Time `json:"shipped_at"`
}

// MaxTrackingNumber bounds a tracking number (the longest in common use,
// USPS's, has 34 characters).
const MaxTrackingNumber = 40

// NormalizeTrackingNumber upper-cases a tracking number and drops the
// spaces and dashes people copy along with it.
func NormalizeTrackingNumber(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
}

// validateShipment checks a shipment's carrier and (normalized) tracking
// number: 4-40 letters and digits.
func validateShipment(fe fieldErrors, carrier, tracking string) {
	if CarrierName(carrier) == "" {
		fe.add("carrier", "must be one of ups, usps, fedex, dhl, royal-mail, other")
	}
	n := utf8.RuneCountInString(tracking)
	ok := n >= 4 && n <= MaxTrackingNumber
	for i := 0; ok && i < len(tracking); i++ {
		c := tracking[i]
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	}
	if !ok {
		fe.add("tracking_number", "must be 4-40 letters and digits")
	}
}

// OrderEventKind is one step of an order's history.
type OrderEventKind string

const (
	EventPlaced    OrderEventKind = "placed"
	EventPaid      OrderEventKind = "paid"
	EventShipped   OrderEventKind = "shipped"
	EventDelivered OrderEventKind = "delivered"
	EventCancelled OrderEventKind = "cancelled"
	EventRefunded  OrderEventKind = "refunded"
)

// EventActor is who made an order event. Role "system" marks history
// reconstructed for orders older than the history itself (no actor).
type EventActor struct {
	ID    *int64 `json:"id,omitempty"`
	Role  string `json:"role"` // customer, admin or system
	Email string `json:"email,omitempty"`
}

// OrderEvent is one row of an order's status history.
type OrderEvent struct {
	Kind  OrderEventKind `json:"kind"`
	Actor EventActor     `json:"actor"`
	At    time.Time      `json:"at"`
}

// PaymentRecord is a charge or refund as the provider knows it.
type PaymentRecord struct {
	Reference string    `json:"reference"` // the provider's charge id
	Amount    Money     `json:"amount"`    // positive for charges and refunds alike
	Brand     string    `json:"brand,omitempty"`
	Last4     string    `json:"last4"`
	At        time.Time `json:"at"`
}

// OrderDetail is an order as the back office sees it: the order, its
// customer, the charge and refund, and its history (oldest first).
type OrderDetail struct {
	Order
	Charge  *PaymentRecord `json:"charge,omitempty"` // absent for an unpaid order
	Refund  *PaymentRecord `json:"refund,omitempty"` // absent unless refunded
	History []OrderEvent   `json:"history"`
}

// CardBrand names the brand of a card number from its leading digits
// (visa, mastercard, amex, discover), "" when unknown.
func CardBrand(number string) string {
	n := Card{Number: number}.digits()
	prefix := func(lo, hi int, digits int) bool {
		if len(n) < digits {
			return false
		}
		v := 0
		for i := 0; i < digits; i++ {
			if n[i] < '0' || n[i] > '9' {
				return false
			}
			v = v*10 + int(n[i]-'0')
		}
		return v >= lo && v <= hi
	}
	switch {
	case prefix(4, 4, 1):
		return "visa"
	case prefix(51, 55, 2), prefix(2221, 2720, 4):
		return "mastercard"
	case prefix(34, 34, 2), prefix(37, 37, 2):
		return "amex"
	case prefix(6011, 6011, 4), prefix(65, 65, 2), prefix(644, 649, 3):
		return "discover"
	}
	return ""
}

// CustomerFilter selects customers in the admin list.
type CustomerFilter struct {
	Query   *string // e-mail or name contains (case-insensitive)
	Page    *int
	PerPage *int
}

// Validate checks the query (at most 100 characters) and pagination.
func (f CustomerFilter) Validate() error {
	fe := fieldErrors{}
	if f.Query != nil {
		fe.checkText("q", *f.Query)
		if utf8.RuneCountInString(*f.Query) > 100 {
			fe.add("q", "must be at most 100 characters")
		}
	}
	fe.merge(PageRequest(f.Page, f.PerPage).Validate())
	return fe.err()
}

// Pagination returns the filter's page (defaults applied).
func (f CustomerFilter) Pagination() Pagination {
	return PageRequest(f.Page, f.PerPage).Normalized()
}
